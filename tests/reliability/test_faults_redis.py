"""Redis stopped under the app: a private redis-server (the app's cache, broker and leaderboards) is killed, stopped
or frozen while an employee shares and a visitor clicks. Shares and clicks are still recorded, every page answers
quickly, the leaderboard is read from the database, and the work asked for meanwhile (kept in the database by
advocacy.dispatch) is done by a real worker once Redis is back."""

import json
import signal
import subprocess
import sys
import time

import pytest
from django.test import Client
from django.utils import timezone

from advocacy import dispatch
from advocacy.models import Click, PendingTask, Share, TrackedLink
from metrics.selectors import Month
from rewards import leaderboards
from rewards.badges import award_badges_task
from rewards.models import Badge, BadgeAward, PointsEntry
from rewards.tasks import heal_leaderboards_task
from tests import factories
from tests.reliability.services import (
    BROWSER,
    ROOT,
    app_environment,
    celery_app_on,
    celery_worker,
    database_url,
    private_redis,  # noqa: F401 (a fixture)
    redis_cache_settings,
    wait_for,
)

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

# The most a page may take while Redis is away (one short timeout, then the processes leave Redis alone).
PAGE_SECONDS = 3.0


@pytest.fixture
def app_on_private_redis(private_redis, settings, needs_postgres, transactional_db):  # noqa: F811
    """The app's Redis (cache, broker, leaderboards, health check) is the test's own redis-server."""
    settings.REDIS_URL = private_redis.url
    settings.CACHES = redis_cache_settings(private_redis.url)
    with celery_app_on(private_redis.url):
        yield private_redis


@pytest.fixture
def people(roles_from_migrations):
    team = factories.TeamFactory(name="Madrid office")
    employee = factories.AdvocateFactory(team=team)
    manager = factories.UserFactory(roles=["manager"])
    team.managers.add(manager)
    return employee, manager


def timed(timings, label, request, *args, **kwargs):
    started = time.monotonic()
    response = request(*args, **kwargs)
    timings[label] = round(time.monotonic() - started, 3)
    return response


def test_the_cache_under_test_is_the_one_the_settings_build_for_redis():
    """The fixture's CACHES mirror what advocacy/settings.py builds from REDIS_URL (timeouts included)."""
    url = "redis://127.0.0.1:6390/3"
    printed = subprocess.run(
        [sys.executable, "-c", "import json; from django.conf import settings; print(json.dumps(settings.CACHES))"],
        cwd=ROOT, env=app_environment(REDIS_URL=url), capture_output=True, text=True, timeout=60, check=True)
    built = json.loads(printed.stdout.strip().splitlines()[-1])["default"]
    expected = redis_cache_settings(url)["default"]
    assert {**built, "KEY_PREFIX": "faults"} == expected


