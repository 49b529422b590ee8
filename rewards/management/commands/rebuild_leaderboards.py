import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rewards.leaderboards import rebuild


class Command(BaseCommand):
    help = ("Rebuild every leaderboard in Redis from the points ledger; the new boards replace the old ones at once "
            "and obsolete ones are deleted.")

    def handle(self, *args, **options):
        if not settings.REDIS_URL:
            self.stdout.write("REDIS_URL is not set: the leaderboards are read from the database; nothing to rebuild.")
            return
        try:
            summary = rebuild()
        except redis.RedisError as error:
            raise CommandError(f"Redis did not answer ({type(error).__name__}: {error}); the leaderboards are read "
                               "from the database until a rebuild succeeds.") from error
        if not summary["rebuilt"]:
            raise CommandError(f"Not rebuilt: {summary['reason']}.")
        self.stdout.write(self.style.SUCCESS(
            f"Rebuilt {summary['boards']} boards ({summary['rows']} rows, {summary['absent']} people off the boards, "
            f"{summary['replayed']} entries replayed) in {summary['seconds']:.1f} s."))
