"""The points ledger (rules comms edit, campaign multipliers, hand adjustments, never twice), badges, the
campaign page, pseudonyms and the employee of the month."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from advocacy.models import Share
from advocacy.services import share_post
from metrics.services import fill_daily_stats
from rewards.badges import award_badges
from rewards.models import AppendOnly, Badge, BadgeAward, EmployeeOfTheMonth, LeaderboardAlias, PointsEntry, PointsRule
from rewards.selectors import balance
from rewards.services import adjust, award_for_share
from tests import factories

pytestmark = pytest.mark.django_db
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


def test_the_rules_comms_edit_apply_to_points_earned_from_then_on():
    ana = factories.AdvocateFactory()
    share_post(ana, factories.PostFactory(), "linkedin")
    PointsRule.objects.filter(key="share").update(value=25)
    share_post(ana, factories.PostFactory(), "linkedin")
    assert sorted(PointsEntry.objects.filter(reason="share").values_list("points", flat=True)) == [10, 25]
    assert balance(ana) == 35


def test_the_rules_start_with_design_md_defaults():
    assert dict(PointsRule.objects.values_list("key", "value")) == {
        "share": 10, "unique_click": 1, "unique_click_cap_per_share": 20, "engagement": 1,
        "engagement_cap_per_share": 50, "guide_signed": 20, "capsule_passed": 15}


def test_a_running_campaign_multiplies_the_points_of_its_posts():
    campaign = factories.CampaignFactory(points_multiplier=Decimal("1.5"))
    ana = factories.AdvocateFactory()
    share_post(ana, factories.PostFactory(campaign=campaign), "linkedin")
    share_post(ana, factories.PostFactory(), "linkedin")
    entries = {entry.campaign_id: entry for entry in PointsEntry.objects.filter(reason="share")}
    assert (entries[campaign.pk].points, entries[campaign.pk].multiplier) == (15, Decimal("1.5"))
    assert entries[None].points == 10


def test_a_campaign_that_is_over_multiplies_nothing():
    campaign = factories.CampaignFactory(points_multiplier=3, starts_on=timezone.localdate() - timedelta(days=20),
                                         ends_on=timezone.localdate() - timedelta(days=1))
    share_post(factories.AdvocateFactory(), factories.PostFactory(campaign=campaign), "linkedin")
    entry = PointsEntry.objects.get(reason="share")
    assert (entry.points, entry.campaign, entry.multiplier) == (10, campaign, 1)


def test_clicks_on_a_campaign_post_are_multiplied_and_still_capped_by_count(client):
    PointsRule.objects.filter(key="unique_click_cap_per_share").update(value=2)
    campaign = factories.CampaignFactory(points_multiplier=2)
    link = share_post(factories.AdvocateFactory(), factories.PostFactory(campaign=campaign), "linkedin").link
    for n in range(4):
        client.get(f"/s/{link.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR=f"203.0.113.{n + 1}")
    fill_daily_stats()
    clicks = list(PointsEntry.objects.filter(reason="unique_click").values_list("points", flat=True))
    assert clicks == [2, 2]  # two clicks paid (the cap counts clicks), each doubled


def test_the_multiplier_goes_from_1_to_10_in_the_database():
    campaign = factories.CampaignFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(campaign).objects.filter(pk=campaign.pk).update(points_multiplier=0)


def test_a_source_never_pays_twice_even_if_asked_again():
    result = share_post(factories.AdvocateFactory(), factories.PostFactory(), "linkedin")
    assert award_for_share(result.share) is None
    assert PointsEntry.objects.filter(reason="share").count() == 1


def test_the_ledger_refuses_edits():
    share_post(factories.AdvocateFactory(), factories.PostFactory(), "linkedin")
    entry = PointsEntry.objects.get()
    entry.points = 1000
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        PointsEntry.objects.filter(pk=entry.pk).update(points=1000)
    with pytest.raises(AppendOnly):
        PointsEntry.objects.all().delete()
    assert PointsEntry.objects.get().points == 10


def test_comms_adjust_points_by_hand_with_a_note_kept_in_the_ledger():
    ana, comms = factories.AdvocateFactory(), factories.UserFactory(roles=["comms"])
    adjust(ana, 30, "Spoke at the customer event", by=comms)
    adjust(ana, -10, "Duplicate share removed", by=comms)
    entries = list(PointsEntry.objects.filter(employee=ana).order_by("id").values_list("points", "note", "awarded_by"))
    assert entries == [(30, "Spoke at the customer event", comms.pk), (-10, "Duplicate share removed", comms.pk)]
    assert balance(ana) == 20


def test_an_adjustment_needs_a_note_and_cannot_make_a_balance_negative():
    ana, comms = factories.AdvocateFactory(), factories.UserFactory(roles=["comms"])
    for points, note in [(10, ""), (10, "   "), (0, "nothing"), (-5, "below zero")]:
        with pytest.raises(ValidationError):
            adjust(ana, points, note, by=comms)
    assert not PointsEntry.objects.exists()


def test_an_adjustment_without_a_note_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(employee=factories.AdvocateFactory(), points=5, reason="adjustment",
                                   created_at=timezone.now())


def test_the_admin_adjustment_page(client):
    ana = factories.AdvocateFactory()
    client.force_login(factories.UserFactory(roles=["comms"]))
    assert client.get("/admin/rewards/pointsentry/adjust/").status_code == 200
    refused = client.post("/admin/rewards/pointsentry/adjust/", {"employee": ana.pk, "points": "-40", "note": "x"})
    assert refused.status_code == 200 and "below zero" in refused.content.decode()
    done = client.post("/admin/rewards/pointsentry/adjust/", {"employee": ana.pk, "points": "40", "note": "Event"})
    assert done.status_code == 302 and balance(ana) == 40
    client.force_login(factories.UserFactory(roles=["reviewer"]))
    assert client.get("/admin/rewards/pointsentry/adjust/").status_code == 403


def test_comms_edit_the_rules_in_the_admin(client):
    client.force_login(factories.UserFactory(roles=["comms"]))
    rule = PointsRule.objects.get(key="share")
    response = client.post(f"/admin/rewards/pointsrule/{rule.pk}/change/", {"value": "12"})
    assert response.status_code == 302
    assert PointsRule.objects.get(key="share").value == 12
    assert client.post(f"/admin/rewards/pointsrule/{rule.pk}/delete/", {"post": "yes"}).status_code == 403


# --- Badges ---------------------------------------------------------------------------------------------------

def test_badges_for_shares_reach_signature_and_capsule_are_awarded_once():
    from guidelines.services import sign_guide

    ana = factories.AdvocateFactory()
    posts = [factories.PostFactory() for _ in range(10)]
    for post in posts:
        share_post(ana, post, "linkedin")
    Share.objects.filter(employee=ana).update(potential_reach=150)
    sign_guide(ana, factories.GuideVersionFactory(), "Ana")
    award_badges()
    award_badges()
    held = set(BadgeAward.objects.filter(employee=ana).values_list("badge", flat=True))
    assert held == {Badge.FIRST_SHARE, Badge.SHARES_10, Badge.REACH_1000, Badge.GUIDE_SIGNED}
    assert BadgeAward.objects.filter(employee=ana).count() == 4


def test_a_badge_cannot_be_awarded_twice_by_the_database():
    ana = factories.AdvocateFactory()
    BadgeAward.objects.create(employee=ana, badge=Badge.FIRST_SHARE)
    with pytest.raises(IntegrityError), transaction.atomic():
        BadgeAward.objects.create(employee=ana, badge=Badge.FIRST_SHARE)


def test_the_first_share_earns_its_badge_right_away(django_capture_on_commit_callbacks):
    ana = factories.AdvocateFactory()
    with django_capture_on_commit_callbacks(execute=True):
        share_post(ana, factories.PostFactory(), "linkedin")
    assert BadgeAward.objects.filter(employee=ana, badge=Badge.FIRST_SHARE).exists()


def campaign_with_four_sharers():
    """A running campaign whose posts four advocates shared 4, 3, 2 and 1 times."""
    campaign = factories.CampaignFactory(starts_on=timezone.localdate() - timedelta(days=10),
                                         ends_on=timezone.localdate() + timedelta(days=1))
    people = [factories.AdvocateFactory() for _ in range(4)]
    for rank, person in enumerate(people):
        for _ in range(4 - rank):
            share_post(person, factories.PostFactory(campaign=campaign), "linkedin")
    return campaign, people


def end(campaign):
    type(campaign).objects.filter(pk=campaign.pk).update(ends_on=timezone.localdate() - timedelta(days=1))


def test_the_top_3_of_a_campaign_get_a_badge_once_it_is_over():
    campaign, people = campaign_with_four_sharers()
    award_badges()
    assert not BadgeAward.objects.filter(badge=Badge.CAMPAIGN_TOP_3).exists()  # still running
    end(campaign)
    award_badges()
    winners = set(BadgeAward.objects.filter(badge=Badge.CAMPAIGN_TOP_3).values_list("employee_id", flat=True))
    assert winners == {people[0].pk, people[1].pk, people[2].pk}


def test_badges_show_on_the_profile_and_the_dashboard(client, django_capture_on_commit_callbacks):
    ana = factories.AdvocateFactory()
    with django_capture_on_commit_callbacks(execute=True):
        share_post(ana, factories.PostFactory(), "linkedin")
    client.force_login(ana)
    assert "First share" in client.get("/profile/").content.decode()
    assert "First share" in client.get("/").content.decode()


# --- Employee of the month ------------------------------------------------------------------------------------

def test_the_employee_of_the_month_is_shown_on_dashboards_and_the_report_and_earns_a_badge(client):
    ana, luis = factories.AdvocateFactory(first_name="Ana"), factories.AdvocateFactory(first_name="Luis")
    comms = factories.UserFactory(roles=["comms"])
    share_post(ana, factories.PostFactory(), "linkedin")
    client.force_login(comms)
    page = client.get("/admin/rewards/employeeofthemonth/add/")
    assert page.status_code == 200
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1))
    response = client.post("/admin/rewards/employeeofthemonth/add/", {
        "month": last_month.isoformat(), "employee": ana.pk, "citation": "Brought 40 visitors to the careers page"})
    assert response.status_code == 302
    recognition = EmployeeOfTheMonth.objects.get()
    assert recognition.month == last_month.replace(day=1) and recognition.named_by == comms
    assert BadgeAward.objects.filter(employee=ana, badge=Badge.EMPLOYEE_OF_THE_MONTH).exists()
    client.force_login(luis)
    assert "Brought 40 visitors" in client.get("/").content.decode()
    client.force_login(comms)
    report = client.get(f"/reports/{last_month:%Y-%m}/")
    assert "Employee of the month" in report.content.decode() and "Brought 40 visitors" in report.content.decode()


def test_the_admin_suggests_the_months_top_contributors(client):
    ana = factories.AdvocateFactory(first_name="Ana")
    share_post(ana, factories.PostFactory(), "linkedin")
    from django.db import connection

    with connection.cursor() as cursor:  # as if earned last month (the ledger's own API refuses edits)
        cursor.execute("UPDATE rewards_pointsentry SET created_at = %s",
                       [timezone.now().replace(day=1) - timedelta(days=3)])
    fill_daily_stats()  # the suggestions rank by the points the rollup counted
    client.force_login(factories.UserFactory(roles=["comms"]))
    page = client.get("/admin/rewards/employeeofthemonth/add/")
    assert [row["employee"] for row in page.context["suggestions"]] == [ana]


# --- Pseudonyms -------------------------------------------------------------------------------------------------

def test_an_employee_chooses_a_pseudonym_and_can_drop_it(client):
    ana = factories.AdvocateFactory()
    client.force_login(ana)
    response = client.post("/profile/leaderboard-name/", {"pseudonym": "  Blue   Heron "})
    assert response.status_code == 302
    assert LeaderboardAlias.objects.get(employee=ana).pseudonym == "Blue Heron"
    client.post("/profile/leaderboard-name/", {"pseudonym": ""})
    assert not LeaderboardAlias.objects.exists()


def test_a_pseudonym_must_be_free_and_plain(client):
    LeaderboardAlias.objects.create(employee=factories.AdvocateFactory(), pseudonym="Blue Heron")
    client.force_login(factories.AdvocateFactory())
    for bad in ["blue heron", "x", "a@b.com", "<script>", "a" * 41]:
        response = client.post("/profile/leaderboard-name/", {"pseudonym": bad})
        assert response.status_code == 400, bad
    assert LeaderboardAlias.objects.count() == 1
    assert client.get("/profile/leaderboard-name/").status_code == 405


# --- Campaign pages -----------------------------------------------------------------------------------------------

def test_the_campaign_page_shows_goal_progress_mentions_posts_and_board(client):
    campaign = factories.CampaignFactory(name="Launch week", slug="launch", hashtag="Launch", goal_kind="shares",
                                         goal_target=4, prize="A drone")
    post = factories.PostFactory(campaign=campaign, title="The launch")
    people = [factories.AdvocateFactory() for _ in range(2)]
    share_post(people[0], post, "linkedin", text="Big day #Launch")
    share_post(people[1], post, "linkedin", text="Proud of this launch")  # no hashtag left in the text
    fill_daily_stats()
    client.force_login(people[0])
    page = client.get("/campaigns/launch/")
    assert page.status_code == 200
    progress = page.context["progress"]
    assert (progress.shares, progress.hashtag_mentions, progress.goal_value, progress.percent) == (2, 1, 2, 50)
    body = page.content.decode()
    assert "A drone" in body and "#Launch" in body and "The launch" in body
    assert client.get("/campaigns/").status_code == 200
    assert client.get("/campaigns/nope/").status_code == 404


def test_campaign_pages_need_a_login(client):
    factories.CampaignFactory(slug="launch")
    assert client.get("/campaigns/launch/")["Location"].startswith("/accounts/login/")


def test_the_click_cap_holds_across_days():
    from advocacy.models import Click
    from metrics.services import fill_day

    PointsRule.objects.filter(key="unique_click_cap_per_share").update(value=3)
    link = share_post(factories.AdvocateFactory(), factories.PostFactory(), "linkedin").link
    first, second = timezone.localdate() - timedelta(days=2), timezone.localdate() - timedelta(days=1)
    for day, visitors in [(first, ["a", "b"]), (second, ["a", "c", "d"])]:
        for visitor in visitors:
            Click.objects.create(link=link, day=day, visitor_key=visitor, is_unique=True,
                                 clicked_at=timezone.now() - (timezone.localdate() - day))
    fill_day(first)
    fill_day(second)
    fill_day(second)  # a rerun pays nothing more
    assert PointsEntry.objects.filter(reason="unique_click").count() == 3


def test_spending_points_on_rewards_is_not_earning_less(client):
    from metrics.selectors import Filters, Month, personal_report, top_contributors
    from rewards.models import RewardItem
    from rewards.redemptions import redeem

    ana, comms = factories.AdvocateFactory(first_name="Ana"), factories.UserFactory(roles=["comms"])
    share_post(ana, factories.PostFactory(), "linkedin")
    adjust(ana, 300, "Keynote at the fair", by=comms)
    redeem(ana, RewardItem.objects.create(name="Day off", points_price=250).pk)
    month = Month.containing(timezone.localdate())
    assert balance(ana) == 60
    fill_daily_stats()  # the report counts the points as of its last rollup run
    assert top_contributors(month, Filters())[0]["points"] == 310
    assert personal_report(month, ana)["figures"]["points"].value == 310


def test_people_who_left_take_no_place_on_a_campaign_podium():
    from advocacy.services import opt_out

    campaign, people = campaign_with_four_sharers()
    opt_out(people[0])
    end(campaign)
    award_badges()
    winners = set(BadgeAward.objects.filter(badge=Badge.CAMPAIGN_TOP_3).values_list("employee_id", flat=True))
    assert winners == {people[1].pk, people[2].pk, people[3].pk}
