from datetime import date

from django.core.management.base import BaseCommand, CommandError

from metrics.services import fill_daily_stats, refill_days


def _parse_day(text):
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text}") from error


class Command(BaseCommand):
    help = "Roll shares and clicks up into daily counts: up to now, one day (--date), or a range (--from/--to)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="recompute this day only (YYYY-MM-DD)")
        parser.add_argument("--from", dest="first_day", help="first day of a backfill (YYYY-MM-DD)")
        parser.add_argument("--to", dest="last_day", help="last day of a backfill (YYYY-MM-DD), default: --from")

    def handle(self, *args, date=None, first_day=None, last_day=None, **options):
        if date and (first_day or last_day):
            raise CommandError("Use either --date or --from/--to.")
        if date or first_day:
            first = _parse_day(date or first_day)
            last = _parse_day(last_day) if last_day else first
            if last < first:
                raise CommandError("--to must not be before --from.")
            rows = refill_days(first, last)
            self.stdout.write(f"Recomputed {first} to {last}: {rows} row(s).")
            return
        state = fill_daily_stats()
        self.stdout.write(f"Filled until {state.filled_until}: {state.last_run_summary}.")
