from django.contrib import admin

from advocacy.admin import ReadOnlyAdmin

from .models import PointsEntry


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    """The ledger is append-only: entries are never edited or deleted."""

    list_display = ["created_at", "employee", "points", "reason", "note"]
    list_filter = ["reason"]
    search_fields = ["employee__email", "note"]
    list_select_related = ["employee"]
    date_hierarchy = "created_at"
