"""The engagement puller end to end: shares whose employees published them are asked about on the networks (a local
server answering as each network's documentation shows), their figures kept with their history, their points
paid, their day refilled by the rollup; rate limits, outages, bad answers and revoked tokens are recorded on the
share and never stop the run."""

import io
import time
from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from advocacy.models import Share
from advocacy.services import record_published_url, share_post
from content_library.models import Post
from metrics import services as rollup
from metrics.engagement import Figures, record_engagement
from metrics.models import DailyStat, EngagementSnapshot, FillState, ShareEngagement, StaleDay
from metrics.pulling import (
    MAX_FAILURES,
    UNREADABLE_ACTIVITY,
    due_shares,
    find_shared_posts,
    paused_until,
    pull_engagement,
)
from metrics.services import fill_daily_stats
from metrics.tasks import pull_engagement_task
from rewards.models import PointsEntry
from tests import factories
from tests.clients.test_engagement import (
    APP_TOKEN,
    GRAPH_IDS,
    LINKEDIN_ANALYTICS,
    X_LOOKUP,
    X_SEARCH,
    X_TOO_MANY_REQUESTS,
    graph_error,
    graph_post,
    linkedin_metric,
    x_found,
    x_not_found,
    x_page,
    x_post,
)
from tests.network_stub import Reply

pytestmark = pytest.mark.django_db

X_ID = "1790000000000000001"
LINKEDIN_SHARE = "urn:li:share:7123456789012345678"
LINKEDIN_ACTIVITY = "urn:li:activity:7123456789012345679"
FACEBOOK_ID = "100001234567890_10150189643478553"
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _puller_settings(settings, monkeypatch):
    """No app token, no search, the documented points rules, no pause left by another test, no waits."""
    settings.X_APP_BEARER_TOKEN = ""
    settings.X_SEARCH_ENABLED = False
    settings.POINTS_RULES = {**settings.POINTS_RULES, "engagement": 1, "engagement_cap_per_share": 50}
    monkeypatch.setattr("advocacy.clients.base.backoff_delay", lambda attempt: 0.0)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def app_token(settings):
    settings.X_APP_BEARER_TOKEN = APP_TOKEN


@pytest.fixture
def now():
    """The moment of the run: the real clock (X's rate-limit reset and the pause are on it), to the second."""
    return timezone.now().replace(microsecond=0)


# --- Helpers -------------------------------------------------------------------------------------------------------

def published_share(network, post_id, now, *, employee=None, age=HOUR, post=None):
    """A share made `age` before `now`, whose employee published it as the network's post `post_id`."""
    employee = employee or factories.AdvocateFactory()
    share = share_post(employee, post or factories.PostFactory(), network).share
    Share.objects.filter(pk=share.pk).update(published_post_id=post_id, created_at=now - age)
    share.refresh_from_db()
    return share


def connect(employee, provider, token):
    """An account the employee connected through allauth, with a token valid for two more hours."""
    account = SocialAccount.objects.create(user=employee, provider=provider, uid=f"{provider}-{employee.pk}")
    app = SocialApp.objects.get_or_create(provider=provider, defaults={"name": provider, "client_id": "id"})[0]
    SocialToken.objects.create(account=account, app=app, token=token, expires_at=timezone.now() + 2 * HOUR)
    return account


def engagement(share):
    return ShareEngagement.objects.get(share=share)


def figures(share):
    return Figures.of(engagement(share))


def engagement_points(employee):
    return sum(PointsEntry.objects.filter(employee=employee, reason=PointsEntry.Reason.ENGAGEMENT)
               .values_list("points", flat=True))


def x_answer(post_id=X_ID, **metrics):
    return Reply(200, {"data": [x_post(post_id, **metrics)]})


