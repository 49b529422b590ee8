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
def test_200_concurrent_clicks_are_200_rows(needs_postgres, live_server, settings):
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
