"""Verifiable raffles among a campaign's participants: this code does exactly what docs/raffles.md says."""

import hashlib
import secrets
from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from advocacy import audit
from advocacy.models import Share
from metrics.services import carries_hashtag, day_bounds

from .leaderboards import public_name
from .models import Raffle, RaffleWinner

METHOD = "docs/raffles.md, version 1"
CODE_LENGTH = 12


def sha256_hex(text):
    """The SHA-256 of `text` encoded as UTF-8, in lowercase hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entrant_code(seed_sha256, employee_id):
    """An entrant's public code in one raffle: the first 12 hex digits of SHA-256("<seed_sha256>:<id>")."""
    return sha256_hex(f"{seed_sha256}:{employee_id}")[:CODE_LENGTH]


def draw_winners(seed, entrants, count):
    """The winners' codes in order: position k takes ticket SHA-256("<seed>:<k>") mod the tickets left."""
    tickets = [entrant["entrant"] for entrant in entrants for _ticket in range(entrant["tickets"])]
    winners = []
    for position in range(1, count + 1):
        if not tickets:
            break
        number = int.from_bytes(hashlib.sha256(f"{seed}:{position}".encode("utf-8")).digest(), "big")
        winner = tickets[number % len(tickets)]
        winners.append(winner)
        tickets = [ticket for ticket in tickets if ticket != winner]
    return winners


def well_formed(entrants):
    """Entrants as published: sorted by code, each code once, each with a whole number of tickets >= 1."""
    try:
        codes = [entrant["entrant"] for entrant in entrants]
        tickets = [entrant["tickets"] for entrant in entrants]
    except (KeyError, TypeError):
        return False
    return (all(isinstance(code, str) for code in codes) and codes == sorted(set(codes))
            and all(type(count) is int and count >= 1 for count in tickets))


def verify(seed, seed_sha256, entrants, winners, count=None):
    """Whether `seed` matches the published hash and the method picks exactly `winners` from `entrants`
    (`count`: the raffle's number of winners; by default as many as `winners`)."""
    if not isinstance(seed, str) or not isinstance(seed_sha256, str) or not well_formed(entrants):
        return False
    if not constant_time_compare(sha256_hex(seed), seed_sha256.lower()):
        return False
    try:
        winners = list(winners)
        return draw_winners(seed, entrants, len(winners) if count is None else count) == winners
    except TypeError:
        return False


def campaign_has_ended(campaign, now=None):
    """A campaign has ended once its last day is over in the company's time zone."""
    return timezone.localdate(now or timezone.now()) > campaign.ends_on


def check_can_open(campaign, now=None):
    """Refuse a raffle for a campaign that has ended: its seed's hash must be public while the campaign runs."""
    if campaign_has_ended(campaign, now):
        raise ValidationError(
            _("The campaign ended on %(day)s: a raffle's seed hash must be published before the campaign closes."),
            code="campaign_ended", params={"day": date_format(campaign.ends_on)},
        )


# While a raffle is open only the seed's SHA-256 is public, and a check constraint keeps `Raffle.seed` empty: the
# seed waits in `Raffle.sealed_seed` as seed XOR HMAC-SHA256(SECRET_KEY, seed_sha256), and the draw reveals it.
def _seal_key(seed_sha256, secret):
    return salted_hmac("rewards.raffles.seed", seed_sha256, secret=secret, algorithm="sha256").digest()


def _xor(data, key):
    return bytes(a ^ b for a, b in zip(data, key, strict=True))


def seal_new_seed(raffle):
    """Give an unsaved raffle a fresh secret seed: its SHA-256 is public, the seed stays sealed until the draw."""
    seed = secrets.token_hex(32)
    raffle.seed_sha256 = sha256_hex(seed)
    raffle.seed = ""
    raffle.status = Raffle.Status.OPEN
    raffle.sealed_seed = _xor(bytes.fromhex(seed), _seal_key(raffle.seed_sha256, settings.SECRET_KEY)).hex()
    raffle.entrants = []
    raffle.winner_codes = []
    return raffle


def secret_seed(raffle):
    """The seed of an open raffle, unsealed with SECRET_KEY (or one of SECRET_KEY_FALLBACKS)."""
    sealed = raffle.sealed_seed
    if sealed:
        for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
            seed = _xor(bytes.fromhex(sealed), _seal_key(raffle.seed_sha256, secret)).hex()
            if constant_time_compare(sha256_hex(seed), raffle.seed_sha256):
                return seed
    raise ValidationError(_("The raffle's secret seed cannot be recovered (was SECRET_KEY changed?)."),
                          code="seed_lost")


