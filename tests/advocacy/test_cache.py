"""advocacy.cache.ResilientRedisCache: Django's Redis cache, answering from the process's memory while Redis is
unreachable and for a short rest after, then from Redis again. Against a real redis-server of the test's own."""

import signal
import time

import pytest
import redis

from advocacy import cache as resilient
from advocacy.cache import ResilientRedisCache
from tests.reliability.services import forget_outages, private_redis  # noqa: F401 (a fixture)


@pytest.fixture
def make_cache():
    forget_outages()
    yield lambda url: ResilientRedisCache(url, {"KEY_PREFIX": "test", "TIMEOUT": 60,
                                               "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
    forget_outages()


def test_it_is_a_redis_cache_while_redis_answers(private_redis, make_cache):  # noqa: F811
    cache = make_cache(private_redis.url)
    cache.set("greeting", {"es": "hola"})
    assert cache.get("greeting") == {"es": "hola"}
    assert redis.Redis.from_url(private_redis.url).exists("test:1:greeting")


def test_an_unreachable_redis_costs_one_failure_then_the_process_memory_answers(make_cache):
    cache = make_cache("redis://127.0.0.1:1/0")
    started = time.monotonic()
    assert cache.get("missing", "default") == "default"
    assert cache.add("lock", True, 10) is True  # allauth's rate-limit lock still works
    assert cache.add("lock", True, 10) is False
    cache.set("counter", 1)
    assert cache.incr("counter") == 2
    assert cache.get_many(["counter", "missing"]) == {"counter": 2}
    assert time.monotonic() - started < 1


def test_a_frozen_redis_costs_at_most_its_timeout_once_per_rest(private_redis, make_cache):  # noqa: F811
    cache = make_cache(private_redis.url)
    cache.set("kept", "in redis")
    private_redis.process.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        assert cache.get("kept") is None  # Redis cannot answer: a miss, from memory
        first = time.monotonic() - started
        started = time.monotonic()
        cache.set("during", "in memory")
        assert cache.get("during") == "in memory"
        rest = time.monotonic() - started
    finally:
        private_redis.process.send_signal(signal.SIGCONT)
    assert 0.9 < first < 2.5  # the one-second socket timeout, once
    assert rest < 0.1


def test_after_the_rest_redis_is_used_again(private_redis, make_cache, monkeypatch):  # noqa: F811
    monkeypatch.setattr(resilient, "REST_SECONDS", 0.2)
    cache = make_cache(private_redis.url)
    private_redis.kill()
    cache.set("written", "while away")
    private_redis.start()
    time.sleep(0.3)

    assert cache.get("written") is None  # what was kept in memory meanwhile is not served once Redis is back
    cache.set("written", "after")
    assert redis.Redis.from_url(private_redis.url).exists("test:1:written")
