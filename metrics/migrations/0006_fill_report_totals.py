"""Fill the report's totals (0005) for the days rolled up before they existed: DailySummary and MonthlyStat from the
DailyStat rows, MonthlySummary from DailySummary, DailyPoints from the points ledger and MonthlyPoints from
DailyPoints, as `metrics.services.fill_day` keeps them for each day it rolls up from now on. A few statements per
day; a couple of minutes for a company-scale year.
"""

from datetime import datetime, time, timedelta

from django.db import migrations
from django.utils import timezone

DIMENSIONS = ["team_id", "campaign_id", "network"]
DAILY_COUNTS = ["shares", "clicks", "unique_clicks", "potential_reach", "impressions", "reactions", "comments",
                "reshares", "engagement_base", "hashtag_mentions"]
MONTHLY_COUNTS = ["shares", "clicks", "reactions", "comments", "reshares"]
SPENDING = ["redemption", "refund"]  # what the ledger holds besides points earned


def _insert(connection, table, source, fixed, groups, sums, where, params):
    columns = [*fixed, *groups, *sums]
    select = ["%s"] * len(fixed) + groups + [f"SUM({column})" for column in sums]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(select)} FROM {source} "
                       f"WHERE {where} GROUP BY {', '.join(groups)}", [*fixed.values(), *params])


def _months(first, last):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def fill_report_totals(apps, schema_editor):
    connection = schema_editor.connection
    ops = connection.ops
    DailyStat = apps.get_model("metrics", "DailyStat")
    DailySummary = apps.get_model("metrics", "DailySummary")
    MonthlyStat = apps.get_model("metrics", "MonthlyStat")
    MonthlySummary = apps.get_model("metrics", "MonthlySummary")
    DailyPoints = apps.get_model("metrics", "DailyPoints")
    MonthlyPoints = apps.get_model("metrics", "MonthlyPoints")
    PointsEntry = apps.get_model("rewards", "PointsEntry")
    stats, points = DailyStat._meta.db_table, PointsEntry._meta.db_table

    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {DailySummary._meta.db_table} (day, {', '.join(DIMENSIONS + DAILY_COUNTS)}) "
                       f"SELECT day, {', '.join(DIMENSIONS + [f'SUM({c})' for c in DAILY_COUNTS])} FROM {stats} "
                       f"GROUP BY day, {', '.join(DIMENSIONS)}")
    days = DailyStat.objects.order_by("day").values_list("day", flat=True)
    if days.exists():
        for month in _months(days.first(), days.last()):
            following = (month + timedelta(days=32)).replace(day=1)
            bounds = [ops.adapt_datefield_value(month), ops.adapt_datefield_value(following - timedelta(days=1))]
            _insert(connection, MonthlyStat._meta.db_table, stats, {"month": ops.adapt_datefield_value(month)},
                    ["employee_id", "post_id", *DIMENSIONS], MONTHLY_COUNTS, "day >= %s AND day <= %s", bounds)
            _insert(connection, MonthlySummary._meta.db_table, DailySummary._meta.db_table,
                    {"month": ops.adapt_datefield_value(month)}, DIMENSIONS, DAILY_COUNTS, "day >= %s AND day <= %s",
                    bounds)

    earned = PointsEntry.objects.exclude(reason__in=SPENDING).order_by("created_at").values_list("created_at",
                                                                                                flat=True)
    if not earned.exists():
        return
    first, last = (timezone.localdate(moment) for moment in (earned.first(), earned.last()))
    day = first
    while day <= last:
        _insert(connection, DailyPoints._meta.db_table, points, {"day": ops.adapt_datefield_value(day)},
                ["employee_id"], ["points"], "created_at >= %s AND created_at < %s AND reason NOT IN (%s, %s)",
                [ops.adapt_datetimefield_value(_start_of(day)),
                 ops.adapt_datetimefield_value(_start_of(day + timedelta(days=1))), *SPENDING])
        day += timedelta(days=1)
    for month in _months(first, last):
        following = (month + timedelta(days=32)).replace(day=1)
        _insert(connection, MonthlyPoints._meta.db_table, DailyPoints._meta.db_table,
                {"month": ops.adapt_datefield_value(month)}, ["employee_id"], ["points"], "day >= %s AND day <= %s",
                [ops.adapt_datefield_value(month), ops.adapt_datefield_value(following - timedelta(days=1))])


class Migration(migrations.Migration):

    dependencies = [
        ("metrics", "0005_report_totals"),
        ("rewards", "0006_points_source_index"),
    ]

    operations = [migrations.RunPython(fill_report_totals, migrations.RunPython.noop, elidable=True)]
