"""The rewards catalog: redeeming debits at once, comms or HR approve, reject (points and stock back) or
deliver, the employee follows each one on /rewards/, and neither a balance nor a stock ever goes below zero,
even with parallel requests."""

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from rewards import redemptions
from rewards.models import PointsEntry, Redemption, RewardItem
from rewards.services import balance
from tests import factories

DECIDER_PERMISSIONS = ["add_rewarditem", "change_rewarditem", "view_rewarditem", "delete_rewarditem",
                       "view_redemption", "change_redemption"]
CHANGELIST = "/admin/rewards/redemption/"


@pytest.fixture
def reward_roles(db):
    """Comms and HR decide on redemptions and keep the catalog (granted here too in case the migration lags)."""
    permissions = Permission.objects.filter(content_type__app_label="rewards", codename__in=DECIDER_PERMISSIONS)
    for role in ("comms", "hr"):
        Group.objects.get_or_create(name=role)[0].permissions.add(*permissions)


@pytest.fixture
def comms(reward_roles):
    return factories.UserFactory(roles=["comms"])


@pytest.fixture
def hr(reward_roles):
    return factories.UserFactory(roles=["hr"])


def give_points(employee, points):
    return PointsEntry.objects.create(employee=employee, points=points, reason=PointsEntry.Reason.ADJUSTMENT,
                                      note="Test points")


def reward(name="Gift card", price=100, stock=None, **fields):
    return RewardItem.objects.create(name=name, points_price=price, stock=stock, **fields)


def ledger_sum(employee):
    return sum(PointsEntry.objects.filter(employee=employee).values_list("points", flat=True))


def redemption_entries(redemption, reason):
    return PointsEntry.objects.filter(source_type=ContentType.objects.get_for_model(Redemption),
                                      source_id=redemption.pk, reason=reason)


@pytest.fixture
def rich_employee(employee):
    give_points(employee, 500)
    return employee


# Redeeming ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_redeeming_debits_the_points_at_once_and_the_balance_is_the_ledger_sum(rich_employee):
    item = reward(price=120, stock=3)
    redemption = redemptions.redeem(rich_employee, item.pk)
    assert redemption.status == Redemption.Status.REQUESTED and redemption.points == 120
    debit = redemption_entries(redemption, PointsEntry.Reason.REDEMPTION).get()
    assert debit.points == -120 and debit.employee == rich_employee
    assert debit.team_id == rich_employee.profile.team_id
    assert balance(rich_employee) == ledger_sum(rich_employee) == 380
    item.refresh_from_db()
    assert item.stock == 2


@pytest.mark.django_db
def test_a_short_balance_is_refused_with_a_message_and_nothing_is_written(employee):
    give_points(employee, 99)
    item = reward(name="Hoodie", price=100, stock=4)
    with pytest.raises(ValidationError) as refusal:
        redemptions.redeem(employee, item.pk)
    assert refusal.value.code == "insufficient_points"
    assert refusal.value.messages == ["“Hoodie” costs 100 points and your balance is 99 points."]
    assert not Redemption.objects.exists()
    assert PointsEntry.objects.filter(employee=employee).count() == 1 and balance(employee) == 99
    item.refresh_from_db()
    assert item.stock == 4


@pytest.mark.django_db
def test_an_out_of_stock_reward_is_refused(rich_employee):
    item = reward(name="Mug", stock=0)
    with pytest.raises(ValidationError, match="“Mug” is out of stock."):
        redemptions.redeem(rich_employee, item.pk)
    assert not Redemption.objects.exists() and balance(rich_employee) == 500


@pytest.mark.django_db
@pytest.mark.parametrize("item_id", ["inactive", "missing", "not-a-number", None])
def test_a_reward_that_is_gone_or_no_longer_offered_is_refused(rich_employee, item_id):
    ids = {"inactive": reward(is_active=False).pk, "missing": 987654}
    with pytest.raises(ValidationError, match="This reward is no longer offered."):
        redemptions.redeem(rich_employee, ids.get(item_id, item_id))
    assert not Redemption.objects.exists() and balance(rich_employee) == 500


@pytest.mark.django_db
def test_unlimited_stock_is_never_used_up(rich_employee):
    item = reward(name="A tree planted", price=50, stock=None, kind=RewardItem.Kind.DONATION)
    for _ in range(10):
        redemptions.redeem(rich_employee, item.pk)
    item.refresh_from_db()
    assert item.stock is None
    assert Redemption.objects.filter(item=item).count() == 10 and balance(rich_employee) == 0


