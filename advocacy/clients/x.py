"""X API v2, acting as the employee who connected their account.

Follows https://docs.x.com/x-api/users/lookup/quickstart/authenticated-lookup: `GET /2/users/me` with
`user.fields=public_metrics` answers `{"data": {..., "public_metrics": {"followers_count": ...}}}` and needs a
user-context token. Rate limits (https://docs.x.com/fundamentals/rate-limits): every answer carries
`x-rate-limit-limit`, `x-rate-limit-remaining` and `x-rate-limit-reset` (a Unix time), most windows last 15
minutes, and going over answers 429. Errors (https://docs.x.com/x-api/fundamentals/response-codes-and-errors)
are problem objects (`title`, `detail`, `type`); a 200 may carry an `errors` array next to, or instead of,
`data`.

Engagement of published posts follows https://docs.x.com/x-api/posts/lookup/integrate and
https://docs.x.com/x-api/posts/lookup/quickstart: `GET /2/tweets?ids=` takes up to 100 comma-separated ids, and
`tweet.fields=public_metrics` adds `retweet_count`, `reply_count`, `like_count`, `quote_count`, `bookmark_count`
and `impression_count` (https://developer.x.com/en/docs/twitter-api/metrics: public metrics need no user
context; `impression_count` may be absent). Ids that are deleted, protected or unknown come back in `errors`
(`"Not Found Error"`, `"Authorization Error"`) next to the `data` of the others, or alone.

Posts carrying our tracked links are found with recent search, `GET /2/tweets/search/recent` (the last 7 days,
app-only bearer token accepted): https://docs.x.com/x-api/posts/search/quickstart/recent-search. The `url:`
operator is a tokenized match on a Post's `url` or `expanded_url`, quoted when the URL holds punctuation
(https://docs.x.com/x-api/posts/search/integrate/build-a-query, which also caps a self-serve recent-search
query at 512 characters); `max_results` is 10 to 100 and `meta.next_token` leads to the next page until none
is given (https://docs.x.com/x-api/posts/search/integrate/paginate); `start_time` is `YYYY-MM-DDTHH:mm:ssZ` and
may not be older than 7 days.
"""

import logging
import re
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import requests

from .base import BadPayload, Engagement, FoundPost, NetworkClient, require_count

logger = logging.getLogger(__name__)

RATE_LIMIT_WINDOW_SECONDS = 15 * 60
LOOKUP_BATCH_SIZE = 100  # ids per GET /2/tweets
SEARCH_QUERY_MAX_LENGTH = 512  # self-serve recent search
SEARCH_PAGE_SIZE = 100
SEARCH_MAX_PAGES = 10  # per query
SEARCH_WINDOW = timedelta(days=7)
# A retweet repeats the original post (and its counts): only original posts and quotes are wanted.
SEARCH_QUERY_SUFFIX = " -is:retweet"
_TWEET_ID = re.compile(r"[0-9]{1,25}")


