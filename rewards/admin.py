from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from advocacy.admin import ReadOnlyAdmin
from advocacy.audit import AuditedModelAdmin
from advocacy.models import AuditEntry

from .models import BadgeAward, EmployeeOfTheMonth, LeaderboardAlias, PointsEntry, PointsRule
from .services import adjust, balance


class AdjustmentForm(forms.Form):
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=None)
    points = forms.IntegerField(label=_("Points"), min_value=-1_000_000, max_value=1_000_000,
                                help_text=_("Negative to take points away."))
    note = forms.CharField(label=_("Why"), max_length=300, help_text=_("Kept in the ledger with your name."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = get_user_model().objects.filter(is_active=True).order_by("email")


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    """The ledger is append-only: entries are never edited or deleted; comms add hand adjustments."""

    list_display = ["created_at", "employee", "points", "reason", "campaign", "multiplier", "note", "awarded_by"]
    list_filter = ["reason", "campaign"]
    search_fields = ["employee__email", "note"]
    list_select_related = ["employee", "campaign", "awarded_by"]
    date_hierarchy = "created_at"

    def get_urls(self):
        return [path("adjust/", self.admin_site.admin_view(self.adjust_view), name="rewards_pointsentry_adjust"),
                *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}),
                                                 "can_adjust": request.user.has_perm("rewards.add_pointsentry")})

    def adjust_view(self, request):
        """Comms add or take away points by hand, with a note; the entry goes to the ledger like any other."""
        if not request.user.has_perm("rewards.add_pointsentry"):
            raise PermissionDenied
        form = AdjustmentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            employee = form.cleaned_data["employee"]
            try:
                adjust(employee, form.cleaned_data["points"], form.cleaned_data["note"], by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, gettext("%(points)+d points for %(employee)s; balance now %(balance)d.") % {
                    "points": form.cleaned_data["points"], "employee": employee, "balance": balance(employee)},
                    messages.SUCCESS)
                return redirect("admin:rewards_pointsentry_changelist")
        return TemplateResponse(request, "admin/rewards/pointsentry/adjust.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
            "title": gettext("Adjust points by hand"),
        })


@admin.register(PointsRule)
class PointsRuleAdmin(admin.ModelAdmin):
    """The points rules of DESIGN.md; a change applies to points earned from then on."""

    list_display = ["key", "value"]
    list_editable = ["value"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["key"] if obj else []


class EmployeeOfTheMonthForm(forms.ModelForm):
    class Meta:
        model = EmployeeOfTheMonth
        fields = ["month", "employee", "citation"]


@admin.register(EmployeeOfTheMonth)
class EmployeeOfTheMonthAdmin(AuditedModelAdmin, admin.ModelAdmin):
    """Comms name the employee of the month; the form suggests the month's top contributors."""

    audit_action = AuditEntry.Action.EMPLOYEE_OF_THE_MONTH
    audit_private_fields = ("citation",)
    form = EmployeeOfTheMonthForm
    list_display = ["month", "employee", "citation", "named_by"]
    list_select_related = ["employee", "named_by"]
    autocomplete_fields = []
    raw_id_fields = []
    change_form_template = "admin/rewards/employeeofthemonth/change_form.html"

    def render_change_form(self, request, context, *args, **kwargs):
        from metrics.selectors import Filters, Month, top_contributors

        month = Month.containing(timezone.localdate()).previous()
        obj = kwargs.get("obj")
        if obj is not None:
            month = Month.containing(obj.month)
        context["suggestions"] = top_contributors(month, Filters())[:5]
        context["suggestions_month"] = month
        return super().render_change_form(request, context, *args, **kwargs)

    def audit_text(self, obj):
        return f"{obj.month:%Y-%m}"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.named_by = request.user
        super().save_model(request, obj, form, change)
        from .badges import award_badges

        award_badges([obj.employee_id])


@admin.register(BadgeAward)
class BadgeAwardAdmin(ReadOnlyAdmin):
    list_display = ["awarded_at", "employee", "badge", "occasion", "campaign"]
    list_filter = ["badge"]
    search_fields = ["employee__email"]
    list_select_related = ["employee", "campaign"]


@admin.register(LeaderboardAlias)
class LeaderboardAliasAdmin(ReadOnlyAdmin):
    list_display = ["pseudonym", "employee"]
    search_fields = ["pseudonym", "employee__email"]
from . import admin_catalog  # noqa
from . import admin_raffles  # noqa: E402,F401
