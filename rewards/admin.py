from django.contrib import admin

from .models import PointsEntry


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    """The ledger is append-only: entries are never edited or deleted."""

    list_display = ["created_at", "employee", "points", "reason", "note"]
    list_filter = ["reason"]
    search_fields = ["employee__email", "note"]
    list_select_related = ["employee"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
