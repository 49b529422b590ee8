"""The KPI rollup and the monthly report on a year of a large company's activity, each beside the same figures
computed straight from the raw events, in one run.

    python -m bench.metrics [--scale full|small] [--requests 20] [--raw-repeats 5] [--write] [--keep]

`--scale full` is the issue's company: 10,000 employees in 50 teams (10 of them sub-teams), 5,000 posts
(30 % in one of 20 campaigns), 1,000,000 shares over the 12 months before today (each a distinct employee,
post and network), a tracked link per share, 10,000,000 clicks in the days after each share (5 % bots, 80 %
of the human ones unique), engagement for 30 % of the shares and the points ledger those shares and unique
clicks earn. `--scale small` has 1/100 of the people, posts, shares and clicks (about 20 s, for a quick
look). The data is written with SQL (INSERT ... SELECT over generate_series, indexes and foreign keys dropped
during the load and rebuilt after), then every day of the year is rolled up into DailyStat (the backfill).
Then it measures:

- one day's rollup, `fill_day(day)` for the busiest day of the middle month (median of 3, as when first filled
  and filled again unchanged), beside one SQL aggregate query reading the same day's figures (same rows) from
  the raw shares and clicks;
- the month's report page `/reports/YYYY-MM/` for that month, as a superuser through Django's test client
  (p50/p95 over `--requests`, SQL queries), for the company and with a team, a campaign and a network filter,
  each checked against DailyStat and the points ledger; beside the month's headline figures (shares, clicks,
  unique clicks, potential reach, sharers, top 20 contributors by clicks, top 20 posts) computed from the raw
  tables with SQL aggregates (p50/p95 over `--raw-repeats`).

It uses its own PostgreSQL database (BENCH_DATABASE_URL, default .../advocacy_metrics_bench, and
.../advocacy_metrics_small_bench at small scale; the name must end in _bench). A database left by an earlier
run with `--keep` at the same scale is reused as it is (no generation, no backfill; the migrations fill what
a newer schema adds); otherwise it is dropped and rebuilt. Without `--keep` it is dropped at the end,
giving back its disk (several GB at full scale). `--write` replaces the "KPI rollup and monthly report"
section of docs/benchmarks.md. See bench/README.md.
"""

import argparse
import os
import random
import shlex
import statistics
import sys
import time
from datetime import date, timedelta

from bench import company

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/advocacy_metrics_bench"
SECTION_TITLE = "## KPI rollup and monthly report"
MARKER_TABLE = "bench_metrics_marker"
ADMIN_EMAIL = "bench-admin@example.com"
DAY_ROLLUP_TARGET_S = 10.0
PAGE_P95_TARGET_MS = 300.0
DAY_ROLLUP_REPEATS = 3
# The migration that fills the report's totals for a database rolled up before they existed.
TOTALS_MIGRATION = "0006_fill_report_totals"

FULL = {"employees": 10_000, "teams": 50, "sub_teams": 10, "posts": 5_000, "campaigns": 20,
        "shares": 1_000_000, "clicks": 10_000_000}
SCALES = {
    "full": FULL,
    "small": {"employees": 100, "teams": 10, "sub_teams": 3, "posts": 50, "campaigns": 4,
              "shares": 10_000, "clicks": 100_000},
    # The baseline company of bench.suite: 10 employees with the activity each has at the other scales (100 shares
    # and 1,000 clicks a year), so a page for one of them differs from the full company's only by its size.
    "tiny": {"employees": 10, "teams": 2, "sub_teams": 1, "posts": 50, "campaigns": 2,
             "shares": 1_000, "clicks": 10_000},
}
DAYS = 365
# Share of a network among shares: (network, cumulative probability, referrer domain of its clicks).
NETWORKS = (("linkedin", 0.50, "linkedin.com"), ("x", 0.70, "t.co"), ("facebook", 0.85, "facebook.com"),
            ("whatsapp", 0.95, ""), ("bluesky", 1.0, "bsky.app"))
DOMAINS = ("www.example.com", "blog.example.com", "careers.example.com", "press.example.org")
BOT_RATE = 0.05
UNIQUE_RATE = 0.80  # of human clicks
ENGAGEMENT_RATE = 0.30  # shares with engagement pulled


# --- Environment and database ------------------------------------------------------------------------

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/11"


def configure(scale="full"):
    # Each scale has a database of its own by default, so a quick small run never throws the full one away.
    default = DEFAULT_DATABASE_URL if scale == "full" else DEFAULT_DATABASE_URL.replace("_bench", f"_{scale}_bench")
    company.configure("bench.metrics", default, DEFAULT_REDIS_URL)


# --- Generation ----------------------------------------------------------------------------------------

def points_rules():
    """The points rules the app pays by (comms' edits over settings.POINTS_RULES, where the app has them)."""
    try:
        from rewards.services import rules
    except ImportError:
        from django.conf import settings

        return settings.POINTS_RULES
    return rules()


def _network_case(column):
    whens = " ".join(f"WHEN {column} < {cumulative} THEN '{network}'" for network, cumulative, _ in NETWORKS)
    return f"(CASE {whens} END)"


