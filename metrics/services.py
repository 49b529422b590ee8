"""Rolling raw shares, clicks and pulled engagement up into daily counts, the way Zulip's analytics fills its
count tables.

Each day is filled in its own transaction that first deletes the day's rows and, for a final day, moves the
watermark past it: re-running a day gives the same rows, and a run killed halfway leaves every day either as
it was or complete, the watermark never ahead of the counts; the next run goes on from there. Today is
recomputed on every run. A filled day whose shares got new engagement since, or that points were entered in the
ledger for since, is marked stale and filled again.

The same transaction updates what the report reads besides: the day's DailySummary and DailyPoints rows (the
points from the ledger, after the day's unique-click points are paid) and its month's MonthlySummary, MonthlyStat
(and from it MonthlyPostStat and MonthlyEmployeeStat) and MonthlyPoints rows, so the report never sees a day's
counts without the totals that go with them. Points earned today reach the report with the next run, as shares
and clicks do.
"""

import logging
import re
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from advocacy.models import Click, RetentionMark, Share
from rewards.models import PointsEntry
from rewards.services import EARNING_REASONS, award_for_unique_clicks

from .models import (
    DailyPoints,
    DailyStat,
    DailySummary,
    FillState,
    MonthlyEmployeeStat,
    MonthlyPoints,
    MonthlyPostStat,
    MonthlyStat,
    MonthlySummary,
    StaleDay,
)

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

    # A click on a link shared another day takes the team the employee shared from: the share of the same
    # (employee, post, network), one index look-up per group, inside the same query.
    share_team = Share.objects.filter(
        employee_id=OuterRef("link__employee_id"), post_id=OuterRef("link__post_id"), network=OuterRef("link__network")
    ).values("team_id")[:1]
    clicks = (
        Click.objects.filter(day=day, is_bot=False)
        .values("link__employee_id", "link__post_id", "link__network", "link__post__campaign_id")
        .annotate(share_team=Subquery(share_team), count=Count("id"), unique=Count("id", filter=Q(is_unique=True)))
    )
    purged_through = RetentionMark.clicks_purged_through()
    if purged_through is not None and day <= purged_through:
        # The day's raw clicks may be gone past retention (advocacy.privacy): keep the counts it was filled with.
        clicks = [{"link__employee_id": employee_id, "link__post_id": post_id, "link__network": network,
                   "link__post__campaign_id": campaign_id, "share_team": team_id, "count": count, "unique": unique}
                  for employee_id, post_id, network, team_id, campaign_id, count, unique in DailyStat.objects.filter(
                      day=day, clicks__gt=0).values_list("employee_id", "post_id", "network", "team_id", "campaign_id",
                                                        "clicks", "unique_clicks")]
    for click in clicks:
        key = (click["link__employee_id"], click["link__post_id"], click["link__network"])
        rows[key]["clicks"] += click["count"]
        rows[key]["unique_clicks"] += click["unique"]
        if key not in dimensions:
            dimensions[key] = (click["share_team"], click["link__post__campaign_id"])
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


def month_bounds(day):
    """The first and last day of `day`'s month, and [start, end) of it in the company's time zone."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1), day_bounds(first)[0], day_bounds(following)[0]


def _insert_totals(model, source, *, fixed, groups, sums, where, params):
    """INSERT INTO `model` SELECT the `fixed` values, the `groups` columns and the SUM of each of `sums` FROM the
    `source` table's rows matching `where`, one row per group: totals in one statement, without a round trip
    through Python."""
    ops = connection.ops
    columns = [*fixed, *groups, *sums]
    sql = (f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
           f"SELECT {', '.join(['%s'] * len(fixed) + list(groups) + [f'SUM({column})' for column in sums])} "
           f"FROM {source._meta.db_table} WHERE {where} GROUP BY {', '.join(groups)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [ops.adapt_datefield_value(value) for value in fixed.values()] + list(params))


def _chunks(ids):
    size = min(5000, (connection.features.max_query_params or 5000) - 10)
    ids = sorted(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _rebuild_month_rows(model, source, day, employee_ids, *, groups, sums):
    """Recompute `model`'s rows of `day`'s month for `employee_ids` from `source`'s rows of the month."""
    ops = connection.ops
    first, last, _start, _end = month_bounds(day)
    for chunk in _chunks(employee_ids):
        model.objects.filter(month=first, employee_id__in=chunk).delete()
        _insert_totals(model, source, fixed={"month": first}, groups=("employee_id", *groups), sums=sums,
                       where=f"day >= %s AND day <= %s AND employee_id IN ({', '.join(['%s'] * len(chunk))})",
                       params=[ops.adapt_datefield_value(first), ops.adapt_datefield_value(last), *chunk])


