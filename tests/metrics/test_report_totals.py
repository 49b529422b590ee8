"""The totals the report reads (DailySummary, MonthlyStat and its sums per post and per employee, MonthlyPoints)
are rebuilt with each day's counts, in the day's transaction: re-running gives the same rows, a killed run leaves
nothing half-counted, and points entered in the ledger for a past day reach the report with the next rollup run."""

import importlib
from datetime import datetime, time, timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from advocacy.models import Click, Share
from advocacy.services import share_post
from guidelines.services import sign_guide
from metrics import services
from metrics.engagement import Figures, record_engagement
from metrics.models import (
    DailyPoints,
    DailyStat,
    DailySummary,
    EngagementSnapshot,
    MonthlyEmployeeStat,
    MonthlyPoints,
    MonthlyPostStat,
    MonthlyStat,
    MonthlySummary,
    StaleDay,
)
from metrics.selectors import Filters, Month, monthly_report, personal_report, report_months, top_contributors
from metrics.services import fill_daily_stats, fill_day, refill_days
from rewards.models import PointsEntry
from rewards.services import adjust
from tests import factories

pytestmark = pytest.mark.django_db


def days_ago(days, hour=12):
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days), time(hour)))


def totals():
    """Every row the report reads, without the ids a rebuild renumbers."""
    return {
        "daily stats": sorted(DailyStat.objects.values_list(
            "day", "employee_id", "post_id", "network", "team_id", "campaign_id", "shares", "clicks",
            "unique_clicks", "potential_reach", "impressions", "reactions", "comments", "reshares",
            "engagement_base", "hashtag_mentions")),
        "daily summary": sorted(DailySummary.objects.values_list(
            "day", "team_id", "campaign_id", "network", "shares", "clicks", "unique_clicks", "potential_reach",
            "impressions", "reactions", "comments", "reshares", "engagement_base", "hashtag_mentions"),
            key=str),
        "monthly summary": sorted(MonthlySummary.objects.values_list(
            "month", "team_id", "campaign_id", "network", "shares", "clicks", "unique_clicks", "potential_reach",
            "impressions", "reactions", "comments", "reshares", "engagement_base", "hashtag_mentions"), key=str),
        "monthly stats": sorted(MonthlyStat.objects.values_list(
            "month", "employee_id", "post_id", "network", "team_id", "campaign_id", "shares", "clicks", "reactions",
            "comments", "reshares"), key=str),
        "monthly per post": sorted(MonthlyPostStat.objects.values_list(
            "month", "post_id", "shares", "clicks", "reactions", "comments", "reshares")),
        "monthly per employee": sorted(MonthlyEmployeeStat.objects.values_list(
            "month", "employee_id", "shares", "clicks", "reactions", "comments", "reshares")),
        "daily points": sorted(DailyPoints.objects.values_list("day", "employee_id", "points")),
        "monthly points": sorted(MonthlyPoints.objects.values_list("month", "employee_id", "points")),
    }