class XClient(NetworkClient):
    name = "X"
    base_url_setting = "X_API_BASE_URL"

    def follower_count(self) -> int:
        """How many accounts follow the employee on X."""
        payload = self.get_json("/2/users/me", params={"user.fields": "public_metrics"})
        if "data" not in payload and payload.get("errors"):
            raise BadPayload(f"X answered /2/users/me with errors and no data: {self.error_detail(payload)}")
        try:
            count = payload["data"]["public_metrics"]["followers_count"]
        except (KeyError, TypeError) as error:
            raise BadPayload("X's answer lacks data.public_metrics.followers_count") from error
        return require_count(count, "X's followers_count")

    def posts_engagement(self, post_ids: list[str]) -> dict[str, Engagement]:
        """The engagement of the posts `post_ids` (status ids), by id. Posts X reports as deleted, protected or
        unknown are left out. Ids are asked 100 at a time."""
        ids = list(dict.fromkeys(post_ids))
        for post_id in ids:
            if not isinstance(post_id, str) or not _TWEET_ID.fullmatch(post_id):
                raise ValueError(f"{post_id!r} is not an X post id")
        result = {}
        for start in range(0, len(ids), LOOKUP_BATCH_SIZE):
            batch = ids[start:start + LOOKUP_BATCH_SIZE]
            payload = self.get_json("/2/tweets", params={"ids": ",".join(batch), "tweet.fields": "public_metrics"})
            for tweet in _tweets(payload, "/2/tweets", absent_when_errors=True):
                engagement = _engagement(tweet)
                result[engagement.post_id] = engagement
        return result

    def search_posts_linking(self, urls: list[str], since: datetime | None = None) -> list[FoundPost]:
        """Original posts of the last 7 days (from `since` if later) carrying any of `urls` (http(s) URLs, or
        `host/path` without scheme), each once, newest first within each query. A post is kept only if one of its
        expanded URLs is one of `urls`, compared without scheme, fragment nor trailing slash and with the host in
        lower case (the `url:` operator also matches longer URLs that start alike); its `linked_urls` are
        those of `urls`, as given, that it carries."""
        queries = _search_queries(list(dict.fromkeys(_url_term(url) for url in urls)))
        wanted: dict[str, set[str]] = {}
        for url in urls:
            wanted.setdefault(_normalised_url(url), set()).add(url)
        params = {
            "max_results": SEARCH_PAGE_SIZE,
            "tweet.fields": "public_metrics,author_id,created_at,entities",
        }
        if since is not None:
            params["start_time"] = _start_time(since)
        found: dict[str, FoundPost] = {}
        for query in queries:
            for tweet in self._search(query, params):
                post = _found_post(tweet, wanted)
                if post is not None and post.post_id not in found:
                    found[post.post_id] = post
        return list(found.values())

    def _search(self, query: str, params: dict):
        """The tweets matching `query`, following `meta.next_token` for at most SEARCH_MAX_PAGES pages."""
        path = "/2/tweets/search/recent"
        next_token = None
        for _page in range(SEARCH_MAX_PAGES):
            page_params = {**params, "query": query, **({"next_token": next_token} if next_token else {})}
            payload = self.get_json(path, params=page_params)
            yield from _tweets(payload, path, absent_when_errors=False)
            meta = payload.get("meta")
            next_token = meta.get("next_token") if isinstance(meta, dict) else None
            if not next_token:
                return
        logger.warning("X search stopped after %d pages with more results left: %s", SEARCH_MAX_PAGES, query)

    def refreshed_token(self, refresh_token: str, client_id: str, client_secret: str = "") -> dict:
        """A new access token for the refresh token of an `offline.access` connection: X's answer, with
        `access_token`, `refresh_token` (rotated: keep the new one) and `expires_in` (seconds).

        https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token: `POST /2/oauth2/token`
        with `grant_type=refresh_token`; a confidential client authenticates with HTTP Basic (client id and
        secret), a public one sends its `client_id`. Sent once, never retried: the refresh token rotates.
        """
        data = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
        payload = self.post_form("/2/oauth2/token", data, auth=(client_id, client_secret) if client_secret else None)
        if not payload.get("access_token"):
            raise BadPayload("X's token answer lacks access_token")
        return payload

    def error_detail(self, payload: dict | None) -> str:
        if not payload:
            return ""
        problem = (payload.get("errors") or [payload])[0]
        if not isinstance(problem, dict):
            return ""
        return str(problem.get("detail") or problem.get("title") or problem.get("message") or "")

    def retry_after(self, response: requests.Response) -> float:
        """Until `x-rate-limit-reset`, X's own header, else as the base client decides."""
        reset = response.headers.get("x-rate-limit-reset")
        try:
            return max(0.0, float(reset) - time.time())
        except (TypeError, ValueError):
            return super().retry_after(response)

    def default_retry_after(self) -> float:
        return float(RATE_LIMIT_WINDOW_SECONDS)


def _tweets(payload: dict, path: str, *, absent_when_errors: bool) -> list[dict]:
    """The tweet objects in `payload["data"]`. Without `data`, a lookup whose `errors` name every id asked has
    none; a search with `meta` found none; anything else is not what X documents."""
    if "data" not in payload:
        if absent_when_errors and isinstance(payload.get("errors"), list) and payload["errors"]:
            return []
        if not absent_when_errors and isinstance(payload.get("meta"), dict):
            return []
        raise BadPayload(f"X answered {path} with neither data nor errors")
    tweets = payload["data"]
    if not isinstance(tweets, list) or not all(isinstance(tweet, dict) for tweet in tweets):
        raise BadPayload(f"X answered {path} with data that is not a list of posts")
    return tweets


