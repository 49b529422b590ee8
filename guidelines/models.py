"""The social-media usage guide: published versions and who signed which exact text."""

import hashlib
import hmac

from django.conf import settings
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

    objects = GuideVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("guide version")
        verbose_name_plural = _("guide versions")
        ordering = ["-version"]

    def __str__(self):
        return f"{self.title} (v{self.version})"

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
