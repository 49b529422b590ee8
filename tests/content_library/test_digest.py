"""The weekly digest: new posts for each member, in their language, once a week, with a one-click unsubscribe."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from content_library.digest import send_digests, unsubscribe_token
from content_library.models import DigestDelivery
from content_library.tasks import send_weekly_digest
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    sales, tech = factories.TeamFactory(name="Sales"), factories.TeamFactory(name="Tech")
    ana = factories.AdvocateFactory(email="ana@example.com", team=sales)
    ana.profile.language = "es"
    ana.profile.save()
    luis = factories.AdvocateFactory(email="luis@example.com", team=tech)
    factories.UserFactory(email="not.a.member@example.com", team=sales)
    factories.PostFactory(title="For sales", targets=[sales], publish_at=timezone.now() - timedelta(days=2))
    factories.PostFactory(title="Old news", publish_at=timezone.now() - timedelta(days=20))
    return {"ana": ana, "luis": luis}


def test_members_get_the_new_posts_targeted_at_them_in_their_language(company):
    assert send_weekly_digest.delay().get() == 1
    [message] = mail.outbox
    assert message.to == ["ana@example.com"]
    assert "1 nueva publicación para compartir esta semana" in message.subject
    assert "For sales" in message.body and "Old news" not in message.body
    assert "/digest/unsubscribe/" in message.body and message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_a_week_is_sent_once_even_if_the_task_runs_again(company):
    send_digests()
    send_digests()
    assert len(mail.outbox) == 1
    assert DigestDelivery.objects.get().posts == 1
    send_digests(now=timezone.now() + timedelta(days=7))  # the next week has nothing new for Ana
    assert len(mail.outbox) == 1


def test_the_unsubscribe_link_works_without_signing_in(client, company):
    ana = company["ana"]
    url = reverse("digest_unsubscribe", args=[unsubscribe_token(ana)])
    page = client.get(url)
    assert page.status_code == 200 and "ana@example.com" in page.content.decode()
    ana.profile.refresh_from_db()
    assert ana.profile.digest_unsubscribed_at is None  # a link scanner's GET changes nothing
    assert client.post(url).status_code == 200
    ana.profile.refresh_from_db()
    assert ana.profile.digest_unsubscribed_at is not None
    assert send_digests() == 0


def test_a_tampered_token_is_a_404(client, company):
    token = unsubscribe_token(company["ana"])
    assert client.get(reverse("digest_unsubscribe", args=[token[:-2] + "xx"])).status_code == 404
    assert client.post(reverse("digest_unsubscribe", args=["garbage"])).status_code == 404
    company["ana"].profile.refresh_from_db()
    assert company["ana"].profile.digest_unsubscribed_at is None
