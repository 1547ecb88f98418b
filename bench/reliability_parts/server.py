"""A real `kavosh serve --port 0` for the live and fuzz parts, and plain HTTP GETs to it."""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from web_load_server import stop  # bench/web_load_server.py

from .common import CLI, log, reap, spawn

class Server:
    """`kavosh serve --port 0` on 127.0.0.1; its stderr (tracebacks) goes to a log file."""

    def __init__(self, index_dir: Path, threads: int, logdir: Path, quiet: bool = False):
        self.log_path = Path(tempfile.mktemp(prefix="serve-", suffix=".log", dir=logdir))
        self.log_fh = open(self.log_path, "wb")
        self.proc = spawn(CLI + ["serve", "--host", "127.0.0.1", "--port", "0", "--threads", str(threads),
                                  "--index", str(index_dir)],
                           stdout=subprocess.PIPE, stderr=self.log_fh,
                           env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline, seen = time.monotonic() + 60, b""
        self.port = None
        while time.monotonic() < deadline and self.proc.poll() is None:
            if select.select([self.proc.stdout], [], [], 0.2)[0]:
                line = self.proc.stdout.readline()
                seen += line
                m = re.search(rb"http://127\.0\.0\.1:(\d+)/", line)
                if m:
                    self.port = int(m.group(1))
                    break
        if self.port is None:
            self.close()
            raise RuntimeError("kavosh serve did not print its URL: " + seen.decode("utf-8", "replace"))
        # drain stdout so the server never blocks on a full pipe
        threading.Thread(target=lambda: [None for _ in iter(self.proc.stdout.readline, b"")],
                         daemon=True).start()
        for _ in range(300):
            try:
                status, _, _ = http_get("127.0.0.1", self.port, "/healthz", timeout=5)
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        if not quiet:
            log(f"server: kavosh serve at http://127.0.0.1:{self.port}/ (threads {threads})")

    def errors(self) -> Counter:
        """Exception lines of the tracebacks the server logged."""
        self.log_fh.flush()
        text = self.log_path.read_text("utf-8", "replace")
        out = Counter()
        for block in text.split("Traceback (most recent call last):")[1:]:
            lines = [ln for ln in block.splitlines() if ln and not ln.startswith((" ", "\t"))]
            if lines:
                out[lines[0][:200]] += 1
        return out

    def close(self):
        stop(self.proc)
        reap(self.proc)
        self.log_fh.close()


def http_get(host, port, path, timeout=30, conn=None):
    """(status, body bytes, connection to reuse or None)."""
    own = conn is None
    if conn is None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        if resp.will_close or own:
            conn.close()
            conn = None
        return resp.status, body, conn
    except BaseException:
        conn.close()
        raise


def body_summary(body: bytes, n=160) -> str:
    text = body.decode("utf-8", "replace")
    if text.lstrip().startswith("{"):
        try:
            j = json.loads(text)
            return json.dumps(j.get("error", j), ensure_ascii=False)[:n]
        except ValueError:
            pass
    m = re.search(r"<main.*?</main>", text, re.S)
    text = re.sub(r"<[^>]+>", " ", m.group(0) if m else text)
    return re.sub(r"\s+", " ", text).strip()[:n]
