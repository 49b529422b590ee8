"""Leaderboards: points earned per person and per team, this week, month, quarter, year and all time, company-wide
and per campaign.

The boards are Redis sorted sets kept in step with the points ledger: `entries_added` runs after every committed
ledger write, `forget`/`restore` follow employees leaving and rejoining the program, and `rebuild` recomputes every
board from the ledger (nightly, and through `heal` whenever the boards are marked stale or Redis lost them). Reads
use Redis only when it answers, holds a finished rebuild (the `lb:v1:built` sentinel) and no write was missed (the
stale mark, a database row, since Redis may be the thing that is down); otherwise the same boards are computed from
the ledger with aggregate queries. Both sides rank alike: ties by descending id, and rank = 1 + the number with
strictly more points ("1, 2, 2, 4"). Only earning entries count (redemptions and refunds do not), only employees in
the program appear, and a pseudonym replaces the name where one is set.
"""

import json
import logging
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateField, Exists, F, OuterRef, Sum, Window
from django.db.models.functions import Rank, RowNumber, Trunc
from django.utils import timezone

from advocacy.selectors import in_the_program

from .models import PointsEntry
from .services import EARNING_REASONS

logger = logging.getLogger(__name__)

PERIODS = ("week", "month", "quarter", "year", "all")
SCOPES = ("people", "teams")
DEFAULT_PERIOD = "month"
TOP = 20
# Past periods kept in Redis, the current one included; older ones are computed from the ledger when asked for.
KEPT_PERIODS = {"week": 13, "month": 13, "quarter": 8, "year": 4}

PREFIX = "lb:v1:"
BUILT_KEY = PREFIX + "built"  # set when a rebuild finishes: until then reads use the database
LOCK_KEY = PREFIX + "rebuilding"  # held by the one rebuild running
LOG_KEY = PREFIX + "rebuild-log"  # entries added while a rebuild runs, replayed if its snapshot missed them
INDEX_KEY = PREFIX + "keys"  # every board key, so a rebuild can delete the obsolete ones
ABSENT_KEY = PREFIX + "absent"  # employees with points who are not on the boards (not in the program)
TEMPORARY_PREFIX = PREFIX + "tmp:"
MEMBER_DIGITS = 12  # zero-padded ids: Redis orders ties by member, descending, as the database orders by -id

STATE_NAME = "leaderboards"  # metrics.FillState row: the last rebuild (when, how long, how much)
STALE_NAME = "leaderboards:stale"  # its presence: a write was missed, read the database until a rebuild
READ_TIMEOUT = 0.5  # seconds: a Redis that is down must never stall a page
REBUILD_TIMEOUT = 60
REST_SECONDS = 30  # after a failure, leave Redis alone for this long (in this process)
LOCK_SECONDS = 3600
WRITE_BATCH = 5000

_clients = {}
_resting_until = {}


# --- Periods -------------------------------------------------------------------------------------------

def company_today():
    return timezone.localdate(timezone.now(), timezone.get_default_timezone())


def local_day(moment):
    """The day of `moment` in the company's time zone."""
    return timezone.localdate(moment, timezone.get_default_timezone())


def period_start(period, day):
    """The first day of the period containing `day` (ISO weeks start on Monday); None for all time."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if period == "year":
        return date(day.year, 1, 1)
    return None


def shift_period(period, start, count):
    """The first day of the period `count` periods after the one starting on `start` (before, if negative)."""
    if period == "week":
        return start + timedelta(weeks=count)
    index = start.year * 12 + start.month - 1 + {"month": 1, "quarter": 3, "year": 12}[period] * count
    return date(index // 12, index % 12 + 1, 1)


def period_label(period, day):
    """The period's name in keys: 2026-W47, 2026-11, 2026-Q4, 2026, all."""
    start = period_start(period, day)
    if period == "week":
        year, week, _weekday = start.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{start.year}-{start.month:02d}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if period == "year":
        return str(start.year)
    return "all"


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, clock.min), timezone.get_default_timezone())


