from django.db.models import Sum

from .models import PointsEntry


def balance(employee):
    """A balance is always the sum of the ledger."""
    return PointsEntry.objects.filter(employee=employee).aggregate(total=Sum("points"))["total"] or 0

