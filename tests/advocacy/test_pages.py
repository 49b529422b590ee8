import re

import pytest
from django.urls import reverse

from advocacy.services import share_post
from tests import factories

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def button_names(page):
    """The accessible name of every button: its text, hidden or not, with whitespace collapsed."""
    names = []
    for inner in re.findall(r"<button[^>]*>(.*?)</button>", page, flags=re.S):
        names.append(" ".join(re.sub(r"<[^>]+>", " ", inner).split()))
    return names


def test_dashboard_shows_live_posts_with_named_share_buttons(client, employee, live_post):
    client.force_login(employee)
    page = client.get("/").content.decode()
    assert live_post.title in page
    names = button_names(page)
    for network in ["LinkedIn", "X", "Facebook", "WhatsApp", "Telegram", "Bluesky", "Email"]:
        assert f"Share on {network}" in names
    assert "Copy the text and link (Slack, Teams…)" in names
    assert "Share with another app on this device" in names
    assert f'href="/posts/{live_post.pk}/compose/linkedin/"' in page


def test_dashboard_hides_drafts_expired_and_other_teams_posts(client):
    from django.utils import timezone

    sales = factories.TeamFactory(name="Sales")
    spain = factories.TeamFactory(name="Spain", parent=sales)
    tech = factories.TeamFactory(name="Tech")
    me = factories.AdvocateFactory(team=spain)
    visible = factories.PostFactory(title="For sales", targets=[sales])
    everyone = factories.PostFactory(title="For everyone")
    factories.PostFactory(title="For tech", targets=[tech])
    factories.PostFactory(title="Still a draft", status="draft")
    factories.PostFactory(title="Not yet", publish_at=timezone.now() + timezone.timedelta(hours=1))
    factories.PostFactory(title="Too late", publish_at=timezone.now() - timezone.timedelta(days=9),
                          expires_at=timezone.now() - timezone.timedelta(seconds=1))
    client.force_login(me)
    page = client.get("/").content.decode()
    assert visible.title in page and everyone.title in page
    for hidden in ["For tech", "Still a draft", "Not yet", "Too late"]:
        assert hidden not in page


def test_posts_in_my_language_come_first(client):
    me = factories.AdvocateFactory()
    me.profile.language = "es"
    me.profile.save()
    factories.PostFactory(title="Spanish and older", language="es",
                          publish_at=factories.timezone.now() - factories.timedelta(days=3))
    factories.PostFactory(title="English and newer", language="en")
    client.force_login(me)
    page = client.get("/").content.decode()
    assert page.index("Spanish and older") < page.index("English and newer")


def test_dashboard_query_count_does_not_grow_with_posts(client, employee, django_assert_max_num_queries):
    for _ in range(3):
        share_post(employee, factories.PostFactory(), "linkedin")
    client.force_login(employee)
    # the feed, my stats and latest shares, the filter choices (campaigns, categories), "seen" stamp, my badges,
    # the employee of the month, …
    with django_assert_max_num_queries(22) as few:
        client.get("/")
    for _ in range(12):
        share_post(employee, factories.PostFactory(), "x")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


