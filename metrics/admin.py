from django.contrib import admin

from .models import FillState


@admin.register(FillState)
class FillStateAdmin(admin.ModelAdmin):
    """When each rollup last ran, how far it has filled, and what it did."""

    list_display = ["name", "filled_until", "last_run_at", "last_run_summary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
