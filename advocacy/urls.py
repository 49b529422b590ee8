from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from . import views

admin.site.site_header = admin.site.site_title = "Advocacy"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("s/<str:code>", views.tracked_redirect, name="tracked_redirect"),
    path("posts/<int:post_id>/share/<str:network>/", views.share, name="share"),
    path("posts/<int:post_id>/compose/<str:network>/", views.compose, name="compose"),
    path("posts/<int:post_id>/compose/<str:network>/check/", views.check_text, name="check_text"),
    path("shares/", views.my_shares, name="my_shares"),
    path("suggest/", views.suggest, name="suggest"),
    path("digest/unsubscribe/<str:token>/", views.digest_unsubscribe, name="digest_unsubscribe"),
    path("shares/<int:share_id>/published/", views.record_published, name="record_published"),
    path("join/", views.join_program, name="join_program"),
    path("leave/", views.leave_program, name="leave_program"),
    path("profile/", views.profile, name="profile"),
    path("language/", views.switch_language, name="switch_language"),
    path("accounts/invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("accounts/", include("allauth.urls")),
    path("guide/", include("guidelines.urls")),
    path("hr/", include("guidelines.hr_urls")),
    path("reports/", include("metrics.urls")),
    path("", include("rewards.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
