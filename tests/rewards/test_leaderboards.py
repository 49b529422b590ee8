"""Leaderboards: Redis sorted sets kept in step with the points ledger, the same boards from the database when
Redis is down, flushed or stale, periods in company time, teams, campaigns, pseudonyms, people who leave, ranks."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import redis
from django.core.management import call_command
from django.core.management.base import CommandError

from advocacy.models import Share
from advocacy.services import opt_in, opt_out, share_post
from metrics.models import FillState
from rewards import leaderboards
from rewards.models import LeaderboardAlias, PointsEntry, RewardItem
from rewards.redemptions import redeem
from rewards.services import adjust, award_for_share
from rewards.tasks import heal_leaderboards_task, rebuild_leaderboards_task
from tests import factories

pytestmark = pytest.mark.django_db
MADRID = ZoneInfo("Europe/Madrid")
TODAY = date(2026, 5, 20)  # a Wednesday in Q2; the boards' "today" in these tests
CLOSED_PORT_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch, settings):
    monkeypatch.setattr(leaderboards, "company_today", lambda: TODAY)
    settings.TIME_ZONE = "Europe/Madrid"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # many people, made quickly
    leaderboards._resting_until.clear()
    yield
    leaderboards._resting_until.clear()


@pytest.fixture
def redis_boards(needs_redis, settings):
    """Leaderboards on the Redis database of REDIS_URL, emptied before and after (only that database)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def without_redis(settings):
    settings.REDIS_URL = ""


@pytest.fixture
def comms(db):
    return factories.UserFactory(roles=["comms"])


def at(year, month, day, hour=12, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=MADRID)


def shared(employee, moment, campaign=None, network="linkedin"):
    """A share made at `moment`, paid by the ledger's own service (10 points)."""
    post = factories.PostFactory(campaign=campaign)
    share = Share.objects.create(employee=employee, post=post, network=network, created_at=moment,
                                 team_id=employee.profile.team_id)
    return award_for_share(share)


def points_of(board):
    return [(row.rank, row.name, row.points, row.is_me) for row in board.rows]


def snapshot(viewer, periods=leaderboards.PERIODS, campaign=None):
    """Every board the viewer can see, with where it came from."""
    result, sources = {}, set()
    for period in periods:
        boards = leaderboards.boards(viewer, period, campaign=campaign)
        sources.add(boards.source)
        for board in boards.tables:
            result[period, board.scope] = (points_of(board), board.me)
    return result, sources


def database_snapshot(viewer, settings, **kwargs):
    url, settings.REDIS_URL = settings.REDIS_URL, ""
    try:
        result, sources = snapshot(viewer, **kwargs)
    finally:
        settings.REDIS_URL = url
    assert sources == {"database"}
    return result


def redis_contents(client):
    """Every board key and its members with their scores (sentinel, index and log left out)."""
    keys = sorted(key.decode() for key in client.scan_iter("lb:v1:*"))
    return {key: client.zrange(key, 0, -1, withscores=True) for key in keys if client.type(key) == b"zset"}


@pytest.fixture
def company(django_capture_on_commit_callbacks):
    """Ana and Luis in Sales, Eva in Tech, a year of shares with points (on-commit writes to Redis included)."""
    sales, tech = factories.TeamFactory(name="Sales"), factories.TeamFactory(name="Tech")
    ana = factories.AdvocateFactory(team=sales, first_name="Ana", last_name="García")
    luis = factories.AdvocateFactory(team=sales, first_name="Luis", last_name="Ruiz")
    eva = factories.AdvocateFactory(team=tech, first_name="Eva", last_name="Soto")
    with django_capture_on_commit_callbacks(execute=True):
        shared(ana, at(2026, 5, 18, 9))  # this week (Monday)
        shared(ana, at(2026, 5, 17, 23, 30))  # Sunday night in Madrid: last week
        shared(luis, at(2026, 5, 19))
        shared(luis, at(2026, 4, 30))  # last month, this quarter
        shared(luis, at(2026, 4, 2))
        shared(eva, at(2026, 2, 10))  # this year, last quarter
        shared(eva, at(2026, 2, 11))
        shared(eva, at(2026, 2, 12))
        shared(eva, at(2026, 1, 1, 0, 30))  # 2025-12-31 23:30 UTC: the year 2026 in company time
        shared(eva, at(2025, 12, 31, 23, 30))  # all time only
    return {"ana": ana, "luis": luis, "eva": eva, "sales": sales, "tech": tech}


