from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from . import privacy_views, views

admin.site.site_header = admin.site.site_title = "Advocacy"
# Everyone signs in through allauth (its rate limits apply); the admin's own sign-in form is never used, and a
# signed-in person who is not staff gets a 403 there.
admin.site.login = secure_admin_login(admin.site.login)
handler500 = "advocacy.errors.server_error"  # a 503 while the database is away

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
    path("privacy/", privacy_views.your_data, name="privacy"),
    path("privacy/download/", privacy_views.download_data, name="privacy_download"),
    path("privacy/erasure/", privacy_views.erasure, name="privacy_erasure"),
    path("privacy/erasure/withdraw/", privacy_views.withdraw_erasure, name="privacy_erasure_withdraw"),
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