def script_linkedin(network_api, urn, impressions=1204, reactions=25, comments=7, reshares=3):  # noqa: F811
    network_api.script(LINKEDIN_ANALYTICS, *[
        Reply(200, linkedin_metric(count, metric, urn)) for count, metric in
        [(impressions, "IMPRESSION"), (reactions, "REACTION"), (comments, "COMMENT"), (reshares, "RESHARE")]
    ])


# --- 1. One X share, pulled again and again ------------------------------------------------------------------------

def test_first_pull_of_an_x_share_keeps_its_figures_schedules_it_and_pays_points(network_api, app_token, now):
    employee = factories.AdvocateFactory()
    share = share_post(employee, factories.PostFactory(), "x").share
    record_published_url(employee, share.pk, f"https://x.com/ana/status/{X_ID}")
    Share.objects.filter(pk=share.pk).update(created_at=now - HOUR)
    share.refresh_from_db()
    network_api.script(X_LOOKUP, x_answer(likes=10, replies=2, retweets=3, quotes=1, impressions=900))

    report = pull_engagement(now=now)

    assert (report.asked, report.changed, report.failed, report.paused) == (1, 1, 0, [])
    [request] = network_api.requests_to(X_LOOKUP)
    assert request.query["ids"] == [X_ID]
    assert request.headers["authorization"] == f"Bearer {APP_TOKEN}"
    row = engagement(share)
    assert figures(share) == Figures(impressions=900, reactions=10, comments=2, reshares=4)
    assert (row.measured_at, row.last_pulled_at, row.next_pull_at) == (now, now, now + HOUR)
    assert (row.failures, row.last_error) == (0, "")
    snapshot = EngagementSnapshot.objects.get(share=share)
    assert (snapshot.source, snapshot.fetched_at, snapshot.engagements) == ("api", now, 16)
    assert StaleDay.objects.filter(day=timezone.localdate(share.created_at)).exists()
    assert engagement_points(employee) == 16


def test_pulling_the_same_figures_again_adds_no_snapshot_nor_points(network_api, app_token, now):
    share = published_share("x", X_ID, now)
    network_api.script(X_LOOKUP, x_answer(likes=10), x_answer(likes=10))
    pull_engagement(now=now)

    report = pull_engagement(now=now + HOUR)

    assert (report.asked, report.changed) == (1, 0)
    assert EngagementSnapshot.objects.filter(share=share).count() == 1
    assert PointsEntry.objects.filter(employee=share.employee, reason="engagement").count() == 1
    assert engagement_points(share.employee) == 10 + 2 + 6
    assert engagement(share).next_pull_at == now + 2 * HOUR


def test_higher_figures_on_a_later_pull_pay_only_the_difference(network_api, app_token, now):
    share = published_share("x", X_ID, now)
    network_api.script(X_LOOKUP, x_answer(likes=10, replies=2, retweets=3, quotes=1),
                       x_answer(likes=18, replies=4, retweets=3, quotes=1))
    pull_engagement(now=now)

    pull_engagement(now=now + HOUR)

    paid = list(PointsEntry.objects.filter(employee=share.employee, reason="engagement")
                .order_by("created_at").values_list("points", flat=True))
    assert paid == [16, 10]
    assert EngagementSnapshot.objects.filter(share=share).count() == 2
    assert figures(share).reactions == 18


def test_engagement_points_stop_at_the_cap_however_many_pulls(network_api, app_token, now):
    share = published_share("x", X_ID, now)
    likes = [30, 45, 80, 200, 1000]
    network_api.script(X_LOOKUP, *[x_answer(likes=count, replies=0, retweets=0, quotes=0) for count in likes])

    for number in range(len(likes)):
        pull_engagement(now=now + number * HOUR)

    assert EngagementSnapshot.objects.filter(share=share).count() == len(likes)
    assert engagement_points(share.employee) == 50


