"""A Celery worker killed with SIGKILL in the middle of the KPI rollup: the task is handed out again and run to
the end, and every share, click and point is counted exactly once.

The rollup (metrics.tasks.roll_up_daily_stats) is made to stop at a known point without changing it: the test
holds a lock on the points ledger, so the worker blocks inside today's transaction, after the earlier days were
committed and while today's daily counts are rewritten but not committed. The worker is killed there. Two ways a
worker dies are tried, on a private Redis as broker:

- the whole worker (a solo worker, as when a container or a node dies): the task stays unacknowledged in Redis
  (tasks are acked late) and a new worker gets it once the broker's visibility timeout has passed (an hour in
  production, seconds here);
- the pool process running the task (prefork, as when the kernel's OOM killer picks it): the worker sees it die
  and puts the task back at once (reject_on_worker_lost), and a fresh pool process runs it.
"""

import os
import signal
from datetime import timedelta

import psycopg2
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from advocacy import tasks as advocacy_tasks
from advocacy.celery import app as celery_app

from advocacy.models import Share
from advocacy.services import record_click, share_post
from metrics import tasks as metrics_tasks
from metrics.models import DailyStat, FillState, JobRun
from metrics.tasks import roll_up_daily_stats
from rewards.models import PointsEntry
from tests import factories
from tests.reliability.services import (
    BROWSER,
    app_environment,
    celery_app_on,
    celery_worker,
    child_pids,
    database_url,
    private_redis,  # noqa: F401 (a fixture)
    wait_for,
)

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

# Short, so a new worker takes the dead worker's task over within seconds; longer than the rerun itself takes,
# so the new worker never hands its own run out a second time.
TEST_VISIBILITY_TIMEOUT = 6
FAST_RESTORE = {"visibility_timeout": TEST_VISIBILITY_TIMEOUT, "unacked_restore_interval": 1,
                "unacked_restore_throttle": 1}


def our_tasks():
    celery_app.loader.import_default_modules()  # every app's tasks module, as a worker loads them
    return [task for name, task in celery_app.tasks.items()
            if name.split(".")[0] in {"advocacy", "content_library", "guidelines", "metrics", "rewards"}]


def test_every_task_is_acknowledged_only_once_done_and_put_back_if_its_process_dies():
    ours = our_tasks()
    assert len(ours) >= 15
    assert [task.name for task in ours if not (task.acks_late and task.reject_on_worker_lost)] == []


