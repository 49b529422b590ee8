"""The error page: 503 with Retry-After while the database cannot be reached, the plain 500 page for anything else
(advocacy.errors.server_error, the project's handler500)."""

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from advocacy.errors import server_error


def answer_while_handling(error):
    try:
        raise error
    except Exception:  # Django calls handler500 from inside its own except block
        return server_error(RequestFactory().get("/"))


def test_a_database_that_cannot_be_reached_is_a_503_with_retry_after():
    response = answer_while_handling(OperationalError('connection to server at "db" failed: Connection refused'))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "briefly unavailable" in response.content.decode()


@pytest.mark.parametrize("error", [ValueError("a bug"), KeyError("missing")])
def test_any_other_failure_is_the_500_page(error):
    response = answer_while_handling(error)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert not response.has_header("Retry-After")
