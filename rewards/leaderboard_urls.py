from django.urls import path

from . import leaderboard_views

urlpatterns = [
    path("", leaderboard_views.leaderboard, name="leaderboard"),
]
