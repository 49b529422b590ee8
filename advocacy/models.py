"""Employees, teams, roles, shares, tracked links and clicks."""

import secrets
import string

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
