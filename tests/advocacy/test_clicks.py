import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advocacy.models import Click, DailySalt
from advocacy.services import share_post, visitor_key

pytestmark = pytest.mark.django_db

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.0 Mobile/15E148 Safari/604.1")
BOTS = [
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Twitterbot/1.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp/2.23.20.0",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
]


@pytest.fixture
def link(employee, live_post):
    return share_post(employee, live_post, "linkedin").link


def test_tracked_link_redirects_to_the_destination_with_utm(client, link):
    response = client.get(f"/s/{link.code}", HTTP_USER_AGENT=CHROME)
    assert response.status_code == 302
    assert response["Location"] == link.destination
    assert "utm_medium=employee_advocacy" in response["Location"]
    click = Click.objects.get()
    assert (click.is_bot, click.is_unique) == (False, True)


def test_nothing_in_the_request_changes_where_the_link_goes(client, link):
    for attempt in ["?next=https://evil.example", "?url=//evil.example", "/../evil", "?utm_source=evil"]:
        response = client.get(f"/s/{link.code}{attempt}", HTTP_USER_AGENT=CHROME,
                              HTTP_HOST="testserver", HTTP_REFERER="https://evil.example/")
        if response.status_code == 302:
            assert response["Location"] == link.destination
        else:
            assert response.status_code == 404


def test_unknown_code_is_a_404_page_in_the_sites_style(client, db):
    response = client.get("/s/doesnotexist", HTTP_USER_AGENT=CHROME)
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert not Click.objects.exists()


def test_expired_post_links_still_redirect(client, link):
    from django.utils import timezone

    link.post.expires_at = timezone.now() - timezone.timedelta(minutes=1)
    link.post.publish_at = timezone.now() - timezone.timedelta(days=3)
    link.post.save()
    assert client.get(f"/s/{link.code}", HTTP_USER_AGENT=CHROME).status_code == 302


@pytest.mark.parametrize("agent", BOTS)
def test_bots_and_previews_are_redirected_but_not_counted(client, link, agent):
    response = client.get(f"/s/{link.code}", HTTP_USER_AGENT=agent)
    assert response.status_code == 302
    click = Click.objects.get()
    assert click.is_bot and not click.is_unique


def test_each_user_agent_is_matched_against_the_crawler_list_once(client, link, monkeypatch):
    from advocacy import services

    services._is_crawler.cache_clear()
    matched = []
    real = services._crawler_detect.isCrawler
    monkeypatch.setattr(services._crawler_detect, "isCrawler", lambda agent: matched.append(agent) or real(agent))
    for agent in [CHROME, BOTS[0], CHROME, IPHONE, BOTS[0], CHROME]:
        assert client.get(f"/s/{link.code}", HTTP_USER_AGENT=agent).status_code == 302
    assert matched == [CHROME, BOTS[0], IPHONE]  # the repeats were answered from memory, the same way
    assert list(Click.objects.order_by("id").values_list("is_bot", flat=True)) == [
        False, True, False, False, True, False]
    services._is_crawler.cache_clear()  # no decision made with the patched matcher outlives the test


def test_head_requests_and_prefetches_are_not_counted(client, link):
    assert client.head(f"/s/{link.code}", HTTP_USER_AGENT=CHROME).status_code == 302
    assert client.get(f"/s/{link.code}", HTTP_USER_AGENT=CHROME, HTTP_SEC_PURPOSE="prefetch").status_code == 302
    assert list(Click.objects.values_list("is_bot", flat=True)) == [True, True]


