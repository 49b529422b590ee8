"""Writing clicks: one durable commit per click, shared between the clicks that arrive together.

Every click is committed before its redirect is answered, so an answered click is never lost. On
PostgreSQL with CLICK_GROUP_COMMIT (for threaded workers: gunicorn gthread, as docker-compose.yml runs
it), clicks go through the process's writer thread, which writes those that arrived while a commit was
in flight together, in one transaction: two multi-row statements and one commit for the whole group
(group commit). A click still waits for its own group's commit; it just shares it. With sync workers
there is nothing to share: set CLICK_GROUP_COMMIT=0 and each click is written by its request in one
statement (a data-modifying CTE). On SQLite a repeat click is two statements.

Uniqueness ("the visitor's first human click on this link today") is settled by the database: each
human click is first offered as unique with `ON CONFLICT DO NOTHING` against the partial unique
constraint, which also decides races between parallel first clicks; what it refuses is written as not
unique. No error, rollback or dead row on the repeat path.
"""

import logging
import os
import queue
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction

from .models import Click

logger = logging.getLogger(__name__)

COLUMNS = ["link_id", "clicked_at", "day", "visitor_key", "referrer_domain", "is_bot", "is_unique"]
# A group never holds more than this many clicks (one statement's worth of parameters stays small).
MAX_GROUP = 200
# How long a request waits for the writer to take its click before writing it itself, and then, once
# taken, for the writer's commit.
WAIT_SECONDS = 10
TAKEN_WAIT_SECONDS = 60


class _Unconfirmed(Exception):
    """The writer has the click but has not committed yet: it must not be written a second time."""


def _params(values, unique):
    ops = connection.ops
    return [
        values["link_id"], ops.adapt_datetimefield_value(values["clicked_at"]),
        ops.adapt_datefield_value(values["day"]), values["visitor_key"], values["referrer_domain"],
        values["is_bot"], unique,
    ]


_statements = {}


def _insert(rows):
    """`INSERT ... VALUES (...), (...)` for `rows` (lists of parameters); the text is built once per size."""
    statement = _statements.get((connection.vendor, len(rows)))
    if statement is None:
        table = connection.ops.quote_name(Click._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
        placeholders = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
        statement = f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(rows))}"
        if len(_statements) < 1000:
            _statements[(connection.vendor, len(rows))] = statement
    return statement, [value for row in rows for value in row]


def write_group(group):
    """Write clicks (dicts of column values, without is_unique) in one transaction; [(id, unique)] in order."""
    results = [None] * len(group)
    with transaction.atomic(), connection.cursor() as cursor:
        # In key order, so two groups offering the same visitors' first clicks cannot deadlock.
        humans = sorted((index for index, values in enumerate(group) if not values["is_bot"]),
                        key=lambda index: (group[index]["link_id"], group[index]["visitor_key"]))
        if humans:
            sql, params = _insert([_params(group[index], True) for index in humans])
            cursor.execute(sql + " ON CONFLICT DO NOTHING RETURNING id, link_id, day, visitor_key", params)
            inserted = {(link_id, str(day), key): click_id for click_id, link_id, day, key in cursor.fetchall()}
            for index in humans:  # the first click of a visitor in the group takes the unique row
                values = group[index]
                click_id = inserted.pop((values["link_id"], str(values["day"]), values["visitor_key"]), None)
                if click_id is not None:
                    results[index] = (click_id, True)
        rest = [index for index, result in enumerate(results) if result is None]
        if rest:
            sql, params = _insert([_params(group[index], False) for index in rest])
            cursor.execute(sql + " RETURNING id", params)
            for index, (click_id,) in zip(rest, cursor.fetchall(), strict=True):
                results[index] = (click_id, False)
    return results


def _write_alone(values):
    """One click, one statement, one commit (a data-modifying CTE on PostgreSQL; on SQLite, which has
    none, the unique attempt then, if refused, the plain insert); returns (id, unique)."""
    sql, params = _insert([_params(values, True)])
    plain_sql, plain_params = _insert([_params(values, False)])
    with connection.cursor() as cursor:
        if values["is_bot"]:
            cursor.execute(plain_sql + " RETURNING id", plain_params)
            return cursor.fetchone()[0], False
        if connection.vendor != "postgresql":
            cursor.execute(sql + " ON CONFLICT DO NOTHING RETURNING id", params)
            row = cursor.fetchone()
            if row:
                return row[0], True
            cursor.execute(plain_sql + " RETURNING id", plain_params)
            return cursor.fetchone()[0], False
        cursor.execute(
            f"WITH first AS ({sql} ON CONFLICT DO NOTHING RETURNING id), "
            f"other AS ({plain_sql.replace(' VALUES (', ' SELECT ', 1).removesuffix(')')} "
            "WHERE NOT EXISTS (SELECT 1 FROM first) RETURNING id) "
            "SELECT id, TRUE FROM first UNION ALL SELECT id, FALSE FROM other",
            params + plain_params,
        )
        return cursor.fetchone()