def _engagement(tweet: dict) -> Engagement:
    post_id = tweet.get("id")
    if not isinstance(post_id, str) or not _TWEET_ID.fullmatch(post_id):
        raise BadPayload(f"X's post id is {post_id!r}")
    metrics = tweet.get("public_metrics")
    if not isinstance(metrics, dict):
        raise BadPayload(f"X's post {post_id} lacks public_metrics")

    def count(field):
        return require_count(metrics.get(field), f"X's public_metrics.{field} of post {post_id}")

    return Engagement(
        post_id=post_id,
        impressions=count("impression_count") if "impression_count" in metrics else None,
        reactions=count("like_count"),
        comments=count("reply_count"),
        reshares=count("retweet_count") + count("quote_count"),
    )


def _found_post(tweet: dict, wanted: dict[str, set[str]]) -> FoundPost | None:
    """`tweet` as a FoundPost, or None if none of its expanded URLs is one of the wanted ones."""
    engagement = _engagement(tweet)
    entities = tweet.get("entities")
    links = entities.get("urls") if isinstance(entities, dict) else None
    linked = set()
    for link in links if isinstance(links, list) else []:
        expanded = link.get("expanded_url") if isinstance(link, dict) else None
        if isinstance(expanded, str):
            linked |= wanted.get(_normalised_url(expanded), set())
    if not linked:
        return None
    author_id = tweet.get("author_id")
    if not isinstance(author_id, str) or not author_id:
        raise BadPayload(f"X's post {engagement.post_id} lacks author_id")
    return FoundPost(
        post_id=engagement.post_id,
        author_id=author_id,
        created_at=_created_at(tweet.get("created_at"), engagement.post_id),
        linked_urls=frozenset(linked),
        engagement=engagement,
    )


def _created_at(value: object, post_id: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadPayload(f"X's created_at of post {post_id} is {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _url_parts(url: str):
    """`url` split, reading a URL without scheme (`go.example.com/s/abc`) as https; ValueError for another
    scheme, no host, or characters a quoted search term cannot hold."""
    if not isinstance(url, str):
        raise ValueError(f"{url!r} is not a URL")
    text = url.strip()
    parts = urlsplit(text if "://" in text else f"https://{text}")
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an http(s) URL")
    if '"' in text or any(character.isspace() for character in text):
        raise ValueError(f"{url!r} cannot be quoted in an X search query")
    return parts


def _without_scheme(parts, *, lower_host: bool) -> str:
    host = parts.netloc.lower() if lower_host else parts.netloc
    return host + parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")


def _normalised_url(url: str) -> str | None:
    """`url` for comparing links: host in lower case, no trailing slash, no fragment, and no scheme (the `url:`
    operator matches http and https alike); None if it is not a web URL."""
    try:
        return _without_scheme(_url_parts(url), lower_host=True)
    except ValueError:
        return None


def _url_term(url: str) -> str:
    """The `url:"…"` search term for `url`, without its scheme."""
    return f'url:"{_without_scheme(_url_parts(url), lower_host=False)}"'


def _query(terms: list[str]) -> str:
    return f"({' OR '.join(terms)}){SEARCH_QUERY_SUFFIX}"


def _search_queries(terms: list[str]) -> list[str]:
    """`terms` ORed together into as few queries as fit SEARCH_QUERY_MAX_LENGTH."""
    queries, group = [], []
    for term in terms:
        if len(_query([term])) > SEARCH_QUERY_MAX_LENGTH:
            raise ValueError(f"{term} is too long for an X search query")
        if group and len(_query([*group, term])) > SEARCH_QUERY_MAX_LENGTH:
            queries.append(_query(group))
            group = []
        group.append(term)
    if group:
        queries.append(_query(group))
    return queries


def _start_time(since: datetime) -> str:
    """`since` as recent search's `start_time`, moved forward to the oldest moment X still searches."""
    if since.tzinfo is None:
        raise ValueError("since must be an aware datetime")
    oldest = datetime.now(UTC) - SEARCH_WINDOW + timedelta(minutes=1)
    return max(since.astimezone(UTC), oldest).strftime("%Y-%m-%dT%H:%M:%SZ")