def _rebuild_month_totals(model, column, day, ids):
    """Recompute `model`'s rows (one per `column` value: post or employee) of `day`'s month for `ids` from the
    month's MonthlyStat rows."""
    ops = connection.ops
    first = month_bounds(day)[0]
    for chunk in _chunks(ids):
        model.objects.filter(month=first, **{f"{column}__in": chunk}).delete()
        _insert_totals(model, MonthlyStat, fixed={"month": first}, groups=(column,), sums=MONTHLY_COUNTS,
                       where=f"month = %s AND {column} IN ({', '.join(['%s'] * len(chunk))})",
                       params=[ops.adapt_datefield_value(first), *chunk])


DIMENSIONS = ("team_id", "campaign_id", "network")
MONTHLY_COUNTS = ("shares", "clicks", "reactions", "comments", "reshares")


def _monthly_part(fields):
    return tuple(fields[key] for key in ("team_id", "campaign_id", *MONTHLY_COUNTS))


def _summary_of(rows):
    """The day's DailySummary rows from its DailyStat rows: {(team, campaign, network): {count: sum}}."""
    summary = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for (_employee_id, _post_id, network), fields in rows.items():
        totals = summary[(fields["team_id"], fields["campaign_id"], network)]
        for key in COUNTS:
            totals[key] += fields[key]
    return dict(summary)


def _write_summary(day, rows):
    """Replace the day's DailySummary rows; when they changed, rebuild its month's MonthlySummary from them (a few
    thousand rows a month, whatever the company's size)."""
    before = {(row["team_id"], row["campaign_id"], row["network"]): {key: row[key] for key in COUNTS}
              for row in DailySummary.objects.filter(day=day).values("team_id", "campaign_id", "network", *COUNTS)}
    now = _summary_of(rows)
    if now == before:
        return
    DailySummary.objects.filter(day=day).delete()
    DailySummary.objects.bulk_create([DailySummary(day=day, team_id=team_id, campaign_id=campaign_id, network=network,
                                                   **counts)
                                      for (team_id, campaign_id, network), counts in now.items()], batch_size=5000)
    ops = connection.ops
    first, last, _start, _end = month_bounds(day)
    MonthlySummary.objects.filter(month=first).delete()
    _insert_totals(MonthlySummary, DailySummary, fixed={"month": first}, groups=DIMENSIONS, sums=COUNTS,
                   where="day >= %s AND day <= %s",
                   params=[ops.adapt_datefield_value(first), ops.adapt_datefield_value(last)])


def _day_points(day):
    """{employee: points earned on `day`} from the ledger."""
    start, end = day_bounds(day)
    return dict(
        PointsEntry.objects.filter(created_at__gte=start, created_at__lt=end, reason__in=EARNING_REASONS)
        .values("employee_id").annotate(total=Sum("points")).order_by().values_list("employee_id", "total")
    )


def _write_points(day):
    """Replace the day's DailyPoints rows from the ledger, and recompute its month's MonthlyPoints of the employees
    whose points of the day changed."""
    before = dict(DailyPoints.objects.filter(day=day).values_list("employee_id", "points"))
    now = _day_points(day)
    if now == before:
        return
    DailyPoints.objects.filter(day=day).delete()
    DailyPoints.objects.bulk_create([DailyPoints(day=day, employee_id=employee_id, points=points)
                                     for employee_id, points in now.items()], batch_size=5000)
    changed = {employee_id for employee_id in before.keys() | now.keys()
               if before.get(employee_id) != now.get(employee_id)}
    _rebuild_month_rows(MonthlyPoints, DailyPoints, day, changed, groups=(), sums=("points",))


