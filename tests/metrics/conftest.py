"""The local stand-in for the networks' APIs, for the engagement puller's tests."""

from tests.network_stub import network_api  # noqa: F401