# --- 2. Cadence --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("age", "asked_again_after"), [
    (timedelta(hours=3), timedelta(hours=1)),
    (timedelta(days=3), timedelta(hours=6)),
    (timedelta(days=10), timedelta(days=1)),
], ids=["3-hours-old", "3-days-old", "10-days-old"])
def test_an_older_share_is_asked_about_less_often(network_api, app_token, now, age, asked_again_after):
    share = published_share("x", X_ID, now, age=age)
    network_api.script(X_LOOKUP, x_answer())

    pull_engagement(now=now)

    assert engagement(share).next_pull_at == now + asked_again_after
    assert [s.pk for s in due_shares(now + asked_again_after - timedelta(seconds=1), 10)] == []
    assert [s.pk for s in due_shares(now + asked_again_after, 10)] == [share.pk]


def test_a_share_older_than_thirty_days_is_not_asked_about(network_api, app_token, now):
    share = published_share("x", X_ID, now, age=timedelta(days=30, minutes=1))

    report = pull_engagement(now=now)

    assert report.asked == 0
    assert network_api.requests_to(X_LOOKUP) == []
    assert not ShareEngagement.objects.filter(share=share).exists()


def test_the_last_look_at_the_end_of_the_window_stops_the_pulls(network_api, app_token, now):
    share = published_share("x", X_ID, now, age=timedelta(days=29, hours=12))
    network_api.script(X_LOOKUP, x_answer(likes=1), x_answer(likes=2))

    pull_engagement(now=now)
    assert engagement(share).next_pull_at == share.created_at + timedelta(days=30)
    pull_engagement(now=share.created_at + timedelta(days=30))

    assert engagement(share).next_pull_at is None
    assert figures(share).reactions == 2
    assert pull_engagement(now=now + timedelta(days=5)).asked == 0


# --- 3. Batching ---------------------------------------------------------------------------------------------------

def test_150_due_x_shares_are_asked_in_two_requests_of_100_and_50(network_api, app_token, now):
    employee = factories.AdvocateFactory()
    posts = Post.objects.bulk_create([factories.PostFactory.build() for _ in range(150)])
    ids = [str(1790000000000000000 + number) for number in range(150)]
    Share.objects.bulk_create([
        Share(employee=employee, post=post, network="x", published_post_id=post_id,
              created_at=now - HOUR + timedelta(seconds=number))
        for number, (post, post_id) in enumerate(zip(posts, ids, strict=True))
    ])
    network_api.script(X_LOOKUP, Reply(200, {"data": [x_post(post_id) for post_id in ids[:100]]}),
                       Reply(200, {"data": [x_post(post_id) for post_id in ids[100:]]}))

    report = pull_engagement(now=now)

    asked = [request.query["ids"][0].split(",") for request in network_api.requests_to(X_LOOKUP)]
    assert [len(batch) for batch in asked] == [100, 50]
    assert sorted(asked[0] + asked[1]) == sorted(ids)
    assert (report.asked, report.changed, report.failed) == (150, 150, 0)
    assert ShareEngagement.objects.filter(next_pull_at=now + HOUR, failures=0).count() == 150


# --- 4. Tokens -----------------------------------------------------------------------------------------------------

def test_without_an_app_token_x_is_asked_with_the_employees_connected_token(network_api, now):
    share = published_share("x", X_ID, now)
    connect(share.employee, "twitter_oauth2", "ana-x-token")
    network_api.script(X_LOOKUP, x_answer(likes=7))

    pull_engagement(now=now)

    [request] = network_api.requests_to(X_LOOKUP)
    assert request.headers["authorization"] == "Bearer ana-x-token"
    assert figures(share).reactions == 7


def test_an_employee_without_a_connected_account_is_told_and_retried_an_hour_later(network_api, now):
    share = published_share("x", X_ID, now)

    report = pull_engagement(now=now)

    assert report.failed == 1
    assert network_api.requests_to(X_LOOKUP) == []
    row = engagement(share)
    assert (row.failures, row.next_pull_at, row.last_pulled_at) == (1, now + HOUR, now)
    assert row.last_error == "no x account connected"
    assert row.measured_at is None


