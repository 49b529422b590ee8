"""Requests per second of the tracked-link redirect `/s/<code>`, beside a bare 302 view, under gunicorn.

    python -m bench.redirect [--workers N] [--threads 16] [--connections 32] [--duration 10]
                             [--rounds 2] [--generator auto|wrk|python] [--write]

One gunicorn (`--workers` × `--threads`, threaded as docker-compose.yml runs it) serves both `/s/<code>`
(look up the link, record a Click, 302) and `/bench/bare/<code>` (the same 302, no database). The two
are loaded in turn, bare then tracked, `--rounds` times, with the same load generator, so both see the
same machine. The figure is the ratio tracked / bare; the goal is at least 0.5 with every redirect
recorded as a human click. See bench/README.md.
"""

import argparse
import asyncio
import contextlib
import datetime
import json
import multiprocessing
import os
import platform
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bench.processes import stop_group, wait_for_302

BASE_DIR = Path(__file__).resolve().parent.parent
DOCS_FILE = BASE_DIR / "docs" / "benchmarks.md"
SECTION_TITLE = "## Tracked-link redirect"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/advocacy_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
HOST = "127.0.0.1"
# A desktop browser, so every request is a human click (crawlerdetect lets it through).
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
GOAL_RATIO = 0.5
WARMUP_SECONDS = 2
REQUEST_TIMEOUT = 30  # seconds, for either load generator

BENCH_EMAIL = "bench-advocate@example.com"
BENCH_POST_TITLE = "Benchmark post (bench/redirect.py)"
BENCH_POST_URL = "https://www.example.com/news/benchmark?lang=en"
BENCH_NETWORK = "linkedin"

BARE_PATH = "/bench/bare/{code}"
TRACKED_PATH = "/s/{code}"
SERVER_CLICK_ERROR = "could not record a click"


# --- Results ----------------------------------------------------------------------------------

