"""A small company with one person per role and at least one object of every model the admin shows, built once
per test module (the tests' own changes are rolled back after each test, the company after the module).

Every person but the anonymous visitor is an advocate who joined the program and signed the current guide,
as comms, HR and managers usually are; the employee has shared, been clicked, redeemed, suggested and passed a
capsule, so the pages that show an employee's own things have something to show.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from tests import factories
from tests.conftest import restore_roles

ROLES = ["anonymous", "employee", "comms", "reviewer", "hr", "manager", "admin"]
PEOPLE_ROLES = ROLES[1:]


@dataclass
class World:
    people: dict
    post: object
    share: object
    link: object
    guide: object
    capsule: object
    campaign: object
    raffle: object
    reward: object
    erasure: object
    invitation: object
    unverified_address: object
    objects: dict = field(default_factory=dict)  # model class -> one instance, for the admin's URLs

    @property
    def employee(self):
        return self.people["employee"]


def build_world():
    from advocacy.models import Click, Invitation, Team
    from advocacy.services import record_click, share_post
    from content_library.models import Category, Suggestion
    from content_library.services import suggest
    from guidelines.models import Capsule, GuideReminder, QuizQuestion
    from guidelines.services import sign_guide, take_capsule
    from metrics.models import (
        AnalyticsImport,
        EngagementSnapshot,
        FillState,
        JobRun,
        NetworkRate,
        ProgramCost,
        ReportDelivery,
        ShareEngagement,
    )
    from rewards import raffles
    from rewards.models import BadgeAward, EmployeeOfTheMonth, LeaderboardAlias, Raffle, RewardItem
    from rewards.redemptions import redeem
    from rewards.services import adjust

    restore_roles()
    now = timezone.now()
    company = factories.TeamFactory(name="Acme")
    sales = factories.TeamFactory(name="Sales", parent=company)
    guide = factories.GuideVersionFactory(version=1)
    people = {}
    for role in PEOPLE_ROLES:
        extra = [] if role == "employee" else [role]
        person = factories.AdvocateFactory(email=f"{role}@example.com", roles=extra, team=sales)
        sign_guide(person, guide, person.get_full_name())
        people[role] = person
    sales.managers.add(people["manager"])
    employee = people["employee"]

    campaign = factories.CampaignFactory(name="Spring", slug="spring", hashtag="Spring")
    category = Category.objects.create(name="News")
    post = factories.PostFactory(title="Our new plant", campaign=campaign, category=category, allow_edit=True)
    shared = share_post(employee, post, "linkedin")
    record_click(shared.link.pk, ip="203.0.113.7", user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
                 referrer="https://www.linkedin.com/", method="GET", headers={})
    click = Click.objects.get(link=shared.link)

    capsule = Capsule.objects.create(title="Sharing safely", body="Read **this**.", is_published=True)
    QuizQuestion.objects.create(capsule=capsule, text="Share secrets?", choices="No\nYes", correct_choice=1)
    take_capsule(employee, capsule, {capsule.questions.get().pk: 1})

    reward = RewardItem.objects.create(name="Mug", points_price=5, stock=10)
    adjust(employee, 100, "Welcome points", by=people["comms"])
    redemption = redeem(employee, reward.pk)
    suggestion = suggest(employee, "Our plant's opening video", "https://www.example.com/video")
    alias = LeaderboardAlias.objects.create(employee=employee, pseudonym="Halcon Peregrino")
    month = timezone.localdate().replace(day=1)
    recognition = EmployeeOfTheMonth.objects.create(month=month, employee=employee, citation="Most shares",
                                                    named_by=people["comms"])
    badge = BadgeAward.objects.create(employee=employee, badge="first_share")

    past = factories.CampaignFactory(name="Winter", slug="winter", hashtag="Winter",
                                     starts_on=timezone.localdate() - timedelta(days=60),
                                     ends_on=timezone.localdate() - timedelta(days=30))
    raffle = raffles.seal_new_seed(Raffle(campaign=past, title="Winter raffle", prize="A bike"))
    raffle.save()
    winter_post = factories.PostFactory(title="Winter sale", campaign=past, texts={"linkedin": "Cold #Winter"})
    winter_share = share_post(employee, winter_post, "linkedin").share
    type(winter_share).objects.filter(pk=winter_share.pk).update(created_at=now - timedelta(days=45))
    raffles.draw(raffle, by=people["comms"])
    raffle.refresh_from_db()

    invitation = Invitation.objects.create(email="freelance@partner.test", team=sales, invited_by=people["hr"])
    unverified = factories.UserFactory(email="new.hire@example.com")
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    unverified_address = EmailAddress.objects.get(user=unverified)

    analytics_import = AnalyticsImport.objects.create(network="linkedin", file_name="export.csv", sha256="0" * 64,
                                                      uploaded_by=people["comms"], rows_read=1)
    snapshot = EngagementSnapshot.objects.create(share=shared.share, reactions=3, source="import",
                                                 analytics_import=analytics_import)
    engagement = ShareEngagement.objects.create(share=shared.share, reactions=3, measured_at=now)
    app = SocialApp.objects.create(provider="twitter_oauth2", name="X", client_id="id", secret="secret")
    account = SocialAccount.objects.create(user=employee, provider="twitter_oauth2", uid="x-1")
    token = SocialToken.objects.create(account=account, app=app, token="token", expires_at=now + timedelta(hours=2))
    from django.contrib.auth.models import Group

    from advocacy.models import ErasureRequest, PendingTask, RetentionMark

    leaver = factories.AdvocateFactory(email="leaving@example.com", team=sales)
    erasure = ErasureRequest.objects.create(employee=leaver)
    retention = RetentionMark.objects.get_or_create(name=RetentionMark.CLICKS)[0]

    objects = {model: instance for model, instance in [
        (type(people["admin"]), employee), (Group, Group.objects.get(name="employee")),
        (EmailAddress, EmailAddress.objects.get(user=employee)), (SocialApp, app), (SocialAccount, account),
        (SocialToken, token), (Team, sales), (Invitation, invitation), (type(shared.share), shared.share),
        (type(shared.link), shared.link), (Click, click), (Category, category), (type(campaign), campaign),
        (type(post), post), (Suggestion, suggestion), (type(guide), guide),
        (type(guide.acknowledgements.first()), guide.acknowledgements.first()), (Capsule, capsule),
        (GuideReminder, GuideReminder.objects.create(employee=employee, version=guide, day=timezone.localdate(),
                                                     requested_by=people["hr"])),
        (FillState, FillState.objects.get_or_create(name="daily_stats", defaults={"last_run_at": now})[0]),
        (AnalyticsImport, analytics_import), (EngagementSnapshot, snapshot),
        (NetworkRate, NetworkRate.objects.create(network="linkedin", cpm=Decimal("5.00"), cpc=Decimal("0.50"))),
        (ProgramCost, ProgramCost.objects.create(month=month, amount=Decimal("250.00"))),
        (JobRun, JobRun.objects.create(job="metrics.tasks.roll_up_daily_stats", state="succeeded",
                                       finished_at=now)),
        (ShareEngagement, engagement),
        (ReportDelivery, ReportDelivery.objects.create(month=month, recipient=people["manager"])),
        (type(redemption), redemption), (LeaderboardAlias, alias), (EmployeeOfTheMonth, recognition),
        (BadgeAward, badge), (RewardItem, reward), (Raffle, raffle), (ErasureRequest, erasure),
        (RetentionMark, retention),
        (PendingTask, PendingTask.objects.create(task="metrics.tasks.roll_up_daily_stats")),
    ]}
    from rewards.models import PointsEntry, PointsRule

    objects[PointsEntry] = PointsEntry.objects.filter(employee=employee).order_by("pk").first()
    objects[PointsRule] = PointsRule.objects.order_by("pk").first()
    return World(people=people, post=post, share=shared.share, link=shared.link, guide=guide, capsule=capsule,
                 campaign=campaign, raffle=raffle, reward=reward, erasure=erasure, invitation=invitation,
                 unverified_address=unverified_address, objects=objects)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The company, built inside a transaction that is rolled back when the module is done."""
    # What the autouse fixtures of tests/conftest.py set for each test, set here for the module's build.
    quiet = override_settings(CLICK_GROUP_COMMIT=False, CELERY_TASK_ALWAYS_EAGER=True,
                              EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                              MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), quiet:
        with transaction.atomic():
            built = build_world()
            yield built
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def signed_in_sessions(world, django_db_blocker):
    """One session per role, made once for the module (signing in is the slow part of a request); the sessions
    live in the module's transaction like the company."""
    with django_db_blocker.unblock():
        return {role: client_for(role, world).cookies.get(settings.SESSION_COOKIE_NAME) for role in ROLES}


@pytest.fixture
def clients(signed_in_sessions):
    """A client per role (and an anonymous one) on the module's sessions. Fresh for each test: a page that signs
    its visitor out (allauth does, when someone opens another person's e-mail confirmation link) changes only
    this test's client, and the test's rollback brings the session back for the next."""
    return clients_on(signed_in_sessions)


def clients_on(sessions):
    made = {}
    for role, cookie in sessions.items():
        made[role] = Client()
        if cookie is not None:
            made[role].cookies[settings.SESSION_COOKIE_NAME] = cookie.value
    return made


def client_for(role, world, **client_options):
    client = Client(**client_options)
    if role != "anonymous":
        client.force_login(world.people[role])
    return client