def period_bounds(period, day):
    """The period containing `day` as [start, end) aware datetimes in company time; (None, None) for all time."""
    if period == "all":
        return None, None
    start = period_start(period, day)
    return _day_start(start), _day_start(shift_period(period, start, 1))


def kept_since(period, today):
    """The first day of the oldest `period` kept in Redis."""
    return shift_period(period, period_start(period, today), 1 - KEPT_PERIODS[period])


def _in_redis(period, day, today):
    return period == "all" or period_start(period, day) >= kept_since(period, today)


def board_key(scope, period="all", day=None, campaign_id=None):
    """lb:v1:people:month:2026-11, lb:v1:teams:all, lb:v1:campaign:7:people:all."""
    if campaign_id is not None:
        return f"{PREFIX}campaign:{campaign_id}:{scope}:all"
    if period == "all":
        return f"{PREFIX}{scope}:all"
    return f"{PREFIX}{scope}:{period}:{period_label(period, day)}"


def member(pk):
    return f"{pk:0{MEMBER_DIGITS}d}"


def _entry_keys(day, team_id, campaign_id, today):
    """[(scope, key)] of every board kept in Redis that an entry earned on `day` counts on."""
    scopes = ("people", "teams") if team_id is not None else ("people",)
    keys = []
    for scope in scopes:
        keys.append((scope, board_key(scope)))
        keys.extend((scope, board_key(scope, period, day)) for period in PERIODS[:-1]
                    if period_start(period, day) >= kept_since(period, today))
        if campaign_id is not None:
            keys.append((scope, board_key(scope, campaign_id=campaign_id)))
    return keys


def _increments(employee_id, team_id, campaign_id, moment, points, today):
    """[[key, member, points, scope]] an entry adds to the boards."""
    ids = {"people": employee_id, "teams": team_id}
    return [[key, member(ids[scope]), points, scope]
            for scope, key in _entry_keys(local_day(moment), team_id, campaign_id, today)]


# --- Who appears ---------------------------------------------------------------------------------------

def _advocate_ids():
    from advocacy.models import EmployeeProfile

    return EmployeeProfile.objects.filter(in_the_program("")).values("user_id")


def _earning_entries():
    """The ledger entries that rank: earned (not spent or refunded), by employees in the program."""
    return PointsEntry.objects.filter(reason__in=EARNING_REASONS, employee_id__in=_advocate_ids()).order_by()


def _is_advocate(user):
    profile = getattr(user, "profile", None)
    return profile is not None and profile.is_advocate


def _team_id(user):
    profile = getattr(user, "profile", None)
    return profile.team_id if profile is not None else None


def public_name(user):
    """The pseudonym if the employee chose one, else their display name."""
    alias = getattr(user, "leaderboard_alias", None)
    return alias.pseudonym if alias is not None else user.display_name


# --- The stale mark and the last rebuild ---------------------------------------------------------------

def mark_stale(reason):
    """Note that the boards in Redis missed a change: reads use the database until the next rebuild."""
    from metrics.models import FillState

    try:
        FillState.objects.update_or_create(
            name=STALE_NAME, defaults={"last_run_at": timezone.now(), "last_run_summary": str(reason)[:300]})
    except Exception:  # the caller wrote the ledger already; the nightly rebuild heals the boards anyway
        logger.exception("could not mark the leaderboards stale (%s)", reason)


def is_stale():
    from metrics.models import FillState

    return FillState.objects.filter(name=STALE_NAME).exists()


def last_rebuild():
    """The FillState row of the last rebuild (last_run_at, last_run_summary), or None."""
    from metrics.models import FillState

    return FillState.objects.filter(name=STATE_NAME).first()


# --- Redis ---------------------------------------------------------------------------------------------

