"""advocacy.dispatch: tasks sent after the commit; kept in the database while the broker cannot take them; sent,
oldest first, once it can. The broker is a real redis-server of the test's own, or a port where none listens."""

import base64
import json
import time

import pytest
import redis
from django.db import transaction

from advocacy import dispatch
from advocacy.models import PendingTask
from advocacy.tasks import forget_visitor_salts, send_pending_tasks
from rewards.badges import award_badges_task
from tests import factories
from tests.reliability.services import celery_app_on, private_redis  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

NOBODY_LISTENS = "redis://127.0.0.1:1/0"


def queued(url):
    """(task name, args) of the messages waiting on the default queue, oldest first."""
    found = []
    for raw in reversed(redis.Redis.from_url(url).lrange("celery", 0, -1)):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found.append((message["headers"]["task"], args))
    return found


@pytest.fixture
def broker_away():
    with celery_app_on(NOBODY_LISTENS):
        yield


@pytest.fixture
def broker(private_redis):  # noqa: F811
    with celery_app_on(private_redis.url):
        yield private_redis.url


def test_a_task_the_broker_cannot_take_is_kept_and_the_broker_left_alone_for_a_while(broker_away, monkeypatch):
    attempts = []
    publish = dispatch._publish
    monkeypatch.setattr(dispatch, "_publish", lambda *args: attempts.append(args[0].name) or publish(*args))
    started = time.monotonic()

    assert dispatch.send(award_badges_task, ([7],)) is False
    assert dispatch.send(award_badges_task, ([8],)) is False

    assert time.monotonic() - started < 2
    assert attempts == [award_badges_task.name]  # the second went straight to the database
    kept = list(PendingTask.objects.values_list("task", "args", "kwargs"))
    assert kept == [(award_badges_task.name, [[7]], {}), (award_badges_task.name, [[8]], {})]
    assert "Connection refused" in PendingTask.objects.first().last_error


def test_enqueue_sends_only_once_the_transaction_commits(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            dispatch.enqueue(award_badges_task, [3])
            assert queued(broker) == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert queued(broker) == [(award_badges_task.name, [[3]])]


def test_kept_tasks_are_sent_oldest_first_and_forgotten(broker):
    for employee_id in (1, 2, 3):
        PendingTask.objects.create(task=award_badges_task.name, args=[[employee_id]])

    assert dispatch.send_pending() == 3

    assert queued(broker) == [(award_badges_task.name, [[1]]), (award_badges_task.name, [[2]]),
                              (award_badges_task.name, [[3]])]
    assert not PendingTask.objects.exists()


def test_sending_the_kept_tasks_stops_at_the_first_the_broker_refuses(broker_away):
    first = PendingTask.objects.create(task=award_badges_task.name, args=[[1]])
    second = PendingTask.objects.create(task=award_badges_task.name, args=[[2]])

    assert dispatch.send_pending() == 0

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attempts, second.attempts) == (1, 0)
    assert "Connection refused" in first.last_error


def test_a_kept_task_this_version_does_not_know_stays_with_the_reason_and_the_rest_are_sent(broker):
    renamed = PendingTask.objects.create(task="advocacy.tasks.a_task_renamed_since", args=[])
    PendingTask.objects.create(task=forget_visitor_salts.name, args=[])

    assert dispatch.send_pending() == 1

    assert queued(broker) == [(forget_visitor_salts.name, [])]
    renamed.refresh_from_db()
    assert (renamed.attempts, renamed.last_error) == (1, "no such task in this version of the app")


def test_the_first_send_that_succeeds_after_an_outage_asks_for_the_kept_tasks(private_redis, broker,  # noqa: F811
                                                                              monkeypatch):
    monkeypatch.setattr(dispatch, "REST_SECONDS", 0)
    private_redis.kill()
    assert dispatch.send(award_badges_task, ([5],)) is False
    private_redis.start()

    assert dispatch.send(award_badges_task, ([6],)) is True
    assert dispatch.send(award_badges_task, ([7],)) is True

    assert queued(broker) == [(award_badges_task.name, [[6]]), (send_pending_tasks.name, []),
                              (award_badges_task.name, [[7]])]
    assert PendingTask.objects.count() == 1  # left for the worker that runs send_pending_tasks


def test_without_a_broker_tasks_run_in_process_and_nothing_is_kept():
    from advocacy.celery import app

    eager, app.conf.task_always_eager = app.conf.task_always_eager, True  # no REDIS_URL, as on a laptop
    try:
        PendingTask.objects.create(task=forget_visitor_salts.name, args=[])
        assert dispatch.send(send_pending_tasks) is True  # ran here, and sent the kept task (also run here)
    finally:
        app.conf.task_always_eager = eager
    assert not PendingTask.objects.exists()
    assert not PendingTask.objects.exists()


def test_the_operator_sees_the_tasks_waiting_for_the_broker_in_the_admin(client):
    PendingTask.objects.create(task=award_badges_task.name, args=[[42]], last_error="OperationalError: refused")
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))

    page = client.get("/admin/advocacy/pendingtask/")

    assert page.status_code == 200
    assert award_badges_task.name in page.content.decode() and "OperationalError: refused" in page.content.decode()
    assert client.get("/admin/advocacy/pendingtask/add/").status_code == 403  # read-only: sent, never typed
