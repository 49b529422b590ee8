"""Hashtag campaigns as employees see them: the goal and how far along it is, the posts, the hashtag mentions,
the leaderboard and the raffles. Counts come from the daily counts (refreshed every 15 minutes)."""

from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone

from content_library.models import Campaign


@dataclass
class CampaignProgress:
    shares: int
    clicks: int
    unique_clicks: int
    hashtag_mentions: int
    sharers: int
    goal_value: int
    goal_target: int

    @property
    def percent(self):
        return min(100, round(self.goal_value * 100 / self.goal_target)) if self.goal_target else None


def campaigns_for_listing(today=None):
    """Running and coming campaigns first (soonest ending first), then the past ones (latest first)."""
    today = today or timezone.localdate()
    campaigns = list(Campaign.objects.all())
    current = sorted((c for c in campaigns if c.ends_on >= today), key=lambda c: (c.ends_on, c.name))
    past = sorted((c for c in campaigns if c.ends_on < today), key=lambda c: (c.ends_on, c.name), reverse=True)
    return current, past


def progress(campaign):
    """The campaign's figures over its dates, and its goal's value."""
    from metrics.models import DailyStat

    stats = DailyStat.objects.filter(campaign=campaign, day__gte=campaign.starts_on, day__lte=campaign.ends_on)
    totals = stats.aggregate(shares=Sum("shares"), clicks=Sum("clicks"), unique_clicks=Sum("unique_clicks"),
                             mentions=Sum("hashtag_mentions"))
    sharers = stats.filter(shares__gt=0).values("employee_id").distinct().count()
    values = {key: value or 0 for key, value in totals.items()}
    goal_value = values["clicks"] if campaign.goal_kind == Campaign.Goal.CLICKS else values["shares"]
    return CampaignProgress(shares=values["shares"], clicks=values["clicks"], unique_clicks=values["unique_clicks"],
                            hashtag_mentions=values["mentions"], sharers=sharers, goal_value=goal_value,
                            goal_target=campaign.goal_target)


def campaign_posts(campaign, viewer, now=None):
    """The campaign's posts the viewer can share now, newest first."""
    from advocacy.selectors import shareable_posts_for

    return list(shareable_posts_for(viewer, now).filter(campaign=campaign).order_by("-publish_at")[:20])


def state(campaign, today=None):
    today = today or timezone.localdate()
    if today < campaign.starts_on:
        return "upcoming"
    return "running" if today <= campaign.ends_on else "over"
