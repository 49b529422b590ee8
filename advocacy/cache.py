"""The cache on Redis, surviving Redis being away.

Django's RedisCache raises on every call while Redis is unreachable, and what reads the cache would fail with it:
allauth's rate limits on every sign-in, the puller's pauses, the report cache. This backend answers from a memory
cache of the process instead, and leaves Redis alone for `REST_SECONDS` after a failure, so an outage costs one
short timeout per process and rest period, never a failed page. Once Redis answers again it is used again; what
was kept in memory meanwhile is forgotten. While Redis is away, rate limits are counted per process.
"""

import logging
import threading
import time

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

REST_SECONDS = 10
FALLBACK_MAX_ENTRIES = 2000
UNREACHABLE = (redis.ConnectionError, redis.TimeoutError)

# Per process, per Redis location: when to try Redis again. Shared by every thread's backend instance.
_resting_until = {}
_lock = threading.Lock()


def _passthrough(name):
    def method(self, *args, **kwargs):
        if self._resting():
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            return getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
        except UNREACHABLE as error:
            self._rest(error)
            return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}, or the process's memory cache while Redis is unreachable."
    return method


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, falling back to a per-process memory cache while Redis cannot be reached."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        fallback_params = {key: value for key, value in params.items() if key in ("TIMEOUT", "KEY_PREFIX", "VERSION")}
        fallback_params["OPTIONS"] = {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}
        self._fallback = LocMemCache(f"redis-fallback:{self._location}", fallback_params)

    def _resting(self):
        return time.monotonic() < _resting_until.get(self._location, 0)

    def _rest(self, error):
        with _lock:
            already = self._resting()
            _resting_until[self._location] = time.monotonic() + REST_SECONDS
        if not already:
            logger.warning("cache: Redis unreachable (%s: %s); using this process's memory for %d s",
                           type(error).__name__, error, REST_SECONDS)

    add = _passthrough("add")
    get = _passthrough("get")
    set = _passthrough("set")
    touch = _passthrough("touch")
    delete = _passthrough("delete")
    get_many = _passthrough("get_many")
    has_key = _passthrough("has_key")
    incr = _passthrough("incr")
    set_many = _passthrough("set_many")
    delete_many = _passthrough("delete_many")
    clear = _passthrough("clear")
