"""What else the monthly report reads: when it changes, cached reports are recomputed (see report_cache)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from rewards.models import EmployeeOfTheMonth, PointsEntry

from .models import NetworkRate, ProgramCost
from .report_cache import counts_changed, inputs_changed


@receiver([post_save, post_delete], sender=NetworkRate)
@receiver([post_save, post_delete], sender=ProgramCost)
@receiver([post_save, post_delete], sender=EmployeeOfTheMonth)
def report_inputs_changed(sender, **kwargs):
    inputs_changed()


@receiver(post_save, sender=PointsEntry)
def points_earned(sender, instance, created, **kwargs):
    """Top contributors and teams read the ledger: a new entry (an adjustment, a signature…) moves its month on.
    Click points are bulk-written by the rollup, which moves the day's month itself."""
    if created:
        counts_changed(timezone.localdate(instance.created_at))