def test_my_stats_count_this_months_shares_and_clicks(client, employee, live_post):
    link = share_post(employee, live_post, "linkedin").link
    client.get(f"/s/{link.code}", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36")
    client.get(f"/s/{link.code}", HTTP_USER_AGENT="Twitterbot/1.0")
    client.force_login(employee)
    stats = client.get("/").context["stats"]
    assert stats == {"shares": 1, "potential_reach": 500, "clicks": 1, "unique_clicks": 1}


def test_follower_counts_are_typed_in_on_the_profile(client, employee):
    client.force_login(employee)
    response = client.post(reverse("profile"), {"linkedin": "-3"})
    assert response.status_code == 200 and "greater than or equal to 0" in response.content.decode()
    client.post(reverse("profile"), {"linkedin": "1200", "x": "80"})
    assert dict(employee.audiences.values_list("network", "followers")) == {"linkedin": 1200, "x": 80}


def test_unknown_urls_are_404_pages_in_the_sites_style(client, employee):
    client.force_login(employee)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0 Safari/537.36"


def test_my_shares_show_the_clicks_each_link_brought(client, employee):
    first, second = factories.PostFactory(title="First story"), factories.PostFactory(title="Second story")
    on_linkedin = share_post(employee, first, "linkedin").link
    share_post(employee, second, "x")
    for address in ["10.0.0.1", "10.0.0.2", "10.0.0.2"]:
        client.get(f"/s/{on_linkedin.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR=address)
    client.get(f"/s/{on_linkedin.code}", HTTP_USER_AGENT="LinkedInBot/1.0")
    client.force_login(employee)

    shares = {(s.post.title, s.network): (s.clicks, s.unique_clicks) for s in client.get("/shares/").context["page"]}
    assert shares == {("First story", "linkedin"): (3, 2), ("Second story", "x"): (0, 0)}
    latest = client.get("/").context["recent_shares"]
    assert [(s.post.title, s.clicks) for s in latest] == [("Second story", 0), ("First story", 3)]


def test_my_shares_page_is_constant_query(client, employee, django_assert_max_num_queries):
    share_post(employee, factories.PostFactory(), "linkedin")
    client.force_login(employee)
    with django_assert_max_num_queries(12) as few:
        client.get("/shares/")
    budget = len(few.captured_queries)  # read now: every request resets the connection's query log
    for _ in range(10):
        link = share_post(employee, factories.PostFactory(), "x").link
        client.get(f"/s/{link.code}", HTTP_USER_AGENT=CHROME)
    with django_assert_max_num_queries(budget):
        assert len(client.get("/shares/").context["page"]) == 11


def test_the_feed_filters_by_campaign_category_type_network_and_search(client, employee):
    from content_library.models import Category

    spring = factories.CampaignFactory(name="Spring")
    talent = Category.objects.create(name="Talent")
    factories.PostFactory(title="Spring hiring", campaign=spring, category=talent, content_type="job_opening",
                          tags="jobs, valencia", texts={"linkedin": "Join us in Valencia"})
    factories.PostFactory(title="Quarterly results", content_type="company_news", texts={"x": "Numbers!"})
    factories.PostFactory(title="Team dinner", content_type="fun", texts={"whatsapp": "Dinner photos"})
    client.force_login(employee)

    def titles(**params):
        return [post.title for post in client.get("/", params).context["page"]]

    assert titles(campaign=spring.pk) == ["Spring hiring"]
    assert titles(category=talent.pk) == ["Spring hiring"]
    assert titles(type="fun") == ["Team dinner"]
    assert titles(network="x") == ["Quarterly results"]
    assert titles(q="valencia") == ["Spring hiring"]  # tags and texts are searched
    assert titles(q="numbers") == ["Quarterly results"]
    assert titles(q="nothing like this") == []
    assert "No post matches these filters." in client.get("/", {"q": "nothing like this"}).content.decode()
    # A value that does not fit is reported and left out; the page still answers.
    response = client.get("/", {"campaign": "not-a-number", "type": "fun"})
    assert response.status_code == 200 and [p.title for p in response.context["page"]] == ["Team dinner"]


def test_filters_are_kept_from_page_to_page(client, employee):
    for _ in range(13):
        factories.PostFactory(content_type="fun")
    client.force_login(employee)
    html = client.get("/", {"type": "fun"}).content.decode()
    assert 'href="?type=fun&amp;page=2"' in html


def test_posts_published_since_my_last_visit_are_marked_new(client, employee):
    from datetime import timedelta

    from django.utils import timezone

    old = factories.PostFactory(title="Seen before", publish_at=timezone.now() - timedelta(days=3))
    client.force_login(employee)
    first = client.get("/").content.decode()
    assert ">New<" not in first  # a first visit marks nothing
    employee.profile.refresh_from_db()
    type(employee.profile).objects.filter(pk=employee.profile.pk).update(
        feed_seen_at=timezone.now() - timedelta(days=1))
    factories.PostFactory(title="Fresh one", publish_at=timezone.now() - timedelta(hours=1))
    page = client.get("/").content.decode()
    fresh = page.split("Fresh one")[0].rsplit("<article", 1)[1]
    assert ">New<" in fresh
    assert ">New<" not in page.split(old.title)[0].rsplit("<article", 1)[1]


def test_posts_can_target_locations_and_languages(client):
    madrid_es = factories.AdvocateFactory()
    type(madrid_es.profile).objects.filter(pk=madrid_es.profile.pk).update(location="Madrid", language="es")
    sevilla_en = factories.AdvocateFactory()
    type(sevilla_en.profile).objects.filter(pk=sevilla_en.profile.pk).update(location="Sevilla", language="en")
    nowhere = factories.AdvocateFactory()  # no location, no language chosen
    factories.PostFactory(title="Madrid event", target_locations=",madrid,valencia,")
    factories.PostFactory(title="Solo en español", target_languages=",es,")
    factories.PostFactory(title="For everyone")

    def titles(person):
        client.force_login(person)
        return {post.title for post in client.get("/").context["page"]}

    assert titles(madrid_es) == {"Madrid event", "Solo en español", "For everyone"}
    assert titles(sevilla_en) == {"For everyone"}
    assert titles(nowhere) == {"Solo en español", "For everyone"}


def test_targeted_locations_are_stored_one_way():
    from content_library.models import targeting_list

    assert targeting_list(" Madrid, sevilla ;MADRID,, ") == ",madrid,sevilla,"
    assert targeting_list("") == ""
