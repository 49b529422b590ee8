"""Writes to the points ledger. Every award names its source, and the database refuses a second payment."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum

from .models import PointsEntry


def award(employee, points, reason, source, earned_at, note=""):
    """Credit points for `source` once; a second call for the same source does nothing and returns None."""
    try:
        with transaction.atomic():
            return PointsEntry.objects.create(
                employee=employee,
                points=points,
                reason=reason,
                source_type=ContentType.objects.get_for_model(source),
                source_id=source.pk,
                note=note,
                created_at=earned_at,
            )
    except IntegrityError:
        return None


def award_for_share(share):
    return award(share.employee, settings.POINTS_RULES["share"], PointsEntry.Reason.SHARE, share, share.created_at)


def award_for_signature(acknowledgement):
    return award(
        acknowledgement.employee, settings.POINTS_RULES["guide_signed"], PointsEntry.Reason.GUIDE_SIGNED,
        acknowledgement, acknowledgement.signed_at,
    )


def award_for_unique_clicks(day):
    """Pay 1 point per unique human click of `day` on each employee's links, up to the cap per share.

    Idempotent: clicks already paid are skipped, and the database refuses a second payment anyway.
    """
    from advocacy.models import Click

    cap = settings.POINTS_RULES["unique_click_cap_per_share"]
    per_click = settings.POINTS_RULES["unique_click"]
    click_type = ContentType.objects.get_for_model(Click)
    clicks = list(
        Click.objects.filter(day=day, is_unique=True, is_bot=False)
        .values_list("id", "link_id", "link__employee_id", "clicked_at")
        .order_by("clicked_at", "id")
    )
    if not clicks:
        return 0
    paid_click_ids = PointsEntry.objects.filter(
        source_type=click_type, reason=PointsEntry.Reason.UNIQUE_CLICK
    ).values("source_id")
    # Click points already paid per link (= per share), whatever the day.
    paid_per_link = dict(
        Click.objects.filter(link_id__in={link_id for _, link_id, _, _ in clicks}, id__in=paid_click_ids)
        .values("link_id").annotate(n=Count("id")).values_list("link_id", "n")
    )
    already_paid = set(
        PointsEntry.objects.filter(source_type=click_type, source_id__in=[c[0] for c in clicks])
        .values_list("source_id", flat=True)
    )
    entries = []
    for click_id, link_id, employee_id, clicked_at in clicks:
        if click_id in already_paid or paid_per_link.get(link_id, 0) >= cap:
            continue
        paid_per_link[link_id] = paid_per_link.get(link_id, 0) + 1
        entries.append(PointsEntry(
            employee_id=employee_id, points=per_click, reason=PointsEntry.Reason.UNIQUE_CLICK,
            source_type=click_type, source_id=click_id, created_at=clicked_at,
        ))
    PointsEntry.objects.bulk_create(entries, ignore_conflicts=True)
    return len(entries)


def award_for_capsule(completion):
    """Passing a training capsule pays once per capsule (the completion is the source)."""
    return award(completion.employee, settings.POINTS_RULES["capsule_passed"], PointsEntry.Reason.CAPSULE_PASSED,
                  completion, completion.completed_at)


def award_for_engagement(share, snapshot):
    """Pay 1 point per reaction, comment and reshare on the employee's post, up to the cap per share.

    Each snapshot pays what the share earned since the last one, so the total paid for a share is
    min(engagements, cap) however many times its figures are pulled; figures going down take nothing back.
    """
    from metrics.models import EngagementSnapshot

    per_engagement = settings.POINTS_RULES["engagement"]
    cap = settings.POINTS_RULES["engagement_cap_per_share"]
    earned = min(snapshot.engagements, cap) * per_engagement
    snapshot_type = ContentType.objects.get_for_model(EngagementSnapshot)
    paid = PointsEntry.objects.filter(
        reason=PointsEntry.Reason.ENGAGEMENT, source_type=snapshot_type,
        source_id__in=EngagementSnapshot.objects.filter(share=share).values("id"),
    ).aggregate(total=Sum("points"))["total"] or 0
    if earned <= paid:
        return None
    return award(share.employee, earned - paid, PointsEntry.Reason.ENGAGEMENT, snapshot, snapshot.fetched_at)
