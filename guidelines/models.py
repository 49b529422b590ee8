"""The social-media usage guide: published versions and who signed which exact text."""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.append_only import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet, AppendOnlyRule


class GuideVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())

    def current(self):
        """The published version in force now, or None if the company has not published one."""
        return self.published().order_by("-version").first()


class GuideVersion(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    summary_of_changes = models.TextField(_("what changed"), blank=True)
    effective_date = models.DateField(_("effective date"), default=timezone.localdate)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Rules the share-text check applies to what an employee is about to share (guidelines.rules).
    forbidden_terms = models.TextField(
        _("forbidden terms"), blank=True,
        help_text=_("One per line. A text containing one cannot be shared (accents and case are ignored)."),
    )
    confidential_terms = models.TextField(
        _("confidential terms"), blank=True,
        help_text=_("One per line: project names, clients, figures not yet public. Blocks the share."),
    )
    disclosure_hashtag = models.CharField(
        _("disclosure hashtag"), max_length=100, blank=True,
        help_text=_("A hashtag that tells readers the author works here, e.g. #employee. Missing: a warning."),
    )
    max_hashtags = models.PositiveSmallIntegerField(
        _("most hashtags allowed"), null=True, blank=True, help_text=_("Empty: no limit. Above it: a warning."),
    )
    allowed_networks = models.CharField(
        _("networks allowed"), max_length=200, blank=True,
        help_text=_("Empty: every network. Sharing elsewhere is blocked."),
    )

    objects = GuideVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("guide version")
        verbose_name_plural = _("guide versions")
        ordering = ["-version"]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def clean(self):
        from content_library.models import parse_hashtags

        if self.disclosure_hashtag:
            tags = parse_hashtags(self.disclosure_hashtag)
            if len(tags) != 1:
                raise ValidationError({"disclosure_hashtag": _("Enter exactly one hashtag.")})
            self.disclosure_hashtag = tags[0]

    @property
    def allowed_network_list(self):
        return [code for code in self.allowed_networks.split(",") if code]

    @staticmethod
    def _lines(value):
        return [line.strip() for line in value.splitlines() if line.strip()]

    @property
    def forbidden_term_list(self):
        return self._lines(self.forbidden_terms)

    @property
    def confidential_term_list(self):
        return self._lines(self.confidential_terms)

    @property
    def text_sha256(self):
        return hashlib.sha256(self.signed_text.encode("utf-8")).hexdigest()

    @property
    def signed_text(self):
        """Exactly what the employee is shown and signs."""
        return f"{self.title}\n\n{self.body}"


class AppendOnly(AppendOnlyError):
    """Acknowledgements are evidence: they are never edited or deleted once written."""


class AcknowledgementQuerySet(AppendOnlyQuerySet):
    def delete_past_retention(self):
        """The one deletion allowed: signatures kept past their retention period, as advocacy.privacy's purge
        selects them (erased employees, GUIDE_SIGNATURE_RETENTION_DAYS after the erasure). Returns how many."""
        return models.QuerySet.delete(self)[0]


class Acknowledgement(AppendOnlyModel):
    """An employee's signature of one guide version. Append-only: never edited, never deleted."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="acknowledgements", verbose_name=_("employee")
    )
    version = models.ForeignKey(
        GuideVersion, on_delete=models.PROTECT, related_name="acknowledgements", verbose_name=_("version")
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    typed_name = models.CharField(_("typed name"), max_length=200)
    text_sha256 = models.CharField(_("SHA-256 of the text signed"), max_length=64)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    signature = models.CharField(_("signature"), max_length=64)

    objects = AcknowledgementQuerySet.as_manager()
    append_only = AppendOnlyRule(AppendOnly, "Guide acknowledgements cannot be edited.",
                                 "Guide acknowledgements cannot be deleted.")

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ["-signed_at"]
        constraints = [models.UniqueConstraint(fields=["employee", "version"], name="sign_each_version_once")]
        permissions = [("review_acknowledgements", _("Can review everyone's guide signatures and remind them"))]

    def __str__(self):
        return f"{self.employee} · v{self.version.version}"


    def tampered_fields(self):
        """What no longer matches: the seal over the stored fields, or the text of the version signed."""
        problems = []
        if not hmac.compare_digest(self.signature, self.compute_signature()):
            problems.append("signature")
        if self.text_sha256 != self.version.text_sha256:
            problems.append("text_sha256")
        return problems

    def compute_signature(self):
        message = "|".join([
            str(self.employee_id), str(self.version_id), self.signed_at.isoformat(),
            self.typed_name, self.text_sha256, self.user_agent,
        ])
        key = settings.GUIDE_SIGNATURE_KEY.encode("utf-8")
        return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


class GuideReminder(models.Model):
    """A reminder e-mail to sign the current guide: at most one per employee per day, each one logged."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guide_reminders", verbose_name=_("employee")
    )
    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="+", verbose_name=_("version"))
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        verbose_name = _("guide reminder")
        verbose_name_plural = _("guide reminders")
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["employee", "day"], name="one_guide_reminder_a_day")]

    def __str__(self):
        return f"{self.employee} · {self.day}"


# --- Training capsules ------------------------------------------------------------------------

class Capsule(models.Model):
    """A short lesson on using social media well, with an optional quiz."""

    class Level(models.TextChoices):
        BASIC = "basic", _("Basic")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.BASIC)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("lesson"), help_text=_("Markdown: headings, lists, bold and links."))
    video_url = models.URLField(
        _("video link"), blank=True, validators=[URLValidator(schemes=["https"])],
        help_text=_("Optional. Opens in a new tab."),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    is_published = models.BooleanField(_("published"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training capsule")
        verbose_name_plural = _("training capsules")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class QuizQuestion(models.Model):
    capsule = models.ForeignKey(Capsule, on_delete=models.CASCADE, related_name="questions", verbose_name=_("capsule"))
    text = models.CharField(_("question"), max_length=500)
    choices = models.TextField(_("answers"), help_text=_("One per line, two to six."))
    correct_choice = models.PositiveSmallIntegerField(
        _("number of the right answer"), validators=[MinValueValidator(1)], help_text=_("1 for the first line."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        ordering = ["order", "id"]

    def __str__(self):
        return self.text

    @property
    def choice_list(self):
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        choices = self.choice_list
        if not 2 <= len(choices) <= 6:
            raise ValidationError({"choices": _("Write two to six answers, one per line.")})
        if self.correct_choice and self.correct_choice > len(choices):
            raise ValidationError({"correct_choice": _("There are only %(n)s answers.") % {"n": len(choices)}})


class CapsuleAttempt(models.Model):
    """Every time an employee takes a capsule's quiz, with the score (kept, never edited)."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capsule_attempts", verbose_name=_("employee")
    )
    capsule = models.ForeignKey(Capsule, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("capsule"))
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)

    class Meta:
        verbose_name = _("capsule attempt")
        verbose_name_plural = _("capsule attempts")
        ordering = ["-taken_at"]


class CapsuleCompletion(models.Model):
    """The first time an employee passed a capsule: what HR counts and what earns points (once)."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capsule_completions",
        verbose_name=_("employee"),
    )
    capsule = models.ForeignKey(
        Capsule, on_delete=models.CASCADE, related_name="completions", verbose_name=_("capsule")
    )
    score = models.PositiveSmallIntegerField(_("score (%)"))
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)

    class Meta:
        verbose_name = _("capsule completion")
        verbose_name_plural = _("capsule completions")
        constraints = [models.UniqueConstraint(fields=["employee", "capsule"], name="complete_a_capsule_once")]