# Ties: the higher id first (Luis joined after Ana, Tech was made after Sales), ranked alike.
EXPECTED = {
    "week": {"people": [(1, "Luis Ruiz", 10), (1, "Ana García", 10)], "teams": [(1, "Sales", 20)]},
    "month": {"people": [(1, "Ana García", 20), (2, "Luis Ruiz", 10)], "teams": [(1, "Sales", 30)]},
    "quarter": {"people": [(1, "Luis Ruiz", 30), (2, "Ana García", 20)], "teams": [(1, "Sales", 50)]},
    "year": {"people": [(1, "Eva Soto", 40), (2, "Luis Ruiz", 30), (3, "Ana García", 20)],
             "teams": [(1, "Sales", 50), (2, "Tech", 40)]},
    "all": {"people": [(1, "Eva Soto", 50), (2, "Luis Ruiz", 30), (3, "Ana García", 20)],
            "teams": [(1, "Tech", 50), (1, "Sales", 50)]},
}


def assert_expected_periods(viewer):
    """The company's boards are EXPECTED; returns where they were read from."""
    sources = set()
    for period in leaderboards.PERIODS:
        boards = leaderboards.boards(viewer, period)
        sources.add(boards.source)
        for board in boards.tables:
            assert [(row.rank, row.name, row.points) for row in board.rows] == EXPECTED[period][board.scope], period
    assert len(sources) == 1
    return sources.pop()


# --- Periods, teams, campaigns, names: the database ---------------------------------------------------------

def test_periods_count_points_in_company_time_from_the_database(company, without_redis):
    assert assert_expected_periods(company["ana"]) == "database"


def test_ties_go_to_the_higher_id_and_rank_1_2_2_4_from_the_database(db, without_redis, comms):
    people = [factories.AdvocateFactory(first_name=name, last_name="Test") for name in ("Ana", "Bea", "Carla", "Dani")]
    for person, points in zip(people, (30, 20, 20, 10)):
        adjust(person, points, "Contest prize", comms)
    board = leaderboards.top(people[0], "people", "all")
    assert [(row.rank, row.name, row.points) for row in board.rows] == [
        (1, "Ana Test", 30), (2, "Carla Test", 20), (2, "Bea Test", 20), (4, "Dani Test", 10)]


def test_teams_rank_the_points_earned_in_them_and_show_my_team(company, without_redis):
    board = leaderboards.top(company["eva"], "teams", "year")
    assert points_of(board) == [(1, "Sales", 50, False), (2, "Tech", 40, True)]
    assert board.me == board.rows[1]


def test_points_count_for_the_team_the_employee_was_in_when_earning(company, without_redis,
                                                                   django_capture_on_commit_callbacks):
    ana = company["ana"]
    ana.profile.team = company["tech"]
    ana.profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        shared(ana, at(2026, 5, 19, 8))
    board = leaderboards.top(ana, "teams", "week")
    assert [(row.name, row.points) for row in board.rows] == [("Sales", 20), ("Tech", 10)]


