"""LinkedIn's versioned REST API (`/rest/...`), acting as the employee who connected their account.

Follows https://learn.microsoft.com/en-us/linkedin/marketing/community-management/members/follower-statistics:
`GET /rest/memberFollowersCount?q=me` (the `me` finder, lifetime count) answers
`{"elements": [{"memberFollowersCount": 100}], "paging": {...}}` and needs the `r_member_profileAnalytics`
permission. Every versioned call sends `Linkedin-Version: YYYYMM` and `X-Restli-Protocol-Version: 2.0.0`
(https://learn.microsoft.com/en-us/linkedin/marketing/versioning); a sunset version is refused.

Rate limits (https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits) are daily, per
application and per member, reset at midnight UTC, and answer 429 with no documented header saying when to
come back, hence the wait until midnight UTC. Errors
(https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling) look like
`{"message": ..., "serviceErrorCode": ..., "status": ...}`.
"""

from datetime import UTC, datetime, time, timedelta

from django.conf import settings

from .base import BadPayload, NetworkClient, require_count


class LinkedInClient(NetworkClient):
    name = "LinkedIn"
    base_url_setting = "LINKEDIN_API_BASE_URL"

    def follower_count(self) -> int:
        """How many members follow the employee on LinkedIn."""
        payload = self.get_json("/rest/memberFollowersCount", params={"q": "me"})
        try:
            count = payload["elements"][0]["memberFollowersCount"]
        except (KeyError, IndexError, TypeError) as error:
            raise BadPayload("LinkedIn's answer lacks elements[0].memberFollowersCount") from error
        return require_count(count, "LinkedIn's memberFollowersCount")

    def request_headers(self) -> dict:
        return {"Linkedin-Version": settings.LINKEDIN_API_VERSION, "X-Restli-Protocol-Version": "2.0.0"}

    def error_detail(self, payload: dict | None) -> str:
        return str((payload or {}).get("message") or "")

    def default_retry_after(self) -> float:
        """Seconds until the daily limits reset, at midnight UTC."""
        now = datetime.now(UTC)
        midnight = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=UTC)
        return (midnight - now).total_seconds()
