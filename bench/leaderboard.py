"""Leaderboards at the issue's scale: the top 20 plus my rank from Redis and from the database side by side, and
the time to rebuild Redis from the ledger, in one run.

    python -m bench.leaderboard [--scale full|small] [--reads 200] [--database-reads 5] [--write] [--drop]

`--scale full` is the issue's company: 100,000 employees in 200 teams (95 % joined the program, 3 % of those left
since), 5,000,000 points entries over the 12 months before today (shares, unique clicks, engagement, signatures,
capsules, hand adjustments, and redemptions, which must not count), 30 % of them earned with one of 20 campaigns'
posts, busy employees drawn more often; 10 % of employees use a pseudonym. `--scale small` is 1/100 of it.
The data is written with SQL (INSERT ... SELECT over generate_series; the ledger's indexes and constraints dropped
during the load and rebuilt after), then:

- the boards' keys are deleted from Redis and `rewards.leaderboards.rebuild()` recomputes them all from the
  ledger (what `manage.py rebuild_leaderboards` and the heal task run), timed;
- `rewards.leaderboards.boards(viewer, period)` (people and teams: top 20 of each plus the viewer's own rows)
  for each period and for the busiest campaign, p50/p95 over `--reads` calls from Redis, beside the same call
  with REDIS_URL empty (aggregate queries over the ledger) over `--database-reads` calls; both must give the
  same rows;
- the page `/leaderboard/` (this month) through Django's test client, from Redis and from the database.

It uses its own PostgreSQL database (BENCH_DATABASE_URL, default .../advocacy_leaderboard_bench, and
.../advocacy_leaderboard_small_bench at small scale; the name must end in _bench), kept after the run and reused as
it is when it was generated at the same scale (`--drop` drops it at the end), and the Redis database of
BENCH_REDIS_URL (default redis://127.0.0.1:6379/12), of which it only deletes the boards' keys (lb:v1:*), before
the rebuild and again at the end. `--write` replaces the "Leaderboard" section of docs/benchmarks.md.
See bench/README.md.
"""

import argparse
import os
import shlex
import statistics
import sys
import time
from datetime import date, timedelta

from bench import company

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/advocacy_leaderboard_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
SECTION_TITLE = "## Leaderboard"
MARKER_TABLE = "bench_leaderboard_marker"
SCALES = {
    "full": {"employees": 100_000, "teams": 200, "campaigns": 20, "entries": 5_000_000},
    "small": {"employees": 1_000, "teams": 20, "campaigns": 4, "entries": 50_000},
}
DAYS = 365
IN_PROGRAM_RATE = 0.95
LEFT_RATE = 0.03  # of those who joined
ALIAS_RATE = 0.10
CAMPAIGN_RATE = 0.30
# (reason, cumulative share of entries, points as SQL over a random() column "p")
REASONS = (
    ("share", 0.25, "10"),
    ("unique_click", 0.85, "1"),
    ("engagement", 0.94, "1 + floor(p * 5)::int"),
    ("guide_signed", 0.95, "20"),
    ("capsule_passed", 0.96, "15"),
    ("adjustment", 0.975, "floor(p * 60)::int - 10"),
    ("redemption", 1.0, "-(50 + floor(p * 450)::int)"),
)


# --- Environment and database ----------------------------------------------------------------------------

def configure(scale):
    # Each scale has a database of its own by default, so a quick small run never throws the full one away.
    default = DEFAULT_DATABASE_URL if scale == "full" else DEFAULT_DATABASE_URL.replace("_bench", f"_{scale}_bench")
    company.configure("bench.leaderboard", default, DEFAULT_REDIS_URL)


# --- Generation --------------------------------------------------------------------------------------------

