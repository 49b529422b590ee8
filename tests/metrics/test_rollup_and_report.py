import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.models import Click, Share
from advocacy.services import share_post
from metrics.models import DailyStat, FillState
from metrics.selectors import Month, monthly_report
from metrics.services import fill_daily_stats, fill_day
from tests import factories

pytestmark = pytest.mark.django_db
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


def click(client, link, ip="203.0.113.1", agent=CHROME):
    return client.get(f"/s/{link.code}", HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)


@pytest.fixture
def activity(client):
    """Two advocates in two teams: Ana shares twice, Luis once; humans and a bot click."""
    sales = factories.TeamFactory(name="Sales")
    spain = factories.TeamFactory(name="Spain", parent=sales)
    tech = factories.TeamFactory(name="Tech")
    ana = factories.AdvocateFactory(team=spain, first_name="Ana")
    luis = factories.AdvocateFactory(team=tech, first_name="Luis")
    factories.UserFactory(team=tech)  # an employee who never joined
    first, second = factories.PostFactory(title="First"), factories.PostFactory(title="Second")
    ana_link = share_post(ana, first, "linkedin").link
    share_post(ana, second, "x")
    luis_link = share_post(luis, first, "linkedin").link
    click(client, ana_link, "203.0.113.1")
    click(client, ana_link, "203.0.113.1")  # same visitor, same day: a click, not a unique one
    click(client, ana_link, "203.0.113.2")
    click(client, ana_link, agent="LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient)")
    click(client, luis_link, "203.0.113.3")
    return {"ana": ana, "luis": luis, "sales": sales, "tech": tech, "first": first}


def test_a_day_rolls_up_into_counts(activity):
    fill_daily_stats()
    rows = DailyStat.objects.all()
    assert sum(r.shares for r in rows) == 3
    assert sum(r.clicks for r in rows) == 4  # the bot is not counted
    assert sum(r.unique_clicks for r in rows) == 3
    assert sum(r.potential_reach for r in rows) == 1000  # 500 LinkedIn followers each; no X followers
    ana_row = rows.get(employee=activity["ana"], network="linkedin")
    assert (ana_row.clicks, ana_row.unique_clicks, ana_row.team.name) == (3, 2, "Spain")


def test_rerunning_a_day_gives_the_same_rows(activity):
    today = timezone.localdate()
    fill_day(today)
    first = sorted(DailyStat.objects.values_list("employee_id", "post_id", "network", "shares", "clicks"))
    fill_day(today)
    fill_daily_stats()
    assert sorted(DailyStat.objects.values_list("employee_id", "post_id", "network", "shares", "clicks")) == first


def test_the_watermark_only_passes_days_that_are_over(activity):
    state = fill_daily_stats()
    assert state.filled_until == timezone.localdate() - timedelta(days=1)
    tomorrow = timezone.now() + timedelta(days=1, minutes=10)
    state = fill_daily_stats(now=tomorrow)
    assert state.filled_until == timezone.localdate()
    assert FillState.objects.get(name="daily_stats").last_run_summary.startswith("2 day(s)")


def test_unique_clicks_earn_points_capped_per_share(client):
    from rewards.models import PointsRule

    PointsRule.objects.update_or_create(key="unique_click_cap_per_share", defaults={"value": 2})
    ana = factories.AdvocateFactory()
    link = share_post(ana, factories.PostFactory(), "linkedin").link
    for n in range(4):
        click(client, link, f"203.0.113.{n + 10}")
    fill_daily_stats()
    fill_daily_stats()
    from rewards.selectors import balance

    assert balance(ana) == 10 + 2


def test_monthly_report_matches_the_kpi_definitions(activity):
    fill_daily_stats()
    report = monthly_report(Month.containing(timezone.localdate()))
    values = {key: figure.value for key, figure in report.figures.items()}
    assert values["shares"] == 3
    assert values["clicks"] == 4
    assert values["unique_clicks"] == 3
    assert values["sharers"] == 2
    assert values["active_employees"] == 3
    assert values["enrolled_advocates"] == 2
    assert values["adoption_rate"] == pytest.approx(2 / 3)
    assert values["participation_rate"] == 1.0
    assert report.figures["shares"].previous == 0
    top = report.top_contributors[0]
    # Ana: 2 shares (20 points) + 2 unique human clicks (2 points).
    assert (top["employee"], top["points"], top["shares"], top["clicks"]) == (activity["ana"], 22, 2, 3)
    assert report.top_content[0]["post"] == activity["first"]


def test_team_report_includes_sub_teams_only(activity):
    fill_daily_stats()
    report = monthly_report(Month.containing(timezone.localdate()), team=activity["sales"])
    assert report.figures["shares"].value == 2
    assert report.figures["active_employees"].value == 1
    assert [row["employee"] for row in report.top_contributors] == [activity["ana"]]


def test_a_share_from_last_month_clicked_this_month_counts_its_click_this_month(client):
    ana = factories.AdvocateFactory()
    link = share_post(ana, factories.PostFactory(), "linkedin").link
    last_month = timezone.now() - timedelta(days=40)
    Share.objects.update(created_at=last_month)
    click(client, link)
    fill_daily_stats()
    this_month = monthly_report(Month.containing(timezone.localdate()))
    assert (this_month.figures["shares"].value, this_month.figures["clicks"].value) == (0, 1)
    assert Click.objects.count() == 1