def _client(timeout=READ_TIMEOUT):
    """A client for settings.REDIS_URL with short timeouts, or None without Redis."""
    url = settings.REDIS_URL
    if not url:
        return None
    if (url, timeout) not in _clients:
        _clients[url, timeout] = redis.Redis.from_url(
            url, socket_connect_timeout=min(timeout, READ_TIMEOUT), socket_timeout=timeout, decode_responses=True,
            health_check_interval=30)
    return _clients[url, timeout]


def _resting():
    return time.monotonic() < _resting_until.get(settings.REDIS_URL, 0)


def _rest(error):
    """Redis failed: leave it alone for a while, so every page does not wait for it again."""
    _resting_until[settings.REDIS_URL] = time.monotonic() + REST_SECONDS
    logger.warning("leaderboards: Redis unavailable (%s: %s); using the database", type(error).__name__, error)


class RedisResting(redis.RedisError):
    """Redis failed a moment ago; not tried again yet."""


# Atomic because a rebuild may be swapping the boards meanwhile: take an employee off every people board, and their
# points off their teams', or (restore) put them back; the absent set says whether they are on the boards.
PRESENCE_SCRIPT = """
local rebuilding = redis.call('EXISTS', KEYS[2])
local changed
if ARGV[2] == 'forget' then
  changed = redis.call('SADD', KEYS[1], ARGV[1])
  for _, key in ipairs(redis.call('SMEMBERS', KEYS[3])) do
    if string.find(key, ':people:', 1, true) then redis.call('ZREM', key, ARGV[1]) end
  end
  if changed == 1 then
    for _, inc in ipairs(cjson.decode(ARGV[4])) do redis.call('ZINCRBY', inc[1], -inc[3], inc[2]) end
  end
else
  changed = redis.call('SREM', KEYS[1], ARGV[1])
  if changed == 1 then
    for _, inc in ipairs(cjson.decode(ARGV[3])) do
      redis.call('ZADD', inc[1], inc[3], inc[2])
      redis.call('SADD', KEYS[3], inc[1])
    end
    for _, inc in ipairs(cjson.decode(ARGV[4])) do
      redis.call('ZINCRBY', inc[1], inc[3], inc[2])
      redis.call('SADD', KEYS[3], inc[1])
    end
  end
end
return {changed, rebuilding}
"""

# The end of a rebuild, all at once: delete the boards that are no longer built, rename the new ones into place,
# replay the entries added during the rebuild that its snapshot of the ledger did not see, set the sentinel.
SWAP_SCRIPT = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local prefix = ARGV[2]
local fresh = {}
for _, key in ipairs(redis.call('SMEMBERS', prefix .. KEYS[3])) do fresh[key] = true end
for _, key in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if not fresh[key] then redis.call('DEL', key) end
end
for key in pairs(fresh) do redis.call('RENAME', prefix .. key, key) end
for _, key in ipairs({KEYS[3], KEYS[4]}) do
  if redis.call('EXISTS', prefix .. key) == 1 then redis.call('RENAME', prefix .. key, key)
  else redis.call('DEL', key) end
end
local seen = {}
for _, id in ipairs(cjson.decode(ARGV[4])) do seen[id] = true end
local log = redis.call('HGETALL', KEYS[2])
local replayed = 0
for i = 1, #log, 2 do
  if not seen[log[i]] then
    local entry = cjson.decode(log[i + 1])
    for _, inc in ipairs(entry[1]) do
      redis.call('ZINCRBY', inc[1], inc[3], inc[2])
      redis.call('SADD', KEYS[3], inc[1])
    end
    if entry[2] ~= '' then redis.call('SADD', KEYS[4], entry[2]) end
    replayed = replayed + 1
  end