def test_a_share_failing_max_failures_times_in_a_row_is_given_up(network_api, now):
    share = published_share("x", X_ID, now)
    moment, waits = now, []

    for _ in range(MAX_FAILURES):
        pull_engagement(now=moment)
        row = engagement(share)
        if row.next_pull_at is not None:
            waits.append(row.next_pull_at - moment)
            moment = row.next_pull_at

    assert waits == [HOUR * failures for failures in range(1, MAX_FAILURES)]
    assert (row.failures, row.next_pull_at) == (MAX_FAILURES, None)
    assert pull_engagement(now=moment + timedelta(days=1)).asked == 0


# --- 5. Rate limits ------------------------------------------------------------------------------------------------

def test_a_rate_limited_x_is_left_alone_until_its_reset_while_linkedin_and_facebook_are_pulled(network_api, now):
    first_x = published_share("x", X_ID, now, age=3 * HOUR)
    second_x = published_share("x", "1790000000000000002", now, age=2 * HOUR)
    linkedin = published_share("linkedin", LINKEDIN_SHARE, now)
    facebook = published_share("facebook", FACEBOOK_ID, now)
    for share, provider in [(first_x, "twitter_oauth2"), (second_x, "twitter_oauth2"), (linkedin, "linkedin"),
                            (facebook, "facebook")]:
        connect(share.employee, provider, f"token-{share.pk}")
    reset = int(time.time()) + 300
    network_api.script(X_LOOKUP, Reply(429, X_TOO_MANY_REQUESTS, {"x-rate-limit-remaining": "0",
                                                                  "x-rate-limit-reset": str(reset)}))
    script_linkedin(network_api, LINKEDIN_SHARE)
    network_api.script(GRAPH_IDS, Reply(200, {FACEBOOK_ID: graph_post(FACEBOOK_ID)}))

    report = pull_engagement(now=now)

    assert len(network_api.requests_to(X_LOOKUP)) == 1  # the second employee's X share was not asked
    assert report.paused == ["x"]
    assert str(report).endswith("; rate-limited: x")
    assert (report.asked, report.changed, report.failed) == (2, 2, 0)
    assert figures(linkedin) == Figures(1204, 25, 7, 3)
    assert figures(facebook) == Figures(None, 12, 4, 3)
    assert {share.pk for share in due_shares(now, 10)} == {first_x.pk, second_x.pk}
    assert not ShareEngagement.objects.filter(share__in=[first_x, second_x]).exists()
    assert reset - 2 <= paused_until("x").timestamp() <= reset + 2

    again = pull_engagement(now=now + timedelta(minutes=2))

    assert len(network_api.requests_to(X_LOOKUP)) == 1
    assert (again.asked, again.paused) == (0, ["x"])


# --- 6-8. Outages and bad answers ------------------------------------------------------------------------------------

def test_a_network_failing_every_attempt_is_recorded_and_the_run_goes_on(network_api, app_token, settings, now):
    settings.NETWORK_API_MAX_ATTEMPTS = 2
    x_share = published_share("x", X_ID, now, age=2 * HOUR)
    facebook = published_share("facebook", FACEBOOK_ID, now)
    connect(facebook.employee, "facebook", "fb-token")
    network_api.script(X_LOOKUP, Reply(500, {}), Reply(503, "Service Unavailable"))
    network_api.script(GRAPH_IDS, Reply(200, {FACEBOOK_ID: graph_post(FACEBOOK_ID)}))

    report = pull_engagement(now=now)

    assert len(network_api.requests_to(X_LOOKUP)) == 2
    assert (report.asked, report.changed, report.failed) == (2, 1, 1)
    row = engagement(x_share)
    assert (row.failures, row.next_pull_at, row.measured_at) == (1, now + HOUR, None)
    assert "did not answer /2/tweets after 2 attempts" in row.last_error
    assert not EngagementSnapshot.objects.filter(share=x_share).exists()
    assert figures(facebook).reactions == 12


