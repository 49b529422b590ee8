"""The local stand-in for the networks' APIs, shared with the other tests that need it."""

from tests.network_stub import NetworkAPI, Reply, network_api  # noqa: F401
