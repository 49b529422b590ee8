"""A real HTTP server on 127.0.0.1 standing in for the networks' APIs: each test scripts its answers, path by
path, and reads back the requests the server received."""

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Reply:
    """One scripted answer: a dict or list body is sent as JSON, a str as it is, after `delay` seconds."""

    status: int = 200
    body: dict | list | str = ""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0

    def encoded_body(self) -> bytes:
        return self.body.encode() if isinstance(self.body, str) else json.dumps(self.body).encode()


@dataclass
class ReceivedRequest:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names in lower case


class NetworkAPI:
    """The scripted answers and the requests received, shared with the server's threads."""

    def __init__(self, url: str):
        self.url = url
        self._replies = defaultdict(deque)
        self._received = []
        self._lock = threading.Lock()

    def script(self, path: str, *replies: Reply):
        """Answer the next requests to `path` with `replies`, in order."""
        with self._lock:
            self._replies[path].extend(replies)

    def requests_to(self, path: str) -> list[ReceivedRequest]:
        with self._lock:
            return [request for request in self._received if request.path == path]

    def take(self, request: ReceivedRequest) -> Reply:
        """Record `request` and give the answer scripted for it; a 404 naming the path when none is left."""
        with self._lock:
            self._received.append(request)
            replies = self._replies[request.path]
            return replies.popleft() if replies else Reply(404, {"unscripted": request.path})


class ScriptedHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlsplit(self.path)
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = self.server.network_api.take(ReceivedRequest(url.path, parse_qs(url.query), headers))
        time.sleep(reply.delay)
        body = reply.encoded_body()
        try:
            self.send_response(reply.status)
            for name, value in {"Content-Type": "application/json", **reply.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as the timeout tests intend

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)  # the form itself is not scripted on; its headers are recorded
        self.do_GET()

    def log_message(self, format, *args):
        pass


@pytest.fixture
def network_api(settings, monkeypatch):
    """A local server answering for X, LinkedIn and Facebook, with the client settings pointed at it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), ScriptedHandler)
    server.daemon_threads = True
    host, port = server.server_address
    server.network_api = NetworkAPI(f"http://{host}:{port}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1")
    settings.X_API_BASE_URL = server.network_api.url
    settings.LINKEDIN_API_BASE_URL = server.network_api.url
    settings.FACEBOOK_GRAPH_BASE_URL = server.network_api.url
    settings.LINKEDIN_API_VERSION = "202510"
    settings.FACEBOOK_GRAPH_VERSION = "v23.0"
    settings.NETWORK_API_TIMEOUT = 0.5
    settings.NETWORK_API_MAX_ATTEMPTS = 3
    yield server.network_api
    server.shutdown()
    server.server_close()
    thread.join()
