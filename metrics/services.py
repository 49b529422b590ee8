"""Rolling raw shares and clicks up into daily counts, the way Zulip's analytics fills its count tables.

Each day is filled in one transaction that first deletes the day's rows, so re-running a day gives the
same rows and a run killed halfway leaves the day as it was. `filled_until` moves only past days that
can no longer change; today is recomputed on every run.
"""

import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from advocacy.models import Click, Share
from rewards.services import award_for_unique_clicks

from .models import DailyStat, FillState

logger = logging.getLogger(__name__)

DAILY_STATS = "daily_stats"
# Clicks are written as they happen; a day is final once this long has passed after its midnight.
SETTLING_TIME = timedelta(minutes=5)


def day_bounds(day):
    """[start, end) of a calendar day in the company's time zone."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def fill_day(day):
    """Recompute the DailyStat rows of one day from the raw events; returns the number of rows."""
    start, end = day_bounds(day)
    rows = defaultdict(lambda: {"shares": 0, "clicks": 0, "unique_clicks": 0, "potential_reach": 0})
    dimensions = {}

    shares = (
        Share.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("employee_id", "post_id", "network", "team_id", "post__campaign_id")
        .annotate(count=Count("id"), reach=Sum("potential_reach"))
    )
    for share in shares:
        key = (share["employee_id"], share["post_id"], share["network"])
        rows[key]["shares"] += share["count"]
        rows[key]["potential_reach"] += share["reach"] or 0
        dimensions[key] = (share["team_id"], share["post__campaign_id"])

    clicks = (
        Click.objects.filter(day=day, is_bot=False)
        .values("link__employee_id", "link__post_id", "link__network", "link__post__campaign_id")
        .annotate(count=Count("id"), unique=Count("id", filter=Q(is_unique=True)))
    )
    click_keys = []
    for click in clicks:
        key = (click["link__employee_id"], click["link__post_id"], click["link__network"])
        rows[key]["clicks"] += click["count"]
        rows[key]["unique_clicks"] += click["unique"]
        if key not in dimensions:
            click_keys.append(key)
            dimensions[key] = (None, click["link__post__campaign_id"])

    if click_keys:
        # A click on a link shared another day: the team is the one the employee shared from.
        share_teams = {
            (s.employee_id, s.post_id, s.network): s.team_id
            for s in Share.objects.filter(
                employee_id__in={k[0] for k in click_keys}, post_id__in={k[1] for k in click_keys}
            ).only("employee_id", "post_id", "network", "team_id")
        }
        for key in click_keys:
            dimensions[key] = (share_teams.get(key), dimensions[key][1])

    with transaction.atomic():
        DailyStat.objects.filter(day=day).delete()
        DailyStat.objects.bulk_create(
            DailyStat(
                day=day, employee_id=key[0], post_id=key[1], network=key[2],
                team_id=dimensions[key][0], campaign_id=dimensions[key][1], **counts,
            )
            for key, counts in rows.items()
        )
        award_for_unique_clicks(day)
    return len(rows)


def _first_event_day():
    first_share = Share.objects.order_by("created_at").values_list("created_at", flat=True).first()
    first_click = Click.objects.order_by("day").values_list("day", flat=True).first()
    days = [d for d in (first_share and timezone.localdate(first_share), first_click) if d]
    return min(days) if days else None


def fill_daily_stats(now=None):
    """Fill every day from the watermark up to today; safe to run at any time, any number of times."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    last_final_day = timezone.localdate(now - SETTLING_TIME) - timedelta(days=1)
    with transaction.atomic():
        state, _created = FillState.objects.select_for_update().get_or_create(name=DAILY_STATS)
        start = state.filled_until + timedelta(days=1) if state.filled_until else _first_event_day() or today
        # Nothing happened before the first event: those days are complete as they are.
        state.filled_until = min(start - timedelta(days=1), last_final_day)
        day, days_filled, rows = start, 0, 0
        while day <= today:
            rows += fill_day(day)
            days_filled += 1
            if day <= last_final_day:
                state.filled_until = day
            day += timedelta(days=1)
        state.last_run_at = now
        state.last_run_summary = f"{days_filled} day(s) from {start}, {rows} row(s)"
        state.save()
    logger.info("daily stats: %s", state.last_run_summary)
    return state


def refill_days(first_day, last_day):
    """Recompute a range of days (a backfill or a correction); the watermark is left where it is."""
    day, rows = first_day, 0
    while day <= last_day:
        rows += fill_day(day)
        day += timedelta(days=1)
    return rows
