"""The raffles' admin: comms open a raffle (its seed's hash is published at once) and draw it after the campaign.

The secret seed is never shown or logged before the draw; a drawn raffle can be neither edited nor deleted.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from content_library.models import Campaign

from . import raffles
from .models import Raffle

CREATE_FIELDS = ["campaign", "title", "prize", "winners", "ticket_per_share"]
# Fixed once the seed's hash is published: changing them afterwards could steer the draw.
FIXED_FIELDS = ["campaign", "winners", "ticket_per_share"]
SHOWN_FIELDS = ["seed_sha256", "status", "created_at", "drawn_at", "drawn_by", "revealed_seed", "entrant_count",
                "winner_list"]


class RaffleForm(forms.ModelForm):
    winners = forms.IntegerField(label=_("number of winners"), min_value=1, max_value=1000, initial=1)

    class Meta:
        model = Raffle
        fields = CREATE_FIELDS

    def clean_campaign(self):
        campaign = self.cleaned_data["campaign"]
        if campaign is not None:
            raffles.check_can_open(campaign)
        return campaign


@admin.register(Raffle)
class RaffleAdmin(admin.ModelAdmin):
    form = RaffleForm
    list_display = ["title", "campaign", "prize", "winners", "ticket_per_share", "status", "short_seed_sha256",
                    "created_at", "drawn_at"]
    list_filter = ["status", "campaign"]
    search_fields = ["title", "prize", "campaign__name", "campaign__hashtag"]
    list_select_related = ["campaign"]
    actions = ["draw"]

    def get_fields(self, request, obj=None):
        return CREATE_FIELDS if obj is None else [*CREATE_FIELDS, *SHOWN_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.status == Raffle.Status.DRAWN:
            return [*CREATE_FIELDS, *SHOWN_FIELDS]
        return [*FIXED_FIELDS, *SHOWN_FIELDS]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = Campaign.objects.filter(ends_on__gte=timezone.localdate())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            raffles.seal_new_seed(obj)
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == Raffle.Status.DRAWN:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == Raffle.Status.DRAWN:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.exclude(status=Raffle.Status.DRAWN))

    @admin.display(description=_("SHA-256 of the seed"))
    def short_seed_sha256(self, obj):
        return format_html('<code title="{}">{}…</code>', obj.seed_sha256, obj.seed_sha256[:12])

    @admin.display(description=_("seed"))
    def revealed_seed(self, obj):
        if obj.status != Raffle.Status.DRAWN:
            return gettext("Secret until the draw.")
        return format_html("<code>{}</code>", obj.seed)

    @admin.display(description=_("entrants"))
    def entrant_count(self, obj):
        if obj.status != Raffle.Status.DRAWN:
            return gettext("Published at the draw.")
        count, tickets = len(obj.entrants), sum(entrant["tickets"] for entrant in obj.entrants)
        text = ngettext("%(count)d entrant", "%(count)d entrants", count) % {"count": count}
        text += ", " + ngettext("%(tickets)d ticket", "%(tickets)d tickets", tickets) % {"tickets": tickets}
        try:
            url = reverse("raffle_entrants", args=[obj.campaign.slug, obj.pk])
        except NoReverseMatch:
            return text
        return format_html('{} · <a href="{}">{}</a>', text, url, gettext("published record (JSON)"))

    @admin.display(description=_("winners"))
    def winner_list(self, obj):
        if obj.status != Raffle.Status.DRAWN:
            return "—"
        names = {entrant["entrant"]: entrant["name"] for entrant in obj.entrants}
        return format_html("<ol>{}</ol>", format_html_join(
            "", "<li>{} <code>{}</code></li>", ((names.get(code, ""), code) for code in obj.winner_codes)))

    @admin.action(description=_("Draw (reveals the seed and names the winners)"), permissions=["change"])
    def draw(self, request, queryset):
        drawn = 0
        for raffle in queryset.select_related("campaign"):
            try:
                raffles.draw(raffle, by=request.user)
            except ValidationError as refusal:
                self.message_user(request, f"{raffle}: {' '.join(refusal.messages)}", messages.ERROR)
                continue
            drawn += 1
            # The history says that it was drawn, never the seed (public now, but kept out of the log anyway).
            self.log_change(request, raffle, gettext("Drawn."))
        if drawn:
            self.message_user(request, ngettext("%d raffle drawn.", "%d raffles drawn.", drawn) % drawn,
                              messages.SUCCESS)
