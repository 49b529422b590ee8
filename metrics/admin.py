from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from advocacy.admin import ReadOnlyAdmin
from advocacy.audit import AuditedModelAdmin
from advocacy.models import AuditEntry

from .forms import AnalyticsImportForm
from .imports import COLUMNS, MAX_BYTES, MAX_ROWS, ImportRejected, import_analytics
from .jobs import latest_runs
from .models import (
    AnalyticsImport,
    EngagementSnapshot,
    FillState,
    JobRun,
    NetworkRate,
    ProgramCost,
    ReportDelivery,
    ShareEngagement,
)


@admin.register(FillState)
class FillStateAdmin(ReadOnlyAdmin):
    """When each rollup last ran, how far it has filled, and what it did."""

    list_display = ["name", "filled_until", "last_run_at", "last_run_summary"]


@admin.register(AnalyticsImport)
class AnalyticsImportAdmin(ReadOnlyAdmin):
    """Past uploads of analytics exports; new ones come through the upload page, never the add form."""

    list_display = ["uploaded_at", "network", "file_name", "uploaded_by", "rows_read", "rows_matched",
                    "snapshots_created"]
    list_filter = ["network"]
    list_select_related = ["uploaded_by"]
    search_fields = ["file_name", "sha256"]
    date_hierarchy = "uploaded_at"

    def get_urls(self):
        upload = path("upload/", self.admin_site.admin_view(self.upload_view), name="metrics_analyticsimport_upload")
        return [upload, *super().get_urls()]

    def has_upload_permission(self, request):
        return request.user.has_perm("metrics.add_analyticsimport")

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {**(extra_context or {}), "can_upload": self.has_upload_permission(request)})

    def upload_view(self, request):
        """Comms uploads a network's export: errors are listed with their lines, success goes to the list."""
        if not self.has_upload_permission(request):
            raise PermissionDenied
        form = AnalyticsImportForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                record = import_analytics(form.cleaned_data["network"], form.cleaned_data["file"],
                                          as_of=form.as_of_moment, uploaded_by=request.user)
            except ImportRejected as rejected:
                errors = rejected.errors
            else:
                self.message_user(request, self.summary(record), messages.SUCCESS)
                return redirect("admin:metrics_analyticsimport_changelist")
        return TemplateResponse(request, "admin/metrics/analyticsimport/upload.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": gettext("Upload an analytics export"), "form": form, "errors": errors,
            "columns": self.accepted_columns(), "max_megabytes": MAX_BYTES // (1024 * 1024),
            "max_rows": formats.number_format(MAX_ROWS, force_grouping=True),
        })

    @staticmethod
    def summary(record):
        """The success message: counts of rows read, matched, changed and unmatched, with the unmatched lines."""
        values = {
            "file": record.file_name, "network": record.get_network_display(), "read": record.rows_read,
            "matched": record.rows_matched, "changed": record.snapshots_created, "unmatched": record.rows_unmatched,
        }
        if not record.rows_unmatched:
            return gettext("Imported “%(file)s” (%(network)s): %(read)d rows read, %(matched)d matched, "
                           "%(changed)d changed, 0 unmatched.") % values
        lines = ", ".join(str(line) for line in record.unmatched_lines)
        if record.rows_unmatched > len(record.unmatched_lines):
            lines += ", …"
        return gettext("Imported “%(file)s” (%(network)s): %(read)d rows read, %(matched)d matched, "
                       "%(changed)d changed, %(unmatched)d unmatched (lines %(lines)s).") % {**values, "lines": lines}

    @staticmethod
    def accepted_columns():
        """[(network, [(what, accepted headers)])] shown on the upload page."""
        what = {
            "post_id": _("Post id"), "url": _("Post link"), "impressions": _("Impressions (optional)"),
            "reactions": _("Reactions"), "comments": _("Comments"), "reshares": _("Reshares"),
            "quotes": _("Quotes, added to reshares (optional)"),
        }
        return [
            (network.label, [(what[field], ", ".join(names)) for field, names in fields.items()])
            for network, fields in COLUMNS.items()
        ]


@admin.register(EngagementSnapshot)
class EngagementSnapshotAdmin(ReadOnlyAdmin):
    """The history of each share's engagement figures, as pulled, found or imported."""

    list_display = ["fetched_at", "share", "impressions", "reactions", "comments", "reshares", "source",
                    "analytics_import"]
    list_filter = ["source", "share__network"]
    list_select_related = ["share__employee", "share__post", "analytics_import"]
    search_fields = ["share__employee__email", "share__post__title", "share__published_post_id"]
    date_hierarchy = "fetched_at"


@admin.register(NetworkRate)
class NetworkRateAdmin(AuditedModelAdmin, admin.ModelAdmin):
    """What impressions and clicks are worth per network, for the earned media value of the report."""

    audit_action = AuditEntry.Action.NETWORK_RATE_CHANGED
    list_display = ["network", "cpm", "cpc"]
    list_editable = ["cpm", "cpc"]


@admin.register(ProgramCost)
class ProgramCostAdmin(AuditedModelAdmin, admin.ModelAdmin):
    """The program's cost per month, for the return on investment of the report."""

    audit_action = AuditEntry.Action.PROGRAM_COST_CHANGED
    list_display = ["month_label", "amount", "note"]
    date_hierarchy = "month"

    @admin.display(description=_("month"), ordering="month")
    def month_label(self, cost):
        return formats.date_format(cost.month, "YEAR_MONTH_FORMAT")


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    """Every run of the scheduled jobs; the list opens with the latest run of each job beside its schedule."""

    list_display = ["job", "state", "started_at", "finished_at", "duration", "summary"]
    list_filter = ["state", "job"]
    search_fields = ["job", "summary", "task_id"]
    date_hierarchy = "started_at"

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "scheduled_jobs": latest_runs()})


@admin.register(ShareEngagement)
class ShareEngagementAdmin(ReadOnlyAdmin):
    """Each published share's latest figures and when the puller asks again (or why it gave up)."""

    list_display = ["share", "impressions", "reactions", "comments", "reshares", "measured_at", "next_pull_at",
                    "failures", "last_error"]
    list_filter = ["share__network", ("last_error", admin.EmptyFieldListFilter)]
    list_select_related = ["share__employee", "share__post"]
    search_fields = ["share__published_post_id", "share__employee__email", "last_error"]


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["month", "recipient", "sent_at"]
    list_select_related = ["recipient"]
    date_hierarchy = "month"
