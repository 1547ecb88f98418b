"""The server side of bench_web_load.py: `kavosh serve` started over an index, or a
running one checked to be on loopback."""

from __future__ import annotations

import ipaddress
import os
import re
import select
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


class LocalServer:
    """`kavosh serve` over an index (built from seeds/ when none is given), on a free port."""

    def __init__(self, index_dir: Path | None, workers: int | None, threads: int | None):
        self.tmp = None
        if index_dir is None:
            self.tmp = tempfile.TemporaryDirectory(prefix="kavosh-bench-web-")
            index_dir = Path(self.tmp.name) / "index"
            subprocess.run([sys.executable, "-m", "kavosh", "index", "--quiet", "--index", str(index_dir),
                            str(SEEDS)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        self.index_dir = index_dir
        sizing = [*(["--workers", str(workers)] if workers else []),
                  *(["--threads", str(threads)] if threads else [])]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kavosh", "serve", "--host", "127.0.0.1", "--port", "0", *sizing,
             "--index", str(index_dir)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.url = self._wait_for_url(30)
        self.banner = self.output[-1].strip()
        # Keep reading what the server prints (waitress's queue warnings under load):
        # a full pipe would stop the server mid-run.
        threading.Thread(target=self._drain, daemon=True).start()
        self._wait_healthy(30)

    def _drain(self):
        for line in self.proc.stdout:
            self.output.append(line)
            del self.output[:-20]

    def _wait_for_url(self, timeout):
        deadline = time.monotonic() + timeout
        self.output = seen = []
        while time.monotonic() < deadline and self.proc.poll() is None:
            if select.select([self.proc.stdout], [], [], 0.2)[0]:
                line = self.proc.stdout.readline()
                seen.append(line)
                m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
                if m:
                    return f"http://127.0.0.1:{m.group(1)}"
        self.close()
        raise SystemExit("bench: kavosh serve did not start:\n" + "".join(seen))

    def _wait_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                if time.monotonic() > deadline:
                    self.close()
                    raise SystemExit("bench: the server never became healthy")
            time.sleep(0.1)

    def close(self):
        stop(self.proc)
        if self.tmp is not None:
            self.tmp.cleanup()
            self.tmp = None


def stop(proc: subprocess.Popen) -> None:
    """Stop a server we started: SIGTERM (it finishes its requests), SIGKILL after 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def loopback_only(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise SystemExit(f"bench: --url must be http://HOST:PORT, not {url!r}")
    host = parts.hostname
    try:
        is_loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        is_loopback = False
    if not is_loopback:
        raise SystemExit(f"bench: only loopback servers may be load-tested (127.0.0.0/8, ::1), not {host}")
    return f"http://{parts.netloc}"
