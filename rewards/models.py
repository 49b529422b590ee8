"""Points, leaderboards, badges, the rewards catalog, raffles and recognition.

The ledger is append-only: a balance is always the sum of its entries, and a source never pays twice.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.append_only import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet, AppendOnlyRule


class PointsRule(models.Model):
    """One of the points rules of DESIGN.md, editable by comms; a rule without a row has its default."""

    class Key(models.TextChoices):
        SHARE = "share", _("Sharing a post")
        UNIQUE_CLICK = "unique_click", _("A unique human click on a shared link")
        UNIQUE_CLICK_CAP = "unique_click_cap_per_share", _("Most clicks paid per share")
        ENGAGEMENT = "engagement", _("Each reaction, comment or reshare pulled")
        ENGAGEMENT_CAP = "engagement_cap_per_share", _("Most engagements paid per share")
        GUIDE_SIGNED = "guide_signed", _("Signing the current guide")
        CAPSULE_PASSED = "capsule_passed", _("Passing a training capsule")

    key = models.CharField(_("rule"), max_length=40, choices=Key.choices, unique=True)
    value = models.PositiveIntegerField(_("points (or, for a cap, a count)"))

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["key"]

    def __str__(self):
        return f"{self.get_key_display()}: {self.value}"


class AppendOnly(AppendOnlyError):
    """The points ledger is never edited nor deleted: a correction is a new entry."""


class PointsEntry(AppendOnlyModel):
    class Reason(models.TextChoices):
        SHARE = "share", _("Shared a post")
        UNIQUE_CLICK = "unique_click", _("A unique click on your link")
        GUIDE_SIGNED = "guide_signed", _("Signed the usage guide")
        CAPSULE_PASSED = "capsule_passed", _("Passed a training capsule")
        ENGAGEMENT = "engagement", _("Reactions, comments and reshares on your post")
        ADJUSTMENT = "adjustment", _("Adjustment")
        REDEMPTION = "redemption", _("Redeemed a reward")
        REFUND = "refund", _("Reward not granted: points returned")

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
    # Where the points count: the employee's team when earned, and the campaign of the post that earned them.
    team = models.ForeignKey("advocacy.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("team"))
    campaign = models.ForeignKey("content_library.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="points_entries", verbose_name=_("campaign"))
    multiplier = models.DecimalField(_("campaign multiplier"), max_digits=4, decimal_places=2, default=1)
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("adjusted by"))

    objects = AppendOnlyQuerySet.as_manager()
    append_only = AppendOnlyRule(AppendOnly, "Points entries cannot be edited; add an adjustment instead.",
                                 "Points entries cannot be deleted; add an adjustment instead.")

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A source (a share, a click, a signature, a redemption) never pays twice.
            models.UniqueConstraint(
                fields=["employee", "reason", "source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="points_paid_once_per_source",
            ),
            # Every entry but a hand adjustment names what earned (or spent) it; an adjustment says why.
            models.CheckConstraint(
                condition=Q(reason="adjustment", source_id__isnull=True) & ~Q(note="")
                | ~Q(reason="adjustment") & Q(source_id__isnull=False),
                name="points_entry_has_source_or_note",
            ),
        ]
        indexes = [
            models.Index(fields=["employee", "created_at"], name="points_employee_time"),
            models.Index(fields=["campaign", "employee"], name="points_campaign_employee",
                         condition=Q(campaign__isnull=False)),
            # "Was this click (this snapshot…) paid already?": the rollup asks it for every click of the day.
            models.Index(fields=["source_type", "source_id"], name="points_source"),
        ]

    def __str__(self):
        return f"{self.employee}: {self.points:+d} ({self.get_reason_display()})"



class LeaderboardAlias(models.Model):
    """The name an employee appears under on public leaderboards, if not their own."""

    employee = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE,
                                    related_name="leaderboard_alias", verbose_name=_("employee"))
    pseudonym = models.CharField(_("pseudonym"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("leaderboard pseudonym")
        verbose_name_plural = _("leaderboard pseudonyms")

    def __str__(self):
        return self.pseudonym


class Badge(models.TextChoices):
    FIRST_SHARE = "first_share", _("First share")
    SHARES_10 = "shares_10", _("10 shares")
    SHARES_50 = "shares_50", _("50 shares")
    SHARES_100 = "shares_100", _("100 shares")
    REACH_1000 = "reach_1000", _("1,000 potential reach")
    REACH_10000 = "reach_10000", _("10,000 potential reach")
    GUIDE_SIGNED = "guide_signed", _("Guide signed")
    CAPSULE_PASSED = "capsule_passed", _("Capsule passed")
    CAMPAIGN_TOP_3 = "campaign_top_3", _("Top 3 of a campaign")
    EMPLOYEE_OF_THE_MONTH = "employee_of_the_month", _("Employee of the month")


class BadgeAward(models.Model):
    """A badge earned. `occasion` tells repeatable badges apart (the campaign, the month); the constraint
    keeps each from being awarded twice."""

    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges",
                                 verbose_name=_("employee"))
    badge = models.CharField(_("badge"), max_length=32, choices=Badge.choices)
    occasion = models.CharField(_("occasion"), max_length=40, blank=True)
    campaign = models.ForeignKey("content_library.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("campaign"))
    awarded_at = models.DateTimeField(_("awarded at"), default=timezone.now)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["-awarded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "badge", "occasion"], name="badge_awarded_once"),
        ]

    def __str__(self):
        return f"{self.employee}: {self.get_badge_display()}"


class RewardItem(models.Model):
    class Kind(models.TextChoices):
        GIFT_CARD = "gift_card", _("Gift card")
        SWAG = "swag", _("Swag")
        DAY_OFF = "day_off", _("A day off")
        DONATION = "donation", _("A donation to a cause")
        EXPERIENCE = "experience", _("An experience")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    points_price = models.PositiveIntegerField(_("price in points"))
    # None: as many as asked for (a donation); a number is decreased by each redemption and never below 0.
    stock = models.PositiveIntegerField(_("stock"), null=True, blank=True, help_text=_("Empty: unlimited."))
    image = models.ImageField(_("image"), upload_to="rewards/", blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards catalog")
        ordering = ["points_price", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(points_price__gt=0), name="reward_price_positive"),
            models.CheckConstraint(condition=Q(stock__isnull=True) | Q(stock__gte=0), name="reward_stock_not_negative"),
        ]

    def __str__(self):
        return self.name


class Redemption(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected (points returned)")
        DELIVERED = "delivered", _("Delivered")

    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="redemptions",
                                 verbose_name=_("employee"))
    item = models.ForeignKey(RewardItem, on_delete=models.PROTECT, related_name="redemptions",
                             verbose_name=_("reward"))
    points = models.PositiveIntegerField(_("points spent"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "requested_at"], name="redemption_status_time")]

    def __str__(self):
        return f"{self.employee} · {self.item} ({self.get_status_display()})"


class Raffle(models.Model):
    """A verifiable draw among a campaign's participants: the SHA-256 of a secret seed is published while the
    campaign runs; at the draw the seed is revealed with the list of entrants, so anyone can recompute the
    winners (see docs/raffles.md)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DRAWN = "drawn", _("Drawn")

    campaign = models.ForeignKey("content_library.Campaign", on_delete=models.PROTECT, related_name="raffles",
                                 verbose_name=_("campaign"))
    title = models.CharField(_("title"), max_length=120)
    prize = models.CharField(_("prize"), max_length=200)
    winners = models.PositiveSmallIntegerField(_("number of winners"), default=1)
    ticket_per_share = models.BooleanField(_("one ticket per share"), default=False,
                                           help_text=_("Off: one ticket per participant."))
    seed_sha256 = models.CharField(_("SHA-256 of the seed"), max_length=64, editable=False)
    seed = models.CharField(_("seed"), max_length=64, blank=True, editable=False)
    # Until the draw the seed is kept sealed (XOR with an HMAC of SECRET_KEY; see rewards.raffles), never in clear.
    sealed_seed = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("published at"), default=timezone.now)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("drawn by"))
    # Published at the draw: the tickets in order ([{"entrant": code, "name": shown name, "tickets": n}]) and
    # the winners' codes, as the method of docs/raffles.md computed them.
    entrants = models.JSONField(_("entrants"), default=list, blank=True, editable=False)
    winner_codes = models.JSONField(_("winners"), default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("raffle")
        verbose_name_plural = _("raffles")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(winners__gte=1), name="raffle_has_a_winner"),
            models.CheckConstraint(condition=Q(status="open", seed="") | Q(status="drawn") & ~Q(seed=""),
                                   name="raffle_seed_revealed_only_when_drawn"),
        ]

    def __str__(self):
        return self.title


class RaffleWinner(models.Model):
    raffle = models.ForeignKey(Raffle, on_delete=models.CASCADE, related_name="winner_rows")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["raffle", "position"]
        constraints = [
            models.UniqueConstraint(fields=["raffle", "position"], name="one_winner_per_position"),
            models.UniqueConstraint(fields=["raffle", "employee"], name="a_person_wins_a_raffle_once"),
        ]


class EmployeeOfTheMonth(models.Model):
    """Recognition named by comms, suggested from the month's top contributors."""

    month = models.DateField(_("month"), unique=True, help_text=_("Any day of the month; the first is stored."))
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recognitions",
                                 verbose_name=_("employee"))
    citation = models.CharField(_("why"), max_length=300)
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("named by"))
    named_at = models.DateTimeField(_("named at"), default=timezone.now)

    class Meta:
        verbose_name = _("employee of the month")
        verbose_name_plural = _("employees of the month")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m}: {self.employee}"

    def save(self, *args, **kwargs):
        self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)