def test_redis_hands_a_task_out_again_only_after_the_longest_a_worker_may_hold_one():
    """A retried task waits for its countdown in the worker, unacknowledged: past the visibility timeout Redis would
    hand it to a second worker, and it would run twice."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    waits = {"advocacy rate-limit wait": advocacy_tasks.MAX_RATE_LIMIT_WAIT,
             "metrics rate-limit wait": metrics_tasks.MAX_RATE_LIMIT_WAIT}
    waits.update({task.name: getattr(task, "retry_backoff_max", 600) for task in our_tasks()
                  if getattr(task, "retry_backoff", False)})
    assert max(waits.values()) < visibility, waits
    assert visibility <= 3600  # and a killed worker's task still comes back within the hour


@pytest.fixture
def broker(private_redis, needs_postgres, transactional_db):  # noqa: F811
    with celery_app_on(private_redis.url):
        yield private_redis


@pytest.fixture
def worker_env(broker, settings):
    return app_environment(DATABASE_URL=database_url(settings.DATABASES["default"]), REDIS_URL=broker.url)


@pytest.fixture
def activity():
    """Three days ago a share; today a share with three visitors' clicks (one of them twice) and a bot's."""
    employee = factories.AdvocateFactory()
    old = share_post(employee, factories.PostFactory(), "linkedin").share
    Share.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    old.refresh_from_db()
    today = share_post(employee, factories.PostFactory(), "linkedin")
    for ip in ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.1"]:
        record_click(today.link.pk, ip=ip, user_agent=BROWSER, referrer="", method="GET", headers={})
    record_click(today.link.pk, ip="203.0.113.9", user_agent="LinkedInBot/1.0 (compatible; Mozilla/5.0)",
                 referrer="", method="GET", headers={})
    return employee, old, today.share


class LedgerLock:
    """The points ledger locked against inserts, from a connection of the test's own."""

    def __init__(self):
        self.connection = psycopg2.connect(database_url(connection.settings_dict))
        with self.connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{PointsEntry._meta.db_table}" IN SHARE MODE')

    def waiting_backend(self):
        """The pid of a database session blocked on the lock (the worker, inside its transaction), or None."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_locks WHERE relation = %s::regclass AND NOT granted",
                           [PointsEntry._meta.db_table])
            row = cursor.fetchone()
        return row and row[0]

    def release(self):
        self.connection.rollback()
        self.connection.close()


def assert_counted_once(employee, old_share, new_share):
    today = timezone.localdate()
    rows = {(row.day, row.post_id): row for row in DailyStat.objects.all()}
    assert len(rows) == 2
    old = rows[timezone.localdate(old_share.created_at), old_share.post_id]
    new = rows[today, new_share.post_id]
    assert (old.shares, old.clicks, old.unique_clicks, old.potential_reach) == (1, 0, 0, 500)
    assert (new.shares, new.clicks, new.unique_clicks, new.potential_reach) == (1, 4, 3, 500)
    ledger = PointsEntry.objects.filter(employee=employee)
    assert ledger.filter(reason=PointsEntry.Reason.SHARE).count() == 2
    assert ledger.filter(reason=PointsEntry.Reason.UNIQUE_CLICK).count() == 3
    assert sum(ledger.values_list("points", flat=True)) == 2 * 10 + 3 * 1


def block_the_rollup(worker):
    """Start the rollup on `worker` and wait until it blocks inside today's transaction; returns (result, lock)."""
    lock = LedgerLock()
    try:
        result = roll_up_daily_stats.apply_async()
        wait_for(lock.waiting_backend, 60, what="the rollup to block on the ledger inside its transaction")
    except BaseException:
        print(worker.log())
        lock.release()
        raise
    # Only the days before today were committed; today's rewrite is in the worker's open transaction.
    assert list(DailyStat.objects.values_list("day", flat=True)) == [timezone.localdate() - timedelta(days=3)]
    assert not PointsEntry.objects.filter(reason=PointsEntry.Reason.UNIQUE_CLICK).exists()
    return result, lock


def test_a_worker_killed_mid_rollup_has_its_task_run_again_by_a_new_worker(broker, worker_env, activity, tmp_path):
    employee, old_share, new_share = activity
    with celery_worker(worker_env, tmp_path, name="doomed") as doomed:
        doomed.wait_until_ready()
        result, lock = block_the_rollup(doomed)
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.process.wait(timeout=20)
    lock.release()  # the dead worker's session gives up its transaction: nothing of today was committed

    unacked = redis.Redis.from_url(broker.url)
    assert unacked.hlen("unacked") == 1  # taken, never acknowledged: still the broker's
    assert not DailyStat.objects.filter(day=timezone.localdate()).exists()

    with celery_worker(worker_env, tmp_path, name="heir", transport_options=FAST_RESTORE) as heir:
        outcome = result.get(timeout=120)
        assert heir.received(result.id) >= 1

    assert "row(s)" in outcome["summary"]
    assert unacked.hlen("unacked") == 0
    assert_counted_once(employee, old_share, new_share)
    assert FillState.objects.get(name="daily_stats").last_run_at is not None
    assert JobRun.objects.filter(task_id=result.id, state=JobRun.State.SUCCEEDED).count() == 1


def test_a_pool_process_killed_mid_rollup_has_its_task_put_back_and_run_again(worker_env, activity, tmp_path):
    employee, old_share, new_share = activity
    # Production's visibility timeout (an hour): the task comes back because the worker saw its process die.
    with celery_worker(worker_env, tmp_path, name="prefork", pool="prefork", concurrency=1) as worker:
        worker.wait_until_ready()
        result, lock = block_the_rollup(worker)
        [pool_process] = child_pids(worker.pid)
        os.kill(pool_process, signal.SIGKILL)
        lock.release()
        outcome = result.get(timeout=120)
        assert worker.process.poll() is None  # the worker itself lived on
        assert "exited with 'signal 9 (SIGKILL)'" in worker.log()
        assert worker.received(result.id) == 2  # put back on the broker's queue at once, and taken again

    assert "row(s)" in outcome["summary"]
    assert_counted_once(employee, old_share, new_share)
    assert JobRun.objects.filter(task_id=result.id, state=JobRun.State.SUCCEEDED).count() == 1
