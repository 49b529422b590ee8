"""The foundation's thin journey, end to end through the real views:
comms creates a post in the admin → a reviewer approves it → an opted-in employee sees it and shares it
→ a visitor clicks the tracked link → the Celery task rolls the day up → a manager reads the report."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from advocacy.models import Click, Share, TrackedLink
from content_library.models import Post
from metrics.selectors import Month
from metrics.tasks import roll_up_daily_stats
from tests import factories

pytestmark = pytest.mark.django_db


def test_curate_share_click_report(client):
    comms = factories.UserFactory(roles=["comms"])
    reviewer = factories.UserFactory(roles=["reviewer"])
    team = factories.TeamFactory(name="Valencia office")
    employee = factories.AdvocateFactory(first_name="Lucía", last_name="García", team=team)
    manager = factories.UserFactory(roles=["manager"])
    team.managers.add(manager)

    # Comms creates the post in the admin, with a LinkedIn text, and sends it to review.
    client.force_login(comms)
    now = timezone.localtime()
    response = client.post("/admin/content_library/post/add/", {
        "title": "We opened in Valencia", "summary": "", "url": "https://www.example.com/valencia?ref=web",
        "language": "en", "hashtags": "#Valencia", "campaign": "", "content_type": "company_news", "category": "",
        "tags": "office, valencia", "allow_edit": "on",
        "publish_at_0": now.strftime("%Y-%m-%d"),
        "publish_at_1": (now - timezone.timedelta(minutes=5)).strftime("%H:%M:%S"),
        "expires_at_0": "", "expires_at_1": "",
        "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "0",
        "variants-0-network": "linkedin", "variants-0-text": "Our new office in Valencia is open!",
        "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    client.post("/admin/content_library/post/", {"action": "submit_for_review", "_selected_action": [post.pk]})
    client.post("/admin/content_library/post/", {"action": "approve", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW  # comms may not approve

    client.force_login(employee)
    assert post not in client.get("/").context["page"].object_list

    # The reviewer approves it; the employee now sees it and shares it on LinkedIn.
    client.force_login(reviewer)
    client.post("/admin/content_library/post/", {"action": "approve", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED
    assert [t.to_status for t in post.transitions.all()] == ["in_review", "approved"]

    client.force_login(employee)
    assert post in client.get("/").context["page"].object_list
    response = client.post(f"/posts/{post.pk}/share/linkedin/")
    intent = urlsplit(response["Location"])
    assert intent.netloc == "www.linkedin.com"
    link = TrackedLink.objects.get()
    assert parse_qs(intent.query)["text"] == [f"Our new office in Valencia is open! #Valencia\n\n{link.short_url}"]
    assert Share.objects.filter(employee=employee, post=post, network="linkedin").count() == 1

    # A visitor clicks the tracked link and lands on the post's URL with UTM parameters.
    client.logout()
    response = client.get(f"/s/{link.code}", HTTP_USER_AGENT="Mozilla/5.0 (Macintosh) Safari/605.1.15")
    assert response.status_code == 302
    landing = parse_qs(urlsplit(response["Location"]).query)
    assert landing["ref"] == ["web"] and landing["utm_source"] == ["linkedin"]
    assert landing["utm_content"] == [str(post.pk)]
    assert Click.objects.filter(link=link, is_bot=False).count() == 1

    # The Celery task rolls the day up, and the manager reads the month.
    roll_up_daily_stats.delay()
    client.force_login(manager)
    month = Month.containing(timezone.localdate())
    response = client.get(f"/reports/{month}/")
    figures = response.context["report"].figures
    assert (figures["shares"].value, figures["clicks"].value, figures["unique_clicks"].value) == (1, 1, 1)
    assert response.context["report"].top_contributors[0]["employee"] == employee
    assert "Lucía García" in response.content.decode()