@dataclass
class Run:
    """One timed load of one target."""

    target: str  # "bare" or "tracked"
    round: int
    generator: str
    requests: int  # responses received
    seconds: float
    redirects: int  # 3xx responses
    non_3xx: int
    errors: int  # connect/read/write errors and timeouts
    p50_ms: float
    p99_ms: float
    error_detail: dict = field(default_factory=dict)
    clicks_added: int | None = None  # Click rows for the link after minus before
    human_clicks_added: int | None = None
    exact: bool = True  # did the generator finish every request it sent before stopping?

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(fraction * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


# --- The built-in load generator: asyncio, raw HTTP/1.1, one coroutine per connection -----------

class BadResponse(Exception):
    pass


async def read_response(reader):
    """Read one response; return (status, server_keeps_connection)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split(" ", 2)[1])
    except (IndexError, ValueError) as error:
        raise BadResponse(lines[0]) from error
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip().lower()
    keep_alive = headers.get("connection") != "close"
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif "chunked" in headers.get("transfer-encoding", ""):
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif not keep_alive:
        await reader.read()
    return status, keep_alive


async def connection_loop(port, request_bytes, deadline, result, timeout=REQUEST_TIMEOUT):
    """Send requests one after another until the deadline, then finish the one in flight; count each answer's
    latency and status, and each failure by kind, in `result` ({"latencies", "statuses", "errors", "last_end"})."""
    reader = writer = None
    while time.monotonic() < deadline:
        reused = writer is not None
        started = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(request_bytes)
            status, keep_alive = await asyncio.wait_for(read_response(reader), timeout)
        except asyncio.IncompleteReadError as error:
            writer.close()
            reader = writer = None
            if reused and not error.partial:
                continue  # an idle keep-alive connection the server had closed: nothing was served
            result["errors"]["read"] = result["errors"].get("read", 0) + 1
            continue
        except (OSError, asyncio.TimeoutError, BadResponse, ValueError) as error:
            if writer is not None:
                writer.close()
            reader = writer = None
            kind = "timeout" if isinstance(error, asyncio.TimeoutError) else type(error).__name__
            result["errors"][kind] = result["errors"].get(kind, 0) + 1
            continue
        finished = time.monotonic()
        result["latencies"].append(finished - started)
        result["statuses"][status] = result["statuses"].get(status, 0) + 1
        result["last_end"] = max(result["last_end"], finished)
        if not keep_alive:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _load(port, path, connections, start_at, duration):
    result = {"latencies": [], "statuses": {}, "errors": {}, "last_end": start_at}
    request_bytes = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUser-Agent: {USER_AGENT}\r\n"
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
        "Accept-Language: es-ES,es;q=0.9,en;q=0.8\r\nConnection: keep-alive\r\n\r\n"
    ).encode()
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    deadline = start_at + duration
    await asyncio.gather(*(connection_loop(port, request_bytes, deadline, result) for _ in range(connections)))
    return result


def _load_process(port, path, connections, start_at, duration, queue):
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    queue.put(asyncio.run(_load(port, path, connections, start_at, duration)))


def python_load(port, path, connections, duration, target, round_number):
    """Load `path` with `connections` keep-alive connections spread over one process per CPU.

    Every request sent is answered before the run ends, so the counts are exact.
    """
    from django.db import connections as db_connections

    db_connections.close_all()  # never share a database socket with the forked children
    process_count = max(1, min(os.cpu_count() or 1, connections))
    shares = [connections // process_count + (i < connections % process_count) for i in range(process_count)]
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start_at = time.monotonic() + 0.5
    processes = [
        context.Process(target=_load_process, args=(port, path, share, start_at, duration, queue), daemon=True)
        for share in shares
    ]
    try:
        for process in processes:
            process.start()
        results = [queue.get(timeout=duration + REQUEST_TIMEOUT + 60) for _ in processes]
        for process in processes:
            process.join(timeout=10)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
    latencies = sorted(latency for result in results for latency in result["latencies"])
    statuses, errors = {}, {}
    for result in results:
        for status, count in result["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
        for kind, count in result["errors"].items():
            errors[kind] = errors.get(kind, 0) + count
    redirects = sum(count for status, count in statuses.items() if 300 <= status < 400)
    last_end = max(result["last_end"] for result in results)
    return Run(
        target=target, round=round_number, generator="python",
        requests=len(latencies), seconds=max(last_end - start_at, 1e-9),
        redirects=redirects, non_3xx=len(latencies) - redirects, errors=sum(errors.values()),
        p50_ms=percentile(latencies, 0.50) * 1000, p99_ms=percentile(latencies, 0.99) * 1000,
        error_detail=errors, exact=True,
    )


# --- wrk ----------------------------------------------------------------------------------------

# Each wrk thread counts the statuses it receives; done() adds the threads up and prints one JSON line.
WRK_SCRIPT = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  redirects = 0
  others = 0
end

function response(status, headers, body)
  if status >= 300 and status < 400 then
    redirects = redirects + 1
  else
    others = others + 1
  end
end

function done(summary, latency, requests)
  local r, o = 0, 0
  for _, thread in ipairs(threads) do
    r = r + thread:get("redirects")
    o = o + thread:get("others")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %.0f, "duration_us": %.0f, "redirects": %.0f, "others": %.0f, ' ..
    '"p50_us": %.0f, "p99_us": %.0f, "connect": %.0f, "read": %.0f, "write": %.0f, "timeout": %.0f}\n',
    summary.requests, summary.duration, r, o, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout))
end
"""


def wrk_version():
    try:
        completed = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    words = (completed.stdout + completed.stderr).split()
    return words[1] if len(words) > 1 and words[0] == "wrk" else None


def wrk_load(port, path, connections, duration, target, round_number, script_path):
    """Load `path` with wrk; wrk stops mid-request, so up to `connections` requests go uncounted."""
    threads = max(1, min(os.cpu_count() or 1, connections))
    command = [
        "wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s",
        "--timeout", f"{REQUEST_TIMEOUT}s", "-H", f"User-Agent: {USER_AGENT}",
        "-H", "Accept-Language: es-ES,es;q=0.9,en;q=0.8", "-s", str(script_path), f"http://{HOST}:{port}{path}",
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=duration + REQUEST_TIMEOUT + 60)
    line = next((line for line in completed.stdout.splitlines() if line.startswith("BENCH_JSON ")), None)
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    errors = {kind: int(data[kind]) for kind in ("connect", "read", "write", "timeout") if data[kind]}
    return Run(
        target=target, round=round_number, generator="wrk",
        requests=int(data["requests"]), seconds=data["duration_us"] / 1e6,
        redirects=int(data["redirects"]), non_3xx=int(data["others"]), errors=sum(errors.values()),
        p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000, error_detail=errors, exact=False,
    )


# --- Environment, database, fixture ---------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def configure_environment(port):
    """The production-like settings both the runner and gunicorn read (see the README's table)."""
    # Its own variable, never the app's DATABASE_URL: the bench writes a post, a user and clicks, and
    # empties its link's clicks; it refuses a database whose name does not end in "_bench".
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    os.environ["REDIS_URL"] = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)
    os.environ["ALLOWED_HOSTS"] = HOST
    os.environ["SITE_URL"] = f"http://{HOST}:{port}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench.redirect measures PostgreSQL: BENCH_DATABASE_URL must be a postgres:// URL.")
    if not urlsplit(os.environ["DATABASE_URL"]).path.rstrip("/").endswith("_bench"):
        raise SystemExit("bench.redirect writes into its database: BENCH_DATABASE_URL must name one ending in _bench.")


