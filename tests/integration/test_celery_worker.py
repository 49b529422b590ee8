"""A real Celery worker process, on Redis and PostgreSQL, runs the rollup and its effect lands in the database."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from advocacy.celery import app as celery_app
from advocacy.services import share_post
from metrics.models import DailyStat, FillState
from metrics.tasks import roll_up_daily_stats
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def database_url_for_current_connection(conn):
    """The URL of the database the tests run in (pytest-django's test_… database)."""
    params = conn.settings_dict
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    return f"postgres://{credentials}{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}/{params['NAME']}"


@pytest.fixture
def worker(needs_postgres, needs_redis, transactional_db):
    """Start `celery worker` on a queue of its own, pointed at the test database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_current_connection(connection),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "advocacy.settings",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "advocacy", "worker", "--pool=solo", "-Q", queue,
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = settings.REDIS_URL
    celery_app.conf.result_backend = settings.REDIS_URL
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager = eager
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output[-4000:])


def test_a_real_worker_rolls_up_shares_and_clicks(worker, client):
    employee = factories.AdvocateFactory()
    link = share_post(employee, factories.PostFactory(), "linkedin").link
    client.get(f"/s/{link.code}", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36")
    assert not DailyStat.objects.exists()

    result = roll_up_daily_stats.apply_async(queue=worker)
    outcome = result.get(timeout=60)

    assert "row(s)" in outcome["summary"]
    row = DailyStat.objects.get()
    assert (row.employee_id, row.shares, row.clicks, row.unique_clicks, row.potential_reach) == (
        employee.pk, 1, 1, 1, 500)
    assert FillState.objects.get(name="daily_stats").last_run_at is not None
