from django.urls import path

from . import campaign_views, raffle_views

urlpatterns = [
    path("", campaign_views.campaign_list, name="campaigns"),
    path("raffles/method.md", raffle_views.raffle_method, name="raffle_method"),
    path("<slug:slug>/", campaign_views.campaign_detail, name="campaign"),
    path("<slug:slug>/raffles/<int:raffle_id>/entrants.json", raffle_views.raffle_entrants, name="raffle_entrants"),
]
