"""The employee feed (the dashboard, `/`) with 10,000 posts and 10,000 employees, beside the same page
with 10 posts, in one run: latency percentiles and SQL queries.

    python -m bench.feed [--posts 10000] [--employees 10000] [--requests 60] [--write]

It uses its own PostgreSQL database (BENCH_DATABASE_URL, default .../advocacy_feed_bench; the name
must end in _bench), rebuilt at each run. It measures in-process with Django's test client (the
whole middleware stack and template rendering, no HTTP server): first the company with 10 posts, then,
after adding the rest of the posts and employees, the same page again. See bench/README.md.
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from datetime import timedelta
from urllib.parse import unquote, urlsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/advocacy_feed_bench"
SECTION_TITLE = "## Employee feed"


def configure():
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    if not urlsplit(os.environ["DATABASE_URL"]).path.rstrip("/").endswith("_bench"):
        raise SystemExit("bench.feed rebuilds its database: BENCH_DATABASE_URL must name one ending in _bench.")
    os.environ["REDIS_URL"] = ""
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "advocacy.settings"


def recreate_database(url):
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    connection = psycopg2.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
                                  user=unquote(parts.username or "postgres"), password=parts.password or None,
                                  dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def add_posts(count, teams, start_index=0):
    from django.utils import timezone

    from content_library.models import Post, PostVariant

    now = timezone.now()
    rng = random.Random(start_index)
    posts = Post.objects.bulk_create([
        Post(title=f"Post {start_index + n}", summary="Something we are proud of.",
             url=f"https://www.example.com/news/{start_index + n}", language=rng.choice(["es", "en"]),
             hashtags="Acme", status=Post.Status.APPROVED, publish_at=now - timedelta(minutes=start_index + n),
             content_type=rng.choice(Post.ContentType.values))
        for n in range(count)
    ], batch_size=2000)
    PostVariant.objects.bulk_create([
        PostVariant(post=post, network=network, text=f"{post.title}: proud of it")
        for post in posts for network in ("linkedin", "x")
    ], batch_size=4000)
    through = Post.target_teams.through
    through.objects.bulk_create([through(post_id=post.pk, team_id=rng.choice(teams).pk)
                                 for post in posts if rng.random() < 0.1], batch_size=4000)


def add_employees(count, teams):
    from django.contrib.auth.hashers import make_password

    from advocacy.models import EmployeeProfile, User

    password = make_password(None)
    users = User.objects.bulk_create([
        User(email=f"bench{n}@example.com", first_name="Bench", last_name=str(n), password=password)
        for n in range(count)
    ], batch_size=2000)
    EmployeeProfile.objects.bulk_create([
        EmployeeProfile(user=user, team=teams[n % len(teams)], language="es") for n, user in enumerate(users)
    ], batch_size=2000)


def measure(client, employee, requests):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from advocacy.selectors import feed_for

    for _ in range(5):
        client.get("/")
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get("/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    timings.sort()
    return {
        "p50": statistics.median(timings), "p95": timings[int(0.95 * (len(timings) - 1))],
        "queries": len(queries), "posts_shown": feed_for(employee).count(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.feed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per size (default 60)")
    parser.add_argument("--write", action="store_true", help="replace the section in docs/benchmarks.md")
    arguments = parser.parse_args(argv)

    configure()
    recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("migrate", verbosity=0)

    from advocacy.models import Team
    from tests import factories

    teams = [Team.objects.create(name=f"Team {n}") for n in range(20)]
    employee = factories.AdvocateFactory(team=teams[0])
    client = Client()
    client.force_login(employee)

    add_posts(10, teams)
    small = measure(client, employee, arguments.requests)
    started = time.perf_counter()
    add_posts(arguments.posts - 10, teams, start_index=10)
    add_employees(arguments.employees, teams)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"company built in {time.perf_counter() - started:.0f} s")
    large = measure(client, employee, arguments.requests)

    from bench.redirect import _redacted, machine_description

    machine = machine_description()
    command = "python -m bench.feed " + " ".join(argv if argv is not None else sys.argv[1:])
    table = "\n".join([
        "| | 10 posts | {:,} posts, {:,} employees | ratio |".format(arguments.posts, arguments.employees),
        "|---|---:|---:|---:|",
        f"| p50 ms | {small['p50']:.1f} | {large['p50']:.1f} | {large['p50'] / small['p50']:.2f} |",
        f"| p95 ms | {small['p95']:.1f} | {large['p95']:.1f} | {large['p95'] / small['p95']:.2f} |",
        f"| SQL queries | {small['queries']} | {large['queries']} | {large['queries'] / small['queries']:.2f} |",
        f"| posts in the feed | {small['posts_shown']:,} | {large['posts_shown']:,} | |",
    ])
    print(table)
    if arguments.write:
        from bench.redirect import write_section

        section = "\n".join([
            SECTION_TITLE, "",
            "`/` for an employee (feed page 1 of 12 posts, my month's stats, latest shares, filters), measured "
            "in-process with Django's test client, first with 10 posts, then after adding the rest of the posts "
            "(10 % targeted at one of 20 teams) and employees, in one run.", "",
            f"- **Date**: {time.strftime('%Y-%m-%d')}",
            f"- **Machine**: {machine['cpu']}, {machine['memory']}, {machine['os']}",
            f"- **Software**: {machine['software']}",
            f"- **Command**: `{command.strip()}` (BENCH_DATABASE_URL `{_redacted(os.environ['DATABASE_URL'])}`)",
            f"- **Requests**: {arguments.requests} timed per size after 5 warm-up, DEBUG=0", "",
            table, "",
        ])
        write_section(section, SECTION_TITLE)


if __name__ == "__main__":
    main()