@pytest.mark.parametrize("fault", ["SIGKILL", "SIGTERM", "SIGSTOP"])
def test_with_redis_away_pages_answer_and_shares_and_clicks_are_recorded(app_on_private_redis, people, fault):
    redis_server = app_on_private_redis
    employee, manager = people
    post = factories.PostFactory()
    leaderboards.rebuild()
    advocate, boss, visitor = Client(), Client(), Client()
    advocate.force_login(employee)
    boss.force_login(manager)
    assert advocate.get("/leaderboard/").context["board"].source == "redis"

    if fault == "SIGSTOP":  # frozen: connections open, nothing answers (the timeouts are what is tested)
        redis_server.process.send_signal(signal.SIGSTOP)
    else:
        redis_server.kill(getattr(signal, fault))
    timings = {}
    try:
        dashboard = timed(timings, "dashboard", advocate.get, "/")
        shared = timed(timings, "share", advocate.post, f"/posts/{post.pk}/share/linkedin/")
        link = TrackedLink.objects.get(employee=employee, post=post)
        click = timed(timings, "click", visitor.get, f"/s/{link.code}", HTTP_USER_AGENT=BROWSER)
        board = timed(timings, "leaderboard", advocate.get, "/leaderboard/")
        report = timed(timings, "report", boss.get, f"/reports/{Month.containing(timezone.localdate())}/")
        health = timed(timings, "healthz", visitor.get, "/healthz")
        signing_in = Client()
        sign_in = timed(timings, "sign-in", signing_in.post, "/accounts/login/",
                        {"login": manager.email, "password": factories.PASSWORD})
    finally:
        if fault == "SIGSTOP":
            redis_server.process.send_signal(signal.SIGCONT)
    print(f"Redis {fault}: seconds per request {timings}")

    assert dashboard.status_code == 200
    assert shared.status_code == 302 and shared["Location"].startswith("https://www.linkedin.com/")
    assert Share.objects.filter(employee=employee, post=post, network="linkedin").count() == 1
    assert PointsEntry.objects.filter(employee=employee, reason=PointsEntry.Reason.SHARE).count() == 1
    assert click.status_code == 302
    assert Click.objects.filter(link=link, is_bot=False).count() == 1
    assert board.status_code == 200
    assert board.context["board"].source == "database"
    assert [(row.name, row.points) for row in board.context["board"].people.rows] == [(employee.display_name, 10)]
    assert report.status_code == 200 and "shares" in report.context["report"].figures
    assert health.status_code == 200
    assert json.loads(health.content)["database"] == "ok"
    assert json.loads(health.content)["broker"].startswith("error")
    assert sign_in.status_code == 302 and "_auth_user_id" in signing_in.session
    # The badge check the share asked for waits in the database, not in a Redis that is away.
    assert list(PendingTask.objects.values_list("task", "args")) == [(award_badges_task.name, [[employee.pk]])]
    assert max(timings.values()) < PAGE_SECONDS, timings


def test_work_asked_for_while_redis_was_down_is_done_once_it_is_back(
        app_on_private_redis, people, monkeypatch, tmp_path, settings):
    redis_server = app_on_private_redis
    employee, _manager = people
    first, second = factories.PostFactory(), factories.PostFactory()
    leaderboards.rebuild()
    advocate = Client()
    advocate.force_login(employee)
    # After a failure each process leaves Redis alone for a while; shortened so the test need not wait.
    monkeypatch.setattr(dispatch, "REST_SECONDS", 1)
    monkeypatch.setattr(leaderboards, "REST_SECONDS", 1)

    redis_server.kill(signal.SIGKILL)
    assert advocate.post(f"/posts/{first.pk}/share/linkedin/").status_code == 302
    assert PendingTask.objects.count() == 1
    assert not BadgeAward.objects.exists()
    assert advocate.get("/leaderboard/").context["board"].source == "database"

    redis_server.start()  # same port, same append-only file
    env = app_environment(DATABASE_URL=database_url(settings.DATABASES["default"]), REDIS_URL=redis_server.url)
    with celery_worker(env, tmp_path, name="after-redis") as worker:
        worker.wait_until_ready()
        time.sleep(dispatch.REST_SECONDS)  # this process leaves the broker alone that long after a failure
        # The next share reaches the broker, and with it the request to send what waited.
        assert advocate.post(f"/posts/{second.pk}/share/linkedin/").status_code == 302

        wait_for(lambda: not PendingTask.objects.exists(), 60, what="the kept task to be sent")
        wait_for(lambda: BadgeAward.objects.filter(employee=employee, badge=Badge.FIRST_SHARE).exists(), 60,
                 what="the worker to award the first-share badge")
        assert "advocacy.tasks.send_pending_tasks" in worker.log()
        healed = heal_leaderboards_task.apply_async().get(timeout=60)

    assert healed["rebuilt"] is True  # the boards had missed the outage's points: rebuilt from the ledger
    board = advocate.get("/leaderboard/").context["board"]
    assert board.source == "redis"
    assert [(row.name, row.points) for row in board.people.rows] == [(employee.display_name, 20)]
    # Two shares of 500 followers each: the first-share badge and the 1,000-reach badge, each once.
    assert sorted(BadgeAward.objects.filter(employee=employee).values_list("badge", flat=True)) == sorted(
        [Badge.FIRST_SHARE, Badge.REACH_1000])
    assert not PendingTask.objects.exists()
