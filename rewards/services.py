"""Writes to the points ledger. Every award names its source, and the database refuses a second payment.

Each entry also records where it counts: the employee's team at the time, and the campaign of the post that
earned it. While a campaign runs, points earned with its posts are multiplied by its multiplier. Once an
entry is committed the leaderboards are told (`leaderboards.entries_added`).
"""

import logging
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy import audit

from .models import PointsEntry, PointsRule
from .selectors import balance

logger = logging.getLogger(__name__)

# What ranks people: points earned. Spending them on rewards (and getting them back) moves only the balance.
EARNING_REASONS = [reason for reason in PointsEntry.Reason.values
                   if reason not in (PointsEntry.Reason.REDEMPTION, PointsEntry.Reason.REFUND)]


def rules():
    """The points rules in force: DESIGN.md's defaults (settings.POINTS_RULES) with comms' edits on top."""
    return {**settings.POINTS_RULES, **dict(PointsRule.objects.values_list("key", "value"))}


def _team_id(employee):
    profile = getattr(employee, "profile", None)
    return profile.team_id if profile is not None else None


def campaign_multiplier(campaign, moment):
    """The campaign's multiplier if it runs on `moment`'s day (company time), else 1."""
    if campaign is None or not campaign.runs_on(timezone.localdate(moment)):
        return Decimal(1)
    return campaign.points_multiplier