def _with_reconnect(write, *args):
    # The write is its own health check: skip Django's extra `SELECT 1` (CONN_HEALTH_CHECKS); should the
    # connection turn out dead (a database restart since the last click), reconnect and write again.
    connection.health_check_done = True
    try:
        return write(*args)
    except (OperationalError, InterfaceError):
        connection.close()
        return write(*args)


QUEUED, TAKEN, ABANDONED = "queued", "taken", "abandoned"


@dataclass
class _Pending:
    values: dict
    done: threading.Event = field(default_factory=threading.Event)
    result: tuple | None = None
    error: BaseException | None = None
    # Who writes the click, decided once under the lock: the writer takes it, or the request, tired of
    # waiting, abandons it to write it itself; never both, so a click is never written twice.
    state: str = QUEUED
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self):
        with self.lock:
            if self.state == QUEUED:
                self.state = TAKEN
                return True
            return False

    def abandon(self):
        with self.lock:
            if self.state == QUEUED:
                self.state = ABANDONED
                return True
            return False


class _GroupCommitWriter:
    """The process's click writer thread: takes every click waiting, writes them in one transaction."""

    def __init__(self):
        self._queue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread = None
        self._pid = None
        # What this process's writer has committed: clicks, and the transactions they took.
        self.clicks_written = 0
        self.groups_written = 0

    def write(self, values):
        self._ensure_running()
        pending = _Pending(values)
        self._queue.put(pending)
        if not pending.done.wait(WAIT_SECONDS):
            if pending.abandon():  # the writer has not taken it: this request writes it instead
                raise TimeoutError("the click writer did not take the click in time")
            # The writer has it in a transaction: it will be written (or fail) once, by the writer.
            if not pending.done.wait(TAKEN_WAIT_SECONDS):
                raise _Unconfirmed("the click writer is still writing this click")
        if pending.error is not None:
            raise pending.error
        return pending.result

    def _ensure_running(self):
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        with self._lock:  # first click of this process (after a fork too), or the thread died
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._queue = queue.SimpleQueue()
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="click-writer", daemon=True)
                self._thread.start()

    def stop(self):
        """Let the thread finish what is queued, close its connection and end (tests, shutdown)."""
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is not None and thread.is_alive():
                self._queue.put(None)
                thread.join(WAIT_SECONDS)

    def _run(self):
        while True:
            first = self._queue.get()
            if first is None:
                connection.close()
                return
            group = [first] if first.take() else []
            while len(group) < MAX_GROUP:
                try:
                    pending = self._queue.get_nowait()
                except queue.Empty:
                    break
                if pending is None:
                    self._queue.put(None)  # stop after this group
                    break
                if pending.take():  # not abandoned by a request that stopped waiting
                    group.append(pending)
            if not group:
                continue
            try:
                close_old_connections()
                results = _with_reconnect(write_group, [pending.values for pending in group])
                for pending, result in zip(group, results, strict=True):
                    pending.result = result
                self.clicks_written += len(group)
                self.groups_written += 1
            except BaseException as error:  # each waiting request gets the error and writes alone
                logger.exception("a group of %d clicks could not be written together", len(group))
                for pending in group:
                    pending.error = error
            finally:
                for pending in group:
                    pending.done.set()


_writer = _GroupCommitWriter()


def write_click(values):
    """Commit one click (dict of column values without is_unique); returns (id, is_unique)."""
    if settings.CLICK_GROUP_COMMIT and connection.vendor == "postgresql":
        try:
            return _writer.write(values)
        except _Unconfirmed:
            raise  # the writer will write it: writing it here too would count it twice
        except Exception:  # the writer could not: this request writes its own click
            logger.warning("click writer failed; writing the click directly", exc_info=True)
    return _with_reconnect(_write_alone, values)
