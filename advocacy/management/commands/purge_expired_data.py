"""python manage.py purge_expired_data: delete what is past its retention period, as the nightly job does."""

from django.conf import settings
from django.core.management.base import BaseCommand

from advocacy.privacy import purge_expired_data


class Command(BaseCommand):
    help = ("Delete raw clicks older than CLICK_RETENTION_DAYS (only days the KPI rollup has filled; their daily "
            "counts stay), the guide signatures of employees erased more than GUIDE_SIGNATURE_RETENTION_DAYS ago, "
            "and expired sessions.")

    def handle(self, *args, **options):
        deleted = purge_expired_data()
        clicks = settings.CLICK_RETENTION_DAYS
        signatures = settings.GUIDE_SIGNATURE_RETENTION_DAYS
        self.stdout.write(f"raw clicks: {deleted['clicks']} deleted "
                          f"({f'kept {clicks} days' if clicks else 'CLICK_RETENTION_DAYS=0: kept for ever'})")
        self.stdout.write(f"guide signatures of erased employees: {deleted['guide_signatures']} deleted "
                          f"({f'kept {signatures} days' if signatures else 'kept for ever'})")
        self.stdout.write(f"expired sessions: {deleted['sessions']} deleted")
