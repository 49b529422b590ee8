"""The tracked link under load: 64 keep-alive connections for 30 seconds against a real gunicorn (the project's
production settings, threaded workers, the click writer's group commit) on the tests' PostgreSQL database, from
a browser's user agent. Every request gets its 302, and every redirect served is a click recorded: the rows
added to the click table equal the redirects counted by the load generator, one of them unique (one visitor)."""

import os
import secrets

import pytest
from django.conf import settings
from django.db import connection

from advocacy.models import Click
from advocacy.services import share_post
from tests import factories
from tests.reliability.services import HOST, app_environment, database_url, gunicorn, load

pytestmark = pytest.mark.postgres

CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "64"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
# Two workers of eight threads: 16 database sessions and two click writers, kept small because the tests'
# PostgreSQL is shared (docker-compose.yml runs 3 x 16 on a server of its own).
WORKERS, THREADS = 2, 8


@pytest.fixture
def link(needs_postgres, transactional_db):
    return share_post(factories.AdvocateFactory(), factories.PostFactory(), "linkedin").link


def test_every_redirect_served_under_load_is_a_click_recorded(link, tmp_path):
    env = app_environment(DATABASE_URL=database_url(connection.settings_dict), REDIS_URL=settings.REDIS_URL,
                          DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS=HOST,
                          STATIC_ROOT=tmp_path / "static", CLICK_GROUP_COMMIT="1")
    before = Click.objects.filter(link=link).count()
    with gunicorn(env, tmp_path, workers=WORKERS, threads=THREADS, name="load") as server:
        result = load(server.port, f"/s/{link.code}", connections=CONNECTIONS, seconds=SECONDS)
        log = server.log()
    clicks = Click.objects.filter(link=link)
    added = clicks.count() - before
    print(f"{CONNECTIONS} connections, {result.seconds:.1f} s: {result.responses} responses "
          f"({result.responses / result.seconds:.0f}/s), statuses {result.statuses}, errors {result.errors}, "
          f"p50 {result.percentile(0.5) * 1000:.1f} ms, p99 {result.percentile(0.99) * 1000:.1f} ms; "
          f"clicks added {added}")

    assert result.errors == {}, log
    assert set(result.statuses) == {302}, (result.statuses, log)
    assert result.redirects > 1000  # a real load, not a handful of requests
    assert added == result.redirects
    assert clicks.filter(is_bot=False).count() == added
    assert clicks.filter(is_unique=True).count() == 1
    assert "could not record a click" not in log