def test_a_share_whose_network_was_down_completes_on_its_next_due_run(network_api, app_token, settings, now):
    settings.NETWORK_API_MAX_ATTEMPTS = 2
    share = published_share("x", X_ID, now)
    network_api.script(X_LOOKUP, Reply(500, {}), Reply(500, {}))
    pull_engagement(now=now)
    network_api.script(X_LOOKUP, x_answer(likes=9, impressions=400))

    assert pull_engagement(now=now + timedelta(minutes=30)).asked == 0  # not due yet
    report = pull_engagement(now=now + HOUR)

    assert (report.asked, report.changed, report.failed) == (1, 1, 0)
    row = engagement(share)
    assert (row.failures, row.last_error, row.measured_at) == (0, "", now + HOUR)
    assert (row.impressions, row.reactions) == (400, 9)
    assert len(network_api.requests_to(X_LOOKUP)) == 3


def test_a_garbage_answer_is_recorded_as_a_failure_and_nothing_is_stored(network_api, app_token, now):
    share = published_share("x", X_ID, now)
    network_api.script(X_LOOKUP, Reply(200, "<html><body>Bad gateway</body></html>",
                                       headers={"Content-Type": "text/html"}))
    out = io.StringIO()

    call_command("pull_engagement", stdout=out)

    assert out.getvalue() == "Engagement: 1 share(s) asked, 0 changed, 1 failed.\n"
    row = engagement(share)
    assert row.failures == 1
    assert "not a JSON object" in row.last_error
    assert (row.measured_at, row.impressions, row.reactions) == (None, None, 0)
    assert not EngagementSnapshot.objects.exists()
    assert engagement_points(share.employee) == 0


def test_a_deleted_x_post_is_recorded_as_no_longer_shown(network_api, app_token, now):
    share = published_share("x", X_ID, now)
    network_api.script(X_LOOKUP, Reply(200, {"errors": [x_not_found(X_ID)]}))

    report = pull_engagement(now=now)

    assert (report.asked, report.failed) == (1, 1)
    row = engagement(share)
    assert row.last_error == "the network no longer shows this post"
    assert (row.failures, row.next_pull_at) == (1, now + HOUR)
    assert not EngagementSnapshot.objects.exists()


# --- 9. LinkedIn ---------------------------------------------------------------------------------------------------

def test_a_linkedin_share_is_asked_its_four_metrics_with_the_employees_token(network_api, now):
    employee = factories.AdvocateFactory()
    share = share_post(employee, factories.PostFactory(), "linkedin").share
    record_published_url(employee, share.pk, f"https://www.linkedin.com/feed/update/{LINKEDIN_SHARE}/")
    connect(employee, "linkedin", "ana-linkedin-token")
    script_linkedin(network_api, LINKEDIN_SHARE)

    report = pull_engagement(now=now)

    requests = network_api.requests_to(LINKEDIN_ANALYTICS)
    assert [request.query["queryType"][0] for request in requests] == ["IMPRESSION", "REACTION", "COMMENT",
                                                                        "RESHARE"]
    assert all(request.query["entity"] == [f"(share:{LINKEDIN_SHARE})"] for request in requests)
    assert all(request.headers["authorization"] == "Bearer ana-linkedin-token" for request in requests)
    assert (report.asked, report.changed) == (1, 1)
    assert figures(share) == Figures(impressions=1204, reactions=25, comments=7, reshares=3)
    assert engagement_points(employee) == 35


