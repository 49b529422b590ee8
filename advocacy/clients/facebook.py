"""Facebook's Graph API, acting as the employee who connected their account.

Follows https://developers.facebook.com/docs/graph-api/reference/user/friends/: the `/me/friends` edge needs
the `user_friends` permission and lists only the friends who also use this app and granted it that
permission, while the edge's `summary.total_count` counts all of the person's friends. `limit=0` skips the
list, since only the summary is wanted: `{"data": [], "summary": {"total_count": 342}}`.

Errors (https://developers.facebook.com/docs/graph-api/guides/error-handling) come as
`{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`: codes 190 and 102 mean the token
or session expired, was revoked or is invalid (the subcode says why); 4, 17 and 341 mean throttling. Rate limiting
(https://developers.facebook.com/docs/graph-api/overview/rate-limiting) adds 32 (Pages), 613 (custom limit)
and the Business Use Case codes 80000-80014; user-token limits are counted over a rolling hour, and no
header says when they lift.

Engagement of posts is read 50 at a time with a multiple-ID read request (`GET /{version}/?ids=a,b&fields=…`,
https://developers.facebook.com/docs/graph-api/advanced), which answers an object keyed by id. The fields are
the Post node's `shares` (`{"count": n}`, absent when nobody shared it;
https://developers.facebook.com/docs/graph-api/reference/post/) and the `reactions` and `comments` edges with
only their summary: `reactions.summary(total_count).limit(0)` gives `{"data": [], "summary": {"total_count": n}}`
(https://developers.facebook.com/docs/graph-api/guides/field-expansion,
https://developers.facebook.com/docs/graph-api/reference/post/reactions/). Posts of a person have no insights,
so impressions are unknown. Should Graph refuse a whole batch because one of its ids does not exist or cannot be
seen (error 100 subcode 33, or 803), the batch is halved until that id stands alone and is left out.
"""

import re

import requests
from django.conf import settings

from .base import BadPayload, Engagement, NetworkClient, RateLimited, RequestRejected, TokenRevoked, require_count

TOKEN_INVALID_CODES = {102, 190}
THROTTLING_CODES = {4, 17, 32, 341, 613, *range(80000, 80015)}
RATE_LIMIT_WINDOW_SECONDS = 60 * 60
IDS_PER_REQUEST = 50
ENGAGEMENT_FIELDS = "shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
_POST_ID = re.compile(r"(?:[0-9]{1,25}_)?(?:[0-9]{1,25}|pfbid[0-9A-Za-z]{1,80})")


class GraphRequestRejected(RequestRejected):
    """A Graph error that is neither a token problem nor throttling, with its code and subcode."""

    def __init__(self, status: int, detail: str, code: object = None, subcode: object = None):
        super().__init__(status, detail)
        self.code = code
        self.subcode = subcode

    @property
    def object_unavailable(self) -> bool:
        """Whether Graph says an object asked for does not exist or cannot be seen with this token."""
        return (self.code == 100 and self.subcode == 33) or self.code == 803


class FacebookClient(NetworkClient):
    name = "Facebook"
    base_url_setting = "FACEBOOK_GRAPH_BASE_URL"

    def friend_count(self) -> int:
        """How many friends the employee has on Facebook."""
        payload = self.get_json(
            f"/{settings.FACEBOOK_GRAPH_VERSION}/me/friends", params={"summary": "total_count", "limit": 0}
        )
        try:
            count = payload["summary"]["total_count"]
        except (KeyError, TypeError) as error:
            raise BadPayload("Facebook's answer lacks summary.total_count") from error
        return require_count(count, "Facebook's total_count")

    def posts_engagement(self, post_ids: list[str]) -> dict[str, Engagement]:
        """The engagement of the posts `post_ids`, by id; posts Graph does not return are left out."""
        ids = list(dict.fromkeys(post_ids))
        for post_id in ids:
            if not isinstance(post_id, str) or not _POST_ID.fullmatch(post_id):
                raise ValueError(f"{post_id!r} is not a Facebook post id")
        result = {}
        for start in range(0, len(ids), IDS_PER_REQUEST):
            result.update(self._engagement_batch(ids[start:start + IDS_PER_REQUEST]))
        return result

    def _engagement_batch(self, ids: list[str]) -> dict[str, Engagement]:
        try:
            payload = self.get_json(
                f"/{settings.FACEBOOK_GRAPH_VERSION}/", params={"ids": ",".join(ids), "fields": ENGAGEMENT_FIELDS}
            )
        except GraphRequestRejected as error:
            if not error.object_unavailable:
                raise
            if len(ids) == 1:
                return {}
            middle = len(ids) // 2
            return {**self._engagement_batch(ids[:middle]), **self._engagement_batch(ids[middle:])}
        result = {}
        for post_id in ids:
            if post_id in payload:
                result[post_id] = _engagement(post_id, payload[post_id])
        return result

    def raise_for_error(self, response: requests.Response, payload: dict | None):
        """A Graph error object decides, whatever the HTTP status; without one, the status does."""
        error = _graph_error(payload)
        if error is None:
            return super().raise_for_error(response, payload)
        code = error.get("code")
        what = f"error {code}/{error.get('error_subcode', '-')} (HTTP {response.status_code})"
        if code in TOKEN_INVALID_CODES:
            raise TokenRevoked(self.describe(f"no longer accepts the token, {what}", payload))
        if code in THROTTLING_CODES:
            raise RateLimited(self.retry_after(response), self.describe(f"is throttling us, {what}", payload))
        raise GraphRequestRejected(
            response.status_code, self.describe(f"refused the request, {what}", payload), code,
            error.get("error_subcode"),
        )

    def error_detail(self, payload: dict | None) -> str:
        error = _graph_error(payload)
        if error is None:
            return ""
        return f"{error.get('message', '')} (type {error.get('type')}, fbtrace_id {error.get('fbtrace_id')})"

    def default_retry_after(self) -> float:
        return float(RATE_LIMIT_WINDOW_SECONDS)


def _graph_error(payload: dict | None) -> dict | None:
    error = (payload or {}).get("error")
    return error if isinstance(error, dict) else None


def _engagement(post_id: str, post: object) -> Engagement:
    if not isinstance(post, dict):
        raise BadPayload(f"Facebook's answer for post {post_id} is not an object")

    def total(edge):
        try:
            value = post[edge]["summary"]["total_count"]
        except (KeyError, TypeError):
            raise BadPayload(f"Facebook's answer for post {post_id} lacks {edge}.summary.total_count") from None
        return require_count(value, f"Facebook's {edge}.summary.total_count of post {post_id}")

    shares = post.get("shares")
    if shares is None:
        reshares = 0
    elif isinstance(shares, dict):
        reshares = require_count(shares.get("count", 0), f"Facebook's shares.count of post {post_id}")
    else:
        raise BadPayload(f"Facebook's shares of post {post_id} is {shares!r}")
    return Engagement(
        post_id=post_id, impressions=None, reactions=total("reactions"), comments=total("comments"), reshares=reshares
    )
