"""'I posted it': the employee pastes the URL of their post; we check the domain and keep the network's id."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from advocacy.models import Share
from advocacy.published import parse_published_url
from advocacy.services import record_published_url, share_post
from tests import factories


@pytest.mark.parametrize("url, post_id", [
    ("https://www.linkedin.com/feed/update/urn:li:activity:7123456789012345678/",
     "urn:li:activity:7123456789012345678"),
    ("https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7123456789012345678?utm_source=share",
     "urn:li:share:7123456789012345678"),
    ("https://es.linkedin.com/feed/update/urn:li:ugcPost:7000000000000000001",
     "urn:li:ugcPost:7000000000000000001"),
    ("https://www.linkedin.com/posts/ana-perez_innovacion-ia-activity-7123456789012345678-Xy_Z?utm_source=share",
     "urn:li:activity:7123456789012345678"),
    ("https://www.linkedin.com/posts/acme_we-are-hiring-ugcPost-7111111111111111111-abcd/",
     "urn:li:ugcPost:7111111111111111111"),
])
def test_linkedin_urls_give_the_activity_share_or_ugc_post_urn(url, post_id):
    assert parse_published_url("linkedin", url)[1] == post_id


@pytest.mark.parametrize("url, post_id", [
    ("https://x.com/ana_perez/status/1857000000000000001", "1857000000000000001"),
    ("https://twitter.com/ana_perez/status/1857000000000000001?s=20&t=abc", "1857000000000000001"),
    ("https://mobile.twitter.com/ana_perez/status/1857000000000000001/photo/1", "1857000000000000001"),
    ("https://x.com/i/web/status/1857000000000000001", "1857000000000000001"),
])
def test_x_urls_give_the_status_id(url, post_id):
    assert parse_published_url("x", url)[1] == post_id


@pytest.mark.parametrize("url, post_id", [
    ("https://www.facebook.com/permalink.php?story_fbid=123456789012&id=100000000000001",
     "100000000000001_123456789012"),
    ("https://m.facebook.com/story.php?story_fbid=pfbid02AbCdEfGhIjKlMnOp&id=100000000000001",
     "100000000000001_pfbid02AbCdEfGhIjKlMnOp"),
    ("https://www.facebook.com/acme/posts/pfbid0abcdefghijklmnopqrstu", "pfbid0abcdefghijklmnopqrstu"),
    ("https://www.facebook.com/acme/posts/987654321098765", "987654321098765"),
    ("https://www.facebook.com/groups/advocates/posts/555555555555/", "555555555555"),
    ("https://www.facebook.com/photo/?fbid=444444444444&set=a.1", "444444444444"),
    ("https://web.facebook.com/acme/videos/333333333333/", "333333333333"),
])
def test_facebook_urls_give_the_post_id(url, post_id):
    assert parse_published_url("facebook", url)[1] == post_id


@pytest.mark.parametrize("network, url, message", [
    ("linkedin", "https://evil-linkedin.com/feed/update/urn:li:activity:7123456789012345678/", "not a LinkedIn link"),
    ("linkedin", "https://linkedin.com.evil.example/feed/update/urn:li:activity:7123456789012345678/",
     "not a LinkedIn link"),
    ("x", "https://www.linkedin.com/feed/update/urn:li:activity:7123456789012345678/", "not a X link"),
    ("x", "javascript:alert(1)//x.com/a/status/1", "starting with https://"),
    ("x", "x.com/ana/status/123", "starting with https://"),
    ("x", "https://x.com/ana_perez", "could not find a post"),
    ("linkedin", "https://lnkd.in/abc123", "not a LinkedIn link"),
    ("linkedin", "https://www.linkedin.com/in/ana-perez/", "could not find a post"),
    ("facebook", "https://www.facebook.com/share/p/1AbCdEf/", "could not find a post"),
    ("facebook", "http://[::1", "starting with https://"),
    ("whatsapp", "https://wa.me/123", "not kept for this network"),
])
def test_bad_links_get_a_clear_message(network, url, message):
    with pytest.raises(ValidationError) as error:
        parse_published_url(network, url)
    assert message in error.value.messages[0]


@pytest.mark.django_db
def test_the_post_id_is_kept_on_the_share_and_cannot_be_claimed_twice(employee, live_post):
    mine = share_post(employee, live_post, "x").share
    url = "https://x.com/ana/status/1857000000000000001"
    record_published_url(employee, mine.pk, url)
    mine.refresh_from_db()
    assert (mine.published_post_id, mine.published_url) == ("1857000000000000001", url)
    assert mine.published_at is not None

    colleague = factories.AdvocateFactory()
    theirs = share_post(colleague, live_post, "x").share
    with pytest.raises(ValidationError, match="already linked to another share"):
        record_published_url(colleague, theirs.pk, url)
    theirs.refresh_from_db()
    assert theirs.published_post_id == ""


@pytest.mark.django_db
def test_i_posted_it_from_my_shares_page(client, employee, live_post):
    share = share_post(employee, live_post, "linkedin").share
    client.force_login(employee)
    page = client.get(reverse("my_shares")).content.decode()
    assert "I posted it: paste the link of my post on LinkedIn" in page

    response = client.post(reverse("record_published", args=[share.pk]),
                           {"url": "https://x.com/ana/status/1"}, follow=True)
    assert "This is not a LinkedIn link." in response.content.decode()
    share.refresh_from_db()
    assert share.published_post_id == ""

    good = "https://www.linkedin.com/feed/update/urn:li:activity:7123456789012345678/"
    response = client.post(reverse("record_published", args=[share.pk]), {"url": good}, follow=True)
    assert "We will follow how your post does." in response.content.decode()
    assert Share.objects.get().published_post_id == "urn:li:activity:7123456789012345678"


@pytest.mark.django_db
def test_nobody_can_paste_a_link_on_someone_elses_share(client, employee, live_post):
    share = share_post(employee, live_post, "x").share
    client.force_login(factories.AdvocateFactory())
    response = client.post(reverse("record_published", args=[share.pk]),
                           {"url": "https://x.com/ana/status/1857000000000000001"})
    assert response.status_code == 404
    share.refresh_from_db()
    assert share.published_post_id == ""


@pytest.mark.parametrize("network, url", [
    ("facebook", "https://www.facebook.com/permalink.php?story_fbid=123456789012&id=" + "1" * 400),
    ("facebook", "https://www.facebook.com/permalink.php?story_fbid=123456789012&id=１２３"),
    ("x", "http://x.com/ana/status/1857000000000000001?" + "a" * 470),
])
def test_overlong_or_odd_links_are_refused_or_kept_within_the_columns(network, url):
    try:
        published_url, post_id = parse_published_url(network, url)
    except ValidationError as error:
        assert error.messages == ["This address is too long."]
    else:
        assert len(published_url) <= 500 and len(post_id) <= 120
        assert post_id.isascii()
