from celery import shared_task

from .services import send_reminder


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,),
             retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_guide_reminder(reminder_id):
    """E-mail one logged reminder (idempotent: a reminder is sent once); mail-server errors are retried."""
    return send_reminder(reminder_id)
