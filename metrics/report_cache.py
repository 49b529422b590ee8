"""The monthly report, kept in the cache until the counts it was read from change.

Each month has a generation number in the cache; writing a day's counts (after its commit), the network rates,
the program cost or the employee of the month moves it on, so a report is never served from counts that have
since been rewritten. The rollup task computes the company's report for this month and the last one after
each run, so managers opening it get it at once. A cache that is unreachable only costs the computation, and
without a shared cache (no Redis) every report is computed when it is read.
"""

import hashlib
import logging

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

logger = logging.getLogger(__name__)

TIMEOUT = 60 * 60  # a safety net: people counts (accounts, signatures) change without moving a generation
EVERY_MONTH = "all"


def _generation_key(month):
    return f"kpi-report-generation:{month}"


def _shared():
    """Only a cache every process shares (Redis) can keep reports: with a per-process one, a rollup run in
    another process (a command, the worker) could not tell the web processes that the counts changed."""
    return not isinstance(caches["default"], LocMemCache)


def _generations(month):
    if not _shared():
        return None
    try:
        found = cache.get_many([_generation_key(month), _generation_key(month.previous()),
                                _generation_key(EVERY_MONTH)])
    except Exception:
        logger.warning("report cache unreachable", exc_info=True)
        return None
    return tuple(found.get(key, 0) for key in (_generation_key(month), _generation_key(month.previous()),
                                               _generation_key(EVERY_MONTH)))


def _bump(name):
    try:
        cache.add(_generation_key(name), 0, timeout=None)
        cache.incr(_generation_key(name))
    except Exception:  # the report then lives at most TIMEOUT with the old counts
        logger.warning("could not move the report generation of %s", name, exc_info=True)


def counts_changed(day):
    """The daily counts of `day` were rewritten: its month's report (and the next month's, which compares
    with it) is recomputed on its next reading, once the rewrite is committed."""
    from .selectors import Month

    month = Month.containing(day)
    transaction.on_commit(lambda: (_bump(str(month)), _bump(str(month.next()))))


def inputs_changed():
    """Rates, costs or recognition changed: every month's report is recomputed on its next reading."""
    transaction.on_commit(lambda: _bump(EVERY_MONTH))


def cached_monthly_report(month, team=None, campaign=None, network="", contributors_team_ids=None):
    """`selectors.monthly_report`, from the cache when the counts have not changed since it was computed."""
    from .selectors import monthly_report

    generations = _generations(month)
    if generations is None:
        return monthly_report(month, team, campaign, network, contributors_team_ids=contributors_team_ids)
    scope = ",".join(str(team_id) for team_id in sorted(contributors_team_ids)) if contributors_team_ids is not None \
        else "*"
    key = "kpi-report:v1:" + hashlib.sha256(
        f"{month}|{team and team.pk}|{campaign and campaign.pk}|{network}|{scope}|{generations}".encode()
    ).hexdigest()
    try:
        report = cache.get(key)
    except Exception:
        report = None
    if report is None:
        report = monthly_report(month, team, campaign, network, contributors_team_ids=contributors_team_ids)
        try:
            cache.set(key, report, timeout=TIMEOUT)
        except Exception:
            logger.warning("could not keep the report in the cache", exc_info=True)
    return report


MAX_PREPARED_SCOPES = 100


def manager_scopes():
    """The distinct sets of teams the managers read broken down (a manager's teams with their sub-teams)."""
    from django.contrib.auth import get_user_model

    from .selectors import managed_team_ids

    managers = get_user_model().objects.filter(is_active=True, managed_teams__isnull=False).distinct()
    scopes = set()
    for manager in managers:
        if not manager.has_perm("metrics.view_kpi_report") or manager.has_perm("metrics.view_all_teams_report"):
            continue
        scopes.add(managed_team_ids(manager))
        if len(scopes) >= MAX_PREPARED_SCOPES:
            break
    return sorted(scopes, key=sorted)


def prepare_company_reports(today):
    """Compute (and keep) the company's report of this month and the last, as comms and each manager read it
    first (a manager's has their own teams broken down)."""
    from .selectors import Month

    if not _shared():
        return
    this_month = Month.containing(today)
    scopes = manager_scopes()
    for month in (this_month, this_month.previous()):
        cached_monthly_report(month)
        for scope in scopes:
            cached_monthly_report(month, contributors_team_ids=scope)