def ensure_database(database_url):
    """Create the benchmark database if it does not exist yet (connecting to `postgres` to do it)."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(database_url)
    name = unquote(parts.path.lstrip("/"))
    params = {
        "host": parts.hostname or "127.0.0.1", "port": parts.port or 5432,
        "user": unquote(parts.username or "postgres"), "dbname": "postgres",
    }
    if parts.password:
        params["password"] = unquote(parts.password)
    connection = psycopg2.connect(**params)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created database {name}")
    finally:
        connection.close()


def ensure_fixture():
    """The user, the live approved post and the tracked link to measure; created once, reused after."""
    from django.utils import timezone

    from advocacy.models import TrackedLink, User
    from advocacy.services import destination_with_utm
    from content_library.models import Post

    user = User.objects.filter(email=BENCH_EMAIL).first() or User.objects.create_user(BENCH_EMAIL)
    now = timezone.now()
    post = Post.objects.filter(title=BENCH_POST_TITLE, created_by=user).first()
    if post is None:
        post = Post.objects.create(
            title=BENCH_POST_TITLE, url=BENCH_POST_URL, created_by=user,
            status=Post.Status.APPROVED, publish_at=now - datetime.timedelta(days=1),
        )
    elif post.status != Post.Status.APPROVED or post.publish_at > now or post.expires_at:
        Post.objects.filter(pk=post.pk).update(
            status=Post.Status.APPROVED, publish_at=now - datetime.timedelta(days=1), expires_at=None
        )
    link, _created = TrackedLink.objects.get_or_create(
        employee=user, post=post, network=BENCH_NETWORK,
        defaults={"destination": destination_with_utm(post, BENCH_NETWORK)},
    )
    return link


def forget_previous_clicks(link):
    """Start every run from the same table: drop the bench link's clicks of earlier runs."""
    from django.db import connection

    from advocacy.models import Click

    deleted = Click.objects.filter(link=link).delete()[0]
    with connection.cursor() as cursor:
        cursor.execute(f'VACUUM ANALYZE "{Click._meta.db_table}"')
    return deleted


