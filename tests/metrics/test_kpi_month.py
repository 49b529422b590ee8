"""The KPI report on a month built by hand, where every figure is known in advance (DESIGN.md's definitions).

October 2026, in the company's time zone. People:
- Ana (Sales › Spain): in the program, signed v1 and v2. Shares P1 on LinkedIn and on X on Oct 3 (the X text
  carries #Launch), and shared P3 on Sep 28, clicked on Oct 2.
- Ben (Sales): in the program, signed v1 only, so not enrolled once v2 is out (Oct 10). Shared P2 in September.
- Cai (Tech): joined, signed v2 only (Oct 15). Shares P1 on Facebook at 23:30 on Oct 31; its click is Nov 1.
- Dan (Tech): signed v1 and v2, shared P2 on X on Oct 5, then left the program on Oct 20.
- Eve (Tech): never joined. Fay: account deactivated. Gus: hired in November.
P1 belongs to the campaign "Launch" (#Launch). Engagement was pulled on Nov 2.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from advocacy.models import Click, EmployeeProfile, Share, TrackedLink
from content_library.models import Campaign
from guidelines.services import sign_guide
from metrics.engagement import Figures, record_engagement
from metrics.models import EngagementSnapshot, NetworkRate, ProgramCost
from metrics.selectors import Month, monthly_report
from metrics.services import fill_daily_stats
from rewards.services import award_for_share
from tests import factories

pytestmark = pytest.mark.django_db
OCTOBER = Month(2026, 10)


def at(year, month, day, hour=10, minute=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def person(name, team=None, opted_in=True, opted_out_at=None, **fields):
    user = factories.UserFactory(first_name=name, email=f"{name.lower()}@example.com", team=team)
    user.date_joined = fields.pop("date_joined", at(2026, 1, 10))
    for key, value in fields.items():
        setattr(user, key, value)
    user.save()
    EmployeeProfile.objects.filter(user=user).update(
        opted_in_at=at(2026, 8, 1) if opted_in else None, opted_out_at=opted_out_at
    )
    return user


def share(employee, post, network, when, reach, text="", team=None):
    made = Share.objects.create(employee=employee, post=post, network=network, created_at=when,
                                potential_reach=reach, text=text, team=team or employee.profile.team)
    link = TrackedLink.objects.create(employee=employee, post=post, network=network,
                                      destination=post.url, created_at=when)
    award_for_share(made)
    return made, link


def clicks(link, day, *visits):
    """Visits as (visitor, unique, bot) on `day`."""
    for visitor, unique, bot in visits:
        Click.objects.create(link=link, day=day, clicked_at=at(day.year, day.month, day.day, 12),
                             visitor_key=visitor, is_unique=unique, is_bot=bot)


@pytest.fixture
def month():
    sales = factories.TeamFactory(name="Sales")
    spain = factories.TeamFactory(name="Spain", parent=sales)
    tech = factories.TeamFactory(name="Tech")
    v1 = factories.GuideVersionFactory(version=1, published_at=at(2026, 8, 1))
    v2 = factories.GuideVersionFactory(version=2, published_at=at(2026, 10, 10), body="Version two.")

    ana = person("Ana", spain)
    ben = person("Ben", sales)
    cai = person("Cai", tech)
    dan = person("Dan", tech, opted_out_at=at(2026, 10, 20))
    eve = person("Eve", tech, opted_in=False)
    person("Fay", tech, is_active=False)
    person("Gus", tech, date_joined=at(2026, 11, 5))
    for employee, version, when in [(ana, v1, at(2026, 8, 2)), (ana, v2, at(2026, 10, 12)),
                                    (ben, v1, at(2026, 8, 3)), (cai, v2, at(2026, 10, 15)),
                                    (dan, v1, at(2026, 8, 4)), (dan, v2, at(2026, 10, 11))]:
        sign_guide(employee, version, employee.first_name, signed_at=when)

    launch = factories.CampaignFactory(name="Launch", slug="launch", hashtag="Launch",
                                       starts_on=date(2026, 9, 1), ends_on=date(2026, 11, 30))
    p1 = factories.PostFactory(title="P1", campaign=launch, url="https://www.example.com/launch")
    p2 = factories.PostFactory(title="P2", url="https://blog.example.org/p2")
    p3 = factories.PostFactory(title="P3", url="https://www.example.com/p3")

    ana_li, ana_li_link = share(ana, p1, "linkedin", at(2026, 10, 3), 500, "#launching soon")
    ana_x, ana_x_link = share(ana, p1, "x", at(2026, 10, 3, 11), 200, "Big news #Launch!")
    cai_fb, cai_fb_link = share(cai, p1, "facebook", at(2026, 10, 31, 23, 30), 250)
    dan_x, dan_x_link = share(dan, p2, "x", at(2026, 10, 5), 100)
    _ben, _ben_link = share(ben, p2, "linkedin", at(2026, 9, 12), 300)
    _ana_p3, ana_p3_link = share(ana, p3, "linkedin", at(2026, 9, 28), 500)

    clicks(ana_li_link, date(2026, 10, 3), ("A", True, False), ("A", False, False), ("B", True, False),
           ("bot", False, True))
    clicks(ana_li_link, date(2026, 10, 4), ("A", True, False))  # a new day: unique again
    clicks(ana_p3_link, date(2026, 9, 29), ("D", True, False))
    clicks(ana_p3_link, date(2026, 10, 2), ("C", True, False))
    clicks(dan_x_link, date(2026, 10, 6), ("E", True, False))
    clicks(cai_fb_link, date(2026, 11, 1), ("F", True, False))

    pulled = at(2026, 11, 2)
    for pulled_share, figures in [(ana_li, Figures(1000, 10, 2, 1)), (ana_x, Figures(400, 5, 0, 3)),
                                  (cai_fb, Figures(None, 4, 1, 0))]:
        record_engagement(pulled_share, figures, EngagementSnapshot.Source.API, fetched_at=pulled)

    NetworkRate.objects.create(network="linkedin", cpm=Decimal("10.00"), cpc=Decimal("1.50"))
    NetworkRate.objects.create(network="x", cpm=Decimal("5.00"), cpc=Decimal("0.80"))
    NetworkRate.objects.create(network="facebook", cpm=Decimal("8.00"), cpc=Decimal("1.00"))
    ProgramCost.objects.create(month=date(2026, 10, 15), amount=Decimal("10.00"))
    fill_daily_stats()
    return {"sales": sales, "spain": spain, "tech": tech, "ana": ana, "ben": ben, "cai": cai, "dan": dan,
            "eve": eve, "launch": launch, "p1": p1, "p2": p2}


def values(report):
    return {key: figure.value for key, figure in report.figures.items()}


def test_every_company_figure_of_the_month(month):
    figures = values(monthly_report(OCTOBER))
    assert figures["active_employees"] == 5  # Ana, Ben, Cai, Dan, Eve
    assert figures["enrolled_advocates"] == 2  # Ana and Cai (v2); Ben signed v1 only, Dan left
    assert figures["adoption_rate"] == pytest.approx(2 / 5)
    assert figures["sharers"] == 3  # Ana, Cai, Dan (Ben shared in September)
    assert figures["participation_rate"] == pytest.approx(3 / 2)
    assert figures["shares"] == 4  # the 23:30 share on Oct 31 is October's
    assert figures["clicks"] == 6  # 4 humans on Ana's P1, 1 on her September P3, 1 on Dan's; the bot is not
    assert figures["unique_clicks"] == 5
    assert figures["potential_reach"] == 500 + 200 + 250 + 100
    assert (figures["impressions"], figures["reactions"], figures["comments"], figures["reshares"]) == (
        1400, 19, 3, 4)
    assert figures["engagements"] == 26
    # Per share: impressions where known (1000, 400), else potential reach (Cai 250, Dan 100).
    assert figures["engagement_rate"] == pytest.approx(26 / 1750)
    assert figures["hashtag_mentions"] == 1  # "#launching" is not "#Launch"
    # LinkedIn 1000/1000×10 + 5 clicks×1.50; X 400/1000×5 + 1×0.80; Facebook nothing in October.
    assert figures["emv"] == pytest.approx(17.50 + 2.80)
    assert figures["program_cost"] == pytest.approx(10.0)
    assert figures["roi"] == pytest.approx((20.30 - 10) / 10)


def test_each_figure_stands_beside_the_previous_month(month):
    report = monthly_report(OCTOBER)
    previous = {key: figure.previous for key, figure in report.figures.items()}
    assert previous["shares"] == 2 and previous["sharers"] == 2  # Ben and Ana in September
    assert previous["clicks"] == 1 and previous["unique_clicks"] == 1
    assert previous["potential_reach"] == 800
    assert previous["enrolled_advocates"] == 3  # v1 was current: Ana, Ben, Dan
    assert previous["participation_rate"] == pytest.approx(2 / 3)
    assert previous["roi"] is None  # no program cost set for September
    assert report.figures["shares"].change == 2 and report.figures["shares"].change_percent == 100


def test_top_contributors_rank_by_points_earned_in_the_month(month):
    report = monthly_report(OCTOBER)
    ranking = [(row["employee"].first_name, row["points"], row["shares"], row["clicks"], row["engagements"])
               for row in report.top_contributors]
    # Ana: 2 shares (20) + 4 unique clicks in October + signing v2 (20); engagement points came on Nov 2.
    # Dan: 1 share + 1 unique click + v2; Cai: 1 share + v2.
    assert ranking == [("Ana", 44, 2, 5, 13 + 8), ("Dan", 31, 1, 1, 0), ("Cai", 30, 1, 0, 5)]
    teams = [(row["team"].name, row["points"]) for row in report.top_teams]
    assert teams == [("Tech", 61), ("Spain", 44)]


def test_top_content_domains_networks_and_hashtags(month):
    report = monthly_report(OCTOBER)
    assert [(row["post"].title, row["clicks"], row["shares"], row["engagements"]) for row in report.top_content] == [
        ("P1", 4, 3, 26), ("P2", 1, 1, 0), ("P3", 1, 0, 0)]
    assert report.domains == [{"domain": "example.com", "clicks": 5}, {"domain": "blog.example.org", "clicks": 1}]
    networks = {row["network"]: (row["shares"], row["clicks"], row["impressions"]) for row in report.networks}
    assert networks == {"facebook": (1, 0, 0), "linkedin": (1, 5, 1000), "x": (2, 1, 400)}
    assert [(row["campaign"].name, row["mentions"], row["shares"]) for row in report.hashtags] == [("Launch", 1, 3)]
    october_days = {row["day"]: (row["shares"], row["clicks"]) for row in report.daily}
    assert len(october_days) == 31
    assert october_days[date(2026, 10, 3)] == (2, 3) and october_days[date(2026, 10, 31)] == (1, 0)


def test_a_team_with_its_sub_teams(month):
    sales = values(monthly_report(OCTOBER, team=month["sales"]))
    assert (sales["active_employees"], sales["enrolled_advocates"], sales["sharers"]) == (2, 1, 1)
    assert (sales["shares"], sales["clicks"], sales["unique_clicks"]) == (2, 5, 4)
    assert sales["roi"] is None and sales["program_cost"] is None  # the cost is the company's
    tech = values(monthly_report(OCTOBER, team=month["tech"]))
    assert (tech["active_employees"], tech["enrolled_advocates"], tech["shares"], tech["clicks"]) == (3, 1, 2, 1)


def test_campaign_and_network_filters(month):
    launch = values(monthly_report(OCTOBER, campaign=month["launch"]))
    assert (launch["shares"], launch["clicks"], launch["hashtag_mentions"], launch["engagements"]) == (3, 4, 1, 26)
    x = values(monthly_report(OCTOBER, network="x"))
    assert (x["shares"], x["clicks"], x["impressions"], x["emv"]) == (2, 1, 400, pytest.approx(2.80))
    assert x["active_employees"] == 5  # people counts follow the team only


def test_the_csv_carries_the_same_figures(client, month):
    client.force_login(factories.UserFactory(roles=["comms"]))
    rows = list(csv.reader(io.StringIO(client.get("/reports/2026-10/?format=csv").content.decode())))
    metrics = dict(row for row in rows[1:rows.index([])])
    assert (metrics["shares"], metrics["clicks"], metrics["unique_clicks"], metrics["potential_reach"]) == (
        "4", "6", "5", "1050")
    assert metrics["emv"] == "20.3000" and metrics["roi"] == "1.0300" and metrics["hashtag_mentions"] == "1"
    assert ["hashtag_mentions", "Launch", "#Launch", "1", "3"] in rows
    assert ["traffic_by_domain", "example.com", "5"] in rows


def test_managers_see_company_totals_and_only_their_teams_broken_down(client, month):
    manager = factories.UserFactory(roles=["manager"])
    month["tech"].managers.add(manager)
    client.force_login(manager)
    page = client.get("/reports/2026-10/")
    report = page.context["report"]
    assert report.figures["shares"].value == 4  # the company's totals
    assert [row["employee"].first_name for row in report.top_contributors] == ["Dan", "Cai"]
    assert [row["team"].name for row in report.top_teams] == ["Tech"]  # Spain's figures are not theirs to see
    assert "Top contributors in your teams" in page.content.decode()
    assert [team.name for team in page.context["teams"]] == ["Tech"]
    assert client.get(f"/reports/2026-10/?team={month['tech'].pk}").status_code == 200
    assert client.get(f"/reports/2026-10/?team={month['sales'].pk}").status_code == 403
    assert client.get(f"/reports/2026-10/?team={month['sales'].pk}&format=csv").status_code == 403


def test_comms_see_every_team(client, month):
    client.force_login(factories.UserFactory(roles=["comms"]))
    page = client.get(f"/reports/2026-10/?team={month['sales'].pk}")
    assert page.status_code == 200
    assert [row["employee"].first_name for row in page.context["report"].top_contributors] == ["Ana"]


def test_an_employee_reads_only_their_own_month(client, month):
    client.force_login(month["ana"])
    page = client.get("/reports/2026-10/")
    figures = {key: figure.value for key, figure in page.context["report"]["figures"].items()}
    assert (figures["shares"], figures["clicks"], figures["unique_clicks"], figures["potential_reach"]) == (
        2, 5, 4, 700)
    assert (figures["impressions"], figures["engagements"], figures["points"]) == (1400, 21, 44)
    assert [row["post__title"] for row in page.context["report"]["per_post"]] == ["P1", "P3"]
    assert "Dan" not in page.content.decode()


def test_the_report_page_shows_every_section(client, month):
    client.force_login(factories.UserFactory(roles=["comms"]))
    body = client.get("/reports/2026-10/").content.decode()
    for heading in ["Earned media value", "Return on investment", "Hashtag mentions", "Traffic by destination",
                    "Top teams", "Top content", "Shares and clicks per day", "report-chart-data"]:
        assert heading in body, heading
    printable = client.get("/reports/2026-10/?format=print")
    assert printable.status_code == 200 and "Print or save as PDF" in printable.content.decode()


def test_report_page_queries_stay_constant(client, month, django_assert_max_num_queries):
    client.force_login(factories.UserFactory(roles=["comms"]))
    with django_assert_max_num_queries(36) as first:
        client.get("/reports/2026-10/")
    budget = len(first.captured_queries)
    extra = factories.PostFactory(campaign=Campaign.objects.get())
    for n in range(6):
        share(person(f"Extra{n}", month["tech"]), extra, "linkedin", at(2026, 10, 20), 10, "#Launch")
    from metrics.services import refill_days

    refill_days(date(2026, 10, 20), date(2026, 10, 20))
    cache.clear()  # measure the computation, not the cached report
    with django_assert_max_num_queries(budget):
        assert client.get("/reports/2026-10/").context["report"].figures["shares"].value == 10


# --- The rolled-up totals the report reads give DailyStat's and the ledger's figures -------------------------------

def ledger_ranking(month, team_ids=None):
    """Top contributors and teams straight from the points ledger: points earned in the month (spending and refunds
    left out), each employee counted in their team as it is now."""
    from django.db.models import Sum

    from rewards.models import PointsEntry
    from rewards.services import EARNING_REASONS

    start, end = month.bounds()
    entries = PointsEntry.objects.filter(created_at__gte=start, created_at__lt=end, reason__in=EARNING_REASONS)
    if team_ids is not None:
        entries = entries.filter(employee__profile__team_id__in=team_ids)
    people = [(row["employee_id"], row["total"]) for row in entries.values("employee_id")
              .annotate(total=Sum("points")).filter(total__gt=0).order_by("-total", "employee_id")[:20]]
    teams = [(row["employee__profile__team_id"], row["total"]) for row in entries
             .filter(employee__profile__team__isnull=False).values("employee__profile__team_id")
             .annotate(total=Sum("points")).filter(total__gt=0).order_by("-total", "employee__profile__team_id")[:10]]
    return people, teams


def test_top_contributors_and_teams_are_the_ledgers_ranking_with_any_filter(month):
    from django.contrib.contenttypes.models import ContentType

    from advocacy.models import Team
    from rewards.models import PointsEntry

    # Later entries for October: a hand adjustment, a deduction, a redemption (spending: never a rank), and Ben,
    # who earned in October in Sales and has moved to Tech since (his points count where he is now).
    ben, eve = month["ben"], month["eve"]
    for employee, points, reason, day in [(eve, 45, "adjustment", 25), (month["ana"], -4, "adjustment", 26),
                                          (ben, 30, "adjustment", 14), (month["dan"], -200, "redemption", 27)]:
        PointsEntry.objects.create(
            employee=employee, points=points, reason=reason, created_at=at(2026, 10, day),
            note="By hand" if reason == "adjustment" else "",
            **({} if reason == "adjustment" else {"source_type": ContentType.objects.get_for_model(Share),
                                                  "source_id": 1}))
    EmployeeProfile.objects.filter(user=ben).update(team=month["tech"])
    fill_daily_stats()  # the adjustments marked their October days stale: this run counts them

    tech = frozenset(Team.subtree_ids([month["tech"].pk]))
    sales = frozenset(Team.subtree_ids([month["sales"].pk]))
    for filters, team_ids in [({}, None), ({"team": month["sales"]}, sales), ({"team": month["tech"]}, tech),
                              ({"campaign": month["launch"]}, None), ({"network": "x"}, None)]:
        report = monthly_report(OCTOBER, **filters)
        assert ([(row["employee"].pk, row["points"]) for row in report.top_contributors],
                [(row["team"].pk, row["points"]) for row in report.top_teams]) == ledger_ranking(OCTOBER, team_ids)
    # A manager of Tech reading the company's report: their own people and teams only.
    report = monthly_report(OCTOBER, contributors_team_ids=tech)
    assert ([(row["employee"].pk, row["points"]) for row in report.top_contributors],
            [(row["team"].pk, row["points"]) for row in report.top_teams]) == ledger_ranking(OCTOBER, tech)
    ranking = [(row["employee"].first_name, row["points"]) for row in monthly_report(OCTOBER).top_contributors]
    assert ranking == [("Eve", 45), ("Ana", 40), ("Dan", 31), ("Ben", 30), ("Cai", 30)]
    assert [(row["team"].name, row["points"]) for row in monthly_report(OCTOBER).top_teams] == [
        ("Tech", 136), ("Spain", 40)]


def daily_stat_figures(month, team_ids=None, campaign=None, network=""):
    """The report's counts computed straight from the month's DailyStat rows."""
    from django.db.models import Sum

    from metrics.models import DailyStat

    rows = DailyStat.objects.filter(day__gte=month.first_day, day__lte=month.last_day)
    if team_ids is not None:
        rows = rows.filter(team_id__in=team_ids)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    if network:
        rows = rows.filter(network=network)
    summed = ("shares", "clicks", "unique_clicks", "potential_reach", "impressions", "reactions", "comments",
              "reshares", "hashtag_mentions")
    totals = {key: value or 0 for key, value in rows.aggregate(**{key: Sum(key) for key in summed}).items()}
    totals["sharers"] = rows.filter(shares__gt=0).values("employee_id").distinct().count()
    per_day = {row["day"]: (row["shares"], row["clicks"]) for row in rows.values("day").annotate(
        shares=Sum("shares"), clicks=Sum("clicks"))}
    per_post = {row["post_id"]: (row["clicks"], row["shares"]) for row in rows.values("post_id").annotate(
        clicks=Sum("clicks"), shares=Sum("shares"))}
    return totals, per_day, per_post


def test_every_filter_reads_the_same_counts_as_the_daily_rows(month):
    from advocacy.models import Team

    combinations = [{}, {"network": "x"}, {"network": "linkedin"}, {"campaign": month["launch"]},
                    {"team": month["sales"]}, {"team": month["spain"]}, {"team": month["tech"]},
                    {"team": month["sales"], "network": "linkedin"},
                    {"team": month["sales"], "campaign": month["launch"]},
                    {"team": month["tech"], "campaign": month["launch"], "network": "facebook"}]
    for filters in combinations:
        team_ids = frozenset(Team.subtree_ids([filters["team"].pk])) if "team" in filters else None
        for period in (OCTOBER, OCTOBER.previous()):
            report = monthly_report(period, **filters)
            totals, per_day, per_post = daily_stat_figures(period, team_ids, filters.get("campaign"),
                                                           filters.get("network", ""))
            assert {key: report.figures[key].value for key in totals} == totals, (filters, period)
            assert {row["day"]: (row["shares"], row["clicks"]) for row in report.daily
                    if row["shares"] or row["clicks"]} == {day: counts for day, counts in per_day.items()
                                                           if any(counts)}, filters
            assert [(row["post"].pk, row["clicks"], row["shares"]) for row in report.top_content] == sorted(
                ((post_id, clicks, shares) for post_id, (clicks, shares) in per_post.items()),
                key=lambda row: (-row[1], -row[2], row[0])), filters
