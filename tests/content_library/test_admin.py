"""The library's admin for comms: filters, the health panel, the share preview, duplicating a post."""

import pytest
from django.urls import reverse
from django.utils import timezone

from content_library.models import Category, Post, PostVariant
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def comms(client):
    user = factories.UserFactory(roles=["comms"])
    client.force_login(user)
    return user


def listed(client, **params):
    return {post.title for post in client.get(reverse("admin:content_library_post_changelist"), params)
            .context["cl"].result_list}


def test_filters_expiring_this_week_and_by_network(client, comms):
    now = timezone.now()
    factories.PostFactory(title="Ends soon", expires_at=now + timezone.timedelta(days=3))
    factories.PostFactory(title="Ends later", expires_at=now + timezone.timedelta(days=30))
    factories.PostFactory(title="Only WhatsApp", texts={"whatsapp": "Hola"})
    assert listed(client, expiring="week") == {"Ends soon"}
    assert listed(client, network="whatsapp") == {"Only WhatsApp"}


def test_the_health_panel_counts_live_posts_per_category_and_type_and_what_expires(client, comms):
    talent = Category.objects.create(name="Talent")
    factories.PostFactory(title="Hiring", category=talent, content_type="job_opening",
                          expires_at=timezone.now() + timezone.timedelta(days=2))
    factories.PostFactory(title="News", content_type="company_news")
    factories.PostFactory(title="A draft", status="draft", category=talent)
    response = client.get(reverse("admin:content_library_post_changelist"))
    health = response.context["health"]
    assert health["live"] == 2
    assert {row["category__name"]: row["n"] for row in health["by_category"]} == {"Talent": 1, None: 1}
    assert {row["label"]: row["n"] for row in health["by_type"]} == {"Job opening": 1, "Company news": 1}
    assert [post["title"] for post in health["expiring"]] == ["Hiring"]
    assert "Library health" in response.content.decode()


def test_the_preview_shows_each_networks_final_text_with_a_tracked_link(client, comms):
    post = factories.PostFactory(hashtags="Valencia", texts={"x": "New office", "linkedin": "We opened in Valencia"})
    html = client.get(reverse("admin:content_library_post_change", args=[post.pk])).content.decode()
    assert "New office #Valencia /s/xxxxxxxxxx" in html.replace("http://127.0.0.1:8000", "")
    assert "/ 280" in html


def test_duplicate_makes_a_draft_with_the_texts_and_targets(client, comms):
    team = factories.TeamFactory()
    post = factories.PostFactory(title="Original", targets=[team], hashtags="Valencia")
    client.post(reverse("admin:content_library_post_changelist"),
                {"action": "duplicate", "_selected_action": [post.pk]})
    copy = Post.objects.exclude(pk=post.pk).get()
    assert copy.title == "Copy of Original" and copy.status == Post.Status.DRAFT
    assert list(copy.target_teams.all()) == [team] and copy.hashtags == "Valencia"
    assert set(PostVariant.objects.filter(post=copy).values_list("network", "text")) == set(
        post.variants.values_list("network", "text"))
    assert copy.created_by == comms
    assert copy.transitions.get().comment == f"Duplicated from post {post.pk}"


def test_reviewers_cannot_duplicate(client):
    post = factories.PostFactory()
    client.force_login(factories.UserFactory(roles=["reviewer"]))
    client.post(reverse("admin:content_library_post_changelist"),
                {"action": "duplicate", "_selected_action": [post.pk]})
    assert Post.objects.count() == 1


def test_a_reviewer_approves_or_rejects_with_a_comment_kept_in_the_history(client):
    post = factories.PostFactory(status="in_review")
    reviewer = factories.UserFactory(roles=["reviewer"])
    client.force_login(reviewer)
    change = client.get(reverse("admin:content_library_post_change", args=[post.pk])).content.decode()
    assert "Review: approve or reject" in change
    url = reverse("admin:content_library_post_review", args=[post.pk])
    response = client.post(url, {"decision": "rejected", "comment": ""})
    assert response.status_code == 200 and "Say what must change." in response.content.decode()
    post.refresh_from_db()
    assert post.status == "in_review"

    client.post(url, {"decision": "rejected", "comment": "The figure in the second line is not public yet."})
    post.refresh_from_db()
    transition = post.transitions.get()
    assert (post.status, transition.to_status, transition.by, transition.comment) == (
        "rejected", "rejected", reviewer, "The figure in the second line is not public yet.")


def test_comms_cannot_reach_the_review(client, comms):
    post = factories.PostFactory(status="in_review")
    assert client.get(reverse("admin:content_library_post_review", args=[post.pk])).status_code == 403
    client.post(reverse("admin:content_library_post_review", args=[post.pk]), {"decision": "approved"})
    post.refresh_from_db()
    assert post.status == "in_review"
