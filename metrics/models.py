"""Daily counts rolled up from raw events, the engagement pulled from the networks, and what the report needs
besides (media value rates, the program's cost, when each job ran). Reports read the counts, never the raw
events."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
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
    # Engagement as last pulled, counted on the day of the share it belongs to.
    impressions = models.PositiveBigIntegerField(default=0)
    reactions = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    reshares = models.PositiveBigIntegerField(default=0)
    # The engagement rate's denominator: per share, its impressions where known, else its potential reach.
    engagement_base = models.PositiveBigIntegerField(default=0)
    # Shares whose final text carries their campaign's hashtag.
    hashtag_mentions = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily statistic")
        verbose_name_plural = _("daily statistics")
        permissions = [
            ("view_kpi_report", _("Can view the KPI reports")),
            ("view_all_teams_report", _("Can read the KPI report of every team")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["day", "employee", "post", "network"], name="one_stat_row_per_day"),
        ]
        indexes = [models.Index(fields=["day"], name="dailystat_day")]


# The report reads the totals below, filled from DailyStat and the points ledger in the same transaction as the
# day's DailyStat rows (metrics.services), so that a month's report reads a few thousand rows instead of every row
# of the month and every ledger entry. DailyStat stays the counts' finest grain and what they are summed from.
# Their rows are only ever looked up by day or month (and employee): their foreign keys have no index of their
# own, which keeps the rollup's writes light; deleting a team, a campaign or a post scans them instead.
# Nor do they carry a foreign-key constraint: PostgreSQL checks Django's (deferred) constraints at COMMIT, a check
# per key of each row written, which was a third of a day's rollup; the rows are rebuilt, in the same transaction,
# from DailyStat and the ledger, whose constraints hold, and deleting a team, campaign, post or person is still
# followed by Django (`on_delete`).

class SummaryCounts(models.Model):
    """The counts of DailyStat summed over employees and posts, per team, campaign and network."""

    team = models.ForeignKey("advocacy.Team", null=True, on_delete=models.SET_NULL, related_name="+",
                             db_index=False, db_constraint=False)
    campaign = models.ForeignKey("content_library.Campaign", null=True, on_delete=models.SET_NULL,
                                 related_name="+", db_index=False, db_constraint=False)
    network = models.CharField(max_length=16, choices=Network.choices)
    shares = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    unique_clicks = models.PositiveIntegerField(default=0)
    potential_reach = models.PositiveBigIntegerField(default=0)
    impressions = models.PositiveBigIntegerField(default=0)
    reactions = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    reshares = models.PositiveBigIntegerField(default=0)
    engagement_base = models.PositiveBigIntegerField(default=0)
    hashtag_mentions = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DailySummary(SummaryCounts):
    """DailyStat summed over employees and posts: a day's counts per team, campaign and network. The report's
    shares and clicks per day read it, and MonthlySummary is summed from it."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("daily summary")
        verbose_name_plural = _("daily summaries")
        indexes = [models.Index(fields=["day"], name="dailysummary_day")]


class MonthlySummary(SummaryCounts):
    """DailySummary summed over a month's days: the month's counts per team, campaign and network. The report's
    figures (this month's and the last), networks, hashtags and top teams' activity read it."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))

    class Meta:
        verbose_name = _("monthly summary")
        verbose_name_plural = _("monthly summaries")
        indexes = [models.Index(fields=["month"], name="monthlysummary_month")]


class MonthCounts(models.Model):
    """The counts kept per month: by MonthlyStat, and summed further by MonthlyPostStat and MonthlyEmployeeStat."""

    shares = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    reactions = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    reshares = models.PositiveBigIntegerField(default=0)

    class Meta:
        abstract = True


class MonthlyStat(MonthCounts):
    """DailyStat summed over a month's days: per employee, post, network, team and campaign, the counts that the
    report's sharers, top content, traffic by domain and top contributors' activity read."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 db_index=False, db_constraint=False)
    team = models.ForeignKey("advocacy.Team", null=True, on_delete=models.SET_NULL, related_name="+",
                             db_index=False, db_constraint=False)
    post = models.ForeignKey("content_library.Post", on_delete=models.CASCADE, related_name="+", db_index=False,
                             db_constraint=False)
    campaign = models.ForeignKey("content_library.Campaign", null=True, on_delete=models.SET_NULL,
                                 related_name="+", db_index=False, db_constraint=False)
    network = models.CharField(max_length=16, choices=Network.choices)

    class Meta:
        verbose_name = _("monthly statistic")
        verbose_name_plural = _("monthly statistics")
        indexes = [
            models.Index(fields=["month", "employee"], name="monthlystat_month_employee"),
            # The month's sharers, and its top content, read from the index alone (index-only scans), with the
            # columns the report's team, campaign and network filters need.
            models.Index(fields=["month", "employee", "team", "campaign", "network"], condition=Q(shares__gt=0),
                         name="monthlystat_month_sharers"),
            models.Index(fields=["month", "post", "team", "campaign", "network", "clicks", "shares", "reactions",
                                 "comments", "reshares"], name="monthlystat_month_post"),
        ]


