"""Rolling raw shares, clicks and pulled engagement up into daily counts, the way Zulip's analytics fills its
count tables.

Each day is filled in its own transaction that first deletes the day's rows and, for a final day, moves the
watermark past it: re-running a day gives the same rows, and a run killed halfway leaves every day either as
it was or complete, the watermark never ahead of the counts; the next run goes on from there. Today is
recomputed on every run. A filled day whose shares got new engagement since is marked stale and filled again.
"""

import logging
import re
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from advocacy.models import Click, Share
from rewards.services import award_for_unique_clicks

from .models import DailyStat, FillState, StaleDay

logger = logging.getLogger(__name__)

DAILY_STATS = "daily_stats"
# Clicks are written as they happen; a day is final once this long has passed after its midnight.
SETTLING_TIME = timedelta(minutes=5)
COUNTS = ("shares", "clicks", "unique_clicks", "potential_reach", "impressions", "reactions", "comments",
          "reshares", "engagement_base", "hashtag_mentions")


def day_bounds(day):
    """[start, end) of a calendar day in the company's time zone."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def carries_hashtag(text, hashtag):
    """Whether `text` carries `#hashtag` as a whole tag (any case; `#launch` is not in `#launches`)."""
    if not text or not hashtag:
        return False
    return re.search(rf"(?<![\w#])#{re.escape(hashtag.lstrip('#'))}(?![\w])", text, re.IGNORECASE) is not None


def compute_day(day):
    """The DailyStat rows of one day, computed from the raw events: {(employee, post, network): row fields}."""
    start, end = day_bounds(day)
    rows = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    dimensions = {}

    shares = Share.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
        "employee_id", "post_id", "network", "team_id", "post__campaign_id", "potential_reach", "text",
        "post__campaign__hashtag", "engagement__impressions", "engagement__reactions", "engagement__comments",
        "engagement__reshares",
    )
    for (employee_id, post_id, network, team_id, campaign_id, reach, text, hashtag,
         impressions, reactions, comments, reshares) in shares:
        key = (employee_id, post_id, network)
        row = rows[key]
        row["shares"] += 1
        row["potential_reach"] += reach or 0
        row["impressions"] += impressions or 0
        row["reactions"] += reactions or 0
        row["comments"] += comments or 0
        row["reshares"] += reshares or 0
        row["engagement_base"] += impressions if impressions is not None else (reach or 0)
        row["hashtag_mentions"] += carries_hashtag(text, hashtag)
        dimensions[key] = (team_id, campaign_id)

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
    return {key: {"team_id": dimensions[key][0], "campaign_id": dimensions[key][1], **counts}
            for key, counts in rows.items()}


def _lock_rollup():
    """Inside a transaction: wait for any other writer of the daily counts, and return the rollup's state.
    Writers of a day (delete, then insert) must not interleave, or the day would count twice."""
    try:
        return FillState.objects.select_for_update().get(name=DAILY_STATS)
    except FillState.DoesNotExist:
        FillState.objects.bulk_create([FillState(name=DAILY_STATS)], ignore_conflicts=True)
        return FillState.objects.select_for_update().get(name=DAILY_STATS)


def _write_day(day, rows):
    """Replace the day's rows; called inside a transaction holding `_lock_rollup()`."""
    from .report_cache import counts_changed

    counts_changed(day)
    DailyStat.objects.filter(day=day).delete()
    DailyStat.objects.bulk_create(
        (DailyStat(day=day, employee_id=key[0], post_id=key[1], network=key[2], **fields)
         for key, fields in rows.items()),
        batch_size=2000,
    )
    award_for_unique_clicks(day)


def fill_day(day):
    """Recompute the DailyStat rows of one day from the raw events, in one transaction; returns the rows."""
    rows = compute_day(day)
    with transaction.atomic():
        _lock_rollup()
        _write_day(day, rows)
    return len(rows)


def _first_event_day():
    first_share = Share.objects.order_by("created_at").values_list("created_at", flat=True).first()
    first_click = Click.objects.order_by("day").values_list("day", flat=True).first()
    days = [d for d in (first_share and timezone.localdate(first_share), first_click) if d]
    return min(days) if days else None


def _refill_stale_days(state):
    """Fill again the filled days whose engagement changed; returns how many."""
    refilled = 0
    for stale in list(StaleDay.objects.order_by("day")):
        with transaction.atomic():
            _lock_rollup()
            if state.filled_until and stale.day <= state.filled_until:
                _write_day(stale.day, compute_day(stale.day))
                refilled += 1
            # Only the mark that was read: one set again meanwhile (newer engagement) stays for the next run.
            StaleDay.objects.filter(pk=stale.pk, marked_at=stale.marked_at).delete()
    return refilled


def fill_daily_stats(now=None):
    """Fill every day from the watermark up to today, and the stale days; safe to run at any time, any number
    of times, and to kill at any moment."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    last_final_day = timezone.localdate(now - SETTLING_TIME) - timedelta(days=1)
    with transaction.atomic():
        state = _lock_rollup()
    start = state.filled_until + timedelta(days=1) if state.filled_until else _first_event_day() or today
    refilled = _refill_stale_days(state)
    day, days_filled, rows = start, 0, 0
    while day <= today:
        computed = compute_day(day)
        with transaction.atomic():
            # The lock keeps two runs from moving the watermark over each other; each writes whole days.
            locked = _lock_rollup()
            _write_day(day, computed)
            if day <= last_final_day and (locked.filled_until is None or locked.filled_until < day):
                locked.filled_until = day
                locked.save(update_fields=["filled_until"])
        rows += len(computed)
        days_filled += 1
        day += timedelta(days=1)
    with transaction.atomic():
        state = _lock_rollup()
        if state.filled_until is None or state.filled_until < start - timedelta(days=1):
            # Nothing happened before the first event: those days are complete as they are.
            state.filled_until = min(start - timedelta(days=1), last_final_day)
        state.last_run_at = now
        state.last_run_summary = (f"{days_filled} day(s) from {start}, {rows} row(s), "
                                  f"{refilled} stale day(s) refilled")
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
