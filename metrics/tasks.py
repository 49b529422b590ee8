"""The metrics jobs. Each is a thin wrapper around a service, idempotent and safe to run twice or to retry
after a worker died (`acks_late`, `reject_on_worker_lost`); their schedule is CELERY_BEAT_SCHEDULE."""

import logging

from celery import shared_task
from django.utils import timezone

from advocacy import clients

from .pulling import find_shared_posts, pull_engagement
from .report_cache import prepare_company_reports
from .reports import send_monthly_reports
from .services import fill_daily_stats

logger = logging.getLogger(__name__)

# Kept under the Redis broker's visibility timeout (an hour), past which a waiting task is handed out again.
MAX_RATE_LIMIT_WAIT = 50 * 60
TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=5, **TASK_OPTIONS)
def roll_up_daily_stats():
    """Fill the daily counts up to now (idempotent: each day is recomputed whole), then prepare the company's
    reports of this month and the last."""
    state = fill_daily_stats()
    prepare_company_reports(timezone.localdate())
    return {"filled_until": state.filled_until.isoformat() if state.filled_until else None,
            "summary": state.last_run_summary}


@shared_task(bind=True, max_retries=5, **TASK_OPTIONS)
def pull_engagement_task(self):
    """Ask the networks about every share that is due; a rate-limited network is left until it allows us."""
    report = pull_engagement()
    return str(report)


@shared_task(bind=True, max_retries=3, **TASK_OPTIONS)
def find_shared_posts_task(self):
    """Search X for the posts carrying recent tracked links (when X search is on)."""
    try:
        return {"found": find_shared_posts()}
    except clients.RateLimited as limited:
        logger.warning("X search rate-limited: %s", limited)
        return {"found": 0, "rate_limited_for_seconds": round(limited.retry_after)}
    except clients.Unavailable as outage:
        raise self.retry(countdown=120 * 2 ** self.request.retries) from outage


@shared_task(autoretry_for=(Exception,), retry_backoff=60, retry_backoff_max=1800, max_retries=8, **TASK_OPTIONS)
def send_monthly_report_task():
    """On the 1st: complete last month's counts, then e-mail its report to every manager not yet sent it."""
    fill_daily_stats()
    return send_monthly_reports()
