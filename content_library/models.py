"""Curated posts, their per-network texts, campaigns, and the review trail."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.networks import Network

HASHTAG_RE = re.compile(r"^[^\W_][\w]{0,99}$")


def parse_hashtags(value):
    """'#Foo bar, #baz' -> ['Foo', 'bar', 'baz'] (validated: letters, digits and _, no leading _)."""
    tags = [tag.lstrip("#") for tag in re.split(r"[\s,]+", value or "") if tag.strip("#")]
    invalid = [tag for tag in tags if not HASHTAG_RE.match(tag)]
    if invalid:
        raise ValidationError(
            _("Not a valid hashtag: %(tags)s. Use letters, digits and underscores only."),
            params={"tags": ", ".join(invalid)},
        )
    return tags


def normalise_url(url):
    """The same address, written one way: no spaces around it, scheme and host in lower case, no default
    port, a path of at least "/", no empty fragment. The query is kept as it is (it may matter)."""
    from urllib.parse import urlsplit, urlunsplit

    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url  # the URL validator will say what is wrong
    if not parts.scheme or not parts.hostname:
        return url
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if ":" in host:  # IPv6
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    netloc = host if port in (None, default) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, parts.fragment))


def targeting_list(value):
    """'Madrid, Sevilla' → ',madrid,sevilla,' (lower case, trimmed, no repeats); '' stays ''."""
    items = list(dict.fromkeys(item.strip().lower() for item in (value or "").replace(";", ",").split(",")
                               if item.strip() and item.strip() != ","))
    return f",{','.join(items)}," if items else ""


def validate_hashtags(value):
    parse_hashtags(value)


def validate_hashtag(value):
    tags = parse_hashtags(value)
    if len(tags) != 1:
        raise ValidationError(_("Enter exactly one hashtag."))


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    hashtag = models.CharField(_("hashtag"), max_length=100, validators=[validate_hashtag])
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Goal(models.TextChoices):
        SHARES = "shares", _("Shares")
        CLICKS = "clicks", _("Clicks")

    goal_kind = models.CharField(_("goal measured in"), max_length=8, choices=Goal.choices, default=Goal.SHARES)
    goal_target = models.PositiveIntegerField(_("goal"), default=0, help_text=_("0: no goal."))
    prize = models.CharField(_("prize"), max_length=200, blank=True,
                             help_text=_("For the leader, or drawn among participants (see raffles)."))
    points_multiplier = models.DecimalField(
        _("points multiplier"), max_digits=4, decimal_places=2, default=1,
        help_text=_("Points earned with the campaign's posts while it runs are multiplied by this (1 to 10)."),
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"),
            models.CheckConstraint(condition=Q(points_multiplier__gte=1) & Q(points_multiplier__lte=10),
                                   name="campaign_multiplier_1_to_10"),
        ]

    def __str__(self):
        return self.name

    def runs_on(self, day):
        return self.starts_on <= day <= self.ends_on

    def clean(self):
        if self.points_multiplier is not None and not 1 <= self.points_multiplier <= 10:
            raise ValidationError({"points_multiplier": _("The multiplier goes from 1 to 10.")})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A campaign cannot end before it starts.")})
        if self.hashtag:
            self.hashtag = self.hashtag.lstrip("#")


class Category(models.Model):
    """A shelf of the library (e.g. "Innovation", "Talent"), for comms to keep it balanced and employees to browse."""

    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PostQuerySet(models.QuerySet):
    def live(self, now=None):
        """Approved, published and not expired: what employees may see and share."""
        now = now or timezone.now()
        return self.filter(status=Post.Status.APPROVED, publish_at__lte=now).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        ARCHIVED = "archived", _("Archived")

    class ContentType(models.TextChoices):
        COMPANY_NEWS = "company_news", _("Company news")
        INDUSTRY = "industry", _("Industry")
        CULTURE = "culture", _("Culture")
        JOB_OPENING = "job_opening", _("Job opening")
        FUN = "fun", _("Fun")

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    content_type = models.CharField(
        _("content type"), max_length=16, choices=ContentType.choices, default=ContentType.COMPANY_NEWS
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    tags = models.CharField(_("tags"), max_length=300, blank=True, help_text=_("Words to find it by, comma-separated."))
    url = models.URLField(_("destination URL"), max_length=1000, validators=[URLValidator(schemes=["http", "https"])])
    image = models.ImageField(_("image"), upload_to="posts/%Y/%m/", blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    hashtags = models.CharField(
        _("hashtags"), max_length=300, blank=True, validators=[validate_hashtags],
        help_text=_("Separated by spaces, with or without #."),
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    target_teams = models.ManyToManyField(
        "advocacy.Team", verbose_name=_("target teams"), blank=True, related_name="targeted_posts",
        help_text=_("Their sub-teams are included. Leave empty for everyone."),
    )
    allow_edit = models.BooleanField(
        _("employees may edit the text"), default=True,
        help_text=_("Employees can personalise the text before sharing, within the usage guide's rules."),
    )
    # Stored as ",madrid,sevilla," so one "contains" finds a member; empty means everywhere / every language.
    target_locations = models.CharField(
        _("target locations"), max_length=500, blank=True,
        help_text=_("Comma-separated, as written on employees' profiles. Leave empty for every location."),
    )
    target_languages = models.CharField(_("target languages"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    publish_at = models.DateTimeField(_("publish at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    # The employee whose suggestion this post comes from (credited).
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("suggested by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-publish_at"]
        permissions = [("approve_post", _("Can approve or reject posts"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("publish_at")),
                name="post_expires_after_publish",
            ),
        ]
        indexes = [models.Index(fields=["status", "publish_at"], name="post_status_publish")]

    def __str__(self):
        return self.title

    def clean_fields(self, exclude=None):
        self.url = normalise_url(self.url)  # before the URL is validated, so spaces around it are no error
        self.target_locations = targeting_list(self.target_locations)
        super().clean_fields(exclude=exclude)

    @property
    def target_location_list(self):
        return [item for item in self.target_locations.split(",") if item]

    @property
    def target_language_list(self):
        return [item for item in self.target_languages.split(",") if item]

    def clean(self):
        errors = {}
        if self.publish_at and self.expires_at and self.expires_at <= self.publish_at:
            errors["expires_at"] = _("A post must expire after it is published.")
        if self.url and not self.url.isprintable():  # a right-to-left override disguises where readers are sent
            errors["url"] = _("This address contains invisible characters: copy it again from the page.")
        if errors:
            raise ValidationError(errors)

    @property
    def hashtag_list(self):
        try:
            return parse_hashtags(self.hashtags)
        except ValidationError:
            return []

    def text_for(self, network):
        """The curated text for a network, falling back to the 'other' text, then LinkedIn's, then the title."""
        variants = {variant.network: variant.text for variant in self.variants.all()}
        text = variants.get(network) or variants.get(Network.OTHER) or variants.get(Network.LINKEDIN) or self.title
        tags = self.hashtag_list + ([self.campaign.hashtag] if self.campaign_id else [])
        missing = [f"#{tag}" for tag in dict.fromkeys(tags) if f"#{tag}".lower() not in text.lower()]
        return " ".join([text, *missing]) if missing else text


