"""The points ledger: append-only; a balance is always the sum of its entries."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PointsEntry(models.Model):
    class Reason(models.TextChoices):
        SHARE = "share", _("Shared a post")
        UNIQUE_CLICK = "unique_click", _("A unique click on your link")
        GUIDE_SIGNED = "guide_signed", _("Signed the usage guide")
        CAPSULE_PASSED = "capsule_passed", _("Passed a training capsule")
        ENGAGEMENT = "engagement", _("Reactions, comments and reshares on your post")
        ADJUSTMENT = "adjustment", _("Adjustment")

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="points_entries", verbose_name=_("employee")
    )
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=32, choices=Reason.choices)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("earned at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A source (a share, a click, a signature) never pays twice.
            models.UniqueConstraint(
                fields=["employee", "reason", "source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="points_paid_once_per_source",
            ),
        ]
        indexes = [models.Index(fields=["employee", "created_at"], name="points_employee_time")]

    def __str__(self):
        return f"{self.employee}: {self.points:+d} ({self.get_reason_display()})"