class MonthlyPostStat(MonthCounts):
    """MonthlyStat summed over employees, networks, teams and campaigns: a post's month, company-wide. The company's
    report (no filter) reads its top content and traffic by domain from it: a row per post shared or clicked in the
    month, instead of one per share."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    post = models.ForeignKey("content_library.Post", on_delete=models.CASCADE, related_name="+", db_index=False,
                             db_constraint=False)

    class Meta:
        verbose_name = _("monthly post statistic")
        verbose_name_plural = _("monthly post statistics")
        constraints = [models.UniqueConstraint(fields=["month", "post"], name="one_post_row_per_month")]


class MonthlyEmployeeStat(MonthCounts):
    """MonthlyStat summed over posts, networks, teams and campaigns: what an employee did in a month. The company's
    report (no filter) counts its sharers from it: at most a row per employee, instead of one per share."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 db_index=False, db_constraint=False)

    class Meta:
        verbose_name = _("monthly employee statistic")
        verbose_name_plural = _("monthly employee statistics")
        constraints = [models.UniqueConstraint(fields=["month", "employee"], name="one_employee_row_per_month")]
        # The month's sharers, from the index alone.
        indexes = [models.Index(fields=["month", "employee"], condition=Q(shares__gt=0),
                                name="monthlyemployeestat_sharers")]


class DailyPoints(models.Model):
    """The points an employee earned on a day (company time): the sum of their ledger entries that count as earning
    (spending on rewards, and refunds, do not). What MonthlyPoints is summed from."""

    day = models.DateField(_("day"))
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 db_index=False, db_constraint=False)
    points = models.IntegerField(_("points"))

    class Meta:
        verbose_name = _("points earned in a day")
        verbose_name_plural = _("points earned per day")
        constraints = [models.UniqueConstraint(fields=["day", "employee"], name="one_points_row_per_day_employee")]