end
redis.call('DEL', KEYS[2], KEYS[1])
redis.call('SET', KEYS[5], ARGV[3])
return replayed
"""

RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


# --- Writes --------------------------------------------------------------------------------------------

def entries_added(entries):
    """Add committed ledger entries to the boards (earning entries of employees in the program). Never raises:
    on any failure the boards are marked stale, and reads use the database until a rebuild."""
    if not settings.REDIS_URL:
        return
    try:
        _add(entries)
    except Exception as error:
        if isinstance(error, redis.RedisError) and not isinstance(error, RedisResting):
            _rest(error)
        else:
            logger.warning("leaderboards: entries not added (%s: %s)", type(error).__name__, error)
        mark_stale(f"entries not added to the boards: {type(error).__name__}")


def _add(entries):
    from advocacy.models import EmployeeProfile

    entries = [entry for entry in entries if entry.reason in EARNING_REASONS]
    if not entries:
        return
    if _resting():
        raise RedisResting("Redis failed a moment ago")
    advocates = set(EmployeeProfile.objects.filter(in_the_program(""), user_id__in={e.employee_id for e in entries})
                    .values_list("user_id", flat=True))
    today = company_today()
    totals, logged, absent = defaultdict(int), {}, set()
    for entry in entries:
        log_id = str(entry.pk) if entry.pk else f"unsaved:{uuid.uuid4().hex}"
        if entry.employee_id not in advocates:
            absent.add(member(entry.employee_id))  # so that `restore` knows to add their points
            logged[log_id] = json.dumps([[], member(entry.employee_id)])
            continue
        increments = _increments(entry.employee_id, entry.team_id, entry.campaign_id, entry.created_at,
                                 entry.points, today)
        for key, who, points, _scope in increments:
            totals[key, who] += points
        logged[log_id] = json.dumps([[increment[:3] for increment in increments], ""])
    with _client().pipeline() as pipe:
        while True:
            try:
                pipe.watch(LOCK_KEY)
                rebuilding = pipe.exists(LOCK_KEY)
                pipe.multi()
                for (key, who), points in totals.items():
                    if points:
                        pipe.zincrby(key, points, who)
                if totals:
                    pipe.sadd(INDEX_KEY, *{key for key, _who in totals})
                if absent:
                    pipe.sadd(ABSENT_KEY, *absent)
                if rebuilding:
                    pipe.hset(LOG_KEY, mapping=logged)
                pipe.execute()
                return
            except redis.WatchError:  # a rebuild started or finished meanwhile: decide again
                continue


def _employee_increments(employee_id, today):
    """The employee's contributions from the ledger: ([[key, member, points]] on people boards, and on teams')."""
    totals = {"people": defaultdict(int), "teams": defaultdict(int)}
    rows = (PointsEntry.objects.filter(employee_id=employee_id, reason__in=EARNING_REASONS).order_by()
            .values_list("team_id", "campaign_id", "created_at", "points"))
    for team_id, campaign_id, created_at, points in rows:
        for key, who, value, scope in _increments(employee_id, team_id, campaign_id, created_at, points, today):
            totals[scope][key, who] += value
    return tuple([[key, who, points] for (key, who), points in totals[scope].items() if points] for scope in SCOPES)


def _presence(employee, mode):
    if not settings.REDIS_URL:
        return
    try:
        if _resting():
            raise RedisResting("Redis failed a moment ago")
        if mode == "restore" and not _is_advocate(_fresh_user(employee)):
            return  # only people in the program are ever put on the boards
        people, teams = _employee_increments(employee.pk, company_today())
        client = _client()
        script = client.register_script(PRESENCE_SCRIPT)
        _changed, rebuilding = script(keys=[ABSENT_KEY, LOCK_KEY, INDEX_KEY],
                                      args=[member(employee.pk), mode, json.dumps(people), json.dumps(teams)])
        if rebuilding:  # the rebuild's snapshot may predate this change
            mark_stale(f"{mode} during a rebuild")
    except Exception as error:
        if isinstance(error, redis.RedisError) and not isinstance(error, RedisResting):
            _rest(error)
        else:
            logger.warning("leaderboards: %s failed (%s: %s)", mode, type(error).__name__, error)
        mark_stale(f"{mode} failed: {type(error).__name__}")


def _fresh_user(employee):
    from advocacy.models import User

    return User.objects.select_related("profile").get(pk=employee.pk)


def forget(employee):
    """Take an employee who left the program off every board (their entries stay in the ledger). Call it on commit
    of the opt-out; never raises (a failure marks the boards stale)."""
    _presence(employee, "forget")


def restore(employee):
    """Put an employee back in the program on the boards, from the ledger. Call it on commit of the opt-in; never
    raises (a failure marks the boards stale)."""
    _presence(employee, "restore")


# --- Rebuild -------------------------------------------------------------------------------------------

@contextmanager
def _snapshot():
    """One consistent view of the ledger for the whole rebuild (REPEATABLE READ on PostgreSQL)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _rows(queryset):
    """A queryset's rows, fetched in batches through an ordinary cursor: PostgreSQL never runs the query of a
    server-side cursor (what `.iterator()` uses) in parallel, which makes these aggregates several times slower."""
    return queryset.query.get_compiler(queryset.db).results_iter(chunked_fetch=False, chunk_size=WRITE_BATCH)


