"""Privacy (GDPR): an employee downloads everything held about them and can have it erased while the company's counts
keep adding up; raw clicks are deleted past their retention without changing a report; no raw IP is stored anywhere."""

import ipaddress
import json
import logging
import re
import socket
from datetime import datetime, time, timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advocacy import privacy
from advocacy.models import (
    AuditEntry,
    Click,
    ErasureRequest,
    Invitation,
    NetworkAudience,
    RetentionMark,
    Share,
    TrackedLink,
    User,
)
from advocacy.services import record_published_url, share_post
from content_library.models import DigestDelivery, Suggestion
from content_library.services import suggest
from guidelines.models import Acknowledgement, Capsule, CapsuleAttempt, CapsuleCompletion, GuideReminder
from guidelines.services import sign_guide, take_capsule
from metrics.models import DailyStat, FillState, StaleDay
from metrics.selectors import Month, monthly_report
from metrics.services import DAILY_STATS, fill_daily_stats, refill_days
from rewards import raffles, redemptions
from rewards.models import BadgeAward, EmployeeOfTheMonth, LeaderboardAlias, PointsEntry, Redemption, RewardItem
from tests import factories
from tests.conftest import restore_roles

pytestmark = pytest.mark.django_db

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
SECRET_TOKEN = "SECRET-ACCESS-TOKEN-9f2c"
SECRET_REFRESH = "SECRET-REFRESH-TOKEN-77aa"
ACTIVITY = ("shares", "clicks", "unique_clicks", "potential_reach", "hashtag_mentions", "engagements")


@pytest.fixture(autouse=True)
def roles(db):
    restore_roles()


def click(link, ip, agent=CHROME):
    return Client().get(f"/s/{link.code}", HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)


def daily_rows():
    return sorted(DailyStat.objects.values_list(
        "day", "employee_id", "post_id", "network", "team_id", "campaign_id", "shares", "clicks", "unique_clicks",
        "potential_reach", "impressions", "reactions", "comments", "reshares", "engagement_base", "hashtag_mentions"))


def activity_figures(month):
    report = monthly_report(month)
    return ({key: report.figures[key].value for key in ACTIVITY},
            [(row["employee"].pk, row["points"], row["shares"], row["clicks"]) for row in report.top_contributors])


def build_person():
    """Nuria, an advocate with something in every corner of the platform."""
    team = factories.TeamFactory(name="Madrid")
    nuria = factories.AdvocateFactory(email="nuria.vidal@example.com", first_name="Nuria", last_name="Vidal",
                                      team=team)
    nuria.profile.job_title, nuria.profile.location, nuria.profile.language = "Plant engineer", "madrid", "en"
    nuria.profile.save()
    guide = factories.GuideVersionFactory()
    sign_guide(nuria, guide, "Nuria Vidal", "Mozilla/5.0 (signing browser)")
    campaign = factories.CampaignFactory(hashtag="Launch")
    post = factories.PostFactory(campaign=campaign, texts={"linkedin": "Proud of our new plant #Launch"})
    shared = share_post(nuria, post, "linkedin")
    record_published_url(nuria, shared.share.pk,
                         "https://www.linkedin.com/feed/update/urn:li:activity:7200000000000000001/")
    for ip in ("203.0.113.10", "203.0.113.10", "203.0.113.11"):
        click(shared.link, ip)
    click(shared.link, "203.0.113.12", agent="LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient)")
    app = SocialApp.objects.create(provider="twitter_oauth2", name="X", client_id="id", secret="app-secret")
    account = SocialAccount.objects.create(user=nuria, provider="twitter_oauth2", uid="x-nuria")
    SocialToken.objects.create(account=account, app=app, token=SECRET_TOKEN, token_secret=SECRET_REFRESH)
    suggest(nuria, "Write about our volunteering day in Vallecas", "https://www.example.com/volunteering")
    capsule = Capsule.objects.create(title="Basics", body="Be kind.", is_published=True)
    take_capsule(nuria, capsule, {})
    LeaderboardAlias.objects.create(employee=nuria, pseudonym="Rocket")
    item = RewardItem.objects.create(name="Company hoodie", points_price=20, stock=5)
    open_redemption = redemptions.redeem(nuria, item.pk)
    DigestDelivery.objects.create(employee=nuria, week_start=timezone.localdate() - timedelta(days=7), posts=3)
    GuideReminder.objects.create(employee=nuria, version=guide, day=timezone.localdate(), sent_at=timezone.now())
    comms = factories.UserFactory(roles=["comms"])
    EmployeeOfTheMonth.objects.create(month=timezone.localdate(), employee=nuria, citation="Nuria Vidal, top sharer",
                                      named_by=comms)
    Invitation.objects.create(email=nuria.email, accepted_at=timezone.now())
    from rewards.badges import award_badges

    award_badges([nuria.pk])
    return SimpleNamespace(user=nuria, team=team, guide=guide, post=post, share=shared.share, link=shared.link,
                           item=item, open_redemption=open_redemption, comms=comms, campaign=campaign)