def test_a_linkedin_activity_link_is_not_asked_and_is_given_up_with_the_reason(network_api, now):
    activity = published_share("linkedin", LINKEDIN_ACTIVITY, now)
    readable = published_share("linkedin", LINKEDIN_SHARE, now, employee=activity.employee)
    connect(activity.employee, "linkedin", "ana-linkedin-token")
    script_linkedin(network_api, LINKEDIN_SHARE)

    report = pull_engagement(now=now)

    requests = network_api.requests_to(LINKEDIN_ANALYTICS)
    assert len(requests) == 4
    assert all(request.query["entity"] == [f"(share:{LINKEDIN_SHARE})"] for request in requests)
    row = engagement(activity)
    assert (row.last_error, row.next_pull_at) == (UNREADABLE_ACTIVITY, None)
    assert report.failed == 1
    assert figures(readable).impressions == 1204
    assert [share.pk for share in due_shares(now + timedelta(days=2), 10)] == [readable.pk]


# --- 10. Facebook --------------------------------------------------------------------------------------------------

def test_a_facebook_share_has_figures_without_impressions(network_api, now):
    share = published_share("facebook", FACEBOOK_ID, now)
    connect(share.employee, "facebook", "ana-fb-token")
    network_api.script(GRAPH_IDS, Reply(200, {FACEBOOK_ID: graph_post(FACEBOOK_ID, reactions=12, comments=4,
                                                                      shares=3)}))

    pull_engagement(now=now)

    [request] = network_api.requests_to(GRAPH_IDS)
    assert request.query["ids"] == [FACEBOOK_ID]
    assert request.headers["authorization"] == "Bearer ana-fb-token"
    assert figures(share) == Figures(impressions=None, reactions=12, comments=4, reshares=3)
    assert EngagementSnapshot.objects.get(share=share).impressions is None
    assert engagement_points(share.employee) == 19


def test_a_revoked_facebook_token_is_recorded_on_that_employees_shares_only(network_api, now):
    revoked = factories.AdvocateFactory()
    first = published_share("facebook", "100001234567890_10150189643478551", now, employee=revoked, age=3 * HOUR)
    second = published_share("facebook", "100001234567890_10150189643478552", now, employee=revoked, age=2 * HOUR)
    other = published_share("facebook", FACEBOOK_ID, now)
    connect(revoked, "facebook", "revoked-token")
    connect(other.employee, "facebook", "good-token")
    network_api.script(
        GRAPH_IDS,
        Reply(400, graph_error(190, "Error validating access token: The user has not authorized application.", 458)),
        Reply(200, {FACEBOOK_ID: graph_post(FACEBOOK_ID)}),
    )

    report = pull_engagement(now=now)

    first_request, second_request = network_api.requests_to(GRAPH_IDS)
    assert first_request.headers["authorization"] == "Bearer revoked-token"
    assert second_request.headers["authorization"] == "Bearer good-token"
    for share in (first, second):
        row = engagement(share)
        assert "no longer accepts the token, error 190/458" in row.last_error
        assert (row.failures, row.next_pull_at, row.measured_at) == (1, now + HOUR, None)
    assert figures(other).reactions == 12
    assert (report.asked, report.changed, report.failed) == (3, 1, 2)


# --- 11. The rollup ------------------------------------------------------------------------------------------------

def test_the_rollup_after_a_pull_counts_the_engagement_on_the_shares_day(network_api, app_token, now):
    share = published_share("x", X_ID, now, age=timedelta(0))
    network_api.script(X_LOOKUP, x_answer(likes=10, replies=2, retweets=3, quotes=1, impressions=900))
    pull_engagement(now=now)

    fill_daily_stats(now=now)

    row = DailyStat.objects.get(day=timezone.localdate(share.created_at), employee=share.employee, network="x")
    assert (row.shares, row.impressions, row.reactions, row.comments, row.reshares) == (1, 900, 10, 2, 4)
    assert row.engagement_base == 900


