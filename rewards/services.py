"""Writes to the points ledger. Every award names its source, and the database refuses a second payment."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

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
    """Pay 1 point per unique human click of `day` on each employee's links, up to the cap per share."""
    from advocacy.models import Click

    cap = settings.POINTS_RULES["unique_click_cap_per_share"]
    per_click = settings.POINTS_RULES["unique_click"]
    click_type = ContentType.objects.get_for_model(Click)
    clicks = (
        Click.objects.filter(day=day, is_unique=True, is_bot=False)
        .select_related("link__employee")
        .order_by("clicked_at", "id")
    )
    link_ids = {click.link_id for click in clicks}
    if not link_ids:
        return 0
    # Click points already paid per link (= per share), whatever the day.
    paid = dict(
        Click.objects.filter(link_id__in=link_ids)
        .values("link_id")
        .annotate(
            n=Count(
                "id",
                filter=Q(id__in=PointsEntry.objects.filter(
                    source_type=click_type, reason=PointsEntry.Reason.UNIQUE_CLICK
                ).values("source_id")),
            )
        )
        .values_list("link_id", "n")
    )
    awarded = 0
    for click in clicks:
        if paid.get(click.link_id, 0) >= cap:
            continue
        entry = award(click.link.employee, per_click, PointsEntry.Reason.UNIQUE_CLICK, click, click.clicked_at)
        if entry is not None:
            paid[click.link_id] = paid.get(click.link_id, 0) + 1
            awarded += 1
    return awarded
