from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from advocacy.models import Share, TrackedLink
from advocacy.networks import share_intent_url
from advocacy.services import ShareRefused, destination_with_utm, share_post
from guidelines.services import sign_guide
from rewards.selectors import balance
from tests import factories

pytestmark = pytest.mark.django_db


def test_share_records_share_link_and_points(employee, live_post):
    result = share_post(employee, live_post, "linkedin")

    assert result.created
    share = Share.objects.get()
    assert (share.employee, share.post, share.network) == (employee, live_post, "linkedin")
    assert share.potential_reach == 500  # the LinkedIn followers at the moment of sharing
    assert share.text.startswith("Proud of this story")
    link = TrackedLink.objects.get()
    assert len(link.code) >= 8
    assert result.intent_url.startswith("https://www.linkedin.com/feed/?shareActive=true&text=")
    assert link.short_url in parse_qs(urlsplit(result.intent_url).query)["text"][0]
    assert balance(employee) == 10


def test_sharing_twice_reuses_the_link_and_pays_once(employee, live_post):
    first = share_post(employee, live_post, "linkedin")
    again = share_post(employee, live_post, "linkedin")

    assert not again.created
    assert first.link.pk == again.link.pk
    assert Share.objects.count() == 1
    assert balance(employee) == 10


def test_each_network_gets_its_own_tracked_link(employee, live_post):
    codes = {share_post(employee, live_post, network).link.code for network in ["linkedin", "x", "facebook"]}
    assert len(codes) == 3


def test_destination_keeps_the_urls_own_query_and_adds_utm(live_post):
    campaign = factories.CampaignFactory(slug="spring")
    live_post.campaign = campaign
    live_post.save()

    query = parse_qs(urlsplit(destination_with_utm(live_post, "x")).query)

    assert query == {
        "lang": ["es"], "utm_source": ["x"], "utm_medium": ["employee_advocacy"],
        "utm_campaign": ["spring"], "utm_content": [str(live_post.pk)],
    }


def test_library_posts_are_tagged_library(live_post):
    assert "utm_campaign=library" in destination_with_utm(live_post, "linkedin")


def test_intent_urls_encode_accents_emoji_ampersands_hashes_and_line_breaks():
    text = "Año nuevo & más 🚀 #Innovación\nsegunda línea"
    link = "https://adv.example.com/s/AbCdEfGh12"
    for network in ["linkedin", "x", "whatsapp", "telegram", "bluesky", "email"]:
        url = share_intent_url(network, text, link, subject="Título")
        query = parse_qs(urlsplit(url).query)
        joined = " ".join(value for values in query.values() for value in values)
        assert "Año nuevo & más 🚀 #Innovación\nsegunda línea" in joined, network
        assert link in joined, network
        assert "#" not in url and " " not in url and "\n" not in url
    facebook = parse_qs(urlsplit(share_intent_url("facebook", text, link)).query)
    assert facebook == {"u": [link]}


def test_employee_who_has_not_joined_cannot_share(live_post):
    outsider = factories.UserFactory()
    with pytest.raises(ShareRefused):
        share_post(outsider, live_post, "linkedin")
    assert not Share.objects.exists()


def test_unsigned_employee_cannot_share(employee, live_post, signed_guide):
    with pytest.raises(ShareRefused) as refusal:
        share_post(employee, live_post, "linkedin")
    assert refusal.value.action_url == "/guide/"
    sign_guide(employee, signed_guide, "Ana Pérez")
    assert share_post(employee, live_post, "linkedin").created


def test_expired_or_unapproved_posts_cannot_be_shared(employee):
    from django.utils import timezone

    expired = factories.PostFactory(publish_at=timezone.now() - timezone.timedelta(days=5),
                                    expires_at=timezone.now() - timezone.timedelta(days=1))
    draft = factories.PostFactory(status="draft")
    for post in [expired, draft]:
        with pytest.raises(ShareRefused):
            share_post(employee, post, "linkedin")


def test_share_view_redirects_to_the_network_intent(client, employee, live_post):
    client.force_login(employee)
    response = client.post(reverse("share", args=[live_post.pk, "x"]))
    assert response.status_code == 302
    assert response["Location"].startswith("https://x.com/intent/tweet?")
    link = TrackedLink.objects.get(employee=employee, network="x")
    assert parse_qs(urlsplit(response["Location"]).query)["url"] == [link.short_url]


def test_share_view_explains_why_sharing_is_refused(client, employee, live_post, signed_guide):
    client.force_login(employee)
    response = client.post(reverse("share", args=[live_post.pk, "linkedin"]), follow=True)
    assert response.redirect_chain[-1][0] == "/guide/"
    assert "sign the social media usage guide" in response.content.decode()


def test_share_view_rejects_get_and_unknown_networks(client, employee, live_post):
    client.force_login(employee)
    assert client.get(reverse("share", args=[live_post.pk, "linkedin"])).status_code == 405
    assert client.post(reverse("share", args=[live_post.pk, "myspace"])).status_code == 404
    assert client.post(reverse("share", args=[99999, "linkedin"])).status_code == 404


def test_join_and_leave_the_program(client):
    person = factories.UserFactory()
    client.force_login(person)
    response = client.post(reverse("join_program"), {})
    assert "Tick the box to join the program." in response.content.decode()
    person.profile.refresh_from_db()
    assert not person.profile.is_advocate

    client.post(reverse("join_program"), {"consent": "on"})
    person.profile.refresh_from_db()
    assert person.profile.is_advocate

    client.post(reverse("leave_program"))
    person.profile.refresh_from_db()
    assert not person.profile.is_advocate