def generate(scale, url):
    """The company and its year of points; returns {what: rows}."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from advocacy.models import EmployeeProfile, Share, Team, User
    from content_library.models import Campaign
    from rewards.models import LeaderboardAlias, PointsEntry

    sizes = SCALES[scale]
    now = timezone.now().replace(microsecond=0)
    start = now - timedelta(days=DAYS)
    teams = Team.objects.bulk_create([Team(name=f"Team {n}") for n in range(sizes["teams"])])
    campaigns = Campaign.objects.bulk_create([
        Campaign(name=f"Campaign {n}", slug=f"campaign-{n}", hashtag=f"Acme{n}",
                 starts_on=(start + timedelta(days=n * DAYS // sizes["campaigns"])).date(),
                 ends_on=(start + timedelta(days=n * DAYS // sizes["campaigns"] + 60)).date())
        for n in range(sizes["campaigns"])
    ])
    table = {model: model._meta.db_table for model in (User, EmployeeProfile, LeaderboardAlias, PointsEntry)}
    loader = company.Loader(url, "bench.leaderboard")
    try:
        user_columns = ["password", "is_superuser", "first_name", "last_name", "is_staff", "is_active",
                        "date_joined", "email"]
        loader.require_columns(table[User], user_columns)
        loader.run(f"""
            INSERT INTO {table[User]} ({", ".join(user_columns)})
            SELECT '!', false, 'Bench', 'Person ' || n, false, true, %(start)s - interval '90 days',
                   'bench' || n || '@example.com'
            FROM generate_series(1, %(employees)s) n""", {"start": start, "employees": sizes["employees"]},
                   label="employees")
        profile_columns = ["user_id", "team_id", "job_title", "language", "location", "opted_in_at", "opted_out_at"]
        loader.require_columns(table[EmployeeProfile], profile_columns)
        loader.run(f"""
            INSERT INTO {table[EmployeeProfile]} ({", ".join(profile_columns)})
            SELECT id, (%(teams)s::bigint[])[1 + floor(random() * %(team_count)s)::int], '', 'es', '', joined,
                   CASE WHEN joined IS NOT NULL AND random() < %(left)s THEN joined + random() * (%(now)s - joined) END
            FROM (SELECT id, CASE WHEN random() < %(joined)s THEN %(start)s - interval '60 days' + random() * interval
                                  '300 days' END AS joined FROM {table[User]} WHERE email LIKE 'bench%%') u""",
                   {"teams": [team.pk for team in teams], "team_count": len(teams), "left": LEFT_RATE, "now": now,
                    "joined": IN_PROGRAM_RATE, "start": start}, label="profiles")
        loader.run(f"""
            INSERT INTO {table[LeaderboardAlias]} (employee_id, pseudonym)
            SELECT id, 'Pseudonym ' || id FROM {table[User]} WHERE random() < %s""", [ALIAS_RATE], label="pseudonyms")
        loader.run(f"""
            CREATE TEMP TABLE bench_employee AS
            SELECT (row_number() OVER (ORDER BY u.id) - 1)::int AS idx, u.id AS user_id, p.team_id
            FROM {table[User]} u JOIN {table[EmployeeProfile]} p ON p.user_id = u.id""")
        loader.run("CREATE UNIQUE INDEX ON bench_employee (idx)")

        entry_columns = ["employee_id", "points", "reason", "source_type_id", "source_id", "note", "created_at",
                         "team_id", "campaign_id", "multiplier"]
        loader.require_columns(table[PointsEntry], entry_columns)
        recreate = loader.drop_indexes([table[PointsEntry]])
        reason = "(CASE " + " ".join(f"WHEN r < {share} THEN '{name}'" for name, share, _ in REASONS) + " END)"
        points = "(CASE " + " ".join(f"WHEN r < {share} THEN {sql}" for _name, share, sql in REASONS) + " END)"
        earned_with_posts = "('share', 'unique_click', 'engagement')"
        # Every entry names a distinct source (here: n, as a "share"), except the hand adjustments, which say why.
        loader.run(f"""
            INSERT INTO {table[PointsEntry]} ({", ".join(entry_columns)})
            SELECT e.user_id, points, reason, CASE WHEN reason = 'adjustment' THEN NULL ELSE %(source_type)s END,
                   CASE WHEN reason = 'adjustment' THEN NULL ELSE n END,
                   CASE WHEN reason = 'adjustment' THEN 'Bench adjustment' ELSE '' END, created_at, e.team_id,
                   CASE WHEN reason IN {earned_with_posts} AND c < %(campaign_rate)s
                        THEN (%(campaigns)s::bigint[])[1 + floor(c / %(campaign_rate)s * %(campaign_count)s)::int]
                   END, 1
            FROM (
                SELECT n, idx, r, c, created_at, {reason} AS reason, {points} AS points
                FROM (SELECT n, floor(%(employees)s * power(random(), 1.6))::int AS idx, random() AS r,
                             random() AS p, random() AS c,
                             %(start)s + random() * (%(now)s - %(start)s) AS created_at
                      FROM generate_series(1, %(entries)s) n) g
            ) g JOIN bench_employee e ON e.idx = g.idx
            ORDER BY created_at""",
                   {"source_type": ContentType.objects.get_for_model(Share).pk, "campaign_rate": CAMPAIGN_RATE,
                    "campaigns": [campaign.pk for campaign in campaigns], "campaign_count": len(campaigns),
                    "employees": sizes["employees"], "start": start, "now": now, "entries": sizes["entries"]},
                   label="points ledger")
        began = time.perf_counter()
        for statement in recreate:
            loader.run(statement)
        print(f"  {len(recreate)} indexes and constraints rebuilt in {time.perf_counter() - began:.1f} s", flush=True)
        began = time.perf_counter()
        loader.run("VACUUM (ANALYZE)")
        print(f"  VACUUM ANALYZE in {time.perf_counter() - began:.1f} s", flush=True)
    finally:
        loader.close()
    from django.db.models import Count

    by_reason = dict(PointsEntry.objects.order_by().values_list("reason").annotate(n=Count("id")))
    return {
        "employees": sizes["employees"], "teams": len(teams), "campaigns": len(campaigns),
        "in the program": EmployeeProfile.objects.filter(_in_program()).count(),
        "pseudonyms": LeaderboardAlias.objects.count(), "points entries": sum(by_reason.values()),
        "campaign entries": PointsEntry.objects.filter(campaign__isnull=False).count(),
        "redemptions": by_reason.get("redemption", 0), "first_day": str(start.date()), "last_day": str(now.date()),
    }


def _in_program():
    from advocacy.selectors import in_the_program

    return in_the_program("")


# --- Measurements ------------------------------------------------------------------------------------------

def clear_boards(client):
    """Delete the boards' keys (only ours: lb:v1:*) from the bench's Redis database."""
    keys = list(client.scan_iter("lb:v1:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start:start + 1000])
    return len(keys)


def boards_memory(client):
    """Bytes Redis uses for the boards' keys (MEMORY USAGE, sampled)."""
    return sum(client.memory_usage(key) or 0 for key in client.scan_iter("lb:v1:*", count=1000))