def ledger_boards(today=None):
    """Every board kept in Redis computed from the ledger: (key, member, points) for each non-zero total."""
    today = today or company_today()
    tz = timezone.get_default_timezone()
    earning = _earning_entries()
    for scope, column in (("people", "employee_id"), ("teams", "team_id")):
        entries = earning if scope == "people" else earning.filter(team_id__isnull=False)
        totals = entries.values(column).annotate(total=Sum("points")).exclude(total=0).values_list(column, "total")
        key = board_key(scope)
        for pk, total in _rows(totals):
            yield key, member(pk), total
        for period in PERIODS[:-1]:
            totals = (entries.filter(created_at__gte=_day_start(kept_since(period, today)))
                      .annotate(start=Trunc("created_at", period, output_field=DateField(), tzinfo=tz))
                      .values("start", column).annotate(total=Sum("points")).exclude(total=0)
                      .values_list("start", column, "total"))
            keys = {}
            for start, pk, total in _rows(totals):
                if start not in keys:
                    keys[start] = board_key(scope, period, start)
                yield keys[start], member(pk), total
        totals = (entries.filter(campaign_id__isnull=False).values("campaign_id", column)
                  .annotate(total=Sum("points")).exclude(total=0).values_list("campaign_id", column, "total"))
        for campaign_id, pk, total in _rows(totals):
            yield board_key(scope, campaign_id=campaign_id), member(pk), total


def _absent_ids():
    """Employees not in the program who have earned points: kept off the boards until `restore`."""
    from advocacy.models import EmployeeProfile

    earned = PointsEntry.objects.filter(employee_id=OuterRef("user_id"), reason__in=EARNING_REASONS)
    return EmployeeProfile.objects.exclude(in_the_program("")).filter(Exists(earned)).values_list("user_id", flat=True)