def create_raffle(campaign, title, prize, winners=1, ticket_per_share=False, now=None):
    """Open a raffle for a campaign that has not ended, publishing the SHA-256 of a new secret seed."""
    check_can_open(campaign, now)
    raffle = Raffle(campaign=campaign, title=title, prize=prize, winners=winners,
                    ticket_per_share=ticket_per_share, created_at=now or timezone.now())
    seal_new_seed(raffle)
    raffle.save()
    return raffle


def eligible_entrants(raffle):
    """The entrants as published (sorted by code) and each code's employee id: people still in the program with a
    share of a campaign post, made while it ran (company time), whose final text carries the hashtag."""
    campaign = raffle.campaign
    start, _end = day_bounds(campaign.starts_on)
    _start, end = day_bounds(campaign.ends_on)
    shares = Share.objects.filter(post__campaign=campaign, created_at__gte=start, created_at__lt=end)
    counts = Counter(employee_id for employee_id, text in shares.values_list("employee_id", "text")
                     if carries_hashtag(text, campaign.hashtag))
    people = get_user_model().objects.filter(pk__in=counts, is_active=True).select_related(
        "profile", "leaderboard_alias")
    entrants, employee_ids = [], {}
    for person in people:
        profile = getattr(person, "profile", None)
        if profile is None or not profile.is_advocate:
            continue
        code = entrant_code(raffle.seed_sha256, person.pk)
        if code in employee_ids:  # two ids under one 48-bit code: never seen, but never drawn silently
            raise ValidationError(_("Two entrants share a code; this raffle cannot be drawn."), code="collision")
        employee_ids[code] = person.pk
        entrants.append({"entrant": code, "name": public_name(person),
                         "tickets": counts[person.pk] if raffle.ticket_per_share else 1})
    entrants.sort(key=lambda entrant: entrant["entrant"])
    return entrants, employee_ids


def draw(raffle, by, now=None):
    """Draw an open raffle once its campaign has ended: reveal the seed, publish the entrants, name the winners."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Raffle.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=raffle.pk)
        if locked.status == Raffle.Status.DRAWN:
            raise ValidationError(_("This raffle has already been drawn."), code="drawn")
        campaign = locked.campaign
        if not campaign_has_ended(campaign, now):
            raise ValidationError(
                _("The campaign runs until %(day)s: the raffle can be drawn from the next day on."),
                code="campaign_running", params={"day": date_format(campaign.ends_on)},
            )
        seed = secret_seed(locked)
        entrants, employee_ids = eligible_entrants(locked)
        if not entrants:
            raise ValidationError(
                _("No one in the program shared a post of this campaign with #%(hashtag)s while it ran: "
                  "there is no one to draw."),
                code="no_entrants", params={"hashtag": campaign.hashtag},
            )
        codes = draw_winners(seed, entrants, locked.winners)
        locked.seed, locked.sealed_seed = seed, ""
        locked.entrants = entrants
        locked.winner_codes = codes
        locked.status = Raffle.Status.DRAWN
        locked.drawn_at = now
        locked.drawn_by = by
        locked.save()
        RaffleWinner.objects.bulk_create(
            RaffleWinner(raffle=locked, employee_id=employee_ids[code], position=position)
            for position, code in enumerate(codes, start=1)
        )
        audit.record(audit.Action.RAFFLE_DRAWN, locked, actor=by, text=locked.title, changes={
            "entrants": len(entrants), "winner_codes": codes, "seed_sha256": locked.seed_sha256})
    raffle.refresh_from_db()
    return raffle


def published_record(raffle):
    """Everything anyone needs to check a drawn raffle, as served at its entrants URL."""
    campaign = raffle.campaign
    return {
        "method": METHOD,
        "raffle": raffle.pk,
        "title": raffle.title,
        "prize": raffle.prize,
        "campaign": campaign.slug,
        "hashtag": campaign.hashtag,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "ticket_per_share": raffle.ticket_per_share,
        "winners": raffle.winners,
        "seed_sha256": raffle.seed_sha256,
        "seed": raffle.seed,
        "drawn_at": raffle.drawn_at.isoformat() if raffle.drawn_at else None,
        "entrants": raffle.entrants,
        "winner_codes": raffle.winner_codes,
    }
