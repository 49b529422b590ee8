"""Daily counts rolled up from raw shares and clicks; reports read these, never the raw events."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from advocacy.networks import Network


class DailyStat(models.Model):
    day = models.DateField(_("day"))
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("advocacy.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    post = models.ForeignKey("content_library.Post", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey("content_library.Campaign", null=True, on_delete=models.SET_NULL, related_name="+")
    network = models.CharField(max_length=16, choices=Network.choices)
    shares = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    unique_clicks = models.PositiveIntegerField(default=0)
    potential_reach = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("daily statistic")
        verbose_name_plural = _("daily statistics")
        permissions = [("view_kpi_report", _("Can view the KPI reports"))]
        constraints = [
            models.UniqueConstraint(fields=["day", "employee", "post", "network"], name="one_stat_row_per_day"),
        ]
        indexes = [models.Index(fields=["day"], name="dailystat_day")]


class FillState(models.Model):
    """How far a rollup has been filled: every day up to `filled_until` is complete and final."""

    name = models.CharField(max_length=64, unique=True)
    filled_until = models.DateField(null=True)
    last_run_at = models.DateTimeField(null=True)
    last_run_summary = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"{self.name}: {self.filled_until}"
