"""The network clients against a local server answering the way each network's documentation shows."""

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from advocacy.clients import (
    BadPayload,
    FacebookClient,
    LinkedInClient,
    RateLimited,
    RequestRejected,
    TokenRevoked,
    Unavailable,
    XClient,
    follower_count,
)
from advocacy.clients.base import backoff_delay
from tests.network_stub import Reply

TOKEN = "employee-token-9f8e7d"

# https://docs.x.com/x-api/users/lookup/quickstart/authenticated-lookup
X_ME = {
    "data": {
        "id": "2244994945",
        "name": "X Developers",
        "username": "XDevelopers",
        "public_metrics": {
            "followers_count": 583423,
            "following_count": 2048,
            "tweet_count": 14052,
            "listed_count": 1672,
        },
    }
}
X_UNAUTHORIZED = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
X_TOO_MANY_REQUESTS = {
    "title": "Too Many Requests",
    "detail": "Too Many Requests",
    "type": "about:blank",
    "status": 429,
}
X_NOT_FOUND = {
    "errors": [
        {
            "value": "2244994945",
            "detail": "Could not find user with id: [2244994945].",
            "title": "Not Found Error",
            "resource_type": "user",
            "parameter": "id",
            "resource_id": "2244994945",
            "type": "https://api.x.com/2/problems/resource-not-found",
        }
    ]
}

# https://learn.microsoft.com/en-us/linkedin/marketing/community-management/members/follower-statistics
LINKEDIN_FOLLOWERS = {"elements": [{"memberFollowersCount": 100}], "paging": {"count": 10, "start": 0, "links": []}}
LINKEDIN_REVOKED = {
    "message": "The token used in the request has been revoked by the user",
    "serviceErrorCode": 65601,
    "status": 401,
}

# https://developers.facebook.com/docs/graph-api/reference/user/friends/
FACEBOOK_FRIENDS = {"data": [], "summary": {"total_count": 342}}


def graph_error(code, message, subcode=None):
    """A Graph API error object, as https://developers.facebook.com/docs/graph-api/guides/error-handling shows."""
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AVj3xK9tQ2b"}
    if subcode:
        error["error_subcode"] = subcode
    return {"error": error}


@dataclass(frozen=True)
class Case:
    """One network's follower count, and how its documentation says each answer looks."""

    client_class: type
    fetch: Callable
    path: str
    query: dict
    documented: dict
    count: int
    partial: dict
    revoked: Reply


CASES = {
    "x": Case(
        XClient,
        XClient.follower_count,
        "/2/users/me",
        {"user.fields": ["public_metrics"]},
        X_ME,
        583423,
        {"data": {"id": "2244994945", "name": "X Developers", "username": "XDevelopers"}},
        Reply(401, X_UNAUTHORIZED),
    ),
    "linkedin": Case(
        LinkedInClient,
        LinkedInClient.follower_count,
        "/rest/memberFollowersCount",
        {"q": ["me"]},
        LINKEDIN_FOLLOWERS,
        100,
        {"elements": [], "paging": {"count": 10, "start": 0, "links": []}},
        Reply(401, LINKEDIN_REVOKED),
    ),
    "facebook": Case(
        FacebookClient,
        FacebookClient.friend_count,
        "/v23.0/me/friends",
        {"summary": ["total_count"], "limit": ["0"]},
        FACEBOOK_FRIENDS,
        342,
        {"data": []},
        Reply(400, graph_error(190, "Error validating access token: The user has not authorized application.", 458)),
    ),
}


@pytest.fixture(params=list(CASES.values()), ids=list(CASES))
def case(request):
    return request.param


@pytest.fixture
def sleeps():
    """The waits between attempts, recorded instead of slept."""
    return []


@pytest.fixture
def client(case, sleeps):
    return case.client_class(TOKEN, sleep=sleeps.append)


# --- Answers as documented --------------------------------------------------------------------


def test_documented_answer_gives_the_count(network_api, case, client):
    network_api.script(case.path, Reply(200, case.documented))

    assert case.fetch(client) == case.count


def test_request_carries_the_token_and_the_documented_query(network_api, case, client):
    network_api.script(case.path, Reply(200, case.documented))

    case.fetch(client)

    [request] = network_api.requests_to(case.path)
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.query == case.query


def test_request_names_the_platform_as_user_agent(network_api, client, case):
    network_api.script(case.path, Reply(200, case.documented))

    case.fetch(client)

    [request] = network_api.requests_to(case.path)
    assert request.headers["user-agent"].startswith("advocacy-platform (+")


def test_linkedin_request_names_the_api_version_from_settings(network_api, settings, sleeps):
    client = LinkedInClient(TOKEN, sleep=sleeps.append)
    settings.LINKEDIN_API_VERSION = "202601"
    network_api.script("/rest/memberFollowersCount", Reply(200, LINKEDIN_FOLLOWERS))

    client.follower_count()

    [request] = network_api.requests_to("/rest/memberFollowersCount")
    assert request.headers["linkedin-version"] == "202601"
    assert request.headers["x-restli-protocol-version"] == "2.0.0"


