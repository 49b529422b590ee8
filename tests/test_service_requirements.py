"""The rule every service-backed test follows: skip with a reason, or fail under REQUIRE_SERVICES=1."""

import pytest

from tests.conftest import require


def test_a_missing_service_skips_with_its_reason(monkeypatch):
    monkeypatch.delenv("REQUIRE_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="needs Redis"):
        require(False, "needs Redis")


def test_a_missing_service_fails_when_services_are_required(monkeypatch):
    monkeypatch.setenv("REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match="needs PostgreSQL"):
        require(False, "needs PostgreSQL")


def test_an_available_service_neither_skips_nor_fails(monkeypatch):
    monkeypatch.setenv("REQUIRE_SERVICES", "1")
    assert require(True, "needs nothing") is None
