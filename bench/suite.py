"""Every hot path at company scale, each beside its baseline measured in the same run: `make bench`.

    python -m bench.suite [--small] [--requests 20] [--duration 10] [--rounds 2] [--profiles auto] [--write]

The company is bench.metrics' (full: 10,000 employees, 5,000 posts, 1,000,000 shares and 10,000,000 clicks over
12 months; `--small`: 1/100 of it), in its own database, generated and backfilled by the first run and reused by
the next ones (a marker row says a database is complete); the baseline company is bench.metrics' `tiny` one (10
employees with the same activity each), reused too. Each company is measured by a child process of its own
(`python -m bench.measure`, Django's database settings being fixed per process), the baseline first:

- `/s/<code>` requests/s under gunicorn, beside the bare Django view's same 302 on the same server and nginx's
  `return 302` (a private nginx on a loopback port, where nginx is installed), clicks recorded = redirects served;
- the dashboard, the report page (computed from the rollups, and as served from the cache) and the leaderboard
  (from Redis, and from the database): p50/p95/p99 and SQL queries, beside the same page on the tiny company;
- one day's rollup (`fill_day`), beside the same day's figures computed from the raw events;
- the peak memory (VmHWM) of a gunicorn worker after the redirect load and the pages, and of a Celery worker
  after the day's rollup and the report preparation, each beside the same on the tiny company;

then profiles the two slowest paths with pyinstrument (`python -m bench.profile`). It prints a table; `--write`
puts it at the top of docs/benchmarks.md (and the profiles in docs/profiles/, and, at full scale, the figures in
the README's Performance paragraph between its `make bench` markers). See bench/README.md.
"""

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DOCS_FILE = BASE_DIR / "docs" / "benchmarks.md"
README_FILE = BASE_DIR / "README.md"
PROFILES_DIR = BASE_DIR / "docs" / "profiles"
SECTION_TITLE = "## Company-scale harness (`make bench`)"
README_START = "<!-- make bench: start -->"
README_END = "<!-- make bench: end -->"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
METRICS_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/advocacy_metrics_bench"
BASELINE_SCALE = "tiny"
QUIET_LOAD = 1.5

REDIRECT_TARGET = 0.5  # tracked / bare requests per second, at least
ROLLUP_TARGET_S = 10.0  # one day's rollup, under
REPORT_P95_TARGET_MS = 300.0  # the report page's p95, under

PAGES = (
    ("dashboard", "dashboard `/`"),
    ("report_computed", "report `/reports/<YYYY-MM>/` computed from the rollups (kept reports deleted first)"),
    ("report_served", "report as served from the cache"),
    ("leaderboard_redis", "leaderboard `/leaderboard/?period=all` from Redis (after `rebuild()`)"),
    ("leaderboard_database", "leaderboard from the database (Redis away)"),
)
PROFILE_CANDIDATES = ("rollup",) + tuple(key for key, _label in PAGES)


# --- Figures, ratios and verdicts (pure) -------------------------------------------------------------------

def database_url(scale):
    """bench.metrics' database for a scale."""
    return METRICS_DATABASE_URL if scale == "full" else METRICS_DATABASE_URL.replace("_bench", f"_{scale}_bench")


def ratio(value, baseline):
    """value / baseline, or None when either is missing or the baseline is zero."""
    if value is None or not baseline:
        return None
    return value / baseline


def verdict(met):
    """The met? column: yes, **no**, or empty when the measurement has no target."""
    if met is None:
        return ""
    return "yes" if met else "**no**"


def at_least(value, target):
    return None if value is None else value >= target


def under(value, target):
    return None if value is None else value < target


def format_ratio(value):
    if value is None:
        return "–"
    if value >= 100:
        return f"×{value:,.0f}"
    if value >= 10:
        return f"×{value:.1f}"
    return f"×{value:.2f}"


def format_ms(value):
    if value is None:
        return "–"
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    return f"{value:.1f} ms"


def format_mib(kib):
    return "–" if kib is None else f"{kib / 1024:.0f} MiB"


