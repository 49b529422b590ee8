"""Writes of the usage guide: signing a version."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Acknowledgement


class AlreadySigned(Exception):
    pass


def sign_guide(employee, version, typed_name, user_agent="", signed_at=None):
    """Record that `employee` read and accepted exactly this version's text, sealed with an HMAC.

    `signed_at` is for importing signatures collected elsewhere (and the demo); it defaults to now.
    """
    from rewards.services import award_for_signature

    acknowledgement = Acknowledgement(
        employee=employee,
        version=version,
        signed_at=signed_at or timezone.now(),
        typed_name=typed_name.strip(),
        text_sha256=version.text_sha256,
        user_agent=(user_agent or "")[:500],
    )
    acknowledgement.signature = acknowledgement.compute_signature()
    try:
        with transaction.atomic():
            acknowledgement.save()
            award_for_signature(acknowledgement)
    except IntegrityError as error:
        raise AlreadySigned() from error
    return acknowledgement
