"""What else the monthly report reads: when it changes, cached reports are recomputed (see report_cache)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from rewards.models import EmployeeOfTheMonth

from .models import NetworkRate, ProgramCost
from .report_cache import inputs_changed


@receiver([post_save, post_delete], sender=NetworkRate)
@receiver([post_save, post_delete], sender=ProgramCost)
@receiver([post_save, post_delete], sender=EmployeeOfTheMonth)
def report_inputs_changed(sender, **kwargs):
    inputs_changed()
