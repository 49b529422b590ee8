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
"""

import requests
from django.conf import settings

from .base import BadPayload, NetworkClient, RateLimited, RequestRejected, TokenRevoked, require_count

TOKEN_INVALID_CODES = {102, 190}
THROTTLING_CODES = {4, 17, 32, 341, 613, *range(80000, 80015)}
RATE_LIMIT_WINDOW_SECONDS = 60 * 60


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
        raise RequestRejected(response.status_code, self.describe(f"refused the request, {what}", payload))

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