def markdown_table(header, rows, align=None):
    """A Markdown table; `align` is one of "l"/"r" per column (default: the first left, the others right)."""
    align = align or ["l"] + ["r"] * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if side == "l" else "---:" for side in align) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def throughput(runs):
    """Requests per second per target over its timed rounds (round 0, the warm-up or the exact check, left out):
    all requests over all seconds, as bench.redirect sums them."""
    totals = {}
    for run in runs:
        if run["round"] < 1:
            continue
        requests, seconds = totals.get(run["target"], (0, 0.0))
        totals[run["target"]] = (requests + run["requests"], seconds + run["seconds"])
    return {target: requests / seconds for target, (requests, seconds) in totals.items() if seconds}


def round_ratios(runs, numerator="tracked", denominator="bare"):
    """numerator / denominator requests per second for each round."""
    by_round = {}
    for run in runs:
        if run["round"] >= 1:
            by_round.setdefault(run["round"], {})[run["target"]] = run["rps"]
    return [pair[numerator] / pair[denominator] for _round, pair in sorted(by_round.items())
            if pair.get(denominator) and numerator in pair]


def peak_worker_kib(memory, key="after_kib"):
    values = [value for value in memory[key].values() if value is not None]
    return max(values) if values else None


def summary_rows(company, baseline):
    """The main table: [measurement, figure, baseline, what the baseline is, ratio, target, met?]."""
    rows = []
    web, base_web = company.get("web"), baseline.get("web")
    if web:
        rps = throughput(web["runs"])
        tracked, bare, served_by_nginx = rps.get("tracked"), rps.get("bare"), rps.get("nginx")
        redirect_ratio = ratio(tracked, bare)
        rows.append(["`/s/<code>` requests/s under gunicorn", f"{tracked:,.0f}", f"{bare:,.0f}",
                     "the bare Django view's same 302, same server, in turn",
                     format_ratio(redirect_ratio), f"≥ {REDIRECT_TARGET} × bare",
                     verdict(at_least(redirect_ratio, REDIRECT_TARGET))])
        if served_by_nginx:
            rows.append(["… beside nginx", f"{tracked:,.0f}", f"{served_by_nginx:,.0f}",
                         "nginx `return 302`, same headers, in turn", format_ratio(ratio(tracked, served_by_nginx)),
                         "", ""])
        rows.append(["clicks recorded = redirects served (exact count)",
                     f"{web['exact_clicks']:,} human clicks", f"{web['exact_redirects']:,} redirects",
                     "the 302s the load generator received", format_ratio(ratio(web["exact_clicks"],
                                                                               web["exact_redirects"])),
                     "all recorded", verdict(web["clicks_ok"])])
    pages, base_pages = company.get("pages"), baseline.get("pages")
    if pages and base_pages:
        for key, label in PAGES:
            page, base = pages["pages"][key], base_pages["pages"][key]
            target = key.startswith("report")
            rows.append([f"{label} p95", f"{format_ms(page['p95'])} ({page['queries']} queries)",
                         f"{format_ms(base['p95'])} ({base['queries']} queries)",
                         "the same page for the same kind of user, 10-employee company",
                         format_ratio(ratio(page["p95"], base["p95"])),
                         f"< {REPORT_P95_TARGET_MS:.0f} ms" if target else "",
                         verdict(under(page["p95"], REPORT_P95_TARGET_MS) if target else None)])
    rollup = company.get("rollup")
    if rollup:
        day = company["context"]["day"]
        rows.append([f"one day's rollup `fill_day({day})`, as when first filled (median of {len(rollup['all'])})",
                     f"{rollup['seconds']:.2f} s", f"{rollup['raw_seconds']:.3f} s",
                     f"the same day's {rollup['raw']['rows']:,} rows from the raw events (one SQL aggregate, "
                     "no writes)", format_ratio(ratio(rollup["seconds"], rollup["raw_seconds"])),
                     f"< {ROLLUP_TARGET_S:.0f} s", verdict(under(rollup["seconds"], ROLLUP_TARGET_S))])
        rows.append(["… the same day filled again, nothing changed", f"{rollup['rerun_seconds']:.2f} s",
                     f"{rollup['raw_seconds']:.3f} s", "", format_ratio(ratio(rollup["rerun_seconds"],
                                                                              rollup["raw_seconds"])),
                     f"< {ROLLUP_TARGET_S:.0f} s", verdict(under(rollup["rerun_seconds"], ROLLUP_TARGET_S))])
    if web and base_web:
        peak, base_peak = peak_worker_kib(web["memory"]), peak_worker_kib(base_web["memory"])
        rows.append([f"peak memory of a gunicorn worker (VmHWM, the largest of {web['workers']}) after the redirect "
                     "load and the pages", format_mib(peak), format_mib(base_peak),
                     "the same server, load and requests on the 10-employee company",
                     format_ratio(ratio(peak, base_peak)), "", ""])
    worker, base_worker = company.get("worker"), baseline.get("worker")
    if worker and base_worker:
        rows.append(["peak memory of a Celery worker (VmHWM, `--pool=solo`) after the day's rollup and the report "
                     "preparation", format_mib(worker["peak_kib"]), format_mib(base_worker["peak_kib"]),
                     "the same worker and task on the 10-employee company (its busiest day)",
                     format_ratio(ratio(worker["peak_kib"], base_worker["peak_kib"])), "", ""])
    return rows


