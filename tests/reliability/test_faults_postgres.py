"""PostgreSQL restarted, and then crashed, under a running site: gunicorn (the project's production settings, DEBUG
off, threaded as docker-compose.yml runs it) serves an employee and a visitor from a private PostgreSQL cluster,
which is restarted (pg_ctl restart -m fast) and later stopped the hard way (-m immediate, a crash) and started
again. The same gunicorn processes go on serving: the next requests after each return succeed, with no restart of
the app. While the database is away, pages answer 503 at once (Retry-After) instead of hanging, /healthz says 503,
and a click on a link the process knows still redirects the visitor (that click cannot be recorded: there is
nowhere durable to write it)."""

import re
import secrets
import subprocess
import sys
import time

import psycopg2
import pytest
import requests
from django.db import connection

from tests import factories
from tests.reliability.services import (
    BROWSER,
    HOST,
    ROOT,
    app_environment,
    database_url,
    gunicorn,
    private_postgres,  # noqa: F401 (a fixture)
    wait_for,
)

pytestmark = pytest.mark.postgres

# A request while the database is away must be answered within this (no hanging on a dead connection).
OUTAGE_ANSWER_SECONDS = 10


class Browser:
    """An employee's browser: signs in through allauth's form, keeps cookies, sends the CSRF token."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["User-Agent"] = BROWSER
        self.session.trust_env = False  # never through a proxy: this is 127.0.0.1

    def _plain_http(self, response):
        # DEBUG off marks the session and CSRF cookies Secure; this test speaks plain http to 127.0.0.1.
        for cookie in self.session.cookies:
            cookie.secure = False
        return response

    def get(self, path, **kwargs):
        return self._plain_http(self.session.get(self.base_url + path, allow_redirects=False, timeout=60, **kwargs))

    def post(self, path, data=None):
        return self._plain_http(self.session.post(
            self.base_url + path, data=data or {}, allow_redirects=False, timeout=60,
            headers={"X-CSRFToken": self.session.cookies.get("csrftoken", "")}))

    def sign_in(self, email, password):
        form = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        answer = self.post("/accounts/login/", {"login": email, "password": password, "csrfmiddlewaretoken": token})
        assert answer.status_code == 302, answer.text[:2000]


def timed(log, label, request, *args, **kwargs):
    started = time.monotonic()
    response = request(*args, **kwargs)
    log.append((label, response.status_code, round(time.monotonic() - started, 3)))
    return response


def tracked_code(share_response):
    """The tracked link's code, from the share intent the share answered with."""
    assert share_response.status_code == 302, share_response.text[:2000]
    return re.search(r"%2Fs%2F([A-Za-z0-9]+)", share_response.headers["Location"]).group(1)


@pytest.fixture
def site(private_postgres, needs_postgres, transactional_db, tmp_path):  # noqa: F811
    """gunicorn on the private cluster, holding a copy of an employee, four live posts and the roles."""
    employee = factories.AdvocateFactory()
    posts = [factories.PostFactory() for _ in range(4)]
    private_postgres.create_database_from(database_url(connection.settings_dict), "advocacy")
    production = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": HOST,
                  "STATIC_ROOT": tmp_path / "static", "MEDIA_ROOT": tmp_path / "media", "REDIS_URL": "",
                  "DATABASE_URL": private_postgres.url("advocacy")}
    env = app_environment(**production)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=300)
    with gunicorn(env, tmp_path, workers=1, threads=4) as server:
        yield server, private_postgres, employee, posts


def count(cluster, table):
    with psycopg2.connect(cluster.url("advocacy"), connect_timeout=5) as database, database.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        return cursor.fetchone()[0]


def test_the_site_recovers_from_a_database_restart_and_a_crash_without_restarting(site):
    server, cluster, employee, posts = site
    pids = server.pids()
    employee_browser, visitor = Browser(server.base_url), Browser(server.base_url)
    log = []

    employee_browser.sign_in(employee.email, factories.PASSWORD)
    assert timed(log, "dashboard", employee_browser.get, "/").status_code == 200
    code = tracked_code(timed(log, "share", employee_browser.post, f"/posts/{posts[0].pk}/share/linkedin/"))
    assert timed(log, "click", visitor.get, f"/s/{code}").status_code == 302
    assert (count(cluster, "advocacy_share"), count(cluster, "advocacy_click")) == (1, 1)

    # 1. A restart: every connection the app held is gone. The next requests reconnect.
    cluster.restart("fast")
    log.append(("-- pg_ctl restart -m fast", None, None))
    assert timed(log, "dashboard", employee_browser.get, "/").status_code == 200
    assert timed(log, "click", visitor.get, f"/s/{code}").status_code == 302  # the click writer's own connection
    second = tracked_code(timed(log, "share", employee_browser.post, f"/posts/{posts[1].pk}/share/linkedin/"))
    assert (count(cluster, "advocacy_share"), count(cluster, "advocacy_click")) == (2, 2)

    # 2. A crash: the database is away until started again.
    cluster.stop("immediate")
    log.append(("-- pg_ctl stop -m immediate", None, None))
    during = {
        "dashboard": timed(log, "dashboard", employee_browser.get, "/"),
        "share": timed(log, "share", employee_browser.post, f"/posts/{posts[2].pk}/share/linkedin/"),
        "click": timed(log, "click", visitor.get, f"/s/{code}"),
        "healthz": timed(log, "healthz", visitor.get, "/healthz"),
    }
    for label in ("dashboard", "share"):
        assert during[label].status_code == 503, (label, during[label].text[:500])
        assert during[label].headers["Retry-After"] == "30"
        assert "briefly unavailable" in during[label].text
    assert during["click"].status_code == 302  # the visitor still gets where the link goes
    assert during["healthz"].status_code == 503 and during["healthz"].json()["database"].startswith("error")
    assert all(seconds < OUTAGE_ANSWER_SECONDS for _label, status, seconds in log if seconds is not None), log

    started = time.monotonic()
    cluster.start()
    log.append(("-- pg_ctl start (crash recovery)", None, round(time.monotonic() - started, 3)))
    wait_for(lambda: visitor.get("/healthz").status_code == 200, 30, interval=0.1, what="/healthz to say 200")
    log.append(("-- /healthz 200 again after", None, round(time.monotonic() - started, 3)))
    assert timed(log, "dashboard", employee_browser.get, "/").status_code == 200
    assert timed(log, "click", visitor.get, f"/s/{second}").status_code == 302
    tracked_code(timed(log, "share", employee_browser.post, f"/posts/{posts[3].pk}/share/linkedin/"))
    print("requests (what, status, seconds):", *log, sep="\n  ")

    # Everything answered while the database was up is recorded; nothing of the outage was half-written.
    assert count(cluster, "advocacy_share") == 3
    assert count(cluster, "advocacy_click") == 3
    assert server.pids() == pids  # the same master and worker: nothing was restarted
    assert server.log_path.read_text(errors="replace").count("Booting worker") == 1