def pick_viewer():
    """An employee ranked about in the middle of this week's people (so they have a row on every board, mostly
    outside the top 20), and the campaign they earned most with."""
    from django.db.models import Count, Sum

    from advocacy.models import User
    from rewards import leaderboards

    start, end = leaderboards.period_bounds("week", leaderboards.company_today())
    ranked = list(leaderboards._earning_entries().filter(created_at__gte=start, created_at__lt=end)
                  .values("employee_id").annotate(total=Sum("points")).filter(total__gt=0)
                  .order_by("-total", "-employee_id").values_list("employee_id", flat=True))
    viewer = User.objects.select_related("profile").get(pk=ranked[len(ranked) // 2])
    campaigns = leaderboards._earning_entries().filter(campaign__isnull=False).values("campaign_id")
    campaign_id = (campaigns.filter(employee=viewer) or campaigns).annotate(n=Count("id")).order_by("-n")[0]
    return viewer, campaign_id["campaign_id"], len(ranked) // 2 + 1


def _comparable(result):
    return [(board.scope, [tuple(vars(row).values()) for row in board.rows], board.me) for board in result.tables]


def time_calls(call, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, result = [], None
    for _ in range(min(3, count)):
        result = call()
    for _ in range(count):
        began = time.perf_counter()
        result = call()
        timings.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        call()
    timings.sort()
    return {"p50": statistics.median(timings), "p95": _percentile(timings, 0.95), "queries": len(queries),
            "result": result}


def _percentile(sorted_values, fraction):
    from bench.redirect import percentile

    return percentile(sorted_values, fraction)


def measure_reads(viewer, campaign, reads, database_reads):
    """boards() per period (and for the campaign) from Redis and from the database."""
    from django.conf import settings

    from rewards import leaderboards

    redis_url = settings.REDIS_URL
    cases = [(period, {"period": period}) for period in leaderboards.PERIODS]
    cases.append(("campaign (all time)", {"period": "all", "campaign": campaign}))
    results = []
    for label, arguments in cases:
        settings.REDIS_URL = redis_url
        from_redis = time_calls(lambda arguments=arguments: leaderboards.boards(viewer, **arguments), reads)
        assert from_redis["result"].source == "redis", f"{label}: not served from Redis"
        settings.REDIS_URL = ""
        from_database = time_calls(lambda arguments=arguments: leaderboards.boards(viewer, **arguments),
                                   database_reads)
        assert from_database["result"].source == "database"
        settings.REDIS_URL = redis_url
        same = _comparable(from_redis["result"]) == _comparable(from_database["result"])
        me = from_redis["result"].people.me
        results.append({"label": label, "redis": from_redis, "database": from_database, "same": same,
                        "my_rank": me.rank if me else None,
                        "ranked": len(from_redis["result"].people.rows)})
        print(f"  {label}: Redis p50 {from_redis['p50']:.1f} ms, database p50 {from_database['p50']:.0f} ms, "
              f"same rows: {same}", flush=True)
    return results


def measure_page(viewer, reads, database_reads):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(viewer)
    redis_url = settings.REDIS_URL
    page = {}
    for source, count in (("redis", reads), ("database", database_reads)):
        settings.REDIS_URL = redis_url if source == "redis" else ""
        timed = time_calls(lambda: client.get("/leaderboard/?period=month"), count)
        assert timed["result"].status_code == 200
        page[source] = timed
    settings.REDIS_URL = redis_url
    return page


# --- Main ---------------------------------------------------------------------------------------------------

def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.leaderboard", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full",
                        help="full (100,000 employees, 5,000,000 entries) or small (1/100 of it)")
    parser.add_argument("--reads", type=int, default=200, help="timed calls per board from Redis (default 200)")
    parser.add_argument("--database-reads", type=int, default=5,
                        help="timed calls per board from the database (default 5)")
    parser.add_argument("--write", action="store_true", help="replace the section in docs/benchmarks.md")
    parser.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    arguments = parser.parse_args(argv)
    if min(arguments.reads, arguments.database_reads) < 1:
        parser.error("--reads and --database-reads must be at least 1")

    configure(arguments.scale)
    url = os.environ["DATABASE_URL"]
    marker = company.existing_marker(url, MARKER_TABLE, arguments.scale)
    if marker is None:
        from bench.feed import recreate_database

        print(f"building the {arguments.scale} company in a new database", flush=True)
        recreate_database(url)
    else:
        print(f"reusing the {arguments.scale} company generated on {marker['generated_on']}", flush=True)
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("migrate", verbosity=0)
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.ping()

    from rewards import leaderboards

    try:
        if marker is None:
            began = time.perf_counter()
            counts = generate(arguments.scale, url)
            marker = {"generated_on": date.today().isoformat(), "generation_seconds": time.perf_counter() - began,
                      "counts": counts}
            company.write_marker(MARKER_TABLE, arguments.scale, marker)
            print(f"generated in {marker['generation_seconds']:.0f} s: {counts}", flush=True)

        from bench.redirect import _redacted, machine_description

        machine = machine_description()
        load = os.getloadavg()[0]
        command = "python -m bench.leaderboard" + "".join(" " + shlex.quote(arg) for arg in argv)
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
        redis_version = client.info("server")["redis_version"]
        print(f"machine: {machine['cpu']}, {machine['memory']}, {machine['os']}; load average {load:.2f}\n"
              f"software: {machine['software']}, Redis {redis_version}\ncommand: {command}\ndatabase: {size}",
              flush=True)

        cleared = clear_boards(client)
        print(f"rebuilding the boards from the ledger ({cleared} keys deleted first)…", flush=True)
        summary = leaderboards.rebuild()
        assert summary["rebuilt"], summary
        memory = boards_memory(client)
        print(f"  rebuilt in {summary['seconds']:.1f} s: {summary}", flush=True)

        viewer, campaign_id, position = pick_viewer()
        from content_library.models import Campaign

        campaign = Campaign.objects.get(pk=campaign_id)
        print(f"measuring boards() for employee {viewer.pk} (about #{position:,} this week)…", flush=True)
        reads = measure_reads(viewer, campaign, arguments.reads, arguments.database_reads)
        print("measuring the page /leaderboard/…", flush=True)
        page = measure_page(viewer, max(20, arguments.reads // 5), arguments.database_reads)
    finally:
        clear_boards(client)  # a shared Redis should not keep hundreds of MB of bench boards
        connections.close_all()
        if arguments.drop:
            company.drop_database(url)
            print("dropped the bench database (--drop)", flush=True)

    counts = marker["counts"]
    rows = [
        "| board: people and teams, top 20 + my rank | Redis p50 | Redis p95 | database p50 | database p95 "
        "| database / Redis (p50) | same rows | my rank |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for result in reads:
        redis_side, database_side = result["redis"], result["database"]
        rows.append(
            f"| {result['label']} | {redis_side['p50']:.1f} ms | {redis_side['p95']:.1f} ms | "
            f"{database_side['p50']:.0f} ms | {database_side['p95']:.0f} ms | "
            f"{database_side['p50'] / redis_side['p50']:.0f} | {'yes' if result['same'] else '**no**'} | "
            f"{result['my_rank'] or '–'} |")
    rows.append(
        f"| page `/leaderboard/` (this month) | {page['redis']['p50']:.1f} ms | {page['redis']['p95']:.1f} ms | "
        f"{page['database']['p50']:.0f} ms | {page['database']['p95']:.0f} ms | "
        f"{page['database']['p50'] / page['redis']['p50']:.1f} | | |")
    table = "\n".join(rows)
    queries = (f"SQL queries per call: {reads[0]['redis']['queries']} from Redis (stale mark, names, team names), "
               f"{reads[0]['database']['queries']} from the database; the page: {page['redis']['queries']} and "
               f"{page['database']['queries']}")
    rebuild_line = (f"- **Rebuild** (`rebuild_leaderboards`, after deleting every board key): "
                    f"**{summary['seconds']:.1f} s** for {summary['boards']:,} boards, {summary['rows']:,} rows "
                    f"({memory / 1024 / 1024:.0f} MiB in Redis by MEMORY USAGE), {summary['absent']:,} people off the "
                    "boards")
    print("\n" + rebuild_line + "\n\n" + table + "\n\n" + queries)

    if arguments.write:
        from bench.redirect import write_section

        volume = ", ".join(f"{counts[key]:,} {key}" for key in (
            "employees", "in the program", "teams", "campaigns", "pseudonyms", "points entries", "campaign entries",
            "redemptions"))
        section = "\n".join([
            SECTION_TITLE, "",
            "The top 20 people and teams plus the viewer's own rank (`rewards.leaderboards.boards`) from the Redis "
            "sorted sets and, side by side in the same run, from the database (aggregate queries over the points "
            "ledger, what the page does while Redis is down, flushed or stale), and the time to rebuild every board "
            "from the ledger.", "",
            f"- **Date**: {date.today().isoformat()}",
            f"- **Machine**: {machine['cpu']}, {machine['memory']}, {machine['os']}; 1-minute load average "
            f"{load:.2f} before measuring",
            f"- **Software**: {machine['software']}, Redis {redis_version}",
            f"- **Command**: `{command}` (BENCH_DATABASE_URL `{_redacted(url)}`, "
            f"BENCH_REDIS_URL `{_redacted(settings.REDIS_URL)}`)",
            f"- **Data** ({arguments.scale} scale, {counts['first_day']} to {counts['last_day']}, generated with SQL "
            f"in {marker['generation_seconds']:.0f} s, database {size}): {volume}. The viewer is about "
            f"#{position:,} of this week's people (*my rank* is theirs on each people board); {arguments.reads} "
            f"timed calls from Redis and {arguments.database_reads} from the database per board, after warm-up; "
            "DEBUG=0.",
            rebuild_line, "",
            table, "",
            f"- {queries}.",
            "- Both sides rank alike (ties by descending id; rank = 1 + how many have more points) and must give "
            "the same rows: *same rows* compares them.", "",
        ])
        write_section(section, SECTION_TITLE)
        print(f"\nwrote the {SECTION_TITLE.lstrip('# ')!r} section of docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
