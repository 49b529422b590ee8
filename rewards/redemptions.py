"""Redeeming rewards, and comms' or HR's decisions on a redemption.

Redeeming debits the points at once; a rejection returns them (and the unit of stock). Each action is one
transaction that locks what it reads: the employee's row (one writer per balance, so two parallel
redemptions cannot both spend the same points), the reward (so its stock never oversells) and the
redemption (so two decisions cannot both apply). The ledger's unique constraint pays a refund only once.

A redemption moves requested → approved | rejected, and approved → delivered | rejected; nothing else.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy import audit

from .models import PointsEntry, Redemption, RewardItem
from .services import _team_id, balance

DECIDE_PERMISSION = "rewards.change_redemption"
AUDITED = {Redemption.Status.APPROVED: audit.Action.REDEMPTION_APPROVED,
           Redemption.Status.REJECTED: audit.Action.REDEMPTION_REJECTED,
           Redemption.Status.DELIVERED: audit.Action.REDEMPTION_DELIVERED}
NOTE_MAX_LENGTH = Redemption._meta.get_field("note").max_length


def redeem(employee, item_id):
    """Spend the employee's points on a reward: the redemption is recorded as requested, the points are
    debited and a unit of stock is taken. Raises ValidationError when the reward is gone or no longer
    offered, out of stock, or the balance is short; nothing is written then."""
    try:
        item_id = int(item_id)
    except (TypeError, ValueError):
        raise ValidationError(_("This reward is no longer offered."), code="unavailable") from None
    with transaction.atomic():
        # One writer per balance: the second of two parallel redemptions waits here, then sees the first's debit.
        get_user_model().objects.select_for_update().filter(pk=employee.pk).first()
        item = RewardItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None or not item.is_active:
            raise ValidationError(_("This reward is no longer offered."), code="unavailable")
        if item.stock is not None and item.stock <= 0:
            raise _out_of_stock(item)
        available = balance(employee)
        if available < item.points_price:
            raise ValidationError(
                _("“%(item)s” costs %(price)s points and your balance is %(balance)s points.")
                % {"item": item.name, "price": item.points_price, "balance": available},
                code="insufficient_points",
            )
        # The conditional UPDATE is the last word on stock, even if the lock above were ever dropped.
        if item.stock is not None and not RewardItem.objects.filter(pk=item.pk, stock__gt=0).update(
                stock=F("stock") - 1):
            raise _out_of_stock(item)
        now = timezone.now()
        redemption = Redemption.objects.create(employee=employee, item=item, points=item.points_price,
                                               requested_at=now)
        _ledger_entry(redemption, -redemption.points, PointsEntry.Reason.REDEMPTION, now)
    return redemption


def approve(redemption, by):
    """Comms or HR accept a requested redemption; the reward is then to be delivered."""
    def apply(current, now):
        current.status = Redemption.Status.APPROVED
        current.decided_by, current.decided_at = by, now
        current.save(update_fields=["status", "decided_by", "decided_at"])

    return _decide(redemption, by, [Redemption.Status.REQUESTED], apply,
                   _("Only a requested redemption can be approved; this one is “%(status)s”."))


def reject(redemption, by, note):
    """Comms or HR turn down a requested or approved redemption, saying why: the points are returned and the
    unit of stock is put back."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say why the redemption is rejected: the employee reads it."), code="note_required")

    def apply(current, now):
        current.status = Redemption.Status.REJECTED
        current.decided_by, current.decided_at, current.note = by, now, note[:NOTE_MAX_LENGTH]
        current.save(update_fields=["status", "decided_by", "decided_at", "note"])
        RewardItem.objects.filter(pk=current.item_id, stock__isnull=False).update(stock=F("stock") + 1)
        _ledger_entry(current, current.points, PointsEntry.Reason.REFUND, now)

    try:
        return _decide(redemption, by, [Redemption.Status.REQUESTED, Redemption.Status.APPROVED], apply,
                       _("Only a requested or approved redemption can be rejected; this one is “%(status)s”."))
    except IntegrityError:
        # The ledger already holds this redemption's refund: the whole rejection was rolled back.
        raise ValidationError(_("The points of this redemption were already returned."),
                              code="already_refunded") from None


def mark_delivered(redemption, by):
    """Comms or HR record that the employee received an approved reward."""
    def apply(current, now):
        current.status = Redemption.Status.DELIVERED
        current.delivered_at = now
        current.save(update_fields=["status", "delivered_at"])

    return _decide(redemption, by, [Redemption.Status.APPROVED], apply,
                   _("Only an approved redemption can be marked delivered; this one is “%(status)s”."))


def _decide(redemption, by, allowed_from, apply, refusal):
    if by is None or not by.has_perm(DECIDE_PERMISSION):
        raise PermissionDenied(_("Only communications or HR decide on redemptions."))
    with transaction.atomic():
        current = Redemption.objects.select_for_update().get(pk=redemption.pk)
        if current.status not in allowed_from:
            raise ValidationError(refusal % {"status": current.get_status_display()}, code="illegal_transition")
        previous = current.status
        apply(current, timezone.now())
        audit.record(AUDITED[current.status], current, actor=by, text=f"{current.item.name} (#{current.pk})",
                     changes={"from": previous, "to": current.status, "employee": current.employee_id})
    for field in ("status", "decided_by_id", "decided_at", "delivered_at", "note"):
        setattr(redemption, field, getattr(current, field))
    return current


def _ledger_entry(redemption, points, reason, moment):
    return PointsEntry.objects.create(
        employee_id=redemption.employee_id, points=points, reason=reason,
        source_type=ContentType.objects.get_for_model(Redemption), source_id=redemption.pk,
        created_at=moment, team_id=_team_id(redemption.employee),
    )


def _out_of_stock(item):
    return ValidationError(_("“%(item)s” is out of stock.") % {"item": item.name}, code="out_of_stock")