def multiplied(points, multiplier):
    return int((Decimal(points) * multiplier).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _announce(entries):
    """After the commit, tell the leaderboards (they are a copy of the ledger; a nightly rebuild heals any miss)."""
    entries = [entry for entry in entries if entry.reason in EARNING_REASONS]
    if entries:
        from .leaderboards import entries_added

        transaction.on_commit(lambda: entries_added(entries))


def check_badges(employee_id):
    """After the commit, queue a check of the employee's badges (kept until the broker is back if it is away)."""
    from advocacy.dispatch import enqueue

    from .badges import award_badges_task

    enqueue(award_badges_task, [employee_id])


def award(employee, points, reason, source, earned_at, note="", *, campaign=None):
    """Credit points for `source` once (multiplied while `campaign` runs); a second call for the same source
    does nothing and returns None."""
    multiplier = campaign_multiplier(campaign, earned_at)
    try:
        with transaction.atomic():
            entry = PointsEntry.objects.create(
                employee=employee, points=multiplied(points, multiplier), reason=reason,
                source_type=ContentType.objects.get_for_model(source), source_id=source.pk,
                note=note, created_at=earned_at, team_id=_team_id(employee),
                campaign=campaign, multiplier=multiplier,
            )
    except IntegrityError:
        return None
    _announce([entry])
    return entry


def _campaign_of(post):
    return post.campaign if post.campaign_id else None


def award_for_share(share):
    check_badges(share.employee_id)
    return award(share.employee, rules()["share"], PointsEntry.Reason.SHARE, share, share.created_at,
                 campaign=_campaign_of(share.post))


def award_for_signature(acknowledgement):
    check_badges(acknowledgement.employee_id)
    return award(acknowledgement.employee, rules()["guide_signed"], PointsEntry.Reason.GUIDE_SIGNED,
                 acknowledgement, acknowledgement.signed_at)


def award_for_unique_clicks(day):
    """Pay the unique-click points of `day`'s human clicks on each employee's links, up to the cap per share.

    Idempotent: clicks already paid are skipped, and the database refuses a second payment anyway. Called by
    the rollup, which holds its lock, so two payers never run together.
    """
    from advocacy.models import Click
    from content_library.models import Campaign

    current = rules()
    cap, per_click = current["unique_click_cap_per_share"], current["unique_click"]
    click_type = ContentType.objects.get_for_model(Click)
    clicks = list(
        Click.objects.filter(day=day, is_unique=True, is_bot=False)
        .values_list("id", "link_id", "link__employee_id", "clicked_at", "link__post__campaign_id")
        .order_by("clicked_at", "id")
    )
    if not clicks:
        return 0
    # Click points already paid per link (= per share), whatever the day. Only a link with more unique human
    # clicks than the cap can reach it, so only those links' paid clicks are looked up (in the ledger's
    # source index, never with a scan of the whole ledger).
    unique_totals = (Click.objects.filter(link_id__in={c[1] for c in clicks}, is_unique=True, is_bot=False)
                     .values("link_id").annotate(n=Count("id")).order_by().values_list("link_id", "n"))
    crowded = [link_id for link_id, total in unique_totals if total > cap]
    paid_per_link = {}
    if crowded:
        candidates = dict(Click.objects.filter(link_id__in=crowded, is_unique=True, is_bot=False)
                          .values_list("id", "link_id").order_by())
        for paid_click_id in _paid_sources(click_type, PointsEntry.Reason.UNIQUE_CLICK, list(candidates)):
            paid_per_link[candidates[paid_click_id]] = paid_per_link.get(candidates[paid_click_id], 0) + 1
    already_paid = set(_paid_sources(click_type, PointsEntry.Reason.UNIQUE_CLICK, [c[0] for c in clicks]))
    from advocacy.models import EmployeeProfile

    teams = dict(EmployeeProfile.objects.filter(user_id__in={c[2] for c in clicks}).values_list("user_id", "team_id"))
    campaigns = Campaign.objects.in_bulk({c[4] for c in clicks if c[4]})
    entries = []
    for click_id, link_id, employee_id, clicked_at, campaign_id in clicks:
        if click_id in already_paid or paid_per_link.get(link_id, 0) >= cap:
            continue
        paid_per_link[link_id] = paid_per_link.get(link_id, 0) + 1
        campaign = campaigns.get(campaign_id)
        multiplier = campaign_multiplier(campaign, clicked_at)
        entries.append(PointsEntry(
            employee_id=employee_id, points=multiplied(per_click, multiplier), reason=PointsEntry.Reason.UNIQUE_CLICK,
            source_type=click_type, source_id=click_id, created_at=clicked_at, team_id=teams.get(employee_id),
            campaign=campaign, multiplier=multiplier,
        ))
    PointsEntry.objects.bulk_create(entries, batch_size=2000)
    _announce(entries)
    return len(entries)


def _paid_sources(source_type, reason, source_ids, chunk=20_000):
    """Which of `source_ids` were paid already, looked up in chunks in the ledger's source index."""
    for start in range(0, len(source_ids), chunk):
        yield from (PointsEntry.objects.filter(source_type=source_type, reason=reason,
                                               source_id__in=source_ids[start:start + chunk])
                    .order_by().values_list("source_id", flat=True))


def award_for_capsule(completion):
    """Passing a training capsule pays once per capsule (the completion is the source)."""
    check_badges(completion.employee_id)
    return award(completion.employee, rules()["capsule_passed"], PointsEntry.Reason.CAPSULE_PASSED,
                 completion, completion.completed_at)


def award_for_engagement(share, snapshot):
    """Pay 1 point per reaction, comment and reshare on the employee's post, up to the cap per share.

    Each payment brings the engagements paid for up to the snapshot's count (capped), so the total paid for a
    share is min(engagements, cap) however many times its figures are pulled; figures going down take nothing
    back. A campaign's multiplier applies to the points of each payment, not to the count.
    """
    from django.db.models import F, Max

    from metrics.models import EngagementSnapshot

    current = rules()
    cap = current["engagement_cap_per_share"]
    paid_snapshots = PointsEntry.objects.filter(
        reason=PointsEntry.Reason.ENGAGEMENT, source_type=ContentType.objects.get_for_model(EngagementSnapshot),
    ).values("source_id")
    paid = EngagementSnapshot.objects.filter(share=share, id__in=paid_snapshots).aggregate(
        most=Max(F("reactions") + F("comments") + F("reshares")))["most"] or 0
    earned, paid = min(snapshot.engagements, cap), min(paid, cap)
    if earned <= paid:
        return None
    return award(share.employee, (earned - paid) * current["engagement"], PointsEntry.Reason.ENGAGEMENT, snapshot,
                 snapshot.fetched_at, campaign=_campaign_of(share.post))


def adjust(employee, points, note, by):
    """Comms' hand adjustment, kept in the ledger with its note and author. A deduction cannot take the
    balance below zero."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say why the points are adjusted."))
    if not points:
        raise ValidationError(_("An adjustment is a number of points other than zero."))
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=employee.pk).first()  # one writer per balance
        if points < 0 and balance(employee) + points < 0:
            raise ValidationError(_("This would take the balance below zero."))
        entry = PointsEntry.objects.create(
            employee=employee, points=points, reason=PointsEntry.Reason.ADJUSTMENT, note=note[:300],
            created_at=timezone.now(), team_id=_team_id(employee), awarded_by=by,
        )
        audit.record(audit.Action.POINTS_ADJUSTED, entry, actor=by, text=f"{points:+d}",
                     changes={"employee": employee.pk, "points": points})
    _announce([entry])
    return entry
