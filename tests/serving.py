"""A real `kavosh serve` subprocess for tests: started on a free loopback port, stopped after."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# How long a server may take to start: generous, for a loaded machine (it is a deadline, not a wait).
STARTUP = 180.0


@contextmanager
def served(index_dir: Path, *extra_args: str, wait_healthy: bool = True, log: list | None = None):
    """Yield the base URL of `kavosh serve --index INDEX_DIR` on 127.0.0.1 and an OS-chosen port.

    ``log``, if given, receives what the server printed (its error log) once it has stopped.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "kavosh", "serve", "--host", "127.0.0.1", "--port", "0",
         "--index", str(index_dir), *extra_args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        base = wait_for_url(proc, timeout=STARTUP)
        if wait_healthy:
            wait_until_healthy(base, timeout=STARTUP)
        yield base
    finally:
        proc.terminate()
        try:
            output = proc.communicate(timeout=10)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            output = proc.communicate()[0]
        if log is not None:
            log.append(output)


def wait_for_url(proc, timeout: float) -> str:
    deadline, seen = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            seen.append(line)
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m:
                return f"http://127.0.0.1:{m.group(1)}"
        elif proc.poll() is not None:
            break
    raise AssertionError("kavosh serve did not print its URL:\n" + "".join(seen))


def wait_until_healthy(base: str, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


def fetch(url: str, headers: dict | None = None, timeout: float = 120) -> tuple[int, bytes]:
    """(status, body) of a GET; HTTP errors are answers too, not exceptions."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