# Deciding -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_approving_records_who_decided_and_when(rich_employee, comms):
    redemption = redemptions.redeem(rich_employee, reward().pk)
    redemptions.approve(redemption, comms)
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.APPROVED
    assert redemption.decided_by == comms and redemption.decided_at is not None
    assert balance(rich_employee) == 400  # approving moves no points


@pytest.mark.django_db
@pytest.mark.parametrize("approved_first", [False, True], ids=["requested", "approved"])
def test_rejecting_refunds_the_points_and_puts_the_stock_back(rich_employee, hr, comms, approved_first):
    item = reward(price=150, stock=2)
    redemption = redemptions.redeem(rich_employee, item.pk)
    if approved_first:
        redemptions.approve(redemption, comms)
    redemptions.reject(redemption, hr, "The supplier closed.")
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.REJECTED and redemption.note == "The supplier closed."
    assert redemption.decided_by == hr
    assert redemption_entries(redemption, PointsEntry.Reason.REFUND).get().points == 150
    assert balance(rich_employee) == ledger_sum(rich_employee) == 500
    item.refresh_from_db()
    assert item.stock == 2


@pytest.mark.django_db
def test_rejecting_an_unlimited_reward_leaves_its_stock_unlimited(rich_employee, comms):
    item = reward(stock=None)
    redemptions.reject(redemptions.redeem(rich_employee, item.pk), comms, "Not this month.")
    item.refresh_from_db()
    assert item.stock is None and balance(rich_employee) == 500


@pytest.mark.django_db
def test_rejecting_needs_a_note(rich_employee, comms):
    redemption = redemptions.redeem(rich_employee, reward().pk)
    with pytest.raises(ValidationError, match="Say why the redemption is rejected"):
        redemptions.reject(redemption, comms, "   ")
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.REQUESTED and balance(rich_employee) == 400


@pytest.mark.django_db
def test_an_approved_redemption_can_be_marked_delivered(rich_employee, comms, hr):
    redemption = redemptions.redeem(rich_employee, reward().pk)
    redemptions.approve(redemption, comms)
    redemptions.mark_delivered(redemption, hr)
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.DELIVERED and redemption.delivered_at is not None
    assert redemption.decided_by == comms  # who approved it stays on record
    assert balance(rich_employee) == 400


ILLEGAL = [
    ([], "mark_delivered", "Only an approved redemption can be marked delivered; this one is “Requested”."),
    (["approve"], "approve", "Only a requested redemption can be approved; this one is “Approved”."),
    (["reject"], "approve", "Only a requested redemption can be approved"),
    (["reject"], "mark_delivered", "Only an approved redemption can be marked delivered"),
    (["approve", "mark_delivered"], "reject", "Only a requested or approved redemption can be rejected; this one "
                                              "is “Delivered”."),
    (["approve", "mark_delivered"], "approve", "Only a requested redemption can be approved"),
    (["approve", "mark_delivered"], "mark_delivered", "Only an approved redemption can be marked delivered"),
    (["reject"], "reject", "Only a requested or approved redemption can be rejected"),
]


def _act(action, redemption, by):
    if action == "reject":
        return redemptions.reject(redemption, by, "No.")
    return getattr(redemptions, action)(redemption, by)


@pytest.mark.django_db
@pytest.mark.parametrize("before, action, message", ILLEGAL,
                         ids=[f"{'-'.join(before) or 'requested'}-then-{action}" for before, action, _ in ILLEGAL])
def test_illegal_transitions_are_refused_and_change_nothing(rich_employee, comms, before, action, message):
    redemption = redemptions.redeem(rich_employee, reward(stock=5).pk)
    for step in before:
        _act(step, redemption, comms)
    redemption.refresh_from_db()
    state = (redemption.status, redemption.decided_at, redemption.delivered_at, balance(rich_employee))
    with pytest.raises(ValidationError, match=message):
        _act(action, redemption, comms)
    redemption.refresh_from_db()
    assert (redemption.status, redemption.decided_at, redemption.delivered_at, balance(rich_employee)) == state
    assert RewardItem.objects.get().stock == (5 if "reject" in before else 4)


