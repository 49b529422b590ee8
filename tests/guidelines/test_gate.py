"""The gate: no share before signing the current guide; a new version allows a grace period under a banner."""

import pytest
from django.urls import reverse
from django.utils import timezone

from advocacy.services import ShareRefused, share_post
from guidelines.models import GuideVersion
from guidelines.services import sign_guide
from rewards.selectors import balance

pytestmark = pytest.mark.django_db


def publish(number, days_ago):
    return GuideVersion.objects.create(version=number, title="Guide", body=f"Text {number}",
                                       published_at=timezone.now() - timezone.timedelta(days=days_ago))


def test_without_a_published_guide_sharing_is_open(employee, live_post):
    GuideVersion.objects.create(version=1, title="Draft", body="Not yet published")
    assert share_post(employee, live_post, "linkedin").created


def test_an_unsigned_employee_gets_a_clear_message_and_a_link_to_sign(client, employee, live_post):
    publish(1, days_ago=10)
    client.force_login(employee)
    response = client.post(reverse("share", args=[live_post.pk, "linkedin"]), follow=True)
    assert response.redirect_chain[-1][0] == "/guide/"
    assert "Please read and sign the social media usage guide before sharing." in response.content.decode()
    dashboard = client.get("/").content.decode()
    assert "Read and sign the guide" in dashboard and "disabled" in dashboard


def test_signing_earns_points_once(employee):
    version = publish(1, days_ago=10)
    sign_guide(employee, version, "Ana Pérez")
    assert balance(employee) == 20


def test_a_new_version_allows_the_grace_period_under_a_banner(client, employee, live_post, settings):
    settings.GUIDE_GRACE_DAYS = 14
    sign_guide(employee, publish(1, days_ago=60), "Ana Pérez")
    publish(2, days_ago=3)
    client.force_login(employee)
    banner = client.get("/").content.decode()
    assert "A new version of the usage guide is out. Please sign it before" in banner
    assert share_post(employee, live_post, "linkedin").created


def test_after_the_grace_period_the_new_version_must_be_signed(employee, live_post, settings):
    settings.GUIDE_GRACE_DAYS = 14
    sign_guide(employee, publish(1, days_ago=60), "Ana Pérez")
    current = publish(2, days_ago=15)
    with pytest.raises(ShareRefused) as refusal:
        share_post(employee, live_post, "linkedin")
    assert refusal.value.action_url == "/guide/"
    sign_guide(employee, current, "Ana Pérez")
    assert share_post(employee, live_post, "linkedin").created


def test_no_grace_for_someone_who_never_signed(employee, live_post):
    publish(1, days_ago=60)
    publish(2, days_ago=1)
    with pytest.raises(ShareRefused):
        share_post(employee, live_post, "linkedin")
