from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from content_library.models import Campaign

from . import campaigns


@login_required
def campaign_list(request):
    current, past = campaigns.campaigns_for_listing()
    return render(request, "rewards/campaigns.html", {"current": current, "past": past})


@login_required
def campaign_detail(request, slug):
    campaign = get_object_or_404(Campaign, slug=slug)
    from .leaderboards import campaign_board

    raffles = [
        (raffle, reverse("raffle_entrants", args=[campaign.slug, raffle.pk]))
        for raffle in campaign.raffles.order_by("created_at")
    ]
    return render(request, "rewards/campaign.html", {
        "campaign": campaign, "state": campaigns.state(campaign), "progress": campaigns.progress(campaign),
        "posts": campaigns.campaign_posts(campaign, request.user), "board": campaign_board(campaign, request.user),
        "raffles": raffles,
    })
