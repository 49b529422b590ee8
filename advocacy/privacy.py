"""Employees' personal data (GDPR): the download of everything held about them, erasure on request, and retention.

- `personal_data(user)`: the "Your data" download, one JSON document.
- `request_erasure` → HR's decision in the admin → `carry_out_erasure` (one transaction) or `decline_erasure`.
  Erasure deactivates and pseudonymises the account and removes what is personal and not needed, while the company's
  counts (daily statistics, shares, clicks and points in past reports) keep adding up; see `USER_RELATIONS`.
- `purge_expired_data()`: raw clicks past CLICK_RETENTION_DAYS (only days the KPI rollup has filled), guide
  signatures of erased employees past GUIDE_SIGNATURE_RETENTION_DAYS, expired sessions. Beat runs it nightly.

docs/reliability.md ("Privacy (GDPR)") explains the choices.
"""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit, roles
from .models import (
    Click,
    EmployeeProfile,
    ErasureRequest,
    Invitation,
    NetworkAudience,
    RetentionMark,
    Share,
    TrackedLink,
    User,
)

logger = logging.getLogger(__name__)

DECIDE_PERMISSION = "advocacy.decide_erasurerequest"
EXPORT_FORMAT = "advocacy-personal-data/1"
ERASED_EMAIL_DOMAIN = "erased.invalid"  # RFC 2606: can never be a real mailbox
CLICK_PURGE_BATCH = 10_000


# --- Where personal data lives ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Handling:
    """What the download and the erasure do with one relation to the user. `export` is where the download holds it
    (a dotted path in the JSON), or "" with `why` it is left out."""

    export: str
    erasure: str
    why: str = ""


KEPT_PSEUDONYMOUS = "kept, pointing at the pseudonymised account"

# Every field of every model that points at the user, and what happens to it. tests/reliability/test_privacy.py
# walks the models and fails when a relation to the user appears that is not listed here.
USER_RELATIONS = {
    "admin.LogEntry.user": Handling(
        "", "kept; entries naming the person in their text are renamed to the pseudonym",
        why="the admin's change history of staff edits; the privileged ones are in audit_log"),
    "account.EmailAddress.user": Handling("email_addresses", "deleted (with pending confirmations)"),
    "socialaccount.SocialAccount.user": Handling("connected_accounts",
                                                 "deleted with their tokens (tokens are never exported)"),
    "advocacy.Team.managers": Handling("teams_managed", "removed from the team's managers"),
    "advocacy.EmployeeProfile.user": Handling(
        "profile", "team, job title, location and language cleared; program left (off the leaderboards); digest "
                   "unsubscribed; the times of consent kept as the record of what was agreed"),
    "advocacy.NetworkAudience.employee": Handling(
        "follower_counts", "deleted (each share keeps the potential reach it had, a number)"),
    "advocacy.Invitation.invited_by": Handling(
        "staff_activity.invitations_sent", KEPT_PSEUDONYMOUS + "; invitations addressed to the person are deleted"),
    "advocacy.Share.employee": Handling(
        "shares", "kept for the company's counts; the text is reduced to its hashtags (what hashtag mentions count) "
                  "and the published post's URL and id are cleared"),
    "advocacy.TrackedLink.employee": Handling(
        "tracked_links", "kept: links already posted keep redirecting, and their clicks keep counting"),
    "advocacy.AuditEntry.actor": Handling(
        "audit_log.by_you", "kept (append-only); it names the account by id, now shown as the pseudonym"),
    "advocacy.ErasureRequest.employee": Handling("erasure_requests", "kept as the record that the erasure was done"),
    "advocacy.ErasureRequest.requested_by": Handling("staff_activity.erasure_requests_recorded", KEPT_PSEUDONYMOUS),
    "advocacy.ErasureRequest.decided_by": Handling("staff_activity.erasure_requests_decided", KEPT_PSEUDONYMOUS),
    "content_library.Post.created_by": Handling("staff_activity.posts_created", KEPT_PSEUDONYMOUS),
    "content_library.Post.suggested_by": Handling(
        "suggestions", KEPT_PSEUDONYMOUS + "; the name in the post's history is replaced by the pseudonym"),
    "content_library.PostTransition.by": Handling("staff_activity.post_status_changes", KEPT_PSEUDONYMOUS),
    "content_library.Suggestion.employee": Handling(
        "suggestions", "kept with its status (comms' decisions); the idea, its link and the reason are cleared"),
    "content_library.Suggestion.decided_by": Handling("staff_activity.suggestions_decided", KEPT_PSEUDONYMOUS),
    "content_library.DigestDelivery.employee": Handling("digest.sent", "deleted (a log of e-mails sent)"),
    "guidelines.Acknowledgement.employee": Handling(
        "guide_signatures", "kept unchanged, sealed, for GUIDE_SIGNATURE_RETENTION_DAYS after the erasure (evidence "
                            "of the usage policy accepted, for legal claims), then deleted by the retention purge"),
    "guidelines.GuideReminder.employee": Handling("guide_reminders", "deleted (a log of e-mails sent)"),
    "guidelines.GuideReminder.requested_by": Handling("staff_activity.guide_reminders_requested", KEPT_PSEUDONYMOUS),
    "guidelines.CapsuleAttempt.employee": Handling("training.attempts", "deleted"),
    "guidelines.CapsuleCompletion.employee": Handling(
        "training.completions", "kept as the training record (and the source of its points), pseudonymous"),
    "metrics.DailyStat.employee": Handling(
        "", "kept: the counts every report reads",
        why="derived counts of the shares and clicks exported in shares and tracked_links"),
    "metrics.MonthlyStat.employee": Handling(
        "", "kept: the month totals the report reads", why="derived from the daily counts, like DailyStat"),
    "metrics.MonthlyEmployeeStat.employee": Handling(
        "", "kept: the month totals the report counts sharers from", why="derived from the monthly counts"),
    "metrics.DailyPoints.employee": Handling(
        "", "kept: the day totals the report ranks by", why="derived from the points ledger exported in points"),
    "metrics.MonthlyPoints.employee": Handling(
        "", "kept: the month totals the report ranks by", why="derived from the points ledger exported in points"),
    "metrics.AnalyticsImport.uploaded_by": Handling("staff_activity.analytics_imports", KEPT_PSEUDONYMOUS),
    "metrics.ReportDelivery.recipient": Handling("monthly_reports_received", "deleted (a log of e-mails sent)"),
    "rewards.PointsEntry.employee": Handling("points.ledger", "kept (append-only ledger; reports rank by it)"),
    "rewards.PointsEntry.awarded_by": Handling("staff_activity.points_adjustments_made", KEPT_PSEUDONYMOUS),
    "rewards.LeaderboardAlias.employee": Handling("leaderboard_pseudonym", "deleted"),
    "rewards.BadgeAward.employee": Handling("badges", "kept (earned from the shares kept), pseudonymous"),
    "rewards.Redemption.employee": Handling(
        "redemptions", "kept (what the rewards cost); one still open is rejected and its points returned"),
    "rewards.Redemption.decided_by": Handling("staff_activity.redemptions_decided", KEPT_PSEUDONYMOUS),
    "rewards.Raffle.drawn_by": Handling("staff_activity.raffles_drawn", KEPT_PSEUDONYMOUS),
    "rewards.RaffleWinner.employee": Handling(
        "raffles.won", "kept; in a drawn raffle's published entrants the name becomes the pseudonym (the draw still "
                       "verifies: it uses the codes, not the names)"),
    "rewards.EmployeeOfTheMonth.employee": Handling("employee_of_the_month", KEPT_PSEUDONYMOUS + "; citation cleared"),
    "rewards.EmployeeOfTheMonth.named_by": Handling("staff_activity.employees_of_the_month_named", KEPT_PSEUDONYMOUS),
}