def pages_rows(company, baseline):
    rows = []
    for key, label in PAGES:
        page, base = company["pages"]["pages"][key], baseline["pages"]["pages"][key]
        rows.append([label, format_ms(page["p50"]), format_ms(page["p95"]), format_ms(page["p99"]),
                     f"{page['queries']} ({page['query_ms']:.0f} ms)", format_ms(base["p50"]), format_ms(base["p95"]),
                     format_ms(base["p99"]), f"{base['queries']} ({base['query_ms']:.0f} ms)",
                     format_ratio(ratio(page["p50"], base["p50"])), format_ratio(ratio(page["p95"], base["p95"]))])
    return rows


def redirect_rows(runs):
    rows = []
    for run in runs:
        label = "check" if run["round"] == 0 else str(run["round"])
        target = {"nginx": "nginx `return 302`", "bare": "bare `/bench/bare/<code>`",
                  "tracked": "tracked `/s/<code>`"}[run["target"]]
        if run["generator"] != runs[0]["generator"]:
            target += f" ({run['generator']})"
        clicks = "–" if run["clicks_added"] is None else f"{run['clicks_added']:,}"
        human = "–" if run["human_clicks_added"] is None else f"{run['human_clicks_added']:,}"
        rows.append([label, target, f"{run['rps']:,.0f}", f"{run['p50_ms']:.1f}", f"{run['p99_ms']:.1f}",
                     f"{run['redirects']:,}", f"{run['non_3xx']:,}", f"{run['errors']:,}", clicks, human])
    return rows


def path_times(company):
    """Milliseconds per run of each in-process path measured on the company: the rollup's median and each page's
    p50."""
    times = {}
    if company.get("rollup"):
        times["rollup"] = company["rollup"]["seconds"] * 1000
    for key, _label in PAGES:
        if company.get("pages"):
            times[key] = company["pages"]["pages"][key]["p50"]
    return times


def slowest_paths(company, count=2):
    """The `count` slowest paths (time per run on the company), slowest first."""
    times = path_times(company)
    return sorted(times, key=lambda name: (-times[name], name))[:count]


def profile_selection(spec, company):
    """The paths `--profiles` names: "auto" for the two slowest, "none", or a comma-separated list (which may
    include "auto"); in order, without repeats."""
    chosen = []
    for name in (part.strip() for part in spec.split(",")):
        if not name or name == "none":
            continue
        for path in (slowest_paths(company) if name == "auto" else [name]):
            if path not in PROFILE_CANDIDATES:
                raise ValueError(f"cannot profile {path!r}: choose from auto, none, {', '.join(PROFILE_CANDIDATES)}")
            if path not in chosen:
                chosen.append(path)
    return chosen


def place_section(current, title, text):
    """`current` (a Markdown document) with the section `title` (its line up to the next `## `) replaced by
    `text`, or, when there is none, `text` put before the first `## ` section."""
    section = text.rstrip("\n") + "\n"
    lines = current.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == title), None)
    if start is not None:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        tail = "".join(lines[end:])
        return "".join(lines[:start]) + section + ("\n" + tail if tail else "")
    first = next((i for i, line in enumerate(lines) if line.startswith("## ")), None)
    if first is None:
        return current.rstrip("\n") + "\n\n" + section
    return "".join(lines[:first]) + section + "\n" + "".join(lines[first:])


