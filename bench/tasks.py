"""The Celery task bench.suite runs on a real worker (`--include bench.tasks`) to measure its peak memory: what
the rollup job does to one day, then the report preparation that follows it.

`metrics.tasks.roll_up_daily_stats` itself fills every day from the saved watermark, which on a generated company
(backfilled with `fill_day`, the watermark never moved) would be the whole year; this task does the same work for
the one day measured.
"""

import os
import time
from datetime import date

from celery import shared_task


@shared_task
def roll_up_day_and_prepare_reports(day):
    """`fill_day(day)`, then `prepare_company_reports(day)` (the company's reports of the day's month and the month
    before, computed and kept in the cache, as the rollup job does after each run); returns the rows, the times
    and this process's peak resident set."""
    from bench.memory import status_kib
    from metrics.report_cache import prepare_company_reports
    from metrics.services import fill_day

    day = date.fromisoformat(day)
    before = status_kib(os.getpid())
    began = time.perf_counter()
    rows = fill_day(day)
    filled = time.perf_counter()
    prepare_company_reports(day)
    prepared = time.perf_counter()
    return {"rows": rows, "fill_seconds": filled - began, "prepare_seconds": prepared - filled,
            "peak_kib_before": before, "peak_kib": status_kib(os.getpid()), "pid": os.getpid()}