def test_a_pull_for_an_already_filled_day_is_counted_by_the_next_rollup(network_api, app_token, now):
    share = published_share("x", X_ID, now, age=timedelta(days=3))
    day = timezone.localdate(share.created_at)
    fill_daily_stats(now=now)
    assert FillState.objects.get(name="daily_stats").filled_until >= day
    assert DailyStat.objects.get(day=day, employee=share.employee).reactions == 0
    network_api.script(X_LOOKUP, x_answer(likes=10, replies=2, retweets=3, quotes=1, impressions=900))
    pull_engagement(now=now)
    assert StaleDay.objects.filter(day=day).exists()

    state = fill_daily_stats(now=now)

    row = DailyStat.objects.get(day=day, employee=share.employee)
    assert (row.impressions, row.reactions, row.comments, row.reshares) == (900, 10, 2, 4)
    assert not StaleDay.objects.exists()
    assert "1 stale day(s) refilled" in state.last_run_summary


def test_engagement_pulled_while_the_rollup_refills_its_day_is_counted_by_the_next_rollup(
        network_api, app_token, now, monkeypatch):
    share = published_share("x", X_ID, now, age=timedelta(days=3))
    day = timezone.localdate(share.created_at)
    fill_daily_stats(now=now)
    network_api.script(X_LOOKUP, x_answer(likes=10, replies=0, retweets=0, quotes=0))
    pull_engagement(now=now)
    compute_day, pulled_meanwhile = rollup.compute_day, []

    def compute_then_a_pull_commits(for_day):
        rows = compute_day(for_day)
        if not pulled_meanwhile:  # the puller's worker commits newer figures while the refill is under way
            pulled_meanwhile.append(record_engagement(share, Figures(950, 20, 0, 0), "api", fetched_at=now + HOUR))
        return rows

    monkeypatch.setattr(rollup, "compute_day", compute_then_a_pull_commits)
    fill_daily_stats(now=now)
    monkeypatch.setattr(rollup, "compute_day", compute_day)

    fill_daily_stats(now=now)

    assert DailyStat.objects.get(day=day, employee=share.employee).reactions == 20


# --- Figures that came from an analytics export first ----------------------------------------------------------------

def test_a_share_whose_first_figures_came_from_an_analytics_export_is_still_pulled(network_api, app_token, now):
    share = published_share("x", X_ID, now, age=3 * HOUR)
    record_engagement(share, Figures(500, 5, 1, 0), EngagementSnapshot.Source.IMPORT, fetched_at=now - HOUR)
    network_api.script(X_LOOKUP, x_answer(likes=10, replies=2, retweets=3, quotes=1, impressions=900))

    report = pull_engagement(now=now)

    assert report.asked == 1
    assert figures(share) == Figures(900, 10, 2, 4)


# --- 12. Finding the posts on X by their tracked link ---------------------------------------------------------------

def test_x_search_links_the_post_carrying_a_shares_tracked_link(network_api, app_token, settings, now):
    settings.X_SEARCH_ENABLED = True
    employee = factories.AdvocateFactory()
    result = share_post(employee, factories.PostFactory(), "x")
    short_url = result.link.short_url
    assert short_url.startswith(f"{settings.SITE_URL}/s/")
    network_api.script(X_SEARCH, Reply(200, x_page(x_found("1790000000000000042", short_url, likes=5, replies=1,
                                                           retweets=0, quotes=0, impressions=300))))

    assert find_shared_posts(now=now) == 1

    [request] = network_api.requests_to(X_SEARCH)
    assert request.query["query"] == [f'(url:"{short_url.split("://", 1)[1]}") -is:retweet']
    assert request.headers["authorization"] == f"Bearer {APP_TOKEN}"
    share = Share.objects.get(pk=result.share.pk)
    assert share.published_post_id == "1790000000000000042"
    assert share.published_url == "https://x.com/i/web/status/1790000000000000042"
    snapshot = EngagementSnapshot.objects.get(share=share)
    assert (snapshot.source, snapshot.impressions, snapshot.reactions, snapshot.comments) == ("search", 300, 5, 1)
    assert engagement(share).next_pull_at == now + HOUR
    assert engagement_points(employee) == 6