def test_a_campaign_board_counts_only_the_points_earned_with_its_posts(company, without_redis,
                                                                       django_capture_on_commit_callbacks):
    campaign = factories.CampaignFactory(starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 31))
    other = factories.CampaignFactory(starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 31))
    with django_capture_on_commit_callbacks(execute=True):
        shared(company["eva"], at(2026, 5, 19), campaign=campaign)
        shared(company["eva"], at(2026, 5, 19, 13), campaign=campaign, network="x")
        shared(company["ana"], at(2026, 5, 19), campaign=campaign)
        shared(company["luis"], at(2026, 5, 19), campaign=other)
    boards = leaderboards.campaign_board(campaign, company["ana"])
    assert points_of(boards.people) == [(1, "Eva Soto", 20, False), (2, "Ana García", 10, True)]
    assert points_of(boards.teams) == [(1, "Tech", 20, False), (2, "Sales", 10, True)]
    with pytest.raises(ValueError):
        leaderboards.campaign_board(campaign, company["ana"], period="month")


def test_the_campaign_partial_renders_the_board_it_is_given(company, without_redis):
    from django.template.loader import render_to_string

    campaign = factories.CampaignFactory()
    html = render_to_string("rewards/_leaderboard_table.html",
                            {"board": leaderboards.campaign_board(campaign, company["ana"])})
    assert "No points earned with this campaign yet." in html and "<caption" in html


def test_a_pseudonym_is_shown_instead_of_the_name(company, without_redis):
    LeaderboardAlias.objects.create(employee=company["eva"], pseudonym="La Reina del Post")
    names = [row.name for row in leaderboards.top(company["ana"], "people", "all").rows]
    assert names == ["La Reina del Post", "Luis Ruiz", "Ana García"]


def test_redemptions_do_not_lower_a_rank(company, without_redis):
    item = RewardItem.objects.create(name="Mug", points_price=50)
    redeem(company["eva"], item.pk)
    assert leaderboards.top(company["eva"], "people", "all").rows[0] == leaderboards.Row(1, "Eva Soto", 50, True)


def test_my_rank_is_shown_when_outside_the_top_20(db, without_redis, comms):
    others = [factories.AdvocateFactory() for _ in range(21)]
    for index, person in enumerate(others):
        adjust(person, 100 + index, "Welcome bonus", comms)
    me = factories.AdvocateFactory(first_name="Mía", last_name="López")
    adjust(me, 7, "Welcome bonus", comms)
    board = leaderboards.top(me, "people", "all")
    assert len(board.rows) == 20 and not board.me_in_top
    assert board.me == leaderboards.Row(22, "Mía López", 7, True)


def test_no_own_row_without_points_or_outside_the_program(company, without_redis):
    newcomer = factories.AdvocateFactory()
    assert leaderboards.top(newcomer, "people", "week").me is None
    outsider = factories.UserFactory(team=company["sales"])
    boards = leaderboards.boards(outsider, "week")
    assert boards.people.me is None and not boards.viewer_in_program
    assert boards.teams.me.name == "Sales"  # their team still has its row


def test_someone_who_leaves_the_program_is_not_shown(company, without_redis):
    opt_out(company["eva"])
    boards = leaderboards.boards(company["ana"], "all")
    assert [row.name for row in boards.people.rows] == ["Luis Ruiz", "Ana García"]
    assert [(row.name, row.points) for row in boards.teams.rows] == [("Sales", 50)]
    assert PointsEntry.objects.filter(employee=company["eva"]).count() == 5  # the ledger keeps them
    assert leaderboards.boards(company["eva"], "all").people.me is None


# --- Redis ---------------------------------------------------------------------------------------------------

def test_the_redis_boards_equal_the_database_boards(company, redis_boards, settings):
    leaderboards.rebuild()
    for viewer in (company["ana"], company["eva"]):
        from_redis, sources = snapshot(viewer)
        assert sources == {"redis"}
        assert from_redis == database_snapshot(viewer, settings)
    assert assert_expected_periods(company["ana"]) == "redis"