@pytest.mark.django_db
def test_a_second_reject_never_refunds_twice_the_database_refuses_it(rich_employee, comms):
    item = reward(stock=5)
    redemption = redemptions.redeem(rich_employee, item.pk)
    redemptions.reject(redemption, comms, "Out of budget.")
    # Even if the status were put back by hand, the ledger's constraint refuses a second refund, and the whole
    # rejection (status, stock) is rolled back with it.
    Redemption.objects.filter(pk=redemption.pk).update(status=Redemption.Status.APPROVED)
    with pytest.raises(ValidationError, match="The points of this redemption were already returned."):
        redemptions.reject(redemption, comms, "Again.")
    assert redemption_entries(redemption, PointsEntry.Reason.REFUND).count() == 1
    assert balance(rich_employee) == 500
    redemption.refresh_from_db()
    item.refresh_from_db()
    assert redemption.status == Redemption.Status.APPROVED and redemption.note == "Out of budget."
    assert item.stock == 5


@pytest.mark.django_db
def test_an_employee_cannot_decide_on_a_redemption(rich_employee):
    redemption = redemptions.redeem(rich_employee, reward().pk)
    with pytest.raises(PermissionDenied):
        redemptions.approve(redemption, rich_employee)
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.REQUESTED


# The page -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_catalog_shows_each_reward_with_its_price_and_stock(client, rich_employee):
    reward(name="Gift card", price=100, stock=3, kind=RewardItem.Kind.GIFT_CARD)
    reward(name="A tree planted", price=50, stock=None, kind=RewardItem.Kind.DONATION)
    reward(name="Retired mug", is_active=False)
    client.force_login(rich_employee)
    page = client.get("/rewards/").content.decode()
    assert reverse("rewards_catalog") == "/rewards/"
    assert "Gift card" in page and "A tree planted" in page and "Retired mug" not in page
    assert "Unlimited" in page and "100 points" in page
    assert "bi-credit-card-2-front" in page and "bi-balloon-heart" in page  # an icon per kind, no image
    assert 'data-balance="500"' in page and "500 points" in page


@pytest.mark.django_db
def test_the_catalog_shows_a_rewards_image(client, rich_employee):
    reward(name="Hoodie", image="rewards/hoodie.jpg")
    client.force_login(rich_employee)
    assert 'src="/media/rewards/hoodie.jpg"' in client.get("/rewards/").content.decode()


@pytest.mark.django_db
def test_the_redeem_button_is_disabled_with_the_reason(client, employee):
    give_points(employee, 80)
    affordable = reward(name="Sticker", price=50, stock=None)
    expensive = reward(name="Day off", price=1000, stock=None)
    sold_out = reward(name="Mug", price=10, stock=0)
    client.force_login(employee)
    page = client.get("/rewards/").content.decode()
    assert f'action="{reverse("redeem", args=[affordable.pk])}"' in page
    assert f'action="{reverse("redeem", args=[expensive.pk])}"' not in page
    assert f'action="{reverse("redeem", args=[sold_out.pk])}"' not in page
    assert page.count("disabled") == 2
    assert "You need 920 more points" in page and "Out of stock" in page


@pytest.mark.django_db
def test_redeeming_from_the_page_debits_and_says_so(client, rich_employee):
    item = reward(name="Hoodie", price=200, stock=1)
    client.force_login(rich_employee)
    response = client.post(reverse("redeem", args=[item.pk]), follow=True)
    redemption = Redemption.objects.get()
    assert response.redirect_chain == [(f"/rewards/#redemption-{redemption.pk}", 302)]
    page = response.content.decode()
    assert "You redeemed “Hoodie” for 200 points." in page and 'data-balance="300"' in page
    assert balance(rich_employee) == 300


@pytest.mark.django_db
def test_a_refused_redemption_on_the_page_shows_why_and_writes_nothing(client, employee):
    item = reward(name="Hoodie", price=200)
    client.force_login(employee)
    response = client.post(reverse("redeem", args=[item.pk]), follow=True)
    assert response.status_code == 200
    assert "“Hoodie” costs 200 points and your balance is 0 points." in response.content.decode()
    assert not Redemption.objects.exists() and not PointsEntry.objects.exists()