def replace_between(current, start_marker, end_marker, text):
    """`current` with what lies between the two marker lines replaced by `text`; None when a marker is missing."""
    start = current.find(start_marker)
    end = current.find(end_marker, start + len(start_marker)) if start >= 0 else -1
    if start < 0 or end < 0:
        return None
    return current[:start + len(start_marker)] + "\n" + text.strip("\n") + "\n" + current[end:]


# --- The documents ------------------------------------------------------------------------------------------

def readme_paragraph(company, baseline, when, load):
    """The README's Performance paragraph quoting the run."""
    web, pages, rollup = company["web"], company["pages"]["pages"], company["rollup"]
    base_pages = baseline["pages"]["pages"]
    rps = throughput(web["runs"])
    redirect_ratio = ratio(rps["tracked"], rps["bare"])
    nginx_part = (f"; nginx's `return 302` serves {format_ratio(ratio(rps['nginx'], rps['tracked']))} as many"
                  if rps.get("nginx") else "")
    peak, base_peak = peak_worker_kib(web["memory"]), peak_worker_kib(baseline["web"]["memory"])
    counts = company["context"]["counts"]

    def met(flag):
        return "met" if flag else "**not met**"

    return (
        f"**Every hot path at company scale** (`make bench`, {when}, 1-minute load average {load:.1f}; "
        f"{counts['employees']:,} employees, {counts['shares']:,} shares, {counts['clicks']:,} clicks; each figure "
        "beside its baseline in the same run, the table in [`docs/benchmarks.md`](docs/benchmarks.md)): "
        f"`/s/<code>` {rps['tracked']:,.0f} requests/s, {format_ratio(redirect_ratio)} the bare Django 302 "
        f"(target ≥ 0.5: {met(at_least(redirect_ratio, REDIRECT_TARGET))}{nginx_part}), "
        + ("every redirect recorded" if web["clicks_ok"] else "**not every redirect recorded**")
        + f"; the dashboard {format_ms(pages['dashboard']['p95'])} p95 "
        f"({format_ratio(ratio(pages['dashboard']['p95'], base_pages['dashboard']['p95']))} a 10-employee company's), "
        f"the report {format_ms(pages['report_computed']['p95'])} computed, "
        f"{format_ms(pages['report_served']['p95'])} from the cache (target < 300 ms: "
        f"{met(under(pages['report_computed']['p95'], REPORT_P95_TARGET_MS))}), the leaderboard "
        f"{format_ms(pages['leaderboard_redis']['p95'])} from Redis, {format_ms(pages['leaderboard_database']['p95'])} "
        f"from the database; one day's rollup {rollup['seconds']:.1f} s (target < 10 s: "
        f"{met(under(rollup['seconds'], ROLLUP_TARGET_S))}); peak memory {format_mib(peak)} per gunicorn worker and "
        f"{format_mib(company['worker']['peak_kib'])} for a Celery worker "
        f"({format_ratio(ratio(peak, base_peak))} and "
        f"{format_ratio(ratio(company['worker']['peak_kib'], baseline['worker']['peak_kib']))} the 10-employee "
        "company's). Profiles of the slowest paths: [`docs/profiles/`](docs/profiles/)."
    )