class PostVariant(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="variants", verbose_name=_("post"))
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    text = models.TextField(_("text"))

    def clean(self):
        """Each network's limit, where the text is typed (X: 280, a link counting 23; the tracked link included)."""
        from advocacy.models import CODE_LENGTH
        from advocacy.networks import text_length

        length, limit = text_length(self.network, self.text or "", f"{settings.SITE_URL}/s/{'x' * CODE_LENGTH}")
        if limit is not None and length > limit:
            raise ValidationError({"text": _(
                "Too long for %(network)s: %(length)s of %(limit)s characters, with the tracked link employees add."
            ) % {"network": Network(self.network).label, "length": length, "limit": limit}})

    class Meta:
        verbose_name = _("text for a network")
        verbose_name_plural = _("texts per network")
        constraints = [models.UniqueConstraint(fields=["post", "network"], name="one_text_per_network")]

    def __str__(self):
        return f"{self.post} · {self.get_network_display()}"


class PostTransition(models.Model):
    """Who moved a post from one status to another, when, and why. Never edited."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("post"))
    from_status = models.CharField(_("from"), max_length=16, choices=Post.Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Post.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]


class PostImageRendition(models.Model):
    """The post's image cut to the size a network shows best, offered for download beside the share buttons."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="renditions", verbose_name=_("post"))
    kind = models.CharField(_("kind"), max_length=16)
    image = models.ImageField(_("image"), upload_to="posts/renditions/%Y/%m/")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    # The stored image this was cut from: renditions of an earlier image are replaced, never mixed in.
    source_name = models.CharField(_("cut from"), max_length=300)

    class Meta:
        verbose_name = _("image rendition")
        verbose_name_plural = _("image renditions")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["post", "kind"], name="one_rendition_per_kind")]

    def __str__(self):
        return f"{self.post} · {self.kind}"


class Suggestion(models.Model):
    """An employee's idea for the library (a link, or just an idea), and what comms decided."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for comms")
        DRAFTED = "drafted", _("Turned into a post")
        DECLINED = "declined", _("Declined")

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("employee")
    )
    url = models.URLField(_("link"), max_length=1000, blank=True, validators=[URLValidator(schemes=["http", "https"])])
    note = models.TextField(_("idea"), max_length=2000)
    created_at = models.DateTimeField(_("suggested at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("reason"), blank=True, help_text=_("Required to decline: the employee reads it."))
    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at"]

    def __str__(self):
        return self.note[:60]

    def clean(self):
        if self.status == self.Status.DECLINED and not self.reason.strip():
            raise ValidationError({"reason": _("Say why, so the employee knows.")})


class DigestDelivery(models.Model):
    """One weekly digest sent to one employee: the log, and what keeps a retried run from sending twice."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests", verbose_name=_("employee")
    )
    week_start = models.DateField(_("week starting"))
    posts = models.PositiveIntegerField(_("posts"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("weekly digest sent")
        verbose_name_plural = _("weekly digests sent")
        constraints = [models.UniqueConstraint(fields=["employee", "week_start"], name="one_digest_a_week")]