def _write_day(day, rows):
    """Replace the day's rows, and the totals the report reads with them; called inside a transaction holding
    `_lock_rollup()`.

    The day's DailySummary rows are replaced, and its month's MonthlySummary rebuilt from them, when they changed;
    in its month's MonthlyStat and MonthlyPoints, the rows of every employee whose counts (or points) of the day
    changed are recomputed from the month's DailyStat (DailyPoints) rows, and then the MonthlyEmployeeStat and
    MonthlyPostStat rows of those employees and of the posts they changed counts of, from MonthlyStat. Each total
    is thus exactly the sum of what it is made from however often a day is filled, and a day filled again
    unchanged rewrites none of them."""
    from .report_cache import counts_changed

    counts_changed(day)
    before = {
        (employee_id, post_id, network): (team_id, campaign_id, *counts)
        for employee_id, post_id, network, team_id, campaign_id, *counts in DailyStat.objects.filter(day=day)
        .values_list("employee_id", "post_id", "network", "team_id", "campaign_id", *MONTHLY_COUNTS)
    }
    DailyStat.objects.filter(day=day).delete()
    DailyStat.objects.bulk_create(
        (DailyStat(day=day, employee_id=key[0], post_id=key[1], network=key[2], **fields)
         for key, fields in rows.items()),
        batch_size=2000,
    )
    _write_summary(day, rows)
    changed = {key for key in before.keys() | rows.keys()
               if before.get(key) != (_monthly_part(rows[key]) if key in rows else None)}
    _rebuild_month_rows(MonthlyStat, DailyStat, day, {key[0] for key in changed}, groups=("post_id", *DIMENSIONS),
                        sums=MONTHLY_COUNTS)
    _rebuild_month_totals(MonthlyEmployeeStat, "employee_id", day, {key[0] for key in changed})
    _rebuild_month_totals(MonthlyPostStat, "post_id", day, {key[1] for key in changed})
    award_for_unique_clicks(day)
    _write_points(day)


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
    # Points can come before any share (signing the guide, a training capsule): their month has a report too.
    first_points = (PointsEntry.objects.filter(reason__in=EARNING_REASONS).order_by("created_at")
                    .values_list("created_at", flat=True).first())
    days = [d for d in (first_share and timezone.localdate(first_share), first_click,
                        first_points and timezone.localdate(first_points)) if d]
    return min(days) if days else None


def mark_stale(day):
    """Ask the rollup to recompute `day` on its next run, if it is filled already (today's is recomputed on every
    run anyway)."""
    # A mark already there gets the new time, so a rollup refilling the day meanwhile leaves it for the next.
    StaleDay.objects.bulk_create([StaleDay(day=day, marked_at=timezone.now())], update_conflicts=True,
                                 unique_fields=["day"], update_fields=["marked_at"])


def points_entered(entry):
    """A ledger entry was written: if it counts as earning and belongs to a day before today, that day's month
    totals are recomputed by the next rollup run. Runs in the entry's transaction, so the mark is never lost."""
    if entry.reason not in EARNING_REASONS:
        return
    day = timezone.localdate(entry.created_at)
    if day < timezone.localdate():
        mark_stale(day)


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


MONTH_TOTALS = "month_totals"


def _check_month_totals(now):
    """Once, on the first run after the upgrade that added MonthlyPostStat and MonthlyEmployeeStat: rebuild both
    from MonthlyStat, every month. The migration filled them, but a worker of the previous release may have rolled
    a day up after it (web migrates while the old worker is still running), changing MonthlyStat without them; from
    this run on, every rollup keeps them with MonthlyStat in its transaction."""
    with transaction.atomic():
        _lock_rollup()
        state, _created = FillState.objects.select_for_update().get_or_create(name=MONTH_TOTALS)
        if state.last_run_at is not None:
            return
        for model, column in ((MonthlyPostStat, "post_id"), (MonthlyEmployeeStat, "employee_id")):
            model.objects.all().delete()
            _insert_totals(model, MonthlyStat, fixed={}, groups=("month", column), sums=MONTHLY_COUNTS, where="TRUE",
                           params=[])
        state.last_run_at = now
        state.last_run_summary = "month totals per post and per employee rebuilt from the monthly statistics"
        state.save(update_fields=["last_run_at", "last_run_summary"])


def fill_daily_stats(now=None):
    """Fill every day from the watermark up to today, and the stale days; safe to run at any time, any number
    of times, and to kill at any moment."""
    now = now or timezone.now()
    _check_month_totals(now)
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
