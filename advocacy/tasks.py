import logging

from allauth.socialaccount.models import SocialAccount
from celery import shared_task

from . import clients, dispatch
from .audience import PROVIDER_NETWORKS, refresh_connected_followers
from .services import forget_old_salts

logger = logging.getLogger(__name__)

# The longest a rate-limited refresh waits before trying again. Kept under the Redis broker's visibility
# timeout (an hour by default), past which a waiting task would be handed out a second time; a limit
# that lasts longer (LinkedIn's reset at midnight) is met by the next retries or the next daily refresh.
MAX_RATE_LIMIT_WAIT = 50 * 60


@shared_task(acks_late=True, reject_on_worker_lost=True)
def forget_visitor_salts():
    """Drop past days' visitor-key salts so yesterday's hashes can never be linked to an IP again."""
    return forget_old_salts()


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(Exception,), retry_backoff=True,
             max_retries=5)
def purge_expired_data_task():
    """Delete what is past its retention period (raw clicks, erased employees' signatures, expired sessions);
    idempotent: a retried or repeated run deletes only what is still there."""
    from .privacy import purge_expired_data

    return purge_expired_data()


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def refresh_follower_count(self, social_account_id):
    """Fetch one connected account's follower count; waits out rate limits, retries outages with backoff."""
    account = SocialAccount.objects.filter(pk=social_account_id).first()
    if account is None:  # disconnected since
        return None
    try:
        return refresh_connected_followers(account)
    except clients.RateLimited as limited:
        raise self.retry(countdown=min(max(limited.retry_after, 1), MAX_RATE_LIMIT_WAIT)) from limited
    except clients.Unavailable as outage:
        raise self.retry(countdown=60 * 2 ** self.request.retries) from outage
    except (clients.TokenRevoked, clients.RequestRejected, clients.BadPayload) as error:
        # Nothing a retry can fix: the last known count stays until the employee reconnects.
        logger.warning("follower count of %s account %s not refreshed: %s", account.provider, account.pk, error)
        return None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def refresh_all_follower_counts():
    """Queue a refresh of every connected account's follower count (beat runs it daily)."""
    ids = list(SocialAccount.objects.filter(provider__in=PROVIDER_NETWORKS).values_list("id", flat=True))
    for account_id in ids:
        dispatch.send(refresh_follower_count, (account_id,))  # now: nothing here waits for a commit
    return len(ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_pending_tasks():
    """Send the tasks kept in the database while the broker was unreachable (beat, every few minutes)."""
    return {"sent": dispatch.send_pending()}
