"""Engagement of published posts, and X posts found by their tracked links, against a local server answering the
way each network's documentation shows."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from advocacy.clients import (
    BadPayload,
    Engagement,
    FacebookClient,
    FoundPost,
    LinkedInClient,
    RateLimited,
    RequestRejected,
    TokenRevoked,
    Unavailable,
    XClient,
    fetch_engagement,
    search_x_posts_linking,
)
from tests.network_stub import Reply

TOKEN = "employee-token-9f8e7d"
APP_TOKEN = "app-bearer-token-1a2b3c"

X_LOOKUP = "/2/tweets"
X_SEARCH = "/2/tweets/search/recent"
LINKEDIN_ANALYTICS = "/rest/memberCreatorPostAnalytics"
GRAPH_IDS = "/v23.0/"


@pytest.fixture
def sleeps():
    """The waits between attempts, recorded instead of slept."""
    return []


# --- Payloads, as the documentation shows them ----------------------------------------------------


def x_post(post_id, likes=42, replies=2, retweets=5, quotes=1, impressions=1200, urls=(), **fields):
    """A post with public_metrics, as https://docs.x.com/x-api/posts/search/quickstart/recent-search and
    https://docs.x.com/x-api/posts/lookup/quickstart show it; `impressions=None` leaves impression_count out."""
    metrics = {"retweet_count": retweets, "reply_count": replies, "like_count": likes, "quote_count": quotes}
    if impressions is not None:
        metrics["impression_count"] = impressions
    post = {
        "id": post_id,
        "text": "Just started learning Python and loving it!",
        "edit_history_tweet_ids": [post_id],
        "public_metrics": {**metrics, "bookmark_count": 3},
        **fields,
    }
    if urls:
        post["entities"] = {
            "urls": [
                {"start": 0, "end": 23, "url": "https://t.co/XR09zDvpmZ", "expanded_url": url,
                 "display_url": url.split("://", 1)[1][:30]}
                for url in urls
            ]
        }
    return post


def x_found(post_id, *urls, author_id="9876543210", created_at="2024-01-15T10:30:00.000Z", **metrics):
    return x_post(post_id, urls=urls, author_id=author_id, created_at=created_at, **metrics)


