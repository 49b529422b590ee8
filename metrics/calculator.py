"""The reach calculator (seed 004's, with our own numbers): how many people the program would reach in a
month at a target adoption rate, if participation, share frequency and audience stay as they are now.

    projected reach = active employees × target adoption × participation × shares per sharer × reach per share

The current figures are those of the last complete month's report.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from .selectors import Filters, Month, media_rates, period_figures


@dataclass
class ReachProjection:
    month: Month
    active_employees: int
    enrolled_advocates: int
    adoption_rate: float
    participation_rate: float
    shares: int
    sharers: int
    potential_reach: int
    target_adoption: float

    @property
    def shares_per_sharer(self):
        return self.shares / self.sharers if self.sharers else 0.0

    @property
    def reach_per_share(self):
        return self.potential_reach / self.shares if self.shares else 0.0

    @property
    def projected_advocates(self):
        return round(self.active_employees * self.target_adoption)

    @property
    def projected_reach(self):
        return round(self.active_employees * self.target_adoption * self.participation_rate
                     * self.shares_per_sharer * self.reach_per_share)

    @property
    def growth(self):
        """How many times the current month's reach the projection is (None without a current reach)."""
        return self.projected_reach / self.potential_reach if self.potential_reach else None


def reach_projection(target_adoption=None):
    """The projection at `target_adoption` (a fraction; default: twice today's adoption, at most 100 %)."""
    month = Month.containing(timezone.localdate()).previous()
    figures, _networks = period_figures(month, Filters(), media_rates())
    if target_adoption is None:
        target_adoption = min(1.0, figures["adoption_rate"] * 2) if figures["adoption_rate"] else 0.5
    return ReachProjection(
        month=month, active_employees=figures["active_employees"], enrolled_advocates=figures["enrolled_advocates"],
        adoption_rate=figures["adoption_rate"], participation_rate=figures["participation_rate"],
        shares=figures["shares"], sharers=figures["sharers"], potential_reach=figures["potential_reach"],
        target_adoption=float(Decimal(target_adoption)),
    )
