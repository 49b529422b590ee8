"""The rewards catalog: what an employee can redeem, their balance, and how their redemptions are doing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import redemptions
from .models import Redemption, RewardItem
from .selectors import balance

MY_REDEMPTIONS_SHOWN = 50
# Shown on a reward's card when it has no image (Bootstrap Icons names).
KIND_ICONS = {
    RewardItem.Kind.GIFT_CARD: "credit-card-2-front",
    RewardItem.Kind.SWAG: "bag-heart",
    RewardItem.Kind.DAY_OFF: "calendar-heart",
    RewardItem.Kind.DONATION: "balloon-heart",
    RewardItem.Kind.EXPERIENCE: "ticket-perforated",
    RewardItem.Kind.OTHER: "gift",
}
STATUS_STYLES = {
    Redemption.Status.REQUESTED: ("hourglass-split", "text-bg-warning"),
    Redemption.Status.APPROVED: ("check2-circle", "text-bg-primary"),
    Redemption.Status.DELIVERED: ("box-seam", "text-bg-success"),
    Redemption.Status.REJECTED: ("x-circle", "text-bg-secondary"),
}


@login_required
@require_safe
def catalog(request):
    """The offered rewards as cards, each saying whether I can redeem it and why not; my redemptions below."""
    points = balance(request.user)
    items = list(RewardItem.objects.filter(is_active=True))
    for item in items:
        item.out_of_stock = item.stock is not None and item.stock <= 0
        item.points_missing = max(item.points_price - points, 0)
        item.icon = KIND_ICONS.get(item.kind, "gift")
    mine = list(Redemption.objects.filter(employee=request.user).select_related("item")[:MY_REDEMPTIONS_SHOWN])
    for redemption in mine:
        redemption.icon, redemption.badge = STATUS_STYLES[redemption.status]
    return render(request, "rewards/catalog.html", {
        "balance": points, "items": items, "my_redemptions": mine, "shown_limit": MY_REDEMPTIONS_SHOWN,
    })


@require_POST
@login_required
def redeem(request, item_id):
    """Spend my points on a reward; the answer comes back as a message on the catalog."""
    item = get_object_or_404(RewardItem, pk=item_id)
    try:
        redemption = redemptions.redeem(request.user, item.pk)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect(reverse("rewards_catalog") + f"#reward-{item.pk}")
    messages.success(request, _("You redeemed “%(item)s” for %(points)s points. Communications or HR will confirm "
                                "it; follow it under “My redemptions”.") % {"item": item.name,
                                                                              "points": redemption.points})
    return redirect(reverse("rewards_catalog") + f"#redemption-{redemption.pk}")
