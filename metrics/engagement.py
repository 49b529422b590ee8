"""Engagement (impressions, reactions, comments, reshares) of the posts employees published: recorded from the
networks' APIs, from a search for our tracked links, or from an analytics export comms uploads.

`record_engagement` is the one way figures get in: it keeps the history (a snapshot when a figure changed),
the latest figures, the points the engagement earns, and marks the share's day for the rollup to recompute.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from rewards.services import award_for_engagement

from .models import EngagementSnapshot, ShareEngagement
from .services import mark_stale

# Young posts move fast, old ones hardly at all: how often to ask, by the share's age. Past the window the
# figures are final and nobody asks again.
PULL_CADENCE = (
    (timedelta(days=2), timedelta(hours=1)),
    (timedelta(days=7), timedelta(hours=6)),
    (timedelta(days=30), timedelta(days=1)),
)
PULL_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class Figures:
    impressions: int | None
    reactions: int
    comments: int
    reshares: int

    @classmethod
    def of(cls, engagement):
        return cls(engagement.impressions, engagement.reactions, engagement.comments, engagement.reshares)


def next_pull_at(shared_at, pulled_at):
    """When to ask again about a share made at `shared_at`, last asked at `pulled_at`; None once its window
    is over (one last look is taken at the window's end)."""
    window_end = shared_at + PULL_WINDOW
    if pulled_at >= window_end:
        return None
    age = pulled_at - shared_at
    for age_limit, every in PULL_CADENCE:
        if age < age_limit:
            return min(pulled_at + every, window_end)
    return window_end


def _current(share):
    """The share's latest-figures row, locked; created (scheduled for a first pull) when missing."""
    try:
        with transaction.atomic():
            # Due at once: a share first measured by an import is still asked about by the puller.
            current, _created = ShareEngagement.objects.select_for_update().get_or_create(
                share=share, defaults={"next_pull_at": share.created_at})
    except IntegrityError:  # created by a concurrent writer between the get and the create
        current = ShareEngagement.objects.select_for_update().get(share=share)
    return current


def record_engagement(share, figures, source, *, fetched_at=None, analytics_import=None):
    """Keep what a network said about `share`'s post at `fetched_at`. Returns the new snapshot, or None when
    nothing changed (the same figures, or figures older than those already kept), so re-recording is a no-op.
    An unknown impressions count keeps the known one."""
    fetched_at = fetched_at or timezone.now()
    with transaction.atomic():
        current = _current(share)
        if current.measured_at and fetched_at < current.measured_at:
            return None
        impressions = figures.impressions if figures.impressions is not None else current.impressions
        new = Figures(impressions, figures.reactions, figures.comments, figures.reshares)
        old = Figures(current.impressions, current.reactions, current.comments, current.reshares)
        if current.measured_at is not None and new == old:
            return None
        snapshot = EngagementSnapshot.objects.create(
            share=share, fetched_at=fetched_at, source=source, analytics_import=analytics_import,
            impressions=new.impressions, reactions=new.reactions, comments=new.comments, reshares=new.reshares,
        )
        current.impressions, current.reactions = new.impressions, new.reactions
        current.comments, current.reshares = new.comments, new.reshares
        current.measured_at = fetched_at
        current.save(update_fields=["impressions", "reactions", "comments", "reshares", "measured_at"])
        mark_stale(timezone.localdate(share.created_at))
        award_for_engagement(share, snapshot)
    return snapshot