def click_counts(link):
    """(all, human) Click rows of the link, once the server has stopped adding them."""
    from django.db.models import Count, Q

    from advocacy.models import Click

    def count():
        return tuple(
            Click.objects.filter(link=link)
            .aggregate(total=Count("id"), human=Count("id", filter=Q(is_bot=False)))
            .values()
        )

    previous = count()
    for _ in range(50):  # a request cut off by the load generator may still be finishing
        time.sleep(0.2)
        current = count()
        if current == previous:
            return current
        previous = current
    return previous


# --- gunicorn -------------------------------------------------------------------------------------

@contextlib.contextmanager
def gunicorn(port, workers, threads, log_path):
    """gunicorn serving bench.settings on 127.0.0.1:<port>; always stopped on the way out."""
    command = [
        sys.executable, "-m", "gunicorn", "advocacy.wsgi:application",
        "--workers", str(workers), "--threads", str(threads), "--bind", f"{HOST}:{port}",
        "--log-level", "warning", "--error-logfile", "-",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl+C reaches only us; we stop gunicorn ourselves
        )
    try:
        wait_for_302(process, "gunicorn", port, BARE_PATH.format(code="ready"), log_path, timeout=60,
                     headers={"User-Agent": USER_AGENT})
        yield process
    finally:
        stop_group(process)


# --- Machine and report ---------------------------------------------------------------------------

def machine_description():
    cpu_model, cpu_count, memory = platform.processor() or "unknown CPU", os.cpu_count(), "unknown"
    with contextlib.suppress(OSError):
        cpuinfo = Path("/proc/cpuinfo").read_text()
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
        if models:
            cpu_model, cpu_count = models[0], len(models)
    with contextlib.suppress(OSError, ValueError, IndexError):
        meminfo = Path("/proc/meminfo").read_text()
        kilobytes = int(next(line for line in meminfo.splitlines() if line.startswith("MemTotal")).split()[1])
        memory = f"{kilobytes / 1024 / 1024:.1f} GiB RAM"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    return {
        "cpu": f"{cpu_model} × {cpu_count}",
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "software": (
            f"Python {platform.python_version()}, Django {package_version('django')}, "
            f"gunicorn {package_version('gunicorn')}, PostgreSQL {postgres}"
        ),
    }


def _format_int(value):
    return f"{value:,}"


