"""Shared fixtures. Tests that need PostgreSQL, Redis or Chromium skip with a reason where those are
absent, and fail instead when REQUIRE_SERVICES=1 (as .ci/run sets it)."""

import os
import shutil

import pytest
from django.conf import settings

from tests import factories

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def require(available, reason):
    """Skip, or fail under REQUIRE_SERVICES=1, when a real service the test needs is missing."""
    if available:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1 turns this skip into a failure)")
    pytest.skip(reason)


def postgres_configured():
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def redis_reachable():
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True, scope="session")
def quick_password_hashing():
    """PBKDF2 with one iteration for the whole run (tests.hashers): only its cost differs from production's."""
    from django.contrib.auth import hashers

    production = "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    settings.PASSWORD_HASHERS = ["tests.hashers.QuickPBKDF2PasswordHasher" if path == production else path
                                 for path in settings.PASSWORD_HASHERS]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


@pytest.fixture
def roles_from_migrations(transactional_db):
    """The roles' groups and permissions, as the data migrations make them. A transactional test's flush
    empties those tables for the tests after it; this puts them back."""
    restore_roles()


def restore_roles():
    """Put back the roles' groups and permissions (see `roles_from_migrations`); for module-scoped data too."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from advocacy.role_grants import grant

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    roles = importlib.import_module("advocacy.migrations.0003_roles")
    grant(apps, {**roles.ROLE_PERMISSIONS, "admin": []})
    apps.get_model("auth", "Group").objects.get(name="admin").permissions.set(
        apps.get_model("auth", "Permission").objects.all())
    for module in ["guidelines.migrations.0004_roles_for_guide_review_and_capsules",
                   "content_library.migrations.0004_category_permissions",
                   "content_library.migrations.0007_suggestion_permissions", "metrics.migrations.0003_report_roles",
                   "rewards.migrations.0005_reward_roles",
                   "advocacy.migrations.0009_audit_log_erasure_requests_retention"]:
        grant(apps, importlib.import_module(module).GRANTS)


@pytest.fixture
def click_writer(settings):
    """Group commit on, and the writer thread stopped (its connection closed) after the test."""
    from advocacy.clickwriter import _writer

    settings.CLICK_GROUP_COMMIT = True
    _writer.clicks_written = _writer.groups_written = 0
    yield _writer
    _writer.stop()


@pytest.fixture
def needs_postgres():
    require(postgres_configured(), "needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def needs_redis():
    require(redis_reachable(), "needs Redis: set REDIS_URL=redis://... to a running server")


@pytest.fixture
def needs_chromium():
    require(os.path.exists(CHROMIUM) or shutil.which("chromium"), f"needs Debian's chromium at {CHROMIUM}")


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # The click writer thread has its own connection, which cannot see a test's uncommitted rows; the
    # tests that exercise it (transactional ones) turn it on with the `click_writer` fixture.
    settings.CLICK_GROUP_COMMIT = False


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from advocacy import services, views

    services._salt_cache.clear()
    views._LINK_CACHE.clear()
    try:
        cache.clear()
    except Exception:  # Redis configured but down: the tests that need it say so themselves
        pass
    yield


@pytest.fixture
def employee(db):
    return factories.AdvocateFactory()


@pytest.fixture
def live_post(db):
    return factories.PostFactory()


@pytest.fixture
def signed_guide(db):
    return factories.GuideVersionFactory()
