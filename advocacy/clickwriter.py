"""Writing clicks: one durable commit per click, shared between the clicks that arrive together.

Every click is committed before its redirect is answered, so an answered click is never lost. On
PostgreSQL a click, or a group of them, is one statement run in autocommit: its own transaction, in one
round trip, committed (WAL flushed, as the server's synchronous_commit has it) before execute() returns.
The statement is prepared once per database connection, so it is parsed and planned once, not per click.

With CLICK_GROUP_COMMIT (for threaded workers: gunicorn gthread, as docker-compose.yml runs it), clicks
go through the process's writer thread, which writes those that arrived while its previous commit was
in flight together, in that one statement: one commit for the whole group (group commit). A click still
waits for its own group's commit; it just shares it. With sync workers there is nothing to share: set
CLICK_GROUP_COMMIT=0 and each click is written by its request, the same statement for a group of one.
On SQLite (development) a repeat click is two statements.

Uniqueness ("the visitor's first human click on this link today") is settled by the database: each
human click is first offered as unique with `ON CONFLICT ... DO NOTHING` against the partial unique
constraint, which also decides races between parallel first clicks; what it refuses is written as not
unique. No error, rollback or dead row on the repeat path.
"""

import logging
import os
import queue
import threading
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connection, transaction

from .models import Click

logger = logging.getLogger(__name__)

COLUMNS = ["link_id", "clicked_at", "day", "visitor_key", "referrer_domain", "is_bot", "is_unique"]
# A group never holds more than this many clicks (one statement's worth of parameters stays small).
MAX_GROUP = 200
# How long a request waits for the writer to take its click before writing it itself, and then, once
# taken, for the writer's commit.
WAIT_SECONDS = 10
TAKEN_WAIT_SECONDS = 60
# When clicks are arriving together (the writer's last group had more than one, and the next came within
# this long of its commit), the writer waits this long after the first click of a group for the others on
# their way, so that one commit serves more of them: each commit costs the database far more than each
# click in it (a statement and a WAL flush, ~200 µs of PostgreSQL's CPU, against ~15-25 µs per click; see
# docs/benchmarks.md). A full group ends the wait early, which only happens with more than MAX_GROUP
# threads; so on a busy server each click waits up to this long, and a click after a quiet moment never
# waits. 0 turns it off.
GATHER_SECONDS = 0.005


class _Unconfirmed(Exception):
    """The writer has the click but has not committed yet: it must not be written a second time."""


# --- PostgreSQL: one statement for a whole group ------------------------------------------------

