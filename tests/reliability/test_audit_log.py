"""The audit log of privileged actions: every action recorded with who, what and when, in the action's own
transaction; entries that nobody can edit or delete; a log only administrators read."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.models import Group, Permission
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from advocacy import audit, privacy
from advocacy.models import AuditEntry, AuditLogAppendOnly, User
from content_library.models import Post, PostTransition
from content_library.services import transition
from rewards import raffles, redemptions
from rewards.models import EmployeeOfTheMonth, PointsEntry, RewardItem
from rewards.services import adjust
from tests import factories
from tests.conftest import restore_roles

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action
AUDIT_LOG = "/admin/advocacy/auditentry/"


@pytest.fixture(autouse=True)
def roles(db):
    """The roles and their permissions as the migrations make them (a transactional test may have emptied them)."""
    restore_roles()


def person(*roles, **fields):
    return factories.UserFactory(roles=list(roles), **fields)


def entries(action, **filters):
    return list(AuditEntry.objects.filter(action=action, **filters).order_by("id"))


def only_entry(action, **filters):
    found = entries(action, **filters)
    assert len(found) == 1, found
    return found[0]


def admin_form_data(response):
    """The POST data of an admin change form as it was rendered (main form and inline formsets), to edit a field."""
    data = {}

    def add(form):
        for bound in form:
            if bound.field.disabled:
                continue
            value, widget = bound.value(), bound.field.widget
            if isinstance(widget, forms.MultiWidget):
                for index, part in enumerate(widget.decompress(value)):
                    data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
            elif isinstance(widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = "" if value is None else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


# --- Each privileged action is recorded ---------------------------------------------------------------

def test_a_reviewers_approval_and_rejection_are_recorded_with_the_comment():
    reviewer = person("reviewer")
    approved = factories.PostFactory(status=Post.Status.IN_REVIEW, title="Our new plant")
    rejected = factories.PostFactory(status=Post.Status.IN_REVIEW, title="Too early")
    transition(approved, Post.Status.APPROVED, reviewer, "Fine")
    transition(rejected, Post.Status.REJECTED, reviewer, "Wait for the press release")

    approval = only_entry(Action.POST_APPROVED)
    assert (approval.actor, approval.target, approval.target_repr) == (reviewer, approved, "Our new plant")
    assert approval.changes == {"from": "in_review", "to": "approved", "comment": "Fine"}
    rejection = only_entry(Action.POST_REJECTED)
    assert rejection.target == rejected and rejection.changes["comment"] == "Wait for the press release"
    # Sending to review is the curator's routine, not a privileged decision.
    transition(factories.PostFactory(status=Post.Status.DRAFT), Post.Status.IN_REVIEW, person("comms"))
    assert AuditEntry.objects.filter(action__in=[Action.POST_APPROVED, Action.POST_REJECTED]).count() == 2


def test_publishing_a_guide_version_from_the_admin_is_recorded_once(client):
    hr = person("hr")
    version = factories.GuideVersionFactory(version=7, published_at=None)
    client.force_login(hr)
    response = client.post("/admin/guidelines/guideversion/", {"action": "publish", "_selected_action": [version.pk]})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.published_at is not None
    entry = only_entry(Action.GUIDE_PUBLISHED)
    assert (entry.actor, entry.target, entry.changes["version"]) == (hr, version, 7)
    # Publishing it again changes nothing and records nothing.
    client.post("/admin/guidelines/guideversion/", {"action": "publish", "_selected_action": [version.pk]})
    assert len(entries(Action.GUIDE_PUBLISHED)) == 1


def test_a_hand_adjustment_of_points_is_recorded_without_the_note():
    comms, employee = person("comms"), factories.AdvocateFactory()
    entry = adjust(employee, 50, "Won the hackathon", by=comms)
    audit_entry = only_entry(Action.POINTS_ADJUSTED)
    assert (audit_entry.actor, audit_entry.target, audit_entry.target_repr) == (comms, entry, "+50")
    assert audit_entry.changes == {"employee": employee.pk, "points": 50}


def test_redemption_decisions_are_recorded():
    hr, employee = person("hr"), factories.AdvocateFactory()
    PointsEntry.objects.create(employee=employee, points=500, reason=PointsEntry.Reason.ADJUSTMENT, note="Seed")
    item = RewardItem.objects.create(name="Gift card", points_price=100)
    delivered = redemptions.redeem(employee, item.pk)
    rejected = redemptions.redeem(employee, item.pk)
    redemptions.approve(delivered, hr)
    redemptions.mark_delivered(delivered, hr)
    redemptions.reject(rejected, hr, "Out of budget this quarter")

    assert [(e.target, e.changes["from"], e.changes["to"]) for e in entries(Action.REDEMPTION_APPROVED)] == [
        (delivered, "requested", "approved")]
    assert only_entry(Action.REDEMPTION_DELIVERED).changes["to"] == "delivered"
    rejection = only_entry(Action.REDEMPTION_REJECTED)
    assert (rejection.actor, rejection.target, rejection.target_repr) == (hr, rejected, f"Gift card (#{rejected.pk})")
    assert employee.email not in rejection.target_repr and "Ana" not in rejection.target_repr


def test_a_raffle_draw_is_recorded_with_its_winners_codes():
    today = timezone.localdate()
    campaign = factories.CampaignFactory(hashtag="Launch", starts_on=today - timedelta(days=10),
                                         ends_on=today - timedelta(days=1))
    post = factories.PostFactory(campaign=campaign)
    during = timezone.now() - timedelta(days=3)
    raffle = raffles.create_raffle(campaign, "Launch raffle", "A bike", now=during)
    for _ in range(3):
        factories.AdvocateFactory().shares.create(post=post, network="linkedin", text="Proud #Launch",
                                                  created_at=during)
    comms = person("comms")
    raffles.draw(raffle, by=comms)
    entry = only_entry(Action.RAFFLE_DRAWN)
    raffle.refresh_from_db()
    assert (entry.actor, entry.target, entry.target_repr) == (comms, raffle, "Launch raffle")
    assert entry.changes == {"entrants": 3, "winner_codes": raffle.winner_codes, "seed_sha256": raffle.seed_sha256}


def test_roles_and_superuser_status_changed_in_the_admin_are_recorded_as_the_admins(client):
    administrator = person("admin")
    target = person()
    client.force_login(administrator)
    url = reverse("admin:advocacy_user_change", args=[target.pk])
    data = admin_form_data(client.get(url))
    data["groups"] = [str(Group.objects.get(name=name).pk) for name in ("employee", "comms", "hr")]
    data["is_superuser"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    added = only_entry(Action.ROLE_ADDED, target_id=target.pk)
    assert (added.actor, added.target, added.changes) == (administrator, target, {"roles": ["comms", "hr"]})
    access = only_entry(Action.ACCESS_CHANGED, target_id=target.pk)
    assert access.actor == administrator and access.changes["is_superuser"] == [False, True]

    data = admin_form_data(client.get(url))
    data["groups"] = [str(Group.objects.get(name="employee").pk)]
    client.post(url, data)
    removed = only_entry(Action.ROLE_REMOVED, target_id=target.pk)
    assert (removed.actor, removed.changes) == (administrator, {"roles": ["comms", "hr"]})


def test_role_changes_made_from_the_groups_side_or_in_code_are_recorded_too():
    someone, administrator = person(), person("admin")
    with audit.acting(administrator):
        Group.objects.get(name="reviewer").user_set.add(someone)
        someone.groups.clear()
    assert [(e.action, e.actor, e.target, e.changes) for e in
            AuditEntry.objects.filter(target_id=someone.pk, action__in=[Action.ROLE_ADDED, Action.ROLE_REMOVED])
            .order_by("id")] == [
        (Action.ROLE_ADDED, administrator, someone, {"roles": ["reviewer"]}),
        (Action.ROLE_REMOVED, administrator, someone, {"roles": ["reviewer"]}),  # the employee role is not counted
    ]
    # The employee role grants nothing: a sign-up's employee role is not a privileged change.
    assert not AuditEntry.objects.filter(changes__roles=["employee"]).exists()


def test_a_roles_permissions_changed_in_the_admin_are_recorded(client):
    administrator = person("admin")
    client.force_login(administrator)
    group = Group.objects.get(name="manager")
    url = reverse("admin:auth_group_change", args=[group.pk])
    data = admin_form_data(client.get(url))
    extra = Permission.objects.get(content_type__app_label="rewards", codename="view_redemption")
    data["permissions"] = [*data["permissions"], str(extra.pk)]
    assert client.post(url, data).status_code == 302
    entry = only_entry(Action.PERMISSIONS_CHANGED, actor=administrator)
    assert (entry.actor, entry.target, entry.target_repr) == (administrator, group, "manager")
    assert entry.changes == {"added": ["rewards.view_redemption"]}


def test_naming_the_employee_of_the_month_is_recorded_without_the_citation(client):
    comms, winner = person("comms"), factories.AdvocateFactory()
    client.force_login(comms)
    month = timezone.localdate().replace(day=1)
    response = client.post("/admin/rewards/employeeofthemonth/add/", {
        "month": month.isoformat(), "employee": winner.pk, "citation": "Brought 300 clicks to the launch"})
    assert response.status_code == 302
    entry = only_entry(Action.EMPLOYEE_OF_THE_MONTH)
    recognition = EmployeeOfTheMonth.objects.get()
    assert (entry.actor, entry.target, entry.target_repr) == (comms, recognition, f"{month:%Y-%m}")
    assert entry.changes["event"] == "created"
    assert entry.changes["fields"]["employee"] == [None, winner.pk]
    assert entry.changes["fields"]["citation"] == "changed"


def test_media_value_rates_and_the_program_cost_changed_in_the_admin_are_recorded(client):
    from metrics.models import NetworkRate, ProgramCost

    administrator = person("admin")
    client.force_login(administrator)
    rate = NetworkRate.objects.create(network="linkedin", cpm=Decimal("10.00"), cpc=Decimal("1.00"))
    url = reverse("admin:metrics_networkrate_change", args=[rate.pk])
    assert client.post(url, {"network": "linkedin", "cpm": "12.50", "cpc": "1.00"}).status_code == 302
    entry = only_entry(Action.NETWORK_RATE_CHANGED)
    assert entry.actor == administrator and entry.changes == {"event": "changed", "fields": {
        "cpm": ["10.00", "12.50"]}}

    response = client.post(reverse("admin:metrics_programcost_add"), {"month": "2026-03-01", "amount": "1500",
                                                                       "note": "Licences"})
    assert response.status_code == 302
    cost = ProgramCost.objects.get()
    client.post(reverse("admin:metrics_programcost_delete", args=[cost.pk]), {"post": "yes"})
    assert not ProgramCost.objects.exists()
    assert [entry.changes["event"] for entry in entries(Action.PROGRAM_COST_CHANGED)] == ["created", "deleted"]


def test_an_erasure_carried_out_is_recorded_with_what_it_did():
    hr, employee = person("hr"), factories.AdvocateFactory()
    request = privacy.request_erasure(employee)
    privacy.carry_out_erasure(request, hr)
    entry = only_entry(Action.ERASURE_CARRIED_OUT)
    assert (entry.actor, entry.target_id, entry.changes["request"]) == (hr, employee.pk, request.pk)
    assert entry.changes["email_addresses"] == 1 and entry.changes["follower_counts"] == 1


# --- Same transaction as the action -------------------------------------------------------------------

def test_an_action_rolled_back_leaves_no_entry(monkeypatch):
    reviewer = person("reviewer")
    post = factories.PostFactory(status=Post.Status.IN_REVIEW)

    def broken_save(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Post, "save", broken_save)
    with pytest.raises(DatabaseError):
        transition(post, Post.Status.APPROVED, reviewer)
    assert not AuditEntry.objects.filter(action=Action.POST_APPROVED).exists()
    assert not PostTransition.objects.filter(post=post).exists()


def test_the_entry_commits_and_rolls_back_with_the_action():
    comms, employee = person("comms"), factories.AdvocateFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        adjust(employee, 10, "Oops", by=comms)
        assert AuditEntry.objects.filter(action=Action.POINTS_ADJUSTED).exists()
        raise RuntimeError("the caller's transaction fails afterwards")
    assert not AuditEntry.objects.filter(action=Action.POINTS_ADJUSTED).exists()
    assert not PointsEntry.objects.filter(employee=employee).exists()


# --- Append-only ---------------------------------------------------------------------------------------

@pytest.fixture
def entry():
    return audit.record(Action.POINTS_ADJUSTED, factories.AdvocateFactory(), actor=person("comms"),
                        changes={"points": 5})


def test_an_entry_cannot_be_edited_or_deleted_through_the_model(entry):
    entry.changes = {"points": 5000}
    with pytest.raises(AuditLogAppendOnly):
        entry.save()
    with pytest.raises(AuditLogAppendOnly):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).changes == {"points": 5}


def test_an_entry_cannot_be_edited_or_deleted_through_a_queryset(entry):
    with pytest.raises(AuditLogAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(changes={})
    with pytest.raises(AuditLogAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).changes == {"points": 5}
    with pytest.raises(AuditLogAppendOnly):  # last: it breaks the test's transaction, as any failed write does
        AuditEntry.objects.bulk_update([entry], ["changes"])


def test_the_admin_refuses_to_edit_or_delete_an_entry_even_to_a_superuser(client, entry):
    root = User.objects.create_superuser("root@example.com", factories.PASSWORD)
    client.force_login(root)
    change = reverse("admin:advocacy_auditentry_change", args=[entry.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change, {"action": "role_added", "changes": "{}"}).status_code == 403
    assert client.post(reverse("admin:advocacy_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:advocacy_auditentry_add")).status_code == 403
    listing = client.get(AUDIT_LOG).content.decode()
    assert "delete_selected" not in listing
    response = client.post(AUDIT_LOG, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


# --- Who reads it --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["comms", "reviewer", "hr"])
def test_staff_who_are_not_administrators_cannot_see_the_audit_log(client, entry, role):
    client.force_login(person(role))
    assert client.get(AUDIT_LOG).status_code == 403
    assert client.get(reverse("admin:advocacy_auditentry_change", args=[entry.pk])).status_code == 403
    assert "auditentry" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("role", ["employee", "manager"])
def test_people_outside_the_admin_cannot_see_it(client, entry, role):
    client.force_login(person(role) if role != "employee" else factories.AdvocateFactory())
    response = client.get(AUDIT_LOG)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_administrators_read_the_log_with_filters_and_search(client, entry):
    administrator = person("admin")
    other = audit.record(Action.GUIDE_PUBLISHED, factories.GuideVersionFactory(title="Guide"), actor=administrator,
                         text="Guide (v9)")
    client.force_login(administrator)
    page = client.get(AUDIT_LOG).content.decode()
    assert "Points adjusted by hand" in page and "Guide (v9)" in page
    assert "admin/advocacy/auditentry/" in client.get("/admin/").content.decode()
    by_action = client.get(AUDIT_LOG, {"action__exact": Action.GUIDE_PUBLISHED}).context["cl"].result_list
    assert list(by_action) == [other]
    by_actor = client.get(AUDIT_LOG, {"actor__id__exact": entry.actor_id}).context["cl"].result_list
    assert list(by_actor) == [entry]
    searched = client.get(AUDIT_LOG, {"q": "Guide (v9)"}).context["cl"].result_list
    assert list(searched) == [other]
    today = timezone.localdate()

    def on(day):  # the date hierarchy's links
        return client.get(AUDIT_LOG, {"at__year": day.year, "at__month": day.month, "at__day": day.day})

    assert {entry, other} <= set(on(today).context["cl"].result_list)
    assert not list(on(today - timedelta(days=9)).context["cl"].result_list)


def test_an_erased_actor_shows_under_the_pseudonym_in_the_log(client):
    hr = person("hr", first_name="Marta", last_name="Gil")
    comms = person("comms", first_name="Lola", last_name="Flores", email="lola@example.com")
    adjust(factories.AdvocateFactory(), 5, "Thanks", by=comms)
    privacy.carry_out_erasure(privacy.request_erasure(comms), hr)
    client.force_login(person("admin"))
    page = client.get(AUDIT_LOG, {"action__exact": Action.POINTS_ADJUSTED}).content.decode()
    assert "Lola" not in page and "lola@example.com" not in page
    assert privacy.pseudonymous_email(comms.pk) in page