def test_x_search_does_not_link_a_post_already_claimed_by_another_share(network_api, app_token, settings, now):
    settings.X_SEARCH_ENABLED = True
    claimed = published_share("x", "1790000000000000042", now)
    result = share_post(factories.AdvocateFactory(), factories.PostFactory(), "x")
    network_api.script(X_SEARCH, Reply(200, x_page(x_found("1790000000000000042", result.link.short_url))))

    assert find_shared_posts(now=now) == 0

    assert len(network_api.requests_to(X_SEARCH)) == 1
    assert Share.objects.get(pk=result.share.pk).published_post_id == ""
    assert Share.objects.get(pk=claimed.pk).published_post_id == "1790000000000000042"
    assert not EngagementSnapshot.objects.exists()


def test_x_search_leaves_out_the_shares_of_an_erased_employee(network_api, app_token, settings, now):
    from advocacy.models import ErasureRequest
    from advocacy.privacy import carry_out_erasure

    settings.X_SEARCH_ENABLED = True
    employee = factories.AdvocateFactory()
    erased = share_post(employee, factories.PostFactory(), "x")
    kept = share_post(factories.AdvocateFactory(), factories.PostFactory(), "x")
    carry_out_erasure(ErasureRequest.objects.create(employee=employee), by=factories.UserFactory(is_superuser=True))
    network_api.script(X_SEARCH, Reply(200, x_page(x_found("1790000000000000042", erased.link.short_url),
                                                   x_found("1790000000000000043", kept.link.short_url))))

    assert find_shared_posts(now=now) == 1

    [request] = network_api.requests_to(X_SEARCH)
    assert erased.link.short_url.split("://", 1)[1] not in request.query["query"][0]
    assert Share.objects.get(pk=erased.share.pk).published_post_id == ""
    assert Share.objects.get(pk=kept.share.pk).published_post_id == "1790000000000000043"


def test_x_search_switched_off_asks_nothing(network_api, app_token, settings, now):
    settings.X_SEARCH_ENABLED = False
    share_post(factories.AdvocateFactory(), factories.PostFactory(), "x")

    assert find_shared_posts(now=now) == 0
    assert network_api.requests_to(X_SEARCH) == []


# --- 13. The command and the task ----------------------------------------------------------------------------------

def test_the_pull_engagement_command_prints_a_summary_line(network_api, app_token, now):
    published_share("x", X_ID, now)
    network_api.script(X_LOOKUP, x_answer())
    out = io.StringIO()

    call_command("pull_engagement", stdout=out)

    assert out.getvalue() == "Engagement: 1 share(s) asked, 1 changed, 0 failed.\n"


def test_the_pull_engagement_task_returns_the_summary(network_api, app_token, now):
    published_share("x", X_ID, now)
    network_api.script(X_LOOKUP, x_answer())

    assert pull_engagement_task.apply().get() == "1 share(s) asked, 1 changed, 0 failed"


# --- 14. Idempotence -------------------------------------------------------------------------------------------------

def test_pulling_twice_at_the_same_moment_asks_nothing_the_second_time(network_api, app_token, now):
    x_share = published_share("x", X_ID, now)
    facebook = published_share("facebook", FACEBOOK_ID, now)
    connect(facebook.employee, "facebook", "fb-token")
    network_api.script(X_LOOKUP, x_answer())
    network_api.script(GRAPH_IDS, Reply(200, {FACEBOOK_ID: graph_post(FACEBOOK_ID)}))
    first = pull_engagement(now=now)

    second = pull_engagement(now=now)

    assert (first.asked, first.changed) == (2, 2)
    assert str(second) == "0 share(s) asked, 0 changed, 0 failed"
    assert len(network_api.requests_to(X_LOOKUP)) == 1
    assert len(network_api.requests_to(GRAPH_IDS)) == 1
    assert EngagementSnapshot.objects.filter(share__in=[x_share, facebook]).count() == 2
