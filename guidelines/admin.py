from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Acknowledgement, GuideVersion


@admin.register(GuideVersion)
class GuideVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "effective_date", "published_at"]
    actions = ["publish"]

    @admin.action(description=_("Publish (becomes the current version)"), permissions=["change"])
    def publish(self, request, queryset):
        published = queryset.filter(published_at__isnull=True).update(published_at=timezone.now())
        self.message_user(request, _("%(count)d version(s) published.") % {"count": published}, messages.SUCCESS)

    def get_readonly_fields(self, request, obj=None):
        # A published text is what people signed: it is never edited; publish a new version instead.
        if obj and obj.published_at:
            return ["version", "title", "body", "summary_of_changes", "effective_date", "published_at"]
        return ["published_at"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(admin.ModelAdmin):
    list_display = ["employee", "version", "signed_at", "typed_name"]
    list_filter = ["version"]
    search_fields = ["employee__email", "typed_name"]
    list_select_related = ["employee", "version"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
