"""A network API that misbehaves in every documented way, one after the other, under the engagement puller: a 429
with its reset time, then 500s, then answers slower than NETWORK_API_TIMEOUT, then garbage, then the right figures.
The puller (metrics.pulling.pull_engagement, as the worker runs it every 15 minutes) is run again and again with
the clock moving on. It waits out the rate limit without asking, backs off after each failure, and ends with the
engagement recorded once and its points paid once, having sent a handful of requests in all.

Each failure on its own is tested beside the clients (tests/clients/) and the puller
(tests/metrics/test_engagement_pull.py); this is the whole sequence, end to end over real HTTP on 127.0.0.1."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.models import Share
from advocacy.services import share_post
from metrics.models import EngagementSnapshot, ShareEngagement
from metrics.pulling import pull_engagement
from rewards.models import PointsEntry
from tests import factories
from tests.clients.test_engagement import APP_TOKEN, X_LOOKUP, X_TOO_MANY_REQUESTS, x_post
from tests.network_stub import Reply, network_api  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

X_ID = "1790000000000000042"
HOUR = timedelta(hours=1)


@pytest.fixture
def x_share(settings, network_api):  # noqa: F811
    settings.X_APP_BEARER_TOKEN = APP_TOKEN
    settings.X_SEARCH_ENABLED = False
    settings.NETWORK_API_TIMEOUT = 0.5
    settings.NETWORK_API_MAX_ATTEMPTS = 3
    now = timezone.now().replace(microsecond=0)
    share = share_post(factories.AdvocateFactory(), factories.PostFactory(), "x").share
    Share.objects.filter(pk=share.pk).update(published_post_id=X_ID, created_at=now - HOUR)
    share.refresh_from_db()
    return share, now


def test_the_puller_outlasts_a_network_failing_every_way_and_counts_once(network_api, x_share):  # noqa: F811
    share, start = x_share
    reset = int(time.time()) + 300
    figures = {"likes": 10, "replies": 2, "retweets": 3, "quotes": 1, "impressions": 900}
    network_api.script(
        X_LOOKUP,
        Reply(429, X_TOO_MANY_REQUESTS, {"x-rate-limit-limit": "300", "x-rate-limit-remaining": "0",
                                         "x-rate-limit-reset": str(reset)}),
        *[Reply(500, {"title": "Internal Server Error"}) for _ in range(3)],
        *[Reply(200, {"data": [x_post(X_ID, **figures)]}, delay=1.2) for _ in range(3)],  # past the 0.5 s timeout
        Reply(200, "<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"}),
        Reply(200, {"data": [x_post(X_ID, **figures)]}),
        Reply(200, {"data": [x_post(X_ID, **figures)]}),
    )
    runs = []

    def run(moment):
        before = len(network_api.requests_to(X_LOOKUP))
        started = time.monotonic()
        report = pull_engagement(now=moment)
        runs.append((moment - start, len(network_api.requests_to(X_LOOKUP)) - before,
                     round(time.monotonic() - started, 2), str(report)))
        return report

    def row():
        return ShareEngagement.objects.filter(share=share).first()

    # 429: X is left alone until the reset it named, asked nothing meanwhile.
    assert run(start).paused == ["x"]
    assert row() is None
    assert run(start + timedelta(minutes=2)).paused == ["x"]

    # Past the reset: 500 three times (the client's own retries, with backoff), then the share waits an hour.
    after_reset = start + timedelta(seconds=reset - start.timestamp() + 60)
    assert run(after_reset).failed == 1
    assert (row().failures, row().next_pull_at) == (1, after_reset + HOUR)
    assert run(after_reset + HOUR / 2).asked == 0  # not due yet

    # Slow answers, each beyond the timeout: three attempts, then two hours.
    moment = after_reset + HOUR
    assert run(moment).failed == 1
    assert (row().failures, row().next_pull_at) == (2, moment + 2 * HOUR)
    assert "did not answer /2/tweets after 3 attempts" in row().last_error

    # Garbage (an HTML page with a 200): not retried in the run (it is no outage), three hours.
    moment += 2 * HOUR
    assert run(moment).failed == 1
    assert (row().failures, row().next_pull_at) == (3, moment + 3 * HOUR)
    assert not EngagementSnapshot.objects.exists()

    # The right answer: the figures are kept and paid for.
    moment += 3 * HOUR
    assert run(moment).changed == 1
    assert (row().failures, row().last_error, row().reactions, row().impressions) == (0, "", 10, 900)

    # Asked again on schedule with the same figures: nothing new.
    assert run(moment + 6 * HOUR).changed == 0
    print("runs (time since the first, requests, seconds, report):", *runs, sep="\n  ")

    assert EngagementSnapshot.objects.filter(share=share).count() == 1
    paid = PointsEntry.objects.filter(employee=share.employee, reason=PointsEntry.Reason.ENGAGEMENT)
    assert list(paid.values_list("points", flat=True)) == [10 + 2 + 3 + 1]
    requests = [count for _since, count, _seconds, _report in runs]
    assert requests == [1, 0, 3, 0, 3, 1, 1, 1]
    assert sum(requests) == 10  # against the 300 the rate-limit window allows
    assert all(request.headers["authorization"] == f"Bearer {APP_TOKEN}"
               for request in network_api.requests_to(X_LOOKUP))