def round_table(runs):
    rows = [
        "| round | target | requests/s | p50 ms | p99 ms | 3xx | non-3xx | errors | clicks added | human |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        path = BARE_PATH if run.target == "bare" else TRACKED_PATH
        clicks = "–" if run.clicks_added is None else _format_int(run.clicks_added)
        human = "–" if run.human_clicks_added is None else _format_int(run.human_clicks_added)
        label = "check" if run.round == 0 else str(run.round)
        generator = "" if run.generator == runs[0].generator else f" ({run.generator})"
        rows.append(
            f"| {label} | {run.target} `{path.format(code='<code>')}`{generator} | {run.rps:,.0f} | "
            f"{run.p50_ms:.1f} | {run.p99_ms:.1f} | {_format_int(run.redirects)} | {_format_int(run.non_3xx)} | "
            f"{_format_int(run.errors)} | {clicks} | {human} |"
        )
    return "\n".join(rows)


def summarize(runs, connections, server_click_errors):
    """The figures and the two verdicts."""
    timed = [run for run in runs if run.round > 0]
    by_target = {target: [run for run in timed if run.target == target] for target in ("bare", "tracked")}
    rps = {
        target: sum(run.requests for run in group) / sum(run.seconds for run in group)
        for target, group in by_target.items()
    }
    ratio = rps["tracked"] / rps["bare"] if rps["bare"] else 0.0
    round_ratios = [
        tracked.rps / bare.rps if bare.rps else 0.0
        for bare, tracked in zip(by_target["bare"], by_target["tracked"])
    ]
    worst = {
        target: (max(run.p50_ms for run in group), max(run.p99_ms for run in group))
        for target, group in by_target.items()
    }
    failures = {
        target: (sum(run.non_3xx for run in group), sum(run.errors for run in group))
        for target, group in by_target.items()
    }
    # Exact checks: a run whose generator answered every request it sent (the Python one).
    exact = [run for run in runs if run.target == "tracked" and run.exact and run.clicks_added is not None]
    problems = []
    for run in exact:
        if run.clicks_added != run.redirects or run.human_clicks_added != run.redirects:
            problems.append(
                f"round {run.round or 'check'}: {run.redirects:,} redirects, {run.clicks_added:,} clicks "
                f"({run.human_clicks_added:,} human)"
            )
        if run.non_3xx or run.errors:
            problems.append(f"round {run.round or 'check'}: {run.non_3xx} non-3xx, {run.errors} errors")
    # wrk stops with requests in flight: the server may record up to `connections` more than it counted.
    for run in runs:
        if run.target == "tracked" and not run.exact and run.clicks_added is not None:
            if not (run.redirects <= run.human_clicks_added <= run.clicks_added <= run.redirects + connections):
                problems.append(
                    f"round {run.round}: wrk counted {run.redirects:,} redirects, {run.clicks_added:,} clicks "
                    f"({run.human_clicks_added:,} human) are not within the {connections} requests in flight"
                )
    if server_click_errors:
        problems.append(f"the server logged {server_click_errors} '{SERVER_CLICK_ERROR}' errors")
    if any(sum(pair) for pair in failures.values()):
        problems.append(f"non-3xx or errors: {failures}")
    recorded = sum(run.redirects for run in exact)
    clicks_ok = bool(exact) and not problems
    clicks_line = (
        f"{'PASS' if clicks_ok else 'FAIL'}: every click recorded "
        + (f"({recorded:,} redirects served, {recorded:,} human clicks recorded, counted exactly)"
           if clicks_ok else "(" + ("; ".join(problems) or "no exact count was made") + ")")
    )
    ratio_ok = ratio >= GOAL_RATIO
    ratio_line = (
        f"{'PASS' if ratio_ok else 'FAIL'}: tracked ≥ {GOAL_RATIO} × bare throughput "
        f"(ratio {ratio:.2f}: {rps['tracked']:,.0f} / {rps['bare']:,.0f} requests/s)"
    )
    summary = "\n".join([
        "| | bare `/bench/bare/<code>` | tracked `/s/<code>` |",
        "|---|---:|---:|",
        f"| requests/s, all rounds | {rps['bare']:,.0f} | {rps['tracked']:,.0f} |",
        f"| p50 ms, worst round | {worst['bare'][0]:.1f} | {worst['tracked'][0]:.1f} |",
        f"| p99 ms, worst round | {worst['bare'][1]:.1f} | {worst['tracked'][1]:.1f} |",
        f"| non-3xx / errors | {failures['bare'][0]} / {failures['bare'][1]} | "
        f"{failures['tracked'][0]} / {failures['tracked'][1]} |",
        f"| **tracked / bare** | | **{ratio:.2f}** (goal ≥ {GOAL_RATIO}; per round "
        f"{', '.join(f'{value:.2f}' for value in round_ratios)}) |",
    ])
    return summary, clicks_line, ratio_line, clicks_ok and ratio_ok


def write_section(text, title=None):
    """Replace a section of docs/benchmarks.md (its `## title` line up to the next ##); by default the
    "Tracked-link redirect" one."""
    title = title or SECTION_TITLE
    DOCS_FILE.parent.mkdir(parents=True, exist_ok=True)
    current = DOCS_FILE.read_text() if DOCS_FILE.exists() else "# Benchmarks\n"
    lines = current.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == title), None)
    section = text.rstrip("\n") + "\n"
    if start is None:
        new = current.rstrip("\n") + "\n\n" + section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        tail = "".join(lines[end:])
        new = "".join(lines[:start]) + section + ("\n" + tail if tail else "")
    DOCS_FILE.write_text(new)