def user_relations():
    """Every (model, field) of the project pointing at the user model: foreign keys, one-to-ones, many-to-manys."""
    from django.apps import apps

    return sorted(
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        # Forward relations only (a reverse one is auto-created); a generic relation has no related model.
        if field.is_relation and not field.auto_created and field.related_model is User
    )


# --- The download ----------------------------------------------------------------------------------------

def _when(moment):
    return moment.isoformat() if moment else None


def _team(team):
    return {"id": team.pk, "name": team.name} if team else None


def _last_rolled_up_day():
    from metrics.models import FillState
    from metrics.services import DAILY_STATS

    return FillState.objects.filter(name=DAILY_STATS).values_list("filled_until", flat=True).first()


def click_counts(user):
    """{link id: (human clicks, unique clicks)} on the user's tracked links since each was minted: the days the
    rollup has filled from their daily counts (their raw rows may be gone past retention), later days raw."""
    from metrics.models import DailyStat

    links = {(link.post_id, link.network): link.pk for link in TrackedLink.objects.filter(employee=user)}
    counts = dict.fromkeys(links.values(), (0, 0))
    filled_until = _last_rolled_up_day()
    raw = Click.objects.filter(link__employee=user, is_bot=False)
    if filled_until is not None:
        rolled = (DailyStat.objects.filter(employee=user, day__lte=filled_until).values("post_id", "network")
                  .annotate(clicks=Sum("clicks"), unique=Sum("unique_clicks")).order_by())
        for row in rolled:
            link_id = links.get((row["post_id"], row["network"]))
            if link_id is not None:
                counts[link_id] = (row["clicks"] or 0, row["unique"] or 0)
        raw = raw.filter(day__gt=filled_until)
    for row in raw.values("link_id").annotate(clicks=Count("id"), unique=Count("id", filter=Q(is_unique=True))) \
            .order_by():
        clicks, unique = counts.get(row["link_id"], (0, 0))
        counts[row["link_id"]] = (clicks + row["clicks"], unique + row["unique"])
    return counts