def test_facebook_request_uses_the_graph_version_from_settings(network_api, settings, sleeps):
    settings.FACEBOOK_GRAPH_VERSION = "v24.0"
    network_api.script("/v24.0/me/friends", Reply(200, FACEBOOK_FRIENDS))

    assert FacebookClient(TOKEN, sleep=sleeps.append).friend_count() == 342


@pytest.mark.parametrize("network", list(CASES))
def test_follower_count_asks_the_named_network(network_api, network):
    case = CASES[network]
    network_api.script(case.path, Reply(200, case.documented))

    assert follower_count(network, TOKEN) == case.count


def test_follower_count_refuses_a_network_without_an_api_client():
    with pytest.raises(ValueError, match="whatsapp"):
        follower_count("whatsapp", TOKEN)


# --- Rate limits --------------------------------------------------------------------------------


def test_x_rate_limit_waits_until_the_reset_time(network_api, sleeps):
    reset = int(time.time()) + 120
    headers = {"x-rate-limit-limit": "75", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
    network_api.script("/2/users/me", Reply(429, X_TOO_MANY_REQUESTS, headers))

    with pytest.raises(RateLimited) as raised:
        XClient(TOKEN, sleep=sleeps.append).follower_count()

    assert 115 <= raised.value.retry_after <= 120
    assert len(network_api.requests_to("/2/users/me")) == 1
    assert sleeps == []


def test_rate_limit_with_retry_after_seconds(network_api, case, client, sleeps):
    network_api.script(case.path, Reply(429, {}, {"Retry-After": "30"}))

    with pytest.raises(RateLimited) as raised:
        case.fetch(client)

    assert raised.value.retry_after == 30.0
    assert len(network_api.requests_to(case.path)) == 1
    assert sleeps == []


def test_rate_limit_with_retry_after_date(network_api, sleeps):
    moment = datetime.now(UTC) + timedelta(seconds=90)
    network_api.script(
        "/2/users/me",
        Reply(429, X_TOO_MANY_REQUESTS, {"Retry-After": email.utils.format_datetime(moment, usegmt=True)}),
    )

    with pytest.raises(RateLimited) as raised:
        XClient(TOKEN, sleep=sleeps.append).follower_count()

    assert 85 <= raised.value.retry_after <= 90


def test_x_rate_limit_without_headers_waits_a_fifteen_minute_window(network_api, sleeps):
    network_api.script("/2/users/me", Reply(429, X_TOO_MANY_REQUESTS))

    with pytest.raises(RateLimited) as raised:
        XClient(TOKEN, sleep=sleeps.append).follower_count()

    assert raised.value.retry_after == 900.0


def test_linkedin_rate_limit_waits_until_midnight_utc(network_api, sleeps):
    network_api.script(
        "/rest/memberFollowersCount", Reply(429, {"message": "Resource level throttle limit reached", "status": 429})
    )

    with pytest.raises(RateLimited) as raised:
        LinkedInClient(TOKEN, sleep=sleeps.append).follower_count()

    now = datetime.now(UTC)
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    assert raised.value.retry_after == pytest.approx((midnight - now).total_seconds(), abs=5)


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (400, 4, "(#4) Application request limit reached"),
        (403, 17, "(#17) User request limit reached"),
        (400, 32, "(#32) Page request limit reached"),
        (400, 613, "(#613) Calls to this api have exceeded the rate limit."),
        (400, 80001, "(#80001) There have been too many calls to this Page account. Wait a bit and try again."),
    ],
)
def test_graph_throttling_code_is_rate_limited_for_an_hour(network_api, sleeps, status, code, message):
    network_api.script("/v23.0/me/friends", Reply(status, graph_error(code, message)))

    with pytest.raises(RateLimited, match=f"error {code}/") as raised:
        FacebookClient(TOKEN, sleep=sleeps.append).friend_count()

    assert raised.value.retry_after == 3600.0
    assert len(network_api.requests_to("/v23.0/me/friends")) == 1


# --- Retries ----------------------------------------------------------------------------------


def test_server_error_then_success_is_retried(network_api, case, client, sleeps):
    network_api.script(case.path, Reply(500, {}), Reply(200, case.documented))

    assert case.fetch(client) == case.count
    assert len(network_api.requests_to(case.path)) == 2
    assert len(sleeps) == 1


def test_server_errors_every_time_give_unavailable_after_the_configured_attempts(
    network_api, settings, case, client, sleeps
):
    settings.NETWORK_API_MAX_ATTEMPTS = 4
    network_api.script(case.path, *[Reply(503, {})] * 4)

    with pytest.raises(Unavailable, match="after 4 attempts"):
        case.fetch(client)

    assert len(network_api.requests_to(case.path)) == 4
    assert len(sleeps) == 3


