"""The engagement puller: asks the networks about the posts employees published, young posts often and old
ones seldom (see `engagement.PULL_CADENCE`), and finds on X the posts that carry a tracked link.

Every outcome is written on the share's `ShareEngagement` row (when to ask again, the last error), so a run
that dies halfway leaves the rest due for the next run, and running twice asks nothing twice. A network that
rate-limits us is left alone until the time it named, in the cache shared by the workers.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from advocacy import clients
from advocacy.audience import connected_token
from advocacy.clients.linkedin import is_activity_urn
from advocacy.models import ErasureRequest, Share, TrackedLink
from advocacy.networks import Network

from .engagement import PULL_WINDOW, Figures, next_pull_at, record_engagement
from .models import EngagementSnapshot, ShareEngagement

logger = logging.getLogger(__name__)

PULLED_NETWORKS = (Network.X, Network.LINKEDIN, Network.FACEBOOK)
BATCH_SIZE = {Network.X: 100, Network.FACEBOOK: 50, Network.LINKEDIN: 1}
# After this many failures in a row (no connected account, a revoked token, a post gone) a share is given up.
MAX_FAILURES = 5
RETRY_AFTER_FAILURE = timedelta(hours=1)
SEARCH_WINDOW = timedelta(days=7)  # X's recent search covers the last seven days
UNREADABLE_ACTIVITY = ("LinkedIn's post analytics does not read activity links: upload LinkedIn's analytics "
                       "export for this post instead")


@dataclass
class PullReport:
    asked: int = 0
    changed: int = 0
    failed: int = 0
    paused: list = field(default_factory=list)
    found: int = 0

    def __str__(self):
        text = f"{self.asked} share(s) asked, {self.changed} changed, {self.failed} failed"
        if self.found:
            text += f", {self.found} found by search"
        if self.paused:
            text += f"; rate-limited: {', '.join(self.paused)}"
        return text


def _pause_key(network):
    return f"engagement-pull-paused:{network}"


def paused_until(network):
    """When a network that rate-limited us may be asked again (None: now)."""
    return cache.get(_pause_key(network))


def _pause(network, seconds):
    until = timezone.now() + timedelta(seconds=seconds)
    cache.set(_pause_key(network), until, timeout=int(seconds) + 1)
    return until


def due_shares(now, limit):
    """Shares whose published post should be asked about now: published, in the window, due or never asked."""
    return list(
        Share.objects.filter(network__in=PULLED_NETWORKS, created_at__gte=now - PULL_WINDOW)
        .exclude(published_post_id="")
        .filter(Q(engagement__isnull=True) | Q(engagement__next_pull_at__lte=now))
        .select_related("engagement")
        .order_by("created_at")[:limit]
    )


def _token_groups(shares):
    """{(network, token owner): shares}: X posts are read with the app's token where there is one, which sees
    any public post; everything else with the employee's own connected account."""
    groups = defaultdict(list)
    for share in shares:
        if share.network == Network.X and settings.X_APP_BEARER_TOKEN:
            groups[(share.network, None)].append(share)
        else:
            groups[(share.network, share.employee_id)].append(share)
    return groups


def _schedule(share, now, *, error="", give_up=False):
    """After asking about `share`: when to ask again, and the failure if any."""
    row, _created = ShareEngagement.objects.get_or_create(share=share)
    if error:
        row.failures += 1
        row.last_error = error[:300]
        give_up = give_up or row.failures >= MAX_FAILURES
        row.next_pull_at = None if give_up else now + RETRY_AFTER_FAILURE * row.failures
    else:
        row.failures, row.last_error = 0, ""
        row.next_pull_at = next_pull_at(share.created_at, now)
    row.last_pulled_at = now
    row.save(update_fields=["failures", "last_error", "next_pull_at", "last_pulled_at"])


def _ask(network, owner_id, shares):
    """The network's figures for `shares`, by post id, using the right token."""
    token = settings.X_APP_BEARER_TOKEN if owner_id is None else connected_token(owner_id, network)
    return clients.fetch_engagement(network, token, [share.published_post_id for share in shares])


