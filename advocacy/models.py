"""Employees, teams, roles, shares, tracked links and clicks."""

import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .append_only import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet, AppendOnlyRule
from .networks import Network


class UserManager(BaseUserManager):
    """Users log in with their e-mail address; there are no usernames."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self):
        return self.get_full_name() or self.email.split("@")[0]


class Team(models.Model):
    """A node of the company's team tree; reports for a team include its sub-teams."""

    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent team"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("managers"), blank=True, related_name="managed_teams"
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="team_name_unique_under_parent"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="team_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.pk and self.parent_id and self.parent_id in Team.subtree_ids([self.pk]):
            raise ValidationError({"parent": _("A team cannot sit under itself or one of its sub-teams.")})

    @staticmethod
    def subtree_ids(team_ids):
        """The given teams and all their sub-teams, in one query however deep the tree."""
        children = {}
        for team_id, parent_id in Team.objects.values_list("id", "parent_id"):
            children.setdefault(parent_id, []).append(team_id)
        found, pending = set(), list(team_ids)
        while pending:
            current = pending.pop()
            if current in found:
                continue
            found.add(current)
            pending.extend(children.get(current, []))
        return found


class EmployeeProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("user")
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    opted_in_at = models.DateTimeField(_("joined the program at"), null=True, blank=True)
    opted_out_at = models.DateTimeField(_("left the program at"), null=True, blank=True)
    # The weekly e-mail of new posts: on for members until they unsubscribe (one click from the e-mail).
    digest_unsubscribed_at = models.DateTimeField(_("unsubscribed from the digest at"), null=True, blank=True)
    # When the employee last opened their feed: posts published since are marked "new".
    feed_seen_at = models.DateTimeField(_("feed last seen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("employee profile")
        verbose_name_plural = _("employee profiles")

    def __str__(self):
        return str(self.user)

    @property
    def is_advocate(self):
        """Opted in and not left since."""
        return self.opted_in_at is not None and (
            self.opted_out_at is None or self.opted_out_at < self.opted_in_at
        )

    def followers_on(self, network):
        audience = next((a for a in self.user.audiences.all() if a.network == network), None)
        return audience.followers if audience else 0


class NetworkAudience(models.Model):
    """How many followers (or connections) an employee has on a network, and since when we know it."""

    class Source(models.TextChoices):
        TYPED = "typed", _("Typed in by the employee")
        CONNECTED = "connected", _("From a connected account")

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audiences", verbose_name=_("employee")
    )
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    followers = models.PositiveIntegerField(_("followers"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.TYPED)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("follower count")
        verbose_name_plural = _("follower counts")
        constraints = [
            models.UniqueConstraint(fields=["employee", "network"], name="one_audience_per_network"),
        ]

    def __str__(self):
        return f"{self.employee} · {self.get_network_display()}: {self.followers}"


def new_invitation_token():
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """Lets someone outside the company's e-mail domains sign up with one given address."""

    email = models.EmailField(_("email address"))
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class Share(models.Model):
    """One employee sharing one post on one network."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shares", verbose_name=_("employee")
    )
    post = models.ForeignKey(
        "content_library.Post", on_delete=models.PROTECT, related_name="shares", verbose_name=_("post")
    )
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    # The employee's team when sharing, so team reports stay true after a move.
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL)
    text = models.TextField(_("text shared"), blank=True)
    potential_reach = models.PositiveIntegerField(_("potential reach"), default=0)
    created_at = models.DateTimeField(_("shared at"), default=timezone.now, db_index=True)
    # "I posted it": where the employee published it, and the network's id of that post (for the puller).
    published_url = models.URLField(_("URL of the published post"), max_length=500, blank=True)
    published_post_id = models.CharField(_("network's post id"), max_length=120, blank=True)
    published_at = models.DateTimeField(_("link pasted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "post", "network"], name="one_share_per_post_network"),
            # One published post can only be claimed by one share, so its engagement is counted once.
            models.UniqueConstraint(
                fields=["network", "published_post_id"], condition=~Q(published_post_id=""),
                name="one_share_per_published_post",
            ),
        ]

    def __str__(self):
        return f"{self.employee} → {self.post} ({self.get_network_display()})"


CODE_ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 10


def new_link_code():
    """10 characters from 62: about 59 bits from `secrets`, so codes cannot be guessed or walked."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class TrackedLink(models.Model):
    """The short link unique to (employee, post, network) that counts clicks before redirecting."""

    code = models.CharField(_("code"), max_length=16, unique=True, default=new_link_code, editable=False)
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tracked_links", verbose_name=_("employee")
    )
    post = models.ForeignKey(
        "content_library.Post", on_delete=models.PROTECT, related_name="tracked_links", verbose_name=_("post")
    )
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    destination = models.URLField(_("destination"), max_length=2000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("tracked link")
        verbose_name_plural = _("tracked links")
        constraints = [
            models.UniqueConstraint(fields=["employee", "post", "network"], name="one_link_per_post_network"),
        ]

    def __str__(self):
        return self.code

    @property
    def short_url(self):
        return f"{settings.SITE_URL}/s/{self.code}"


class Click(models.Model):
    """One request to a tracked link. Raw IPs are never stored: only a keyed hash that rotates daily."""

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="clicks", verbose_name=_("link"))
    # Not indexed: every click writes this table, and reads go by `day` (indexed) or by link.
    clicked_at = models.DateTimeField(_("clicked at"), default=timezone.now)
    day = models.DateField(_("day"))
    visitor_key = models.CharField(_("visitor key"), max_length=64)
    referrer_domain = models.CharField(_("referrer domain"), max_length=255, blank=True)
    is_bot = models.BooleanField(_("bot or preview"), default=False)
    # The visitor's first human click on this link that day: what "unique clicks" counts.
    is_unique = models.BooleanField(_("unique"), default=False)

    class Meta:
        verbose_name = _("click")
        verbose_name_plural = _("clicks")
        constraints = [
            models.UniqueConstraint(
                fields=["link", "day", "visitor_key"], condition=Q(is_unique=True), name="one_unique_click_per_day"
            ),
        ]
        indexes = [models.Index(fields=["day"], name="click_day")]


def new_salt():
    return secrets.token_hex(32)


class DailySalt(models.Model):
    """The random key of one day's visitor hashes; deleted after two days so old hashes cannot be redone."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64, default=new_salt)


class PendingTask(models.Model):
    """A background task that could not reach the broker (Redis away): kept here until it can be sent
    (`advocacy.dispatch`), so work asked for during an outage is done once the broker is back."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("failed attempts to send"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("task waiting for the broker")
        verbose_name_plural = _("tasks waiting for the broker")
        ordering = ["id"]

    def __str__(self):
        return f"{self.task} {self.args}"


# --- Privacy and the audit log (advocacy.privacy, advocacy.audit) ------------------------------

class AuditLogAppendOnly(AppendOnlyError):
    """The audit log is evidence: an entry is never edited nor deleted once written."""


class AuditEntry(AppendOnlyModel):
    """One privileged action: when, who, what, on which object, and what changed. Written by `advocacy.audit.record`
    in the transaction of the action itself. People are named by their account id only (resolved when the log is
    read), so the erasure of an account reaches its entries without editing them."""

    class Action(models.TextChoices):
        POST_APPROVED = "post_approved", _("Post approved")
        POST_REJECTED = "post_rejected", _("Post rejected")
        GUIDE_PUBLISHED = "guide_published", _("Guide version published")
        POINTS_ADJUSTED = "points_adjusted", _("Points adjusted by hand")
        REDEMPTION_APPROVED = "redemption_approved", _("Redemption approved")
        REDEMPTION_REJECTED = "redemption_rejected", _("Redemption rejected")
        REDEMPTION_DELIVERED = "redemption_delivered", _("Redemption delivered")
        RAFFLE_DRAWN = "raffle_drawn", _("Raffle drawn")
        EMPLOYEE_OF_THE_MONTH = "employee_of_the_month", _("Employee of the month")
        ROLE_ADDED = "role_added", _("Role given")
        ROLE_REMOVED = "role_removed", _("Role taken away")
        PERMISSIONS_CHANGED = "permissions_changed", _("Permissions changed")
        ACCESS_CHANGED = "access_changed", _("Account access changed")
        ERASURE_CARRIED_OUT = "erasure_carried_out", _("Erasure carried out")
        ERASURE_DECLINED = "erasure_declined", _("Erasure declined")
        RETENTION_PURGE = "retention_purge", _("Data past retention deleted")
        NETWORK_RATE_CHANGED = "network_rate_changed", _("Media value rate changed")
        PROGRAM_COST_CHANGED = "program_cost_changed", _("Program cost changed")

    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    # None: the system (a scheduled job, a management command, a sign-up).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    target_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("object type"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    target_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("what changed"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AppendOnlyQuerySet.as_manager()
    append_only = AppendOnlyRule(AuditLogAppendOnly, "Audit log entries cannot be edited.",
                                 "Audit log entries cannot be deleted.")

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["action", "-at"], name="audit_action_time")]

    def __str__(self):
        return f"{self.get_action_display()} · {self.target_repr or self.target_id or ''}".strip(" ·")



