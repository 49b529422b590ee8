"""Nothing lost: 200 clicks arriving at once on a real threaded server and PostgreSQL give 200 rows, and
exactly one unique click per visitor however the requests interleave."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from advocacy.models import Click
from advocacy.services import share_post
from tests import factories

CLICKS = 200
VISITORS = 20


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("group_commit", [False, True], ids=["click-by-click", "group-commit"])
def test_200_concurrent_clicks_are_200_rows(needs_postgres, live_server, settings, click_writer, group_commit):
    settings.CLICK_GROUP_COMMIT = group_commit
    settings.SITE_URL = live_server.url
    employee = factories.AdvocateFactory()
    link = share_post(employee, factories.PostFactory(), "linkedin").link

    def click(number):
        agent = (f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                 f"Chrome/142.0.{number % VISITORS}.0 Safari/537.36")
        response = requests.get(f"{live_server.url}/s/{link.code}", headers={"User-Agent": agent},
                                allow_redirects=False, timeout=30)
        return response.status_code, response.headers.get("Location")

    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(click, range(CLICKS)))

    assert answers == [(302, link.destination)] * CLICKS
    assert Click.objects.filter(link=link, is_bot=False).count() == CLICKS
    assert Click.objects.filter(link=link, is_unique=True).count() == VISITORS
    if group_commit:  # the clicks that arrived together shared commits
        assert click_writer.clicks_written == CLICKS
        assert click_writer.groups_written < CLICKS


@pytest.mark.django_db(transaction=True)
def test_a_click_survives_a_dead_database_connection(needs_postgres, client):
    """After a database restart the process's connection is dead; the click reconnects and is written."""
    from django.db import connection

    link = share_post(factories.AdvocateFactory(), factories.PostFactory(), "x").link
    client.get(f"/s/{link.code}", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Chrome/142.0 Safari/537.36")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    # What a restart does to an idle connection: the server ends it, and the process does not know yet.
    import psycopg2

    params = connection.get_connection_params()
    with psycopg2.connect(**params) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()
    response = client.get(f"/s/{link.code}", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Chrome/142.0")
    assert response.status_code == 302
    assert Click.objects.filter(link=link).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_group_settles_uniqueness_within_itself_and_against_earlier_clicks(needs_postgres):
    from django.utils import timezone

    from advocacy.clickwriter import write_group

    link = share_post(factories.AdvocateFactory(), factories.PostFactory(), "x").link
    now = timezone.now()

    def click(visitor, bot=False, referrer=""):
        return {"link_id": link.pk, "clicked_at": now, "day": timezone.localdate(now), "visitor_key": visitor,
                "referrer_domain": referrer, "is_bot": bot}

    first = write_group([click("ana", referrer="one.example"), click("bot", bot=True, referrer="two.example"),
                         click("ana", referrer="three.example"), click("luis", referrer="four.example")])
    assert [unique for _, unique in first] == [True, False, False, True]
    again = write_group([click("luis", referrer="five.example"), click("marta", referrer="six.example")])
    assert [unique for _, unique in again] == [False, True]
    # each answer is its own click's row
    stored = {click_id: (referrer, unique) for click_id, referrer, unique in
              Click.objects.filter(link=link).values_list("id", "referrer_domain", "is_unique")}
    referrers = ["one", "two", "three", "four", "five", "six"]
    assert stored == {click_id: (f"{name}.example", unique)
                      for (click_id, unique), name in zip(first + again, referrers, strict=True)}


def _click_values(link, visitor):
    from django.utils import timezone

    now = timezone.now()
    return {"link_id": link.pk, "clicked_at": now, "day": timezone.localdate(now), "visitor_key": visitor,
            "referrer_domain": "", "is_bot": False}


def _statements(queries):
    return [query["sql"].split()[0] for query in queries]


@pytest.mark.django_db(transaction=True)
def test_the_click_statement_is_prepared_once_per_database_connection(needs_postgres):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from advocacy.clickwriter import write_group

    link = share_post(factories.AdvocateFactory(), factories.PostFactory(), "x").link
    connection.close()  # a new connection, as after CONN_MAX_AGE or a reconnect
    with CaptureQueriesContext(connection) as first:
        write_group([_click_values(link, "ana")])
    with CaptureQueriesContext(connection) as then:
        write_group([_click_values(link, "ana"), _click_values(link, "luis")])
    assert _statements(first).count("PREPARE") == 1 and _statements(first)[-1] == "EXECUTE"
    assert _statements(then) == ["EXECUTE"]
    assert list(Click.objects.order_by("id").values_list("visitor_key", "is_unique")) == [
        ("ana", True), ("ana", False), ("luis", True)]


@pytest.mark.django_db(transaction=True)
def test_a_click_is_written_when_its_prepared_statement_was_dropped(needs_postgres):
    """DISCARD ALL (or DEALLOCATE) on the connection: the click is written all the same, and the next
    one prepares the statement again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from advocacy.clickwriter import write_group

    link = share_post(factories.AdvocateFactory(), factories.PostFactory(), "x").link
    write_group([_click_values(link, "ana")])
    with connection.cursor() as cursor:
        cursor.execute("DISCARD ALL")
    answer = write_group([_click_values(link, "ana")])
    assert answer == [(Click.objects.latest("id").pk, False)]
    with CaptureQueriesContext(connection) as next_click:
        write_group([_click_values(link, "luis")])
    assert "PREPARE" in _statements(next_click)
    assert list(Click.objects.order_by("id").values_list("visitor_key", "is_unique")) == [
        ("ana", True), ("ana", False), ("luis", True)]


@pytest.mark.django_db(transaction=True)
def test_without_lasting_prepared_statements_clicks_are_written_whole(needs_postgres, monkeypatch, caplog):
    """Behind a pooler in transaction mode each statement may reach another server connection, where
    the statement was never prepared: the process stops preparing it and sends it whole."""
    from django.db import connection

    from advocacy import clickwriter

    monkeypatch.setattr(clickwriter, "_use_prepared", True)
    link = share_post(factories.AdvocateFactory(), factories.PostFactory(), "x").link
    connection.close()

    def another_server_connection(execute, sql, params, many, context):
        if sql.startswith("EXECUTE"):  # what the pooler's other connection knows of it: nothing
            with context["connection"].connection.cursor() as raw:
                raw.execute(f"DEALLOCATE {clickwriter._GROUP_STATEMENT}")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(another_server_connection):
        first = clickwriter.write_group([_click_values(link, "ana"), _click_values(link, "ana")])
        again = clickwriter.write_group([_click_values(link, "luis")])
    assert [unique for _, unique in first + again] == [True, False, True]
    assert Click.objects.filter(link=link).count() == 3
    assert clickwriter._use_prepared is False
    assert "clicks are written without them" in caplog.text
