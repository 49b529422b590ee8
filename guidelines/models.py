"""The social-media usage guide: published versions and who signed which exact text."""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class Acknowledgement(models.Model):
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

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ["-signed_at"]
        constraints = [models.UniqueConstraint(fields=["employee", "version"], name="sign_each_version_once")]

    def __str__(self):
        return f"{self.employee} · v{self.version.version}"

    def compute_signature(self):
        message = "|".join([
            str(self.employee_id), str(self.version_id), self.signed_at.isoformat(),
            self.typed_name, self.text_sha256, self.user_agent,
        ])
        key = settings.GUIDE_SIGNATURE_KEY.encode("utf-8")
        return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()