def personal_data(user):
    """Everything the platform holds about `user`, as one JSON-ready document (the "Your data" download)."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    profile = EmployeeProfile.objects.select_related("team").get(user=user)
    return {
        "about": {
            "format": EXPORT_FORMAT,
            "generated_at": _when(timezone.now()),
            "company": settings.COMPANY_NAME,
            "note": _("Everything this advocacy platform holds about you. Clicks on your links are counted, never "
                      "who clicked: visitors are not identified. Connection tokens are never included."),
        },
        "account": {
            "id": user.pk, "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
            "date_joined": _when(user.date_joined), "last_login": _when(user.last_login),
            "is_active": user.is_active, "roles": sorted(user.groups.values_list("name", flat=True)),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "profile": {
            "team": _team(profile.team), "job_title": profile.job_title, "location": profile.location,
            "language": profile.language, "feed_last_seen_at": _when(profile.feed_seen_at),
        },
        "program": {
            "member": profile.is_advocate, "joined_at": _when(profile.opted_in_at), "left_at": _when(profile.opted_out_at),
        },
        "digest": _digest(user, profile),
        "teams_managed": [_team(team) for team in user.managed_teams.order_by("name")],
        "connected_accounts": [
            {"provider": account.provider, "uid": account.uid, "connected_at": _when(account.date_joined),
             "last_login": _when(account.last_login)}
            for account in SocialAccount.objects.filter(user=user).order_by("provider")
        ],
        "follower_counts": [
            {"network": audience.network, "followers": audience.followers, "source": audience.source,
             "updated_at": _when(audience.updated_at)}
            for audience in NetworkAudience.objects.filter(employee=user).order_by("network")
        ],
        "shares": _shares(user),
        "tracked_links": _tracked_links(user),
        "guide_signatures": _signatures(user),
        "guide_reminders": _reminders(user),
        "training": _training(user),
        "points": _points(user),
        "badges": _badges(user),
        "leaderboard_pseudonym": _pseudonym(user),
        "redemptions": _redemptions(user),
        "raffles": _raffles(user),
        "employee_of_the_month": _recognitions(user),
        "suggestions": _suggestions(user),
        "monthly_reports_received": _report_deliveries(user),
        "erasure_requests": [
            {"requested_at": _when(erasure.requested_at), "state": erasure.state,
             "decided_at": _when(erasure.decided_at), "decline_reason": erasure.decline_reason}
            for erasure in ErasureRequest.objects.filter(employee=user).order_by("requested_at")
        ],
        "audit_log": _audit_log(user),
        "staff_activity": _staff_activity(user),
    }


def _digest(user, profile):
    from content_library.models import DigestDelivery

    return {
        "subscribed": profile.digest_unsubscribed_at is None,
        "unsubscribed_at": _when(profile.digest_unsubscribed_at),
        "sent": [{"week_start": delivery.week_start.isoformat(), "posts": delivery.posts,
                  "sent_at": _when(delivery.sent_at)}
                 for delivery in DigestDelivery.objects.filter(employee=user).order_by("week_start")],
    }


def _shares(user):
    from metrics.models import ShareEngagement

    engagement = {row.share_id: row for row in ShareEngagement.objects.filter(share__employee=user)}
    rows = []
    for share in Share.objects.filter(employee=user).select_related("post", "team").order_by("created_at", "id"):
        figures = engagement.get(share.pk)
        rows.append({
            "id": share.pk, "shared_at": _when(share.created_at), "network": share.network,
            "post": {"id": share.post_id, "title": share.post.title, "url": share.post.url},
            "text": share.text, "team": _team(share.team), "potential_reach": share.potential_reach,
            "published_url": share.published_url, "published_post_id": share.published_post_id,
            "published_at": _when(share.published_at),
            "engagement": None if figures is None else {
                "impressions": figures.impressions, "reactions": figures.reactions, "comments": figures.comments,
                "reshares": figures.reshares, "measured_at": _when(figures.measured_at),
            },
        })
    return rows


def _tracked_links(user):
    counts = click_counts(user)
    return [
        {"code": link.code, "short_url": link.short_url, "post_id": link.post_id, "network": link.network,
         "destination": link.destination, "created_at": _when(link.created_at),
         "clicks": counts.get(link.pk, (0, 0))[0], "unique_clicks": counts.get(link.pk, (0, 0))[1]}
        for link in TrackedLink.objects.filter(employee=user).order_by("created_at", "id")
    ]


def _signatures(user):
    from guidelines.models import Acknowledgement

    return [
        {"version": ack.version.version, "title": ack.version.title, "signed_at": _when(ack.signed_at),
         "typed_name": ack.typed_name, "text_sha256": ack.text_sha256, "user_agent": ack.user_agent,
         "seal": ack.signature}
        for ack in Acknowledgement.objects.filter(employee=user).select_related("version").order_by("signed_at")
    ]


def _reminders(user):
    from guidelines.models import GuideReminder

    return [{"version": reminder.version.version, "day": reminder.day.isoformat(), "sent_at": _when(reminder.sent_at)}
            for reminder in GuideReminder.objects.filter(employee=user).select_related("version").order_by("day")]


def _training(user):
    from guidelines.models import CapsuleAttempt, CapsuleCompletion

    return {
        "attempts": [
            {"capsule": attempt.capsule.title, "score": attempt.score, "passed": attempt.passed,
             "taken_at": _when(attempt.taken_at)}
            for attempt in CapsuleAttempt.objects.filter(employee=user).select_related("capsule").order_by("taken_at")
        ],
        "completions": [
            {"capsule": completion.capsule.title, "score": completion.score,
             "completed_at": _when(completion.completed_at)}
            for completion in CapsuleCompletion.objects.filter(employee=user).select_related("capsule")
            .order_by("completed_at")
        ],
    }


def _points(user):
    from rewards.models import PointsEntry

    entries = PointsEntry.objects.filter(employee=user).select_related("campaign", "source_type").order_by(
        "created_at", "id")
    return {
        "balance": sum(entry.points for entry in entries),
        "ledger": [
            {"at": _when(entry.created_at), "points": entry.points, "reason": entry.reason, "note": entry.note,
             "campaign": entry.campaign.name if entry.campaign else None, "multiplier": str(entry.multiplier),
             "source": {"type": entry.source_type.model, "id": entry.source_id} if entry.source_type else None}
            for entry in entries
        ],
    }


def _badges(user):
    from rewards.models import BadgeAward

    return [{"badge": award.badge, "occasion": award.occasion, "awarded_at": _when(award.awarded_at)}
            for award in BadgeAward.objects.filter(employee=user).order_by("awarded_at")]


def _pseudonym(user):
    from rewards.models import LeaderboardAlias

    return LeaderboardAlias.objects.filter(employee=user).values_list("pseudonym", flat=True).first()


def _redemptions(user):
    from rewards.models import Redemption

    return [
        {"reward": redemption.item.name, "points": redemption.points, "status": redemption.status,
         "requested_at": _when(redemption.requested_at), "decided_at": _when(redemption.decided_at),
         "delivered_at": _when(redemption.delivered_at), "note": redemption.note}
        for redemption in Redemption.objects.filter(employee=user).select_related("item").order_by("requested_at")
    ]


def _raffles(user):
    """The drawn raffles the user entered (their public code and tickets) and the ones they won."""
    from rewards.models import Raffle, RaffleWinner
    from rewards.raffles import entrant_code

    entries = []
    for raffle in Raffle.objects.filter(status=Raffle.Status.DRAWN).select_related("campaign").order_by("drawn_at"):
        code = entrant_code(raffle.seed_sha256, user.pk)
        mine = next((entrant for entrant in raffle.entrants if entrant.get("entrant") == code), None)
        if mine is not None:
            entries.append({"raffle": raffle.pk, "title": raffle.title, "campaign": raffle.campaign.name,
                            "drawn_at": _when(raffle.drawn_at), "entrant_code": code,
                            "name_published": mine.get("name"), "tickets": mine.get("tickets")})
    won = [{"raffle": winner.raffle_id, "title": winner.raffle.title, "prize": winner.raffle.prize,
            "position": winner.position}
           for winner in RaffleWinner.objects.filter(employee=user).select_related("raffle")]
    return {"entries": entries, "won": won}


def _recognitions(user):
    from rewards.models import EmployeeOfTheMonth

    return [{"month": recognition.month.strftime("%Y-%m"), "citation": recognition.citation,
             "named_at": _when(recognition.named_at)}
            for recognition in EmployeeOfTheMonth.objects.filter(employee=user).order_by("month")]


def _suggestions(user):
    from content_library.models import Post, Suggestion

    return {
        "made": [
            {"suggested_at": _when(suggestion.created_at), "idea": suggestion.note, "link": suggestion.url,
             "status": suggestion.status, "reason": suggestion.reason, "decided_at": _when(suggestion.decided_at),
             "post_id": suggestion.post_id}
            for suggestion in Suggestion.objects.filter(employee=user).order_by("created_at")
        ],
        "credited_posts": [{"id": post.pk, "title": post.title}
                           for post in Post.objects.filter(suggested_by=user).order_by("pk")],
    }


def _report_deliveries(user):
    from metrics.models import ReportDelivery

    return [{"month": delivery.month.strftime("%Y-%m"), "sent_at": _when(delivery.sent_at)}
            for delivery in ReportDelivery.objects.filter(recipient=user).order_by("month")]


def _audit_entry(entry):
    return {"at": _when(entry.at), "action": entry.action, "object": entry.target_repr or None,
            "object_type": entry.target_type.model if entry.target_type else None, "object_id": entry.target_id,
            "changes": entry.changes}


def _audit_log(user):
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditEntry

    about = AuditEntry.objects.filter(target_type=ContentType.objects.get_for_model(User), target_id=user.pk)
    return {
        "about_you": [_audit_entry(entry) for entry in about.select_related("target_type").order_by("at", "id")],
        "by_you": [_audit_entry(entry) for entry in AuditEntry.objects.filter(actor=user)
                   .select_related("target_type").order_by("at", "id")],
    }


def _staff_activity(user):
    """What the user did in a staff role (curating, reviewing, deciding), without the other people's data."""
    from content_library.models import Post, PostTransition, Suggestion
    from guidelines.models import GuideReminder
    from metrics.models import AnalyticsImport
    from rewards.models import EmployeeOfTheMonth, PointsEntry, Raffle, Redemption

    return {
        "posts_created": [{"id": pk, "title": title, "created_at": _when(at)} for pk, title, at in
                          Post.objects.filter(created_by=user).order_by("pk").values_list("pk", "title", "created_at")],
        "post_status_changes": [
            {"post_id": post_id, "from": from_status, "to": to_status, "at": _when(at), "comment": comment}
            for post_id, from_status, to_status, at, comment in PostTransition.objects.filter(by=user)
            .order_by("at", "id").values_list("post_id", "from_status", "to_status", "at", "comment")
        ],
        "suggestions_decided": [{"suggestion_id": pk, "status": status, "decided_at": _when(at)} for pk, status, at in
                                Suggestion.objects.filter(decided_by=user).order_by("pk")
                                .values_list("pk", "status", "decided_at")],
        "guide_reminders_requested": GuideReminder.objects.filter(requested_by=user).count(),
        "analytics_imports": [{"network": network, "file": name, "uploaded_at": _when(at)} for network, name, at in
                              AnalyticsImport.objects.filter(uploaded_by=user).order_by("uploaded_at")
                              .values_list("network", "file_name", "uploaded_at")],
        "points_adjustments_made": [{"at": _when(at), "points": points} for at, points in
                                    PointsEntry.objects.filter(awarded_by=user).order_by("created_at")
                                    .values_list("created_at", "points")],
        "redemptions_decided": [{"redemption_id": pk, "status": status, "decided_at": _when(at)} for pk, status, at in
                                Redemption.objects.filter(decided_by=user).order_by("pk")
                                .values_list("pk", "status", "decided_at")],
        "raffles_drawn": [{"raffle_id": pk, "title": title, "drawn_at": _when(at)} for pk, title, at in
                          Raffle.objects.filter(drawn_by=user).order_by("pk").values_list("pk", "title", "drawn_at")],
        "employees_of_the_month_named": [month.strftime("%Y-%m") for month in EmployeeOfTheMonth.objects
                                         .filter(named_by=user).order_by("month").values_list("month", flat=True)],
        # The invitee's address is theirs, not the inviter's: only when each was sent and accepted.
        "invitations_sent": [{"created_at": _when(created), "accepted_at": _when(accepted)} for created, accepted in
                             Invitation.objects.filter(invited_by=user).order_by("created_at")
                             .values_list("created_at", "accepted_at")],
        "erasure_requests_recorded": ErasureRequest.objects.filter(requested_by=user).count(),
        "erasure_requests_decided": ErasureRequest.objects.filter(decided_by=user).count(),
    }


