"""The leaderboard page: people and teams for a period, the viewer's own rank, and how points are earned."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from . import leaderboards
from .services import rules

PERIOD_CHOICES = [
    ("week", _("This week")),
    ("month", _("This month")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
    ("all", _("All time")),
]


@login_required
def leaderboard(request):
    period = request.GET.get("period", leaderboards.DEFAULT_PERIOD)
    if period not in leaderboards.PERIODS:
        raise Http404("No such period.")
    return render(request, "rewards/leaderboard.html", {
        "board": leaderboards.boards(request.user, period),
        "periods": PERIOD_CHOICES,
        "rules": rules(),
    })
