"""Reads of the usage guide: the version in force and whether an employee may share under it."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Acknowledgement, GuideVersion


@dataclass
class SharingGate:
    may_share: bool
    message: str = ""
    # Sharing is still allowed, but the employee must sign the new version before the grace ends.
    grace_until: object = None


def current_version():
    return GuideVersion.objects.current()


def has_signed(user, version):
    return Acknowledgement.objects.filter(employee=user, version=version).exists()


def sharing_gate(user):
    """May `user` share now? Only after signing the current guide (or within the grace period of a new one)."""
    version = current_version()
    if version is None or has_signed(user, version):
        return SharingGate(may_share=True)
    signed_before = Acknowledgement.objects.filter(employee=user, version__version__lt=version.version).exists()
    grace_until = version.published_at + timedelta(days=settings.GUIDE_GRACE_DAYS)
    if signed_before and timezone.now() < grace_until:
        return SharingGate(
            may_share=True,
            message=_("A new version of the usage guide is out. Please sign it before %(date)s to keep sharing.")
            % {"date": timezone.localtime(grace_until).strftime("%Y-%m-%d")},
            grace_until=grace_until,
        )
    return SharingGate(may_share=False, message=_("Please read and sign the social media usage guide before sharing."))