def export_filename(user, today=None):
    return f"my-data-{(today or timezone.localdate()).isoformat()}.json"


# --- Erasure ---------------------------------------------------------------------------------------------

def pending_erasure(user):
    return ErasureRequest.objects.filter(employee=user, state=ErasureRequest.State.PENDING).first()


def request_erasure(user, requested_by=None):
    """Record that `user` asks for erasure (from their privacy page, or HR recording a request made another way) and
    tell HR. Asking again while a request waits, or after the erasure, returns that request: nothing new is made."""
    existing = ErasureRequest.objects.filter(
        employee=user, state__in=[ErasureRequest.State.PENDING, ErasureRequest.State.CARRIED_OUT]).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            erasure = ErasureRequest.objects.create(
                employee=user, requested_by=requested_by if requested_by not in (None, user) else None)
    except IntegrityError:  # a parallel request a moment ago
        return ErasureRequest.objects.get(employee=user, state=ErasureRequest.State.PENDING)
    transaction.on_commit(lambda: _tell_hr(erasure.pk))
    return erasure


def withdraw_erasure(user):
    """The employee changes their mind while HR has not decided yet. Returns whether a request was withdrawn."""
    with transaction.atomic():
        erasure = ErasureRequest.objects.select_for_update().filter(
            employee=user, state=ErasureRequest.State.PENDING).first()
        if erasure is None:
            return False
        erasure.state, erasure.decided_at = ErasureRequest.State.WITHDRAWN, timezone.now()
        erasure.save(update_fields=["state", "decided_at"])
    return True


