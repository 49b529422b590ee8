"""The rewards catalog and the redemptions in the web admin.

Comms keep the catalog; comms and HR decide on redemptions with the actions of the list, which call the
services of `redemptions` (nothing about a redemption is edited by hand: its points, employee and reward are
what was spent, and its status moves only through the actions).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from content_library.images import clean_upload

from . import redemptions
from .models import Redemption, RewardItem


class RewardItemForm(forms.ModelForm):
    # The stock the form showed: redemptions take stock while comms edit, so an untouched stock is left alone.
    stock_shown = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = RewardItem
        fields = ["name", "description", "kind", "points_price", "stock", "image", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stock_shown"].initial = self.instance.stock

    def stock_edited(self):
        return self.cleaned_data.get("stock") != self.cleaned_data.get("stock_shown")

    def clean_image(self):
        """Only JPEG, PNG, WebP or GIF that are what they say, within the size limits, stored without EXIF."""
        image = self.cleaned_data.get("image")
        if image and "image" in self.changed_data:
            return clean_upload(image)
        return image


@admin.register(RewardItem)
class RewardItemAdmin(admin.ModelAdmin):
    form = RewardItemForm
    list_display = ["thumbnail", "name", "kind", "points_price", "stock_left", "is_active", "redeemed"]
    list_display_links = ["thumbnail", "name"]
    list_filter = ["is_active", "kind"]
    search_fields = ["name", "description"]
    readonly_fields = ["image_preview", "created_at"]
    fields = ["name", "description", "kind", "points_price", "stock", "stock_shown", "image", "image_preview",
              "is_active", "created_at"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(redeemed_count=Count("redemptions"))

    def save_model(self, request, obj, form, change):
        if change and not form.stock_edited():
            # Redemptions take stock while the form is open: saving other fields must not put back a stale count.
            obj.save(update_fields=[field for field in RewardItemForm.Meta.fields if field != "stock"])
        else:
            obj.save()

    @admin.display(description=_("image"))
    def thumbnail(self, item):
        if not item.image:
            return "—"
        return format_html('<img src="{}" alt="" class="advocacy-thumbnail-narrow">',
                           item.image.url)

    @admin.display(description=_("preview"))
    def image_preview(self, item):
        if not item.image:
            return "—"
        return format_html('<img src="{}" alt="" class="advocacy-image-preview">',
                           item.image.url)

    @admin.display(description=_("stock left"), ordering="stock")
    def stock_left(self, item):
        return _("unlimited") if item.stock is None else item.stock

    @admin.display(description=_("redemptions"), ordering="redeemed_count")
    def redeemed(self, item):
        return item.redeemed_count


class RedemptionActionForm(helpers.ActionForm):
    note = forms.CharField(
        label=_("Note (required to reject; the employee reads it)"), required=False,
        max_length=Redemption._meta.get_field("note").max_length,
        widget=forms.TextInput(attrs={"size": 40}),
    )


def _decide_each(modeladmin, request, queryset, decide, done_message):
    """Apply one decision to each selected redemption; each is its own transaction, and each refusal is told."""
    done = 0
    for redemption in queryset.select_related("employee", "item"):
        try:
            decide(redemption)
        except (ValidationError, PermissionDenied) as refusal:
            reasons = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
            modeladmin.message_user(request, f"{redemption}: {reasons}", messages.WARNING)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


@admin.action(description=_("Approve"), permissions=["change"])
def approve(modeladmin, request, queryset):
    _decide_each(modeladmin, request, queryset, lambda redemption: redemptions.approve(redemption, request.user),
                 lambda n: ngettext("%d redemption approved.", "%d redemptions approved.", n) % n)


@admin.action(description=_("Reject (points refunded)"), permissions=["change"])
def reject(modeladmin, request, queryset):
    note = (request.POST.get("note") or "").strip()
    if not note:
        modeladmin.message_user(request, _("Write a note saying why to reject: the employee reads it. Nothing was "
                                           "rejected."), messages.ERROR)
        return
    _decide_each(modeladmin, request, queryset, lambda redemption: redemptions.reject(redemption, request.user, note),
                 lambda n: ngettext("%d redemption rejected; its points were returned.",
                                    "%d redemptions rejected; their points were returned.", n) % n)


@admin.action(description=_("Mark delivered"), permissions=["change"])
def mark_delivered(modeladmin, request, queryset):
    _decide_each(modeladmin, request, queryset,
                 lambda redemption: redemptions.mark_delivered(redemption, request.user),
                 lambda n: ngettext("%d redemption marked delivered.", "%d redemptions marked delivered.", n) % n)


@admin.register(Redemption)
class RedemptionAdmin(admin.ModelAdmin):
    action_form = RedemptionActionForm
    actions = [approve, reject, mark_delivered]
    list_display = ["requested_at", "employee", "item", "points", "status", "decided_by", "decided_at",
                    "delivered_at", "note"]
    list_filter = ["status", "item"]
    search_fields = ["employee__email", "employee__first_name", "employee__last_name", "item__name", "note"]
    list_select_related = ["employee", "item", "decided_by"]
    date_hierarchy = "requested_at"
    fields = ["employee", "item", "points", "status", "requested_at", "decided_by", "decided_at", "delivered_at",
              "note"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The list's actions need the change permission; a single redemption is only looked at, never edited.
        if obj is not None:
            return False
        return super().has_change_permission(request)
