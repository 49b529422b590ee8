"""Badges: earned once each (the database refuses a second award), checked by a Celery task after each share
and every 15 minutes, and shown on the profile and the dashboard."""

import logging

from celery import shared_task
from django.db.models import Count, Min, Sum
from django.utils import timezone

from .models import Badge, BadgeAward, EmployeeOfTheMonth, PointsEntry

logger = logging.getLogger(__name__)

SHARE_BADGES = [(1, Badge.FIRST_SHARE), (10, Badge.SHARES_10), (50, Badge.SHARES_50), (100, Badge.SHARES_100)]
REACH_BADGES = [(1_000, Badge.REACH_1000), (10_000, Badge.REACH_10000)]
# Every badge's icon (Bootstrap Icons), for the profile and the dashboard.
ICONS = {
    Badge.FIRST_SHARE: "rocket-takeoff", Badge.SHARES_10: "share", Badge.SHARES_50: "share-fill",
    Badge.SHARES_100: "trophy", Badge.REACH_1000: "broadcast", Badge.REACH_10000: "broadcast-pin",
    Badge.GUIDE_SIGNED: "pen", Badge.CAPSULE_PASSED: "mortarboard", Badge.CAMPAIGN_TOP_3: "award",
    Badge.EMPLOYEE_OF_THE_MONTH: "star-fill",
}
CAMPAIGN_PODIUM = 3


def _earned(employee_ids):
    """Every badge the employees have earned: {(employee id, badge, occasion): (when, campaign id)}."""
    from advocacy.models import Share
    from content_library.models import Campaign
    from guidelines.models import Acknowledgement, CapsuleCompletion

    def only(queryset, field="employee_id"):
        return queryset if employee_ids is None else queryset.filter(**{f"{field}__in": employee_ids})

    earned = {}
    for row in only(Share.objects.all()).values("employee_id").annotate(
            shares=Count("id"), reach=Sum("potential_reach"), first=Min("created_at")):
        for threshold, badge in SHARE_BADGES:
            if row["shares"] >= threshold:
                earned[(row["employee_id"], badge, "")] = (row["first"], None)
        for threshold, badge in REACH_BADGES:
            if (row["reach"] or 0) >= threshold:
                earned[(row["employee_id"], badge, "")] = (row["first"], None)
    for employee_id, first in only(Acknowledgement.objects.all()).values("employee_id").annotate(
            first=Min("signed_at")).values_list("employee_id", "first"):
        earned[(employee_id, Badge.GUIDE_SIGNED, "")] = (first, None)
    for employee_id, first in only(CapsuleCompletion.objects.all()).values("employee_id").annotate(
            first=Min("completed_at")).values_list("employee_id", "first"):
        earned[(employee_id, Badge.CAPSULE_PASSED, "")] = (first, None)
    for recognition in only(EmployeeOfTheMonth.objects.all()):
        earned[(recognition.employee_id, Badge.EMPLOYEE_OF_THE_MONTH, f"{recognition.month:%Y-%m}")] = (
            recognition.named_at, None)
    from advocacy.selectors import in_the_program

    from .services import EARNING_REASONS

    for campaign in Campaign.objects.filter(ends_on__lt=timezone.localdate()):
        # As the campaign's leaderboard ranks them: people in the program, ties by descending id.
        podium = (PointsEntry.objects.filter(campaign=campaign, reason__in=EARNING_REASONS)
                  .filter(in_the_program("employee__profile__"))
                  .values("employee_id").annotate(points=Sum("points")).filter(points__gt=0)
                  .order_by("-points", "-employee_id")[:CAMPAIGN_PODIUM])
        for row in podium:
            if employee_ids is None or row["employee_id"] in employee_ids:
                earned[(row["employee_id"], Badge.CAMPAIGN_TOP_3, f"campaign-{campaign.pk}")] = (
                    timezone.now(), campaign.pk)
    return earned


def award_badges(employee_ids=None):
    """Award every badge earned and not yet held (by everyone, or by the given employees). Returns the new
    awards; running it again awards nothing."""
    earned = _earned(set(employee_ids) if employee_ids is not None else None)
    held = BadgeAward.objects.all()
    if employee_ids is not None:
        held = held.filter(employee_id__in=employee_ids)
    held = set(held.values_list("employee_id", "badge", "occasion"))
    new = [
        BadgeAward(employee_id=employee_id, badge=badge, occasion=occasion, awarded_at=when or timezone.now(),
                   campaign_id=campaign_id)
        for (employee_id, badge, occasion), (when, campaign_id) in earned.items()
        if (employee_id, badge, occasion) not in held
    ]
    BadgeAward.objects.bulk_create(new, ignore_conflicts=True)  # a parallel run may have awarded some
    return new


TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "autoretry_for": (Exception,),
                "retry_backoff": True, "max_retries": 5}


@shared_task(**TASK_OPTIONS)
def award_badges_task(employee_ids):
    """Award the badges the given employees earned (queued after a share, a signature, a capsule)."""
    return {"awarded": len(award_badges(employee_ids))}


@shared_task(**TASK_OPTIONS)
def award_all_badges_task():
    """Award every badge earned since the last run, by anyone (beat, every 15 minutes)."""
    return {"awarded": len(award_badges())}


def badges_of(employee):
    """The employee's badges, newest first, with their icons."""
    return [(award, ICONS.get(award.badge, "award")) for award in
            BadgeAward.objects.filter(employee=employee).select_related("campaign")]
