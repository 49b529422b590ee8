"""The weekly digest: each program member gets, in their language, the posts that went live for them in
the past week, with a one-click unsubscribe link that works without signing in (a signed token)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from .models import DigestDelivery

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "advocacy.digest.unsubscribe"


def unsubscribe_token(user):
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def user_from_token(token):
    """The user a token was made for, or None if it was tampered with."""
    from advocacy.models import User

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("u")).first() if isinstance(data, dict) else None


def recipients():
    from advocacy.models import User
    from guidelines.selectors import in_the_program

    return (User.objects.filter(is_active=True, profile__digest_unsubscribed_at__isnull=True)
            .filter(in_the_program()).select_related("profile"))


def send_digests(now=None):
    """Send this week's digest to every member who has new posts and has not had it yet. Returns the count."""
    from advocacy.selectors import shareable_posts_for

    now = now or timezone.now()
    week_start = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    sent = 0
    for user in recipients().exclude(digests__week_start=week_start).iterator():
        posts = list(shareable_posts_for(user, now).filter(publish_at__gt=now - timedelta(days=7))
                     .order_by("-publish_at")[:10])
        if not posts:
            continue
        try:
            with transaction.atomic():
                DigestDelivery.objects.create(employee=user, week_start=week_start, posts=len(posts))
                _send(user, posts)
        except IntegrityError:  # a parallel run took this one
            continue
        sent += 1
    return sent


def _send(user, posts):
    language = user.profile.language or settings.LANGUAGE_CODE
    unsubscribe = settings.SITE_URL + reverse("digest_unsubscribe", args=[unsubscribe_token(user)])
    with translation.override(language):
        context = {"user": user, "posts": posts, "site_url": settings.SITE_URL, "unsubscribe_url": unsubscribe,
                   "company": settings.COMPANY_NAME}
        subject = ngettext("%(count)s new post to share this week", "%(count)s new posts to share this week",
                           len(posts)) % {"count": len(posts)}
        text = render_to_string("content_library/email/digest.txt", context)
        html = render_to_string("content_library/email/digest.html", context)
    message = EmailMultiAlternatives(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", text, None, [user.email],
                                     headers={"List-Unsubscribe": f"<{unsubscribe}>",
                                              "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    message.attach_alternative(html, "text/html")
    message.send()
