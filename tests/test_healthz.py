import json

import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["database"] == "ok" and body["status"] == "ok"
    assert body["broker"] == ("ok" if settings.REDIS_URL else "in-process")


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_is_unreachable(client, needs_postgres):
    # SQLite's in-memory test database cannot be made unreachable; a PostgreSQL port can.
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
    assert response.status_code == 503
    assert json.loads(response.content)["database"].startswith("error")


@pytest.mark.django_db
def test_healthz_reports_a_broker_that_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content)["broker"].startswith("error")