def test_keys_name_the_period_and_members_are_zero_padded_ids(company, redis_boards):
    leaderboards.rebuild()
    eva = leaderboards.member(company["eva"].pk)
    assert len(eva) == leaderboards.MEMBER_DIGITS and eva.lstrip("0") == str(company["eva"].pk)
    assert redis_boards.zscore("lb:v1:people:month:2026-02", eva) == 30
    assert redis_boards.zscore("lb:v1:people:week:2026-W21", leaderboards.member(company["ana"].pk)) == 10
    assert redis_boards.zscore("lb:v1:teams:year:2026", leaderboards.member(company["tech"].pk)) == 40
    assert redis_boards.zscore("lb:v1:people:all", eva) == 50


def test_writes_keep_redis_in_step_with_the_ledger(company, redis_boards, settings, comms,
                                                   django_capture_on_commit_callbacks):
    leaderboards.rebuild()
    campaign = factories.CampaignFactory(starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 31))
    with django_capture_on_commit_callbacks(execute=True):
        shared(company["ana"], at(2026, 5, 20, 10), campaign=campaign)
        adjust(company["luis"], -5, "Duplicate share", comms)
        shared(company["eva"], at(2026, 5, 20, 11))
    incremental = redis_contents(redis_boards)
    assert leaderboards.boards(company["ana"], "week").source == "redis"
    assert snapshot(company["ana"])[0] == database_snapshot(company["ana"], settings)
    assert snapshot(company["ana"], periods=["all"], campaign=campaign)[0] == database_snapshot(
        company["ana"], settings, periods=["all"], campaign=campaign)
    leaderboards.rebuild()
    assert redis_contents(redis_boards) == incremental


def test_after_a_flush_the_page_answers_from_the_database_and_a_rebuild_restores_redis(
        company, redis_boards, client, settings):
    leaderboards.rebuild()
    before = redis_contents(redis_boards)
    redis_boards.flushdb()
    client.force_login(company["ana"])
    response = client.get("/leaderboard/?period=all")
    assert response.status_code == 200
    assert response.context["board"].source == "database"
    assert "Eva Soto" in response.content.decode()
    call_command("rebuild_leaderboards")
    assert redis_contents(redis_boards) == before
    assert client.get("/leaderboard/?period=all").context["board"].source == "redis"
    assert snapshot(company["ana"])[0] == database_snapshot(company["ana"], settings)


def test_with_redis_unreachable_the_page_answers_from_the_database_and_writes_mark_stale(
        company, settings, client, django_capture_on_commit_callbacks):
    settings.REDIS_URL = CLOSED_PORT_URL
    client.force_login(company["ana"])
    response = client.get("/leaderboard/")
    assert response.status_code == 200 and response.context["board"].source == "database"
    assert not leaderboards.is_stale()
    with django_capture_on_commit_callbacks(execute=True):
        entry = shared(company["ana"], at(2026, 5, 20))  # the ledger write succeeds; no exception escapes
    assert entry.pk and leaderboards.is_stale()
    leaderboards.entries_added([entry])  # and again, while resting from the failure
    assert FillState.objects.get(name=leaderboards.STALE_NAME).last_run_summary.startswith("entries not added")
    response = client.get("/leaderboard/?period=week")
    assert response.status_code == 200 and "Ana García" in response.content.decode()
    assert heal_leaderboards_task.delay().get()["rebuilt"] is False
    with pytest.raises(CommandError, match="Redis did not answer"):
        call_command("rebuild_leaderboards")


def test_a_stale_mark_sends_reads_to_the_database_until_a_rebuild(company, redis_boards,
                                                                 django_capture_on_commit_callbacks):
    leaderboards.rebuild()
    leaderboards.mark_stale("a test")
    assert leaderboards.boards(company["ana"], "all").source == "database"
    leaderboards.rebuild()
    assert not leaderboards.is_stale()
    assert leaderboards.boards(company["ana"], "all").source == "redis"


