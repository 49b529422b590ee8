"""What else the monthly report reads: when it changes, cached reports are recomputed (see report_cache), and
points entered in the ledger for a past day have that day rolled up again."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from rewards.models import EmployeeOfTheMonth, PointsEntry

from .models import NetworkRate, ProgramCost
from .report_cache import inputs_changed
from .services import points_entered


@receiver([post_save, post_delete], sender=NetworkRate)
@receiver([post_save, post_delete], sender=ProgramCost)
@receiver([post_save, post_delete], sender=EmployeeOfTheMonth)
def report_inputs_changed(sender, **kwargs):
    inputs_changed()


@receiver(post_save, sender=PointsEntry)
def points_earned(sender, instance, created, **kwargs):
    """Top contributors and teams read the points rollup (MonthlyPoints), which the next rollup run brings up to
    date: today's entries with today, an entry for an earlier day (an engagement pulled with an earlier date, a
    signature or a training capsule dated back) by marking that day stale. Click points are bulk-written by the
    rollup itself, in the transaction that counts them."""
    if created:
        points_entered(instance)
