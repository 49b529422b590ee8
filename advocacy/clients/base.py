"""What every social network's API client shares: a `requests.Session` carrying the employee's token, a
timeout, retries with backoff on 5xx answers, timeouts and dropped connections, and the errors a caller
(a Celery task) acts on.

Only 5xx answers and network failures are retried here; a 429 or a network's throttling code raises
`RateLimited` at once, so the task decides when to come back. Tokens are never logged nor put in messages.
"""

import email.utils
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 8.0
# A body cut off mid-answer is as transient as a refused connection.
RETRIED_FAILURES = (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError)


class NetworkError(Exception):
    """Base of every error a network client raises."""


class RateLimited(NetworkError):
    """The network asks us to slow down; `retry_after` is how many seconds to wait before asking again."""

    def __init__(self, retry_after: float, detail: str):
        super().__init__(f"{detail}; retry in {retry_after:.0f} s")
        self.retry_after = retry_after


class TokenRevoked(NetworkError):
    """The token expired or was revoked: the employee must connect the account again."""


class BadPayload(NetworkError):
    """The network answered with something other than the JSON its documentation describes."""


class Unavailable(NetworkError):
    """The network kept failing (5xx, timeouts, dropped connections) through every attempt."""


class RequestRejected(NetworkError):
    """The network refused the request for another reason (4xx), such as a permission the token lacks."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status


@dataclass(frozen=True)
class Engagement:
    """How a published post fared, as its network last counted it."""

    post_id: str  # the network's id of the post, as the share keeps it (see advocacy.published)
    impressions: int | None  # None when the network does not say
    reactions: int
    comments: int
    reshares: int

    @property
    def engagements(self) -> int:
        return self.reactions + self.comments + self.reshares


@dataclass(frozen=True)
class FoundPost:
    """A post found by searching a network for posts carrying some of our tracked links."""

    post_id: str
    author_id: str
    created_at: datetime | None
    linked_urls: frozenset[str]  # which of the searched URLs (as given) the post carries
    engagement: Engagement


def backoff_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt` (from 1): doubling up to a cap, with half of it
    random so that clients which failed together do not all come back at the same instant."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def seconds_from_retry_after(value: str | None) -> float | None:
    """Seconds named by a `Retry-After` header, which holds either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:  # "-0000" means UTC with no zone named
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def require_count(value: object, field: str) -> int:
    """`value` if it is a count (a non-negative integer), else BadPayload naming `field`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadPayload(f"{field} is {value!r}, not a count")
    return value


def user_agent() -> str:
    """Names the platform and where it runs, so a network can tell whose traffic this is."""
    return f"advocacy-platform (+{settings.SITE_URL}) {requests.utils.default_user_agent()}"


class NetworkClient:
    """A client for one network's API, acting with one employee's token.

    Subclasses name the setting holding their base URL, and may add request headers, read their network's
    error bodies, and say how long to wait after a 429 that names no time.
    """

    name = "network"
    base_url_setting = ""

    def __init__(self, token: str, *, sleep: Callable[[float], None] = time.sleep):
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": user_agent()}
        )

    def __repr__(self):
        return f"<{type(self).__name__}>"  # never the token

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        self.session.close()

    def get_json(self, path: str, params: dict | None = None) -> dict:
        """GET `path` (below the base URL) and return the JSON object the network answered with."""
        response = self._get_with_retries(path, params)
        payload = _json_object(response)
        self.raise_for_error(response, payload)
        if payload is None:
            raise BadPayload(
                f"{self.name} answered {path} with HTTP {response.status_code} and a body that is not a JSON "
                f"object (Content-Type: {response.headers.get('Content-Type', 'none')})"
            )
        return payload

    def post_form(self, path: str, data: dict, auth: tuple[str, str] | None = None) -> dict:
        """POST a form to `path` once (not retried: such calls are not always safe to repeat); the JSON
        object answered. With `auth`, HTTP Basic replaces the bearer token."""
        url = getattr(settings, self.base_url_setting) + path
        headers = {**self.request_headers(), **({"Authorization": None} if auth else {})}
        try:
            response = self.session.post(url, data=data, auth=auth, headers=headers,
                                         timeout=settings.NETWORK_API_TIMEOUT)
        except RETRIED_FAILURES as error:
            raise Unavailable(f"{self.name} did not answer {path} ({type(error).__name__})") from error
        if response.status_code >= 500:
            raise Unavailable(f"{self.name} did not answer {path} (HTTP {response.status_code})")
        payload = _json_object(response)
        self.raise_for_error(response, payload)
        if payload is None:
            raise BadPayload(f"{self.name} answered {path} with a body that is not a JSON object")
        return payload

    def request_headers(self) -> dict:
        """Headers added to every request, read from the settings at call time."""
        return {}

    def raise_for_error(self, response: requests.Response, payload: dict | None):
        """Raise the error that a 4xx answer stands for; subclasses first read their network's error body."""
        status = response.status_code
        if status == 429:
            raise RateLimited(self.retry_after(response), self.describe("rate limit reached (HTTP 429)", payload))
        if status == 401:
            raise TokenRevoked(self.describe("no longer accepts the token (HTTP 401)", payload))
        if status >= 400:
            raise RequestRejected(status, self.describe(f"refused the request (HTTP {status})", payload))

    def describe(self, what: str, payload: dict | None) -> str:
        """A message saying `what` happened, followed by the network's own words about it, if any."""
        detail = self.error_detail(payload)
        return f"{self.name} {what}: {detail}" if detail else f"{self.name} {what}"

    def error_detail(self, payload: dict | None) -> str:
        """The network's own words about an error in `payload`; empty when it gave none."""
        return ""

    def retry_after(self, response: requests.Response) -> float:
        """Seconds to wait after a rate-limited answer: its `Retry-After` header, else the network's default."""
        seconds = seconds_from_retry_after(response.headers.get("Retry-After"))
        return self.default_retry_after() if seconds is None else seconds

    def default_retry_after(self) -> float:
        """Seconds to wait when a rate-limited answer names no time."""
        return 60.0

    def _get_with_retries(self, path: str, params: dict | None) -> requests.Response:
        url = getattr(settings, self.base_url_setting) + path
        attempts = max(1, settings.NETWORK_API_MAX_ATTEMPTS)
        for attempt in range(1, attempts + 1):
            try:
                response = self.session.get(
                    url, params=params, headers=self.request_headers(), timeout=settings.NETWORK_API_TIMEOUT
                )
            except RETRIED_FAILURES as error:
                failure = type(error).__name__
            else:
                if response.status_code < 500:
                    return response
                failure = f"HTTP {response.status_code}"
            logger.warning("%s GET %s failed (%s), attempt %d of %d", self.name, path, failure, attempt, attempts)
            if attempt < attempts:
                self.sleep(backoff_delay(attempt))
        raise Unavailable(f"{self.name} did not answer {path} after {attempts} attempts (last: {failure})")


def _json_object(response: requests.Response) -> dict | None:
    try:
        payload = response.json()
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None