def assert_totals_are_the_sums():
    """Every total the report reads holds the sum of the rows it is made from: DailyStat and the ledger."""
    from collections import Counter

    from rewards.services import EARNING_REASONS

    counts = ("shares", "clicks", "unique_clicks", "potential_reach", "impressions", "reactions", "comments",
              "reshares", "engagement_base", "hashtag_mentions")
    summary, month_summary, monthly, per_post, per_employee = Counter(), Counter(), Counter(), Counter(), Counter()
    daily_points, monthly_points = Counter(), Counter()
    for row in DailyStat.objects.values():
        for key in counts:
            summary[(row["day"], row["team_id"], row["campaign_id"], row["network"], key)] += row[key]
            month_summary[(row["day"].replace(day=1), row["team_id"], row["campaign_id"], row["network"], key)] += (
                row[key])
        for key in ("shares", "clicks", "reactions", "comments", "reshares"):
            monthly[(row["day"].replace(day=1), row["employee_id"], row["post_id"], row["network"], row["team_id"],
                     row["campaign_id"], key)] += row[key]
            per_post[(row["day"].replace(day=1), row["post_id"], key)] += row[key]
            per_employee[(row["day"].replace(day=1), row["employee_id"], key)] += row[key]
    for entry in PointsEntry.objects.filter(reason__in=EARNING_REASONS):
        day = timezone.localdate(entry.created_at)
        daily_points[(day, entry.employee_id)] += entry.points
        monthly_points[(day.replace(day=1), entry.employee_id)] += entry.points
    assert Counter({(row["day"], row["team_id"], row["campaign_id"], row["network"], key): row[key]
                    for row in DailySummary.objects.values() for key in counts}) == summary
    assert Counter({(row["month"], row["team_id"], row["campaign_id"], row["network"], key): row[key]
                    for row in MonthlySummary.objects.values() for key in counts}) == month_summary
    assert Counter({(row["month"], row["employee_id"], row["post_id"], row["network"], row["team_id"],
                     row["campaign_id"], key): row[key]
                    for row in MonthlyStat.objects.values()
                    for key in ("shares", "clicks", "reactions", "comments", "reshares")}) == monthly
    month_counts = ("shares", "clicks", "reactions", "comments", "reshares")
    assert Counter({(row["month"], row["post_id"], key): row[key]
                    for row in MonthlyPostStat.objects.values() for key in month_counts}) == per_post
    assert Counter({(row["month"], row["employee_id"], key): row[key]
                    for row in MonthlyEmployeeStat.objects.values() for key in month_counts}) == per_employee
    assert Counter(dict(((row.day, row.employee_id), row.points) for row in DailyPoints.objects.all())) == daily_points
    assert Counter(dict(((row.month, row.employee_id), row.points) for row in MonthlyPoints.objects.all())) == (
        monthly_points)


def click(link, when, visitor, unique=True):
    return Click.objects.create(link=link, day=timezone.localdate(when), clicked_at=when, visitor_key=visitor,
                                is_unique=unique, is_bot=False)


@pytest.fixture
def activity():
    """Ana and Luis, in two teams, share and get clicked over the last few days (and last month)."""
    sales, tech = factories.TeamFactory(name="Sales"), factories.TeamFactory(name="Tech")
    ana = factories.AdvocateFactory(team=sales, first_name="Ana")
    luis = factories.AdvocateFactory(team=tech, first_name="Luis")
    campaign = factories.CampaignFactory(hashtag="Launch")
    posts = [factories.PostFactory(campaign=campaign), factories.PostFactory()]
    links = {}
    for person, post, network, age in [(ana, posts[0], "linkedin", 3), (ana, posts[1], "x", 2),
                                       (luis, posts[0], "linkedin", 2), (luis, posts[1], "linkedin", 40)]:
        result = share_post(person, post, network, text="Out now #Launch" if post.campaign_id else None)
        Share.objects.filter(pk=result.share.pk).update(created_at=days_ago(age, 9))
        links[(person.first_name, post.pk, network)] = result.link
        for n in range(3):
            click(result.link, days_ago(age, 10 + n), f"{person.pk}-{post.pk}-{network}-{n}", unique=n < 2)
    return {"ana": ana, "luis": luis, "sales": sales, "tech": tech, "posts": posts, "links": links}


def test_rerunning_days_and_backfills_gives_the_same_totals(activity):
    fill_daily_stats()
    first = totals()
    assert all(first.values())
    fill_day(timezone.localdate() - timedelta(days=2))
    fill_daily_stats()
    refill_days(timezone.localdate() - timedelta(days=45), timezone.localdate())
    assert totals() == first
    assert_totals_are_the_sums()


def test_the_totals_hold_the_daily_counts_sums(activity):
    fill_daily_stats()
    stats = DailyStat.objects.all()
    summary = DailySummary.objects.all()
    for key in ("shares", "clicks", "unique_clicks", "potential_reach", "hashtag_mentions"):
        assert sum(summary.values_list(key, flat=True)) == sum(stats.values_list(key, flat=True)), key
    for key in ("shares", "clicks"):
        assert sum(MonthlyStat.objects.values_list(key, flat=True)) == sum(stats.values_list(key, flat=True)), key
    this_month = Month.containing(timezone.localdate())
    ledger = {employee.pk: sum(PointsEntry.objects.filter(
        employee=employee, created_at__gte=this_month.bounds()[0]).values_list("points", flat=True))
        for employee in (activity["ana"], activity["luis"])}
    assert dict(MonthlyPoints.objects.filter(month=this_month.first_day).values_list("employee_id", "points")) == ledger