def generate(scale, url):
    """The company and its year of activity; returns {what: rows}."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from advocacy.models import Click, EmployeeProfile, Share, Team, TrackedLink, User
    from content_library.models import Campaign, Post
    from guidelines.models import Acknowledgement, GuideVersion
    from metrics.models import NetworkRate, ProgramCost, ShareEngagement
    from metrics.selectors import Month
    from rewards.models import PointsEntry

    sizes = SCALES[scale]
    now = timezone.now().replace(microsecond=0)
    start = now - timedelta(days=DAYS)
    tz = settings.TIME_ZONE
    rng = random.Random(20261123)

    # Small tables with the ORM: they are few rows, and the ORM fills every column the models define.
    started = time.perf_counter()
    top_count = sizes["teams"] - sizes["sub_teams"]
    teams = Team.objects.bulk_create([Team(name=f"Team {n}") for n in range(top_count)])
    teams += Team.objects.bulk_create([Team(name=f"Sub-team {n}", parent=teams[n]) for n in range(sizes["sub_teams"])])
    admin = User.objects.create_superuser(ADMIN_EMAIL, password=None, first_name="Bench", last_name="Admin")
    password = make_password(None)
    users = User.objects.bulk_create([
        User(email=f"bench{n}@example.com", first_name="Bench", last_name=str(n), password=password,
             date_joined=start - timedelta(days=60 + rng.randrange(300)))
        for n in range(sizes["employees"])
    ], batch_size=5000)
    profiles = []
    for n, user in enumerate(users):
        opted_in = start - timedelta(days=60) + timedelta(days=rng.uniform(0, 260)) if rng.random() < 0.85 else None
        opted_out = opted_in + timedelta(days=rng.uniform(10, 200)) if opted_in and rng.random() < 0.03 else None
        profiles.append(EmployeeProfile(user=user, team=teams[int(len(teams) * rng.random() ** 1.3)],
                                        language=rng.choice(["es", "en"]), opted_in_at=opted_in,
                                        opted_out_at=opted_out))
    EmployeeProfile.objects.bulk_create(profiles, batch_size=5000)
    version = GuideVersion.objects.create(version=1, title="Usage guide", body="Be kind. Say you work here.",
                                          effective_date=(start - timedelta(days=90)).date(),
                                          published_at=start - timedelta(days=90))
    Acknowledgement.objects.bulk_create([
        Acknowledgement(employee_id=profile.user_id, version=version, signed_at=profile.opted_in_at,
                        typed_name=f"Bench {n}", text_sha256="0" * 64, signature="0" * 64)
        for n, profile in enumerate(profiles) if profile.opted_in_at
    ], batch_size=5000)
    campaigns = Campaign.objects.bulk_create([
        Campaign(name=f"Campaign {n}", slug=f"campaign-{n}", hashtag=f"Acme{n}",
                 starts_on=(start + timedelta(days=n * DAYS // sizes["campaigns"])).date(),
                 ends_on=(start + timedelta(days=n * DAYS // sizes["campaigns"] + 60)).date())
        for n in range(sizes["campaigns"])
    ])
    posts = []
    for n in range(sizes["posts"]):
        publish_at = start + timedelta(seconds=rng.uniform(0, DAYS * 86400 - 3600))
        posts.append(Post(
            title=f"Post {n}", summary="Something we are proud of.",
            url=f"https://{rng.choice(DOMAINS)}/news/{n}", language=rng.choice(["es", "en"]), hashtags="Acme",
            status=Post.Status.APPROVED, publish_at=publish_at, content_type=rng.choice(Post.ContentType.values),
            campaign=rng.choice(campaigns) if rng.random() < 0.3 else None, created_by=admin,
        ))
    Post.objects.bulk_create(posts, batch_size=5000)
    NetworkRate.objects.bulk_create([NetworkRate(network="linkedin", cpm=25, cpc="1.50"),
                                     NetworkRate(network="x", cpm=8, cpc="0.60"),
                                     NetworkRate(network="facebook", cpm=10, cpc="0.80")])
    month = Month.containing(timezone.localdate(start))
    while month.first_day <= timezone.localdate(now):
        ProgramCost.objects.create(month=month.first_day, amount=5000)
        month = month.next()
    print(f"  teams, {len(users):,} employees, {len(posts):,} posts, campaigns, guide: "
          f"{time.perf_counter() - started:.1f} s", flush=True)

    table = {model: model._meta.db_table for model in (Share, TrackedLink, Click, ShareEngagement, PointsEntry,
                                                      User, EmployeeProfile, Post, Campaign)}
    loader = company.Loader(url, "bench.metrics")
    try:
        recreate = loader.drop_indexes([table[Share], table[TrackedLink], table[Click], table[ShareEngagement],
                                         table[PointsEntry]])
        loader.run(f"""
            CREATE TEMP TABLE bench_employee AS
            SELECT (row_number() OVER (ORDER BY u.id) - 1)::int AS idx, u.id AS user_id, p.team_id
            FROM {table[User]} u JOIN {table[EmployeeProfile]} p ON p.user_id = u.id
            WHERE u.email <> %s""", [ADMIN_EMAIL])
        loader.run(f"""
            CREATE TEMP TABLE bench_post AS
            SELECT (row_number() OVER (ORDER BY p.id) - 1)::int AS idx, p.id, p.publish_at, p.title, p.url,
                   p.campaign_id, c.hashtag
            FROM {table[Post]} p LEFT JOIN {table[Campaign]} c ON c.id = p.campaign_id""")
        for model, filled in ((Share, "id employee_id post_id network team_id text potential_reach created_at "
                                      "published_url published_post_id published_at"),
                              (TrackedLink, "id code employee_id post_id network destination created_at"),
                              (Click, "link_id clicked_at day visitor_key referrer_domain is_bot is_unique"),
                              (ShareEngagement, "share_id impressions reactions comments reshares measured_at "
                                                "next_pull_at last_pulled_at last_error failures")):
            loader.require_columns(table[model], filled.split())
        loader.run("CREATE UNIQUE INDEX ON bench_employee (idx)")
        loader.run("CREATE UNIQUE INDEX ON bench_post (idx)")

        # Distinct (employee, post, network) triples: active employees and popular posts come up more often.
        loader.run("CREATE TEMP TABLE bench_triple (k serial, e int, p int, n text, UNIQUE (e, p, n))")
        wanted, rounds = sizes["shares"], 0
        while (have := loader.value("SELECT count(*) FROM bench_triple")) < wanted:
            rounds += 1
            if rounds > 60:
                raise RuntimeError(f"only {have:,} distinct (employee, post, network) triples after {rounds} rounds")
            loader.run(f"""
                INSERT INTO bench_triple (e, p, n)
                SELECT floor(%(employees)s * power(random(), 1.3))::int, floor(%(posts)s * power(random(), 1.5))::int,
                       {_network_case("r")}
                FROM (SELECT random() AS r FROM generate_series(1, %(batch)s)) g
                ON CONFLICT DO NOTHING""",
                       {"employees": sizes["employees"], "posts": sizes["posts"],
                        "batch": max(1000, int((wanted - have) * 1.15))})
        loader.run("DELETE FROM bench_triple WHERE k > (SELECT k FROM bench_triple ORDER BY k OFFSET %s LIMIT 1)",
                   [wanted - 1])

        # Shares, a few days at most after their post is published, in the order they happened.
        loader.run(f"""
            INSERT INTO {table[Share]} (id, employee_id, post_id, network, team_id, text, potential_reach,
                                        created_at, published_url, published_post_id, published_at)
            SELECT row_number() OVER (ORDER BY created_at), employee_id, post_id, network, team_id, text,
                   potential_reach, created_at, '', '', NULL
            FROM (
                SELECT e.user_id AS employee_id, p.id AS post_id, t.n AS network, e.team_id,
                       p.title || CASE WHEN p.hashtag IS NOT NULL AND random() < 0.6 THEN ' #' || p.hashtag
                                       ELSE '' END AS text,
                       floor(50 + 3000 * power(random(), 3))::int AS potential_reach,
                       p.publish_at + least(make_interval(secs => -ln(1 - random()) * 2 * 86400),
                                            (%(now)s - p.publish_at) * random()) AS created_at
                FROM bench_triple t JOIN bench_employee e ON e.idx = t.e JOIN bench_post p ON p.idx = t.p
            ) s""", {"now": now}, label="shares")
        loader.run(f"""
            INSERT INTO {table[TrackedLink]} (id, code, employee_id, post_id, network, destination, created_at)
            SELECT s.id, 'bm' || s.id, s.employee_id, s.post_id, s.network,
                   p.url || '?utm_source=' || s.network || '&utm_medium=advocacy', s.created_at
            FROM {table[Share]} s JOIN bench_post p ON p.id = s.post_id ORDER BY s.id""", label="tracked links")

        # Clicks: an exponential number per share (mean a little over clicks / shares, the shares taken in random
        # order up to the total), each an exponential delay after the share: mostly in the first days.
        referrer = "(CASE " + " ".join(f"WHEN network = '{n}' THEN '{d}'" for n, _c, d in NETWORKS) + " END)"
        loader.run(f"""
            INSERT INTO {table[Click]} (link_id, clicked_at, day, visitor_key, referrer_domain, is_bot, is_unique)
            SELECT link_id, clicked_at, (clicked_at AT TIME ZONE %(tz)s)::date, visitor_key, {referrer}, is_bot,
                   NOT is_bot AND random() < %(unique)s
            FROM (
                SELECT link_id, network, visitor_key, is_bot,
                       CASE WHEN created_at + delay < %(now)s THEN created_at + delay
                            ELSE created_at + (%(now)s - created_at) * random() END AS clicked_at
                FROM (
                    SELECT s.id AS link_id, s.network, s.created_at, md5(s.id || '-' || g) AS visitor_key,
                           random() < %(bots)s AS is_bot, make_interval(secs => -ln(1 - random()) * 86400) AS delay
                    FROM (SELECT id, network, created_at FROM {table[Share]} ORDER BY random()) s
                    -- "+ 0 * s.id": without a reference to the share, the count would be drawn once for all.
                    CROSS JOIN LATERAL generate_series(1, floor(-ln(1 - random()) * %(mean)s + 0 * s.id)::int) g
                    LIMIT %(clicks)s
                ) raw
            ) timed
            ORDER BY clicked_at""",
                   {"tz": tz, "now": now, "unique": UNIQUE_RATE, "bots": BOT_RATE, "clicks": sizes["clicks"],
                    "mean": sizes["clicks"] / sizes["shares"] * 1.1}, label="clicks")
        loader.run(f"""
            INSERT INTO {table[ShareEngagement]} (share_id, impressions, reactions, comments, reshares, measured_at,
                                                  next_pull_at, last_pulled_at, last_error, failures)
            SELECT id, impressions, reactions, comments, reshares, measured_at, NULL, measured_at, '', 0
            FROM (
                SELECT id, CASE WHEN random() < 0.8 THEN floor(potential_reach * (0.05 + 0.4 * random()))::bigint
                           END AS impressions,
                       floor(40 * power(random(), 3))::int AS reactions,
                       floor(10 * power(random(), 4))::int AS comments,
                       floor(5 * power(random(), 5))::int AS reshares,
                       least(created_at + interval '2 days', %(now)s) AS measured_at
                FROM {table[Share]} WHERE random() < %(rate)s
            ) e""", {"now": now, "rate": ENGAGEMENT_RATE}, label="share engagement")

        # The points ledger as the app writes it: each share, and each unique human click up to the cap per share
        # (a link's id is its share's), with where they count (team, campaign) when the ledger records it.
        rules = points_rules()
        share_type = ContentType.objects.get_for_model(Share).pk
        click_type = ContentType.objects.get_for_model(Click).pk
        columns = ["employee_id", "points", "reason", "source_type_id", "source_id", "note", "created_at"]
        optional = {"team_id": "team_id", "campaign_id": "campaign_id", "multiplier": "1"}
        present = {row[0] for row in loader.run(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table[PointsEntry]])}
        extra = [column for column in optional if column in present]
        loader.require_columns(table[PointsEntry], columns + extra)
        loader.run(f"""
            INSERT INTO {table[PointsEntry]} ({", ".join(columns + extra)})
            SELECT employee_id, points, reason, source_type_id, source_id, '', created_at
                   {"".join(", " + optional[column] for column in extra)}
            FROM (
                SELECT s.employee_id, %(share_points)s AS points, %(share_reason)s AS reason,
                       %(share_type)s AS source_type_id, s.id AS source_id, s.created_at, s.team_id, p.campaign_id
                FROM {table[Share]} s JOIN bench_post p ON p.id = s.post_id
                UNION ALL
                SELECT s.employee_id, %(click_points)s, %(click_reason)s, %(click_type)s, c.id, c.clicked_at,
                       s.team_id, p.campaign_id
                FROM (
                    SELECT id, link_id, clicked_at,
                           row_number() OVER (PARTITION BY link_id ORDER BY clicked_at, id) AS paid
                    FROM {table[Click]} WHERE is_unique AND NOT is_bot
                ) c JOIN {table[Share]} s ON s.id = c.link_id JOIN bench_post p ON p.id = s.post_id
                WHERE c.paid <= %(cap)s
            ) entries ORDER BY created_at""",
                   {"share_points": rules["share"], "share_reason": PointsEntry.Reason.SHARE.value,
                    "share_type": share_type, "click_points": rules["unique_click"],
                    "click_reason": PointsEntry.Reason.UNIQUE_CLICK.value, "click_type": click_type,
                    "cap": rules["unique_click_cap_per_share"]}, label="points ledger")
        for model in (Share, TrackedLink):
            loader.run(f"SELECT setval(pg_get_serial_sequence('{table[model]}', 'id'), "
                       f"(SELECT max(id) FROM {table[model]}))")
        started = time.perf_counter()
        for statement in recreate:
            loader.run(statement)
        print(f"  {len(recreate)} indexes and constraints rebuilt in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        loader.run("VACUUM (ANALYZE)")
        print(f"  VACUUM ANALYZE in {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        loader.close()
    counts = {
        "teams": Team.objects.count(), "employees": len(users), "posts": len(posts),
        "campaign posts": Post.objects.filter(campaign__isnull=False).count(),
        "shares": Share.objects.count(), "tracked links": TrackedLink.objects.count(), "clicks": Click.objects.count(),
        "bot clicks": Click.objects.filter(is_bot=True).count(),
        "unique clicks": Click.objects.filter(is_unique=True).count(),
        "share engagement": ShareEngagement.objects.count(),
        "points entries": PointsEntry.objects.count(),
        "unique-click points entries": PointsEntry.objects.filter(reason=PointsEntry.Reason.UNIQUE_CLICK).count(),
    }
    return counts, timezone.localdate(start), timezone.localdate(now)


def backfill(first_day, last_day):
    """`fill_day` for every day of the period (what `refill_days` does), with a line per month."""
    from django.db import connection

    from metrics.services import fill_day

    day, rows, started, month_started = first_day, 0, time.perf_counter(), time.perf_counter()
    while day <= last_day:
        rows += fill_day(day)
        following = day + timedelta(days=1)
        if following.month != day.month or following > last_day:
            print(f"  backfill up to {day}: {rows:,} rows, month in {time.perf_counter() - month_started:.0f} s",
                  flush=True)
            month_started = time.perf_counter()
        day = following
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) metrics_dailystat")
        cursor.execute("VACUUM (ANALYZE) rewards_pointsentry")
    return seconds, rows


# --- Measurements -----------------------------------------------------------------------------------------

def slowest(queries, count=3):
    """The `count` slowest captured statements: [(milliseconds, sql)]."""
    timed = sorted(((float(query["time"]) * 1000, query["sql"]) for query in queries), reverse=True)
    return timed[:count]


def explain(sql_text):
    """EXPLAIN (ANALYZE, BUFFERS) of a SELECT, as text; None for anything that would write."""
    from django.db import connection

    if not sql_text.lstrip().upper().startswith("SELECT"):
        return None
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql_text)
        return "\n".join(row[0] for row in cursor.fetchall())


RAW_DAY_SQL = """
WITH s AS (
    SELECT s.employee_id, s.post_id, s.network, count(*) AS shares, sum(s.potential_reach) AS potential_reach,
           sum(coalesce(e.impressions, 0)) AS impressions, sum(coalesce(e.reactions, 0)) AS reactions,
           sum(coalesce(e.comments, 0)) AS comments, sum(coalesce(e.reshares, 0)) AS reshares
    FROM advocacy_share s LEFT JOIN metrics_shareengagement e ON e.share_id = s.id
    WHERE s.created_at >= %(start)s AND s.created_at < %(end)s
    GROUP BY 1, 2, 3
), c AS (
    SELECT l.employee_id, l.post_id, l.network, count(*) AS clicks, count(*) FILTER (WHERE c.is_unique) AS unique_clicks
    FROM advocacy_click c JOIN advocacy_trackedlink l ON l.id = c.link_id
    WHERE c.day = %(day)s AND NOT c.is_bot
    GROUP BY 1, 2, 3
)
SELECT coalesce(s.employee_id, c.employee_id), coalesce(s.post_id, c.post_id), coalesce(s.network, c.network),
       coalesce(s.shares, 0), coalesce(s.potential_reach, 0), coalesce(s.impressions, 0), coalesce(s.reactions, 0),
       coalesce(s.comments, 0), coalesce(s.reshares, 0), coalesce(c.clicks, 0), coalesce(c.unique_clicks, 0)
