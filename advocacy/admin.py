from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Click, EmployeeProfile, Invitation, NetworkAudience, Share, Team, TrackedLink, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Recorded events: looked at, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EmployeeProfileInline(admin.StackedInline):
    model = EmployeeProfile
    can_delete = False
    fields = ["team", "job_title", "language", "location", "opted_in_at", "opted_out_at"]
    readonly_fields = ["opted_in_at", "opted_out_at"]


class NetworkAudienceInline(admin.TabularInline):
    model = NetworkAudience
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "team", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_active", "profile__team"]
    search_fields = ["email", "first_name", "last_name"]
    list_select_related = ["profile__team"]
    inlines = [EmployeeProfileInline, NetworkAudienceInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name"]}),
        (_("Roles"), {"fields": ["is_active", "groups", "is_superuser", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    @admin.display(description=_("team"))
    def team(self, user):
        return user.profile.team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    filter_horizontal = ["managers"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "team", "invited_by", "created_at", "accepted_at", "link"]
    readonly_fields = ["invited_by", "created_at", "accepted_at", "link"]
    fields = ["email", "team", "invited_by", "created_at", "accepted_at", "link"]

    @admin.display(description=_("invitation link"))
    def link(self, invitation):
        from django.conf import settings

        return f"{settings.SITE_URL}/accounts/invitation/{invitation.token}/" if invitation.pk else "-"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.invited_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Share)
class ShareAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "employee", "post", "network", "potential_reach"]
    list_filter = ["network"]
    list_select_related = ["employee", "post"]
    search_fields = ["employee__email", "post__title"]
    date_hierarchy = "created_at"


@admin.register(TrackedLink)
class TrackedLinkAdmin(ReadOnlyAdmin):
    list_display = ["code", "employee", "post", "network", "created_at"]
    list_select_related = ["employee", "post"]
    search_fields = ["code", "employee__email", "post__title"]


@admin.register(Click)
class ClickAdmin(ReadOnlyAdmin):
    list_display = ["clicked_at", "link", "referrer_domain", "is_bot", "is_unique"]
    list_filter = ["is_bot", "is_unique"]
    list_select_related = ["link"]
    date_hierarchy = "day"