def test_a_run_killed_while_writing_the_totals_leaves_the_day_as_it_was(activity):
    fill_daily_stats()
    before = totals()
    day = timezone.localdate() - timedelta(days=3)
    # Since then: a late click on that day, and a signature dated on it (20 points in the ledger for that day).
    click(activity["links"][("Ana", activity["posts"][0].pk, "linkedin")], days_ago(3, 20), "late visitor")
    sign_guide(activity["luis"], factories.GuideVersionFactory(), "Luis", signed_at=days_ago(3, 21))
    assert StaleDay.objects.filter(day=day).exists()
    real_insert = services._insert_totals

    class Killed(Exception):
        pass

    def dies_writing_the_points(model, *args, **kwargs):
        if model is MonthlyPoints:
            raise Killed
        return real_insert(model, *args, **kwargs)

    with mock.patch.object(services, "_insert_totals", dies_writing_the_points), pytest.raises(Killed):
        fill_daily_stats()
    # The day's counts, its summary and its month's totals are all as they were: none has the late click alone.
    assert totals() == before
    assert StaleDay.objects.filter(day=day).exists()

    fill_daily_stats()
    after = totals()
    assert after["daily stats"] != before["daily stats"]
    assert_totals_are_the_sums()
    row = DailyStat.objects.get(day=day, employee=activity["ana"], network="linkedin")
    assert (row.clicks, row.unique_clicks) == (4, 3)
    month = Month.containing(day)
    luis = MonthlyPoints.objects.get(month=month.first_day, employee=activity["luis"]).points
    assert luis == sum(PointsEntry.objects.filter(
        employee=activity["luis"], created_at__gte=month.bounds()[0], created_at__lt=month.bounds()[1],
    ).values_list("points", flat=True))
    ana = MonthlyPoints.objects.get(month=month.first_day, employee=activity["ana"]).points
    assert PointsEntry.objects.filter(reason="unique_click", employee=activity["ana"]).count() == 5
    assert ana == sum(PointsEntry.objects.filter(
        employee=activity["ana"], created_at__gte=month.bounds()[0], created_at__lt=month.bounds()[1],
    ).values_list("points", flat=True))
    assert not StaleDay.objects.exists()


def test_points_entered_for_a_past_day_reach_the_report_after_the_next_rollup(activity):
    fill_daily_stats()
    luis = activity["luis"]
    two_days_ago = timezone.localdate() - timedelta(days=2)
    month = Month.containing(two_days_ago)
    before = {row["employee"]: row["points"] for row in top_contributors(month, Filters())}

    # A signature dated two days ago, and engagement on his post of 40 days ago pulled (an analytics export, say)
    # with that day's date: both are points of a day already rolled up.
    sign_guide(luis, factories.GuideVersionFactory(), "Luis", signed_at=days_ago(2, 15))
    old_share = Share.objects.get(employee=luis, post=activity["posts"][1])
    record_engagement(old_share, Figures(None, 4, 1, 0), EngagementSnapshot.Source.API, fetched_at=days_ago(2, 16))
    assert set(StaleDay.objects.values_list("day", flat=True)) == {
        two_days_ago, timezone.localdate(old_share.created_at)}
    assert {row["employee"]: row["points"] for row in top_contributors(month, Filters())} == before

    state = fill_daily_stats()

    assert "stale day(s) refilled" in state.last_run_summary and not StaleDay.objects.exists()
    assert_totals_are_the_sums()  # the engagement's reactions and comments included
    after = {row["employee"]: row["points"] for row in top_contributors(month, Filters())}
    assert after[luis] == before[luis] + 20 + 5
    assert personal_report(month, luis)["figures"]["points"].value == after[luis]


def test_points_earned_today_reach_the_report_with_the_next_run(activity):
    fill_daily_stats()
    month = Month.containing(timezone.localdate())
    comms = factories.UserFactory(roles=["comms"])
    before = {row["employee"]: row["points"] for row in top_contributors(month, Filters())}
    adjust(activity["ana"], 100, "Talk at the fair", by=comms)
    assert not StaleDay.objects.exists()  # today's counts are recomputed on every run
    assert {row["employee"]: row["points"] for row in top_contributors(month, Filters())} == before
    fill_daily_stats()
    assert {row["employee"]: row["points"] for row in top_contributors(month, Filters())}[activity["ana"]] == (
        before[activity["ana"]] + 100)