FROM s FULL JOIN c ON c.employee_id = s.employee_id AND c.post_id = s.post_id AND c.network = s.network
"""


def raw_day(day):
    """The day's DailyStat figures straight from the raw shares and clicks, in one query: (seconds, totals)."""
    from django.db import connection

    from metrics.services import day_bounds

    start, end = day_bounds(day)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(RAW_DAY_SQL, {"start": start, "end": end, "day": day})
        rows = cursor.fetchall()
    seconds = time.perf_counter() - began
    totals = {"rows": len(rows), "shares": sum(r[3] for r in rows), "potential_reach": sum(r[4] for r in rows),
              "clicks": sum(r[9] for r in rows), "unique_clicks": sum(r[10] for r in rows)}
    return seconds, totals


def measure_day(day):
    from django.db import connection
    from django.db.models import Count, Sum
    from django.test.utils import CaptureQueriesContext

    from metrics.models import DailyStat
    from metrics.services import compute_day, fill_day
    from rewards.services import award_for_unique_clicks

    # Filled as for the first time: the day's rows are emptied first (behind the service's back: the month's
    # totals still hold the day, and fill_day must recompute them for every employee of the day), so that every
    # count and every total of the day is written again. Then re-run on the day as it is, where nothing changed.
    timings, rerun_timings = [], []
    for attempt in range(DAY_ROLLUP_REPEATS):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM metrics_dailystat WHERE day = %s", [day])
            cursor.execute("DELETE FROM metrics_dailypoints WHERE day = %s", [day])
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            fill_day(day)
            timings.append(time.perf_counter() - began)
        if attempt == 0:
            queries = captured.captured_queries
    for _ in range(DAY_ROLLUP_REPEATS):
        began = time.perf_counter()
        fill_day(day)
        rerun_timings.append(time.perf_counter() - began)
    began = time.perf_counter()
    compute_day(day)
    compute_seconds = time.perf_counter() - began
    began = time.perf_counter()
    award_for_unique_clicks(day)
    award_seconds = time.perf_counter() - began
    rolled = DailyStat.objects.filter(day=day).aggregate(
        rows=Count("id"), shares=Sum("shares"), potential_reach=Sum("potential_reach"), clicks=Sum("clicks"),
        unique_clicks=Sum("unique_clicks"))
    raw_timings, raw_totals = [], None
    for _ in range(DAY_ROLLUP_REPEATS):
        seconds, raw_totals = raw_day(day)
        raw_timings.append(seconds)
    return {
        "seconds": statistics.median(timings), "all": timings, "compute_day": compute_seconds,
        "rerun_seconds": statistics.median(rerun_timings), "rerun_all": rerun_timings,
        "award": award_seconds, "queries": len(queries), "slowest": slowest(queries),
        "raw_seconds": statistics.median(raw_timings), "raw_all": raw_timings,
        "rolled": {key: value or 0 for key, value in rolled.items()}, "raw": raw_totals,
    }