def write_group(group):
    """Write clicks (dicts of column values, without is_unique) and commit them; [(id, unique)] in order.

    On PostgreSQL the whole group is one statement (see _GROUP_SQL); elsewhere one transaction of two
    multi-row statements.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            _execute_group(cursor, _group_arrays(group))
            return cursor.fetchall()
    return _write_group_portably(group)


def _group_arrays(group):
    """The group statement's parameters: one array per column, and whether each click is offered as
    unique (a human's first click in the group for its link, day and visitor; the database decides)."""
    offered = set()
    offer = []
    for values in group:
        key = None if values["is_bot"] else (values["link_id"], values["day"], values["visitor_key"])
        offer.append(key is not None and key not in offered)
        offered.add(key)
    return [
        [values["link_id"] for values in group], [values["clicked_at"] for values in group],
        [values["day"] for values in group], [values["visitor_key"] for values in group],
        [values["referrer_domain"] for values in group], [values["is_bot"] for values in group], offer,
    ]


# `rows` numbers the clicks and draws their ids from the table's sequence; `first` offers the human
# first clicks as unique, in key order (so two groups offering the same visitors cannot deadlock), and
# the partial unique constraint refuses those whose visitor already has today's unique click, also one
# a parallel statement is committing (the insert waits for it); `other` writes the rest, refused offers
# included, as not unique. The ids tie each answer to its click, whatever order the inserts ran in.
_GROUP_SQL = """
WITH rows AS MATERIALIZED (
    SELECT nextval({sequence}::regclass) AS id, given.*
    FROM unnest({parameters})
        WITH ORDINALITY AS given (link_id, clicked_at, day, visitor_key, referrer_domain, is_bot, offer, ord)
), first AS (
    INSERT INTO {table} ({columns})
    SELECT id, link_id, clicked_at, day, visitor_key, referrer_domain, is_bot, TRUE FROM rows WHERE offer
    ORDER BY link_id, day, visitor_key
    ON CONFLICT (link_id, day, visitor_key) WHERE is_unique DO NOTHING
    RETURNING id
), other AS (
    INSERT INTO {table} ({columns})
    SELECT id, link_id, clicked_at, day, visitor_key, referrer_domain, is_bot, FALSE FROM rows
    WHERE id NOT IN (SELECT id FROM first)
)
SELECT rows.id, first.id IS NOT NULL FROM rows LEFT JOIN first USING (id) ORDER BY rows.ord
"""
_GROUP_TYPES = ["bigint[]", "timestamptz[]", "date[]", "varchar[]", "varchar[]", "boolean[]", "boolean[]"]
_GROUP_STATEMENT = "advocacy_click_group"
_EXECUTE = f"EXECUTE {_GROUP_STATEMENT} ({', '.join(['%s'] * len(_GROUP_TYPES))})"
_UNDEFINED_PREPARED_STATEMENT = "26000"

# Per thread, as Django's connections are: the database connection the statement was prepared on.
_prepared = threading.local()
# Cleared for good if prepared statements do not survive between statements on this database (a pooler
# in transaction mode hands each statement to whichever server connection is free).
_use_prepared = True
_plain_sql = {}


def _group_sql(cursor, parameters):
    """The statement's text for this database (its click table and id sequence), once per process."""
    key = (connection.alias, parameters)
    if key not in _plain_sql:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Click._meta.db_table])
        quote = connection.ops.quote_name
        _plain_sql[key] = _GROUP_SQL.format(
            sequence="'" + cursor.fetchone()[0].replace("'", "''") + "'", table=quote(Click._meta.db_table),
            columns=", ".join(quote(column) for column in ["id", *COLUMNS]), parameters=parameters,
        )
    return _plain_sql[key]


def _execute_group(cursor, arrays):
    """Run the group statement: prepared on first use on each database connection (parsed and planned
    once, not per group: it saves the database a third of its work per group); a prepared statement lasts
    as long as its connection, rolled-back transactions included. Where prepared statements do not last
    (DISCARD ALL, a pooler in transaction mode), the statement is sent whole instead."""
    global _use_prepared
    if _use_prepared:
        fresh = getattr(_prepared, "connection", None) is not connection.connection
        if fresh:
            cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [_GROUP_STATEMENT])
            if cursor.fetchone() is None:
                parameters = ", ".join(f"${number}" for number in range(1, len(_GROUP_TYPES) + 1))
                sql = _group_sql(cursor, parameters)
                cursor.execute(f"PREPARE {_GROUP_STATEMENT} ({', '.join(_GROUP_TYPES)}) AS {sql}")
            _prepared.connection = connection.connection
        try:
            cursor.execute(_EXECUTE, arrays)
            return
        except DatabaseError as error:
            if getattr(error.__cause__, "pgcode", None) != _UNDEFINED_PREPARED_STATEMENT:
                raise
            _prepared.connection = None
            if connection.in_atomic_block:  # the transaction is spoilt: the caller writes again
                raise
            if fresh:
                _use_prepared = False
                logger.warning("prepared statements do not last on this database connection (a pooler in "
                               "transaction mode?): clicks are written without them")
    cursor.execute(_group_sql(cursor, ", ".join(f"%s::{type_}" for type_ in _GROUP_TYPES)), arrays)


# --- Other databases (SQLite in development): plain multi-row inserts ----------------------------

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


def _write_group_portably(group):
    results = [None] * len(group)
    with transaction.atomic(), connection.cursor() as cursor:
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
    """One click, one commit; returns (id, unique). On PostgreSQL the group statement for a group of one;
    elsewhere (no data-modifying CTEs) the unique attempt then, if refused, the plain insert."""
    if connection.vendor == "postgresql":
        return write_group([values])[0]
    with connection.cursor() as cursor:
        if not values["is_bot"]:
            sql, params = _insert([_params(values, True)])
            cursor.execute(sql + " ON CONFLICT DO NOTHING RETURNING id", params)
            row = cursor.fetchone()
            if row:
                return row[0], True
        sql, params = _insert([_params(values, False)])
        cursor.execute(sql + " RETURNING id", params)
        return cursor.fetchone()[0], False


