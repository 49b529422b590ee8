"""What the benchmarks that generate a whole company with SQL share: their environment, their own PostgreSQL
database (a name ending in _bench), a marker row that lets a later run reuse what was generated, and a loader
connection tuned for bulk loads that can drop a table's indexes and give back the DDL to rebuild them."""

import json
import os
import secrets
import time
from urllib.parse import unquote, urlsplit


def configure(script, database_url, redis_url):
    """Point Django at the bench's own database and Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL overriding the
    defaults given), with production settings; a database name not ending in _bench is refused."""
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or database_url
    if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"{script} measures PostgreSQL: BENCH_DATABASE_URL must be a postgres:// URL.")
    if not urlsplit(os.environ["DATABASE_URL"]).path.rstrip("/").endswith("_bench"):
        raise SystemExit(f"{script} rebuilds its database: BENCH_DATABASE_URL must name one ending in _bench.")
    # The cache (and the leaderboards) in Redis, as in production.
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL") or redis_url
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "advocacy.settings"


def connect(url, dbname=None):
    import psycopg2

    parts = urlsplit(url)
    params = {"host": parts.hostname or "127.0.0.1", "port": parts.port or 5432,
              "user": unquote(parts.username or "postgres"), "dbname": dbname or unquote(parts.path.lstrip("/"))}
    if parts.password:
        params["password"] = unquote(parts.password)
    return psycopg2.connect(**params)


def existing_marker(url, table, scale, complete_key=None):
    """The details of the marker row of a database generated at `scale` by an earlier run (and, with
    `complete_key`, that got as far as recording it), or None."""
    import psycopg2

    try:
        connection = connect(url)
    except psycopg2.OperationalError:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0] is None:
                return None
            cursor.execute(f"SELECT scale, details FROM {table}")
            row = cursor.fetchone()
    finally:
        connection.close()
    if row is None or row[0] != scale or (complete_key and complete_key not in row[1]):
        return None
    return row[1]


def write_marker(table, scale, details):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {table} (scale text PRIMARY KEY, details jsonb NOT NULL)")
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} VALUES (%s, %s)", [scale, json.dumps(details)])


def drop_database(url):
    from psycopg2 import sql

    connection = connect(url, dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(unquote(urlsplit(url).path.lstrip("/")))))
    connection.close()


class Loader:
    """A connection of its own for the bulk load, with generous memory for sorts and index builds."""

    def __init__(self, url, script):
        self.script = script
        self.connection = connect(url)
        self.connection.autocommit = True
        for statement in ("SET work_mem = '256MB'", "SET maintenance_work_mem = '1GB'",
                          "SET synchronous_commit = off", "SELECT setseed(0.20261123)"):
            self.run(statement)

    def run(self, statement, params=None, label=None):
        began = time.perf_counter()
        with self.connection.cursor() as cursor:
            cursor.execute(statement, params)
            rows = cursor.rowcount
            result = cursor.fetchall() if cursor.description else None
        if label:
            print(f"  {label}: {rows:,} rows in {time.perf_counter() - began:.1f} s", flush=True)
        return result

    def value(self, statement, params=None):
        return self.run(statement, params)[0][0]

    def require_columns(self, table, columns):
        """Refuse early, and clearly, a table that gained a required column the bulk load does not fill."""
        missing = [row[0] for row in self.run(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND is_nullable = 'NO' "
            "AND column_default IS NULL AND is_identity = 'NO' AND NOT (column_name = ANY(%s))", [table, columns])]
        if missing:
            raise SystemExit(f"{self.script} does not know how to fill {table}.{', '.join(missing)}: "
                             "update its generate().")

    def drop_indexes(self, tables):
        """Drop the foreign keys, unique constraints and secondary indexes of `tables` (primary keys stay);
        return the DDL that recreates them, in the order to run it."""
        constraints = self.run(
            "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY contype DESC", [tables])
        for table, name, _kind, _definition in constraints:
            self.run(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        indexes = self.run(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", [tables])
        for name, _definition in indexes:
            self.run(f"DROP INDEX {name}")
        return ([definition for _name, definition in indexes]
                + [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                   for table, name, kind, definition in constraints if kind == "u"]
                + [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                   for table, name, kind, definition in constraints if kind == "f"])

    def close(self):
        self.connection.close()
