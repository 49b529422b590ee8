"""Clients for the social networks' APIs, acting with a token from an account the employee connected through
allauth. Each network's base URL is a setting, so tests and staging can point it at a local server."""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings

from advocacy.networks import Network

from .base import (
    BadPayload,
    Engagement,
    FoundPost,
    NetworkError,
    RateLimited,
    RequestRejected,
    TokenRevoked,
    Unavailable,
)
from .facebook import FacebookClient
from .linkedin import LinkedInClient, analytics_entity, is_activity_urn
from .x import XClient

__all__ = [
    "BadPayload",
    "Engagement",
    "FacebookClient",
    "FoundPost",
    "LinkedInClient",
    "NetworkError",
    "RateLimited",
    "RequestRejected",
    "TokenRevoked",
    "Unavailable",
    "XClient",
    "fetch_engagement",
    "follower_count",
    "search_x_posts_linking",
]


def _x_followers(token: str) -> int:
    with XClient(token) as client:
        return client.follower_count()


def _linkedin_followers(token: str) -> int:
    with LinkedInClient(token) as client:
        return client.follower_count()


def _facebook_friends(token: str) -> int:
    with FacebookClient(token) as client:
        return client.friend_count()


_FOLLOWER_COUNTS: dict[str, Callable[[str], int]] = {
    Network.X: _x_followers,
    Network.LINKEDIN: _linkedin_followers,
    Network.FACEBOOK: _facebook_friends,
}


def follower_count(network: str, token: str) -> int:
    """How many people follow the account behind `token` on `network` ("x", "linkedin" or "facebook"; on
    Facebook, its friends). Raises a `NetworkError` subclass when the network cannot say."""
    try:
        count = _FOLLOWER_COUNTS[network]
    except KeyError:
        raise ValueError(f"No follower count for network {network!r}") from None
    return count(token)


def _x_engagement(token: str, post_ids: list[str]) -> dict[str, Engagement]:
    with XClient(token) as client:
        return client.posts_engagement(post_ids)


def _linkedin_engagement(token: str, post_ids: list[str]) -> dict[str, Engagement]:
    """One post at a time. Activity URNs, which the post analytics do not read, and posts LinkedIn no longer
    finds (404) are left out."""
    urns = [urn for urn in dict.fromkeys(post_ids) if not is_activity_urn(urn)]
    for urn in urns:
        analytics_entity(urn)  # every URN checked before the first request
    result = {}
    with LinkedInClient(token) as client:
        for urn in urns:
            try:
                result[urn] = client.post_engagement(urn)
            except RequestRejected as error:
                if error.status != 404:
                    raise
    return result


def _facebook_engagement(token: str, post_ids: list[str]) -> dict[str, Engagement]:
    with FacebookClient(token) as client:
        return client.posts_engagement(post_ids)


_ENGAGEMENT: dict[str, Callable[[str, list[str]], dict[str, Engagement]]] = {
    Network.X: _x_engagement,
    Network.LINKEDIN: _linkedin_engagement,
    Network.FACEBOOK: _facebook_engagement,
}


def fetch_engagement(network: str, token: str, post_ids: list[str]) -> dict[str, Engagement]:
    """The engagement of the posts `post_ids` (ids as `advocacy.published` extracts them) published on `network`
    with the account behind `token`, by post id. Posts the network cannot measure (deleted, hidden, or LinkedIn
    activity URNs) are absent. Raises ValueError for a malformed id, a `NetworkError` subclass when the network
    cannot answer."""
    try:
        fetch = _ENGAGEMENT[network]
    except KeyError:
        raise ValueError(f"No engagement for network {network!r}") from None
    return fetch(token, list(post_ids))


def search_x_posts_linking(urls: list[str], since: datetime | None = None) -> list[FoundPost]:
    """Original X posts of the last 7 days (from `since`, if later) carrying any of `urls`, searched with the
    app's own bearer token (setting X_APP_BEARER_TOKEN)."""
    token = settings.X_APP_BEARER_TOKEN
    if not token:
        raise ValueError("X_APP_BEARER_TOKEN is not set: searching X needs the app's bearer token")
    with XClient(token) as client:
        return client.search_posts_linking(list(urls), since)