def rebuild():
    """Recompute every board from the ledger into new keys and swap them in at once, deleting obsolete boards;
    clears the stale mark. Returns a summary; raises redis.RedisError if Redis does not answer."""
    from metrics.models import FillState

    client = _client(REBUILD_TIMEOUT)
    if client is None:
        return {"rebuilt": False, "reason": "REDIS_URL is not set: the boards are read from the database"}
    token = uuid.uuid4().hex
    if not client.set(LOCK_KEY, token, nx=True, ex=LOCK_SECONDS):
        return {"rebuilt": False, "reason": "another rebuild is running"}
    started_at, began = timezone.now(), time.perf_counter()
    temporary = f"{TEMPORARY_PREFIX}{token}:"
    keys, rows = set(), 0
    try:
        today = company_today()
        with _snapshot():
            pending, pipe = defaultdict(dict), client.pipeline(transaction=False)
            for key, who, points in ledger_boards(today):
                pending[key][who] = points
                rows += 1
                if len(pending[key]) >= WRITE_BATCH:
                    pipe.zadd(temporary + key, pending.pop(key))
                    keys.add(key)
                if rows % (10 * WRITE_BATCH) == 0:
                    _flush(pipe, pending, temporary, keys)
            _flush(pipe, pending, temporary, keys)
            absent = [member(pk) for pk in _absent_ids().iterator(chunk_size=WRITE_BATCH)]
            for start in range(0, len(absent), WRITE_BATCH):
                client.sadd(temporary + ABSENT_KEY, *absent[start:start + WRITE_BATCH])
            keys_list = sorted(keys)
            for start in range(0, len(keys_list), WRITE_BATCH):
                client.sadd(temporary + INDEX_KEY, *keys_list[start:start + WRITE_BATCH])
            seen = _logged_in_snapshot(client.hkeys(LOG_KEY))
        finished = timezone.now()
        replayed = client.register_script(SWAP_SCRIPT)(
            keys=[LOCK_KEY, LOG_KEY, INDEX_KEY, ABSENT_KEY, BUILT_KEY],
            args=[token, temporary, finished.isoformat(), json.dumps(seen)])
        if replayed < 0:
            raise RuntimeError("the leaderboards' rebuild lock expired before the swap")
    except BaseException:
        _discard(client, temporary, keys, token)
        raise
    seconds = time.perf_counter() - began
    summary = {"rebuilt": True, "boards": len(keys), "rows": rows, "absent": len(absent), "replayed": replayed,
               "seconds": round(seconds, 3), "finished_at": finished.isoformat()}
    FillState.objects.filter(name=STALE_NAME, last_run_at__lt=started_at).delete()
    FillState.objects.update_or_create(name=STATE_NAME, defaults={
        "filled_until": today, "last_run_at": finished,
        "last_run_summary": f"{len(keys)} boards, {rows} rows, {len(absent)} absent, {replayed} replayed "
                            f"in {seconds:.1f} s"})
    _resting_until.pop(settings.REDIS_URL, None)
    return summary


def _flush(pipe, pending, temporary, keys):
    for key, members in pending.items():
        pipe.zadd(temporary + key, members)
        keys.add(key)
    pending.clear()
    pipe.execute()


def _logged_in_snapshot(logged):
    """The ids among those logged during the rebuild whose entries its snapshot of the ledger holds."""
    ids = [int(pk) for pk in logged if pk.isdigit()]
    seen = []
    for start in range(0, len(ids), WRITE_BATCH):
        seen.extend(str(pk) for pk in PointsEntry.objects.filter(pk__in=ids[start:start + WRITE_BATCH])
                    .values_list("pk", flat=True))
    return seen


def _discard(client, temporary, keys, token):
    """After a failed rebuild: drop its temporary keys and give the lock back."""
    try:
        names = [temporary + key for key in keys] + [temporary + INDEX_KEY, temporary + ABSENT_KEY]
        for start in range(0, len(names), WRITE_BATCH):
            client.delete(*names[start:start + WRITE_BATCH])
        client.register_script(RELEASE_SCRIPT)(keys=[LOCK_KEY], args=[token])
    except redis.RedisError:
        logger.warning("leaderboards: could not clean up after a failed rebuild (the lock expires by itself)")


def heal():
    """Rebuild if the boards are marked stale or Redis lost them (no sentinel); otherwise do nothing."""
    client = _client(REBUILD_TIMEOUT)
    if client is None:
        return {"rebuilt": False, "reason": "REDIS_URL is not set: the boards are read from the database"}
    stale = is_stale()
    try:
        built = client.exists(BUILT_KEY)
    except redis.RedisError as error:
        return {"rebuilt": False, "reason": f"Redis unavailable: {type(error).__name__}"}
    if built and not stale:
        return {"rebuilt": False, "reason": "up to date"}
    return rebuild()