def test_ties_rank_1_2_2_4_identically_in_redis_and_the_database(db, redis_boards, settings, comms,
                                                                django_capture_on_commit_callbacks):
    people = [factories.AdvocateFactory(first_name=name, last_name="Test") for name in ("Ana", "Bea", "Carla", "Dani")]
    with django_capture_on_commit_callbacks(execute=True):
        for person, points in zip(people, (30, 20, 20, 10)):
            adjust(person, points, "Contest prize", comms)
    leaderboards.rebuild()
    board = leaderboards.top(people[3], "people", "all")
    assert [(row.rank, row.points) for row in board.rows] == [(1, 30), (2, 20), (2, 20), (4, 10)]
    assert [row.name for row in board.rows][1:3] == ["Carla Test", "Bea Test"]  # the higher id first
    assert snapshot(people[2])[0] == database_snapshot(people[2], settings)


def test_my_rank_outside_the_top_20_from_redis(db, redis_boards, settings, comms, django_capture_on_commit_callbacks):
    others = [factories.AdvocateFactory() for _ in range(22)]
    me = factories.AdvocateFactory(first_name="Mía", last_name="López")
    with django_capture_on_commit_callbacks(execute=True):
        for index, person in enumerate(others):
            adjust(person, 100 + index // 2, "Welcome bonus", comms)  # pairs of ties
        adjust(me, 7, "Welcome bonus", comms)
    leaderboards.rebuild()
    board = leaderboards.top(me, "people", "all")
    assert leaderboards.boards(me, "all").source == "redis"
    assert board.me == leaderboards.Row(23, "Mía López", 7, True) and len(board.rows) == 20
    assert snapshot(me, periods=["all", "month"])[0] == database_snapshot(me, settings, periods=["all", "month"])


def test_forget_takes_someone_off_the_boards_and_restore_brings_them_back(company, redis_boards, settings):
    leaderboards.rebuild()
    before = redis_contents(redis_boards)
    eva = company["eva"]
    opt_out(eva)
    leaderboards.forget(eva)
    boards = leaderboards.boards(company["ana"], "all")
    assert boards.source == "redis"
    assert [row.name for row in boards.people.rows] == ["Luis Ruiz", "Ana García"]
    assert [(row.name, row.points) for row in boards.teams.rows] == [("Sales", 50)]
    assert snapshot(company["ana"])[0] == database_snapshot(company["ana"], settings)
    leaderboards.forget(eva)  # twice is once
    assert snapshot(company["ana"])[0] == database_snapshot(company["ana"], settings)
    opt_in(eva)
    leaderboards.restore(eva)
    leaderboards.restore(eva)
    assert leaderboards.boards(company["ana"], "all").people.rows[0].name == "Eva Soto"
    assert {key: value for key, value in redis_contents(redis_boards).items() if value} == before


def test_points_earned_while_out_of_the_program_count_once_back(company, redis_boards, settings, comms,
                                                                django_capture_on_commit_callbacks):
    leaderboards.rebuild()
    eva = company["eva"]
    opt_out(eva)
    leaderboards.forget(eva)
    with django_capture_on_commit_callbacks(execute=True):
        adjust(eva, 15, "Late prize", comms)
    assert "Eva Soto" not in [row.name for row in leaderboards.top(company["ana"], "people", "all").rows]
    opt_in(eva)
    leaderboards.restore(eva)
    assert leaderboards.top(company["ana"], "people", "all").rows[0] == leaderboards.Row(1, "Eva Soto", 65, False)
    assert snapshot(company["ana"])[0] == database_snapshot(company["ana"], settings)


def test_someone_shown_after_leaving_sends_the_page_to_the_database(company, redis_boards):
    leaderboards.rebuild()
    opt_out(company["eva"])  # and forget was never called
    boards = leaderboards.boards(company["ana"], "all")
    assert boards.source == "database" and "Eva Soto" not in [row.name for row in boards.people.rows]
    assert leaderboards.is_stale()


def test_a_rebuild_deletes_obsolete_boards_and_replaces_the_others(company, redis_boards):
    redis_boards.zadd("lb:v1:people:week:2020-W01", {"000000000001": 5})
    redis_boards.sadd(leaderboards.INDEX_KEY, "lb:v1:people:week:2020-W01")
    redis_boards.zadd("lb:v1:people:all", {"000000999999": 1000})
    leaderboards.rebuild()
    assert not redis_boards.exists("lb:v1:people:week:2020-W01")
    assert redis_boards.zscore("lb:v1:people:all", "000000999999") is None
    assert not list(redis_boards.scan_iter("lb:v1:tmp:*"))
    assert redis_boards.get(leaderboards.BUILT_KEY) and not redis_boards.exists(leaderboards.LOCK_KEY)
    state = leaderboards.last_rebuild()
    assert state.last_run_at and "boards" in state.last_run_summary


def test_entries_added_during_a_rebuild_are_replayed_after_the_swap(company, redis_boards, settings, comms,
                                                                  monkeypatch, django_capture_on_commit_callbacks):
    real_absent_ids = leaderboards._absent_ids

    def absent_ids_while_someone_earns():
        # The boards are aggregated: an entry committed now is one the rebuild's snapshot of the ledger lacks.
        with django_capture_on_commit_callbacks(execute=True):
            adjust(company["ana"], 12, "Prize", comms)
        return real_absent_ids()

    monkeypatch.setattr(leaderboards, "_absent_ids", absent_ids_while_someone_earns)
    monkeypatch.setattr(leaderboards, "_logged_in_snapshot", lambda logged: [])
    summary = leaderboards.rebuild()
    assert summary["replayed"] == 1
    assert not redis_boards.exists(leaderboards.LOG_KEY)
    monkeypatch.undo()
    leaderboards._resting_until.clear()
    assert snapshot(company["ana"])[0] == database_snapshot(company["ana"], settings)


def test_one_rebuild_at_a_time(company, redis_boards):
    redis_boards.set(leaderboards.LOCK_KEY, "someone else")
    assert leaderboards.rebuild() == {"rebuilt": False, "reason": "another rebuild is running"}
    with pytest.raises(CommandError, match="another rebuild is running"):
        call_command("rebuild_leaderboards")


def test_the_rebuild_command_reports_what_it_built(company, redis_boards, capsys):
    call_command("rebuild_leaderboards")
    assert "Rebuilt" in capsys.readouterr().out
    assert redis_boards.exists("lb:v1:people:all")


def test_the_rebuild_command_without_redis_says_there_is_nothing_to_do(company, without_redis, capsys):
    call_command("rebuild_leaderboards")
    assert "nothing to rebuild" in capsys.readouterr().out


def test_the_heal_task_rebuilds_only_stale_or_missing_boards(company, redis_boards):
    assert heal_leaderboards_task.delay().get()["rebuilt"] is True  # never built
    assert heal_leaderboards_task.delay().get() == {"rebuilt": False, "reason": "up to date"}
    leaderboards.mark_stale("a test")
    assert heal_leaderboards_task.delay().get()["rebuilt"] is True
    assert not leaderboards.is_stale()
    redis_boards.flushdb()
    assert heal_leaderboards_task.delay().get()["rebuilt"] is True
    assert rebuild_leaderboards_task.delay().get()["rebuilt"] is True


def test_writes_without_redis_touch_nothing(company, without_redis, django_capture_on_commit_callbacks,
                                            django_assert_num_queries):
    entry = PointsEntry.objects.filter(employee=company["ana"]).first()
    with django_assert_num_queries(0):
        leaderboards.entries_added([entry])
        leaderboards.forget(company["ana"])
        leaderboards.restore(company["ana"])
    assert not leaderboards.is_stale()


# --- The page ------------------------------------------------------------------------------------------------

def test_the_page_needs_a_login(client):
    response = client.get("/leaderboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_period_is_404(client, employee):
    client.force_login(employee)
    for query in ("?period=decade", "?period=", "?period=WEEK"):
        assert client.get(f"/leaderboard/{query}").status_code == 404, query


def test_the_page_shows_the_month_by_default_with_my_rank_and_how_points_are_earned(company, without_redis, client):
    client.force_login(company["luis"])
    response = client.get("/leaderboard/")
    page = response.content.decode()
    assert response.context["board"].period == "month"
    assert '<a class="nav-link active" href="?period=month" aria-current="page">' in page
    assert "May 2026" in page
    assert 'href="/profile/#leaderboard-name"' in page
    assert "Sharing a post: 10 points." in page and "at most 20 clicks per share" in page
    board = page[page.index('id="leaderboard-period"'):]  # the navigation bar names the viewer too
    assert board.index("Ana García") < board.index("Luis Ruiz")
    assert '<tr class="table-primary" aria-current="true">' in board


def test_the_page_shows_every_period(company, without_redis, client):
    client.force_login(company["ana"])
    titles = {"week": "Week of 18 May to 24 May 2026", "quarter": "Quarter 2 of 2026", "year": "2026",
              "all": "All time"}
    for period, title in titles.items():
        page = client.get(f"/leaderboard/?period={period}").content.decode()
        assert title in page, period


def test_the_page_in_spanish(company, without_redis, client):
    client.force_login(company["ana"])
    page = client.get("/leaderboard/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in page and "Mayo 2026" in page


def test_the_page_query_count_does_not_grow_with_the_ledger(company, without_redis, client, comms,
                                                           django_assert_max_num_queries):
    client.force_login(company["ana"])
    with django_assert_max_num_queries(30) as baseline:
        client.get("/leaderboard/?period=all")
    for _ in range(25):
        person = factories.AdvocateFactory(team=company["tech"])
        adjust(person, 3, "Welcome bonus", comms)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get("/leaderboard/?period=all")


def test_the_page_query_count_from_redis_does_not_grow_with_the_ledger(company, redis_boards, client, comms,
                                                                      django_assert_max_num_queries,
                                                                      django_capture_on_commit_callbacks):
    leaderboards.rebuild()
    client.force_login(company["ana"])
    with django_assert_max_num_queries(30) as baseline:
        assert client.get("/leaderboard/?period=all").context["board"].source == "redis"
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(25):
            adjust(factories.AdvocateFactory(team=company["tech"]), 3, "Welcome bonus", comms)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        assert client.get("/leaderboard/?period=all").context["board"].source == "redis"


def test_sharing_through_the_app_reaches_the_redis_board(db, redis_boards, django_capture_on_commit_callbacks):
    leaderboards.rebuild()
    ana = factories.AdvocateFactory(first_name="Ana", last_name="García")
    with django_capture_on_commit_callbacks(execute=True):
        share_post(ana, factories.PostFactory(), "linkedin")
    board = leaderboards.top(ana, "people", "all")
    assert board.rows == [leaderboards.Row(1, "Ana García", 10, True)]
    assert leaderboards.boards(ana, "all").source == "redis"


def test_old_periods_are_read_from_the_database(company, redis_boards):
    leaderboards.rebuild()
    old = leaderboards.boards(company["eva"], "week", day=TODAY - timedelta(weeks=20))
    assert old.source == "database"
    assert leaderboards.boards(company["eva"], "month", day=date(2026, 2, 1)).source == "redis"


def test_leaving_and_rejoining_the_program_moves_someone_off_and_back_on_the_boards(
        company, redis_boards, django_capture_on_commit_callbacks):
    leaderboards.rebuild()
    eva = company["eva"]
    with django_capture_on_commit_callbacks(execute=True):
        opt_out(eva)  # the service itself takes her off, once committed
    boards = leaderboards.boards(company["ana"], "all")
    assert boards.source == "redis" and "Eva Soto" not in [row.name for row in boards.people.rows]
    with django_capture_on_commit_callbacks(execute=True):
        opt_in(eva)
    boards = leaderboards.boards(company["ana"], "all")
    assert boards.source == "redis" and boards.people.rows[0].name == "Eva Soto"