def test_a_visitor_counts_once_a_day_but_every_click_is_kept(client, link):
    for _ in range(3):
        client.get(f"/s/{link.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR="203.0.113.7")
    client.get(f"/s/{link.code}", HTTP_USER_AGENT=IPHONE, REMOTE_ADDR="203.0.113.7")
    client.get(f"/s/{link.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR="203.0.113.8")
    assert Click.objects.filter(is_bot=False).count() == 5
    assert Click.objects.filter(is_unique=True).count() == 3


def test_behind_a_trusted_proxy_each_visitor_counts_apart(client, link, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # one reverse proxy that appends the address it saw
    proxy = "10.0.0.2"
    for visitor in ["198.51.100.1", "198.51.100.2", "198.51.100.2"]:
        client.get(f"/s/{link.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=visitor)
    # What a visitor writes in the header before the proxy's entry is not believed.
    client.get(f"/s/{link.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR=proxy,
               HTTP_X_FORWARDED_FOR="203.0.113.50, 198.51.100.1")
    assert Click.objects.filter(is_bot=False).count() == 4
    assert Click.objects.filter(is_unique=True).count() == 2


def test_without_a_trusted_proxy_a_forwarded_header_cannot_make_new_visitors(client, link, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for forged in ["198.51.100.1", "198.51.100.2", "198.51.100.3"]:
        client.get(f"/s/{link.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=forged)
    assert Click.objects.filter(is_unique=True).count() == 1


def test_raw_ip_is_never_stored(client, link):
    client.get(f"/s/{link.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR="203.0.113.99",
               HTTP_REFERER="https://www.linkedin.com/feed/")
    click = Click.objects.get()
    stored = " ".join(str(value) for value in Click.objects.values().get().values())
    assert "203.0.113.99" not in stored
    assert click.referrer_domain == "www.linkedin.com"
    assert len(click.visitor_key) == 64


def test_the_visitor_key_changes_with_the_day(db):
    from datetime import date

    monday = visitor_key("203.0.113.7", CHROME, date(2026, 11, 23))
    assert monday == visitor_key("203.0.113.7", CHROME, date(2026, 11, 23))
    assert monday != visitor_key("203.0.113.7", CHROME, date(2026, 11, 24))
    assert DailySalt.objects.count() == 2


def test_the_redirect_costs_one_write_per_click(client, link, employee, live_post):
    from django.utils import timezone

    visitor_key("192.0.2.1", CHROME, timezone.localdate())  # today's salt: made once a day, then remembered
    # On PostgreSQL the click statement is prepared once per database connection: let another link's
    # click do that first, so what is counted below is what every click costs.
    other = share_post(employee, live_post, "x").link
    client.get(f"/s/{other.code}", HTTP_USER_AGENT=CHROME)
    write = "EXECUTE" if connection.vendor == "postgresql" else "INSERT"
    with CaptureQueriesContext(connection) as first:
        client.get(f"/s/{link.code}", HTTP_USER_AGENT=CHROME)
    # the link's look-up (then remembered by the process) and the insert
    assert [query["sql"].split()[0] for query in first] == ["SELECT", write]
    with CaptureQueriesContext(connection) as again:
        client.get(f"/s/{link.code}", HTTP_USER_AGENT=CHROME)
    # a repeat visitor: the unique insert does nothing (no error, no rollback), then a plain insert; on
    # PostgreSQL both are one statement
    repeat = [write] if connection.vendor == "postgresql" else ["INSERT", "INSERT"]
    assert [query["sql"].split()[0] for query in again] == repeat
    with CaptureQueriesContext(connection) as bot:
        client.get(f"/s/{link.code}", HTTP_USER_AGENT="Twitterbot/1.0")
    assert len(bot) == 1
    assert list(Click.objects.filter(link=link).order_by("id").values_list("is_unique", "is_bot")) == [
        (True, False), (False, False), (False, True)]


def test_a_link_minted_after_an_unknown_code_was_asked_for_works(client, employee, live_post):
    assert client.get("/s/notyetmade", HTTP_USER_AGENT=CHROME).status_code == 404
    link = share_post(employee, live_post, "x").link
    TrackedLink = type(link)
    TrackedLink.objects.filter(pk=link.pk).update(code="notyetmade")
    assert client.get("/s/notyetmade", HTTP_USER_AGENT=CHROME).status_code == 302


def test_uniqueness_follows_the_daily_key_rotation(link):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from advocacy.services import record_click

    madrid = ZoneInfo("Europe/Madrid")
    visit = {"ip": "203.0.113.7", "user_agent": CHROME, "referrer": "", "method": "GET", "headers": {}}
    before_midnight = datetime(2026, 11, 23, 23, 59, 30, tzinfo=madrid)
    after_midnight = datetime(2026, 11, 24, 0, 0, 30, tzinfo=madrid)

    first = record_click(link.pk, now=before_midnight, **visit)
    again_same_day = record_click(link.pk, now=before_midnight, **visit)
    next_day = record_click(link.pk, now=after_midnight, **visit)
    again_next_day = record_click(link.pk, now=after_midnight, **visit)

    assert [c.is_unique for c in (first, again_same_day, next_day, again_next_day)] == [True, False, True, False]
    assert first.visitor_key == again_same_day.visitor_key != next_day.visitor_key  # the key rotated
    assert (first.day.isoformat(), next_day.day.isoformat()) == ("2026-11-23", "2026-11-24")