def details(company, baseline):
    lines = []
    web, base_web = company.get("web"), baseline.get("web")
    if web:
        rps = throughput(web["runs"])
        per_round = ", ".join(f"{value:.2f}" for value in round_ratios(web["runs"]))
        lines.append(f"- redirect: tracked / bare per round {per_round}; {web['clicks_line']}; the "
                     f"{web['clicks_removed']:,} clicks the run added (warm-up included) were deleted afterwards, "
                     "with the day's visitor salt and the sessions, so the kept database stays as generated")
        if base_web:
            base_rps = throughput(base_web["runs"])
            clicks, base_clicks = company["context"]["counts"]["clicks"], baseline["context"]["counts"]["clicks"]
            lines.append(f"- the same redirect on the 10-employee company (a click table of {base_clicks:,} rows "
                         f"instead of {clicks:,}): {base_rps['tracked']:,.0f} requests/s, "
                         f"{format_ratio(ratio(base_rps['tracked'], base_rps['bare']))} of its bare view (the "
                         "company's tracked requests/s are "
                         f"{format_ratio(ratio(rps['tracked'], base_rps['tracked']))} these)")
        boot = peak_worker_kib(web["memory"], "boot_kib")
        base_boot = peak_worker_kib(base_web["memory"], "boot_kib") if base_web else None
        lines.append(f"- gunicorn workers' VmHWM right after boot: largest {format_mib(boot)} (10-employee company "
                     f"{format_mib(base_boot)}); after: " + ", ".join(
                         format_mib(value) for value in web["memory"]["after_kib"].values())
                     + f"; the master {format_mib(web['memory']['master_kib'])}")
        http = web["pages_http"]
        lines.append(f"- the pages over HTTP through that gunicorn ({web['web_requests']} each, a new connection per "
                     "request, p50): " + ", ".join(f"{key.replace('_', ' ')} {format_ms(value['p50'])}"
                                                  for key, value in http.items()))
    rollup = company.get("rollup")
    if rollup:
        lines.append(f"- rollup runs: {', '.join(f'{s:.2f}' for s in rollup['all'])} s (again, nothing changed: "
                     f"{', '.join(f'{s:.2f}' for s in rollup['rerun_all'])} s); of one run, `compute_day` "
                     f"{rollup['compute_day']:.2f} s and `award_for_unique_clicks` {rollup['award']:.2f} s; "
                     f"{rollup['queries']} SQL queries; the rolled-up day equals the raw events' "
                     f"({'yes' if rollup['agrees'] else '**no**'}: {rollup['rolled']['rows']:,} rows, "
                     f"{rollup['rolled']['clicks']:,} clicks)")
    pages = company.get("pages")
    if pages:
        rebuild = pages["rebuild"]
        base_rebuild = baseline["pages"]["rebuild"]["seconds"] if baseline.get("pages") else None
        lines.append(f"- `rewards.leaderboards.rebuild()` before the Redis reads: {rebuild['seconds']:.1f} s for "
                     f"{rebuild['boards']:,} boards, {rebuild['rows']:,} rows"
                     + (f" (10-employee company: {base_rebuild:.2f} s)" if base_rebuild is not None else ""))
    worker, base_worker = company.get("worker"), baseline.get("worker")
    if worker:
        task = worker["task"]
        lines.append(f"- Celery worker: VmHWM {format_mib(worker['boot_kib'])} once ready, "
                     f"{format_mib(worker['peak_kib'])} after the task (`fill_day` {task['fill_seconds']:.2f} s for "
                     f"{task['rows']:,} rows, the report preparation {task['prepare_seconds']:.2f} s)"
                     + (f"; on the 10-employee company {format_mib(base_worker['boot_kib'])} and "
                        f"{format_mib(base_worker['peak_kib'])}" if base_worker else ""))
    return "\n".join(line for line in lines if line)


def frame_name(frame):
    """pyinstrument's "function  file:line" as "`function` (file:line)"."""
    function, _, where = frame.partition("  ")
    return f"`{function.strip()}` ({where.strip()})" if where.strip() else f"`{function.strip()}`"


def profile_lines(profiles, relative_to):
    lines = []
    for name, summary in profiles.items():
        try:
            where = Path(summary["file"]).resolve().relative_to(relative_to)
        except ValueError:
            where = Path(summary["file"])
        top = "; ".join(f"{frame_name(frame)} {seconds:.2f} s" for seconds, frame in summary["top"][:3])
        sql = "; ".join(f"{ms:.0f} ms `{text[:70]}…`" for ms, text in summary["sql"][:2])
        lines.append(f"- [`{name}`]({where}): {summary['what']}, {summary['runs']} run(s), {summary['seconds']:.2f} s "
                     f"profiled. Frames with the most time of their own: {top}. Slowest SQL of one run "
                     f"({summary['statements']} statements): {sql}")
    return "\n".join(lines)


