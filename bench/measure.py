"""One company's measurements for bench.suite, in a process of its own (Django's database settings are fixed per
process, so the suite starts one of these per company and combines their JSON).

    python -m bench.measure --scale full|small|tiny [--database-url URL] [--redis-url URL]
                            [--parts pages,rollup,worker,web] [--nginx] --json PATH

The company is bench.metrics' at that scale, in its database (generated and backfilled first unless a complete
one is there: its marker row says so; it is always kept). The parts:

- `pages`: the dashboard `/` for the employee in the program with the most shares, the report page
  `/reports/<YYYY-MM>/` of the company's middle month as a superuser (computed from the rollups, the kept reports
  deleted from the cache before each request, then as served from the cache) and `/leaderboard/?period=all` for
  the same employee (from Redis after `rewards.leaderboards.rebuild()`, then from the database, as while Redis
  is away), through Django's test client in this process with DEBUG=0: p50/p95/p99 after warm-up, and the SQL
  queries of one more request;
- `rollup`: `fill_day` of the busiest day of the middle month beside the same day's figures from the raw
  events (bench.metrics.measure_day);
- `worker`: a real Celery worker (`--pool=solo`) on the bench's Redis running that day's rollup and the report
  preparation (bench.tasks), and its peak resident set (VmHWM) after boot and after the task;
- `web`: one gunicorn (bench.settings, as bench.redirect runs it) on this company: `/s/<code>` for one of the
  company's links beside the bare view's same 302 (and, with `--nginx`, nginx's `return 302`), clicks recorded
  checked against redirects served; then the three pages requested over HTTP; the workers' VmHWM after boot and
  after all that. The clicks, the day's visitor salt and the sessions it added are deleted at the end.
"""

import argparse
import contextlib
import json
import math
import os
import shlex
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
PARTS = ("pages", "rollup", "worker", "web")
LEADERBOARD_PATH = "/leaderboard/?period=all"
WARMUP = 3


# --- Helpers -------------------------------------------------------------------------------------------------

def nearest_rank(sorted_values, fraction):
    """The nearest-rank percentile: the smallest value with at least `fraction` of the values at or below it (of
    40 values, p95 is the 38th and p99 the 40th)."""
    if not sorted_values:
        return None
    return sorted_values[max(1, math.ceil(fraction * len(sorted_values) - 1e-9)) - 1]


def summarize_timings(timings):
    """p50, p95, p99 of milliseconds."""
    values = sorted(timings)
    return {"p50": nearest_rank(values, 0.50), "p95": nearest_rank(values, 0.95),
            "p99": nearest_rank(values, 0.99), "requests": len(values)}


ROLLUP_TABLES = ("metrics_dailystat", "metrics_dailypoints", "metrics_dailysummary", "metrics_monthlystat",
                 "metrics_monthlypoints", "metrics_monthlysummary", "metrics_monthlypoststat",
                 "metrics_monthlyemployeestat")


def vacuum_rollup_tables():
    """VACUUM (ANALYZE) the tables the rollup rewrites: what autovacuum does in a deployment, done here because a
    server may run without it (this machine's shared one does) and each rollup measured leaves a day's and a
    month's rows dead, which would slow the next run's reports."""
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_dead_tup), 0)::bigint FROM pg_stat_user_tables WHERE relname = ANY(%s)",
                       [list(ROLLUP_TABLES)])
        dead = cursor.fetchone()[0]
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
        for table in ROLLUP_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return {"seconds": time.perf_counter() - began, "dead_rows": dead, "autovacuum": autovacuum}