def x_not_found(post_id):
    """https://docs.x.com/x-api/fundamentals/response-codes-and-errors: a partial error for one id."""
    return {
        "value": post_id,
        "detail": f"Could not find tweet with ids: [{post_id}].",
        "title": "Not Found Error",
        "resource_type": "tweet",
        "parameter": "ids",
        "resource_id": post_id,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def x_not_authorized(post_id):
    return {
        "value": post_id,
        "detail": f"Sorry, you are not authorized to see the Tweet with ids: [{post_id}].",
        "title": "Authorization Error",
        "resource_type": "tweet",
        "parameter": "ids",
        "resource_id": post_id,
        "type": "https://api.twitter.com/2/problems/not-authorized-for-resource",
    }


def x_page(*posts, next_token=None):
    """A page of recent search, as https://docs.x.com/x-api/posts/search/integrate/paginate shows it."""
    meta = {"result_count": len(posts)}
    if posts:
        meta.update(newest_id=posts[0]["id"], oldest_id=posts[-1]["id"])
    if next_token:
        meta["next_token"] = next_token
    return {"data": list(posts), "meta": meta} if posts else {"meta": meta}


X_UNAUTHORIZED = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
X_TOO_MANY_REQUESTS = {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank",
                       "status": 429}


def linkedin_metric(count, metric, urn="urn:li:share:7123456789012345678"):
    """One data point of https://learn.microsoft.com/en-us/linkedin/marketing/community-management/members/
    post-statistics, with aggregation=TOTAL."""
    kind = "ugc" if ":ugcPost:" in urn else "share"
    return {
        "elements": [{"count": count, "metricType": metric, "targetEntity": {kind: urn}}],
        "paging": {"count": 10, "start": 0, "links": []},
    }


LINKEDIN_NOTHING_YET = {"elements": [], "paging": {"count": 10, "start": 0, "links": []}}
LINKEDIN_REVOKED = {
    "message": "The token used in the request has been revoked by the user",
    "serviceErrorCode": 65601,
    "status": 401,
}
LINKEDIN_NOT_FOUND = {"message": "Entity not found", "serviceErrorCode": 0, "status": 404}
LINKEDIN_FORBIDDEN = {
    "message": "Not enough permissions to access: memberCreatorPostAnalytics.FINDER-entity.20251001",
    "serviceErrorCode": 100,
    "status": 403,
}


def graph_post(post_id, reactions=12, comments=4, shares=3):
    """A Post with https://developers.facebook.com/docs/graph-api/reference/post/ `shares` and the summaries of
    its reactions and comments edges; `shares=None` leaves the field out, as Graph does when nobody shared."""
    post = {
        "reactions": {"data": [], "summary": {"total_count": reactions, "viewer_reaction": "NONE"}},
        "comments": {"data": [], "summary": {"order": "ranked", "total_count": comments, "can_comment": True}},
        "id": post_id,
    }
    if shares is not None:
        post["shares"] = {"count": shares}
    return post


def graph_error(code, message, subcode=None):
    """A Graph API error object, as https://developers.facebook.com/docs/graph-api/guides/error-handling shows."""
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AVj3xK9tQ2b"}
    if subcode:
        error["error_subcode"] = subcode
    return {"error": error}


def x_ids(count, first=1460323737035677698):
    return [str(first + number) for number in range(count)]


# --- X: engagement of posts -------------------------------------------------------------------------


def test_x_engagement_asks_at_most_100_ids_per_call(network_api, sleeps):
    ids = x_ids(150)
    network_api.script(
        X_LOOKUP,
        Reply(200, {"data": [x_post(post_id) for post_id in ids[:100]]}),
        Reply(200, {"data": [x_post(post_id) for post_id in ids[100:]]}),
    )

    result = XClient(TOKEN, sleep=sleeps.append).posts_engagement(ids)

    first, second = network_api.requests_to(X_LOOKUP)
    assert first.query == {"ids": [",".join(ids[:100])], "tweet.fields": ["public_metrics"]}
    assert second.query == {"ids": [",".join(ids[100:])], "tweet.fields": ["public_metrics"]}
    assert list(result) == ids
    assert first.headers["authorization"] == f"Bearer {TOKEN}"


def test_x_engagement_counts_likes_replies_and_retweets_with_quotes(network_api, sleeps):
    network_api.script(X_LOOKUP, Reply(200, {"data": [x_post("20", likes=42, replies=2, retweets=5, quotes=1)]}))

    [engagement] = XClient(TOKEN, sleep=sleeps.append).posts_engagement(["20"]).values()

    assert engagement == Engagement(post_id="20", impressions=1200, reactions=42, comments=2, reshares=6)
    assert engagement.engagements == 50


def test_x_engagement_leaves_out_posts_reported_in_errors(network_api, sleeps):
    network_api.script(
        X_LOOKUP,
        Reply(200, {"data": [x_post("20")], "errors": [x_not_found("1276230436478386177"), x_not_authorized("21")]}),
    )

    result = XClient(TOKEN, sleep=sleeps.append).posts_engagement(["20", "1276230436478386177", "21"])

    assert list(result) == ["20"]


def test_x_engagement_of_posts_all_gone_is_empty(network_api, sleeps):
    network_api.script(X_LOOKUP, Reply(200, {"errors": [x_not_found("1276230436478386177")]}))

    assert XClient(TOKEN, sleep=sleeps.append).posts_engagement(["1276230436478386177"]) == {}


def test_x_engagement_without_impression_count_has_no_impressions(network_api, sleeps):
    network_api.script(X_LOOKUP, Reply(200, {"data": [x_post("20", impressions=None)]}))

    assert XClient(TOKEN, sleep=sleeps.append).posts_engagement(["20"])["20"].impressions is None


def test_x_engagement_asks_each_id_once(network_api, sleeps):
    network_api.script(X_LOOKUP, Reply(200, {"data": [x_post("20"), x_post("21")]}))

    XClient(TOKEN, sleep=sleeps.append).posts_engagement(["20", "21", "20"])

    [request] = network_api.requests_to(X_LOOKUP)
    assert request.query["ids"] == ["20,21"]


def test_x_engagement_of_no_posts_asks_nothing(network_api, sleeps):
    assert XClient(TOKEN, sleep=sleeps.append).posts_engagement([]) == {}
    assert network_api.requests_to(X_LOOKUP) == []


@pytest.mark.parametrize("post_id", ["abc", "12,34", "", " 20", "1e5", "²", 20])
def test_x_engagement_refuses_ids_that_are_not_digits_before_asking(network_api, sleeps, post_id):
    with pytest.raises(ValueError, match="not an X post id"):
        XClient(TOKEN, sleep=sleeps.append).posts_engagement(["20", post_id])

    assert network_api.requests_to(X_LOOKUP) == []


def test_x_engagement_answer_without_data_nor_errors_is_a_bad_payload(network_api, sleeps):
    network_api.script(X_LOOKUP, Reply(200, {"meta": {"result_count": 0}}))

    with pytest.raises(BadPayload, match="neither data nor errors"):
        XClient(TOKEN, sleep=sleeps.append).posts_engagement(["20"])


@pytest.mark.parametrize(
    ("field", "value"),
    [("like_count", -1), ("reply_count", "2"), ("retweet_count", None), ("quote_count", 1.5),
     ("impression_count", "1200")],
)
def test_x_engagement_metric_that_is_not_a_count_is_a_bad_payload_naming_it(network_api, sleeps, field, value):
    post = x_post("20")
    post["public_metrics"][field] = value
    network_api.script(X_LOOKUP, Reply(200, {"data": [post]}))

    with pytest.raises(BadPayload, match=f"public_metrics.{field} of post 20 is"):
        XClient(TOKEN, sleep=sleeps.append).posts_engagement(["20"])


def test_x_engagement_post_without_public_metrics_is_a_bad_payload(network_api, sleeps):
    post = x_post("20")
    del post["public_metrics"]
    network_api.script(X_LOOKUP, Reply(200, {"data": [post]}))

    with pytest.raises(BadPayload, match="lacks public_metrics"):
        XClient(TOKEN, sleep=sleeps.append).posts_engagement(["20"])


@pytest.mark.parametrize(
    "body", ['{"data": [{"id": "20", "public_metrics": {"like_count": 4', [x_post("20")], "null"],
    ids=["cut-off", "list", "null"],
)
def test_x_engagement_answer_that_is_not_a_json_object_is_a_bad_payload(network_api, sleeps, body):
    network_api.script(X_LOOKUP, Reply(200, body))

    with pytest.raises(BadPayload, match="not a JSON object"):
        XClient(TOKEN, sleep=sleeps.append).posts_engagement(["20"])


def test_x_engagement_rate_limit_waits_until_the_reset_time(network_api, sleeps):
    reset = int(time.time()) + 300
    headers = {"x-rate-limit-limit": "15", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
    network_api.script(X_LOOKUP, Reply(429, X_TOO_MANY_REQUESTS, headers))

    with pytest.raises(RateLimited) as raised:
        XClient(TOKEN, sleep=sleeps.append).posts_engagement(["20"])

    assert 295 <= raised.value.retry_after <= 300
    assert len(network_api.requests_to(X_LOOKUP)) == 1
    assert sleeps == []


def test_x_engagement_server_error_then_success_is_retried(network_api, sleeps):
    network_api.script(X_LOOKUP, Reply(500, {}), Reply(200, {"data": [x_post("20")]}))

    assert list(XClient(TOKEN, sleep=sleeps.append).posts_engagement(["20"])) == ["20"]
    assert len(network_api.requests_to(X_LOOKUP)) == 2
    assert len(sleeps) == 1


def test_x_engagement_slow_answers_every_time_give_unavailable(network_api, settings, sleeps):
    settings.NETWORK_API_MAX_ATTEMPTS = 2
    network_api.script(X_LOOKUP, *[Reply(200, {"data": [x_post("20")]}, delay=1.5)] * 2)

    with pytest.raises(Unavailable, match="Timeout"):
        XClient(TOKEN, sleep=sleeps.append).posts_engagement(["20"])

    assert len(network_api.requests_to(X_LOOKUP)) == 2
    assert len(sleeps) == 1


def test_x_engagement_refused_token_asks_for_a_new_connection(network_api, sleeps):
    network_api.script(X_LOOKUP, Reply(401, X_UNAUTHORIZED))

    with pytest.raises(TokenRevoked):
        XClient(TOKEN, sleep=sleeps.append).posts_engagement(["20"])

    assert sleeps == []


# --- X: posts carrying our tracked links --------------------------------------------------------------


def test_x_search_asks_for_the_linked_posts_with_their_metrics(network_api, sleeps):
    network_api.script(X_SEARCH, Reply(200, x_page()))

    XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking(
        ["https://go.example.com/s/abc", "https://go.example.com/s/def/"]
    )

    [request] = network_api.requests_to(X_SEARCH)
    assert request.query == {
        "query": ['(url:"go.example.com/s/abc" OR url:"go.example.com/s/def") -is:retweet'],
        "max_results": ["100"],
        "tweet.fields": ["public_metrics,author_id,created_at,entities"],
    }


def test_x_search_splits_urls_into_queries_of_at_most_512_characters(network_api, sleeps):
    urls = [f"https://go.example.com/s/{number:03d}-{'x' * 40}" for number in range(40)]
    network_api.script(X_SEARCH, *[Reply(200, x_page())] * 10)

    XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking(urls)

    queries = [request.query["query"][0] for request in network_api.requests_to(X_SEARCH)]
    assert len(queries) > 1
    assert all(len(query) <= 512 for query in queries)
    asked = " ".join(queries)
    assert all(f'url:"{url.removeprefix("https://")}"' in asked for url in urls)
    assert "https://" not in asked
    # As few queries as fit: each but the last has no room left for one more URL.
    one_more = len(f' OR url:"go.example.com/s/000-{"x" * 40}"')
    assert all(len(query) + one_more > 512 for query in queries[:-1])


def test_x_search_refuses_a_url_too_long_for_a_query_before_asking(network_api, sleeps):
    with pytest.raises(ValueError, match="too long"):
        XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking([f"https://go.example.com/{'x' * 500}"])

    assert network_api.requests_to(X_SEARCH) == []


@pytest.mark.parametrize("url", ["ftp://go.example.com/s/abc", 'https://go.example.com/"', "https:///s/abc", ""])
def test_x_search_refuses_what_is_not_a_quotable_web_url(network_api, sleeps, url):
    with pytest.raises(ValueError):
        XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking([url])


NEXT_TOKEN = "7140dibdnow9c7btw3w29pbzpyo2i2z115csy9le6w56g"


def test_x_search_follows_next_token(network_api, sleeps):
    url = "https://go.example.com/s/abc"
    network_api.script(
        X_SEARCH,
        Reply(200, x_page(x_found("1346889436626259968", url), next_token=NEXT_TOKEN)),
        Reply(200, x_page(x_found("1338971066773905408", url))),
    )

    found = XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking([url])

    assert [post.post_id for post in found] == ["1346889436626259968", "1338971066773905408"]
    first, second = network_api.requests_to(X_SEARCH)
    assert "next_token" not in first.query
    assert second.query["next_token"] == [NEXT_TOKEN]
    assert second.query["query"] == first.query["query"]


def test_x_search_reads_at_most_ten_pages_per_query(network_api, sleeps, caplog):
    url = "https://go.example.com/s/abc"
    network_api.script(
        X_SEARCH, *[Reply(200, x_page(x_found(str(100 + page), url), next_token=f"token{page}")) for page in range(12)]
    )

    found = XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking([url])

    assert len(network_api.requests_to(X_SEARCH)) == 10
    assert len(found) == 10
    assert "stopped after 10 pages" in caplog.text


def test_x_search_gives_the_post_its_author_time_links_and_engagement(network_api, sleeps):
    url = "https://go.example.com/s/abc"
    network_api.script(X_SEARCH, Reply(200, x_page(x_found("1234567890123456789", url, impressions=None))))

    [post] = XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking([url, "https://go.example.com/s/def"])

    assert post == FoundPost(
        post_id="1234567890123456789",
        author_id="9876543210",
        created_at=datetime(2024, 1, 15, 10, 30, tzinfo=UTC),
        linked_urls=frozenset({url}),
        engagement=Engagement("1234567890123456789", impressions=None, reactions=42, comments=2, reshares=6),
    )


def test_x_search_compares_links_with_host_case_and_trailing_slash_ignored(network_api, sleeps):
    network_api.script(
        X_SEARCH,
        Reply(200, x_page(
            x_found("31", "HTTPS://Go.Example.com/s/abc/", "https://go.example.com/s/def"),
            x_found("30", "https://go.example.com/s/ABC"),
        )),
    )

    found = XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking(
        ["https://go.example.com/s/abc", "https://go.example.com/s/def", "https://go.example.com/s/ghi"]
    )

    assert {post.post_id: post.linked_urls for post in found} == {
        "31": {"https://go.example.com/s/abc", "https://go.example.com/s/def"}
    }


def test_x_search_takes_urls_without_scheme_and_matches_http_and_https_alike(network_api, sleeps):
    network_api.script(
        X_SEARCH,
        Reply(200, x_page(x_found("31", "http://go.example.com/s/abc"),
                          x_found("30", "https://go.example.com/s/def/"))),
    )

    found = XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking(
        ["go.example.com/s/abc", "https://go.example.com/s/def"]
    )

    [request] = network_api.requests_to(X_SEARCH)
    assert request.query["query"] == ['(url:"go.example.com/s/abc" OR url:"go.example.com/s/def") -is:retweet']
    assert {post.post_id: post.linked_urls for post in found} == {
        "31": {"go.example.com/s/abc"},
        "30": {"https://go.example.com/s/def"},
    }


def test_x_search_leaves_out_posts_carrying_only_longer_urls(network_api, sleeps):
    network_api.script(X_SEARCH, Reply(200, x_page(x_found("30", "https://go.example.com/s/abc/more"), x_post("29"))))

    assert XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking(["https://go.example.com/s/abc"]) == []


def test_x_search_returns_a_post_found_by_two_queries_once(network_api, sleeps):
    urls = [f"https://go.example.com/s/{number:03d}-{'x' * 40}" for number in range(10)]  # two queries
    both = x_found("30", urls[0], urls[-1])
    network_api.script(X_SEARCH, Reply(200, x_page(both)), Reply(200, x_page(both, x_found("29", urls[-1]))))

    found = XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking(urls)

    assert len(network_api.requests_to(X_SEARCH)) == 2
    assert [post.post_id for post in found] == ["30", "29"]
    assert found[0].linked_urls == {urls[0], urls[-1]}


def test_x_search_starts_at_since(network_api, sleeps):
    network_api.script(X_SEARCH, Reply(200, x_page()))
    since = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)

    XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking(["https://go.example.com/s/abc"], since=since)

    [request] = network_api.requests_to(X_SEARCH)
    assert request.query["start_time"] == [since.strftime("%Y-%m-%dT%H:%M:%SZ")]


def test_x_search_since_beyond_seven_days_starts_at_the_oldest_searchable_moment(network_api, sleeps):
    network_api.script(X_SEARCH, Reply(200, x_page()))

    XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking(
        ["https://go.example.com/s/abc"], since=datetime.now(UTC) - timedelta(days=30)
    )

    [request] = network_api.requests_to(X_SEARCH)
    start = datetime.strptime(request.query["start_time"][0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(days=6, hours=23) < datetime.now(UTC) - start < timedelta(days=7)


def test_x_search_refuses_a_since_without_time_zone_before_asking(network_api, sleeps):
    with pytest.raises(ValueError, match="aware"):
        XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking(
            ["https://go.example.com/s/abc"], since=datetime(2024, 1, 15, 10, 30)
        )

    assert network_api.requests_to(X_SEARCH) == []


def test_x_search_page_without_data_nor_meta_is_a_bad_payload(network_api, sleeps):
    network_api.script(X_SEARCH, Reply(200, {"errors": [{"title": "Invalid Request", "detail": "broken"}]}))

    with pytest.raises(BadPayload):
        XClient(APP_TOKEN, sleep=sleeps.append).search_posts_linking(["https://go.example.com/s/abc"])


def test_search_x_posts_linking_uses_the_app_bearer_token(network_api, settings):
    settings.X_APP_BEARER_TOKEN = APP_TOKEN
    network_api.script(X_SEARCH, Reply(200, x_page(x_found("30", "https://go.example.com/s/abc"))))

    [post] = search_x_posts_linking(["https://go.example.com/s/abc"])

    assert post.post_id == "30"
    [request] = network_api.requests_to(X_SEARCH)
    assert request.headers["authorization"] == f"Bearer {APP_TOKEN}"


def test_search_x_posts_linking_without_an_app_bearer_token_is_refused(network_api, settings):
    settings.X_APP_BEARER_TOKEN = ""

    with pytest.raises(ValueError, match="X_APP_BEARER_TOKEN"):
        search_x_posts_linking(["https://go.example.com/s/abc"])

    assert network_api.requests_to(X_SEARCH) == []


# --- LinkedIn: member post statistics ------------------------------------------------------------------


SHARE = "urn:li:share:7123456789012345678"
UGC_POST = "urn:li:ugcPost:7000000000000000001"


def script_linkedin_metrics(network_api, urn, impressions=1204, reactions=25, comments=7, reshares=3):
    network_api.script(
        LINKEDIN_ANALYTICS,
        *[Reply(200, linkedin_metric(count, metric, urn)) for count, metric in
          [(impressions, "IMPRESSION"), (reactions, "REACTION"), (comments, "COMMENT"), (reshares, "RESHARE")]],
    )


def test_linkedin_engagement_asks_each_metric_with_the_version_headers(network_api, settings, sleeps):
    settings.LINKEDIN_API_VERSION = "202601"
    script_linkedin_metrics(network_api, SHARE)

    engagement = LinkedInClient(TOKEN, sleep=sleeps.append).post_engagement(SHARE)

    assert engagement == Engagement(SHARE, impressions=1204, reactions=25, comments=7, reshares=3)
    requests = network_api.requests_to(LINKEDIN_ANALYTICS)
    assert [request.query["queryType"] for request in requests] == [["IMPRESSION"], ["REACTION"], ["COMMENT"],
                                                                    ["RESHARE"]]
    for request in requests:
        assert request.query["q"] == ["entity"]
        assert request.query["entity"] == [f"(share:{SHARE})"]
        assert request.query["aggregation"] == ["TOTAL"]
        assert request.headers["linkedin-version"] == "202601"
        assert request.headers["x-restli-protocol-version"] == "2.0.0"
        assert request.headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(
    ("urn", "entity"),
    [(SHARE, "(share:urn%3Ali%3Ashare%3A7123456789012345678)"),
     (UGC_POST, "(ugc:urn%3Ali%3AugcPost%3A7000000000000000001)")],
)
def test_linkedin_entity_is_sent_as_a_restli_union_with_the_urn_encoded(network_api, sleeps, urn, entity):
    client = LinkedInClient(TOKEN, sleep=sleeps.append)
    sent = []
    client.session.hooks["response"].append(lambda response, **kwargs: sent.append(response.request.url))
    script_linkedin_metrics(network_api, urn)

    client.post_engagement(urn)

    assert len(sent) == 4
    assert all(f"&entity={entity}&" in url for url in sent)


def test_linkedin_metric_with_nothing_counted_yet_is_zero(network_api, sleeps):
    network_api.script(
        LINKEDIN_ANALYTICS,
        Reply(200, linkedin_metric(80, "IMPRESSION")),
        *[Reply(200, LINKEDIN_NOTHING_YET)] * 3,
    )

    engagement = LinkedInClient(TOKEN, sleep=sleeps.append).post_engagement(SHARE)

    assert engagement == Engagement(SHARE, impressions=80, reactions=0, comments=0, reshares=0)


def test_linkedin_metric_type_as_documented_before_202605_is_read_too(network_api, sleeps):
    legacy = linkedin_metric(1204, "IMPRESSION")
    legacy["elements"][0]["metricType"] = {
        "com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1": "IMPRESSION"
    }
    network_api.script(LINKEDIN_ANALYTICS, Reply(200, legacy), *[Reply(200, LINKEDIN_NOTHING_YET)] * 3)

    assert LinkedInClient(TOKEN, sleep=sleeps.append).post_engagement(SHARE).impressions == 1204


@pytest.mark.parametrize("body", [{"paging": {}}, {"elements": [{"count": -3}]}, {"elements": [{"count": "3"}]}])
def test_linkedin_metric_answer_without_a_count_is_a_bad_payload(network_api, sleeps, body):
    network_api.script(LINKEDIN_ANALYTICS, Reply(200, body))

    with pytest.raises(BadPayload, match="IMPRESSION"):
        LinkedInClient(TOKEN, sleep=sleeps.append).post_engagement(SHARE)


def test_linkedin_engagement_with_a_revoked_token_asks_for_a_new_connection(network_api, sleeps):
    network_api.script(LINKEDIN_ANALYTICS, Reply(401, LINKEDIN_REVOKED))

    with pytest.raises(TokenRevoked, match="revoked by the user"):
        LinkedInClient(TOKEN, sleep=sleeps.append).post_engagement(SHARE)

    assert len(network_api.requests_to(LINKEDIN_ANALYTICS)) == 1


@pytest.mark.parametrize("urn", ["urn:li:activity:7123456789012345678", "urn:li:person:abc", "7123456789", ""])
def test_linkedin_engagement_refuses_urns_the_analytics_do_not_read(network_api, sleeps, urn):
    with pytest.raises(ValueError, match="share or ugcPost URN"):
        LinkedInClient(TOKEN, sleep=sleeps.append).post_engagement(urn)

    assert network_api.requests_to(LINKEDIN_ANALYTICS) == []


def test_fetch_engagement_on_linkedin_leaves_out_posts_not_found_and_activity_urns(network_api):
    network_api.script(LINKEDIN_ANALYTICS, Reply(404, LINKEDIN_NOT_FOUND))
    script_linkedin_metrics(network_api, UGC_POST)

    result = fetch_engagement("linkedin", TOKEN, [SHARE, "urn:li:activity:7123456789012345678", UGC_POST, SHARE])

    assert result == {UGC_POST: Engagement(UGC_POST, impressions=1204, reactions=25, comments=7, reshares=3)}
    assert len(network_api.requests_to(LINKEDIN_ANALYTICS)) == 5


def test_fetch_engagement_on_linkedin_passes_on_other_refusals(network_api):
    network_api.script(LINKEDIN_ANALYTICS, Reply(403, LINKEDIN_FORBIDDEN))

    with pytest.raises(RequestRejected, match="Not enough permissions") as raised:
        fetch_engagement("linkedin", TOKEN, [SHARE, UGC_POST])

    assert raised.value.status == 403
    assert len(network_api.requests_to(LINKEDIN_ANALYTICS)) == 1


def test_fetch_engagement_on_linkedin_checks_every_urn_before_asking(network_api):
    with pytest.raises(ValueError):
        fetch_engagement("linkedin", TOKEN, [SHARE, "urn:li:person:abc"])

    assert network_api.requests_to(LINKEDIN_ANALYTICS) == []


# --- Facebook: posts read 50 at a time ---------------------------------------------------------------------


def facebook_ids(count):
    return [f"100001234567890_{10150189643478553 + number}" for number in range(count)]


def test_facebook_engagement_asks_at_most_50_ids_per_call(network_api, sleeps):
    ids = facebook_ids(120)
    network_api.script(
        GRAPH_IDS, *[Reply(200, {post_id: graph_post(post_id) for post_id in ids[start:start + 50]})
                     for start in (0, 50, 100)]
    )

    result = FacebookClient(TOKEN, sleep=sleeps.append).posts_engagement(ids)

    requests = network_api.requests_to(GRAPH_IDS)
    assert [request.query["ids"] for request in requests] == [[",".join(ids[start:start + 50])]
                                                               for start in (0, 50, 100)]
    assert all(
        request.query["fields"]
        == ["shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"]
        for request in requests
    )
    assert list(result) == ids


def test_facebook_engagement_counts_reactions_comments_and_shares(network_api, settings, sleeps):
    settings.FACEBOOK_GRAPH_VERSION = "v24.0"
    network_api.script("/v24.0/", Reply(200, {"19292868552_10150189643478553": graph_post(
        "19292868552_10150189643478553", reactions=12, comments=4, shares=3)}))

    result = FacebookClient(TOKEN, sleep=sleeps.append).posts_engagement(["19292868552_10150189643478553"])

    assert result == {"19292868552_10150189643478553": Engagement(
        "19292868552_10150189643478553", impressions=None, reactions=12, comments=4, reshares=3)}


def test_facebook_post_nobody_shared_has_no_reshares(network_api, sleeps):
    network_api.script(GRAPH_IDS, Reply(200, {"10150189643478553": graph_post("10150189643478553", shares=None)}))

    assert FacebookClient(TOKEN, sleep=sleeps.append).posts_engagement(["10150189643478553"])[
        "10150189643478553"].reshares == 0


def test_facebook_engagement_leaves_out_posts_missing_from_the_answer(network_api, sleeps):
    ids = facebook_ids(3)
    network_api.script(GRAPH_IDS, Reply(200, {ids[0]: graph_post(ids[0]), ids[2]: graph_post(ids[2])}))

    assert list(FacebookClient(TOKEN, sleep=sleeps.append).posts_engagement(ids)) == [ids[0], ids[2]]


def test_facebook_batch_refused_for_one_unavailable_post_is_halved_until_it_is_left_out(network_api, sleeps):
    ids = facebook_ids(4)
    gone = graph_error(100, f"Unsupported get request. Object with ID '{ids[3]}' does not exist, cannot be loaded "
                            "due to missing permissions, or does not support this operation.", subcode=33)
    network_api.script(
        GRAPH_IDS,
        Reply(400, gone),
        Reply(200, {post_id: graph_post(post_id) for post_id in ids[:2]}),
        Reply(400, gone),
        Reply(200, {ids[2]: graph_post(ids[2])}),
        Reply(400, gone),
    )

    result = FacebookClient(TOKEN, sleep=sleeps.append).posts_engagement(ids)

    assert list(result) == ids[:3]
    assert [request.query["ids"][0].count(",") + 1 for request in network_api.requests_to(GRAPH_IDS)] == [
        4, 2, 2, 1, 1]


def test_facebook_other_refusals_are_not_retried_in_halves(network_api, sleeps):
    network_api.script(GRAPH_IDS, Reply(403, graph_error(200, "(#200) Missing Permissions")))

    with pytest.raises(RequestRejected, match="Missing Permissions"):
        FacebookClient(TOKEN, sleep=sleeps.append).posts_engagement(facebook_ids(4))

    assert len(network_api.requests_to(GRAPH_IDS)) == 1


def test_facebook_engagement_with_an_invalid_token_asks_for_a_new_connection(network_api, sleeps):
    network_api.script(
        GRAPH_IDS,
        Reply(400, graph_error(190, "Error validating access token: The user has not authorized application.", 458)),
    )

    with pytest.raises(TokenRevoked):
        FacebookClient(TOKEN, sleep=sleeps.append).posts_engagement(facebook_ids(2))


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (400, 4, "(#4) Application request limit reached"),
        (403, 17, "(#17) User request limit reached"),
        (400, 613, "(#613) Calls to this api have exceeded the rate limit."),
    ],
)
def test_facebook_engagement_throttled_is_rate_limited(network_api, sleeps, status, code, message):
    network_api.script(GRAPH_IDS, Reply(status, graph_error(code, message)))

    with pytest.raises(RateLimited, match=f"error {code}/") as raised:
        FacebookClient(TOKEN, sleep=sleeps.append).posts_engagement(facebook_ids(2))

    assert raised.value.retry_after == 3600.0
    assert len(network_api.requests_to(GRAPH_IDS)) == 1


@pytest.mark.parametrize("edge", ["reactions", "comments"])
def test_facebook_post_without_a_summary_is_a_bad_payload(network_api, sleeps, edge):
    post = graph_post("10150189643478553")
    del post[edge]["summary"]
    network_api.script(GRAPH_IDS, Reply(200, {"10150189643478553": post}))

    with pytest.raises(BadPayload, match=f"{edge}.summary.total_count"):
        FacebookClient(TOKEN, sleep=sleeps.append).posts_engagement(["10150189643478553"])


def test_facebook_count_that_is_not_a_count_is_a_bad_payload(network_api, sleeps):
    network_api.script(GRAPH_IDS, Reply(200, {"10150189643478553": graph_post("10150189643478553", shares=-1)}))

    with pytest.raises(BadPayload, match="shares.count"):
        FacebookClient(TOKEN, sleep=sleeps.append).posts_engagement(["10150189643478553"])


@pytest.mark.parametrize("post_id", ["a,b", "../me", "", "123_", "pfbid"])
def test_facebook_engagement_refuses_malformed_ids_before_asking(network_api, sleeps, post_id):
    with pytest.raises(ValueError, match="not a Facebook post id"):
        FacebookClient(TOKEN, sleep=sleeps.append).posts_engagement([post_id])

    assert network_api.requests_to(GRAPH_IDS) == []


# --- Dispatch ------------------------------------------------------------------------------------------------


def test_fetch_engagement_on_x_asks_x(network_api):
    network_api.script(X_LOOKUP, Reply(200, {"data": [x_post("20")]}))

    assert list(fetch_engagement("x", TOKEN, ["20"])) == ["20"]


def test_fetch_engagement_on_facebook_asks_graph(network_api):
    network_api.script(GRAPH_IDS, Reply(200, {"10150189643478553": graph_post("10150189643478553")}))

    assert list(fetch_engagement("facebook", TOKEN, ["10150189643478553"])) == ["10150189643478553"]


def test_fetch_engagement_refuses_a_network_without_an_api_client():
    with pytest.raises(ValueError, match="whatsapp"):
        fetch_engagement("whatsapp", TOKEN, ["20"])


def test_engagement_token_appears_neither_in_logs_nor_in_errors(network_api, caplog, sleeps):
    network_api.script(X_LOOKUP, *[Reply(503, {})] * 3)

    with pytest.raises(Unavailable) as unavailable:
        XClient(TOKEN, sleep=sleeps.append).posts_engagement(["20"])

    assert "attempt 3 of 3" in caplog.text
    assert TOKEN not in caplog.text + str(unavailable.value)
