"""Sending background tasks to the workers, without a request ever waiting on, or failing because of, the broker.

`enqueue(task, *args, **kwargs)` sends the task once the current transaction commits (the worker must see what
the transaction wrote). The send is short: connections of its own with one-second timeouts (a stalled Redis
costs a request about a second, not the workers' longer socket timeout), one quick retry (a pooled connection
may predate a Redis restart), no result kept. When the broker cannot take the task, it is written to
`PendingTask` instead, and this process leaves the broker alone for `REST_SECONDS`, writing there straight away.
`send_pending` sends what waited, oldest first: beat runs it every few minutes (`advocacy.tasks.send_pending_tasks`),
and a process that kept tasks asks for it as soon as one of its sends succeeds again. Tasks are idempotent, so
the rare one sent twice (the broker took it, then the database could not forget it) does no harm.

Without a broker (no REDIS_URL) tasks run in the calling process, as Celery's eager mode does.
"""

import logging
import os
import threading
import time

import redis
from django.db import DatabaseError, transaction
from django.db.models import F
from kombu.exceptions import OperationalError as BrokerUnreachable
from kombu.pools import ProducerPool

from .celery import app as celery_app
from .models import PendingTask

logger = logging.getLogger(__name__)

# What publishing raises when Redis is away: kombu wraps most of it; a stalled socket may surface as it is.
BROKER_ERRORS = (BrokerUnreachable, redis.ConnectionError, redis.TimeoutError, OSError)
REST_SECONDS = 10
# One immediate retry on a fresh connection, then give up: the task waits in the database instead.
SEND_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
SEND_TIMEOUT_SECONDS = 1
BATCH_SIZE = 100

_lock = threading.Lock()
_state = {"resting_until": 0.0, "kept": False}
_producers = {}


def enqueue(task, *args, **kwargs):
    """After the current transaction commits (at once outside one), send `task` with these arguments; while the
    broker is unreachable it is kept in the database and sent later."""
    transaction.on_commit(lambda: send(task, args, kwargs))


def send(task, args=(), kwargs=None):
    """Send `task` now. True when the broker took it (or it ran in-process); False when it was kept for later."""
    kwargs = kwargs or {}
    if task.app.conf.task_always_eager:
        task.apply_async(args, kwargs)
        return True
    if time.monotonic() < _state["resting_until"]:
        return _keep(task.name, args, kwargs, "the broker was unreachable a moment ago")
    try:
        _publish(task, args, kwargs)
    except BROKER_ERRORS as error:
        with _lock:
            _state["resting_until"] = time.monotonic() + REST_SECONDS
        logger.warning("broker unreachable (%s: %s): %s kept in the database until it is back",
                       type(error).__name__, error, task.name)
        return _keep(task.name, args, kwargs, f"{type(error).__name__}: {error}")
    if _state["kept"]:
        with _lock:
            _state["kept"] = False
        _ask_for_pending()
    return True


def send_pending(limit=1000):
    """Send the tasks kept while the broker was away, oldest first, up to `limit`; stops at the first one the
    broker does not take. Returns how many were sent."""
    sent, after = 0, 0
    while sent < limit:
        with transaction.atomic():
            # skip_locked: two runs at once (beat's and one asked for by a web process) never send a task twice.
            batch = list(PendingTask.objects.select_for_update(skip_locked=True)
                         .filter(id__gt=after).order_by("id")[:min(BATCH_SIZE, limit - sent)])
            if not batch:
                break
            done = []
            for pending in batch:
                after = pending.pk
                task = celery_app.tasks.get(pending.task)
                if task is None:  # renamed or removed by a deploy since: kept, with the reason, for the operator
                    PendingTask.objects.filter(pk=pending.pk).update(
                        attempts=F("attempts") + 1, last_error="no such task in this version of the app")
                    continue
                try:
                    _publish(task, pending.args, pending.kwargs)
                except BROKER_ERRORS as error:
                    PendingTask.objects.filter(pk=pending.pk).update(
                        attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:300])
                    PendingTask.objects.filter(pk__in=done).delete()
                    logger.warning("broker unreachable again after sending %d kept task(s)", sent + len(done))
                    return sent + len(done)
                done.append(pending.pk)
            PendingTask.objects.filter(pk__in=done).delete()
        sent += len(done)
    if sent:
        logger.info("sent %d task(s) kept while the broker was away", sent)
    return sent


def _producer_pool():
    """This process's producers, on connections to the broker with short timeouts (made again after a fork)."""
    key = (os.getpid(), celery_app.conf.broker_write_url or celery_app.conf.broker_url)
    pool = _producers.get(key)
    if pool is None:
        with _lock:
            pool = _producers.get(key)
            if pool is None:
                connection = celery_app.connection_for_write(
                    connect_timeout=SEND_TIMEOUT_SECONDS,
                    transport_options={"socket_connect_timeout": SEND_TIMEOUT_SECONDS,
                                       "socket_timeout": SEND_TIMEOUT_SECONDS})
                pool = ProducerPool(connection.Pool(limit=None), limit=None)
                _producers.clear()
                _producers[key] = pool
    return pool


def _publish(task, args, kwargs):
    with _producer_pool().acquire(block=True) as producer:
        task.apply_async(args, kwargs, producer=producer, ignore_result=True, retry=True,
                         retry_policy=SEND_RETRY_POLICY)


def _keep(name, args, kwargs, reason):
    try:
        PendingTask.objects.create(task=name, args=list(args), kwargs=dict(kwargs), last_error=reason[:300])
    except DatabaseError:
        logger.exception("task %s%r lost: neither the broker nor the database could take it", name, tuple(args))
        return False
    with _lock:
        _state["kept"] = True
    return False


def _ask_for_pending():
    """The broker is back: have a worker send what this process kept meanwhile."""
    from .tasks import send_pending_tasks

    try:
        _publish(send_pending_tasks, (), {})
    except BROKER_ERRORS:  # gone again; beat's next run sends them
        logger.warning("could not ask for the kept tasks to be sent", exc_info=True)