RAW_MONTH_SQL = {
    "shares, potential reach, sharers": """
        SELECT count(*), coalesce(sum(potential_reach), 0), count(DISTINCT employee_id)
        FROM advocacy_share WHERE created_at >= %(start)s AND created_at < %(end)s""",
    "clicks, unique clicks": """
        SELECT count(*), count(*) FILTER (WHERE is_unique)
        FROM advocacy_click WHERE day >= %(first)s AND day <= %(last)s AND NOT is_bot""",
    "top 20 contributors by clicks": """
        SELECT l.employee_id, count(*) AS clicks
        FROM advocacy_click c JOIN advocacy_trackedlink l ON l.id = c.link_id
        WHERE c.day >= %(first)s AND c.day <= %(last)s AND NOT c.is_bot
        GROUP BY l.employee_id ORDER BY clicks DESC, l.employee_id LIMIT 20""",
    "top 20 posts by clicks, with shares": """
        WITH clicks AS (
            SELECT l.post_id, count(*) AS clicks
            FROM advocacy_click c JOIN advocacy_trackedlink l ON l.id = c.link_id
            WHERE c.day >= %(first)s AND c.day <= %(last)s AND NOT c.is_bot
            GROUP BY l.post_id ORDER BY clicks DESC, l.post_id LIMIT 20
        )
        SELECT clicks.post_id, clicks.clicks, count(s.id) AS shares
        FROM clicks LEFT JOIN advocacy_share s
             ON s.post_id = clicks.post_id AND s.created_at >= %(start)s AND s.created_at < %(end)s
        GROUP BY clicks.post_id, clicks.clicks ORDER BY clicks.clicks DESC, clicks.post_id""",
}


