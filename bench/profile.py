"""Profiles of bench.suite's paths with pyinstrument, on one company, in a process of its own.

    python -m bench.profile --scale full|small|tiny [--database-url URL] [--redis-url URL]
                            --paths rollup,report_computed --out docs/profiles

Each path is run as bench.measure measures it (the day's rollup as when first filled, a page through Django's
test client with DEBUG=0), a few times under one pyinstrument session, and written as text to
`<out>/<path>.txt`: the call tree (frames under 1 % of the time left out, library frames grouped) and the frames
that spend the most time themselves (pyinstrument's flat view).
"""

import argparse
import os
import shlex
import sys
import time
from datetime import date
from pathlib import Path

from bench.measure import DEFAULT_REDIS_URL, LEADERBOARD_PATH

# name: (what it is, how many times it runs under the profiler)
PATHS = {
    "rollup": ("one day's rollup, `fill_day` of the busiest day of the middle month, as when first filled", 2),
    "report_computed": ("the report page computed from the rollups at the request (kept reports deleted first)",
                        10),
    "report_served": ("the report page as served from the cache", 50),
    "dashboard": ("the dashboard `/` for the employee in the program with the most shares", 20),
    "leaderboard_redis": ("`/leaderboard/?period=all` from Redis", 50),
    "leaderboard_database": ("`/leaderboard/?period=all` from the database (REDIS_URL empty, as while Redis is "
                             "away)", 3),
}
TREE_THRESHOLD = 0.01  # of the total time: smaller frames are left out of the tree
FLAT_LINES = 30
SQL_STATEMENTS = 5


def _prepare(name, month, day):
    """(a function running the path once, a function to call before each run or None, a function undoing what
    the preparation changed)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from bench.measure import admin_user, busiest_advocate, forget_reports, redis_client
    from metrics.services import fill_day
    from rewards import leaderboards

    if name == "rollup":
        def empty_day():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM metrics_dailystat WHERE day = %s", [day])
                cursor.execute("DELETE FROM metrics_dailypoints WHERE day = %s", [day])

        return (lambda: fill_day(day)), empty_day, lambda: None
    client = Client()
    if name.startswith("report"):
        client.force_login(admin_user())
        path = f"/reports/{month}/"
    else:
        client.force_login(busiest_advocate()[0])
        path = "/" if name == "dashboard" else LEADERBOARD_PATH
    if name.startswith("leaderboard") and not redis_client().exists(leaderboards.BUILT_KEY):
        leaderboards.rebuild()

    def get():
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")

    redis_url = settings.REDIS_URL

    def undo():
        settings.REDIS_URL = redis_url
        client.logout()

    if name == "report_served":
        get()
    if name == "leaderboard_database":
        settings.REDIS_URL = ""
    return get, (forget_reports if name == "report_computed" else None), undo


def profile(name, month, day):
    """Run path `name` PATHS[name][1] times under pyinstrument (after one unprofiled warm-up run), then once
    with its SQL captured; returns (session seconds, tree text, flat text, [(ms, sql)] slowest statements)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from bench.metrics import slowest

    run, before, undo = _prepare(name, month, day)
    profiler = Profiler()
    try:
        if before is not None:
            before()
        run()  # warm: the first request pays imports, template compilation and the connection
        for _ in range(PATHS[name][1]):
            if before is not None:
                before()
            profiler.start()
            run()
            profiler.stop()
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as captured:
            run()
    finally:
        undo()
    options = {"filter_threshold": TREE_THRESHOLD}
    tree = profiler.output_text(unicode=True, color=False, processor_options=options)
    flat = profiler.output_text(unicode=True, color=False, flat=True)
    # pyinstrument's banner is already above the tree.
    flat_lines = flat.splitlines()
    banner_end = next((i for i, line in enumerate(flat_lines) if line.startswith("Profile at")), -1)
    flat = "\n".join(flat_lines[banner_end + 1:]).strip("\n")
    return (profiler.last_session.duration, tree, flat,
            slowest(captured.captured_queries, SQL_STATEMENTS), len(captured.captured_queries))


def top_frames(flat_text, count=5):
    """The first `count` lines of pyinstrument's flat view that name a frame: [(seconds, frame)]."""
    frames = []
    for line in flat_text.splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            try:
                seconds = float(parts[0])
            except ValueError:
                continue
            frames.append((seconds, parts[1]))
        if len(frames) == count:
            break
    return frames


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", required=True)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_SUITE_REDIS_URL") or DEFAULT_REDIS_URL)
    parser.add_argument("--paths", required=True, help=f"comma-separated, of {', '.join(PATHS)}")
    parser.add_argument("--out", required=True, help="the directory the profiles are written to")
    parser.add_argument("--json", help="where to write a summary (per path: seconds, runs, top frames, slowest SQL)")
    arguments = parser.parse_args(argv)
    names = [name for name in arguments.paths.split(",") if name]
    unknown = set(names) - set(PATHS)
    if unknown or not names:
        parser.error(f"unknown paths: {', '.join(sorted(unknown)) or '(none)'}; choose from {', '.join(PATHS)}")
    if arguments.database_url:
        os.environ["BENCH_DATABASE_URL"] = arguments.database_url
    os.environ["BENCH_REDIS_URL"] = arguments.redis_url
    from importlib.metadata import version

    from bench import metrics

    marker = metrics.ensure_company(arguments.scale)
    month = metrics.middle_month(marker)
    day = metrics.busiest_day(month)
    out = Path(arguments.out)
    out.mkdir(parents=True, exist_ok=True)
    command = "python -m bench.profile" + "".join(" " + shlex.quote(arg) for arg in argv)
    summary = {}
    for name in names:
        began = time.perf_counter()
        seconds, tree, flat, statements, query_count = profile(name, month, day)
        what, count = PATHS[name]
        header = "\n".join([
            f"# Profile: {what}",
            f"# {arguments.scale} company ({marker['counts']['employees']:,} employees, "
            f"{marker['counts']['clicks']:,} clicks), month {month}, day {day}; {count} run(s) under pyinstrument "
            f"{version('pyinstrument')}, {seconds:.2f} s profiled; {date.today().isoformat()}",
            f"# Command: {command}",
            "",
        ])
        sql = "\n".join(f"{ms:8.1f} ms  {' '.join(statement.split())[:400]}" for ms, statement in statements)
        text = (header + "## Call tree (frames under 1 % of the time left out)\n\n" + tree.rstrip() + "\n\n"
                + f"## Frames by their own time (top {FLAT_LINES})\n\n"
                + "\n".join(flat.splitlines()[:FLAT_LINES]).rstrip() + "\n\n"
                + f"## The slowest SQL statements of one more run ({query_count} statements)\n\n" + sql + "\n")
        (out / f"{name}.txt").write_text(text)
        summary[name] = {"what": what, "runs": count, "seconds": seconds, "file": str(out / f"{name}.txt"),
                         "top": top_frames(flat, 8), "statements": query_count,
                         "sql": [[ms, " ".join(sql.split())[:300]] for ms, sql in statements]}
        print(f"  profiled {name}: {seconds:.2f} s over {count} run(s) in {time.perf_counter() - began:.0f} s; "
              f"wrote {out / (name + '.txt')}", flush=True)
    if arguments.json:
        import json

        Path(arguments.json).write_text(json.dumps(summary, indent=1))
    from django.db import connections

    connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
