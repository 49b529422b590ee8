"""Employee suggestions: any employee suggests; comms drafts (crediting them) or declines with a reason; the
employee sees the outcome on the dashboard."""

import pytest
from django.urls import reverse

from content_library.models import Post, Suggestion
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_employee_suggests_a_link_with_a_note(client, employee):
    client.force_login(employee)
    response = client.post(reverse("suggest"), {"url": "https://www.example.com/article", "note": "Great read"},
                           follow=True)
    assert "Communications will look at your suggestion." in response.content.decode()
    suggestion = Suggestion.objects.get()
    assert (suggestion.employee, suggestion.url, suggestion.status) == (employee, "https://www.example.com/article",
                                                                       "pending")


@pytest.mark.parametrize("data, message", [
    ({"url": "javascript:alert(1)", "note": "x"}, "Enter a valid URL."),
    ({"url": "ftp://files.example.com/a", "note": "x"}, "Enter a link starting with http:// or https://."),
    ({"url": "", "note": ""}, "This field is required."),
    ({"url": "", "note": "x" * 2001}, "Ensure this value has at most 2000 characters"),
])
def test_bad_suggestions_get_a_clear_message_and_nothing_is_stored(client, employee, data, message):
    client.force_login(employee)
    response = client.post(reverse("suggest"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Suggestion.objects.exists()


def test_comms_turn_a_suggestion_into_a_draft_crediting_the_employee(client, employee):
    suggestion = Suggestion.objects.create(employee=employee, note="Our plant won an award\nMore details",
                                           url="https://news.example.com/award")
    comms = factories.UserFactory(roles=["comms"])
    client.force_login(comms)
    client.post(reverse("admin:content_library_suggestion_changelist"),
                {"action": "make_draft", "_selected_action": [suggestion.pk]})
    suggestion.refresh_from_db()
    post = Post.objects.get()
    assert (post.status, post.title, post.url, post.suggested_by, post.created_by) == (
        "draft", "Our plant won an award", "https://news.example.com/award", employee, comms)
    assert (suggestion.status, suggestion.post, suggestion.decided_by) == ("drafted", post, comms)
    # Deciding twice does nothing more.
    client.post(reverse("admin:content_library_suggestion_changelist"),
                {"action": "make_draft", "_selected_action": [suggestion.pk]})
    assert Post.objects.count() == 1

    client.force_login(employee)
    assert "Turned into a post" in client.get("/").content.decode()


def test_declining_needs_a_reason_which_the_employee_reads(client, employee):
    suggestion = Suggestion.objects.create(employee=employee, note="A competitor's news")
    client.force_login(factories.UserFactory(roles=["comms"]))
    url = reverse("admin:content_library_suggestion_change", args=[suggestion.pk])
    response = client.post(url, {"status": "declined", "reason": ""})
    assert "Say why, so the employee knows." in response.content.decode()
    client.post(url, {"status": "declined", "reason": "We do not share competitors' news."})
    suggestion.refresh_from_db()
    assert suggestion.status == "declined" and suggestion.decided_at is not None

    client.force_login(employee)
    dashboard = client.get("/").content.decode()
    assert "Declined" in dashboard and "We do not share competitors" in dashboard
    assert "We do not share competitors" in client.get(reverse("suggest")).content.decode()


def test_employees_see_only_their_own_suggestions_and_cannot_reach_the_admin(client, employee):
    Suggestion.objects.create(employee=factories.AdvocateFactory(), note="Someone else's idea")
    client.force_login(employee)
    assert "Someone else" not in client.get(reverse("suggest")).content.decode()
    assert client.get(reverse("admin:content_library_suggestion_changelist")).status_code == 302
