"""Raffles among a campaign's participants: the hash is published first, the draw is verifiable (docs/raffles.md)."""

import hashlib
import json
import re
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils import timezone

from advocacy.models import EmployeeProfile, Share
from rewards import raffle_views, raffles
from rewards.models import LeaderboardAlias, Raffle, RaffleWinner
from tests import factories

# The raffle URLs as rewards/campaign_urls.py carries (or will carry) them, so these tests do not depend on it.
urlpatterns = [
    path("campaigns/<slug:slug>/raffles/<int:raffle_id>/entrants.json", raffle_views.raffle_entrants,
         name="raffle_entrants"),
    path("campaigns/raffles/method.md", raffle_views.raffle_method, name="raffle_method"),
    path("", include("advocacy.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

DOC = (Path(settings.BASE_DIR) / "docs" / "raffles.md").read_text(encoding="utf-8")


def at(day, hour=12, minute=0):
    """An aware moment of `day` in the company's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def after_end(campaign):
    return at(campaign.ends_on + timedelta(days=1), 9)


def share(employee, post, text, network="linkedin", when=None):
    return Share.objects.create(employee=employee, post=post, network=network, text=text,
                                created_at=when or timezone.now())


def doc_block(language):
    return re.search(rf"```{language}\n(.*?)```", DOC, re.DOTALL).group(1)


def run_doc_script(record, tmp_path, monkeypatch):
    """Run the doc's Python snippet on a record saved as a file; its namespace after the run."""
    path = tmp_path / "raffle.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["check_raffle.py", str(path)])
    namespace = {"__name__": "__main__"}
    exec(compile(doc_block("python"), "docs/raffles.md", "exec"), namespace)
    return namespace


@pytest.fixture
def campaign():
    today = timezone.localdate()
    return factories.CampaignFactory(hashtag="Launch", starts_on=today - timedelta(days=10),
                                     ends_on=today + timedelta(days=10))


@pytest.fixture
def post(campaign):
    return factories.PostFactory(campaign=campaign)


@pytest.fixture
def comms_user():
    Group.objects.get(name="comms").permissions.add(*Permission.objects.filter(
        content_type__app_label="rewards", codename__in=["add_raffle", "change_raffle", "view_raffle"]))
    return factories.UserFactory(roles=["comms"])


def participants(post, count, text="Proud of our #launch"):
    people = [factories.AdvocateFactory() for _ in range(count)]
    for person in people:
        share(person, post, text)
    return people


def test_the_hash_published_at_creation_matches_the_seed_revealed_at_the_draw(campaign, post, comms_user):
    raffle = raffles.create_raffle(campaign, "Launch raffle", "A bike", winners=1)
    published = raffle.seed_sha256
    assert raffle.seed == "" and re.fullmatch(r"[0-9a-f]{64}", published)
    participants(post, 2)
    raffles.draw(raffle, by=comms_user, now=after_end(campaign))
    assert raffle.seed_sha256 == published
    assert hashlib.sha256(raffle.seed.encode()).hexdigest() == published
    assert raffle.status == Raffle.Status.DRAWN and raffle.drawn_by == comms_user


def test_the_draw_can_be_recomputed_with_verify_and_with_the_docs_script(campaign, post, comms_user, tmp_path,
                                                                         monkeypatch):
    raffle = raffles.create_raffle(campaign, "Launch raffle", "A bike", winners=3, ticket_per_share=True)
    for person in participants(post, 6):
        share(person, factories.PostFactory(campaign=campaign), "Again #Launch!")
    raffles.draw(raffle, by=comms_user, now=after_end(campaign))
    record = raffles.published_record(raffle)
    assert raffles.verify(record["seed"], record["seed_sha256"], record["entrants"], record["winner_codes"])
    namespace = run_doc_script(record, tmp_path, monkeypatch)
    assert namespace["winners"] == raffle.winner_codes and len(raffle.winner_codes) == 3


def test_the_docs_worked_example_checks_out(tmp_path, monkeypatch, capsys):
    record = json.loads(doc_block("json"))
    assert raffles.verify(record["seed"], record["seed_sha256"], record["entrants"], record["winner_codes"],
                          count=record["winners"])
    assert [raffles.entrant_code(record["seed_sha256"], pk) for pk in (7, 31, 12)] == [
        entrant["entrant"] for entrant in record["entrants"]]
    run_doc_script(record, tmp_path, monkeypatch)
    assert "same as published: True" in capsys.readouterr().out


def test_tampering_with_the_seed_or_the_entrants_fails_verification(campaign, post, comms_user):
    raffle = raffles.create_raffle(campaign, "Launch raffle", "A bike", winners=2)
    participants(post, 5)
    raffles.draw(raffle, by=comms_user, now=after_end(campaign))
    seed, digest, entrants, winners = raffle.seed, raffle.seed_sha256, raffle.entrants, raffle.winner_codes
    assert raffles.verify(seed, digest, entrants, winners)
    other_seed = ("0" if seed[0] != "0" else "1") + seed[1:]
    assert not raffles.verify(other_seed, digest, entrants, winners)  # no longer the seed of the published hash
    without_first_winner = [entrant for entrant in entrants if entrant["entrant"] != winners[0]]
    assert not raffles.verify(seed, digest, without_first_winner, winners)
    assert not raffles.verify(seed, digest, list(reversed(entrants)), winners)  # not in the published order
    assert not raffles.verify(seed, digest, [entrants[0], *entrants], winners)  # someone listed twice
    assert not raffles.verify(seed, digest, [{**entrants[0], "tickets": 0}, *entrants[1:]], winners)
    assert not raffles.verify(seed, digest, entrants, list(reversed(winners)))


def test_only_hashtag_shares_of_the_campaign_while_it_ran_by_people_in_the_program_enter(campaign, post, comms_user):
    raffle = raffles.create_raffle(campaign, "Launch raffle", "A bike")
    entrant, no_tag, similar_tag, early, late, elsewhere, left, no_campaign = (
        factories.AdvocateFactory() for _ in range(8))
    share(entrant, post, "Out now #LAUNCH", when=at(campaign.ends_on, 23, 59))
    share(no_tag, post, "Out now, no hashtag")
    share(similar_tag, post, "Out now #launches")
    share(early, post, "#launch", when=at(campaign.starts_on - timedelta(days=1), 23, 59))
    share(late, post, "#launch", when=at(campaign.ends_on + timedelta(days=1), 0, 1))
    share(elsewhere, factories.PostFactory(campaign=factories.CampaignFactory()), "#launch")
    share(left, post, "#launch")
    EmployeeProfile.objects.filter(user=left).update(opted_out_at=timezone.now())
    outsider = factories.UserFactory()  # never joined the program
    share(outsider, post, "#launch")
    share(no_campaign, factories.PostFactory(), "#launch")
    raffles.draw(raffle, by=comms_user, now=after_end(campaign))
    assert [entrant["entrant"] for entrant in raffle.entrants] == [raffles.entrant_code(raffle.seed_sha256,
                                                                                        entrant.pk)]
    assert list(RaffleWinner.objects.values_list("employee", flat=True)) == [entrant.pk]


def test_one_ticket_per_person_or_one_per_hashtag_share(campaign, post, comms_user):
    busy, once = factories.AdvocateFactory(), factories.AdvocateFactory()
    second_post = factories.PostFactory(campaign=campaign)
    for network in ("linkedin", "x"):
        share(busy, post, "#Launch", network=network)
        share(busy, second_post, "#Launch", network=network)
    share(busy, factories.PostFactory(campaign=campaign), "no tag here")
    share(once, post, "#Launch")
    tickets = {}
    for per_share in (False, True):
        raffle = raffles.create_raffle(campaign, f"Per share: {per_share}", "A bike", ticket_per_share=per_share)
        raffles.draw(raffle, by=comms_user, now=after_end(campaign))
        codes = {raffles.entrant_code(raffle.seed_sha256, person.pk): person for person in (busy, once)}
        tickets[per_share] = {codes[entrant["entrant"]]: entrant["tickets"] for entrant in raffle.entrants}
    assert tickets == {False: {busy: 1, once: 1}, True: {busy: 4, once: 1}}


def test_a_person_never_wins_twice(campaign, post, comms_user):
    heavy = factories.AdvocateFactory()
    for _index in range(6):
        share(heavy, factories.PostFactory(campaign=campaign), "#Launch")
    participants(post, 3)
    raffle = raffles.create_raffle(campaign, "Launch raffle", "A bike", winners=4, ticket_per_share=True)
    raffles.draw(raffle, by=comms_user, now=after_end(campaign))
    assert len(raffle.winner_codes) == len(set(raffle.winner_codes)) == 4
    assert RaffleWinner.objects.filter(raffle=raffle).values("employee").distinct().count() == 4


def test_with_fewer_entrants_than_winners_everyone_wins(campaign, post, comms_user):
    people = participants(post, 2)
    raffle = raffles.create_raffle(campaign, "Launch raffle", "A bike", winners=5)
    raffles.draw(raffle, by=comms_user, now=after_end(campaign))
    rows = list(RaffleWinner.objects.filter(raffle=raffle).values_list("position", "employee"))
    assert [position for position, _ in rows] == [1, 2]
    assert {employee for _, employee in rows} == {person.pk for person in people}
    assert raffles.verify(raffle.seed, raffle.seed_sha256, raffle.entrants, raffle.winner_codes, count=5)


def test_a_raffle_is_drawn_once(campaign, post, comms_user):
    participants(post, 3)
    raffle = raffles.create_raffle(campaign, "Launch raffle", "A bike")
    raffles.draw(raffle, by=comms_user, now=after_end(campaign))
    winners, seed = raffle.winner_codes, raffle.seed
    with pytest.raises(ValidationError, match="already been drawn"):
        raffles.draw(raffle, by=comms_user, now=after_end(campaign) + timedelta(days=1))
    raffle.refresh_from_db()
    assert (raffle.winner_codes, raffle.seed) == (winners, seed)
    assert RaffleWinner.objects.filter(raffle=raffle).count() == 1


def test_a_raffle_is_drawn_from_the_day_after_the_campaign_ends(campaign, post, comms_user):
    participants(post, 2)
    raffle = raffles.create_raffle(campaign, "Launch raffle", "A bike")
    with pytest.raises(ValidationError, match="runs until"):
        raffles.draw(raffle, by=comms_user, now=at(campaign.ends_on, 23, 59))
    raffle.refresh_from_db()
    assert raffle.status == Raffle.Status.OPEN and raffle.seed == ""
    raffles.draw(raffle, by=comms_user, now=at(campaign.ends_on + timedelta(days=1), 0, 0))
    assert raffle.status == Raffle.Status.DRAWN


def test_a_raffle_nobody_entered_is_not_drawn(campaign, post, comms_user):
    raffle = raffles.create_raffle(campaign, "Launch raffle", "A bike")
    share(factories.AdvocateFactory(), post, "no hashtag")
    with pytest.raises(ValidationError, match="no one to draw"):
        raffles.draw(raffle, by=comms_user, now=after_end(campaign))
    raffle.refresh_from_db()
    assert raffle.status == Raffle.Status.OPEN


def test_no_raffle_for_a_campaign_that_has_ended(client, comms_user):
    today = timezone.localdate()
    ended = factories.CampaignFactory(starts_on=today - timedelta(days=9), ends_on=today - timedelta(days=1))
    with pytest.raises(ValidationError, match="before the campaign closes"):
        raffles.create_raffle(ended, "Too late", "A bike")
    assert raffles.create_raffle(ended, "In time", "A bike", now=at(ended.ends_on, 23, 0)).pk
    client.force_login(comms_user)
    response = client.post(reverse("admin:rewards_raffle_add"), {
        "campaign": ended.pk, "title": "Too late", "prize": "A bike", "winners": 1})
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert not Raffle.objects.filter(title="Too late").exists()


def test_the_admin_never_shows_or_logs_the_seed_before_the_draw(client, campaign, comms_user):
    client.force_login(comms_user)
    response = client.post(reverse("admin:rewards_raffle_add"), {
        "campaign": campaign.pk, "title": "Launch raffle", "prize": "A bike", "winners": 2,
        "ticket_per_share": "on"})
    assert response.status_code == 302
    raffle = Raffle.objects.get()
    seed = raffles.secret_seed(raffle)
    assert hashlib.sha256(seed.encode()).hexdigest() == raffle.seed_sha256
    assert (raffle.winners, raffle.ticket_per_share, raffle.seed) == (2, True, "")
    sealed = raffle.sealed_seed
    pages = [client.get(reverse("admin:rewards_raffle_changelist")).content.decode(),
             client.get(reverse("admin:rewards_raffle_change", args=[raffle.pk])).content.decode(),
             client.get(reverse("admin:rewards_raffle_history", args=[raffle.pk])).content.decode()]
    assert all(raffle.seed_sha256[:12] in page for page in pages[:2])
    assert raffle.seed_sha256 in pages[1]
    assert not any(seed in page or sealed in page for page in pages)
    client.post(reverse("admin:rewards_raffle_change", args=[raffle.pk]), {
        "title": "Launch raffle!", "prize": "A bike", "winners": 9, "_save": "Save"})
    raffle.refresh_from_db()
    assert (raffle.title, raffle.winners) == ("Launch raffle!", 2)  # the number of winners is fixed
    for entry in LogEntry.objects.all():
        assert seed not in entry.change_message and seed not in entry.object_repr
        assert sealed not in entry.change_message


def test_the_partial_shows_the_hash_before_the_draw_and_the_result_after(campaign, post, comms_user):
    alias_holder = factories.AdvocateFactory(first_name="Rosa", last_name="Reservada")
    named = factories.AdvocateFactory(first_name="Marc", last_name="Puig")
    for person in (alias_holder, named):
        share(person, post, "#Launch")
    LeaderboardAlias.objects.create(employee=alias_holder, pseudonym="Comet")
    raffle = raffles.create_raffle(campaign, "Launch raffle", "A bike", winners=2)
    url = reverse("raffle_entrants", args=[campaign.slug, raffle.pk])
    html = render_to_string("rewards/_raffle.html", {"raffle": raffle, "entrants_url": url})
    assert "Launch raffle" in html and "A bike" in html and raffle.seed_sha256 in html
    assert raffles.secret_seed(raffle) not in html and url not in html
    raffles.draw(raffle, by=comms_user, now=after_end(campaign))
    html = render_to_string("rewards/_raffle.html", {"raffle": raffle, "entrants_url": url})
    assert raffle.seed in html and raffle.seed_sha256 in html and url in html
    assert "Comet" in html and named.display_name in html and alias_holder.display_name not in html
    assert reverse("raffle_method") in html and "Check it yourself" in html


def test_the_published_record_needs_a_login_and_a_drawn_raffle(client, campaign, post, comms_user):
    participants(post, 2)
    raffle = raffles.create_raffle(campaign, "Launch raffle", "A bike")
    url = reverse("raffle_entrants", args=[campaign.slug, raffle.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(factories.AdvocateFactory())
    assert client.get(url).status_code == 404
    raffles.draw(raffle, by=comms_user, now=after_end(campaign))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    record = response.json()
    assert record["seed"] == raffle.seed and record["entrants"] == raffle.entrants
    assert record["winner_codes"] == raffle.winner_codes and record["winners"] == 1
    other = factories.CampaignFactory()
    assert client.get(reverse("raffle_entrants", args=[other.slug, raffle.pk])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_method_is_served_as_text(client):
    response = client.get(reverse("raffle_method"))
    assert response.status_code == 200 and "int.from_bytes" in response.content.decode()


def test_drawing_from_the_admin_needs_the_change_permission(client, comms_user):
    today = timezone.localdate()
    ended = factories.CampaignFactory(hashtag="Launch", starts_on=today - timedelta(days=9),
                                      ends_on=today - timedelta(days=1))
    participants(factories.PostFactory(campaign=ended), 2, text="#Launch")
    Share.objects.update(created_at=at(ended.ends_on, 10))
    raffle = raffles.create_raffle(ended, "Launch raffle", "A bike", now=at(ended.starts_on))
    viewer = factories.UserFactory(roles=["reviewer"])
    viewer.user_permissions.add(Permission.objects.get(content_type__app_label="rewards", codename="view_raffle"))
    assert not viewer.has_perm("rewards.change_raffle")
    action = {"action": "draw", "_selected_action": [raffle.pk]}
    client.force_login(viewer)
    client.post(reverse("admin:rewards_raffle_changelist"), action)
    raffle.refresh_from_db()
    assert raffle.status == Raffle.Status.OPEN
    client.force_login(comms_user)
    client.post(reverse("admin:rewards_raffle_changelist"), action)
    raffle.refresh_from_db()
    assert raffle.status == Raffle.Status.DRAWN and raffle.drawn_by == comms_user
    assert LogEntry.objects.get(object_id=str(raffle.pk)).get_change_message() == "Drawn."
    assert raffle.seed not in LogEntry.objects.get(object_id=str(raffle.pk)).change_message


def test_the_admin_refuses_an_early_draw_with_a_message(client, campaign, post, comms_user):
    participants(post, 2)
    raffle = raffles.create_raffle(campaign, "Launch raffle", "A bike")
    client.force_login(comms_user)
    response = client.post(reverse("admin:rewards_raffle_changelist"),
                           {"action": "draw", "_selected_action": [raffle.pk]}, follow=True)
    raffle.refresh_from_db()
    assert raffle.status == Raffle.Status.OPEN
    assert "runs until" in response.content.decode()


def test_a_drawn_raffle_can_be_neither_edited_nor_deleted(client, campaign, post, comms_user):
    participants(post, 2)
    raffle = raffles.create_raffle(campaign, "Launch raffle", "A bike")
    raffles.draw(raffle, by=comms_user, now=after_end(campaign))
    admin_user = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    client.post(reverse("admin:rewards_raffle_change", args=[raffle.pk]), {"title": "Changed", "prize": "Less"})
    assert client.get(reverse("admin:rewards_raffle_delete", args=[raffle.pk])).status_code == 403
    client.post(reverse("admin:rewards_raffle_changelist"),
                {"action": "delete_selected", "_selected_action": [raffle.pk], "post": "yes"})
    raffle.refresh_from_db()
    assert raffle.title == "Launch raffle" and raffle.status == Raffle.Status.DRAWN
