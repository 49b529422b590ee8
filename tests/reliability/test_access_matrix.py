"""Who may open what: every URL of the app, requested by each role, against the matrix kept in access_matrix.csv.

The URLs are read from the resolver (the project's patterns, allauth's, the admin's for every registered model and
each custom admin view), so a new URL without a row in the matrix fails here, naming it. Each URL is opened with
real objects for its arguments (see `world.py`) by the anonymous visitor and by one person of each role.

What a cell says:
    200          the page
    login        302 to the sign-in page (/accounts/login/?next=…)
    admin_login  302 to the admin's sign-in page (/admin/login/?next=…), which tells a signed-in non-staff person
                 they may not enter
    redirect     302 anywhere else (e.g. allauth sending a signed-in person away from the sign-up form)
    400/403/404/405  refused: bad request, forbidden, not found (or not theirs), wrong method (POST-only URLs)
    401          allauth's "the network sign-in failed" page (a callback reached without a sign-in under way)

A pattern without a name is keyed by its route. After changing a view's permissions, or adding a URL, put the row
the failure prints into the CSV once you have checked every cell against DESIGN.md's "Who uses it" table.
"""

import csv
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.reliability.site_urls import PATTERNS, url_of
from tests.reliability.world import ROLES, client_for, clients, signed_in_sessions, world  # noqa: F401 (fixtures)

MATRIX_FILE = Path(__file__).with_name("access_matrix.csv")
COLUMNS = ["url", *ROLES, "note"]
CSRF_EXEMPT = {
    # The signed token in the link is the authority; mail clients' one-click unsubscribe (RFC 8058) POSTs
    # without a form.
    "digest_unsubscribe",
}


def read_matrix():
    with MATRIX_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {row["url"]: row for row in rows}


MATRIX = read_matrix()


LOGIN_PATH = "/accounts/login/"
ADMIN_LOGIN_PATH = "/admin/login/"


def outcome(response):
    if response.status_code in (301, 302):
        target = response["Location"].split("?")[0]
        if target.endswith(LOGIN_PATH) and not target.endswith(ADMIN_LOGIN_PATH):
            return "login"
        if target.endswith(ADMIN_LOGIN_PATH):
            return "admin_login"
        return "redirect"
    return str(response.status_code)


def observed_row(key, world, clients):
    url = url_of(key, world)
    row = {}
    for role in ROLES:
        try:
            response = clients[role].get(url)
        except Exception as error:  # a 500: say which URL and role
            raise AssertionError(f"GET {url} ({key}) as {role} raised {error!r}") from error
        row[role] = outcome(response)
    return url, row


def as_csv_line(key, row, note=""):
    cells = [key, *(row[role] for role in ROLES), note]
    return ",".join(f'"{cell}"' if "," in cell else cell for cell in cells)


def test_the_matrix_has_one_row_per_url_and_no_stale_rows():
    missing = sorted(set(PATTERNS) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(PATTERNS))
    assert not missing, f"URLs without a row in {MATRIX_FILE.name}: {missing}"
    assert not stale, f"rows in {MATRIX_FILE.name} for URLs that no longer exist: {stale}"


def test_every_cell_of_the_matrix_is_a_known_outcome():
    known = {"200", "login", "admin_login", "redirect", "400", "401", "403", "404", "405"}
    for key, row in MATRIX.items():
        assert list(row) == COLUMNS, f"{MATRIX_FILE.name}: the columns must be {COLUMNS}"
        assert {row[role] for role in ROLES} <= known, f"{key}: unknown outcome in {row}"


@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_each_role_gets_what_the_matrix_says(key, world, clients, db):
    url, row = observed_row(key, world, clients)
    expected = MATRIX.get(key)
    assert expected is not None, (
        f"{key} ({url}) has no row in {MATRIX_FILE.name}. What each role gets now, to check against DESIGN.md "
        f"before adding it:\n{as_csv_line(key, row)}"
    )
    wrong = {role: f"expected {expected[role]}, got {row[role]}" for role in ROLES if row[role] != expected[role]}
    assert not wrong, f"GET {url} ({key}): {wrong}\nrow now: {as_csv_line(key, row, expected['note'])}"


# --- methods and CSRF ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def csrf_client(world, django_db_blocker):
    """The admin, in a browser-like client that enforces CSRF like the real middleware does."""
    with django_db_blocker.unblock():
        return client_for("admin", world, enforce_csrf_checks=True)


POST_ONLY = {"share", "check_text", "record_published", "leave_program", "switch_language", "hr_send_reminders",
             "redeem", "leaderboard_name", "privacy_download", "privacy_erasure_withdraw"}