# GDPR Art. 12(3): a request is answered without undue delay, within a month at the latest.
ERASURE_RESPONSE_DAYS = 30


class ErasureRequest(models.Model):
    """An employee's request that their personal data be erased, and what HR decided. Kept after the erasure as
    the record that it was done (it names the account by id; the account itself is pseudonymised)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for HR")
        CARRIED_OUT = "carried_out", _("Carried out")
        DECLINED = "declined", pgettext_lazy("erasure request", "Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn by the employee")

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT,
        related_name="erasure_requests",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # Who recorded it: the employee from their privacy page (None), or HR for a request received another way.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.TextField(_("why it was declined"), blank=True)
    # What the erasure removed or pseudonymised, counted (no personal data).
    outcome = models.JSONField(_("what was erased"), default=dict, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee"], condition=Q(state="pending"), name="one_pending_erasure_request",
                violation_error_message=_("This employee already has an erasure request waiting."),
            ),
            models.UniqueConstraint(
                fields=["employee"], condition=Q(state="carried_out"), name="erased_once",
                violation_error_message=_("This account was already erased."),
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""), name="declined_erasure_says_why",
                violation_error_message=_("Say why the request is declined: the employee reads it."),
            ),
        ]
        permissions = [("decide_erasurerequest", _("Can carry out or decline erasure requests"))]

    def __str__(self):
        return _("Erasure request #%(id)s") % {"id": self.pk}

    @property
    def due_by(self):
        return self.requested_at + timedelta(days=ERASURE_RESPONSE_DAYS)

    @property
    def is_overdue(self):
        return self.state == self.State.PENDING and timezone.now() > self.due_by


class RetentionMark(models.Model):
    """How far a retention rule has deleted raw data: every day up to `purged_through` may have lost its raw
    rows. The KPI rollup reads it so that a day refilled later keeps the counts it already had."""

    CLICKS = "clicks"

    name = models.CharField(_("name"), max_length=64, unique=True)
    purged_through = models.DateField(_("raw rows deleted through"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)
    last_run_summary = models.CharField(_("what it did"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("retention state")
        verbose_name_plural = _("retention states")

    def __str__(self):
        return f"{self.name}: {self.purged_through or '-'}"

    @classmethod
    def clicks_purged_through(cls):
        """The last day whose raw clicks may have been deleted by the retention purge (None: none ever were)."""
        return cls.objects.filter(name=cls.CLICKS).values_list("purged_through", flat=True).first()
