"""Clients for the social networks' APIs, acting with a token from an account the employee connected through
allauth. Each network's base URL is a setting, so tests and staging can point it at a local server."""

from collections.abc import Callable

from advocacy.networks import Network

from .base import BadPayload, NetworkError, RateLimited, RequestRejected, TokenRevoked, Unavailable
from .facebook import FacebookClient
from .linkedin import LinkedInClient
from .x import XClient

__all__ = [
    "BadPayload",
    "FacebookClient",
    "LinkedInClient",
    "NetworkError",
    "RateLimited",
    "RequestRejected",
    "TokenRevoked",
    "Unavailable",
    "XClient",
    "follower_count",
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
