"""Reads of the usage guide: the version in force and whether an employee may share under it."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Case, CharField, Count, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from advocacy.models import Team, User
from advocacy.selectors import in_the_program  # noqa: F401  (callers read it from here too)

from .models import Acknowledgement, GuideVersion


@dataclass
class SharingGate:
    may_share: bool
    message: str = ""
    # Sharing is still allowed, but the employee must sign the new version before the grace ends.
    grace_until: object = None


def current_version():
    return GuideVersion.objects.current()


def has_signed(user, version):
    return Acknowledgement.objects.filter(employee=user, version=version).exists()


def sharing_gate(user):
    """May `user` share now? Only after signing the current guide (or within the grace period of a new one)."""
    version = current_version()
    if version is None or has_signed(user, version):
        return SharingGate(may_share=True)
    signed_before = Acknowledgement.objects.filter(employee=user, version__version__lt=version.version).exists()
    grace_until = version.published_at + timedelta(days=settings.GUIDE_GRACE_DAYS)
    if signed_before and timezone.now() < grace_until:
        return SharingGate(
            may_share=True,
            message=_("A new version of the usage guide is out. Please sign it before %(date)s to keep sharing.")
            % {"date": timezone.localtime(grace_until).strftime("%Y-%m-%d")},
            grace_until=grace_until,
        )
    return SharingGate(may_share=False, message=_("Please read and sign the social media usage guide before sharing."))


# --- HR's review ------------------------------------------------------------------------------

CURRENT, OUTDATED, NEVER = "current", "outdated", "never"
STATUS_LABELS = {CURRENT: _lazy("Current"), OUTDATED: _lazy("Outdated"), NEVER: _lazy("Never signed")}


def review_scope(user):
    """The team ids whose signatures `user` may review: None for all (HR, admin), else the teams they
    manage with their sub-teams (empty: nothing to review)."""
    if user.has_perm("guidelines.review_acknowledgements"):
        return None
    managed = list(user.managed_teams.values_list("id", flat=True))
    return Team.subtree_ids(managed) if managed else set()


def signature_statuses(version, team_ids=None, team_filter=None, status=None):
    """Every active employee in scope with the last guide version they signed, when, and their status
    against `version` (the current one): one query, whatever the number of employees."""
    latest = Acknowledgement.objects.filter(employee=OuterRef("pk")).order_by("-version__version")
    people = (
        User.objects.filter(is_active=True)
        .select_related("profile__team")
        .annotate(last_version=Subquery(latest.values("version__version")[:1]),
                  last_signed_at=Subquery(latest.values("signed_at")[:1]))
        .annotate(status=Case(
            When(last_version__isnull=True, then=Value(NEVER)),
            When(last_version__gte=version.version if version else 0, then=Value(CURRENT)),
            default=Value(OUTDATED),
            output_field=CharField(),
        ))
        .order_by("profile__team__name", "last_name", "first_name", "email")
    )
    if team_ids is not None:
        people = people.filter(profile__team_id__in=team_ids)
    if team_filter is not None:
        people = people.filter(profile__team_id__in=Team.subtree_ids([team_filter.pk]))
    if status in STATUS_LABELS:
        people = people.filter(status=status)
    return people


def signed_share_per_team(people):
    """Per team: employees, how many are current, and the share (0–1), from the statuses above."""
    rows = (
        people.order_by().values("profile__team__id", "profile__team__name")
        .annotate(total=Count("id"), current=Count("id", filter=Q(status=CURRENT)))
    )
    return [
        {"team": row["profile__team__name"] or "—", "total": row["total"], "current": row["current"],
         "share": row["current"] / row["total"] if row["total"] else 0}
        for row in sorted(rows, key=lambda row: row["profile__team__name"] or "")
    ]


# --- Training ---------------------------------------------------------------------------------

def capsules_for(user):
    """Published capsules, in the employee's language first, by level, with whether they passed each."""
    from .models import Capsule, CapsuleCompletion

    language = getattr(user.profile, "language", "") or settings.LANGUAGE_CODE
    level_order = Case(*[When(level=code, then=Value(index)) for index, code in enumerate(Capsule.Level.values)])
    passed = CapsuleCompletion.objects.filter(employee=user, capsule=OuterRef("pk"))
    return (
        Capsule.objects.filter(is_published=True)
        .annotate(
            in_my_language=Case(When(language=language, then=Value(0)), default=Value(1)),
            level_rank=level_order,
            my_score=Subquery(passed.values("score")[:1]),
        )
        .order_by("in_my_language", "level_rank", "order", "id")
    )


def training_gate(user):
    """With TRAINING_REQUIRED_BEFORE_SHARING, a first share waits until a basic capsule is passed.
    Returns the reason to refuse, or "" when the employee may share."""
    from advocacy.models import Share

    from .models import Capsule, CapsuleCompletion

    if not settings.TRAINING_REQUIRED_BEFORE_SHARING:
        return ""
    basic = Capsule.objects.filter(is_published=True, level=Capsule.Level.BASIC)
    if not basic.exists() or Share.objects.filter(employee=user).exists():
        return ""
    if CapsuleCompletion.objects.filter(employee=user, capsule__in=basic).exists():
        return ""
    return _("Pass a basic training capsule before your first share: it takes a few minutes.")


def training_per_team(capsules, team_ids=None):
    """Per team (within `team_ids`, None for all): members, and how many passed each capsule."""
    from .models import CapsuleCompletion

    people = User.objects.filter(is_active=True)
    if team_ids is not None:
        people = people.filter(profile__team_id__in=team_ids)
    members = dict(people.order_by().values("profile__team_id").annotate(n=Count("id"))
                   .values_list("profile__team_id", "n"))
    done = {}
    for team_id, capsule_id, count in (
        CapsuleCompletion.objects.filter(employee__in=people, capsule__in=capsules).order_by()
        .values("employee__profile__team_id", "capsule_id").annotate(n=Count("id"))
        .values_list("employee__profile__team_id", "capsule_id", "n")
    ):
        done[(team_id, capsule_id)] = count
    names = dict(Team.objects.filter(pk__in=[pk for pk in members if pk]).values_list("id", "name"))
    rows = []
    for team_id, total in sorted(members.items(), key=lambda item: names.get(item[0], "")):
        rows.append({
            "team": names.get(team_id, "—"), "total": total,
            "cells": [done.get((team_id, capsule.pk), 0) for capsule in capsules],
        })
    return rows