# --- Reads ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    rank: int
    name: str
    points: int
    is_me: bool = False


@dataclass
class Board:
    """One ranking: the top rows, and the viewer's own row (their team's, on a team board) wherever it is."""

    scope: str
    rows: list = field(default_factory=list)
    me: Row | None = None

    @property
    def me_in_top(self):
        return any(row.is_me for row in self.rows)


@dataclass
class Boards:
    """People and teams for one period (and campaign), as the `_leaderboard_table.html` partial shows them."""

    period: str
    start: date | None
    end: date | None  # the period's last day
    campaign: object
    people: Board
    teams: Board
    viewer_in_program: bool
    source: str  # "redis" or "database"

    @property
    def quarter(self):
        return (self.start.month - 1) // 3 + 1 if self.start else None

    @property
    def tables(self):
        return [self.people, self.teams]


def boards(viewer, period=DEFAULT_PERIOD, *, campaign=None, day=None, limit=TOP):
    """People and teams for the period containing `day` (default today, company time), company-wide or for a
    campaign (all time only): the top `limit` of each and the viewer's own rows."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    if campaign is not None and period != "all":
        raise ValueError("campaign boards cover the whole campaign: period='all'")
    today = company_today()
    day = day or today
    mine = {"people": viewer.pk if _is_advocate(viewer) else None, "teams": _team_id(viewer)}
    campaign_id = campaign.pk if campaign is not None else None
    keys = {scope: board_key(scope, period, day, campaign_id) for scope in SCOPES}
    found, source = None, "database"
    if _in_redis(period, day, today):
        found = _from_redis(keys, mine, limit)
    if found is not None:
        source = "redis"
        named = _named(found, mine, check_program=True)
        if named is None:  # someone on the boards has left the program: Redis missed it
            mark_stale("a board showed someone not in the program")
            found = None
    if found is None:
        source = "database"
        found = {scope: _from_database(scope, period, day, campaign_id, mine[scope], limit) for scope in SCOPES}
        named = _named(found, mine, check_program=False)
    start = period_start(period, day)
    end = shift_period(period, start, 1) - timedelta(days=1) if start else None
    return Boards(period=period, start=start, end=end, campaign=campaign, people=named["people"],
                  teams=named["teams"], viewer_in_program=mine["people"] is not None, source=source)


def top(viewer, scope="people", period=DEFAULT_PERIOD, *, campaign=None, day=None, limit=TOP):
    """One board: its top `limit` rows (rank, name, points, is_me) and the viewer's row even outside the top."""
    return getattr(boards(viewer, period, campaign=campaign, day=day, limit=limit), scope)


def campaign_board(campaign, viewer, period="all"):
    """The campaign's people and teams, from the points earned with its posts (for `_leaderboard_table.html`)."""
    return boards(viewer, period, campaign=campaign)


def _from_redis(keys, mine, limit):
    """{scope: (top [(id, points)], (my points, how many have more) or None)} from Redis, or None when Redis is
    not to be trusted (not configured, down, not rebuilt since a flush, or marked stale)."""
    client = _client()
    if client is None or _resting() or is_stale():
        return None
    try:
        pipe = client.pipeline(transaction=False)
        pipe.exists(BUILT_KEY)
        for scope in SCOPES:
            pipe.zrevrangebyscore(keys[scope], "+inf", "(0", start=0, num=limit, withscores=True)
            pipe.zscore(keys[scope], member(mine[scope]) if mine[scope] is not None else "-")
        built, *answers = pipe.execute()
        if not built:
            return None
        found, counts = {}, []
        for index, scope in enumerate(SCOPES):
            rows, score = answers[2 * index], answers[2 * index + 1]
            ranked = [(int(who), int(points)) for who, points in rows]
            found[scope] = [ranked, None]
            if mine[scope] is not None and score is not None and score > 0:
                found[scope][1] = [int(score), 0]
                if all(pk != mine[scope] for pk, _points in ranked):
                    counts.append(scope)
        if counts:
            pipe = client.pipeline(transaction=False)
            for scope in counts:
                pipe.zcount(keys[scope], f"({found[scope][1][0]}", "+inf")
            for scope, higher in zip(counts, pipe.execute()):
                found[scope][1][1] = higher
    except redis.RedisError as error:
        _rest(error)
        return None
    return {scope: (ranked, tuple(me) if me else None) for scope, (ranked, me) in found.items()}


