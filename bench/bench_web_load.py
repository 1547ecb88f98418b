#!/usr/bin/env python3
"""Load test of the web API: N concurrent clients against /api/search for a fixed time.

    .venv/bin/python bench/bench_web_load.py [--clients 8] [--duration 10] [--json]
    .venv/bin/python bench/bench_web_load.py --url http://127.0.0.1:5000   # a running server

Without --url the script builds an index of seeds/ in a temporary folder
(or uses --index DIR), starts `kavosh serve` on a free loopback port (waitress,
--server-threads threads), runs the load, and stops the server.  Only
loopback addresses are accepted: this is a local benchmark, never a load
generator against another host.

Each client is a thread with one keep-alive HTTP/1.1 connection, sending
GET /api/search requests from a fixed mix of Persian and Arabic queries
(words, phrases, prefixes, exclusions, a language filter, a second page),
each client starting at a different point of the mix.  The run is bounded in
time (--duration, at most 300 s) and in count (--max-requests overall).

Reported: requests, requests/s, latency p50/p90/p99/max (ms, from sending a
request to having read its whole answer), the number of non-2xx answers and
of transport errors.  Both must be zero; the exit status is 1 if not.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import platform
import re
import select
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# The fixed query mix: (q, extra parameters).  Persian and Arabic, the query
# language's main forms, and the page's own paging and language filter.
QUERY_MIX = [
    ("پهپاد کیف", {}),
    ("الطائرات المسيرة", {}),
    ("كييف", {}),
    ("روسیه اوکراین", {}),
    ("موسكو", {"lang": "ar"}),
    ('"حمله پهپادی"', {}),
    ("وزير الخارجية", {}),
    ("پهپاد*", {}),
    ("كوريا الشمالية", {"limit": 5}),
    ("روسیه -اوکراین", {}),
    ("الكرملين OR کرملین", {}),
    ("كييف", {"limit": 2, "offset": 2}),
    ("بوتين", {}),
    ("title:موسكو", {}),
    ("زلنسکی", {"mode": "any"}),
    ("کیف مسکو", {"mode": "any"}),
]
MAX_CLIENTS = 64
MAX_DURATION = 300.0


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


class Totals:
    def __init__(self, max_requests: int):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.errors: list[str] = []
        self.remaining = max_requests

    def take(self) -> bool:
        with self.lock:
            if self.remaining <= 0:
                return False
            self.remaining -= 1
            return True


def client(host, port, paths, start, deadline, totals: Totals, timeout: float):
    latencies, statuses, errors = [], {}, []
    conn = None
    i = start
    while time.perf_counter() < deadline and totals.take():
        path = paths[i % len(paths)]
        i += 1
        began = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
            conn.request("GET", path, headers={"Accept": "application/json"})
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            if conn is not None:
                conn.close()
            conn = None
            continue
        latencies.append(time.perf_counter() - began)
        statuses[status] = statuses.get(status, 0) + 1
    if conn is not None:
        conn.close()
    with totals.lock:
        totals.latencies.extend(latencies)
        for status, n in statuses.items():
            totals.statuses[status] = totals.statuses.get(status, 0) + n
        totals.errors.extend(errors)


def search_paths() -> list[str]:
    return ["/api/search?" + urlencode({"q": q, **extra}) for q, extra in QUERY_MIX]


def check_answers(base: str, paths: list[str]):
    """Every query of the mix answers 200 with a search object (before any timing)."""
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=30) as r:
            data = json.loads(r.read().decode("utf-8"))
            if r.status != 200 or "hits" not in data:
                raise SystemExit(f"bench: {path} answered {r.status}: {data}")


def run_load(base: str, clients: int, duration: float, max_requests: int, warmup: float,
             timeout: float) -> dict:
    parts = urlsplit(base)
    host, port = parts.hostname, parts.port or 80
    paths = search_paths()
    check_answers(base, paths)
    if warmup > 0:  # warm caches and the server's threads; not counted
        run_clients(host, port, paths, clients, warmup, Totals(max_requests), timeout)
    totals = Totals(max_requests)
    elapsed = run_clients(host, port, paths, clients, duration, totals, timeout)
    lat = sorted(totals.latencies)
    ok = sum(n for s, n in totals.statuses.items() if 200 <= s < 300)
    return {
        "url": base,
        "endpoint": "/api/search",
        "clients": clients,
        "duration_s": round(elapsed, 2),
        "queries_in_mix": len(paths),
        "requests": len(lat),
        "requests_per_s": round(len(lat) / elapsed, 1) if elapsed else 0.0,
        "latency_ms": {
            "p50": round(percentile(lat, 50) * 1000, 1),
            "p90": round(percentile(lat, 90) * 1000, 1),
            "p99": round(percentile(lat, 99) * 1000, 1),
            "max": round(lat[-1] * 1000, 1) if lat else 0.0,
            "mean": round(sum(lat) / len(lat) * 1000, 1) if lat else 0.0,
        },
        "ok_2xx": ok,
        "non_2xx": len(lat) - ok,
        "statuses": {str(k): v for k, v in sorted(totals.statuses.items())},
        "transport_errors": len(totals.errors),
        "first_errors": totals.errors[:5],
        "hit_request_cap": totals.remaining <= 0,
    }


def run_clients(host, port, paths, clients, duration, totals, timeout) -> float:
    started = time.perf_counter()
    deadline = started + duration
    threads = [threading.Thread(target=client, args=(host, port, paths, i, deadline, totals, timeout),
                                daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + timeout + 5)
    return time.perf_counter() - started


# --- a server of our own -----------------------------------------------------


class LocalServer:
    """`kavosh serve` over an index (built from seeds/ when none is given), on a free port."""

    def __init__(self, index_dir: Path | None, threads: int):
        self.tmp = None
        if index_dir is None:
            self.tmp = tempfile.TemporaryDirectory(prefix="kavosh-bench-web-")
            index_dir = Path(self.tmp.name) / "index"
            subprocess.run([sys.executable, "-m", "kavosh", "index", "--quiet", "--index", str(index_dir),
                            str(SEEDS)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        self.index_dir = index_dir
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kavosh", "serve", "--host", "127.0.0.1", "--port", "0",
             "--threads", str(threads), "--index", str(index_dir)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.url = self._wait_for_url(30)
        self._wait_healthy(30)

    def _wait_for_url(self, timeout):
        deadline, seen = time.monotonic() + timeout, []
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
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.tmp is not None:
            self.tmp.cleanup()
            self.tmp = None


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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=8, help=f"concurrent clients (1–{MAX_CLIENTS}; default 8)")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds of measured load (default 10)")
    ap.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds first (default 1)")
    ap.add_argument("--max-requests", type=int, default=200_000, help="stop after this many (default 200000)")
    ap.add_argument("--timeout", type=float, default=10.0, help="per-request timeout, seconds")
    ap.add_argument("--url", help="a running server on a loopback address (else one is started)")
    ap.add_argument("--index", type=Path, help="index for the started server (default: seeds/, built in a temp dir)")
    ap.add_argument("--server-threads", type=int, default=4,
                    help="waitress threads of the started server (default: kavosh serve's)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS:
        ap.error(f"--clients must be between 1 and {MAX_CLIENTS}")
    if not 0 < args.duration <= MAX_DURATION or not 0 <= args.warmup <= 30:
        ap.error(f"--duration must be in (0, {MAX_DURATION:.0f}] and --warmup in [0, 30]")
    if args.max_requests < 1:
        ap.error("--max-requests must be at least 1")

    server = None
    if args.url:
        base = loopback_only(args.url)
    else:
        server = LocalServer(args.index, args.server_threads)
        base = server.url
    try:
        result = run_load(base, args.clients, args.duration, args.max_requests, args.warmup, args.timeout)
    finally:
        if server is not None:
            server.close()
    result.update({
        "server": "started by the benchmark" if server else "given by --url",
        "server_threads": args.server_threads if server else None,
        "index": ("the server's own" if server is None else
                  "seeds/ (5 documents)" if args.index is None else str(args.index)),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    })
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        lat = result["latency_ms"]
        print(f"kavosh web load: {result['clients']} clients, {result['duration_s']} s against "
              f"{result['url']}{result['endpoint']} ({result['queries_in_mix']} queries in the mix, "
              f"index {result['index']}, {result['cpus']} CPUs)")
        print(f"  requests      {result['requests']}  ({result['requests_per_s']} req/s)")
        print(f"  latency ms    p50 {lat['p50']}  p90 {lat['p90']}  p99 {lat['p99']}  max {lat['max']}")
        print(f"  non-2xx       {result['non_2xx']}  (statuses {result['statuses']})")
        print(f"  errors        {result['transport_errors']}" +
              (f"  e.g. {result['first_errors'][0]}" if result["first_errors"] else ""))
        if result["hit_request_cap"]:
            print(f"  (stopped at --max-requests {args.max_requests})")
    return 0 if result["non_2xx"] == 0 and result["transport_errors"] == 0 and result["requests"] else 1


if __name__ == "__main__":
    sys.exit(main())
