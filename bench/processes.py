"""The benches' child processes (gunicorn, nginx, a Celery worker): started in a session of their own so that
Ctrl+C reaches only the bench, waited for until they answer, and stopped with their whole process group."""

import contextlib
import http.client
import os
import signal
import subprocess
import time
from pathlib import Path

HOST = "127.0.0.1"


def tail(path, lines=40):
    """The last `lines` lines of a log file, or "" when it cannot be read."""
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def wait_for_302(process, name, port, path, log_path, *, timeout, headers=None):
    """Wait until `process` answers GET `path` on 127.0.0.1:`port` with a 302; RuntimeError (with the end of its
    log) if it exits, answers anything else or does not answer within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{tail(log_path)}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", path, headers=headers or {})
            status = connection.getresponse().status
            connection.close()
        except OSError:
            time.sleep(0.1)
            continue
        if status != 302:
            raise RuntimeError(f"{name} answered {status}, not 302:\n{tail(log_path)}")
        return
    raise RuntimeError(f"{name} did not answer within {timeout} s:\n{tail(log_path)}")


def stop_group(process, timeout=20):
    """SIGTERM to the process group of `process` (the master and its workers, nothing else), SIGKILL after
    `timeout` seconds."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
