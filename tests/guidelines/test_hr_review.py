"""HR's review of who signed which version: statuses, filters, CSV, reminders, and who may see what."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from guidelines.models import GuideReminder, GuideVersion
from guidelines.services import request_reminders, sign_guide
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    sales = factories.TeamFactory(name="Sales")
    spain = factories.TeamFactory(name="Sales Spain", parent=sales)
    tech = factories.TeamFactory(name="Tech")
    old = GuideVersion.objects.create(version=1, title="Guide", body="v1",
                                      published_at=timezone.now() - timezone.timedelta(days=90))
    current = GuideVersion.objects.create(version=2, title="Guide", body="v2",
                                          published_at=timezone.now() - timezone.timedelta(days=30))
    people = {
        "current": factories.AdvocateFactory(email="current@example.com", team=spain),
        "outdated": factories.AdvocateFactory(email="outdated@example.com", team=sales),
        "never": factories.AdvocateFactory(email="never@example.com", team=tech),
    }
    sign_guide(people["current"], old, "Current Person")
    sign_guide(people["current"], current, "Current Person")
    sign_guide(people["outdated"], old, "Outdated Person")
    people["never"].profile.language = "es"
    people["never"].profile.save()
    hr = factories.UserFactory(email="hr.person@example.com", roles=["hr"])
    manager = factories.UserFactory(email="boss@example.com", roles=["manager"], team=sales)
    sales.managers.add(manager)
    return {"sales": sales, "spain": spain, "tech": tech, "guide": current, "hr": hr, "manager": manager, **people}


def statuses(response):
    return {person.email: person.status for person in response.context["page"]}


def test_hr_sees_everyone_with_their_last_version_and_status(client, company):
    client.force_login(company["hr"])
    response = client.get(reverse("hr_acknowledgements"))
    assert response.status_code == 200
    found = statuses(response)
    assert {k: found[k] for k in ["current@example.com", "outdated@example.com", "never@example.com"]} == {
        "current@example.com": "current", "outdated@example.com": "outdated", "never@example.com": "never"}
    sales = next(row for row in response.context["per_team"] if row["team"] == "Sales Spain")
    assert (sales["current"], sales["total"]) == (1, 1)


def test_filters_by_team_with_sub_teams_and_by_status(client, company):
    client.force_login(company["hr"])
    by_team = statuses(client.get(reverse("hr_acknowledgements"), {"team": company["sales"].pk}))
    assert set(by_team) == {"current@example.com", "outdated@example.com", "boss@example.com"}
    outdated = statuses(client.get(reverse("hr_acknowledgements"), {"status": "outdated"}))
    assert set(outdated) == {"outdated@example.com"}
    assert client.get(reverse("hr_acknowledgements"), {"status": "bogus"}).status_code == 404
    assert client.get(reverse("hr_acknowledgements"), {"team": "abc"}).status_code == 404
    assert client.get(reverse("hr_acknowledgements"), {"team": "99999"}).status_code == 404


def test_csv_download(client, company):
    client.force_login(company["hr"])
    response = client.get(reverse("hr_acknowledgements"), {"format": "csv", "team": company["sales"].pk})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_email = {row["email"]: row for row in rows}
    assert set(by_email) == {"current@example.com", "outdated@example.com", "boss@example.com"}
    assert by_email["outdated@example.com"]["last_version_signed"] == "1"
    assert by_email["outdated@example.com"]["status"] == "outdated"
    assert by_email["current@example.com"]["team"] == "Sales Spain"
    assert by_email["current@example.com"]["signed_at"].startswith(str(timezone.now().year))


def test_managers_see_only_their_teams(client, company):
    client.force_login(company["manager"])
    seen = statuses(client.get(reverse("hr_acknowledgements")))
    assert "never@example.com" not in seen and "outdated@example.com" in seen
    assert client.get(reverse("hr_acknowledgements"), {"team": company["tech"].pk}).status_code == 404
    assert "never@example.com" not in client.get(reverse("hr_acknowledgements"), {"format": "csv"}).content.decode()
    assert client.post(reverse("hr_send_reminders")).status_code == 403


@pytest.mark.parametrize("role", [None, "reviewer", "comms"])
def test_others_may_not_see_the_review(client, company, role):
    client.force_login(factories.UserFactory(roles=[role] if role else []))
    assert client.get(reverse("hr_acknowledgements")).status_code == 403
    assert client.get(reverse("hr_training")).status_code == 403


def test_reminders_go_to_those_not_current_once_a_day_in_their_language(
        client, company, django_capture_on_commit_callbacks):
    client.force_login(company["hr"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("hr_send_reminders"), follow=True)
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert "current@example.com" not in recipients
    assert {"outdated@example.com", "never@example.com"} <= set(recipients)
    spanish = next(message for message in mail.outbox if message.to == ["never@example.com"])
    assert "Por favor, firma la guía" in spanish.subject and "/guide/" in spanish.body
    logged = GuideReminder.objects.get(employee=company["never"])
    assert logged.sent_at is not None and logged.requested_by == company["hr"]

    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("hr_send_reminders"), follow=True)
    assert len(mail.outbox) == sent  # at most one a day
    assert "0 reminders sent" in response.content.decode()

    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert request_reminders([company["never"].pk], company["guide"], company["hr"], today=tomorrow) == 1
    assert len(mail.outbox) == sent + 1


def test_reminders_can_target_one_team(client, company, django_capture_on_commit_callbacks):
    client.force_login(company["hr"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("hr_send_reminders") + f"?team={company['tech'].pk}")
    assert [message.to for message in mail.outbox] == [["never@example.com"]]


def test_the_review_page_is_constant_query(client, company, django_assert_max_num_queries):
    client.force_login(company["hr"])
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("hr_acknowledgements"))
    budget = len(few.captured_queries)
    for _ in range(15):
        sign_guide(factories.AdvocateFactory(team=factories.TeamFactory()), company["guide"], "Someone")
    with django_assert_max_num_queries(budget):
        client.get(reverse("hr_acknowledgements"))


def test_pages_keep_the_filters(client, company):
    for _ in range(55):
        factories.UserFactory(team=company["tech"])
    client.force_login(company["hr"])
    html = client.get(reverse("hr_acknowledgements"), {"team": company["tech"].pk, "status": "never"}).content.decode()
    assert f'href="?team={company["tech"].pk}&amp;status=never&amp;page=2"' in html
    second = client.get(reverse("hr_acknowledgements"), {"team": company["tech"].pk, "status": "never", "page": 2})
    assert len(second.context["page"].object_list) == 56 - 50


@pytest.mark.parametrize("value", ["²", "１", "-1", "1e3"])
def test_odd_team_numbers_are_a_404_not_a_500(client, company, value):
    client.force_login(company["hr"])
    assert client.get(reverse("hr_acknowledgements"), {"team": value}).status_code == 404
    assert client.get(reverse("hr_acknowledgements"), {"team": value, "format": "csv"}).status_code == 404
    assert client.post(reverse("hr_send_reminders") + f"?team={value}").status_code == 404


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, company):
    factories.UserFactory(first_name="=HYPERLINK(\"http://evil.example\")", last_name="x",
                          team=factories.TeamFactory(name="+Team"))
    client.force_login(company["hr"])
    content = client.get(reverse("hr_acknowledgements"), {"format": "csv"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(content)))
    evil = next(row for row in rows if "HYPERLINK" in row["name"])
    assert evil["name"].startswith("'=") and evil["team"] == "'+Team"


def test_reminders_go_only_to_program_members(client, company, django_capture_on_commit_callbacks):
    outsider = factories.UserFactory(email="not.a.member@example.com", team=company["tech"])
    client.force_login(company["hr"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("hr_send_reminders"))
    recipients = {message.to[0] for message in mail.outbox}
    assert outsider.email not in recipients and "never@example.com" in recipients