@pytest.mark.django_db
def test_the_employee_follows_the_state_of_each_redemption(client, rich_employee, comms):
    requested = redemptions.redeem(rich_employee, reward(name="Sticker", price=10).pk)
    approved = redemptions.redeem(rich_employee, reward(name="Hoodie", price=20).pk)
    delivered = redemptions.redeem(rich_employee, reward(name="Gift card", price=30).pk)
    rejected = redemptions.redeem(rich_employee, reward(name="Day off", price=40).pk)
    redemptions.approve(approved, comms)
    redemptions.approve(delivered, comms)
    redemptions.mark_delivered(delivered, comms)
    redemptions.reject(rejected, comms, "Not during the launch week.")
    someone_else = factories.AdvocateFactory()
    give_points(someone_else, 100)
    redemptions.redeem(someone_else, reward(name="Not mine", price=10).pk)
    client.force_login(rich_employee)
    page = client.get("/rewards/").content.decode()
    section = page[page.index('id="my-redemptions"'):]
    for redemption, status in [(requested, "requested"), (approved, "approved"), (delivered, "delivered"),
                               (rejected, "rejected")]:
        card = section[section.index(f'id="redemption-{redemption.pk}"'):]
        card = card[:card.index("</li>")]
        assert f'data-status="{status}"' in card and redemption.item.name in card
        assert "Requested" in card
    assert "Delivered" in section and "Rejected (points returned)" in section
    assert "Why: Not during the launch week." in section
    assert "Not mine" not in section


@pytest.mark.django_db
def test_a_bad_item_id_is_a_404(client, rich_employee):
    client.force_login(rich_employee)
    assert client.post("/rewards/987654/redeem/").status_code == 404
    assert client.post("/rewards/99999999999999999999999/redeem/").status_code == 404
    assert client.post("/rewards/abc/redeem/").status_code == 404


@pytest.mark.django_db
def test_get_on_the_redeem_url_is_405(client, rich_employee):
    client.force_login(rich_employee)
    assert client.get(reverse("redeem", args=[reward().pk])).status_code == 405
    assert not Redemption.objects.exists()


@pytest.mark.django_db
def test_the_redeem_form_is_csrf_protected(rich_employee):
    item = reward()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(rich_employee)
    page = browser.get("/rewards/").content.decode()
    form = page[page.index(f'action="{reverse("redeem", args=[item.pk])}"'):]
    assert 'method="post"' in page and 'name="csrfmiddlewaretoken"' in form[:form.index("</form>")]
    assert browser.post(reverse("redeem", args=[item.pk])).status_code == 403
    assert not Redemption.objects.exists()


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client):
    item = reward()
    assert client.get("/rewards/").status_code == 302
    assert client.post(reverse("redeem", args=[item.pk])).status_code == 302
    assert not Redemption.objects.exists()


@pytest.mark.django_db
def test_the_catalog_page_takes_the_same_queries_however_many_rewards_and_redemptions(
        client, rich_employee, django_assert_max_num_queries):
    give_points(rich_employee, 10_000)
    client.force_login(rich_employee)

    def add(count):
        for number in range(count):
            item = reward(name=f"Reward {number}", price=10, stock=100,
                          image="rewards/r.jpg" if number % 2 else "")
            redemptions.redeem(rich_employee, item.pk)

    add(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/rewards/").status_code == 200
    add(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/rewards/").status_code == 200


# The admin ------------------------------------------------------------------------------------------------


def _select(client, action, *redemptions_chosen, **extra):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [r.pk for r in redemptions_chosen],
                                    **extra}, follow=True)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["comms", "hr"])
def test_comms_and_hr_approve_and_deliver_from_the_admin(client, rich_employee, reward_roles, role):
    decider = factories.UserFactory(roles=[role])
    redemption = redemptions.redeem(rich_employee, reward().pk)
    client.force_login(decider)
    assert client.get(CHANGELIST).status_code == 200
    assert "1 redemption approved." in _select(client, "approve", redemption).content.decode()
    assert "1 redemption marked delivered." in _select(client, "mark_delivered", redemption).content.decode()
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.DELIVERED and redemption.decided_by == decider


@pytest.mark.django_db
def test_rejecting_in_the_admin_asks_for_a_note_and_refunds(client, rich_employee, comms):
    item = reward(stock=2)
    redemption = redemptions.redeem(rich_employee, item.pk)
    client.force_login(comms)
    page = client.get(CHANGELIST).content.decode()
    assert 'name="note"' in page
    refused = _select(client, "reject", redemption, note="").content.decode()
    assert "Write a note saying why to reject" in refused
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.REQUESTED and balance(rich_employee) == 400
    done = _select(client, "reject", redemption, note="We ran out.").content.decode()
    assert "1 redemption rejected; its points were returned." in done
    redemption.refresh_from_db()
    item.refresh_from_db()
    assert redemption.status == Redemption.Status.REJECTED and redemption.note == "We ran out."
    assert balance(rich_employee) == 500 and item.stock == 2