def pull_engagement(now=None, limit=2000):
    """Ask the networks about every share that is due (at most `limit` of them); returns a `PullReport`."""
    now = now or timezone.now()
    report = PullReport()
    shares = []
    for share in due_shares(now, limit):
        if share.network == Network.LINKEDIN and is_activity_urn(share.published_post_id):
            # LinkedIn's analytics takes share and ugcPost URNs only; the export can still bring the figures.
            _schedule(share, now, error=UNREADABLE_ACTIVITY, give_up=True)
            report.failed += 1
        else:
            shares.append(share)
    for (network, owner_id), group in _token_groups(shares).items():
        if network in report.paused or (paused_until(network) or now) > now:
            if network not in report.paused:
                report.paused.append(network)
            continue
        for start in range(0, len(group), BATCH_SIZE[network]):
            batch = group[start:start + BATCH_SIZE[network]]
            try:
                answers = _ask(network, owner_id, batch)
            except clients.RateLimited as limited:
                until = _pause(network, limited.retry_after)
                logger.warning("%s rate-limits the engagement puller until %s: %s", network, until, limited)
                report.paused.append(network)
                break
            except (clients.TokenRevoked, clients.Unavailable, clients.BadPayload, clients.RequestRejected) as error:
                logger.warning("engagement of %d %s share(s) not pulled: %s", len(batch), network, error)
                for share in batch:
                    _schedule(share, now, error=str(error))
                report.asked += len(batch)
                report.failed += len(batch)
                if isinstance(error, clients.TokenRevoked):
                    break  # the same token would fail for the rest of this employee's shares
                continue
            report.asked += len(batch)
            for share in batch:
                engagement = answers.get(share.published_post_id)
                with transaction.atomic():
                    if engagement is None:
                        _schedule(share, now, error="the network no longer shows this post")
                        report.failed += 1
                        continue
                    if record_engagement(share, Figures.of(engagement), EngagementSnapshot.Source.API,
                                         fetched_at=now):
                        report.changed += 1
                    _schedule(share, now)
    return report


def find_shared_posts(now=None):
    """Search X for posts carrying the tracked links of recent X shares that nobody pasted back, and link
    each one found to its share. Returns how many were found; nothing to do when X search is off."""
    if not settings.X_SEARCH_ENABLED:
        return 0
    now = now or timezone.now()
    if (paused_until(Network.X) or now) > now:
        return 0
    shares = {
        (share.employee_id, share.post_id): share
        for share in Share.objects.filter(network=Network.X, published_post_id="",
                                          created_at__gte=now - SEARCH_WINDOW)
        # An erased employee's shares are no longer theirs to follow: their posts are not looked for.
        .exclude(employee__erasure_requests__state=ErasureRequest.State.CARRIED_OUT)
    }
    if not shares:
        return 0
    links = TrackedLink.objects.filter(network=Network.X, employee_id__in={key[0] for key in shares},
                                       post_id__in={key[1] for key in shares})
    share_by_url = {
        link.short_url: shares[key]
        for link in links if (key := (link.employee_id, link.post_id)) in shares
    }
    try:
        found = clients.search_x_posts_linking(sorted(share_by_url), since=now - SEARCH_WINDOW)
    except clients.RateLimited as limited:
        _pause(Network.X, limited.retry_after)
        raise
    linked = 0
    for post in found:
        for url in sorted(post.linked_urls):
            share = share_by_url.get(url)
            if share is None or share.published_post_id:
                continue
            if _link_found_post(share, post, now):
                linked += 1
            break
    return linked


def _link_found_post(share, post, now):
    """Keep a found post as the share's published post (unless another share claimed it) and its figures."""
    try:
        with transaction.atomic():
            updated = Share.objects.filter(pk=share.pk, published_post_id="").update(
                published_post_id=post.post_id, published_url=f"https://x.com/i/web/status/{post.post_id}",
                published_at=now,
            )
            if not updated:
                return False
            share.published_post_id = post.post_id
            record_engagement(share, Figures.of(post.engagement), EngagementSnapshot.Source.SEARCH, fetched_at=now)
            _schedule(share, now)
    except IntegrityError:  # the post is already another share's
        return False
    return True