def _with_reconnect(write, *args):
    # The write is its own health check: skip Django's extra `SELECT 1` (CONN_HEALTH_CHECKS); should the
    # connection turn out dead (a database restart since the last click), reconnect and write again.
    connection.health_check_done = True
    try:
        return write(*args)
    except (OperationalError, InterfaceError):
        connection.close()
        return write(*args)


# --- The writer thread --------------------------------------------------------------------------

QUEUED, TAKEN, ABANDONED = "queued", "taken", "abandoned"
# Who writes a click is decided once, under this lock: the writer takes it, or its request, tired of
# waiting, abandons it to write it itself; never both, so a click is never written twice.
_claims = threading.Lock()


class _Pending:
    """A click waiting for the writer. `done` is held until the writer has an answer for it (a bare lock:
    the cheapest thing a thread can sleep on and another wake it from)."""

    __slots__ = ("values", "done", "result", "error", "state")

    def __init__(self, values):
        self.values = values
        self.done = threading.Lock()
        self.done.acquire()
        self.result = self.error = None
        self.state = QUEUED

    def take(self):
        with _claims:
            if self.state == QUEUED:
                self.state = TAKEN
                return True
            return False

    def abandon(self):
        with _claims:
            if self.state == QUEUED:
                self.state = ABANDONED
                return True
            return False

    def wait(self, seconds):
        return self.done.acquire(timeout=seconds)


class _GroupCommitWriter:
    """The process's click writer thread: takes every click waiting, writes them in one statement."""

    def __init__(self):
        self._queue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread = None
        self._pid = None
        # What this process's writer has committed: clicks, and the commits they took.
        self.clicks_written = 0
        self.groups_written = 0
        self._last_group_size = 0
        self._last_commit_end = 0.0  # time.monotonic() when the last group was answered
        # While the writer gathers a group: how many clicks it waits for, and the lock it sleeps on,
        # released by the request that brings that many.
        self._gather_target = 0
        self._gathered = None

    def write(self, values):
        self._ensure_running()
        pending = _Pending(values)
        self._queue.put(pending)
        if self._gather_target and self._queue.qsize() >= self._gather_target:
            self._stop_gathering()
        if not pending.wait(WAIT_SECONDS):
            if pending.abandon():  # the writer has not taken it: this request writes it instead
                raise TimeoutError("the click writer did not take the click in time")
            # The writer has it in a transaction: it will be written (or fail) once, by the writer.
            if not pending.wait(TAKEN_WAIT_SECONDS):
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

    def _next_group(self):
        """Wait for a click, then take every click waiting behind it; None when told to stop."""
        first = self._queue.get()
        if first is None:
            return None
        group = [first] if first.take() else []
        # Clicks are arriving together when the last group had several and this one came while it was being
        # written or just after; after a quiet moment a click is written at once, whatever came before.
        if (GATHER_SECONDS and self._last_group_size > 1
                and time.monotonic() - self._last_commit_end < GATHER_SECONDS):
            self._gather(MAX_GROUP - 1)
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
        return group

    def _gather(self, behind):
        """Sleep until `behind` more clicks are waiting (the rest of a full group), or GATHER_SECONDS have
        passed."""
        self._gathered = threading.Lock()
        self._gathered.acquire()
        self._gather_target = behind
        if self._queue.qsize() < behind:
            self._gathered.acquire(timeout=GATHER_SECONDS)
        self._gather_target = 0

    def _stop_gathering(self):
        gathered = self._gathered
        try:
            gathered.release()
        except RuntimeError:  # another request released it first
            pass

    def _run(self):
        while (group := self._next_group()) is not None:
            if not group:
                continue
            try:
                close_old_connections()
                results = _with_reconnect(write_group, [pending.values for pending in group])
                for pending, result in zip(group, results, strict=True):
                    pending.result = result
                self.clicks_written += len(group)
                self.groups_written += 1
                self._last_group_size = len(group)
            except BaseException as error:  # each waiting request gets the error and writes alone
                logger.exception("a group of %d clicks could not be written together", len(group))
                for pending in group:
                    pending.error = error
                self._last_group_size = 0
            finally:
                self._last_commit_end = time.monotonic()
                for pending in group:
                    pending.done.release()
        connection.close()


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
