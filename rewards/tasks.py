"""The rewards jobs, thin wrappers around services, safe to run twice or to retry after a worker died
(`acks_late`, `reject_on_worker_lost`); their schedule is CELERY_BEAT_SCHEDULE."""

import redis
from celery import shared_task

from . import leaderboards

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(autoretry_for=(redis.RedisError,), retry_backoff=60, retry_backoff_max=900, max_retries=5,
             **TASK_OPTIONS)
def rebuild_leaderboards_task():
    """Nightly: recompute every leaderboard in Redis from the points ledger."""
    return leaderboards.rebuild()


@shared_task(**TASK_OPTIONS)
def heal_leaderboards_task():
    """Every few minutes: rebuild the leaderboards only if they are marked stale or Redis lost them."""
    return leaderboards.heal()