def test_post_only_urls_refuse_get_for_everyone_signed_in():
    """What changes something is never done by a GET (a link, a prefetch, an image tag cannot trigger it)."""
    refusing_get = {key for key, row in MATRIX.items() if all(row[role] == "405" for role in ROLES[1:])}
    assert refusing_get == POST_ONLY
    assert all(MATRIX["admin:logout"][role] == "405" for role in ("comms", "reviewer", "hr", "admin"))


@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_a_post_without_the_csrf_token_is_refused(key, world, csrf_client, db):
    """Every URL, whatever it does with a POST, refuses one that lacks the CSRF token (the admin, who may do
    the most, sends it); with the token the same POST gets past the check."""
    url = url_of(key, world)
    name = PATTERNS[key][0]
    refused = csrf_client.post(url, {"text": "hello"})
    if name in CSRF_EXEMPT:
        assert not (refused.status_code == 403 and b"CSRF" in refused.content)
        return
    assert refused.status_code == 403 and b"CSRF verification failed" in refused.content, (
        f"POST {url} ({key}) without a CSRF token got {refused.status_code}"
    )


def test_the_csrf_exempt_views_are_only_those_listed():
    exempt = {key for key, (_name, _route, callback, _args) in PATTERNS.items()
              if getattr(callback, "csrf_exempt", False)}
    assert exempt == CSRF_EXEMPT


def test_a_post_with_the_csrf_token_gets_past_the_check(world, db):
    client = client_for("employee", world, enforce_csrf_checks=True)
    client.get(reverse("profile"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("leaderboard_name"), {"pseudonym": "", "csrfmiddlewaretoken": token})
    assert response.status_code == 302  # saved (the pseudonym cleared), not refused
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(reverse("switch_language"), {"language": "es"}).status_code == 403


# --- what is someone else's ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "allowed"), [("employee", False), ("comms", False), ("reviewer", False),
                                                ("manager", False), ("hr", True), ("admin", True)])
def test_only_hr_may_send_guide_reminders(role, allowed, world, clients, db):
    from guidelines.models import GuideReminder

    before = GuideReminder.objects.count()
    response = clients[role].post(reverse("hr_send_reminders"))
    assert response.status_code == (302 if allowed else 403)
    if not allowed:
        assert GuideReminder.objects.count() == before


def test_an_employee_cannot_paste_a_published_url_onto_someone_elses_share(world, clients, db):
    from advocacy.models import Share

    url = "https://www.linkedin.com/feed/update/urn:li:activity:7123456789012345678/"
    response = clients["comms"].post(reverse("record_published", args=[world.share.pk]), {"url": url})
    assert response.status_code == 404
    assert Share.objects.get(pk=world.share.pk).published_url == ""


def test_an_employee_cannot_compose_or_check_a_post_not_targeted_at_them(world, clients, db):
    other_team = factories.TeamFactory(name="Elsewhere")
    hidden = factories.PostFactory(title="For another team", targets=[other_team])
    for url in (reverse("compose", args=[hidden.pk, "linkedin"]),):
        assert clients["employee"].get(url).status_code == 404
    assert clients["employee"].post(reverse("check_text", args=[hidden.pk, "linkedin"]),
                                    {"text": "x"}).status_code == 404
    assert clients["employee"].post(reverse("share", args=[hidden.pk, "linkedin"])).status_code == 302
    from advocacy.models import Share

    assert not Share.objects.filter(post=hidden).exists()


def test_a_manager_reads_only_their_own_teams(world, clients, db):
    other_team = factories.TeamFactory(name="Elsewhere")
    month = reverse("monthly_report", args=[world.guide.published_at.strftime("%Y-%m")])
    assert clients["manager"].get(month, {"team": world.employee.profile.team_id}).status_code == 200
    assert clients["manager"].get(month, {"team": other_team.pk}).status_code == 403
    assert clients["manager"].get(reverse("hr_acknowledgements"), {"team": other_team.pk}).status_code == 404
    # An employee's personal report takes no filters at all.
    assert clients["employee"].get(month, {"team": world.employee.profile.team_id}).status_code == 403


def test_an_open_raffle_publishes_nothing_yet(world, clients, db):
    from rewards import raffles
    from rewards.models import Raffle

    raffle = raffles.seal_new_seed(Raffle(campaign=world.campaign, title="Spring raffle", prize="A kite"))
    raffle.save()
    url = reverse("raffle_entrants", args=[world.campaign.slug, raffle.pk])
    assert clients["employee"].get(url).status_code == 404
    # Nor under another campaign's address.
    assert clients["employee"].get(reverse("raffle_entrants", args=[world.campaign.slug, world.raffle.pk])
                                   ).status_code == 404