def section(company, baseline, profiles, command, load_before, load_after, when):
    from bench.redirect import WARMUP_SECONDS

    context = company["context"]
    machine = context["machine"]
    counts = context["counts"]
    base_counts = baseline["context"]["counts"]
    web = company.get("web") or {}
    software = machine["software"]
    if web.get("nginx"):
        software += f", nginx {web['nginx']}"
    if web.get("wrk"):
        software += f", wrk {web['wrk']}"
    parts = [
        SECTION_TITLE, "",
        "Every hot path on a company of the issue's size, each beside a baseline measured in the same run, on the "
        "same machine; the ratio is figure / baseline. Written by `python -m bench.suite --write` (see "
        "[`bench/README.md`](../bench/README.md)).", "",
        f"- **Date**: {when}",
        f"- **Machine**: {machine['cpu']}, {machine['memory']}, {machine['os']}; 1-minute load average "
        f"{load_before:.2f} before the run, {load_after:.2f} after (anything else running shares the CPUs with both "
        "sides)",
        f"- **Software**: {software}; PostgreSQL {context['postgres_settings']}",
        f"- **Command**: `{command}` (company `{company['database_url']}`, baseline `{baseline['database_url']}`, "
        f"Redis `{company['redis_url']}`)",
        f"- **Company** ({company['scale']} scale, {context['first_day']} to {context['last_day']}, generated on "
        f"{context['generated_on']}, database {context['database_size']}): {counts['employees']:,} employees, "
        f"{counts['teams']} teams, {counts['posts']:,} posts, {counts['shares']:,} shares, {counts['clicks']:,} "
        f"clicks, {counts['points entries']:,} points entries. **Baseline company**: {base_counts['employees']} "
        f"employees, {base_counts['posts']} posts, {base_counts['shares']:,} shares, {base_counts['clicks']:,} "
        f"clicks (the same activity per employee). Measured: the month {context['month']} and its busiest day "
        f"{context['day']}.",
    ]
    vacuum = company.get("vacuum")
    if vacuum:
        parts.append(
            f"- **Upkeep**: autovacuum is {vacuum['autovacuum']} on this PostgreSQL server; each company's rollup "
            f"tables are vacuumed and analysed before it is measured ({int(vacuum['dead_rows']):,} dead rows left by "
            f"earlier runs' rollups, {vacuum['seconds']:.0f} s) and after, as autovacuum keeps them in a deployment.")
    if company.get("pages") and baseline.get("pages"):
        measured = company["pages"]["pages"]
        shares, base_shares = company["pages"]["viewer"]["shares"], baseline["pages"]["viewer"]["shares"]
        parts.append(
            f"- **Pages**: for the employee in the program with the most shares ({shares} on the company, "
            f"{base_shares} on the baseline) and, for the report, a "
            f"superuser; in-process through Django's test client with DEBUG=0, {measured['dashboard']['requests']} "
            f"timed requests after 3 warm-up ({measured['leaderboard_database']['requests']} after 1 for the "
            "leaderboard from the database), and the SQL queries of one more request.")
    if web:
        targets = "nginx, bare, tracked" if web.get("nginx") else "bare, tracked"
        parts.append(
            f"- **Redirect**: gunicorn {web['workers']} workers × {web['threads']} threads (gthread, "
            f"bench.web_settings: the project's settings plus the bare view), {web['connections']} connections, "
            f"{web['duration']} s per run, {web['rounds']} round(s) of {targets} after {WARMUP_SECONDS} s of "
            f"warm-up each, load from {web['generator']}; a link of the company (`{web['link']}`), so every click "
            f"goes into the {counts['clicks']:,}-row click table with its indexes; the exact click count is a "
            "separate run of bench.redirect's Python generator (row *check*), which answers every request it sends.")
    parts += ["", markdown_table(["measurement", "figure", "baseline", "the baseline is", "ratio", "target", "met?"],
                                 summary_rows(company, baseline), ["l", "r", "r", "l", "r", "l", "l"])]
    if company.get("pages") and baseline.get("pages"):
        parts += ["", markdown_table(
            ["page", "p50", "p95", "p99", "SQL (in the database)", "baseline p50", "p95", "p99", "SQL",
             "ratio p50", "ratio p95"], pages_rows(company, baseline))]
    if web:
        parts += ["", "Each redirect run:", "", markdown_table(
            ["round", "target", "requests/s", "p50 ms", "p99 ms", "3xx", "non-3xx", "errors", "clicks added",
             "human"], redirect_rows(web["runs"]), ["r", "l"] + ["r"] * 8)]
    parts += ["", details(company, baseline)]
    if profiles:
        parts += ["", "**Profiles** (pyinstrument; the paths chosen by `--profiles`, by default the two slowest; what "
                      "they show and what was done: the next section):", "",
                  profile_lines(profiles, DOCS_FILE.parent)]
    return "\n".join(parts) + "\n"


