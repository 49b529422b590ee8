from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from advocacy.models import CODE_LENGTH
from advocacy.networks import SHARE_TARGETS, Network, composed_text, text_length

from . import services
from .images import clean_upload
from .models import Campaign, Category, Post, PostTransition, PostVariant, Suggestion, targeting_list


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "hashtag", "starts_on", "ends_on"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "hashtag"]


class PostVariantInline(admin.TabularInline):
    model = PostVariant
    extra = 3


class PostTransitionInline(admin.TabularInline):
    model = PostTransition
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "by", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LiveNowFilter(admin.SimpleListFilter):
    title = _("live now")
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return [("yes", _("Live now"))]

    def queryset(self, request, queryset):
        return queryset.live() if self.value() == "yes" else queryset


class ExpiringFilter(admin.SimpleListFilter):
    title = _("expiring")
    parameter_name = "expiring"

    def lookups(self, request, model_admin):
        return [("week", _("This week"))]

    def queryset(self, request, queryset):
        if self.value() != "week":
            return queryset
        now = timezone.now()
        return queryset.filter(expires_at__gt=now, expires_at__lte=now + timezone.timedelta(days=7))


class NetworkFilter(admin.SimpleListFilter):
    title = _("network")
    parameter_name = "network"

    def lookups(self, request, model_admin):
        return Network.choices

    def queryset(self, request, queryset):
        if self.value() not in Network.values:
            return queryset
        return queryset.filter(Exists(PostVariant.objects.filter(post_id=OuterRef("pk"), network=self.value())))


def _bulk_transition(modeladmin, request, queryset, to_status, done_message):
    moved = 0
    for post in queryset:
        try:
            services.transition(post, to_status, request.user)
            moved += 1
        except (services.TransitionRefused, PermissionDenied) as refusal:
            modeladmin.message_user(request, f"{post}: {refusal}", messages.WARNING)
    if moved:
        modeladmin.message_user(request, done_message(moved), messages.SUCCESS)


@admin.action(description=_("Submit for review"), permissions=["change"])
def submit_for_review(modeladmin, request, queryset):
    _bulk_transition(modeladmin, request, queryset, Post.Status.IN_REVIEW,
                     lambda n: ngettext("%d post sent to review.", "%d posts sent to review.", n) % n)


@admin.action(description=_("Approve"), permissions=["approve"])
def approve(modeladmin, request, queryset):
    _bulk_transition(modeladmin, request, queryset, Post.Status.APPROVED,
                     lambda n: ngettext("%d post approved.", "%d posts approved.", n) % n)


@admin.action(description=_("Reject"), permissions=["approve"])
def reject(modeladmin, request, queryset):
    _bulk_transition(modeladmin, request, queryset, Post.Status.REJECTED,
                     lambda n: ngettext("%d post rejected.", "%d posts rejected.", n) % n)