@pytest.mark.django_db
def test_the_admin_reports_each_refused_redemption_and_does_the_others(client, rich_employee, comms):
    ready = redemptions.redeem(rich_employee, reward(name="Hoodie").pk)
    not_yet = redemptions.redeem(rich_employee, reward(name="Sticker").pk)
    redemptions.approve(ready, comms)
    client.force_login(comms)
    page = _select(client, "mark_delivered", ready, not_yet).content.decode()
    assert "1 redemption marked delivered." in page
    assert "Only an approved redemption can be marked delivered; this one is “Requested”." in page
    ready.refresh_from_db()
    not_yet.refresh_from_db()
    assert ready.status == Redemption.Status.DELIVERED and not_yet.status == Redemption.Status.REQUESTED


@pytest.mark.django_db
def test_a_redemption_is_never_added_edited_or_deleted_in_the_admin(client, rich_employee, comms):
    redemption = redemptions.redeem(rich_employee, reward(price=100).pk)
    client.force_login(comms)
    change_url = f"{CHANGELIST}{redemption.pk}/change/"
    page = client.get(change_url).content.decode()
    assert 'name="points"' not in page and 'name="employee"' not in page and 'name="item"' not in page
    assert client.post(change_url, {"points": 1, "status": "delivered"}).status_code == 403
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{redemption.pk}/delete/", {"post": "yes"}).status_code == 403
    actions = client.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert "delete_selected" not in [name for name, _ in actions]
    redemption.refresh_from_db()
    assert redemption.points == 100 and redemption.status == Redemption.Status.REQUESTED


@pytest.mark.django_db
def test_employees_get_no_admin_access_to_rewards(client, rich_employee):
    redemption = redemptions.redeem(rich_employee, reward().pk)
    client.force_login(rich_employee)
    response = client.post(CHANGELIST, {"action": "approve", "_selected_action": [redemption.pk]})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/admin/rewards/rewarditem/").status_code == 302
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.REQUESTED


@pytest.mark.django_db
def test_staff_without_the_rewards_permissions_cannot_act(client, rich_employee, reward_roles):
    reviewer = factories.UserFactory(roles=["reviewer"])
    redemption = redemptions.redeem(rich_employee, reward().pk)
    client.force_login(reviewer)
    assert client.get(CHANGELIST).status_code == 403
    assert client.post(CHANGELIST, {"action": "approve", "_selected_action": [redemption.pk]}).status_code == 403
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.REQUESTED


def _image(fmt="PNG"):
    output = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(output, fmt)
    return output.getvalue()


@pytest.mark.django_db
def test_comms_add_a_reward_with_an_image_and_a_fake_image_is_refused(client, comms):
    client.force_login(comms)
    data = {"name": "Hoodie", "description": "", "kind": "swag", "points_price": 300, "stock": 10,
            "is_active": "on"}
    fake = client.post("/admin/rewards/rewarditem/add/",
                       {**data, "image": SimpleUploadedFile("hoodie.jpg", _image("PNG"), "image/jpeg")})
    assert fake.status_code == 200 and "not the JPEG image its name says (it is PNG)" in fake.content.decode()
    assert not RewardItem.objects.exists()
    done = client.post("/admin/rewards/rewarditem/add/",
                       {**data, "image": SimpleUploadedFile("hoodie.png", _image("PNG"), "image/png")})
    assert done.status_code == 302
    item = RewardItem.objects.get()
    assert item.image.name.startswith("rewards/hoodie") and item.stock == 10
    assert "<img" in client.get("/admin/rewards/rewarditem/").content.decode()


@pytest.mark.django_db
def test_editing_a_reward_keeps_the_stock_redemptions_took_meanwhile(client, comms):
    item = reward(name="Hoodie", price=300, stock=10, kind=RewardItem.Kind.SWAG)
    client.force_login(comms)
    url = f"/admin/rewards/rewarditem/{item.pk}/change/"
    form = client.get(url).context["adminform"].form
    RewardItem.objects.filter(pk=item.pk).update(stock=7)  # three redeemed while comms typed
    data = {"name": "Hoodie (blue)", "description": "", "kind": "swag", "points_price": 300,
            "stock": form["stock"].value(), "stock_shown": form["stock_shown"].value(), "is_active": "on"}
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.name == "Hoodie (blue)" and item.stock == 7
    assert client.post(url, {**data, "stock": 20}).status_code == 302  # a stock comms type is the new count
    item.refresh_from_db()
    assert item.stock == 20