def time_requests(client, path, requests, warmup=WARMUP, before=None):
    """GET `path` `warmup` times, then `requests` timed times (`before()` ahead of each), then once more with its
    SQL captured: p50/p95/p99 in ms and the queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        if before is not None:
            before()
        began = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - began) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return elapsed

    for _ in range(warmup):
        get()
    timings = [get() for _ in range(requests)]
    if before is not None:
        before()
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return {**summarize_timings(timings), "queries": len(captured),
            "query_ms": sum(float(query["time"]) for query in captured.captured_queries) * 1000}


def redis_client():
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.REDIS_URL)


def forget_reports():
    """Delete the kept reports (the only thing the report page keeps in the cache), so the next request computes
    its report from the rollups; the leaderboards in the same Redis database stay."""
    client = redis_client()
    keys = list(client.scan_iter("*kpi-report:v1:*", count=1000))
    if keys:
        client.delete(*keys)


def busiest_advocate():
    """The employee in the program with the most shares: the dashboard's and the leaderboard's viewer."""
    from django.db.models import Count

    from advocacy.models import Share, User
    from advocacy.selectors import in_the_program

    row = (Share.objects.filter(in_the_program("employee__profile__")).values("employee_id")
           .annotate(n=Count("id")).order_by("-n", "employee_id").first())
    return User.objects.select_related("profile").get(pk=row["employee_id"]), row["n"]


def admin_user():
    from advocacy.models import User
    from bench.metrics import ADMIN_EMAIL

    return User.objects.get(email=ADMIN_EMAIL)


# --- Parts ---------------------------------------------------------------------------------------------------

def measure_pages(month, requests, slow_requests):
    from django.conf import settings
    from django.test import Client

    from bench.leaderboard import clear_boards
    from rewards import leaderboards

    employee, shares = busiest_advocate()
    employee_client, admin_client = Client(), Client()
    employee_client.force_login(employee)
    admin_client.force_login(admin_user())
    report_path = f"/reports/{month}/"
    try:
        print(f"  dashboard / for employee {employee.pk} ({shares} shares) ×{requests}…", flush=True)
        dashboard = time_requests(employee_client, "/", requests)
        print(f"  {report_path} computed from the rollups ×{requests}…", flush=True)
        computed = time_requests(admin_client, report_path, requests, before=forget_reports)
        admin_client.get(report_path)  # computed once more and kept
        print(f"  {report_path} as served from the cache ×{requests}…", flush=True)
        served = time_requests(admin_client, report_path, requests)
        cleared = clear_boards(redis_client())
        print(f"  rebuilding the leaderboards ({cleared} keys deleted first)…", flush=True)
        summary = leaderboards.rebuild()
        if not summary.get("rebuilt"):
            raise RuntimeError(f"the leaderboards were not rebuilt: {summary}")
        if leaderboards.boards(employee, "all").source != "redis":
            raise RuntimeError("the leaderboard is not read from Redis after its rebuild")
        print(f"  {LEADERBOARD_PATH} from Redis ×{requests}…", flush=True)
        board_redis = time_requests(employee_client, LEADERBOARD_PATH, requests)
        redis_url = settings.REDIS_URL
        settings.REDIS_URL = ""  # what the page does while Redis is away: the ledger's aggregates
        try:
            if leaderboards.boards(employee, "all").source != "database":
                raise RuntimeError("the leaderboard did not fall back to the database")
            print(f"  {LEADERBOARD_PATH} from the database ×{slow_requests}…", flush=True)
            board_database = time_requests(employee_client, LEADERBOARD_PATH, slow_requests, warmup=1)
        finally:
            settings.REDIS_URL = redis_url
    finally:
        employee_client.logout()
        admin_client.logout()
    return {
        "viewer": {"id": employee.pk, "shares": shares},
        "rebuild": {"seconds": summary["seconds"], "boards": summary.get("boards"), "rows": summary.get("rows")},
        "pages": {
            "dashboard": {"path": "/", **dashboard},
            "report_computed": {"path": report_path, **computed},
            "report_served": {"path": report_path, **served},
            "leaderboard_redis": {"path": LEADERBOARD_PATH, **board_redis},
            "leaderboard_database": {"path": LEADERBOARD_PATH, **board_database},
        },
    }


def measure_rollup(day):
    from bench.metrics import measure_day

    print(f"  fill_day({day}) and the raw one-day query…", flush=True)
    rollup = measure_day(day)
    agrees = all(rollup["rolled"][key] == rollup["raw"][key] for key in rollup["raw"])
    return {key: rollup[key] for key in ("seconds", "all", "rerun_seconds", "rerun_all", "compute_day", "award",
                                         "queries", "raw_seconds", "raw_all", "rolled", "raw")} | {
        "agrees": agrees, "slowest": [[ms, sql[:300]] for ms, sql in rollup["slowest"]]}


def measure_worker(day, workdir):
    from bench import tasks
    from bench.memory import celery_worker, status_kib
    from advocacy.celery import app

    app.control.purge()  # nothing left from an interrupted run in the bench's queue
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "advocacy.settings"}
    log_path = Path(workdir) / "celery.log"
    print(f"  a Celery worker (--pool=solo) running fill_day({day}) and the report preparation…", flush=True)
    with celery_worker(log_path, env) as process:
        boot_kib = status_kib(process.pid)
        began = time.perf_counter()
        result = tasks.roll_up_day_and_prepare_reports.delay(day.isoformat()).get(timeout=1800)
        seconds = time.perf_counter() - began
        peak_kib = status_kib(process.pid)
    if result["pid"] != process.pid:
        raise RuntimeError(f"the task ran in process {result['pid']}, not in the worker measured ({process.pid})")
    return {"boot_kib": boot_kib, "peak_kib": peak_kib, "task": result, "seconds": seconds}


def _http_get(port, path, cookie, log_path):
    import http.client

    from bench.processes import tail
    from bench.redirect import HOST, USER_AGENT

    began = time.perf_counter()
    # A connection per request, so the workers' accepts spread them (a kept-alive one stays with one worker).
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    connection.request("GET", path, headers={"Cookie": cookie, "User-Agent": USER_AGENT, "Connection": "close"})
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path} over HTTP answered {response.status}; the server's log:\n{tail(log_path)}")
    return (time.perf_counter() - began) * 1000


def _session_cookie(user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def measure_web(month, arguments, workdir):
    from django.db import connection
    from django.db.models import Max

    from advocacy.models import Click, DailySalt, TrackedLink
    from advocacy.views import _NO_CACHE_HEADERS
    from bench import nginx, redirect
    from bench.memory import child_pids, status_kib
    from rewards import leaderboards

    link = TrackedLink.objects.order_by("id").first()
    last_click = Click.objects.aggregate(last=Max("id"))["last"] or 0
    salts = set(DailySalt.objects.values_list("pk", flat=True))
    port = redirect.free_port()
    # The gunicorn's environment (bench.redirect's, with bench.web_settings): the bare view answers the same 302.
    os.environ.update({"DJANGO_SETTINGS_MODULE": "bench.web_settings", "ALLOWED_HOSTS": redirect.HOST,
                       "SITE_URL": f"http://{redirect.HOST}:{port}", "BENCH_REDIRECT_DESTINATION": link.destination})
    wrk = redirect.wrk_version() if arguments.generator in ("auto", "wrk") else None
    if arguments.generator == "wrk" and wrk is None:
        raise SystemExit("--generator wrk: wrk is not on PATH (apt-get install wrk), or drop the flag.")
    generator = "wrk" if wrk else "python"
    nginx_binary = nginx.find_nginx() if arguments.nginx else None
    nginx_port = redirect.free_port() if nginx_binary else None
    script = Path(workdir) / "count.lua"
    script.write_text(redirect.WRK_SCRIPT)
    log_path = Path(workdir) / "gunicorn.log"
    tracked_path = redirect.TRACKED_PATH.format(code=link.code)
    paths = {"bare": redirect.BARE_PATH.format(code=link.code), "tracked": tracked_path, "nginx": tracked_path}
    employee, _shares = busiest_advocate()
    employee_client, employee_cookie = _session_cookie(employee)
    admin_client, admin_cookie = _session_cookie(admin_user())
    runs, pages_http = [], {}

    def load(target, duration, round_number, use=generator):
        target_port = nginx_port if target == "nginx" else port
        if use == "wrk":
            run = redirect.wrk_load(target_port, paths[target], arguments.connections, duration, target,
                                    round_number, script)
        else:
            run = redirect.python_load(target_port, paths[target], arguments.connections, duration, target,
                                       round_number)
        return run

    def tracked(duration, round_number, use=generator):
        before = redirect.click_counts(link)
        run = load("tracked", duration, round_number, use)
        after = redirect.click_counts(link)
        run.clicks_added, run.human_clicks_added = after[0] - before[0], after[1] - before[1]
        return run

    targets = (("nginx",) if nginx_binary else ()) + ("bare", "tracked")
    try:
        with contextlib.ExitStack() as stack:
            server = stack.enter_context(redirect.gunicorn(port, arguments.workers, arguments.threads, log_path))
            if nginx_binary:
                stack.enter_context(nginx.running(nginx_binary, nginx_port, link.destination,
                                                  Path(workdir) / "nginx", _NO_CACHE_HEADERS))
            workers = child_pids(server.pid)
            boot = {pid: status_kib(pid) for pid in workers}
            print(f"  gunicorn {arguments.workers} × {arguments.threads} on port {port}"
                  + (f", nginx on port {nginx_port}" if nginx_binary else "")
                  + f"; {generator}, {arguments.connections} connections, link {link.code}", flush=True)
            for target in targets:
                load(target, redirect.WARMUP_SECONDS, 0)
            for round_number in range(1, arguments.rounds + 1):
                for target in targets:
                    run = tracked(arguments.duration, round_number) if target == "tracked" else \
                        load(target, arguments.duration, round_number)
                    runs.append(run)
                    print(f"    round {round_number} {target:7}: {run.rps:9,.0f} requests/s  p50 {run.p50_ms:6.1f} ms"
                          f"  p99 {run.p99_ms:6.1f} ms  3xx {run.redirects:,}  non-3xx {run.non_3xx}  errors "
                          f"{run.errors}" + (f"  clicks +{run.clicks_added:,}" if run.clicks_added is not None
                                             else ""), flush=True)
            if generator == "wrk":
                run = tracked(arguments.duration, 0, use="python")  # wrk stops with requests in flight
                runs.append(run)
                print(f"    exact click check (python): {run.redirects:,} redirects, {run.clicks_added:,} clicks "
                      f"added ({run.human_clicks_added:,} human)", flush=True)
            # The pages, over HTTP, so the workers measured have served them too.
            report_path = f"/reports/{month}/"
            if not redis_client().exists(leaderboards.BUILT_KEY):
                leaderboards.rebuild()
            timings = {"dashboard": [], "report_computed": [], "report_served": [], "leaderboard_redis": []}
            for _ in range(arguments.web_requests):
                timings["dashboard"].append(_http_get(port, "/", employee_cookie, log_path))
                forget_reports()
                timings["report_computed"].append(_http_get(port, report_path, admin_cookie, log_path))
                timings["report_served"].append(_http_get(port, report_path, admin_cookie, log_path))
                timings["leaderboard_redis"].append(_http_get(port, LEADERBOARD_PATH, employee_cookie, log_path))
            pages_http = {name: summarize_timings(values) for name, values in timings.items()}
            after = {pid: status_kib(pid) for pid in workers}
            master = status_kib(server.pid)
        server_log = log_path.read_text(errors="replace")
    finally:
        employee_client.logout()
        admin_client.logout()
        added = Click.objects.filter(link=link, id__gt=last_click).delete()[0]
        DailySalt.objects.exclude(pk__in=salts).delete()
        with connection.cursor() as cursor:
            cursor.execute(f'VACUUM ANALYZE "{Click._meta.db_table}"')
        print(f"  removed the {added:,} clicks the run added", flush=True)
    click_errors = server_log.count(redirect.SERVER_CLICK_ERROR)
    compared = [run for run in runs if run.target in ("bare", "tracked")]
    _summary, clicks_line, _ratio_line, _passed = redirect.summarize(compared, arguments.connections, click_errors)
    exact = [run for run in runs if run.target == "tracked" and run.exact and run.clicks_added is not None]
    return {
        "link": link.code, "port": port, "generator": generator, "wrk": wrk,
        "nginx": nginx.nginx_version(nginx_binary) if nginx_binary else None,
        "workers": arguments.workers, "threads": arguments.threads, "connections": arguments.connections,
        "duration": arguments.duration, "rounds": arguments.rounds,
        "runs": [asdict(run) | {"rps": run.rps} for run in runs],
        "clicks_ok": clicks_line.startswith("PASS"), "clicks_line": clicks_line,
        "exact_redirects": sum(run.redirects for run in exact),
        "exact_clicks": sum(run.human_clicks_added for run in exact),
        "server_click_errors": click_errors, "clicks_removed": added,
        "pages_http": pages_http, "web_requests": arguments.web_requests,
        "memory": {"boot_kib": boot, "after_kib": after, "master_kib": master},
    }


# --- Main ----------------------------------------------------------------------------------------------------

def context(marker, month, day):
    from bench.metrics import database_size, postgres_settings
    from bench.redirect import machine_description

    return {"machine": machine_description(), "postgres_settings": postgres_settings(),
            "database_size": database_size(), "counts": marker["counts"], "generated_on": marker["generated_on"],
            "generation_seconds": marker.get("generation_seconds"), "first_day": marker["first_day"],
            "last_day": marker["last_day"], "month": str(month), "day": day.isoformat()}


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.measure", description=__doc__.split("\n\n")[0])
    cpus = os.cpu_count() or 1
    parser.add_argument("--scale", required=True, help="bench.metrics' scale: full, small or tiny")
    parser.add_argument("--database-url", help="the company's database (default: bench.metrics' for the scale)")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_SUITE_REDIS_URL") or DEFAULT_REDIS_URL,
                        help=f"cache, leaderboards and Celery broker (default {DEFAULT_REDIS_URL})")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, of {', '.join(PARTS)}")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page (default 40)")
    parser.add_argument("--slow-requests", type=int, default=5,
                        help="timed requests of the leaderboard from the database (default 5)")
    parser.add_argument("--web-requests", type=int, default=5,
                        help="requests of each page over HTTP in the web part (default 5)")
    parser.add_argument("--workers", type=int, default=2 * cpus)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=10, help="seconds per redirect load (default 10)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--nginx", action="store_true", help="also load nginx's return 302 (where installed)")
    parser.add_argument("--json", required=True, help="where to write the results")
    arguments = parser.parse_args(argv)
    arguments.parts = [part for part in arguments.parts.split(",") if part]
    unknown = set(arguments.parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    if min(arguments.requests, arguments.slow_requests, arguments.web_requests, arguments.workers,
           arguments.threads, arguments.connections, arguments.duration, arguments.rounds) < 1:
        parser.error("counts and durations must be at least 1")
    return arguments


def redacted(url):
    """A URL with its password, if any, replaced by ***."""
    from urllib.parse import urlsplit

    password = urlsplit(url).password
    return url.replace(f":{password}@", ":***@", 1) if password else url


def _raise_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    arguments = parse_arguments(argv)
    import signal

    signal.signal(signal.SIGTERM, _raise_on_sigterm)  # so `finally` cleans up on a kill too
    if arguments.database_url:
        os.environ["BENCH_DATABASE_URL"] = arguments.database_url
    os.environ["BENCH_REDIS_URL"] = arguments.redis_url
    from bench import metrics

    began = time.perf_counter()
    marker = metrics.ensure_company(arguments.scale)
    month = metrics.middle_month(marker)
    day = metrics.busiest_day(month)
    results = {"scale": arguments.scale, "database_url": redacted(os.environ["DATABASE_URL"]),
               "redis_url": redacted(arguments.redis_url),
               "command": "python -m bench.measure" + "".join(" " + shlex.quote(arg) for arg in argv),
               "context": context(marker, month, day), "seconds": {}}
    results["vacuum"] = vacuum_rollup_tables()
    print(f"{arguments.scale} company ({results['database_url']}), {month}, busiest day {day}: ready in "
          f"{time.perf_counter() - began:.0f} s (the rollup's tables vacuumed in {results['vacuum']['seconds']:.0f} s: "
          f"{results['vacuum']['dead_rows']:,} dead rows; autovacuum {results['vacuum']['autovacuum']})", flush=True)
    from django.db import connections

    from bench.leaderboard import clear_boards

    try:
        with tempfile.TemporaryDirectory(prefix="bench-measure-") as workdir:
            for part in arguments.parts:
                began = time.perf_counter()
                if part == "pages":
                    results["pages"] = measure_pages(month, arguments.requests, arguments.slow_requests)
                elif part == "rollup":
                    results["rollup"] = measure_rollup(day)
                elif part == "worker":
                    results["worker"] = measure_worker(day, workdir)
                elif part == "web":
                    results["web"] = measure_web(month, arguments, workdir)
                results["seconds"][part] = time.perf_counter() - began
        vacuum_rollup_tables()  # leave the kept company as clean as it was found
    finally:
        clear_boards(redis_client())  # a shared Redis should not keep the bench's boards
        connections.close_all()
    Path(arguments.json).write_text(json.dumps(results, indent=1, default=str))
    print(f"{arguments.scale}: " + ", ".join(f"{part} {seconds:.0f} s" for part, seconds in results["seconds"].items()),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