def raw_month(month):
    """The month's headline figures from the raw tables: (seconds, {label: seconds}, figures)."""
    from django.db import connection

    start, end = month.bounds()
    params = {"start": start, "end": end, "first": month.first_day, "last": month.last_day}
    parts, results = {}, {}
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for label, statement in RAW_MONTH_SQL.items():
            part_began = time.perf_counter()
            cursor.execute(statement, params)
            results[label] = cursor.fetchall()
            parts[label] = time.perf_counter() - part_began
    seconds = time.perf_counter() - began
    shares, reach, sharers = results["shares, potential reach, sharers"][0]
    clicks, unique = results["clicks, unique clicks"][0]
    figures = {"shares": shares, "potential_reach": reach, "sharers": sharers, "clicks": clicks,
               "unique_clicks": unique}
    return seconds, parts, figures


def report_variants(month):
    """The reports measured: the company's, then one filter at a time: the team with sub-teams that has the
    most people (the filter takes its sub-teams in), the month's busiest campaign, LinkedIn.
    [(label, query string, filters for metrics.selectors.monthly_report)]."""
    from django.db.models import Count, Sum

    from advocacy.models import Team
    from content_library.models import Campaign
    from metrics.models import DailyStat

    variants = [("company", "", {})]
    team = (Team.objects.filter(children__isnull=False).annotate(people=Count("members", distinct=True))
            .order_by("-people", "pk").first())
    if team is not None:
        sub_teams = len(Team.subtree_ids([team.pk])) - 1
        variants.append((f"team filter ({team.name} and {sub_teams} sub-team{'s' * (sub_teams != 1)})",
                         f"?team={team.pk}", {"team": team}))
    campaign_id = (DailyStat.objects.filter(day__gte=month.first_day, day__lte=month.last_day,
                                            campaign_id__isnull=False)
                   .values("campaign_id").annotate(shares=Sum("shares")).order_by("-shares", "campaign_id")
                   .values_list("campaign_id", flat=True).first())
    if campaign_id is not None:
        campaign = Campaign.objects.get(pk=campaign_id)
        variants.append((f"campaign filter ({campaign.name}, the month's busiest)", f"?campaign={campaign_id}",
                         {"campaign": campaign}))
    variants.append(("network filter (LinkedIn)", "?network=linkedin", {"network": "linkedin"}))
    return variants


