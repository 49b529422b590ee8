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

Engagement of a member's own post follows Member Post Statistics,
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/members/post-statistics:
`GET /rest/memberCreatorPostAnalytics?q=entity&entity=…&queryType=…&aggregation=TOTAL` with the
`r_member_postAnalytics` permission. The entity is a `share` or `ugcPost` URN, written as a Rest.li union with
the URN percent-encoded inside unencoded parentheses: `(share:urn%3Ali%3Ashare%3A123)`,
`(ugc:urn%3Ali%3AugcPost%3A123)`. Each call answers one `queryType` (IMPRESSION, REACTION, COMMENT, RESHARE,
…), hence four calls per post; the answer is `{"elements": [{"count": 1204, "metricType": …,
"targetEntity": {"share": "urn:li:share:123"}}], "paging": {…}}`, and `elements` is empty when there is
nothing to count yet. This API was chosen over the Social Metadata API
(https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/social-metadata-api): that one
needs `r_member_social`, granted to select developers only, and has no impressions nor reshares. Neither
documents `urn:li:activity:` URNs, so posts known only by their activity URN cannot be measured.
"""

import re
from datetime import UTC, datetime, time, timedelta
from urllib.parse import quote, urlencode

from django.conf import settings

from .base import BadPayload, Engagement, NetworkClient, require_count

ANALYTICS_METRICS = ("IMPRESSION", "REACTION", "COMMENT", "RESHARE")
_ANALYTICS_URN = re.compile(r"urn:li:(share|ugcPost):[0-9]{1,25}")
_ACTIVITY_URN = re.compile(r"urn:li:activity:[0-9]{1,25}")
# The Rest.li union member of memberCreatorPostAnalytics' entity parameter for each URN type.
_ENTITY_MEMBERS = {"share": "share", "ugcPost": "ugc"}


def is_activity_urn(urn: str) -> bool:
    """Whether `urn` is an activity URN, which the post analytics do not read."""
    return isinstance(urn, str) and _ACTIVITY_URN.fullmatch(urn) is not None


def analytics_entity(urn: str) -> str:
    """The `entity` parameter naming the post `urn`, ready for the query string; ValueError for a URN that
    the post analytics do not read."""
    match = _ANALYTICS_URN.fullmatch(urn) if isinstance(urn, str) else None
    if match is None:
        raise ValueError(f"{urn!r} is not a LinkedIn share or ugcPost URN, which post analytics need")
    return f"({_ENTITY_MEMBERS[match.group(1)]}:{quote(urn, safe='')})"


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

    def post_engagement(self, post_urn: str) -> Engagement:
        """The engagement of the employee's own post `post_urn` (a share or ugcPost URN), one call per metric."""
        entity = analytics_entity(post_urn)
        counts = {metric: self._post_metric(entity, metric) for metric in ANALYTICS_METRICS}
        return Engagement(
            post_id=post_urn,
            impressions=counts["IMPRESSION"],
            reactions=counts["REACTION"],
            comments=counts["COMMENT"],
            reshares=counts["RESHARE"],
        )

    def _post_metric(self, entity: str, metric: str) -> int:
        # Built by hand: `requests` would percent-encode the parentheses that Rest.li reads as structure.
        query = urlencode({"q": "entity"}) + f"&entity={entity}&" + urlencode(
            {"queryType": metric, "aggregation": "TOTAL"}
        )
        payload = self.get_json(f"/rest/memberCreatorPostAnalytics?{query}")
        elements = payload.get("elements")
        if not isinstance(elements, list):
            raise BadPayload(f"LinkedIn's {metric} answer lacks elements")
        total = 0
        for element in elements:
            count = element.get("count") if isinstance(element, dict) else None
            total += require_count(count, f"LinkedIn's {metric} count")
        return total

    def request_headers(self) -> dict:
        return {"Linkedin-Version": settings.LINKEDIN_API_VERSION, "X-Restli-Protocol-Version": "2.0.0"}

    def error_detail(self, payload: dict | None) -> str:
        return str((payload or {}).get("message") or "")

    def default_retry_after(self) -> float:
        """Seconds until the daily limits reset, at midnight UTC."""
        now = datetime.now(UTC)
        midnight = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=UTC)
        return (midnight - now).total_seconds()
