from django.core.management.base import BaseCommand, CommandError

from advocacy import clients
from metrics.pulling import find_shared_posts, pull_engagement


class Command(BaseCommand):
    help = ("Ask the networks about the engagement of every share that is due (and, with X search on, look for "
            "posts carrying recent tracked links), as the worker does every 15 minutes.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=2000, help="at most this many shares (default 2000)")

    def handle(self, *args, limit, **options):
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        try:
            found = find_shared_posts()
        except clients.NetworkError as error:
            self.stderr.write(f"X search skipped: {error}")
            found = 0
        report = pull_engagement(limit=limit)
        report.found = found
        self.stdout.write(f"Engagement: {report}.")