def report_agrees(month, filters):
    """Whether the report (read from the rollup's totals) gives the figures of the month's DailyStat rows and the
    ranking of the points ledger, with the same filters: (yes or no, what was compared)."""
    from django.db.models import Sum

    from advocacy.models import Team
    from metrics.models import DailyStat
    from metrics.selectors import monthly_report
    from rewards.models import PointsEntry
    from rewards.services import EARNING_REASONS

    report = monthly_report(month, **filters)
    rows = DailyStat.objects.filter(day__gte=month.first_day, day__lte=month.last_day)
    team_ids = frozenset(Team.subtree_ids([filters["team"].pk])) if "team" in filters else None
    if team_ids is not None:
        rows = rows.filter(team_id__in=team_ids)
    if "campaign" in filters:
        rows = rows.filter(campaign=filters["campaign"])
    if "network" in filters:
        rows = rows.filter(network=filters["network"])
    keys = ("shares", "clicks", "unique_clicks", "potential_reach", "impressions", "hashtag_mentions")
    expected = {key: value or 0 for key, value in rows.aggregate(**{key: Sum(key) for key in keys}).items()}
    expected["sharers"] = rows.filter(shares__gt=0).values("employee_id").distinct().count()
    figures = {key: report.figures[key].value for key in expected}
    start, end = month.bounds()
    entries = PointsEntry.objects.filter(created_at__gte=start, created_at__lt=end, reason__in=EARNING_REASONS)
    if team_ids is not None:
        entries = entries.filter(employee__profile__team_id__in=team_ids)
    people = [(row["employee_id"], row["total"]) for row in entries.values("employee_id")
              .annotate(total=Sum("points")).filter(total__gt=0).order_by("-total", "employee_id")[:20]]
    teams = [(row["employee__profile__team_id"], row["total"]) for row in entries
             .filter(employee__profile__team__isnull=False).values("employee__profile__team_id")
             .annotate(total=Sum("points")).filter(total__gt=0)
             .order_by("-total", "employee__profile__team_id")[:10]]
    ranking = ([(row["employee"].pk, row["points"]) for row in report.top_contributors],
               [(row["team"].pk, row["points"]) for row in report.top_teams])
    return figures == expected and ranking == (people, teams)


def measure_page(month, requests, raw_repeats):
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from advocacy.models import User
    from bench.redirect import percentile
    from metrics.selectors import monthly_report

    client = Client()
    client.force_login(User.objects.get(email=ADMIN_EMAIL))
    path = f"/reports/{month}/"
    variants = report_variants(month)
    for _ in range(3):
        for _label, query, _filters in variants:
            assert client.get(path + query).status_code == 200
    # Computed from the rollups at each request (the cache emptied first), every variant in turn so that they
    # all see the same machine; then the company's as served: the report kept until its month's counts change
    # (metrics.report_cache).
    timings = {label: [] for label, _query, _filters in variants}
    for _ in range(requests):
        for label, query, _filters in variants:
            cache.clear()
            began = time.perf_counter()
            response = client.get(path + query)
            timings[label].append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
    served = []
    client.get(path)  # the company's report computed once and kept (the last request above was another's)
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(path)
        served.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as kept_queries:
        client.get(path)
    computed = []
    for label, query, filters in variants:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(path + query)
        values = sorted(timings[label])
        computed.append({
            "label": label, "path": path + query, "p50": percentile(values, 0.50),
            "p95": percentile(values, 0.95), "queries": len(captured),
            "query_ms": sum(float(q["time"]) for q in captured.captured_queries) * 1000,
            "slowest": slowest(captured.captured_queries),
            "agrees": report_agrees(month, filters),
        })
    served.sort()
    report = monthly_report(month)
    page_figures = {key: report.figures[key].value for key in ("shares", "potential_reach", "sharers", "clicks",
                                                                  "unique_clicks")}
    raw_timings, raw_parts, raw_figures = [], [], None
    for _ in range(raw_repeats):
        seconds, parts, raw_figures = raw_month(month)
        raw_timings.append(seconds * 1000)
        raw_parts.append(parts)
    raw_timings.sort()
    company_view = computed[0]
    return {
        "path": path, "p50": company_view["p50"], "p95": company_view["p95"],
        "served_p50": percentile(served, 0.50), "served_p95": percentile(served, 0.95),
        "served_queries": len(kept_queries),
        "queries": company_view["queries"], "slowest": company_view["slowest"], "query_ms": company_view["query_ms"],
        "computed": computed,
        "raw_p50": percentile(raw_timings, 0.50), "raw_p95": percentile(raw_timings, 0.95),
        "raw_queries": len(RAW_MONTH_SQL),
        "raw_parts": {label: statistics.median(part[label] for part in raw_parts) * 1000 for label in RAW_MONTH_SQL},
        "figures": page_figures, "raw_figures": raw_figures,
    }


def busiest_day(month):
    from django.db.models import Count

    from advocacy.models import Click

    row = (Click.objects.filter(day__gte=month.first_day, day__lte=month.last_day).values("day")
           .annotate(n=Count("id")).order_by("-n", "day").first())
    return row["day"]


def database_size():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return cursor.fetchone()[0]


def postgres_settings():
    from django.db import connection

    values = []
    with connection.cursor() as cursor:
        for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather"):
            cursor.execute(f"SHOW {name}")
            values.append(f"{name} {cursor.fetchone()[0]}")
    return ", ".join(values)


def ensure_company(scale):
    """For the other benches (bench.suite): set Django up on the company of `scale` (BENCH_DATABASE_URL, or this
    bench's database for the scale), generating and backfilling it unless a complete one is there (its marker
    row says so), and migrated; the database is kept. Returns the marker's details."""
    configure(scale)
    url = os.environ["DATABASE_URL"]
    marker = company.existing_marker(url, MARKER_TABLE, scale, "backfill_seconds")
    if marker is None:
        from bench.feed import recreate_database

        print(f"building the {scale} company in a new database", flush=True)
        recreate_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("migrate", verbosity=0)
    if marker is None:
        began = time.perf_counter()
        counts, first_day, last_day = generate(scale, url)
        marker = {"generated_on": date.today().isoformat(), "generation_seconds": time.perf_counter() - began,
                  "counts": counts, "first_day": first_day.isoformat(), "last_day": last_day.isoformat()}
        company.write_marker(MARKER_TABLE, scale, marker)
        seconds, rows = backfill(first_day, last_day)
        marker.update(backfill_seconds=seconds, backfill_rows=rows,
                      backfill_days=(last_day - first_day).days + 1, backfill_filled_totals=True)
        company.write_marker(MARKER_TABLE, scale, marker)
        print(f"generated the {scale} company in {marker['generation_seconds']:.0f} s and backfilled it in "
              f"{seconds:.0f} s", flush=True)
    return marker


def middle_month(marker):
    """The full month in the middle of a company's year, the one the benches measure."""
    from metrics.selectors import Month

    first_day, last_day = date.fromisoformat(marker["first_day"]), date.fromisoformat(marker["last_day"])
    return Month.containing(first_day + (last_day - first_day) / 2)


# --- Main ---------------------------------------------------------------------------------------------------