def print_summary(company, baseline):
    print("\n" + markdown_table(["measurement", "figure", "baseline", "the baseline is", "ratio", "target", "met?"],
                                summary_rows(company, baseline), ["l", "r", "r", "l", "r", "l", "l"]))
    if company.get("pages") and baseline.get("pages"):
        print("\n" + markdown_table(["page", "p50", "p95", "p99", "SQL (in the database)", "baseline p50", "p95",
                                     "p99", "SQL", "ratio p50", "ratio p95"], pages_rows(company, baseline)))
    if company.get("web"):
        print("\n" + markdown_table(["round", "target", "requests/s", "p50 ms", "p99 ms", "3xx", "non-3xx", "errors",
                                     "clicks added", "human"], redirect_rows(company["web"]["runs"]),
                                    ["r", "l"] + ["r"] * 8))
    print("\n" + details(company, baseline))


# --- Running the children ------------------------------------------------------------------------------------

def _raise_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def run_child(module, arguments):
    """`python -m <module> <arguments>` from the project's directory; its output goes straight through."""
    command = [sys.executable, "-m", module, *arguments]
    print(f"\n$ {' '.join(shlex.quote(part) for part in command[2:])}", flush=True)
    process = subprocess.Popen(command, cwd=BASE_DIR)
    try:
        returncode = process.wait()
    except BaseException as error:
        # The child cleans up (gunicorn, nginx, the worker, the clicks it added) on SIGINT, which Ctrl+C sent it
        # too, and on SIGTERM, which it is sent here otherwise.
        if not isinstance(error, KeyboardInterrupt):
            process.terminate()
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
        raise
    if returncode != 0:
        raise SystemExit(f"{module} failed with exit status {returncode}")


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.suite", description=__doc__.split("\n\n")[0])
    cpus = os.cpu_count() or 1
    parser.add_argument("--small", action="store_true",
                        help="the small company (1/100 of the full one) and shorter redirect loads: a quick look")
    parser.add_argument("--database-url", help="the company's database (default: bench.metrics' for the scale)")
    parser.add_argument("--baseline-database-url", help="the 10-employee company's (default: bench.metrics' tiny)")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_SUITE_REDIS_URL") or DEFAULT_REDIS_URL,
                        help=f"cache, leaderboards and Celery broker of both companies, in turn (default "
                             f"{DEFAULT_REDIS_URL}; the leaderboards are deleted from it at the end)")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page (default 40)")
    parser.add_argument("--slow-requests", type=int, default=5,
                        help="timed requests of the leaderboard from the database (default 5)")
    parser.add_argument("--web-requests", type=int, default=5,
                        help="requests of each page through gunicorn before its memory is read (default 5)")
    parser.add_argument("--workers", type=int, default=2 * cpus, help=f"gunicorn workers (default 2 × {cpus} CPUs)")
    parser.add_argument("--threads", type=int, default=16, help="threads per gunicorn worker (default 16)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--duration", type=int, help="seconds per redirect run (default 10; 5 with --small)")
    parser.add_argument("--rounds", type=int, help="rounds of nginx, bare, tracked (default 2; 1 with --small)")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--profiles", default="auto",
                        help="paths to profile: auto (the two slowest), none, or a comma-separated list of "
                             f"{', '.join(PROFILE_CANDIDATES)} (may include auto)")
    parser.add_argument("--write", action="store_true",
                        help="record the run in docs/benchmarks.md and docs/profiles/ (and, at full scale, README.md)")
    arguments = parser.parse_args(argv)
    if arguments.duration is None:
        arguments.duration = 5 if arguments.small else 10
    if arguments.rounds is None:
        arguments.rounds = 1 if arguments.small else 2
    if min(arguments.requests, arguments.slow_requests, arguments.web_requests, arguments.workers,
           arguments.threads, arguments.connections, arguments.duration, arguments.rounds) < 1:
        parser.error("counts and durations must be at least 1")
    for name in arguments.profiles.split(","):
        if name.strip() and name.strip() not in ("auto", "none", *PROFILE_CANDIDATES):
            parser.error(f"--profiles: unknown path {name.strip()!r}")
    return arguments


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    arguments = parse_arguments(argv)
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    scale = "small" if arguments.small else "full"
    company_url = arguments.database_url or os.environ.get("BENCH_DATABASE_URL") or database_url(scale)
    baseline_url = arguments.baseline_database_url or database_url(BASELINE_SCALE)
    if company_url == baseline_url:
        raise SystemExit("the company and the baseline company need databases of their own")
    command = "python -m bench.suite" + "".join(" " + shlex.quote(arg) for arg in argv)
    load_before = os.getloadavg()[0]
    print(f"{command}\n1-minute load average {load_before:.2f}"
          + (f" (above {QUIET_LOAD}: other work shares the CPUs; ratios hold better than raw figures)"
             if load_before > QUIET_LOAD else ""), flush=True)
    began = time.perf_counter()
    common = ["--redis-url", arguments.redis_url, "--requests", str(arguments.requests),
              "--slow-requests", str(arguments.slow_requests), "--web-requests", str(arguments.web_requests),
              "--workers", str(arguments.workers), "--threads", str(arguments.threads),
              "--connections", str(arguments.connections), "--duration", str(arguments.duration),
              "--rounds", str(arguments.rounds), "--generator", arguments.generator]
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as workdir:
        baseline_json, company_json = Path(workdir) / "baseline.json", Path(workdir) / "company.json"
        run_child("bench.measure", ["--scale", BASELINE_SCALE, "--database-url", baseline_url,
                                    "--parts", "pages,worker,web", *common, "--json", str(baseline_json)])
        run_child("bench.measure", ["--scale", scale, "--database-url", company_url,
                                    "--parts", "pages,rollup,worker,web", "--nginx", *common,
                                    "--json", str(company_json)])
        baseline = json.loads(baseline_json.read_text())
        company = json.loads(company_json.read_text())
        profiles = {}
        chosen = profile_selection(arguments.profiles, company)
        if chosen:
            out = PROFILES_DIR if arguments.write else Path(workdir) / "profiles"
            profiles_json = Path(workdir) / "profiles.json"
            run_child("bench.profile", ["--scale", scale, "--database-url", company_url, "--redis-url",
                                        arguments.redis_url, "--paths", ",".join(chosen), "--out", str(out),
                                        "--json", str(profiles_json)])
            profiles = json.loads(profiles_json.read_text())
    load_after = os.getloadavg()[0]
    when = date.today().isoformat()
    print_summary(company, baseline)
    for name, summary in profiles.items():
        print(f"\nprofile {name} ({summary['seconds']:.2f} s over {summary['runs']} run(s)): "
              + "; ".join(f"{frame} {seconds:.2f} s" for seconds, frame in summary["top"][:5]))
    print(f"\ndone in {time.perf_counter() - began:.0f} s; 1-minute load average {load_before:.2f} before, "
          f"{load_after:.2f} after", flush=True)
    if arguments.write:
        text = section(company, baseline, profiles, command, load_before, load_after, when)
        current = DOCS_FILE.read_text() if DOCS_FILE.exists() else "# Benchmarks\n"
        DOCS_FILE.write_text(place_section(current, SECTION_TITLE, text))
        print(f"wrote the {SECTION_TITLE.lstrip('# ')!r} section of docs/benchmarks.md"
              + (f" and {len(profiles)} profile(s) in docs/profiles/" if profiles else ""))
        if scale == "full":
            readme = README_FILE.read_text()
            paragraph = textwrap.fill(readme_paragraph(company, baseline, when, load_before), width=112,
                                      break_long_words=False, break_on_hyphens=False)
            updated = replace_between(readme, README_START, README_END, paragraph)
            if updated is None:
                print(f"README.md has no {README_START} … {README_END} markers: its paragraph was left alone")
            else:
                README_FILE.write_text(updated)
                print("updated the README's Performance paragraph")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        sys.exit(130)
