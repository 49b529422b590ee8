"""Editing before sharing (checked against the guide), copy link and the phone's share sheet."""

import json

import pytest
from django.urls import reverse

from advocacy.models import Share, TrackedLink
from advocacy.services import ShareRefused, share_post
from guidelines.services import sign_guide
from rewards.selectors import balance
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_guide(employee):
    version = factories.GuideVersionFactory(
        forbidden_terms="tonto", confidential_terms="Proyecto Halcón", disclosure_hashtag="EmpleadoAcme",
    )
    sign_guide(employee, version, "Ana Pérez")
    return version


def test_the_text_actually_shared_is_stored_and_a_reshare_keeps_the_latest(employee, live_post, strict_guide):
    share_post(employee, live_post, "linkedin", text="My own words about it #EmpleadoAcme")
    assert Share.objects.get().text == "My own words about it #EmpleadoAcme"

    again = share_post(employee, live_post, "linkedin", text="Better words #EmpleadoAcme")
    assert not again.created
    assert Share.objects.get().text == "Better words #EmpleadoAcme"
    assert "Better%20words" in again.intent_url
    assert balance(employee) == 10 + 20  # one share, one signature: the reshare pays nothing


def test_a_text_breaking_a_blocking_rule_is_refused_and_nothing_is_stored(employee, live_post, strict_guide):
    with pytest.raises(ShareRefused) as refusal:
        share_post(employee, live_post, "linkedin", text="Qué tonto, el proyecto halcón")
    assert {finding.rule for finding in refusal.value.check.findings} >= {"forbidden_term", "confidential_term"}
    assert not Share.objects.exists() and not TrackedLink.objects.exists()
    assert balance(employee) == 20


def test_a_warning_does_not_stop_the_share(employee, live_post, strict_guide):
    result = share_post(employee, live_post, "x", text="Without the disclosure tag")
    assert result.created


def test_a_text_too_long_for_x_is_refused(employee, live_post):
    with pytest.raises(ShareRefused) as refusal:
        share_post(employee, live_post, "x", text="a" * 257)
    assert "281 of 280" in refusal.value.message
    assert share_post(employee, live_post, "x", text="a" * 256).created


def test_a_post_that_does_not_allow_edits_is_shared_with_its_approved_text(employee):
    locked = factories.PostFactory(allow_edit=False)
    with pytest.raises(ShareRefused):
        share_post(employee, locked, "linkedin", text="My version")
    assert share_post(employee, locked, "linkedin", text="Proud of this story").created


def test_composer_shows_the_checks_and_shares_the_edited_text(client, employee, live_post, strict_guide):
    client.force_login(employee)
    page = client.get(reverse("compose", args=[live_post.pk, "x"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Your text for X" in html and "Add #EmpleadoAcme so readers know you work here." in html

    response = client.post(reverse("share", args=[live_post.pk, "x"]), {"text": "Mine #EmpleadoAcme"})
    assert response.status_code == 302 and response["Location"].startswith("https://x.com/intent/tweet?text=Mine")
    assert Share.objects.get().text == "Mine #EmpleadoAcme"


def test_composer_without_script_shows_why_a_text_was_refused(client, employee, live_post, strict_guide):
    client.force_login(employee)
    response = client.post(reverse("share", args=[live_post.pk, "linkedin"]), {"text": "Proyecto Halcón"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "is confidential: remove it before sharing." in html
    assert "Proyecto Halcón</textarea>" in html  # what was typed is not lost
    assert not Share.objects.exists()


def test_live_check_answers_json(client, employee, live_post, strict_guide):
    client.force_login(employee)
    url = reverse("check_text", args=[live_post.pk, "x"])
    result = client.post(url, {"text": "tonto " * 60}).json()
    assert result["blocking"] is True and result["limit"] == 280 and result["length"] > 280
    assert {finding["rule"] for finding in result["findings"]} == {"length", "forbidden_term", "disclosure"}
    assert client.post(url, {"text": "x" * 70_001}).status_code == 400
    assert client.get(url).status_code == 405
    assert client.post(reverse("check_text", args=[live_post.pk, "myspace"]), {"text": "a"}).status_code == 404


def test_composer_is_for_signed_in_employees_and_live_posts(client, employee):
    draft = factories.PostFactory(status="draft")
    assert client.get(reverse("compose", args=[draft.pk, "x"])).status_code == 302  # to the login page
    client.force_login(employee)
    assert client.get(reverse("compose", args=[draft.pk, "x"])).status_code == 404


def test_copy_link_without_script_shows_the_text_and_tracked_link(client, employee, live_post):
    client.force_login(employee)
    response = client.post(reverse("share", args=[live_post.pk, "other"]))
    assert response.status_code == 200
    link = TrackedLink.objects.get(network="other")
    html = response.content.decode()
    assert link.short_url in html
    assert html.split("<title>")[1].split("</title>")[0].startswith("Copy the text and link ·")
    assert Share.objects.get().network == "other"


def test_copy_link_and_web_share_get_json(client, employee, live_post):
    client.force_login(employee)
    response = client.post(reverse("share", args=[live_post.pk, "other"]), HTTP_ACCEPT="application/json")
    data = response.json()
    link = TrackedLink.objects.get(network="other")
    assert data == {"title": live_post.title, "text": live_post.text_for("other"), "link": link.short_url,
                    "intent_url": None}


def test_refusals_come_back_as_json_for_the_page_script(client, live_post):
    outsider = factories.UserFactory()
    client.force_login(outsider)
    response = client.post(reverse("share", args=[live_post.pk, "other"]), HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert json.loads(response.content)["error"] == "Join the advocacy program to share posts."


def test_line_breaks_typed_in_a_browser_are_the_approved_texts_line_breaks(client, employee):
    locked = factories.PostFactory(allow_edit=False, texts={"x": "First line\nsecond line"})
    client.force_login(employee)
    response = client.post(reverse("share", args=[locked.pk, "x"]), {"text": "First line\r\nsecond line"})
    assert response.status_code == 302  # the same text, as a browser sends it
    assert Share.objects.get().text == "First line\nsecond line"
    check = client.post(reverse("check_text", args=[locked.pk, "x"]), {"text": "a\r\nb"}).json()
    assert check["length"] == len("a\nb") + 1 + 23


def test_posts_targeted_at_other_teams_cannot_be_composed_or_shared(client, employee):
    elsewhere = factories.PostFactory(targets=[factories.TeamFactory(name="Somewhere else")])
    client.force_login(employee)
    assert client.get(reverse("compose", args=[elsewhere.pk, "x"])).status_code == 404
    assert client.post(reverse("check_text", args=[elsewhere.pk, "x"]), {"text": "a"}).status_code == 404
    response = client.post(reverse("share", args=[elsewhere.pk, "other"]), HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert response.json()["error"] == "This post is not available for you to share."
    assert not Share.objects.exists() and not TrackedLink.objects.exists()


def test_facebook_takes_only_the_link_so_the_text_is_offered_for_pasting(client, employee, live_post):
    client.force_login(employee)
    html = client.get(reverse("compose", args=[live_post.pk, "facebook"])).content.decode()
    assert "Facebook's share window takes only the link. Your text is copied when you share" in html
    assert 'data-copy-text-from="compose-text"' in html
    dashboard = client.get("/").content.decode()
    assert f'action="/posts/{live_post.pk}/share/facebook/" method="post" target="_blank" data-copy-text=' in dashboard
