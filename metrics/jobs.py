"""A record of every run of the scheduled jobs (the tasks of `CELERY_BEAT_SCHEDULE`), written from Celery's
signals so that no task has to remember to do it: when it started and ended, and what it did or why it failed.
The admin shows the latest run of each job beside its schedule."""

from datetime import timedelta

from celery.exceptions import Retry
from celery.signals import task_failure, task_postrun, task_prerun, task_retry
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from .models import JobRun

KEEP_RUNS_FOR = timedelta(days=90)
_STATES = {"SUCCESS": JobRun.State.SUCCEEDED, "RETRY": JobRun.State.RETRYING, "FAILURE": JobRun.State.FAILED}


def scheduled_jobs():
    """{task name: schedule entries naming it} for every job beat starts."""
    jobs = {}
    for entry_name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        jobs.setdefault(entry["task"], []).append((entry_name, entry["schedule"]))
    return jobs


def _is_recorded(task):
    return task is not None and task.name in scheduled_jobs()


def _summary(value):
    if value is None:
        return ""
    if isinstance(value, dict):
        value = ", ".join(f"{key}: {item}" for key, item in value.items())
    return str(value)[:500]


@task_prerun.connect
def job_started(sender=None, task_id=None, task=None, **kwargs):
    if not _is_recorded(task):
        return
    try:
        with transaction.atomic():
            JobRun.objects.create(job=task.name, task_id=task_id or "")
    except DatabaseError:  # the record must never be why a job fails
        pass


@task_retry.connect
def job_retrying(sender=None, request=None, reason=None, **kwargs):
    if _is_recorded(sender):
        # `reason` is the Retry, whose text names the delay and the error behind it.
        text = str(reason) if isinstance(reason, Retry) else f"{type(reason).__name__}: {reason}"
        _finish(sender.name, request.id, JobRun.State.RETRYING, text)


@task_failure.connect
def job_failed(sender=None, task_id=None, exception=None, **kwargs):
    if _is_recorded(sender):
        _finish(sender.name, task_id, JobRun.State.FAILED, f"{type(exception).__name__}: {exception}")


@task_postrun.connect
def job_finished(sender=None, task_id=None, task=None, retval=None, state=None, **kwargs):
    if not _is_recorded(task):
        return
    if state == "SUCCESS":
        _finish(task.name, task_id, JobRun.State.SUCCEEDED, _summary(retval))
    elif isinstance(retval, BaseException):
        # Retries and failures are recorded with their reason by the signals above; a run they left open
        # (an in-process run, where a retry surfaces as an exception) is closed here.
        _finish(task.name, task_id, _STATES.get(state, JobRun.State.FAILED),
                f"{type(retval).__name__}: {retval}", only_open=True)


def _finish(job, task_id, state, summary, only_open=False):
    now = timezone.now()
    try:
        with transaction.atomic():
            run = (JobRun.objects.filter(job=job, task_id=task_id or "", finished_at__isnull=True)
                   .order_by("-id").first())
            if run is None and only_open:
                return
            if run is None:
                run = JobRun(job=job, task_id=task_id or "", started_at=now)
            run.finished_at, run.state, run.summary = now, state, summary[:500]
            run.save()
            JobRun.objects.filter(job=job, started_at__lt=now - KEEP_RUNS_FOR).delete()
    except DatabaseError:
        pass


def latest_runs():
    """[(task name, [(beat entry, schedule)], latest JobRun or None, latest successful run or None)]."""
    jobs = scheduled_jobs()
    latest = {}
    succeeded = {}
    for job in jobs:
        latest[job] = JobRun.objects.filter(job=job).order_by("-started_at", "-id").first()
        succeeded[job] = (
            JobRun.objects.filter(job=job, state=JobRun.State.SUCCEEDED).order_by("-started_at", "-id").first()
        )
    return [(job, entries, latest[job], succeeded[job]) for job, entries in sorted(jobs.items())]
