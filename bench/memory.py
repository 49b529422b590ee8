"""Peak memory of the processes that serve and work, for bench.suite: the high-water mark of the resident set
(VmHWM in /proc/<pid>/status, what the kernel saw the process hold at most since it started), and a real Celery
worker (`celery -A advocacy worker --pool=solo`, so the task runs in the one process measured) on a Redis
database of the bench's own.
"""

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.processes import stop_group, tail

BASE_DIR = Path(__file__).resolve().parent.parent


def status_kib(pid, field="VmHWM"):
    """A memory line of /proc/<pid>/status in KiB (VmHWM: peak resident set; VmRSS: now), or None once the
    process is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return parse_status(text, field)


def parse_status(text, field="VmHWM"):
    """The KiB of `field` in the text of /proc/<pid>/status, or None when the line is missing."""
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name == field:
            parts = value.split()
            if parts and parts[0].isdigit() and (len(parts) == 1 or parts[1] == "kB"):
                return int(parts[0])
    return None


def child_pids(pid):
    """The direct children of `pid` (a gunicorn master's workers)."""
    children = set()
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                children.update(int(child) for child in (task / "children").read_text().split())
    if children:
        return sorted(children)
    # Kernels without /proc/<pid>/task/<tid>/children: scan every process's parent.
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    children.add(int(entry.name))
    return sorted(children)


def mib(kib):
    return None if kib is None else kib / 1024


# --- A Celery worker ------------------------------------------------------------------------------------

@contextlib.contextmanager
def celery_worker(log_path, env, include="bench.tasks", timeout=120):
    """`celery -A advocacy worker --pool=solo` (plus `include`, the bench's task module), with `env`, logging to
    `log_path`; yields the worker's process once it is ready, and stops it on the way out."""
    name = f"bench-suite-{os.getpid()}@%h"
    command = [sys.executable, "-m", "celery", "-A", "advocacy", "worker", "--pool=solo", "--concurrency=1",
               "--include", include, "--loglevel=INFO", "--without-gossip", "--without-mingle",
               "--without-heartbeat", "-n", name]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while " ready." not in Path(log_path).read_text(errors="replace"):
            if process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with {process.returncode}:\n{tail(log_path)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker was not ready within {timeout} s:\n{tail(log_path)}")
            time.sleep(0.2)
        yield process
    finally:
        stop_group(process, timeout=30)  # warm shutdown: the running task (none by now) is finished first
