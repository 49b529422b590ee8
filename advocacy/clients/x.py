"""X API v2, acting as the employee who connected their account.

Follows https://docs.x.com/x-api/users/lookup/quickstart/authenticated-lookup: `GET /2/users/me` with
`user.fields=public_metrics` answers `{"data": {..., "public_metrics": {"followers_count": ...}}}` and needs a
user-context token. Rate limits (https://docs.x.com/fundamentals/rate-limits): every answer carries
`x-rate-limit-limit`, `x-rate-limit-remaining` and `x-rate-limit-reset` (a Unix time), most windows last 15
minutes, and going over answers 429. Errors (https://docs.x.com/x-api/fundamentals/response-codes-and-errors)
are problem objects (`title`, `detail`, `type`); a 200 may carry an `errors` array next to, or instead of,
`data`.
"""

import time

import requests

from .base import BadPayload, NetworkClient, require_count

RATE_LIMIT_WINDOW_SECONDS = 15 * 60


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
