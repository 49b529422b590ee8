"""The rewards app's pages: each part keeps its own list of URLs, gathered here."""

from django.urls import include, path

from . import profile_views

urlpatterns = [
    path("rewards/", include("rewards.catalog_urls")),
    path("leaderboard/", include("rewards.leaderboard_urls")),
    path("campaigns/", include("rewards.campaign_urls")),
    path("profile/leaderboard-name/", profile_views.leaderboard_name, name="leaderboard_name"),
]