def _clip(text, length):
    return text if len(text) <= length else text[:length] + "…"


def _totals(figures):
    return ", ".join(f"{value:,} {key.replace('_', ' ')}" for key, value in figures.items())


def _met(value, target):
    return "yes" if value < target else "**no**"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.metrics", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full", help="full (the issue's company) or "
                        "small (1/100 of it)")
    parser.add_argument("--requests", type=int, default=20, help="timed report page requests (default 20)")
    parser.add_argument("--raw-repeats", type=int, default=5,
                        help="timed runs of the raw-event month figures (default 5)")
    parser.add_argument("--write", action="store_true", help="replace the section in docs/benchmarks.md")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database afterwards, so the next run at the same scale skips generation")
    arguments = parser.parse_args(argv)
    if min(arguments.requests, arguments.raw_repeats) < 1:
        parser.error("--requests and --raw-repeats must be at least 1")

    configure(arguments.scale)
    url = os.environ["DATABASE_URL"]
    marker = company.existing_marker(url, MARKER_TABLE, arguments.scale, "backfill_seconds")
    if marker is None:
        from bench.feed import recreate_database

        print(f"building the {arguments.scale} company in a new database", flush=True)
        recreate_database(url)
    else:
        print(f"reusing the {arguments.scale} company generated on {marker['generated_on']}", flush=True)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    filling_totals = marker is not None and not MigrationRecorder(connection).migration_qs.filter(
        app="metrics", name=TOTALS_MIGRATION).exists()
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - began
    print(f"migrated in {migrate_seconds:.1f} s"
          + (f" (the report's totals filled for the kept year by {TOTALS_MIGRATION})" if filling_totals else ""),
          flush=True)

    from metrics.selectors import Month

    try:
        if marker is None:
            began = time.perf_counter()
            counts, first_day, last_day = generate(arguments.scale, url)
            generation_seconds = time.perf_counter() - began
            print(f"generated in {generation_seconds:.0f} s: "
                  + ", ".join(f"{value:,} {key}" for key, value in counts.items()), flush=True)
            marker = {"generated_on": date.today().isoformat(), "generation_seconds": generation_seconds,
                      "counts": counts, "first_day": first_day.isoformat(), "last_day": last_day.isoformat()}
            company.write_marker(MARKER_TABLE, arguments.scale, marker)
            print(f"backfill: fill_day for {first_day} … {last_day}", flush=True)
            seconds, rows = backfill(first_day, last_day)
            marker.update(backfill_seconds=seconds, backfill_rows=rows,
                          backfill_days=(last_day - first_day).days + 1, backfill_filled_totals=True)
            company.write_marker(MARKER_TABLE, arguments.scale, marker)
            print(f"backfill: {marker['backfill_days']} days, {rows:,} DailyStat rows in {seconds:.0f} s", flush=True)
        if filling_totals:
            marker.update(totals_migration_seconds=migrate_seconds)
            company.write_marker(MARKER_TABLE, arguments.scale, marker)
        first_day, last_day = date.fromisoformat(marker["first_day"]), date.fromisoformat(marker["last_day"])
        month = Month.containing(first_day + (last_day - first_day) / 2)
        day = busiest_day(month)
        size, server = database_size(), postgres_settings()

        from bench.redirect import _redacted, machine_description

        machine = machine_description()
        load = os.getloadavg()[0]
        command = "python -m bench.metrics" + "".join(" " + shlex.quote(arg) for arg in argv)
        print(f"machine: {machine['cpu']}, {machine['memory']}, {machine['os']}; load average {load:.2f}\n"
              f"software: {machine['software']} ({server})\ndate: {date.today()}\ncommand: {command}\n"
              f"database: {size}", flush=True)

        print(f"measuring fill_day({day}) ×{DAY_ROLLUP_REPEATS} and the raw one-day query…", flush=True)
        rollup = measure_day(day)
        print(f"measuring {month}'s report page ×{arguments.requests} and the raw figures "
              f"×{arguments.raw_repeats}…", flush=True)
        page = measure_page(month, arguments.requests, arguments.raw_repeats)
        plans = [(label, ms, sql_text, explain(sql_text))
                 for label, entries in (("fill_day", rollup["slowest"]), ("report page", page["slowest"]))
                 for ms, sql_text in entries[:2]]
        plans += [(f"report page, {variant['label']}", ms, sql_text, explain(sql_text))
                  for variant in page["computed"][1:] for ms, sql_text in variant["slowest"][:1]]
    finally:
        connections.close_all()
        if not arguments.keep:
            company.drop_database(url)
            print("dropped the bench database (no --keep)", flush=True)

    day_agrees = all(rollup["rolled"][key] == rollup["raw"][key] for key in rollup["raw"])
    month_agrees = page["figures"] == page["raw_figures"]
    counts = marker["counts"]
    table = "\n".join([
        "| measurement | figure | baseline (raw events, same run) | ratio | target | met? |",
        "|---|---:|---:|---:|---|---|",
        f"| one day's rollup `fill_day({day})` as when first filled (the day's rows emptied first), median of "
        f"{DAY_ROLLUP_REPEATS} | {rollup['seconds']:.2f} s | "
        f"{rollup['raw_seconds']:.3f} s (one SQL aggregate of the day's shares and clicks, same "
        f"{rollup['raw']['rows']:,} rows, no writes) | rollup / raw {rollup['seconds'] / rollup['raw_seconds']:.1f} "
        f"| < {DAY_ROLLUP_TARGET_S:.0f} s | {_met(rollup['seconds'], DAY_ROLLUP_TARGET_S)} |",
        f"| … the same day filled again, nothing changed (each run of the 15-minute job refills today), median "
        f"of {DAY_ROLLUP_REPEATS} | {rollup['rerun_seconds']:.2f} s | | | < {DAY_ROLLUP_TARGET_S:.0f} s | "
        f"{_met(rollup['rerun_seconds'], DAY_ROLLUP_TARGET_S)} |",
        f"| report page `{page['path']}` as served (the kept report) p50 | {page['served_p50']:.0f} ms | "
        f"{page['raw_p50']:.0f} ms (headline figures from raw shares and clicks, {page['raw_queries']} SQL "
        f"queries) | raw / served {page['raw_p50'] / page['served_p50']:.1f} | | |",
        f"| report page as served p95 | {page['served_p95']:.0f} ms | {page['raw_p95']:.0f} ms | raw / served "
        f"{page['raw_p95'] / page['served_p95']:.1f} | < {PAGE_P95_TARGET_MS:.0f} ms | "
        f"{_met(page['served_p95'], PAGE_P95_TARGET_MS)} |",
        f"| report page computed from the rollups at each request (cache emptied) p50 | {page['p50']:.0f} ms | "
        f"{page['raw_p50']:.0f} ms | raw / rollup {page['raw_p50'] / page['p50']:.1f} | | |",
        f"| … computed p95 | {page['p95']:.0f} ms | {page['raw_p95']:.0f} ms | raw / rollup "
        f"{page['raw_p95'] / page['p95']:.1f} | < {PAGE_P95_TARGET_MS:.0f} ms | "
        f"{_met(page['p95'], PAGE_P95_TARGET_MS)} |",
        f"| report page SQL queries, computed / served | {page['queries']} ({page['query_ms']:.0f} ms in the "
        f"database) / {page['served_queries']} | {page['raw_queries']} | | | |",
        f"| backfill: `fill_day` × {marker['backfill_days']} days"
        + ("" if marker.get("backfill_filled_totals") else
           f" (when the database was generated, before the report's totals existed; migration {TOTALS_MIGRATION} "
           f"filled them for the kept year in {marker.get('totals_migration_seconds', 0):.0f} s)")
        + f" | {marker['backfill_seconds']:.0f} s ({marker['backfill_rows']:,} DailyStat rows) | | "
        f"{marker['backfill_seconds'] / marker['backfill_days']:.2f} s per day | | |",
    ])
    variants_table = "\n".join([
        "| report computed from the rollups at each request (cache emptied) | p50 | p95 | SQL queries | in the "
        "database | same figures as DailyStat and the ledger | target | met? |",
        "|---|---:|---:|---:|---:|---|---|---|",
        *(f"| `{variant['path']}` {variant['label']} | {variant['p50']:.0f} ms | {variant['p95']:.0f} ms | "
          f"{variant['queries']} | {variant['query_ms']:.0f} ms | {'yes' if variant['agrees'] else '**no**'} | "
          f"p95 < {PAGE_P95_TARGET_MS:.0f} ms | {_met(variant['p95'], PAGE_P95_TARGET_MS)} |"
          for variant in page["computed"]),
    ])
    details = "\n".join([
        f"- fill_day runs: {', '.join(f'{s:.2f}' for s in rollup['all'])} s (again, nothing changed: "
        f"{', '.join(f'{s:.2f}' for s in rollup['rerun_all'])} s); of one run, `compute_day` "
        f"{rollup['compute_day']:.2f} s and `award_for_unique_clicks` {rollup['award']:.2f} s; {rollup['queries']} "
        "SQL queries; slowest: " + "; ".join(f"{ms:.0f} ms `{sql[:90]}…`" for ms, sql in rollup["slowest"]),
        *(f"- report page ({variant['label']}), slowest queries: "
          + "; ".join(f"{ms:.0f} ms `{sql[:90]}…`" for ms, sql in variant["slowest"])
          for variant in page["computed"]),
        "- raw month figures, median per query: "
        + "; ".join(f"{label} {ms:.0f} ms" for label, ms in page["raw_parts"].items()),
        f"- same figures both ways: the day's DailyStat rows equal the raw query's "
        f"({'yes' if day_agrees else '**no**'}: {_totals(rollup['rolled'])} vs {_totals(rollup['raw'])}); the "
        f"report's month equals the raw figures ({'yes' if month_agrees else '**no**'}: {_totals(page['figures'])} "
        f"vs {_totals(page['raw_figures'])})",
    ])
    print("\n" + table + "\n\n" + variants_table + "\n\n" + details)
    for label, ms, sql_text, plan in plans:
        plan = "\n".join(_clip(line, 200) for line in (plan or "(not a SELECT: no EXPLAIN ANALYZE)").splitlines())
        print(f"\n{label}, {ms:.0f} ms: {_clip(sql_text, 600)}\n{plan}")

    if arguments.write:
        from bench.redirect import write_section

        volume = ", ".join(f"{counts[key]:,} {key}" for key in (
            "employees", "teams", "posts", "campaign posts", "shares", "tracked links", "clicks", "bot clicks",
            "unique clicks", "share engagement", "points entries"))
        section = "\n".join([
            SECTION_TITLE, "",
            "The daily rollup (`metrics.services.fill_day`) and the monthly KPI report (`/reports/YYYY-MM/`, read "
            "from the rollup), each beside the same figures computed straight from the raw shares and clicks, in "
            "one run, on a company generated with SQL. The report reads the totals the rollup keeps beside "
            "DailyStat (counts per team, campaign and network by day and by month, per employee and post by month, "
            "points per employee by day and by month); it is measured for the company and with a team, a campaign "
            "and a network filter. Targets: one day's rollup under 10 s, the report page's p95 under 300 ms.", "",
            f"- **Date**: {date.today().isoformat()}",
            f"- **Machine**: {machine['cpu']}, {machine['memory']}, {machine['os']}; 1-minute load average "
            f"{load:.2f} before measuring",
            f"- **Software**: {machine['software']} ({server})",
            f"- **Command**: `{command}` (BENCH_DATABASE_URL `{_redacted(url)}`)",
            f"- **Data** ({arguments.scale} scale, {first_day} to {last_day}, generated in "
            f"{marker['generation_seconds']:.0f} s, database {size}): {volume} (one per share and "
            f"{counts['unique-click points entries']:,} for unique human clicks, up to 20 per share, as the rollup "
            "pays them). Measured: "
            f"the busiest day ({day}) and the report of {month}, a superuser, DEBUG=0, "
            f"{arguments.requests} timed page requests after 3 warm-up, {arguments.raw_repeats} raw runs.", "",
            table, "",
            variants_table, "",
            details, "",
        ])
        write_section(section, SECTION_TITLE)
        print(f"\nwrote the {SECTION_TITLE.lstrip('# ')!r} section of docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