def test_report_page_and_csv_for_comms(client, activity):
    fill_daily_stats()
    client.force_login(factories.UserFactory(roles=["comms"]))
    month = Month.containing(timezone.localdate())
    page = client.get(f"/reports/{month}/")
    assert page.status_code == 200
    assert "Top contributors" in page.content.decode() and activity["ana"].get_full_name() in page.content.decode()

    response = client.get(f"/reports/{month}/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["metric", "value"]
    metrics = dict(row for row in rows[1:rows.index([])])
    assert metrics["shares"] == "3" and metrics["clicks"] == "4" and metrics["unique_clicks"] == "3"
    assert metrics["potential_reach"] == "1000"
    assert any(row[:3] == ["top_contributors", "1", activity["ana"].email] for row in rows)

    team_csv = client.get(f"/reports/{month}/?team={activity['tech'].pk}&format=csv").content.decode()
    assert "shares,1" in team_csv


def test_employees_read_only_their_own_figures(client, activity):
    fill_daily_stats()
    month = Month.containing(timezone.localdate())
    client.force_login(activity["luis"])
    assert "My monthly figures" in client.get("/reports/").content.decode()
    page = client.get(f"/reports/{month}/")
    body = page.content.decode()
    assert page.status_code == 200 and "Per post" in body
    assert activity["ana"].get_full_name() not in body and "Top contributors" not in body
    assert page.context["report"]["figures"]["shares"].value == 1  # Luis's one share, not the company's 3
    for url in [f"/reports/{month}/?team={activity['tech'].pk}", f"/reports/{month}/?network=x", "/reports/reach/"]:
        assert client.get(url).status_code == 403, url
    client.force_login(factories.UserFactory(roles=["comms"]))
    assert client.get("/reports/").status_code == 200


def test_bad_months_and_teams_are_404(client, db):
    client.force_login(factories.UserFactory(roles=["comms"]))
    for url in ["/reports/2026-13/", "/reports/26-01/", "/reports/abc/", "/reports/2999-01/",
                "/reports/2026-01/?team=abc", "/reports/2026-01/?team=%C2%B2", "/reports/2026-01/?team=99999",
                "/reports/2026-01/?format=xml", "/reports/2026-01/?campaign=9999", "/reports/2026-01/?network=myspace",
                "/reports/2026-01/?campaign=1e3"]:
        assert client.get(url).status_code == 404, url


def test_report_page_query_count_does_not_grow_with_activity(client, activity, django_assert_max_num_queries,
                                                             django_capture_on_commit_callbacks):
    fill_daily_stats()
    client.force_login(factories.UserFactory(roles=["comms"]))
    url = f"/reports/{Month.containing(timezone.localdate())}/"
    with django_assert_max_num_queries(35) as baseline:
        client.get(url)
    for _ in range(5):
        share_post(factories.AdvocateFactory(), factories.PostFactory(), "linkedin")
    with django_capture_on_commit_callbacks(execute=True):
        fill_daily_stats()  # the rewritten counts move the month's report out of the cache
    with django_assert_max_num_queries(len(baseline.captured_queries)) as again:
        page = client.get(url)
    assert page.context["report"].figures["shares"].value == 8
    assert len(again.captured_queries) > 10  # computed again, not served from the cache


def test_a_report_is_served_from_the_cache_until_its_counts_change(
        client, activity, needs_redis, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fill_daily_stats()
    client.force_login(factories.UserFactory(roles=["comms"]))
    url = f"/reports/{Month.containing(timezone.localdate())}/"
    with django_assert_max_num_queries(40) as computed:
        client.get(url)
    with django_assert_max_num_queries(len(computed.captured_queries) - 10):
        assert client.get(url).context["report"].figures["shares"].value == 3
    share_post(factories.AdvocateFactory(), factories.PostFactory(), "linkedin")
    with django_capture_on_commit_callbacks(execute=True):
        fill_daily_stats()
    assert client.get(url).context["report"].figures["shares"].value == 4
    from metrics.models import NetworkRate

    with django_capture_on_commit_callbacks(execute=True):
        NetworkRate.objects.create(network="linkedin", cpm=10, cpc=1)
    assert client.get(url).context["report"].figures["emv"].value == pytest.approx(4.0)  # 4 human clicks × 1


def test_the_rollup_task_prepares_the_company_reports(client, activity, needs_redis, django_assert_max_num_queries):
    from metrics.tasks import roll_up_daily_stats

    manager = factories.UserFactory(roles=["manager"])
    activity["tech"].managers.add(manager)
    roll_up_daily_stats.apply()
    url = f"/reports/{Month.containing(timezone.localdate())}/"
    for reader in (factories.UserFactory(roles=["comms"]), manager):
        client.force_login(reader)
        with django_assert_max_num_queries(14):  # the session, the user, permissions, filter choices: no report
            page = client.get(url)
        assert page.context["report"].figures["shares"].value == 3
    assert [row["employee"] for row in page.context["report"].top_contributors] == [activity["luis"]]


def test_compute_kpis_command(activity, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("compute_kpis")
    assert DailyStat.objects.exists()
    call_command("compute_kpis", "--date", timezone.localdate().isoformat())
    assert "Recomputed" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("compute_kpis", "--date", "2026-02-30")
