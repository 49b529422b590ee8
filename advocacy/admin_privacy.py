"""The admin of privacy and accountability: the audit log (read-only, administrators), erasure requests and HR's
decision on each (HR and administrators), and how far the retention purge has gone."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import privacy
from .admin import ReadOnlyAdmin
from .models import AuditEntry, ErasureRequest, RetentionMark, User


SUMMARY_LENGTH = 60  # of "what changed" in the list; the entry's page shows it all


def _json(value, indent=None):
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=indent, sort_keys=True)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Append-only: nobody edits or deletes an entry, superusers included. Seen by those with the view permission
    (the admin role)."""

    list_display = ["when", "action", "actor_name", "object_name", "changes_summary"]
    list_display_links = ["when"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter), ("at", admin.DateFieldListFilter)]
    date_hierarchy = "at"
    search_fields = ["target_repr", "actor__email", "actor__first_name", "actor__last_name", "=target_id"]
    list_select_related = ["actor", "target_type"]
    fields = ["at", "action", "actor_name", "object_type", "target_id", "object_name", "changes_pretty"]
    readonly_fields = fields

    def get_queryset(self, request):
        # The object as it is now: an erased account shows under its pseudonym.
        return super().get_queryset(request).prefetch_related("target")

    @admin.display(description=_("date"), ordering="at")
    def when(self, entry):
        return formats.date_format(timezone.localtime(entry.at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("who"), ordering="actor")
    def actor_name(self, entry):
        return f"{entry.actor} (#{entry.actor_id})" if entry.actor_id else gettext("the system")

    @admin.display(description=_("object type"))
    def object_type(self, entry):
        return entry.target_type.name if entry.target_type else "—"

    @admin.display(description=_("object"))
    def object_name(self, entry):
        target = entry.target
        if isinstance(target, User):
            return f"{target} (#{target.pk})"
        if entry.target_repr:
            return entry.target_repr
        return f"#{entry.target_id}" if entry.target_id else "—"

    @admin.display(description=_("what changed"))
    def changes_summary(self, entry):
        text = "; ".join(f"{key}: {_json(value)}" for key, value in sorted(entry.changes.items()))
        return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH - 1] + "…"

    @admin.display(description=_("what changed"))
    def changes_pretty(self, entry):
        return format_html("<pre>{}</pre>", _json(entry.changes, indent=2))


class ErasureRequestAddForm(forms.ModelForm):
    """HR record a request received another way (an e-mail, a letter): the employee it is about."""

    class Meta:
        model = ErasureRequest
        fields = ["employee"]

    def clean_employee(self):
        employee = self.cleaned_data["employee"]
        if privacy.is_erased(employee):
            raise ValidationError(_("This account was already erased."))
        if privacy.pending_erasure(employee) is not None:
            raise ValidationError(_("This employee already has an erasure request waiting."))
        return employee


class ErasureDecisionForm(forms.Form):
    CARRY_OUT, DECLINE = "carry_out", "decline"

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (CARRY_OUT, _("Carry out the erasure now (it cannot be undone)")),
        (DECLINE, _("Decline the request")),
    ])
    reason = forms.CharField(
        label=_("Why it is declined"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to decline, with the GDPR ground (Art. 17(3)), e.g. a legal claim in progress. "
                    "The employee receives it by e-mail."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.DECLINE and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the request is declined: the employee reads it."))
        return cleaned


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    """Every erasure request with its state and deadline; HR (or an administrator) carries each out or declines it."""

    list_display = ["__str__", "employee", "requested_at", "due_by", "state", "decided_at", "decide_link"]
    list_filter = ["state"]
    date_hierarchy = "requested_at"
    search_fields = ["employee__email", "employee__first_name", "employee__last_name", "=employee__id"]
    list_select_related = ["employee", "decided_by"]
    autocomplete_fields = ["employee"]
    readonly_fields = ["employee", "requested_at", "requested_by", "due_by", "state", "decided_by", "decided_at",
                       "decline_reason", "outcome_pretty"]

    def get_fields(self, request, obj=None):
        return ["employee"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ErasureRequestAddForm
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False  # decided on the decision page, never edited

    def has_delete_permission(self, request, obj=None):
        return False  # the record that an erasure was asked for and what became of it

    def has_decide_permission(self, request):
        return request.user.has_perm(privacy.DECIDE_PERMISSION)

    def save_model(self, request, obj, form, change):
        recorded = privacy.request_erasure(obj.employee, requested_by=request.user)
        obj.pk, obj._state.adding = recorded.pk, False
        obj.requested_at, obj.state = recorded.requested_at, recorded.state

    @admin.display(description=_("answer by"), ordering="requested_at")
    def due_by(self, erasure):
        if erasure.state != ErasureRequest.State.PENDING:
            return "—"
        due = erasure.due_by.date()
        return format_html("<strong>{}</strong>", gettext("%(date)s (overdue)") % {"date": due}) \
            if erasure.is_overdue else due

    @admin.display(description=_("decision"))
    def decide_link(self, erasure):
        if erasure.state != ErasureRequest.State.PENDING:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:advocacy_erasurerequest_decide", args=[erasure.pk]),
                           gettext("Decide"))

    @admin.display(description=_("what was erased"))
    def outcome_pretty(self, erasure):
        return format_html("<pre>{}</pre>", _json(erasure.outcome, indent=2)) if erasure.outcome else "—"

    def get_urls(self):
        decide = path("<int:request_id>/decide/", self.admin_site.admin_view(self.decide_view),
                      name="advocacy_erasurerequest_decide")
        return [decide, *super().get_urls()]

    def decide_view(self, request, request_id):
        """HR carry out or decline one pending request, seeing first what the erasure removes and keeps."""
        if not self.has_decide_permission(request):
            raise PermissionDenied
        erasure = get_object_or_404(ErasureRequest.objects.select_related("employee"), pk=request_id)
        if erasure.state != ErasureRequest.State.PENDING:
            self.message_user(request, gettext("This request was already decided."), messages.INFO)
            return redirect("admin:advocacy_erasurerequest_change", erasure.pk)
        form = ErasureDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                if form.cleaned_data["decision"] == ErasureDecisionForm.CARRY_OUT:
                    privacy.carry_out_erasure(erasure, request.user)
                    done = gettext("The erasure was carried out; the employee is told by e-mail.")
                else:
                    privacy.decline_erasure(erasure, request.user, form.cleaned_data["reason"])
                    done = gettext("The request was declined; the employee is told why by e-mail.")
            except ValidationError as refusal:
                self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            except PermissionDenied as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(request, done, messages.SUCCESS)
                return redirect("admin:advocacy_erasurerequest_changelist")
        return TemplateResponse(request, "admin/advocacy/erasurerequest/decide.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": erasure,
            "erasure": erasure, "form": form, "preview": privacy.erasure_preview(erasure.employee),
            "title": gettext("Decide on %(request)s") % {"request": erasure},
        })


@admin.register(RetentionMark)
class RetentionMarkAdmin(ReadOnlyAdmin):
    """How far the nightly retention purge has deleted raw rows, and what it last did."""

    list_display = ["name", "purged_through", "last_run_at", "last_run_summary"]
