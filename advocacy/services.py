"""Writes of the advocacy app: joining the program, sharing, and counting clicks."""

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import roles
from .clickwriter import write_click
from .models import Click, DailySalt, EmployeeProfile, Invitation, Share, TrackedLink
from .networks import SHAREABLE_NETWORKS, share_intent_url
from .published import parse_published_url
from .selectors import shareable_posts_for

logger = logging.getLogger(__name__)


class ShareRefused(Exception):
    """The employee may not share this post now; the message says why, in their language."""

    def __init__(self, message, action_url=None, check=None):
        super().__init__(message)
        self.message = message
        self.action_url = action_url
        self.check = check  # the guideline check that blocked the text, if that was the reason


# --- Program membership -----------------------------------------------------------------------

def opt_in(user):
    """Join the advocacy program (never by default: the employee chooses)."""
    with transaction.atomic():
        profile = EmployeeProfile.objects.select_for_update().get(user=user)
        if not profile.is_advocate:
            profile.opted_in_at = timezone.now()
            profile.save(update_fields=["opted_in_at"])
            transaction.on_commit(lambda: _leaderboards().restore(user))  # back on the public boards
    return profile


def opt_out(user):
    """Leave the program: no new shares, off the public boards; history stays for company totals."""
    with transaction.atomic():
        profile = EmployeeProfile.objects.select_for_update().get(user=user)
        if profile.is_advocate:
            profile.opted_out_at = timezone.now()
            profile.save(update_fields=["opted_out_at"])
            transaction.on_commit(lambda: _leaderboards().forget(user))  # off the public boards
    return profile


def _leaderboards():
    from rewards import leaderboards

    return leaderboards


def set_roles(user, role_names):
    """Give a user exactly these roles (groups); staff status follows from them."""
    unknown = set(role_names) - set(roles.ALL_ROLES)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")
    user.groups.set(Group.objects.filter(name__in=role_names))


def accept_invitation(invitation, user):
    with transaction.atomic():
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        if invitation.team_id:
            EmployeeProfile.objects.filter(user=user).update(team_id=invitation.team_id)


def find_open_invitation(token):
    return Invitation.objects.filter(token=token, accepted_at__isnull=True).first()


# --- Sharing ----------------------------------------------------------------------------------