def test_spending_and_refunds_mark_nothing_and_never_count():
    ana = factories.AdvocateFactory()
    share_post(ana, factories.PostFactory(), "linkedin")
    fill_daily_stats()
    PointsEntry.objects.create(employee=ana, points=-10, reason=PointsEntry.Reason.REDEMPTION,
                               source_type=ContentType.objects.get_for_model(Share), source_id=1,
                               created_at=days_ago(3))
    assert not StaleDay.objects.exists()
    fill_daily_stats()
    assert top_contributors(Month.containing(timezone.localdate()), Filters())[0]["points"] == 10


def test_a_month_with_points_but_no_shares_has_its_top_contributors():
    """Signing the guide earns points before anyone shares: that month's report ranks them too."""
    ana = factories.AdvocateFactory(first_name="Ana")
    sign_guide(ana, factories.GuideVersionFactory(), "Ana", signed_at=days_ago(70))
    share_post(ana, factories.PostFactory(), "linkedin")
    fill_daily_stats()
    month = Month.containing(timezone.localdate() - timedelta(days=70))
    assert [(row["employee"], row["points"]) for row in monthly_report(month).top_contributors] == [(ana, 20)]
    assert month in report_months()


def test_the_migration_fills_the_totals_as_the_rollup_does(activity):
    """Upgrading a database whose days were rolled up before these totals existed gives the same rows."""
    fill_daily_stats()
    expected = totals()
    for model in (DailySummary, MonthlySummary, MonthlyStat, DailyPoints, MonthlyPoints, MonthlyPostStat,
                  MonthlyEmployeeStat):
        model.objects.all().delete()
    migration = importlib.import_module("metrics.migrations.0006_fill_report_totals")
    migration.fill_report_totals(apps, SimpleNamespace(connection=connection))
    importlib.import_module("metrics.migrations.0008_month_totals_per_post_and_employee").fill_month_totals(
        apps, SimpleNamespace(connection=connection))
    assert totals() == expected


def test_the_first_rollup_after_the_upgrade_rebuilds_the_month_totals_an_old_worker_missed(activity):
    """web migrates (0008 fills the totals per post and per employee) while the previous release's worker still
    runs: a day it rolls up then changes MonthlyStat without them. The new release's first run rebuilds them."""
    from metrics.models import FillState

    fill_daily_stats()
    expected = totals()
    FillState.objects.filter(name=services.MONTH_TOTALS).delete()  # as right after the upgrade
    MonthlyPostStat.objects.update(clicks=0)  # what the old worker's rollup left behind
    MonthlyEmployeeStat.objects.filter(employee=activity["ana"]).delete()
    fill_daily_stats()
    assert totals() == expected
    assert_totals_are_the_sums()
    checked = FillState.objects.get(name=services.MONTH_TOTALS)
    assert checked.last_run_at is not None
    MonthlyPostStat.objects.update(clicks=0)
    fill_daily_stats()  # once only: later runs keep them in each day's transaction, at no extra cost
    assert FillState.objects.get(name=services.MONTH_TOTALS).last_run_at == checked.last_run_at


def test_deleting_a_team_or_a_campaign_leaves_no_total_pointing_at_it(activity):
    # The totals' foreign keys carry no database constraint (the rollup's COMMIT no longer checks each row's keys):
    # deleting what they point at is followed by Django, as for DailyStat.
    fill_daily_stats()
    campaign = activity["posts"][0].campaign
    assert MonthlySummary.objects.filter(team=activity["sales"]).exists()
    assert MonthlyStat.objects.filter(campaign=campaign).exists()
    team_id, campaign_id = activity["sales"].pk, campaign.pk
    activity["sales"].delete()
    campaign.delete()
    for model in (DailySummary, MonthlySummary, MonthlyStat):
        assert not model.objects.filter(team_id=team_id).exists(), model
        assert not model.objects.filter(campaign_id=campaign_id).exists(), model
    fill_daily_stats()  # and the next run agrees
    assert_totals_are_the_sums()