@admin.action(description=_("Archive"), permissions=["change"])
def archive(modeladmin, request, queryset):
    _bulk_transition(modeladmin, request, queryset, Post.Status.ARCHIVED,
                     lambda n: ngettext("%d post archived.", "%d posts archived.", n) % n)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (Post.Status.APPROVED, _("Approve: it goes live at its publication time")),
        (Post.Status.REJECTED, _("Reject: it goes back to comms")),
    ])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(
        attrs={"rows": 4}), help_text=_("Required to reject: comms read it in the post's history."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Post.Status.REJECTED and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say what must change."))
        return cleaned


class PostForm(forms.ModelForm):
    target_languages = forms.MultipleChoiceField(
        label=_("Target languages"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=settings.LANGUAGES, help_text=_("None ticked: every language."),
    )

    class Meta:
        model = Post
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["target_languages"] = self.instance.target_language_list

    def clean_target_languages(self):
        return targeting_list(",".join(self.cleaned_data["target_languages"]))

    def clean_image(self):
        """Only JPEG, PNG, WebP or GIF that are what they say, within the size limits, stored without EXIF."""
        image = self.cleaned_data.get("image")
        if image and "image" in self.changed_data:
            return clean_upload(image)
        return image


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostForm
    list_display_links = ["thumbnail", "title"]
    list_display = ["thumbnail", "title", "status", "language", "campaign", "publish_at", "expires_at", "is_live"]
    list_filter = ["status", LiveNowFilter, ExpiringFilter, NetworkFilter, "content_type", "category", "language",
                   "campaign"]
    search_fields = ["title", "summary", "url", "hashtags", "tags"]
    date_hierarchy = "publish_at"
    inlines = [PostVariantInline, PostTransitionInline]
    filter_horizontal = ["target_teams"]
    readonly_fields = ["status", "created_by", "created_at", "updated_at", "share_preview"]
    actions = [submit_for_review, approve, reject, archive, "duplicate"]
    fieldsets = [
        (None, {"fields": ["title", "summary", "url", "image", "language", "hashtags", "campaign", "allow_edit"]}),
        (_("Library"), {"fields": ["content_type", "category", "tags"]}),
        (_("Audience and dates"), {"fields": ["target_teams", "target_locations", "target_languages", "publish_at",
                                               "expires_at"]}),
        (_("Review"), {"fields": ["status", "created_by", "created_at", "updated_at"]}),
        (_("Preview of the share per network"), {"fields": ["share_preview"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("as employees will share it"))
    def share_preview(self, post):
        """Each network's final text (hashtags added) with a sample tracked link, and how long it is."""
        if not post.pk:
            return _("Save the post to see the preview.")
        link = f"{settings.SITE_URL}/s/{'x' * CODE_LENGTH}"
        rows = []
        for target in SHARE_TARGETS:
            text = post.text_for(target.network)
            length, limit = text_length(target.network, text, link)
            rows.append(format_html(
                '<div class="advocacy-preview"><strong>{}</strong> <small>{}</small>'
                '<div class="advocacy-preview-text">{}</div></div>',
                target.network.label, f"{length} / {limit}" if limit else length,
                composed_text(target.network, text, link),
            ))
        return format_html_join("", "{}", ((row,) for row in rows))

    @admin.action(description=_("Duplicate as a new draft"), permissions=["add"])
    def duplicate(self, request, queryset):
        from advocacy.dispatch import enqueue

        from .tasks import make_renditions

        copies = [services.duplicate(post, request.user) for post in queryset]
        for copy in copies:
            if copy.image:
                enqueue(make_renditions, copy.pk)
        self.message_user(request, ngettext("%d draft made from the selected post.",
                                            "%d drafts made from the selected posts.", len(copies)) % len(copies),
                          messages.SUCCESS)

    def get_urls(self):
        review = path("<int:post_id>/review/", self.admin_site.admin_view(self.review_view),
                      name="content_library_post_review")
        return [review, *super().get_urls()]

    def review_view(self, request, post_id):
        """A reviewer approves or rejects one post, with a comment kept in its history."""
        post = get_object_or_404(Post, pk=post_id)
        if not request.user.has_perm("content_library.approve_post"):
            raise PermissionDenied
        form = ReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.transition(post, form.cleaned_data["decision"], request.user, form.cleaned_data["comment"])
            except services.TransitionRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(request, _("Your decision is recorded."), messages.SUCCESS)
            return redirect("admin:content_library_post_change", post.pk)
        return TemplateResponse(request, "admin/content_library/post/review.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": post, "post": post,
            "form": form, "title": _("Review “%(title)s”") % {"title": post.title},
            "previews": self.share_preview(post),
        })

    def changelist_view(self, request, extra_context=None):
        from .selectors import library_health

        return super().changelist_view(request, {**(extra_context or {}), "health": library_health()})

    @admin.display(description=_("image"))
    def thumbnail(self, post):
        if not post.image:
            return "—"
        return format_html('<img src="{}" alt="" class="advocacy-thumbnail">',
                           post.image.url)

    @admin.display(boolean=True, description=_("live"))
    def is_live(self, post):
        now = timezone.now()
        return post.status == Post.Status.APPROVED and post.publish_at <= now and (
            post.expires_at is None or post.expires_at > now
        )

    def has_approve_permission(self, request):
        return request.user.has_perm("content_library.approve_post")

    def save_model(self, request, obj, form, change):
        from advocacy.dispatch import enqueue

        from .tasks import make_renditions

        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data:  # cut the new image (or drop the renditions of a removed one)
            enqueue(make_renditions, obj.pk)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        edited = form.has_changed() or any(formset.has_changed() for formset in formsets)
        if change and edited:
            if services.back_to_review_after_edit(form.instance, request.user):
                self.message_user(request, _("The post was edited after approval, so it went back to review."),
                                  messages.WARNING)


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    """Employees' ideas: turn one into a draft (the employee is credited) or decline it with a reason."""

    list_display = ["note_excerpt", "employee", "url", "status", "created_at", "post"]
    list_filter = ["status"]
    search_fields = ["note", "url", "employee__email"]
    list_select_related = ["employee", "post"]
    actions = ["make_draft"]
    fields = ["employee", "created_at", "url", "note", "status", "reason", "post", "decided_by", "decided_at"]
    readonly_fields = ["employee", "created_at", "url", "note", "post", "decided_by", "decided_at"]

    @admin.display(description=_("idea"))
    def note_excerpt(self, suggestion):
        return suggestion.note[:80]

    def has_add_permission(self, request):
        return False  # a suggestion is an employee's (from /suggest/): the admin has no employee to give it

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.decided_at:  # decided (and saved so): kept as it was decided
            return [*self.readonly_fields, "status", "reason"]
        return self.readonly_fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":  # a draft is made by the action, which credits the employee
            kwargs["choices"] = [(value, label) for value, label in Suggestion.Status.choices
                                 if value != Suggestion.Status.DRAFTED]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data and obj.status == Suggestion.Status.DECLINED:
            obj.decided_by, obj.decided_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Turn into a draft post (credits the employee)"), permissions=["change"])
    def make_draft(self, request, queryset):
        for suggestion in queryset.select_related("employee__profile"):
            try:
                post = services.draft_from_suggestion(suggestion, request.user)
            except services.TransitionRefused as refusal:
                self.message_user(request, f"{suggestion}: {refusal}", messages.WARNING)
                continue
            self.message_user(request, format_html(
                _('Draft <a href="{}">{}</a> made; complete it and send it to review.'),
                reverse("admin:content_library_post_change", args=[post.pk]), post.title,
            ), messages.SUCCESS)
