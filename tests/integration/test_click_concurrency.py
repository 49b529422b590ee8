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

    def click(visitor, bot=False):
        return {"link_id": link.pk, "clicked_at": now, "day": timezone.localdate(now), "visitor_key": visitor,
                "referrer_domain": "", "is_bot": bot}

    first = write_group([click("ana"), click("bot", bot=True), click("ana"), click("luis")])
    assert [unique for _, unique in first] == [True, False, False, True]
    again = write_group([click("luis"), click("marta")])
    assert [unique for _, unique in again] == [False, True]
    stored = dict(Click.objects.filter(link=link).values_list("id", "is_unique"))
    assert stored == {click_id: unique for click_id, unique in first + again}
