"""Real servers for the fault and load tests: a private Redis and a private PostgreSQL cluster (each on a port of its
own, in a temporary directory, killed and restarted by the test), Celery workers and gunicorn as subprocesses,
and a small load generator.

The shared PostgreSQL (5432) and Redis (6379) are never stopped, restarted or reconfigured from here. Nothing in
this module is a pytest fixture that applies by itself: a test module imports what it uses.
"""

import asyncio
import contextlib
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
# A desktop browser: crawlerdetect counts its requests as human clicks.
BROWSER = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Safari/537.36")


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout, interval=0.1, what="the condition"):
    """Poll `condition` until it returns something truthy (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def tail(path, lines=60):
    with contextlib.suppress(OSError):
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    return ""


def database_url(settings_dict, name=None, host=None, port=None):
    """A postgres:// URL for Django connection settings (by default the database the tests run in)."""
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = host or settings_dict.get("HOST") or HOST
    port = port or settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name or settings_dict['NAME']}"


def _stop_process_group(process, grace=15):
    """SIGTERM to the process (a warm shutdown: it stops its children itself), SIGKILL to its group if it hangs."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    with contextlib.suppress(ProcessLookupError):  # whatever of its group is left (the group is ours alone)
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def child_pids(pid):
    """The processes whose parent is `pid` (Linux /proc)."""
    children = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                children.append(int(Path(stat).parent.name))
    return children


# --- Redis ------------------------------------------------------------------------------------------------------

class PrivateRedis:
    """A redis-server of the test's own, with an append-only file as docker-compose.yml runs it, so what it held
    survives a kill and a restart on the same port."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://{HOST}:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", HOST, "--dir", str(self.directory),
             "--appendonly", "yes", "--save", "", "--logfile", str(self.directory / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_for(self.answers, 20, what=f"redis-server on port {self.port}")

    def answers(self):
        import redis

        try:
            return redis.Redis(host=HOST, port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def kill(self, signum=signal.SIGKILL):
        """Stop it the hard way (SIGKILL) or as an operator would (SIGTERM); wait until it is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)
            self.process.wait(timeout=20)

    def close(self):
        self.kill(signal.SIGKILL)


@pytest.fixture
def private_redis():
    require(shutil.which("redis-server"), "needs redis-server (Debian package redis-server) for the fault tests")
    directory = tempfile.mkdtemp(prefix="advocacy-redis-")
    server = PrivateRedis(directory)
    server.start()
    try:
        yield server
    finally:
        server.close()
        shutil.rmtree(directory, ignore_errors=True)


# --- PostgreSQL -------------------------------------------------------------------------------------------------

def postgres_bin():
    """The directory of initdb and pg_ctl: Debian's /usr/lib/postgresql/<version>/bin, or the PATH's."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own: initdb into a temporary directory, its own port and socket
    directory, durability off (it only lives for one test). Run as the postgres user when the tests run as root,
    since PostgreSQL refuses to run as root."""

    def __init__(self, directory, bin_dir):
        self.directory = Path(directory)
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self.bin = Path(bin_dir)
        self.port = free_port()

    def _as_owner(self, *command, **kwargs):
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120, **kwargs)

    def url(self, name):
        return f"postgres://postgres@{HOST}:{self.port}/{name}"

    def init(self):
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._as_owner(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                       "-E", "UTF8", "--locale=C", "--no-sync")

    def _ctl(self, action, *extra):
        options = (f"-p {self.port} -c listen_addresses={HOST} -c unix_socket_directories={self.directory} "
                   "-c fsync=off -c full_page_writes=off -c max_connections=60 -c shared_buffers=32MB")
        return self._as_owner(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
                              "-t", "60", "-o", options, action, *extra)

    def start(self):
        self._ctl("start")

    def stop(self, mode="fast"):
        self._ctl("stop", "-m", mode)

    def restart(self, mode="fast"):
        self._ctl("restart", "-m", mode)

    def answers(self):
        try:
            import psycopg2

            psycopg2.connect(host=HOST, port=self.port, user="postgres", dbname="postgres", connect_timeout=2).close()
            return True
        except Exception:
            return False

    def create_database_from(self, source_url, name):
        """A database here holding a copy of `source_url`'s schema and rows (pg_dump piped into psql)."""
        self.psql(f'CREATE DATABASE "{name}"')
        dump = subprocess.run([str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", "-d", source_url],
                              check=True, capture_output=True, timeout=120)
        subprocess.run([str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url(name)],
                       input=dump.stdout, check=True, capture_output=True, timeout=120)

    def psql(self, sql, name="postgres"):
        return subprocess.run([str(self.bin / "psql"), "-At", "-v", "ON_ERROR_STOP=1", "-d", self.url(name),
                               "-c", sql], check=True, capture_output=True, text=True, timeout=60).stdout.strip()

    def close(self):
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError):
                self.stop("immediate")


@pytest.fixture
def private_postgres():
    bin_dir = postgres_bin()
    require(bin_dir is not None and (bin_dir / "pg_ctl").exists(),
            "needs PostgreSQL's server binaries (initdb, pg_ctl) for the fault tests")
    directory = tempfile.mkdtemp(prefix="advocacy-pg-")
    cluster = PrivatePostgres(directory, bin_dir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.close()
        shutil.rmtree(directory, ignore_errors=True)


# --- The app in subprocesses ------------------------------------------------------------------------------------

def app_environment(**overrides):
    """The environment of a worker or a web process: the project's settings, nothing leaked from the shell."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL",
                          "STATIC_ROOT", "DJANGO_SETTINGS_MODULE", "CLICK_GROUP_COMMIT"}}
    env.update({"DJANGO_SETTINGS_MODULE": "advocacy.settings", "NO_PROXY": HOST, "no_proxy": HOST})
    env.update({key: str(value) for key, value in overrides.items()})
    return env


# Starts `celery worker` with some broker transport options changed (a short visibility timeout in a test).
_WORKER_MAIN = (
    "import json, sys\n"
    "from advocacy.celery import app\n"
    "app.conf.broker_transport_options = {**app.conf.broker_transport_options, **json.loads(sys.argv[1])}\n"
    "app.worker_main(['worker', *sys.argv[2:]])\n"
)


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path
    name: str

    @property
    def pid(self):
        return self.process.pid

    def log(self):
        return tail(self.log_path, 200)

    def wait_until_ready(self, timeout=90):
        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited with {self.process.returncode}:\n{self.log()}")
            return " ready." in Path(self.log_path).read_text(errors="replace")

        wait_for(ready, timeout, interval=0.2, what=f"worker {self.name} to be ready")
        return self

    def received(self, task_id):
        """How many times this worker received the task `task_id`."""
        return sum(1 for line in Path(self.log_path).read_text(errors="replace").splitlines()
                   if line.endswith(f"[{task_id}] received"))


@contextlib.contextmanager
def celery_worker(env, log_dir, *, name, pool="solo", concurrency=1, transport_options=None):
    """A real `celery worker` process (stopped, or killed if it will not stop, on the way out)."""
    log_path = Path(log_dir) / f"worker-{name}.log"
    command = [sys.executable, "-c", _WORKER_MAIN, json.dumps(transport_options or {}),
               f"--pool={pool}", f"--concurrency={concurrency}", "--loglevel=INFO", "--without-gossip",
               "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    worker = Worker(process, log_path, name)
    try:
        yield worker
    finally:
        _stop_process_group(process)
        print(f"--- worker {name} log (tail) ---\n{tail(log_path, 40)}")


@contextlib.contextmanager
def gunicorn(env, log_dir, *, workers=1, threads=4, name="web"):
    """gunicorn serving advocacy.wsgi on a free port, threaded as docker-compose.yml runs it; yields the port."""
    port = free_port()
    log_path = Path(log_dir) / f"gunicorn-{name}.log"
    command = [sys.executable, "-m", "gunicorn", "advocacy.wsgi:application", "--workers", str(workers),
               "--threads", str(threads), "--bind", f"{HOST}:{port}", "--error-logfile", "-",
               "--log-level", "info", "--graceful-timeout", "5"]
    env = {**env, "SITE_URL": env.get("SITE_URL") or f"http://{HOST}:{port}"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)

    def serving():
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}:\n{tail(log_path)}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            connection.close()
            return True
        except OSError:
            return False

    try:
        wait_for(serving, 90, interval=0.2, what="gunicorn to answer")
        yield Server(process, port, log_path)
    finally:
        _stop_process_group(process)


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def base_url(self):
        return f"http://{HOST}:{self.port}"

    def pids(self):
        """The master and its workers: the same numbers before and after a fault mean nothing was restarted."""
        return {self.process.pid, *child_pids(self.process.pid)}

    def log(self):
        return tail(self.log_path, 200)


# --- Load -------------------------------------------------------------------------------------------------------

@dataclass
class LoadResult:
    statuses: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    latencies: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def responses(self):
        return sum(self.statuses.values())

    @property
    def redirects(self):
        return sum(count for status, count in self.statuses.items() if 300 <= status < 400)

    def percentile(self, fraction):
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def load(port, path, *, connections, seconds, user_agent=BROWSER, timeout=30):
    """GET `path` over `connections` keep-alive connections for `seconds`; every request sent is answered (or
    counted as an error) before this returns, so the counts are exact."""
    request = (f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUser-Agent: {user_agent}\r\n"
               "Accept: text/html,*/*;q=0.8\r\nAccept-Language: es-ES,es;q=0.9\r\nConnection: keep-alive\r\n\r\n"
               ).encode()
    from bench.redirect import connection_loop

    counts = {"latencies": [], "statuses": {}, "errors": {}, "last_end": 0.0}

    async def run():
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(connection_loop(port, request, deadline, counts, timeout) for _ in range(connections)))

    started = time.monotonic()
    asyncio.run(run())
    return LoadResult(statuses=counts["statuses"], errors=counts["errors"], latencies=counts["latencies"],
                      seconds=time.monotonic() - started)


# --- This process's Celery app and Redis clients ----------------------------------------------------------------

def _forget_broker_connections(app):
    from kombu import pools

    from advocacy import dispatch

    if app._pool is not None:
        with contextlib.suppress(Exception):
            app._pool.force_close_all()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend
    pools.reset()
    dispatch._producers.clear()


def forget_outages():
    """Module-level memories of a Redis that failed (rest periods, kept tasks): each test starts afresh."""
    from advocacy import cache as resilient_cache
    from advocacy import dispatch
    from rewards import leaderboards

    dispatch._state.update(resting_until=0.0, kept=False)
    resilient_cache._resting_until.clear()
    leaderboards._resting_until.clear()
    leaderboards._clients.clear()


@contextlib.contextmanager
def celery_app_on(broker_url):
    """This process's Celery app sending tasks to `broker_url` for real, as a web process does (the suite
    otherwise runs them in-process); put back as it was on the way out."""
    from advocacy.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    _forget_broker_connections(app)
    app.conf.update(task_always_eager=False, broker_url=broker_url, result_backend=broker_url)
    forget_outages()
    try:
        yield app
    finally:
        _forget_broker_connections(app)
        app.conf.update(saved)
        forget_outages()


def redis_cache_settings(url):
    """CACHES as advocacy/settings.py builds them when REDIS_URL is set, for `url`."""
    return {"default": {"BACKEND": "advocacy.cache.ResilientRedisCache", "LOCATION": url, "KEY_PREFIX": "faults",
                        "TIMEOUT": 300, "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