# Parallel requests against PostgreSQL ---------------------------------------------------------------------


def _in_parallel(calls):
    """Run the calls on real threads (each with its own database connection), released together."""
    start = threading.Barrier(len(calls))

    def run(call):
        try:
            start.wait(timeout=30)
            return call()
        except ValidationError as refusal:
            return refusal
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.mark.django_db(transaction=True)
def test_parallel_redemptions_never_take_a_balance_below_zero(needs_postgres):
    employee = factories.AdvocateFactory()
    give_points(employee, 300)
    item = reward(price=100, stock=None)
    answers = _in_parallel([lambda: redemptions.redeem(employee, item.pk)] * 10)
    succeeded = [answer for answer in answers if isinstance(answer, Redemption)]
    refused = [answer for answer in answers if isinstance(answer, ValidationError)]
    assert len(succeeded) == 3 and len(refused) == 7
    assert {refusal.code for refusal in refused} == {"insufficient_points"}
    assert balance(employee) == 0
    # The balance after each entry, in the order they were committed: never below zero.
    totals, total = [], 0
    for points in PointsEntry.objects.filter(employee=employee).order_by("id").values_list("points", flat=True):
        total += points
        totals.append(total)
    assert min(totals) >= 0 and totals[-1] == 0


@pytest.mark.django_db(transaction=True)
def test_parallel_redemptions_never_oversell_a_stock(needs_postgres):
    employees = [factories.AdvocateFactory() for _ in range(20)]
    for employee in employees:
        give_points(employee, 100)
    item = reward(price=100, stock=5)
    answers = _in_parallel([lambda employee=employee: redemptions.redeem(employee, item.pk) for employee in employees])
    assert sum(isinstance(answer, Redemption) for answer in answers) == 5
    assert {answer.code for answer in answers if isinstance(answer, ValidationError)} == {"out_of_stock"}
    item.refresh_from_db()
    assert item.stock == 0 and Redemption.objects.filter(item=item).count() == 5
    assert sorted(balance(employee) for employee in employees) == [0] * 5 + [100] * 15


# On a phone -------------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_an_employee_redeems_a_reward_after_confirming(needs_chromium, live_server):
    from pathlib import Path

    from playwright.sync_api import expect, sync_playwright

    from tests.conftest import CHROMIUM

    employee = factories.AdvocateFactory()
    give_points(employee, 250)
    sticker = reward(name="Laptop sticker pack with a rather long name", price=100, stock=3,
                     kind=RewardItem.Kind.SWAG, description="Five stickers.")
    day_off = reward(name="A day off", price=5000, kind=RewardItem.Kind.DAY_OFF)
    reward(name="Mug", price=10, stock=0)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        try:
            context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
            context.set_default_timeout(10_000)
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.locator("input[name=login]").fill(employee.email)
            page.locator("input[name=password]").fill(factories.PASSWORD)
            page.locator("form button[type=submit]").first.click()
            page.wait_for_url(f"{live_server.url}/")
            page.goto(f"{live_server.url}/rewards/")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
            redeem = page.get_by_role("button", name=f"Redeem {sticker.name}")
            assert redeem.bounding_box()["height"] >= 44
            expect(page.locator(f"#reward-{day_off.pk}")).to_contain_text("You need 4,750 more points")
            page.once("dialog", lambda dialog: dialog.dismiss())  # changed my mind: nothing happens
            redeem.click()
            expect(page.locator("[data-balance]")).to_have_text("250 points")
            assert page.url == f"{live_server.url}/rewards/"
            page.once("dialog", lambda dialog: dialog.accept())
            redeem.click()
            page.wait_for_url(f"{live_server.url}/rewards/#redemption-*")
            expect(page.locator("[data-balance]")).to_have_text("150 points")
            expect(page.locator("#my-redemptions ~ ul")).to_contain_text("Requested")
            artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
            artifacts.mkdir(exist_ok=True)
            page.screenshot(path=str(artifacts / "rewards-phone.png"), full_page=True)
        finally:
            browser.close()
    assert balance(employee) == 150 and Redemption.objects.get().item == sticker
