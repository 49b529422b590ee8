from celery import shared_task

from .services import forget_old_salts


@shared_task(acks_late=True, reject_on_worker_lost=True)
def forget_visitor_salts():
    """Drop past days' visitor-key salts so yesterday's hashes can never be linked to an IP again."""
    return forget_old_salts()
