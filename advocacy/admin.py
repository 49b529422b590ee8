from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import (
    Click,
    EmployeeProfile,
    Invitation,
    NetworkAudience,
    PendingTask,
    Share,
    Team,
    TrackedLink,
    User,
)


class BoundedDateHierarchyChangeList(ChangeList):
    """Django's change list, answering a date-hierarchy year too large for a date (?created_at__year=99…9) like any
    other bad filter (the list with "?e=1") instead of failing with an OverflowError."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


def bound_date_hierarchies(site=admin.site):
    """Give every registered admin with a date hierarchy the change list above."""
    for model_admin in site._registry.values():
        if model_admin.date_hierarchy:
            model_admin.get_changelist = lambda request, **kwargs: BoundedDateHierarchyChangeList


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

    def changeform_view(self, request, *args, **kwargs):
        with audit.acting(request.user):  # role and permission changes made here are recorded as theirs
            return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        before = (type(obj).objects.filter(pk=obj.pk).values(*audit.ACCESS_FIELDS).first() or {}) if change else None
        super().save_model(request, obj, form, change)
        if before is not None:
            audit.record_access_change(obj, before, request.user)


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Roles are groups; a change of a role's permissions is recorded in the audit log as its author's."""

    def changeform_view(self, request, *args, **kwargs):
        with audit.acting(request.user):
            return super().changeform_view(request, *args, **kwargs)


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


@admin.register(PendingTask)
class PendingTaskAdmin(ReadOnlyAdmin):
    """Background work asked for while Redis was unreachable; sent, and gone from here, once it is back."""

    list_display = ["created_at", "task", "args", "attempts", "last_error"]
    list_filter = ["task"]


from . import admin_privacy  # noqa: E402,F401  (the audit log, erasure requests, retention)

from . import admin_allauth  # noqa: E402,F401  (allauth's connected-account admins, with strict JSON fields)