def download(client, password=factories.PASSWORD):
    return client.post(reverse("privacy_download"), {"password": password})


def resolve(document, dotted):
    value = document
    for part in dotted.split("."):
        value = value[part]
    return value


# --- The download --------------------------------------------------------------------------------------

def test_every_relation_to_the_user_is_handled_by_the_download_and_the_erasure():
    """A new model pointing at the user must say what the download and the erasure do with it (USER_RELATIONS)."""
    found = set(privacy.user_relations())
    listed = set(privacy.USER_RELATIONS)
    assert found - listed == set(), f"add these to advocacy.privacy.USER_RELATIONS: {sorted(found - listed)}"
    assert listed - found == set(), f"these no longer exist: {sorted(listed - found)}"
    for name, handling in privacy.USER_RELATIONS.items():
        assert handling.erasure, name
        assert handling.export or handling.why, f"{name}: say where the download holds it, or why it does not"


def test_the_download_holds_every_listed_part(client):
    person = build_person()
    client.force_login(person.user)
    document = json.loads(download(client).content)
    for name, handling in privacy.USER_RELATIONS.items():
        if handling.export:
            resolve(document, handling.export)  # a KeyError names the part missing


def test_an_employee_downloads_all_their_data_as_json(client):
    person = build_person()
    fill_daily_stats()
    client.force_login(person.user)
    response = download(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert re.fullmatch(r'attachment; filename="my-data-\d{4}-\d{2}-\d{2}\.json"', response["Content-Disposition"])
    raw = response.content.decode()
    data = json.loads(raw)

    assert data["account"] | {"date_joined": None, "last_login": None} == {
        "id": person.user.pk, "email": "nuria.vidal@example.com", "first_name": "Nuria", "last_name": "Vidal",
        "date_joined": None, "last_login": None, "is_active": True, "roles": ["employee"]}
    assert data["email_addresses"] == [{"email": "nuria.vidal@example.com", "verified": True, "primary": True}]
    assert data["profile"]["team"]["name"] == "Madrid" and data["profile"]["job_title"] == "Plant engineer"
    assert data["program"]["member"] is True and data["program"]["joined_at"]
    assert data["connected_accounts"][0] | {"connected_at": None, "last_login": None} == {
        "provider": "twitter_oauth2", "uid": "x-nuria", "connected_at": None, "last_login": None}
    assert SECRET_TOKEN not in raw and SECRET_REFRESH not in raw and "app-secret" not in raw
    assert data["follower_counts"][0]["followers"] == 500
    share = data["shares"][0]
    assert share["text"] == "Proud of our new plant #Launch" and share["network"] == "linkedin"
    assert share["published_url"].startswith("https://www.linkedin.com/feed/update/urn:li:activity:72")
    assert share["published_post_id"] == "urn:li:activity:7200000000000000001"
    assert share["potential_reach"] == 500 and share["shared_at"]
    link = data["tracked_links"][0]
    assert (link["code"], link["clicks"], link["unique_clicks"]) == (person.link.code, 3, 2)  # the bot not counted
    # Clicks are about visitors: counts only, never their keys.
    assert "visitor_key" not in raw
    for key in Click.objects.values_list("visitor_key", flat=True):
        assert key not in raw
    signature = data["guide_signatures"][0]
    ack = Acknowledgement.objects.get(employee=person.user)
    assert signature | {"signed_at": None} == {
        "version": person.guide.version, "title": person.guide.title, "signed_at": None, "typed_name": "Nuria Vidal",
        "text_sha256": ack.text_sha256, "user_agent": "Mozilla/5.0 (signing browser)", "seal": ack.signature}
    assert data["training"]["completions"][0]["capsule"] == "Basics"
    assert data["points"]["balance"] == sum(PointsEntry.objects.filter(employee=person.user)
                                            .values_list("points", flat=True))
    assert {entry["reason"] for entry in data["points"]["ledger"]} >= {"share", "guide_signed", "capsule_passed",
                                                                       "redemption"}
    assert "first_share" in {badge["badge"] for badge in data["badges"]}
    assert data["leaderboard_pseudonym"] == "Rocket"
    assert data["redemptions"][0] | {"requested_at": None} == {
        "reward": "Company hoodie", "points": 20, "status": "requested", "requested_at": None, "decided_at": None,
        "delivered_at": None, "note": ""}
    assert data["suggestions"]["made"][0]["idea"] == "Write about our volunteering day in Vallecas"
    assert data["digest"]["subscribed"] is True and data["digest"]["sent"][0]["posts"] == 3
    assert data["employee_of_the_month"][0]["citation"] == "Nuria Vidal, top sharer"


def test_the_download_needs_the_password(client):
    person = build_person()
    client.force_login(person.user)
    response = download(client, password="not my password")
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert "This is not your password." in response.content.decode()


def test_the_download_is_a_post_from_a_signed_in_employee(client):
    assert client.post(reverse("privacy_download"), {"password": "x"}).status_code == 302  # to the login page
    client.force_login(factories.AdvocateFactory())
    assert client.get(reverse("privacy_download")).status_code == 405


def test_the_privacy_page_is_linked_from_the_profile_and_explains_what_is_kept(client):
    client.force_login(factories.AdvocateFactory())
    assert reverse("privacy") in client.get(reverse("profile")).content.decode()
    page = client.get(reverse("privacy")).content.decode()
    assert "Download my data" in page and reverse("privacy_erasure") in page
    assert f"Each click is kept {settings.CLICK_RETENTION_DAYS} days" in page
    erasure = client.get(reverse("privacy_erasure")).content.decode()
    assert "What is removed" in erasure and "What is kept, and why" in erasure and "Art. 17(3)(e)" in erasure


# --- Erasure --------------------------------------------------------------------------------------------

def ask_for_erasure(client, password=factories.PASSWORD, understood=True):
    data = {"password": password}
    if understood:
        data["understood"] = "on"
    return client.post(reverse("privacy_erasure"), data)


def test_asking_for_erasure_needs_the_password_and_the_confirmation(client):
    employee = factories.AdvocateFactory()
    client.force_login(employee)
    assert ask_for_erasure(client, password="wrong").status_code == 400
    assert ask_for_erasure(client, understood=False).status_code == 400
    assert not ErasureRequest.objects.exists()
    assert ask_for_erasure(client).status_code == 302
    assert ErasureRequest.objects.get().state == ErasureRequest.State.PENDING


def test_a_request_tells_hr_and_asking_again_changes_nothing(client, django_capture_on_commit_callbacks):
    employee = factories.AdvocateFactory()
    hr = factories.UserFactory(roles=["hr"], email="hr.person@example.com")
    client.force_login(employee)
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_erasure(client)
    assert [message.to for message in mail.outbox] == [[hr.email]]
    assert reverse("admin:advocacy_erasurerequest_decide", args=[ErasureRequest.objects.get().pk]) in \
        mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_erasure(client)
        first = privacy.request_erasure(employee)
    assert ErasureRequest.objects.count() == 1 and first == ErasureRequest.objects.get()
    assert len(mail.outbox) == 1
    page = client.get(reverse("privacy")).content.decode()
    assert "Withdraw my request" in page


def test_the_employee_can_withdraw_a_request_before_hr_decides(client):
    employee = factories.AdvocateFactory()
    client.force_login(employee)
    ask_for_erasure(client)
    client.post(reverse("privacy_erasure_withdraw"))
    assert ErasureRequest.objects.get().state == ErasureRequest.State.WITHDRAWN
    with pytest.raises(ValidationError):
        privacy.carry_out_erasure(ErasureRequest.objects.get(), factories.UserFactory(roles=["hr"]))
    employee.refresh_from_db()
    assert employee.is_active and employee.email.endswith("@example.com")
    ask_for_erasure(client)  # a new request is possible
    assert ErasureRequest.objects.filter(state=ErasureRequest.State.PENDING).count() == 1


def test_hr_see_the_requests_with_their_state_in_the_admin_and_decide(client, django_capture_on_commit_callbacks):
    employee = factories.AdvocateFactory(first_name="Iker", last_name="Sanz")
    hr = factories.UserFactory(roles=["hr"])
    pending = privacy.request_erasure(employee)
    client.force_login(hr)
    listing = client.get("/admin/advocacy/erasurerequest/").content.decode()
    assert "Waiting for HR" in listing and "Iker Sanz" in listing
    decide = reverse("admin:advocacy_erasurerequest_decide", args=[pending.pk])
    assert decide in listing
    page = client.get(decide).content.decode()
    assert "What carrying it out does" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide, {"decision": "carry_out"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.state, pending.decided_by) == (ErasureRequest.State.CARRIED_OUT, hr)
    assert mail.outbox[-1].to == [employee.email] and "erased" in mail.outbox[-1].subject
    listing = client.get("/admin/advocacy/erasurerequest/").content.decode()
    assert "Carried out" in listing and "Iker Sanz" not in listing
    assert privacy.pseudonymous_email(employee.pk) in listing


def test_hr_record_a_request_received_by_other_means(client):
    employee, hr = factories.AdvocateFactory(), factories.UserFactory(roles=["hr"])
    client.force_login(hr)
    response = client.post("/admin/advocacy/erasurerequest/add/", {"employee": employee.pk})
    assert response.status_code == 302
    recorded = ErasureRequest.objects.get()
    assert (recorded.employee, recorded.requested_by, recorded.state) == (employee, hr, "pending")
    again = client.post("/admin/advocacy/erasurerequest/add/", {"employee": employee.pk})
    assert again.status_code == 200 and "already has an erasure request waiting" in again.content.decode()


@pytest.mark.parametrize("role", ["comms", "reviewer", "manager"])
def test_only_hr_and_administrators_decide(client, role):
    request = privacy.request_erasure(factories.AdvocateFactory())
    someone = factories.UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        privacy.carry_out_erasure(request, someone)
    client.force_login(someone)
    response = client.get(reverse("admin:advocacy_erasurerequest_decide", args=[request.pk]))
    assert response.status_code in (302, 403)
    assert ErasureRequest.objects.get().state == ErasureRequest.State.PENDING


def test_declining_needs_a_reason_and_tells_the_employee(client, django_capture_on_commit_callbacks):
    employee, hr = factories.AdvocateFactory(), factories.UserFactory(roles=["hr"])
    request = privacy.request_erasure(employee)
    client.force_login(hr)
    decide = reverse("admin:advocacy_erasurerequest_decide", args=[request.pk])
    assert "Say why the request is declined" in client.post(decide, {"decision": "decline"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide, {"decision": "decline", "reason": "A claim about your post of May is in progress."})
    request.refresh_from_db()
    assert request.state == ErasureRequest.State.DECLINED
    assert mail.outbox[-1].to == [employee.email] and "claim about your post of May" in mail.outbox[-1].body
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ERASURE_DECLINED, actor=hr).count() == 1
    employee.refresh_from_db()
    assert employee.is_active


def stored_values():
    """(table, column, value) of every value of every table in the database, and of every session decoded."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT {', '.join(connection.ops.quote_name(c) for c in columns)} FROM {quoted}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        yield table, column, value
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.all():
        yield "django_session (decoded)", "session_data", json.dumps(store().decode(session.session_data))


def as_text(value):
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def test_erasure_removes_the_personal_data_and_keeps_the_company_counts(client, django_capture_on_commit_callbacks):
    person = build_person()
    nuria = person.user
    fill_daily_stats()
    month = Month.containing(timezone.localdate())
    rows_before, figures_before = daily_rows(), activity_figures(month)
    points_before = sum(PointsEntry.objects.filter(employee=nuria).values_list("points", flat=True))
    assert figures_before[0]["hashtag_mentions"] == 1 and figures_before[0]["clicks"] == 3
    client.force_login(nuria)
    ask_for_erasure(client)
    other_session = Client()
    other_session.force_login(nuria)
    hr = factories.UserFactory(roles=["hr"])
    with django_capture_on_commit_callbacks(execute=True):
        privacy.carry_out_erasure(ErasureRequest.objects.get(), hr)

    nuria.refresh_from_db()
    assert nuria.email == privacy.pseudonymous_email(nuria.pk) and (nuria.first_name, nuria.last_name) == ("", "")
    assert not nuria.is_active and not nuria.has_usable_password() and nuria.last_login is None
    assert not nuria.groups.exists()
    profile = nuria.profile
    assert (profile.team, profile.job_title, profile.location, profile.language) == (None, "", "", "")
    assert not profile.is_advocate and profile.digest_unsubscribed_at is not None
    assert not EmailAddress.objects.filter(user=nuria).exists()
    assert not SocialAccount.objects.filter(user=nuria).exists() and not SocialToken.objects.exists()
    assert not NetworkAudience.objects.filter(employee=nuria).exists()
    assert not LeaderboardAlias.objects.filter(employee=nuria).exists()
    share = Share.objects.get(pk=person.share.pk)
    assert (share.text, share.published_url, share.published_post_id) == ("#Launch", "", "")
    assert share.potential_reach == 500 and share.network == "linkedin"
    suggestion = Suggestion.objects.get(employee=nuria)
    assert (suggestion.note, suggestion.url) == ("", "")
    assert not CapsuleAttempt.objects.filter(employee=nuria).exists()
    assert CapsuleCompletion.objects.filter(employee=nuria).exists()
    assert not GuideReminder.objects.filter(employee=nuria).exists()
    assert not DigestDelivery.objects.filter(employee=nuria).exists()
    assert not Invitation.objects.filter(email="nuria.vidal@example.com").exists()
    assert EmployeeOfTheMonth.objects.get(employee=nuria).citation == ""
    assert BadgeAward.objects.filter(employee=nuria).exists()
    assert Redemption.objects.get(pk=person.open_redemption.pk).status == Redemption.Status.REJECTED
    assert TrackedLink.objects.filter(employee=nuria).count() == 1 and Click.objects.count() == 4
    # Signed in nowhere any more.
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(nuria.pk)]
    assert client.get("/").status_code == 302 and other_session.get("/").status_code == 302
    # The company's counts: the daily statistics, a refill of the days from the raw events, and the report.
    assert daily_rows() == rows_before
    refill_days(timezone.localdate() - timedelta(days=1), timezone.localdate())
    fill_daily_stats()
    assert daily_rows() == rows_before
    assert activity_figures(month) == figures_before
    points_after = sum(PointsEntry.objects.filter(employee=nuria).values_list("points", flat=True))
    assert points_after == points_before + 20  # the open redemption's points were returned
    # The guide signature is kept whole and still verifies.
    ack = Acknowledgement.objects.get(employee=nuria)
    assert ack.typed_name == "Nuria Vidal" and not ack.tampered_fields()
    call_command("verify_signatures")
    # Nothing else anywhere still says who she was: only the signature keeps the name she typed.
    for table, column, value in stored_values():
        text = as_text(value)
        assert "nuria.vidal@example.com" not in text, (table, column)
        if "Vidal" in text:
            assert (table, column) == ("guidelines_acknowledgement", "typed_name"), (table, column, text)
    assert mail.outbox[-1].to == ["nuria.vidal@example.com"]


def test_erasure_renames_a_drawn_raffles_entrant_and_the_draw_still_verifies():
    today = timezone.localdate()
    campaign = factories.CampaignFactory(hashtag="Summer", starts_on=today - timedelta(days=10),
                                         ends_on=today - timedelta(days=1))
    post = factories.PostFactory(campaign=campaign)
    during = timezone.now() - timedelta(days=4)
    raffle = raffles.create_raffle(campaign, "Summer raffle", "A bike", now=during)
    people = [factories.AdvocateFactory(first_name="Rafa", last_name=f"Entrant {n}") for n in range(3)]
    for entrant in people:
        Share.objects.create(employee=entrant, post=post, network="linkedin", text="#Summer fun", created_at=during)
    raffles.draw(raffle, by=factories.UserFactory(roles=["comms"]))
    raffle.refresh_from_db()
    erased = people[0]
    privacy.carry_out_erasure(privacy.request_erasure(erased), factories.UserFactory(roles=["hr"]))
    raffle.refresh_from_db()
    names = {entrant["name"] for entrant in raffle.entrants}
    assert "Rafa Entrant 0" not in names and f"erased-{erased.pk}" in names
    assert raffles.verify(raffle.seed, raffle.seed_sha256, raffle.entrants, raffle.winner_codes, raffle.winners)


def test_erasure_is_all_or_nothing(monkeypatch):
    person = build_person()
    request = privacy.request_erasure(person.user)

    def failing(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(raffles, "entrant_code", failing)  # one of the last steps
    raffle_campaign = factories.CampaignFactory(starts_on=timezone.localdate() - timedelta(days=5),
                                                ends_on=timezone.localdate() - timedelta(days=1))
    from rewards.models import Raffle

    Raffle.objects.create(campaign=raffle_campaign, title="Drawn", prize="x", status="drawn", seed="s" * 64,
                          seed_sha256="0" * 64)
    with pytest.raises(RuntimeError):
        privacy.carry_out_erasure(request, factories.UserFactory(roles=["hr"]))
    user = User.objects.get(pk=person.user.pk)
    assert user.email == "nuria.vidal@example.com" and user.is_active and user.has_usable_password()
    assert EmailAddress.objects.filter(user=user).exists() and SocialToken.objects.exists()
    assert Share.objects.get(pk=person.share.pk).text == "Proud of our new plant #Launch"
    assert Redemption.objects.get(pk=person.open_redemption.pk).status == Redemption.Status.REQUESTED
    assert ErasureRequest.objects.get().state == ErasureRequest.State.PENDING
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ERASURE_CARRIED_OUT).exists()


def test_carrying_out_twice_or_asking_after_the_erasure_changes_nothing():
    employee, hr = factories.AdvocateFactory(), factories.UserFactory(roles=["hr"])
    request = privacy.request_erasure(employee)
    first = privacy.carry_out_erasure(request, hr)
    again = privacy.carry_out_erasure(request, hr)
    assert again.outcome == first.outcome and again.decided_at == first.decided_at
    assert privacy.request_erasure(employee) == first
    assert ErasureRequest.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ERASURE_CARRIED_OUT).count() == 1


# --- Retention ------------------------------------------------------------------------------------------

@pytest.fixture
def old_clicks(settings):
    """Clicks on one link over ten days; the rollup has filled every day but the last two."""
    settings.CLICK_RETENTION_DAYS = 5
    employee = factories.AdvocateFactory()
    post = factories.PostFactory()
    today = timezone.localdate()
    share = Share.objects.create(employee=employee, post=post, network="linkedin", text="#Old",
                                 created_at=timezone.now() - timedelta(days=10))
    link = TrackedLink.objects.create(employee=employee, post=post, network="linkedin", destination=post.url)
    for age in range(10, 0, -1):
        day = today - timedelta(days=age)
        moment = timezone.make_aware(datetime.combine(day, time(9)))
        for visitor in range(age % 3 + 1):
            Click.objects.create(link=link, day=day, clicked_at=moment, visitor_key=f"key-{age}-{visitor}",
                                 is_unique=True)
        Click.objects.create(link=link, day=day, clicked_at=moment, visitor_key=f"key-{age}-0")  # a repeat
        Click.objects.create(link=link, day=day, clicked_at=moment, visitor_key="bot", is_bot=True)
    fill_daily_stats()
    return SimpleNamespace(employee=employee, link=link, share=share, today=today)


def months_of(today):
    return {Month.containing(today - timedelta(days=age)) for age in range(0, 12)}


def test_old_raw_clicks_are_deleted_in_batches_and_the_counts_do_not_change(old_clicks):
    today = old_clicks.today
    rows_before = daily_rows()
    reports_before = {month: activity_figures(month) for month in months_of(today)}
    export_before = privacy.click_counts(old_clicks.employee)
    deleted = privacy.purge_old_clicks(today, batch_size=2)
    # Kept 5 days: the clicks of days 10 to 6 days ago go (3 rows a day plus the visitors).
    expected = sum((age % 3 + 1) + 2 for age in range(6, 11))
    assert deleted == expected
    assert Click.objects.filter(day__lt=today - timedelta(days=5)).count() == 0
    assert Click.objects.filter(day__gte=today - timedelta(days=5)).count() == sum(
        (age % 3 + 1) + 2 for age in range(1, 6))
    assert RetentionMark.clicks_purged_through() == today - timedelta(days=6)
    assert daily_rows() == rows_before
    assert {month: activity_figures(month) for month in months_of(today)} == reports_before
    assert privacy.click_counts(old_clicks.employee) == export_before
    # A purged day filled again (new engagement, a backfill) keeps the clicks it had.
    StaleDay.objects.create(day=today - timedelta(days=8))
    fill_daily_stats()
    refill_days(today - timedelta(days=10), today)
    assert daily_rows() == rows_before
    assert privacy.purge_old_clicks(today) == 0  # nothing more to do


def test_my_shares_keep_their_clicks_after_the_old_raw_clicks_are_deleted(old_clicks, client):
    client.force_login(old_clicks.employee)

    def my_figures():
        return [(share.clicks, share.unique_clicks) for share in client.get("/shares/").context["page"]]

    before = my_figures()
    assert before == [(sum(age % 3 + 2 for age in range(1, 11)), sum(age % 3 + 1 for age in range(1, 11)))]
    assert privacy.purge_old_clicks(old_clicks.today) > 0
    assert my_figures() == before
    # A click today, not yet rolled up, is counted from its raw row beside the purged days' counts.
    Click.objects.create(link=old_clicks.link, day=old_clicks.today, clicked_at=timezone.now(), visitor_key="new",
                         is_unique=True)
    assert my_figures() == [(before[0][0] + 1, before[0][1] + 1)]


def test_clicks_of_days_the_rollup_has_not_filled_or_must_fill_again_are_kept(old_clicks):
    today = old_clicks.today
    FillState.objects.filter(name=DAILY_STATS).update(filled_until=today - timedelta(days=8))
    StaleDay.objects.create(day=today - timedelta(days=9))
    privacy.purge_old_clicks(today)
    kept_days = set(Click.objects.values_list("day", flat=True))
    assert today - timedelta(days=10) not in kept_days and today - timedelta(days=8) not in kept_days
    assert today - timedelta(days=9) in kept_days  # waiting to be filled again
    assert today - timedelta(days=7) in kept_days and today - timedelta(days=6) in kept_days  # not filled yet


def test_a_retention_of_zero_keeps_clicks_for_ever(old_clicks, settings):
    settings.CLICK_RETENTION_DAYS = 0
    before = Click.objects.count()
    assert privacy.purge_old_clicks(old_clicks.today) == 0
    assert Click.objects.count() == before


def test_the_nightly_job_is_scheduled_and_the_command_says_what_it_deleted(old_clicks, capsys):
    from advocacy.tasks import purge_expired_data_task

    assert settings.CELERY_BEAT_SCHEDULE["purge-expired-data"]["task"] == purge_expired_data_task.name
    call_command("purge_expired_data")
    out = capsys.readouterr().out
    expected = sum((age % 3 + 1) + 2 for age in range(6, 11))
    assert f"raw clicks: {expected} deleted (kept 5 days)" in out
    assert "guide signatures of erased employees: 0 deleted" in out and "expired sessions:" in out
    assert purge_expired_data_task.delay().get() == {"clicks": 0, "guide_signatures": 0, "sessions": 0}


def test_an_erased_employees_signatures_are_deleted_after_their_retention(settings):
    settings.GUIDE_SIGNATURE_RETENTION_DAYS = 30
    guide = factories.GuideVersionFactory()
    hr = factories.UserFactory(roles=["hr"])
    long_ago, recently, staying = (factories.AdvocateFactory() for _ in range(3))
    for person in (long_ago, recently, staying):
        sign_guide(person, guide, "Someone Signing")
    privacy.carry_out_erasure(privacy.request_erasure(long_ago), hr, now=timezone.now() - timedelta(days=31))
    privacy.carry_out_erasure(privacy.request_erasure(recently), hr, now=timezone.now() - timedelta(days=29))
    assert privacy.purge_expired_signatures() == 1
    assert set(Acknowledgement.objects.values_list("employee_id", flat=True)) == {recently.pk, staying.pk}
    call_command("verify_signatures")  # what is kept still matches its seal
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RETENTION_PURGE)
    assert entry.actor is None and entry.changes == {"guide_signatures": 1, "accounts": [long_ago.pk],
                                                     "retention_days": 30}
    settings.GUIDE_SIGNATURE_RETENTION_DAYS = 0
    assert privacy.purge_expired_signatures(now=timezone.now() + timedelta(days=9999)) == 0


def test_expired_sessions_are_deleted():
    from django.contrib.sessions.backends.db import SessionStore

    expired, alive = SessionStore(), SessionStore()
    expired.set_expiry(-10)
    expired.save()
    alive.save()
    assert privacy.purge_expired_sessions() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [alive.session_key]


# --- No raw IP anywhere ----------------------------------------------------------------------------------

CLIENT_IP = "203.0.113.77"  # TEST-NET-3 (RFC 5737): recognisable, never a real visitor
FORWARDED_IP = "198.51.100.23"
CLIENT_IPV6 = "2001:db8:85a3::8a2e:370:7334"


def ip_forms(address):
    """The ways an address could be stored: as text, its bytes, packed, and as an integer."""
    parsed = ipaddress.ip_address(address)
    family = socket.AF_INET6 if parsed.version == 6 else socket.AF_INET
    return {"text": [address, parsed.exploded], "bytes": [socket.inet_pton(family, address), address.encode()],
            "int": int(parsed)}


def test_no_raw_ip_is_stored_anywhere(client, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    headers = {"REMOTE_ADDR": CLIENT_IP, "HTTP_X_FORWARDED_FOR": f"{FORWARDED_IP}, {CLIENT_IP}",
               "HTTP_X_REAL_IP": FORWARDED_IP, "HTTP_USER_AGENT": CHROME}
    browser = Client(**headers)
    guide = factories.GuideVersionFactory()
    post = factories.PostFactory(texts={"linkedin": "Proud of this #story"})
    reward = RewardItem.objects.create(name="Mug", points_price=5, stock=10)
    factories.UserFactory(roles=["hr"])
    with django_capture_on_commit_callbacks(execute=True):
        # Sign-up, e-mail confirmation and sign-in.
        browser.post(reverse("account_signup"), {"email": "ip.tester@example.com", "password1": "a-Long-new-passw0rd",
                                                 "password2": "a-Long-new-passw0rd"})
        confirm = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
        browser.post(confirm)
        browser.logout()
        response = browser.post(reverse("account_login"), {"login": "ip.tester@example.com",
                                                           "password": "a-Long-new-passw0rd"})
        assert response.status_code == 302
        browser.post(reverse("join_program"), {"consent": "on"})
        # Signing the guide, sharing, a visitor's click (IPv4 and IPv6), a redemption, a suggestion.
        browser.post(reverse("guide"), {"accept": "on", "typed_name": "Ip Tester"})
        assert Acknowledgement.objects.filter(employee__email="ip.tester@example.com").exists()
        response = browser.post(reverse("share", args=[post.pk, "linkedin"]))
        assert response.status_code == 302
        link = TrackedLink.objects.get(employee__email="ip.tester@example.com")
        Client(**headers).get(f"/s/{link.code}")
        Client(REMOTE_ADDR=CLIENT_IPV6, HTTP_USER_AGENT=CHROME).get(f"/s/{link.code}")
        Client(**{**headers, "HTTP_USER_AGENT": "facebookexternalhit/1.1"}).get(f"/s/{link.code}")
        assert Click.objects.filter(link=link).count() == 3
        browser.post(reverse("redeem", args=[reward.pk]))
        assert Redemption.objects.filter(employee__email="ip.tester@example.com").exists()
        browser.post(reverse("suggest"), {"note": "An idea", "url": "https://www.example.com/idea"})
        assert Suggestion.objects.filter(employee__email="ip.tester@example.com").exists()
        # Her own data and a failed sign-in from the same address.
        assert browser.post(reverse("privacy_download"), {"password": "a-Long-new-passw0rd"}).status_code == 200
        browser.post(reverse("privacy_erasure"), {"password": "a-Long-new-passw0rd", "understood": "on"})
        Client(**headers).post(reverse("account_login"), {"login": "ip.tester@example.com", "password": "wrong"})
        fill_daily_stats()

    found = []
    for address in (CLIENT_IP, FORWARDED_IP, CLIENT_IPV6):
        forms = ip_forms(address)
        for table, column, value in stored_values():
            if isinstance(value, (bytes, memoryview)):
                raw = bytes(value)
                if any(form in raw for form in forms["bytes"]):
                    found.append((address, table, column))
            elif isinstance(value, int) and not isinstance(value, bool):
                if value == forms["int"]:
                    found.append((address, table, column))
            elif any(form in as_text(value) for form in forms["text"]):
                found.append((address, table, column))
        for form in forms["text"]:
            if form in caplog.text:
                found.append((address, "log output", form))
    assert found == []
