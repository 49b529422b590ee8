from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from advocacy.admin import ReadOnlyAdmin
from advocacy.networks import SHAREABLE_NETWORKS, Network

from .models import Acknowledgement, Capsule, GuideReminder, GuideVersion, QuizQuestion
from .services import publish_version


class GuideVersionForm(forms.ModelForm):
    allowed_networks = forms.MultipleChoiceField(
        label=_("Networks allowed"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(code, Network(code).label) for code in SHAREABLE_NETWORKS],
        help_text=_("None ticked: every network. Sharing elsewhere is blocked."),
    )

    class Meta:
        model = GuideVersion
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["allowed_networks"] = self.instance.allowed_network_list

    def clean_allowed_networks(self):
        return ",".join(self.cleaned_data["allowed_networks"])


@admin.register(GuideVersion)
class GuideVersionAdmin(admin.ModelAdmin):
    form = GuideVersionForm
    list_display = ["version", "title", "effective_date", "published_at"]
    fieldsets = [
        (None, {"fields": ["version", "title", "body", "summary_of_changes", "effective_date", "published_at"]}),
        (_("Rules checked when sharing"), {"fields": [
            "forbidden_terms", "confidential_terms", "disclosure_hashtag", "max_hashtags", "allowed_networks",
        ]}),
    ]
    actions = ["publish"]

    @admin.action(description=_("Publish (becomes the current version)"), permissions=["change"])
    def publish(self, request, queryset):
        published = sum(publish_version(version, request.user) for version in queryset.filter(published_at__isnull=True))
        self.message_user(request, _("%(count)d version(s) published.") % {"count": published}, messages.SUCCESS)

    def get_readonly_fields(self, request, obj=None):
        # A published text is what people signed: it is never edited; publish a new version instead.
        if obj and obj.published_at:
            return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]
        return ["published_at"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["employee", "version", "signed_at", "typed_name"]
    list_filter = ["version"]
    search_fields = ["employee__email", "typed_name"]
    list_select_related = ["employee", "version"]


class QuizQuestionInline(admin.StackedInline):
    model = QuizQuestion
    extra = 1
    fields = ["order", "text", "choices", "correct_choice"]


@admin.register(Capsule)
class CapsuleAdmin(admin.ModelAdmin):
    list_display = ["title", "level", "language", "pass_mark", "is_published", "completions"]
    list_filter = ["level", "language", "is_published"]
    search_fields = ["title", "summary", "body"]
    inlines = [QuizQuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(completed=Count("completions"))

    @admin.display(description=_("passed by"), ordering="completed")
    def completions(self, obj):
        return obj.completed


@admin.register(GuideReminder)
class GuideReminderAdmin(ReadOnlyAdmin):
    """The log of reminder e-mails: read-only."""

    list_display = ["employee", "version", "day", "sent_at", "requested_by"]
    list_filter = ["day", "version"]
    search_fields = ["employee__email"]
    list_select_related = ["employee", "version", "requested_by"]