# --- Main -----------------------------------------------------------------------------------------

def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.redirect", description=__doc__.split("\n\n")[0])
    cpus = os.cpu_count() or 1
    parser.add_argument("--workers", type=int, default=2 * cpus, help=f"gunicorn workers (default 2 × {cpus} CPUs)")
    parser.add_argument("--threads", type=int, default=16,
                        help="threads per worker (default 16, gthread, as docker-compose.yml runs it; 1: sync)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per timed run (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="bare-then-tracked rounds (default 2)")
    parser.add_argument(
        "--generator", choices=["auto", "wrk", "python"], default="auto",
        help="load generator: wrk if it is on PATH (auto), or the built-in Python one",
    )
    parser.add_argument(
        "--write", action="store_true", help=f"replace the section of {DOCS_FILE.relative_to(BASE_DIR)}"
    )
    arguments = parser.parse_args(argv)
    if min(arguments.workers, arguments.threads, arguments.connections, arguments.duration, arguments.rounds) < 1:
        parser.error("--workers, --threads, --connections, --duration and --rounds must be at least 1")
    return arguments


def _raise_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    arguments = parse_arguments(argv)
    signal.signal(signal.SIGTERM, _raise_on_sigterm)  # so `finally` stops gunicorn on a kill too
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background

    port = free_port()
    configure_environment(port)
    ensure_database(os.environ["DATABASE_URL"])
    sys.path.insert(0, str(BASE_DIR))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    link = ensure_fixture()
    os.environ["BENCH_REDIRECT_DESTINATION"] = link.destination
    forgotten = forget_previous_clicks(link)

    wrk = wrk_version() if arguments.generator in ("auto", "wrk") else None
    if arguments.generator == "wrk" and wrk is None:
        raise SystemExit("--generator wrk: wrk is not on PATH (apt-get install wrk), or drop the flag.")
    generator = "wrk" if wrk else "python"
    machine = machine_description()
    load_before = os.getloadavg()[0]
    bare_path, tracked_path = BARE_PATH.format(code=link.code), TRACKED_PATH.format(code=link.code)
    print(
        f"gunicorn: {arguments.workers} workers × {arguments.threads} thread(s) on {HOST}:{port}; load: {generator}"
        f"{' ' + wrk if wrk else ''}, {arguments.connections} connections, {arguments.duration} s × "
        f"{arguments.rounds} rounds per target; link {link.code} ({forgotten} earlier clicks dropped)",
        flush=True,
    )

    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-redirect-") as workdir:
        script = Path(workdir) / "count.lua"
        script.write_text(WRK_SCRIPT)
        log_path = Path(workdir) / "gunicorn.log"

        def load(path, duration, target, round_number, use=generator):
            if use == "wrk":
                return wrk_load(port, path, arguments.connections, duration, target, round_number, script)
            return python_load(port, path, arguments.connections, duration, target, round_number)

        def tracked(duration, round_number, use=generator):
            before = click_counts(link)
            run = load(tracked_path, duration, "tracked", round_number, use)
            after = click_counts(link)
            run.clicks_added, run.human_clicks_added = after[0] - before[0], after[1] - before[1]
            return run

        with gunicorn(port, arguments.workers, arguments.threads, log_path):
            print(f"warming up ({WARMUP_SECONDS} s each)…", flush=True)
            load(bare_path, WARMUP_SECONDS, "bare", 0)
            load(tracked_path, WARMUP_SECONDS, "tracked", 0)
            for round_number in range(1, arguments.rounds + 1):
                for target in ("bare", "tracked"):
                    if target == "bare":
                        run = load(bare_path, arguments.duration, "bare", round_number)
                    else:
                        run = tracked(arguments.duration, round_number)
                    runs.append(run)
                    print(
                        f"  round {round_number} {target:7}: {run.rps:8,.0f} requests/s  p50 {run.p50_ms:6.1f} ms  "
                        f"p99 {run.p99_ms:6.1f} ms  3xx {run.redirects:,}  non-3xx {run.non_3xx}  "
                        f"errors {run.errors}"
                        + (f"  clicks +{run.clicks_added:,}" if run.clicks_added is not None else ""),
                        flush=True,
                    )
            if generator == "wrk":
                # wrk cannot say how many requests it left in flight; the Python generator finishes them.
                run = tracked(arguments.duration, 0, use="python")
                runs.append(run)
                print(
                    f"  exact click check (python): {run.redirects:,} redirects, "
                    f"{run.clicks_added:,} clicks added ({run.human_clicks_added:,} human)", flush=True,
                )
        server_log = log_path.read_text(errors="replace")
    server_click_errors = server_log.count(SERVER_CLICK_ERROR)

    summary, clicks_line, ratio_line, passed = summarize(runs, arguments.connections, server_click_errors)
    table = round_table(runs)
    command = "python -m bench.redirect" + "".join(" " + shlex.quote(arg) for arg in argv)
    print("\n" + table + "\n\n" + summary + "\n\n" + clicks_line + "\n" + ratio_line)

    if arguments.write:
        today = datetime.date.today().isoformat()
        generator_note = (
            f"wrk {wrk} ({min(os.cpu_count() or 1, arguments.connections)} threads); the exact click count is a "
            "separate run of the built-in Python generator (row *check*), because wrk stops with requests in flight"
            if wrk
            else "the built-in Python generator (asyncio, one process per CPU), which finishes every request it sends"
        )
        write_section("\n".join([
            SECTION_TITLE,
            "",
            "`/s/<code>` (look up the link, record a Click, 302) against `/bench/bare/<code>` (the same 302 from a",
            "view that never touches the database), on the same gunicorn, loaded in turn. Goal: tracked / bare ≥ 0.5,",
            "with every redirect recorded as a human click.",
            "",
            f"- **Date**: {today}",
            f"- **Machine**: {machine['cpu']}, {machine['memory']}, {machine['os']}; 1-minute load average "
            f"{load_before:.2f} before the run (anything else running shares the CPUs with both targets)",
            f"- **Software**: {machine['software']}",
            f"- **Command**: `{command}` (BENCH_DATABASE_URL `{_redacted(os.environ['DATABASE_URL'])}`, "
            f"REDIS_URL `{_redacted(os.environ['REDIS_URL']) or 'none'}`)",
            f"- **Set-up**: gunicorn {arguments.workers} workers × {arguments.threads} thread(s) "
            f"({'sync' if arguments.threads == 1 else 'gthread'}), DEBUG=0; {arguments.connections} "
            f"connections, {arguments.duration} s per run, {arguments.rounds} rounds of bare then tracked after "
            f"{WARMUP_SECONDS} s of warm-up each; load from {generator_note}; the load generator, PostgreSQL and "
            "gunicorn share the machine. Every request has the same IP and a Chrome-on-Windows user agent, so after "
            "the first one each click takes the repeat-visitor path (its unique offer is refused and it is written as "
            "not unique, in the one statement its group shares), and the bot check is always answered from memory "
            "(real traffic pays crawlerdetect's 150-300 µs match once per distinct user agent and process).",
            "",
            summary,
            "",
            f"- {clicks_line}",
            f"- {ratio_line}",
            "",
            "Each run" + (
                f" (wrk leaves up to {arguments.connections} requests in flight when it stops, which the server "
                "still answers and records: a wrk round's clicks added can exceed its 3xx by that much; the *check* "
                "row counts exactly):" if wrk else ":"
            ),
            "",
            table,
        ]))
        print(f"\nwrote the {SECTION_TITLE.lstrip('# ')!r} section of {DOCS_FILE.relative_to(BASE_DIR)}")
    return 0 if passed else 1


def _redacted(url):
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted; gunicorn stopped", file=sys.stderr)
        sys.exit(130)