def _from_database(scope, period, day, campaign_id, my_id, limit):
    """The same as `_from_redis` for one board, in one aggregate query over the ledger: the totals ranked with
    window functions, of which the top `limit` and the viewer's row come back."""
    entries = _earning_entries()
    start, end = period_bounds(period, day)
    if start is not None:
        entries = entries.filter(created_at__gte=start, created_at__lt=end)
    if campaign_id is not None:
        entries = entries.filter(campaign_id=campaign_id)
    column = "employee_id" if scope == "people" else "team_id"
    if scope == "teams":
        entries = entries.filter(team_id__isnull=False)
    totals = (entries.values(column).annotate(total=Sum("points")).filter(total__gt=0)
              .annotate(place=Window(RowNumber(), order_by=[F("total").desc(), F(column).desc()]),
                        standing=Window(Rank(), order_by=F("total").desc()))
              .values_list(column, "total", "place", "standing"))
    sql, params = totals.query.sql_with_params()
    place, who = connection.ops.quote_name("place"), connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        # Django does not filter on a window function OR a column when grouping: the outer query does.
        cursor.execute(f"SELECT * FROM ({sql}) ranked WHERE ranked.{place} <= %s OR ranked.{who} = %s "
                       f"ORDER BY ranked.{place}", [*params, limit, my_id if my_id is not None else -1])
        rows = cursor.fetchall()
    ranked = [(pk, total) for pk, total, place, _standing in rows if place <= limit]
    me = next(((total, standing - 1) for pk, total, _place, standing in rows if pk == my_id), None)
    return ranked, me


def _competition_ranks(ranked):
    """Ranks "1, 2, 2, 4" for rows in descending order of points."""
    ranks, previous = [], None
    for index, (_pk, points) in enumerate(ranked):
        ranks.append(ranks[-1] if points == previous else index + 1)
        previous = points
    return ranks


def _named(found, mine, check_program):
    """Boards with names (pseudonyms where set; teams by name); None if `check_program` finds someone listed who
    is not in the program."""
    from advocacy.models import Team, User

    people_ids = {pk for pk, _points in found["people"][0]}
    if found["people"][1] is not None:
        people_ids.add(mine["people"])
    people = {user.pk: user for user in User.objects.filter(pk__in=people_ids)
              .select_related("profile", "leaderboard_alias")} if people_ids else {}
    if check_program and not all(_is_advocate(user) for user in people.values()):
        return None
    team_ids = {pk for pk, _points in found["teams"][0]} | ({mine["teams"]} if found["teams"][1] else set())
    teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name")) if team_ids else {}
    names = {"people": lambda pk: public_name(people[pk]) if pk in people else "?",
             "teams": lambda pk: teams.get(pk, "?")}
    result = {}
    for scope in SCOPES:
        ranked, me = found[scope]
        rows = [Row(rank, names[scope](pk), points, pk == mine[scope])
                for rank, (pk, points) in zip(_competition_ranks(ranked), ranked)]
        own = next((row for row in rows if row.is_me), None)
        if own is None and me is not None:
            own = Row(1 + me[1], names[scope](mine[scope]), me[0], True)
        result[scope] = Board(scope=scope, rows=rows, me=own)
    return result
