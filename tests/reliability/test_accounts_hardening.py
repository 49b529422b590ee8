"""Accounts: allauth's rate limits on signing in, signing up and resetting a password; sessions, cookies and
headers as Django's deployment checklist asks (under the production settings); the admin open to staff roles only.
"""

import json

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from advocacy import roles
from advocacy.models import User
from tests import factories
from tests.test_deployment import manage, production_env

pytestmark = pytest.mark.django_db

SIGNUP = {"password1": "a-Long-new-passw0rd", "password2": "a-Long-new-passw0rd"}


def limit(action, scope):
    """How many attempts allauth's setting allows per `scope` (ip, key) for `action`, e.g. 20 for "20/m/ip"."""
    from django.conf import settings

    for rule in settings.ACCOUNT_RATE_LIMITS[action].split(","):
        amount, _period, per = rule.split("/")
        if per == scope:
            return int(amount)
    raise LookupError(f"no per-{scope} limit for {action}")


# --- rate limits ----------------------------------------------------------------------------------------------


def test_sign_in_attempts_from_one_address_are_limited(client):
    """Past the per-IP limit, allauth answers 429 whatever the account tried, even with the right password."""
    person = factories.UserFactory(email="ines@example.com")
    allowed = limit("login", "ip")
    for number in range(allowed):
        # A different unknown address each time: the per-account failure limit never comes into play.
        answer = client.post(reverse("account_login"), {"login": f"nobody{number}@example.com", "password": "x"})
        assert answer.status_code == 200, number
    refused = client.post(reverse("account_login"), {"login": person.email, "password": factories.PASSWORD})
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_address_may_still_sign_in_while_one_is_limited(client):
    person = factories.UserFactory(email="ines@example.com")
    for number in range(limit("login", "ip")):
        client.post(reverse("account_login"), {"login": f"nobody{number}@example.com", "password": "x"},
                    REMOTE_ADDR="198.51.100.7")
    other = client.post(reverse("account_login"), {"login": person.email, "password": factories.PASSWORD},
                        REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 302


def test_sign_ups_from_one_address_are_limited(client, settings):
    settings.COMPANY_EMAIL_DOMAINS = ["acme.test"]
    allowed = limit("signup", "ip")
    for number in range(allowed - 1):
        client.post(reverse("account_signup"), {"email": f"outsider{number}@gmail.com", **SIGNUP})
    last = client.post(reverse("account_signup"), {"email": "last.allowed@acme.test", **SIGNUP})
    assert last.status_code == 302 and User.objects.filter(email="last.allowed@acme.test").exists()
    client.logout()
    refused = client.post(reverse("account_signup"), {"email": "one.too.many@acme.test", **SIGNUP})
    assert refused.status_code == 429
    assert not User.objects.filter(email="one.too.many@acme.test").exists()


def test_password_reset_mails_to_one_address_are_limited(client):
    factories.UserFactory(email="marta@example.com")
    allowed = limit("reset_password", "key")
    answers = [client.post(reverse("account_reset_password"), {"email": "marta@example.com"}).status_code
               for _ in range(allowed + 1)]
    assert answers[:allowed] == [302] * allowed
    assert answers[-1] == 429
    assert len(mail.outbox) == allowed  # the mailbox is not flooded


def test_password_resets_from_one_address_are_limited_across_accounts(client):
    allowed = limit("reset_password", "ip")
    for number in range(allowed):
        client.post(reverse("account_reset_password"), {"email": f"someone{number}@example.com"})
    assert client.post(reverse("account_reset_password"), {"email": "else@example.com"}).status_code == 429


def test_the_limits_count_per_visitor_behind_a_trusted_proxy(client, settings):
    """With TRUSTED_PROXY_COUNT=1 the visitor is the address the proxy appended, not the proxy itself."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    person = factories.UserFactory(email="ines@example.com")
    for number in range(limit("login", "ip")):
        client.post(reverse("account_login"), {"login": f"nobody{number}@example.com", "password": "x"},
                    REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client.post(reverse("account_login"), {"login": person.email, "password": "x"}, REMOTE_ADDR="10.0.0.2",
                       HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    # A first hop forged by the limited visitor changes nothing: the proxy appends the address it saw, last.
    assert client.post(reverse("account_login"), {"login": person.email, "password": factories.PASSWORD},
                       REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.5").status_code == 429
    # Someone else behind the same proxy is not held back.
    other = client.post(reverse("account_login"), {"login": person.email, "password": factories.PASSWORD},
                        REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.6")
    assert other.status_code == 302


# --- sessions, cookies and headers ----------------------------------------------------------------------------

PRODUCTION_SETTINGS = (
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_AGE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE", "LANGUAGE_COOKIE_SECURE",
    "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS",
    "ACCOUNT_SESSION_REMEMBER", "MIDDLEWARE", "CONTENT_SECURITY_POLICY",
)


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The settings as the container runs them (DEBUG off, https SITE_URL), read in a fresh interpreter."""
    code = ("import json; from django.conf import settings; print(json.dumps({name: getattr(settings, name, None) "
            f"for name in {PRODUCTION_SETTINGS!r}}}))")
    result = manage("shell", "-c", code, tmp_path=tmp_path_factory.mktemp("production"), **production_env())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_http_only_and_same_site(production):
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["LANGUAGE_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"] and production["CSRF_COOKIE_HTTPONLY"]
    assert production["SESSION_COOKIE_SAMESITE"] == production["CSRF_COOKIE_SAMESITE"] == "Lax"


def test_production_sessions_end_with_the_browser_unless_remembered_and_then_within_two_weeks(production):
    assert production["ACCOUNT_SESSION_REMEMBER"] is None  # the sign-in form asks "Remember me"
    assert 0 < production["SESSION_COOKIE_AGE"] <= 14 * 24 * 3600


def test_production_forces_https_and_forbids_framing(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["CSRF_TRUSTED_ORIGINS"] == ["https://advocacy.example.com"]
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["frame-ancestors"] == ["'none'"]
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"
    assert production["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    middleware = production["MIDDLEWARE"]
    for needed in ("django.middleware.security.SecurityMiddleware", "csp.middleware.CSPMiddleware",
                   "django.middleware.csrf.CsrfViewMiddleware",
                   "django.middleware.clickjacking.XFrameOptionsMiddleware"):
        assert needed in middleware


def test_every_page_sends_the_security_headers(client):
    response = client.get(reverse("account_login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_session_and_csrf_cookies_are_http_only_and_same_site(client):
    page = client.get(reverse("account_login"))
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    client.post(reverse("account_login"), {"login": factories.UserFactory().email, "password": factories.PASSWORD})
    session = client.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"


def test_a_session_not_remembered_ends_with_the_browser(client):
    person = factories.UserFactory()
    client.post(reverse("account_login"), {"login": person.email, "password": factories.PASSWORD})
    assert client.session.get_expire_at_browser_close()
    client.logout()
    client.post(reverse("account_login"), {"login": person.email, "password": factories.PASSWORD, "remember": "on"})
    assert not client.session.get_expire_at_browser_close()


def test_signing_in_changes_the_session_key(client):
    """Session fixation: a key planted before signing in is not the one that carries the signed-in session."""
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("account_login"), {"login": factories.UserFactory().email, "password": factories.PASSWORD})
    assert client.session.session_key != before


# --- the admin: staff roles only ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_staff_status_follows_the_role(role):
    person = factories.UserFactory(roles=[role])
    assert person.is_staff == (role in {roles.COMMS, roles.REVIEWER, roles.HR, roles.ADMIN})


def test_losing_the_role_loses_the_admin():
    person = factories.UserFactory(roles=[roles.REVIEWER])
    assert person.is_staff
    person.groups.remove(Group.objects.get(name=roles.REVIEWER))
    person.refresh_from_db()
    assert not person.is_staff
    Group.objects.get(name=roles.HR).user_set.add(person)  # given from the group's side
    person.refresh_from_db()
    assert person.is_staff


@pytest.mark.parametrize("role", [roles.EMPLOYEE, roles.MANAGER])
def test_employees_and_managers_never_see_the_admin(client, role):
    person = factories.UserFactory(roles=[role])
    client.force_login(person)
    for path in ("/admin/", "/admin/content_library/post/", "/admin/advocacy/user/"):
        answer = client.get(path, follow=True)
        assert answer.status_code == 403, path
        assert b"Site administration" not in answer.content and b"Select post" not in answer.content


def test_the_admin_sign_in_form_is_allauths(client):
    """The admin's own sign-in form (no rate limit) is never shown: anyone signed out goes to allauth's."""
    answer = client.get("/admin/")
    assert answer.status_code == 302
    onward = client.get(answer["Location"])
    assert onward.status_code == 302 and onward["Location"].startswith(reverse("account_login"))
    assert "next=" in onward["Location"]


def test_a_password_posted_to_the_admin_sign_in_signs_nobody_in(client):
    staff = factories.UserFactory(roles=[roles.COMMS])
    answer = client.post("/admin/login/", {"username": staff.email, "password": factories.PASSWORD})
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_comms_reach_the_admin_after_signing_in_through_allauth(client):
    staff = factories.UserFactory(roles=[roles.COMMS])
    answer = client.post(reverse("account_login") + "?next=/admin/",
                         {"login": staff.email, "password": factories.PASSWORD}, follow=True)
    assert answer.status_code == 200 and answer.redirect_chain[-1][0] == "/admin/"
    assert b"Site administration" in answer.content
