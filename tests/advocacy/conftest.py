"""The local stand-in for the networks' APIs (follower counts of connected accounts)."""

from tests.network_stub import network_api  # noqa: F401
