from django.contrib import admin

from advocacy.admin import ReadOnlyAdmin

from .models import FillState


@admin.register(FillState)
class FillStateAdmin(ReadOnlyAdmin):
    """When each rollup last ran, how far it has filled, and what it did."""

    list_display = ["name", "filled_until", "last_run_at", "last_run_summary"]