def test_waits_between_attempts_double_with_jitter(network_api, settings, sleeps):
    settings.NETWORK_API_MAX_ATTEMPTS = 4
    network_api.script("/2/users/me", *[Reply(500, {})] * 4)

    with pytest.raises(Unavailable):
        XClient(TOKEN, sleep=sleeps.append).follower_count()

    first, second, third = sleeps
    assert 0.25 <= first <= 0.5
    assert 0.5 <= second <= 1.0
    assert 1.0 <= third <= 2.0


@pytest.mark.parametrize("attempt", range(1, 12))
def test_wait_between_attempts_is_capped(attempt):
    ceiling = min(8.0, 0.5 * 2 ** (attempt - 1))

    assert ceiling / 2 <= backoff_delay(attempt) <= ceiling


def test_slow_answer_is_retried_then_unavailable(network_api, settings, sleeps):
    settings.NETWORK_API_MAX_ATTEMPTS = 2
    network_api.script("/2/users/me", *[Reply(200, X_ME, delay=1.5)] * 2)

    with pytest.raises(Unavailable, match="Timeout"):
        XClient(TOKEN, sleep=sleeps.append).follower_count()

    assert len(network_api.requests_to("/2/users/me")) == 2
    assert len(sleeps) == 1


def test_slow_answer_then_quick_answer_succeeds(network_api, sleeps):
    network_api.script("/2/users/me", Reply(200, X_ME, delay=1.5), Reply(200, X_ME))

    assert XClient(TOKEN, sleep=sleeps.append).follower_count() == 583423
    assert len(network_api.requests_to("/2/users/me")) == 2


# --- Answers that are not what the documentation promises ----------------------------------------


def test_malformed_json_is_a_bad_payload(network_api, case, client):
    network_api.script(case.path, Reply(200, '{"data": {"public_metrics": {"followers_count": 58'))

    with pytest.raises(BadPayload, match="not a JSON object"):
        case.fetch(client)


def test_html_page_is_a_bad_payload(network_api, sleeps):
    network_api.script(
        "/2/users/me", Reply(200, "<html><body>Over capacity</body></html>", {"Content-Type": "text/html"})
    )

    with pytest.raises(BadPayload, match="text/html"):
        XClient(TOKEN, sleep=sleeps.append).follower_count()


def test_answer_missing_the_documented_fields_is_a_bad_payload(network_api, case, client, sleeps):
    network_api.script(case.path, Reply(200, case.partial))

    with pytest.raises(BadPayload):
        case.fetch(client)

    assert sleeps == []


def test_x_errors_without_data_is_a_bad_payload(network_api, sleeps):
    network_api.script("/2/users/me", Reply(200, X_NOT_FOUND))

    with pytest.raises(BadPayload, match=r"Could not find user with id: \[2244994945\]"):
        XClient(TOKEN, sleep=sleeps.append).follower_count()


def test_count_that_is_not_an_integer_is_a_bad_payload(network_api, sleeps):
    payload = {"data": {**X_ME["data"], "public_metrics": {"followers_count": "583423"}}}
    network_api.script("/2/users/me", Reply(200, payload))

    with pytest.raises(BadPayload, match="not a count"):
        XClient(TOKEN, sleep=sleeps.append).follower_count()


# --- Refusals ---------------------------------------------------------------------------------


def test_revoked_token_asks_for_a_new_connection(network_api, case, client, sleeps):
    network_api.script(case.path, case.revoked)

    with pytest.raises(TokenRevoked):
        case.fetch(client)

    assert len(network_api.requests_to(case.path)) == 1
    assert sleeps == []


def test_linkedin_missing_permission_is_rejected(network_api, sleeps):
    body = {
        "message": "Not enough permissions to access: memberFollowersCount.FINDER-me.20251001",
        "serviceErrorCode": 100,
        "status": 403,
    }
    network_api.script("/rest/memberFollowersCount", Reply(403, body))

    with pytest.raises(RequestRejected, match="Not enough permissions") as raised:
        LinkedInClient(TOKEN, sleep=sleeps.append).follower_count()

    assert raised.value.status == 403


def test_graph_permission_error_is_rejected_with_its_trace_id(network_api, sleeps):
    network_api.script("/v23.0/me/friends", Reply(403, graph_error(200, "(#200) Missing Permissions")))

    with pytest.raises(RequestRejected, match="AVj3xK9tQ2b") as raised:
        FacebookClient(TOKEN, sleep=sleeps.append).friend_count()

    assert raised.value.status == 403


def test_token_appears_neither_in_logs_nor_in_errors(network_api, caplog, sleeps):
    client = XClient(TOKEN, sleep=sleeps.append)
    network_api.script("/2/users/me", *[Reply(500, {})] * 3, Reply(401, X_UNAUTHORIZED))

    with pytest.raises(Unavailable) as unavailable:
        client.follower_count()
    with pytest.raises(TokenRevoked) as revoked:
        client.follower_count()

    assert "attempt 3 of 3" in caplog.text
    assert TOKEN not in caplog.text + str(unavailable.value) + str(revoked.value) + repr(client)
