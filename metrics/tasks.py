from celery import shared_task

from .services import fill_daily_stats


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(Exception,),
             retry_backoff=True, retry_backoff_max=600, max_retries=5)
def roll_up_daily_stats():
    """Fill the daily counts up to now (idempotent: each day is recomputed whole)."""
    state = fill_daily_stats()
    return {"filled_until": state.filled_until.isoformat() if state.filled_until else None,
            "summary": state.last_run_summary}