def _check_may_decide(by):
    if by is None or not by.has_perm(DECIDE_PERMISSION):
        raise PermissionDenied(_("Only HR or an administrator decide on erasure requests."))


def decline_erasure(erasure, by, reason):
    """HR refuse a request on one of the GDPR's grounds (Art. 17(3)), saying why: the employee is told by e-mail."""
    _check_may_decide(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the request is declined: the employee reads it."), code="reason_required")
    with transaction.atomic():
        current = ErasureRequest.objects.select_for_update().select_related("employee").get(pk=erasure.pk)
        if current.state != ErasureRequest.State.PENDING:
            raise ValidationError(_("This request was already decided."), code="decided")
        current.state, current.decided_by, current.decided_at = ErasureRequest.State.DECLINED, by, timezone.now()
        current.decline_reason = reason
        current.save(update_fields=["state", "decided_by", "decided_at", "decline_reason"])
        audit.record(audit.Action.ERASURE_DECLINED, current.employee, actor=by, changes={"request": current.pk})
        employee = current.employee
        language = _language_of(employee)
        transaction.on_commit(lambda: _tell_employee(employee.email, language, "declined", reason=reason))
    return current


def carry_out_erasure(erasure, by, now=None):
    """Erase the personal data of the request's employee, in one transaction, and record it. Carrying out a request
    already carried out does nothing and returns it."""
    _check_may_decide(by)
    now = now or timezone.now()
    with transaction.atomic(), audit.acting(by):
        current = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
        if current.state == ErasureRequest.State.CARRIED_OUT:
            return current
        if current.state != ErasureRequest.State.PENDING:
            raise ValidationError(_("This request was withdrawn or declined: there is nothing to carry out."),
                                  code="not_pending")
        user = User.objects.select_for_update().get(pk=current.employee_id)
        address, language = user.email, _language_of(user)
        outcome = erase_personal_data(user, by, now)
        current.state, current.decided_by, current.decided_at = ErasureRequest.State.CARRIED_OUT, by, now
        current.outcome = outcome
        current.save(update_fields=["state", "decided_by", "decided_at", "outcome"])
        audit.record(audit.Action.ERASURE_CARRIED_OUT, user, actor=by, changes={"request": current.pk, **outcome})
        transaction.on_commit(lambda: _off_the_leaderboards(user))
        transaction.on_commit(lambda: _tell_employee(address, language, "done"))
    return current


def pseudonymous_email(user_id):
    return f"erased-{user_id}@{ERASED_EMAIL_DOMAIN}"


def is_erased(user):
    return user.email.endswith(f"@{ERASED_EMAIL_DOMAIN}") and not user.is_active


_HASHTAG = re.compile(r"(?<![\w#])#\w+")


def hashtags_only(text):
    """The hashtags of a shared text and nothing else: what a hashtag mention counts, without the person's words."""
    return " ".join(_HASHTAG.findall(text or ""))


def erase_personal_data(user, by, now):
    """The erasure itself, inside the caller's transaction; returns what was done, counted."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount, SocialToken
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from content_library.models import DigestDelivery, PostTransition, Suggestion
    from guidelines.models import CapsuleAttempt, GuideReminder
    from metrics.models import ReportDelivery
    from rewards.models import EmployeeOfTheMonth, LeaderboardAlias, Raffle, Redemption
    from rewards.raffles import entrant_code
    from rewards.redemptions import reject

    old_email, old_full_name, old_display_name = user.email, user.get_full_name(), user.display_name
    outcome = {}

    # What the account signs in with, and the ways back in.
    outcome["connection_tokens"] = SocialToken.objects.filter(account__user=user).count()
    outcome["connected_accounts"] = SocialAccount.objects.filter(user=user).delete()[1].get(
        SocialAccount._meta.label, 0)
    outcome["email_addresses"] = EmailAddress.objects.filter(user=user).delete()[1].get(EmailAddress._meta.label, 0)
    outcome["sessions_ended"] = _end_sessions(user, now)
    outcome["roles_removed"] = sorted(user.groups.values_list("name", flat=True))
    user.groups.clear()
    user.user_permissions.clear()
    outcome["teams_managed"] = user.managed_teams.count()
    user.managed_teams.clear()
    user.email = pseudonymous_email(user.pk)
    user.first_name = user.last_name = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()

    profile = EmployeeProfile.objects.select_for_update().get(user=user)
    was_advocate = profile.is_advocate
    profile.team, profile.job_title, profile.location, profile.language = None, "", "", ""
    profile.feed_seen_at = None
    if was_advocate:
        profile.opted_out_at = now
    profile.digest_unsubscribed_at = profile.digest_unsubscribed_at or now
    profile.save()
    outcome["follower_counts"] = NetworkAudience.objects.filter(employee=user).delete()[0]
    outcome["leaderboard_pseudonym"] = LeaderboardAlias.objects.filter(employee=user).delete()[0]

    # Shares stay for the counts; the words and the person's own post go.
    shares = list(Share.objects.filter(employee=user).only("id", "text", "published_url", "published_post_id"))
    for share in shares:
        share.text = hashtags_only(share.text)
        share.published_url, share.published_post_id, share.published_at = "", "", None
    Share.objects.bulk_update(shares, ["text", "published_url", "published_post_id", "published_at"], batch_size=500)
    outcome["shares_pseudonymised"] = len(shares)

    outcome["suggestions_cleared"] = Suggestion.objects.filter(employee=user).update(note="", url="", reason="")
    renamed = 0
    if old_display_name:
        for transition in PostTransition.objects.filter(post__suggested_by=user, comment__contains=old_display_name):
            transition.comment = transition.comment.replace(old_display_name, user.display_name)
            transition.save(update_fields=["comment"])
            renamed += 1
    outcome["post_history_renamed"] = renamed

    outcome["training_attempts"] = CapsuleAttempt.objects.filter(employee=user).delete()[0]
    outcome["guide_reminders"] = GuideReminder.objects.filter(employee=user).delete()[0]
    outcome["digests_sent_log"] = DigestDelivery.objects.filter(employee=user).delete()[0]
    outcome["report_deliveries_log"] = ReportDelivery.objects.filter(recipient=user).delete()[0]
    outcome["invitations"] = Invitation.objects.filter(email=old_email).delete()[0]
    EmployeeOfTheMonth.objects.filter(employee=user).update(citation="")

    open_redemptions = list(Redemption.objects.filter(
        employee=user, status__in=[Redemption.Status.REQUESTED, Redemption.Status.APPROVED]))
    for redemption in open_redemptions:
        reject(redemption, by, _("The account was erased at the employee's request."))
    outcome["redemptions_rejected"] = len(open_redemptions)

    renamed = 0
    for raffle in Raffle.objects.filter(status=Raffle.Status.DRAWN):
        code = entrant_code(raffle.seed_sha256, user.pk)
        entrants = [{**entrant, "name": user.display_name} if entrant.get("entrant") == code else entrant
                    for entrant in raffle.entrants]
        if entrants != raffle.entrants:
            Raffle.objects.filter(pk=raffle.pk).update(entrants=entrants)
            renamed += 1
    outcome["raffle_entries_renamed"] = renamed

    # The admin's change history names people in its text.
    names = [name for name in (old_email, old_full_name) if name]
    history = LogEntry.objects.filter(Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
                                      | Q(*[Q(object_repr__contains=name) for name in names], _connector=Q.OR))
    renamed = 0
    for entry in history:
        text = entry.object_repr
        for name in names:
            text = text.replace(name, user.display_name)
        if entry.content_type_id == ContentType.objects.get_for_model(User).pk and entry.object_id == str(user.pk):
            text = user.display_name
        if text != entry.object_repr:
            LogEntry.objects.filter(pk=entry.pk).update(object_repr=text[:200])
            renamed += 1
    outcome["admin_history_renamed"] = renamed
    return outcome


DATABASE_SESSION_ENGINES = {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}


def _end_sessions(user, now):
    """Delete the user's sessions. Whatever the session store, the unusable password set by the erasure already
    invalidates them (Django checks a hash of the password on every request)."""
    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        return 0
    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    theirs = []
    for key, data in Session.objects.filter(expire_date__gt=now).values_list("session_key", "session_data").iterator():
        if store().decode(data).get("_auth_user_id") == str(user.pk):
            theirs.append(key)
    for key in theirs:
        store(session_key=key).delete()  # also drops the cached copy (cached_db)
    return len(theirs)


def _off_the_leaderboards(user):
    from rewards import leaderboards

    leaderboards.forget(user)


def _language_of(user):
    profile = getattr(user, "profile", None)
    return (profile.language if profile is not None else "") or settings.LANGUAGE_CODE


_OUTCOME_EMAILS = {
    "done": (gettext_lazy("Your personal data has been erased"), "advocacy/email/erasure_done.txt"),
    "declined": (gettext_lazy("Your erasure request was declined"), "advocacy/email/erasure_declined.txt"),
}


def _tell_employee(address, language, outcome, **context):
    """After the commit: e-mail the person the outcome, at the address they had (never fails the decision)."""
    subject, template = _OUTCOME_EMAILS[outcome]
    try:
        with translation.override(language):
            body = render_to_string(template, {"company": settings.COMPANY_NAME, **context})
            subject = str(subject)
        send_mail(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body, None, [address])
    except Exception:  # the decision stands; the person can ask HR
        logger.exception("could not e-mail the outcome of an erasure request")


def deciders():
    """Active people who may decide erasure requests (HR and administrators), not counting superusers by default."""
    permission = Permission.objects.get(content_type__app_label="advocacy", codename="decide_erasurerequest")
    return (User.objects.filter(is_active=True)
            .filter(Q(groups__permissions=permission) | Q(user_permissions=permission)).distinct())


def _tell_hr(erasure_id):
    """After the commit: tell HR that an erasure request waits, with its deadline (never fails the request)."""
    from django.urls import reverse

    try:
        erasure = ErasureRequest.objects.get(pk=erasure_id)
        url = settings.SITE_URL + reverse("admin:advocacy_erasurerequest_decide", args=[erasure.pk])
        for person in deciders().exclude(pk=erasure.employee_id).select_related("profile"):
            with translation.override(_language_of(person)):
                subject = _("An erasure request is waiting (answer by %(date)s)") % {
                    "date": timezone.localdate(erasure.due_by).isoformat()}
                body = render_to_string("advocacy/email/erasure_requested.txt", {
                    "erasure": erasure, "url": url, "due_by": timezone.localdate(erasure.due_by),
                    "company": settings.COMPANY_NAME})
            send_mail(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body, None, [person.email])
    except Exception:  # the request is recorded and listed in the admin either way
        logger.exception("could not tell HR about erasure request %s", erasure_id)


def erasure_preview(user):
    """What carrying out an erasure will do to this account, counted, for HR's decision page."""
    from guidelines.models import Acknowledgement
    from rewards.models import PointsEntry, Redemption

    return {
        "shares": Share.objects.filter(employee=user).count(),
        "tracked_links": TrackedLink.objects.filter(employee=user).count(),
        "points_entries": PointsEntry.objects.filter(employee=user).count(),
        "signatures": Acknowledgement.objects.filter(employee=user).count(),
        "open_redemptions": Redemption.objects.filter(
            employee=user, status__in=[Redemption.Status.REQUESTED, Redemption.Status.APPROVED]).count(),
        "roles": sorted(str(roles.LABELS.get(name, name)) for name in user.groups.values_list("name", flat=True)),
        "is_superuser": user.is_superuser,
        "signature_retention_days": settings.GUIDE_SIGNATURE_RETENTION_DAYS,
    }


# --- Retention --------------------------------------------------------------------------------------------

def purge_old_clicks(today=None, batch_size=CLICK_PURGE_BATCH):
    """Delete raw clicks older than CLICK_RETENTION_DAYS, in batches, only of days the KPI rollup has filled and
    that are not waiting to be filled again; their daily counts stay. Returns how many rows were deleted."""
    from metrics.models import StaleDay

    retention = settings.CLICK_RETENTION_DAYS
    filled_until = _last_rolled_up_day()
    if retention <= 0 or filled_until is None:
        return 0
    today = today or timezone.localdate()
    last_day = min(today - timedelta(days=retention + 1), filled_until)
    # The mark goes first: a day refilled from now on takes its clicks from its daily counts, not from raw rows.
    mark, _created = RetentionMark.objects.get_or_create(name=RetentionMark.CLICKS)
    if mark.purged_through is None or mark.purged_through < last_day:
        RetentionMark.objects.filter(pk=mark.pk).update(purged_through=last_day)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(Click.objects.filter(day__lte=last_day)
                       .exclude(day__in=StaleDay.objects.filter(day__lte=last_day).values("day"))
                       .order_by().values_list("id", flat=True)[:batch_size])
            if ids:
                deleted += Click.objects.filter(pk__in=ids).delete()[0]
        if len(ids) < batch_size:
            break
    RetentionMark.objects.filter(pk=mark.pk).update(
        last_run_at=timezone.now(), last_run_summary=f"{deleted} click(s) through {last_day} deleted")
    return deleted


def purge_expired_signatures(now=None):
    """Delete the guide signatures of erased employees once GUIDE_SIGNATURE_RETENTION_DAYS have passed since their
    erasure, and record it in the audit log. Returns how many."""
    from guidelines.models import Acknowledgement

    retention = settings.GUIDE_SIGNATURE_RETENTION_DAYS
    if retention <= 0:
        return 0
    now = now or timezone.now()
    erased = ErasureRequest.objects.filter(state=ErasureRequest.State.CARRIED_OUT,
                                           decided_at__lt=now - timedelta(days=retention)).values("employee_id")
    with transaction.atomic():
        expired = Acknowledgement.objects.filter(employee_id__in=erased)
        people = sorted(set(expired.values_list("employee_id", flat=True)))
        deleted = expired.delete_past_retention()
        if deleted:
            audit.record(audit.Action.RETENTION_PURGE, changes={
                "guide_signatures": deleted, "accounts": people, "retention_days": retention})
    return deleted


def purge_expired_sessions():
    """Expired sessions (Django keeps them until asked to clear them)."""
    from django.contrib.sessions.models import Session

    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
        return 0
    return Session.objects.filter(expire_date__lt=timezone.now()).delete()[0]


def purge_expired_data(now=None):
    """Every retention rule, as the nightly job runs them; returns what each deleted."""
    now = now or timezone.now()
    return {
        "clicks": purge_old_clicks(timezone.localdate(now)),
        "guide_signatures": purge_expired_signatures(now),
        "sessions": purge_expired_sessions(),
    }