def destination_with_utm(post, network):
    """The post's URL with our UTM parameters; the URL's own query is kept, ours take precedence."""
    parts = urlsplit(post.url)
    ours = {
        "utm_source": network,
        "utm_medium": "employee_advocacy",
        "utm_campaign": post.campaign.slug if post.campaign_id else "library",
        "utm_content": str(post.pk),
    }
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key not in ours]
    query.extend(ours.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def tracked_link_for(employee, post, network):
    """The one tracked link of (employee, post, network), minted on first use."""
    link, _created = TrackedLink.objects.get_or_create(
        employee=employee, post=post, network=network,
        defaults={"destination": destination_with_utm(post, network)},
    )
    return link


@dataclass
class ShareResult:
    share: Share
    link: TrackedLink
    intent_url: str
    created: bool


def share_post(employee, post, network, text=None):
    """Record that `employee` shares `post` on `network`, and return the network's share-intent URL.

    `text` is the employee's edit of the post's text, where the post allows editing; it is checked
    against the current guide's rules, and what is finally shared is stored with the share. Sharing the
    same post on the same network again reuses the share and its link (no double points) and keeps the
    latest text.
    """
    from guidelines.rules import check_share_text, normalise_newlines
    from guidelines.selectors import current_version, sharing_gate, training_gate
    from rewards.services import award_for_share

    if network not in SHAREABLE_NETWORKS:
        raise ShareRefused(_("This network is not available for sharing."))
    profile = employee.profile
    if not profile.is_advocate:
        raise ShareRefused(_("Join the advocacy program to share posts."), action_url="/join/")
    gate = sharing_gate(employee)
    if not gate.may_share:
        raise ShareRefused(gate.message, action_url="/guide/")
    training = training_gate(employee)
    if training:
        raise ShareRefused(training, action_url="/guide/capsules/")
    if not shareable_posts_for(employee).filter(pk=post.pk).exists():
        raise ShareRefused(_("This post is not available for you to share."))

    approved_text = normalise_newlines(post.text_for(network)).strip()
    final_text = approved_text if text is None else normalise_newlines(text).strip()
    if final_text != approved_text and not post.allow_edit:
        raise ShareRefused(_("This post must be shared with its approved text."))
    with transaction.atomic():
        link = tracked_link_for(employee, post, network)
        check = check_share_text(final_text, network, link.short_url, current_version())
        if check.blocking:
            raise ShareRefused(
                " ".join(finding.message for finding in check.findings if finding.blocking), check=check
            )
        share, created = Share.objects.get_or_create(
            employee=employee, post=post, network=network,
            defaults={
                "team_id": profile.team_id,
                "text": final_text,
                "potential_reach": profile.followers_on(network),
            },
        )
        if created:
            award_for_share(share)
        elif share.text != final_text:
            share.text = final_text
            share.save(update_fields=["text"])
    intent = share_intent_url(network, share.text, link.short_url, subject=post.title)
    return ShareResult(share=share, link=link, intent_url=intent, created=created)


def record_published_url(employee, share_id, url):
    """'I posted it': keep where the employee published their share, and the network's id of that post."""
    with transaction.atomic():
        share = Share.objects.select_for_update().get(pk=share_id, employee=employee)
        published_url, post_id = parse_published_url(share.network, url)
        claimed = Share.objects.filter(network=share.network, published_post_id=post_id).exclude(pk=share.pk)
        if claimed.exists():
            raise ValidationError(_("This post is already linked to another share."))
        share.published_url, share.published_post_id = published_url, post_id
        share.published_at = timezone.now()
        try:
            with transaction.atomic():
                share.save(update_fields=["published_url", "published_post_id", "published_at"])
        except IntegrityError:  # claimed by a parallel request a moment ago
            raise ValidationError(_("This post is already linked to another share.")) from None
    return share


# --- Clicks -----------------------------------------------------------------------------------

_crawler_detect = CrawlerDetect()
# Matching a user agent against crawlerdetect's list costs 150-300 µs of CPU; its own cache keeps 1,024
# user agents, fewer than the distinct ones a busy program sees in a day (every browser, OS and app
# version), which repeat all day long. Keep this many decisions (user agents are cut to 1,000 characters,
# so at most about 10 MB per process).
USER_AGENT_DECISIONS = 10_000


@lru_cache(maxsize=USER_AGENT_DECISIONS)
def _is_crawler(user_agent):
    return _crawler_detect.isCrawler(user_agent)


_salt_cache = {}


def _salt_for(day):
    salt = _salt_cache.get(day)
    if salt is None:
        try:
            with transaction.atomic():
                salt = DailySalt.objects.get_or_create(day=day)[0].salt
        except IntegrityError:  # another process created today's salt first
            salt = DailySalt.objects.get(day=day).salt
        _salt_cache.clear()
        _salt_cache[day] = salt
    return salt


_day_key_cache = {}


def _key_for(day):
    """The day's HMAC key: the secret keyed by the day's random salt (computed once a day per process)."""
    salt = _salt_for(day)
    cached = _day_key_cache.get(day)
    if cached is None or cached[0] != salt:
        cached = (salt, hmac.new(settings.VISITOR_KEY_SECRET.encode(), salt.encode(), hashlib.sha256).digest())
        _day_key_cache.clear()
        _day_key_cache[day] = cached
    return cached[1]


def client_ip(meta):
    """The visitor's address: behind TRUSTED_PROXY_COUNT reverse proxies that append to X-Forwarded-For, the one
    the outermost trusted proxy saw (what a visitor writes in the header before it is ignored); else the
    connection's. The same rule allauth's rate limits follow (ALLAUTH_TRUSTED_PROXY_COUNT)."""
    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= proxies and (address := forwarded[-proxies].strip()):
            return address[:64]
    return meta.get("REMOTE_ADDR", "")


def visitor_key(ip, user_agent, day):
    """HMAC of IP and user agent under the day's random salt: stable within a day, unlinkable across days."""
    return hmac.new(_key_for(day), f"{ip}|{user_agent}".encode(), hashlib.sha256).hexdigest()


def is_bot_request(method, user_agent, headers):
    """Link-preview fetchers, crawlers, HEAD requests and prefetches are redirected but not counted."""
    if method == "HEAD" or not user_agent.strip():
        return True
    purpose = (headers.get("Sec-Purpose") or headers.get("Purpose") or headers.get("X-Moz") or "").lower()
    if "prefetch" in purpose or "preview" in purpose:
        return True
    return _is_crawler(user_agent)


def _domain_of(referrer):
    try:
        return (urlsplit(referrer).hostname or "")[:255]
    except ValueError:
        return ""


def record_click(link_id, *, ip, user_agent, referrer, method, headers, now=None):
    """Store one request to a tracked link; mark it unique if it is the visitor's first human click today.

    Every request is kept: a human's first click of the day on a link is inserted as unique (the partial
    unique constraint settles races between parallel first clicks); any other is inserted as not unique.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    user_agent = (user_agent or "")[:1000]
    bot = is_bot_request(method, user_agent, headers)
    values = {
        "link_id": link_id,
        "clicked_at": now,
        "day": day,
        "visitor_key": visitor_key(ip or "", user_agent, day),
        "referrer_domain": _domain_of(referrer or ""),
        "is_bot": bot,
    }
    click_id, unique = write_click(values)
    return Click(id=click_id, is_unique=unique, **values)


def forget_old_salts(keep_days=2):
    """Delete the visitor-key salts of past days, so their hashes can never be recomputed."""
    cutoff = timezone.localdate() - timedelta(days=keep_days - 1)
    return DailySalt.objects.filter(day__lt=cutoff).delete()[0]