class MonthlyPoints(models.Model):
    """DailyPoints summed over a month's days: the points an employee earned in the month. Top contributors and top
    teams rank by it."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 db_index=False, db_constraint=False)
    points = models.IntegerField(_("points"))

    class Meta:
        verbose_name = _("points earned in a month")
        verbose_name_plural = _("points earned per month")
        constraints = [
            models.UniqueConstraint(fields=["month", "employee"], name="one_points_row_per_month_employee"),
        ]


class FillState(models.Model):
    """How far a rollup has been filled: every day up to `filled_until` is complete and final."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    filled_until = models.DateField(_("complete until"), null=True)
    last_run_at = models.DateTimeField(_("last run at"), null=True)
    last_run_summary = models.CharField(_("what it did"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self):
        return f"{self.name}: {self.filled_until}"


class StaleDay(models.Model):
    """A day already filled whose counts changed since (new engagement for its shares, points entered in the ledger
    for it): the next rollup run recomputes it."""

    day = models.DateField(unique=True)
    marked_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return str(self.day)


class AnalyticsImport(models.Model):
    """A network's analytics export uploaded by comms. The file's fingerprint makes a second upload a no-op."""

    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_matched = models.PositiveIntegerField(_("rows matching a share"), default=0)
    snapshots_created = models.PositiveIntegerField(_("figures changed"), default=0)

    class Meta:
        verbose_name = _("analytics import")
        verbose_name_plural = _("analytics imports")
        ordering = ["-uploaded_at"]
        constraints = [models.UniqueConstraint(fields=["network", "sha256"], name="one_import_per_file")]

    def __str__(self):
        return f"{self.get_network_display()}: {self.file_name}"


class EngagementSnapshot(models.Model):
    """What a network said about one share's post at one moment. Append-only history; a snapshot is written
    only when a figure changed."""

    class Source(models.TextChoices):
        API = "api", _("Network API")
        SEARCH = "search", _("Found by searching for the tracked link")
        IMPORT = "import", _("Analytics export")

    share = models.ForeignKey(
        "advocacy.Share", on_delete=models.CASCADE, related_name="engagement_snapshots", verbose_name=_("share")
    )
    fetched_at = models.DateTimeField(_("fetched at"), default=timezone.now)
    impressions = models.PositiveBigIntegerField(_("impressions"), null=True, blank=True)
    reactions = models.PositiveIntegerField(_("reactions"), default=0)
    comments = models.PositiveIntegerField(_("comments"), default=0)
    reshares = models.PositiveIntegerField(_("reshares"), default=0)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    analytics_import = models.ForeignKey(
        AnalyticsImport, null=True, blank=True, on_delete=models.PROTECT, related_name="snapshots",
        verbose_name=_("analytics import"),
    )

    class Meta:
        verbose_name = _("engagement snapshot")
        verbose_name_plural = _("engagement snapshots")
        ordering = ["-fetched_at", "-id"]
        indexes = [models.Index(fields=["share", "-fetched_at"], name="snapshot_share_latest")]

    @property
    def engagements(self):
        return self.reactions + self.comments + self.reshares


class ShareEngagement(models.Model):
    """A share's latest engagement figures, and when the puller should next ask the network about them."""

    share = models.OneToOneField(
        "advocacy.Share", primary_key=True, on_delete=models.CASCADE, related_name="engagement",
        verbose_name=_("share"),
    )
    impressions = models.PositiveBigIntegerField(_("impressions"), null=True, blank=True)
    reactions = models.PositiveIntegerField(_("reactions"), default=0)
    comments = models.PositiveIntegerField(_("comments"), default=0)
    reshares = models.PositiveIntegerField(_("reshares"), default=0)
    measured_at = models.DateTimeField(_("measured at"), null=True, blank=True)
    # None: not (or no longer) pulled, because the share is too old or the network cannot tell.
    next_pull_at = models.DateTimeField(_("next pull at"), null=True, blank=True)
    last_pulled_at = models.DateTimeField(_("last pulled at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0)

    class Meta:
        verbose_name = _("share engagement")
        verbose_name_plural = _("share engagement")
        indexes = [
            models.Index(fields=["next_pull_at"], name="engagement_due", condition=Q(next_pull_at__isnull=False)),
        ]

    @property
    def engagements(self):
        return self.reactions + self.comments + self.reshares


class NetworkRate(models.Model):
    """What a thousand impressions and a click are worth on a network, for the earned media value."""

    network = models.CharField(_("network"), max_length=16, choices=Network.choices, unique=True)
    cpm = models.DecimalField(_("CPM (per 1,000 impressions)"), max_digits=10, decimal_places=2, default=0)
    cpc = models.DecimalField(_("CPC (per click)"), max_digits=10, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("media value rate")
        verbose_name_plural = _("media value rates")
        ordering = ["network"]
        constraints = [
            models.CheckConstraint(condition=Q(cpm__gte=0) & Q(cpc__gte=0), name="media_rates_not_negative"),
        ]

    def __str__(self):
        return self.get_network_display()


class ProgramCost(models.Model):
    """What the program cost in a month (licences, rewards, people's time), for its return on investment."""

    month = models.DateField(_("month"), unique=True, help_text=_("Any day of the month; the first is stored."))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("program cost")
        verbose_name_plural = _("program costs")
        ordering = ["-month"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="program_cost_not_negative")]

    def __str__(self):
        return f"{self.month:%Y-%m}: {self.amount}"

    def save(self, *args, **kwargs):
        self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)


class JobRun(models.Model):
    """One run of a background job: when it started and ended, and what it did or why it failed."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        RETRYING = "retrying", _("Will retry")
        FAILED = "failed", _("Failed")

    job = models.CharField(_("job"), max_length=120)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.RUNNING)
    summary = models.CharField(_("what it did"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "-started_at"], name="jobrun_job_latest")]

    def __str__(self):
        return f"{self.job} @ {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None


class ReportDelivery(models.Model):
    """A monthly report e-mailed to one manager; the constraint keeps a retried job from sending it twice."""

    month = models.DateField(_("month"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")
        ordering = ["-month", "recipient_id"]
        constraints = [models.UniqueConstraint(fields=["month", "recipient"], name="one_report_per_month_recipient")]
