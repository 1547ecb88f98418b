#!/usr/bin/env python3
"""Load test of the web server: N concurrent clients on a mix of result pages, /api/search
and /api/suggest for a fixed time, with the server's memory sampled every second.

    .venv/bin/python bench/bench_web_load.py [--clients 8] [--duration 10] [--mix page=3,api=2,suggest=5]
    .venv/bin/python bench/bench_web_load.py --index DIR --duration 300     # RSS stable over 5 minutes?
    .venv/bin/python bench/bench_web_load.py --url http://127.0.0.1:5000   # a running server

Without --url the script builds an index of seeds/ in a temporary folder
(or uses --index DIR), starts `kavosh serve` on a free loopback port
(--server-workers processes × --server-threads threads, default kavosh
serve's own), runs the load, and stops the server.  Only loopback addresses
are accepted: this is a local benchmark, never a load generator against
another host.

Each client is a thread with one keep-alive HTTP/1.1 connection (it opens
another when the server closes one).  The kinds of request come in the
--mix proportions, spread out evenly; what each kind asks, and why the
default mix is what it is, is in web_load_mix.py.  Every client starts at a
different point of each list.  The run is bounded in time (--duration, at
most 300 s) and in count (--max-requests overall).

Reported, overall and per kind: requests, requests/s, latency p50/p90/p99/max
(ms, from sending a request to having read its whole answer), non-2xx answers
and transport errors (both must be zero: the exit status is 1 if not).  And
the RSS and PSS of the server's whole process tree (the parent and its
workers; found from the listening port with --url), sampled every second:
start, max, end and growth over the measured run, and the growth over its
second half, which stays near zero for a server whose memory is stable.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote_plus, urlsplit

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # imported as bench.bench_web_load by the tests
    sys.path.insert(0, str(HERE))

from proc_memory import MemorySampler, listening_pid, memory_summary, tree_cpu_seconds  # noqa: E402
from web_load_server import LocalServer, loopback_only  # noqa: E402
from web_load_mix import ACCEPT, DEFAULT_MIX, kind_sequence, parse_mix, request_paths  # noqa: E402

MAX_CLIENTS = 64
MAX_DURATION = 300.0


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


class Totals:
    """What every client saw, per kind of request, and the shared request budget."""

    def __init__(self, max_requests: int):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.statuses: dict[str, dict[int, int]] = {}
        self.errors: list[str] = []
        self.connections = 0
        self.by_path: dict[str, list[float]] = {}
        self.remaining = max_requests

    def take(self) -> bool:
        with self.lock:
            if self.remaining <= 0:
                return False
            self.remaining -= 1
            return True

    def add(self, latencies: dict, statuses: dict, errors: list, connections: int, by_path: dict):
        with self.lock:
            self.connections += connections
            for path, values in by_path.items():
                self.by_path.setdefault(path, []).extend(values)
            for kind, values in latencies.items():
                self.latencies.setdefault(kind, []).extend(values)
            for kind, counts in statuses.items():
                mine = self.statuses.setdefault(kind, {})
                for status, n in counts.items():
                    mine[status] = mine.get(status, 0) + n
            self.errors.extend(errors)


def client(host, port, plan, start, deadline, totals: Totals, timeout: float):
    """One keep-alive client: the kinds of ``plan["sequence"]`` in turn, each kind's paths
    in turn, both from ``start`` on."""
    sequence, paths = plan["sequence"], plan["paths"]
    nth = {kind: start * 7 for kind in paths}  # spread the clients over each list
    latencies = {kind: [] for kind in paths}
    statuses = {kind: {} for kind in paths}
    errors = []
    conn, connections, by_path = None, 0, {}
    i = start
    while time.perf_counter() < deadline and totals.take():
        kind = sequence[i % len(sequence)]
        i += 1
        path = paths[kind][nth[kind] % len(paths[kind])]
        nth[kind] += 1
        began = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
                connections += 1
            conn.request("GET", path, headers={"Accept": ACCEPT[kind]})
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{kind} {type(exc).__name__}: {exc}")
            if conn is not None:
                conn.close()
            conn = None
            continue
        latencies[kind].append(time.perf_counter() - began)
        by_path.setdefault(path, []).append(latencies[kind][-1])
        statuses[kind][status] = statuses[kind].get(status, 0) + 1
    if conn is not None:
        conn.close()
    totals.add(latencies, statuses, errors, connections, by_path)


def check_answers(base: str, paths: dict[str, list[str]]):
    """Every path of the mix answers 200 with what its kind should (before any timing)."""
    for kind, kind_paths in paths.items():
        for path in kind_paths:
            request = urllib.request.Request(base + path, headers={"Accept": ACCEPT[kind]})
            try:
                r = urllib.request.urlopen(request, timeout=30)
            except urllib.error.HTTPError as exc:
                raise SystemExit(f"bench: {unquote_plus(path)} answered {exc.code}: "
                                 f"{exc.read()[:200].decode('utf-8', 'replace')}") from None
            except OSError as exc:
                raise SystemExit(f"bench: cannot reach {base} ({exc}): is the server running?") from None
            with r:
                body = r.read().decode("utf-8")
                if kind == "page":
                    ok = r.status == 200 and "text/html" in r.headers.get("Content-Type", "")
                else:
                    ok = r.status == 200 and ("hits" if kind == "api" else "suggestions") in json.loads(body)
                if not ok:
                    raise SystemExit(f"bench: {path} answered {r.status}: {body[:200]}")


def latency_figures(values: list[float], elapsed: float) -> dict:
    """requests, requests/s and p50/p90/p99/max/mean in ms of one list of latencies (seconds)."""
    lat = sorted(values)
    return {
        "requests": len(lat),
        "requests_per_s": round(len(lat) / elapsed, 1) if elapsed else 0.0,
        "p50": round(percentile(lat, 50) * 1000, 1),
        "p90": round(percentile(lat, 90) * 1000, 1),
        "p99": round(percentile(lat, 99) * 1000, 1),
        "max": round(lat[-1] * 1000, 1) if lat else 0.0,
        "mean": round(sum(lat) / len(lat) * 1000, 1) if lat else 0.0,
    }


def slowest_paths(by_path: dict[str, list[float]], n: int = 5) -> list[dict]:
    """The ``n`` paths of the mix with the highest median latency: what to speed up first."""
    medians = sorted(((percentile(sorted(v), 50), path, len(v)) for path, v in by_path.items()), reverse=True)
    return [{"path": unquote_plus(path), "p50_ms": round(m * 1000, 1), "requests": count}
            for m, path, count in medians[:n]]


def run_load(base: str, clients: int, duration: float, max_requests: int, warmup: float,
             timeout: float, weights: dict[str, int], server_pid: int | None) -> dict:
    parts = urlsplit(base)
    host, port = parts.hostname, parts.port or 80
    paths = {kind: kind_paths for kind, kind_paths in request_paths().items() if kind in weights}
    plan = {"sequence": kind_sequence(weights), "paths": paths}
    check_answers(base, paths)
    if warmup > 0:  # warm caches and the server's threads; not counted
        run_clients(host, port, plan, clients, warmup, Totals(max_requests), timeout)
    totals = Totals(max_requests)
    sampler = MemorySampler(server_pid).start() if server_pid else None
    cpu_before = tree_cpu_seconds(server_pid) if server_pid else 0.0
    elapsed = run_clients(host, port, plan, clients, duration, totals, timeout)
    cpu = tree_cpu_seconds(server_pid) - cpu_before if server_pid else None
    memory = memory_summary(sampler.stop()) if sampler else None
    everything = [x for values in totals.latencies.values() for x in values]
    overall = latency_figures(everything, elapsed)
    kinds = {}
    for kind in weights:
        counts = totals.statuses.get(kind, {})
        figures = latency_figures(totals.latencies.get(kind, []), elapsed)
        ok = sum(n for s, n in counts.items() if 200 <= s < 300)
        kinds[kind] = {**figures, "share": round(figures["requests"] / overall["requests"], 3)
                       if overall["requests"] else 0.0, "non_2xx": figures["requests"] - ok}
    statuses: dict[int, int] = {}
    for counts in totals.statuses.values():
        for status, n in counts.items():
            statuses[status] = statuses.get(status, 0) + n
    ok = sum(n for s, n in statuses.items() if 200 <= s < 300)
    return {
        "url": base,
        "mix": ",".join(f"{k}={w}" for k, w in weights.items()),
        "clients": clients,
        "duration_s": round(elapsed, 2),
        "paths_in_mix": {kind: len(p) for kind, p in paths.items()},
        "requests": overall["requests"],
        "requests_per_s": overall["requests_per_s"],
        "latency_ms": {k: v for k, v in overall.items() if k not in ("requests", "requests_per_s")},
        "kinds": kinds,
        "ok_2xx": ok,
        "non_2xx": overall["requests"] - ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "transport_errors": len(totals.errors),
        "connections_opened": totals.connections,
        "slowest_paths": slowest_paths(totals.by_path),
        "first_errors": totals.errors[:5],
        "hit_request_cap": totals.remaining <= 0,
        "server_pid": server_pid,
        "memory": memory,
        "server_cpu_s": round(cpu, 2) if cpu is not None else None,
        "server_cpu_ms_per_request": round(cpu * 1000 / overall["requests"], 2)
        if cpu is not None and overall["requests"] else None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def run_clients(host, port, plan, clients, duration, totals, timeout) -> float:
    started = time.perf_counter()
    deadline = started + duration
    threads = [threading.Thread(target=client, args=(host, port, plan, i, deadline, totals, timeout),
                                daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + timeout + 5)
    return time.perf_counter() - started


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=8, help=f"concurrent clients (1–{MAX_CLIENTS}; default 8)")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds of measured load (default 10)")
    ap.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds first (default 1)")
    ap.add_argument("--mix", default=DEFAULT_MIX,
                    help=f"kinds of request and their weights (default {DEFAULT_MIX}; see web_load_mix.py)")
    ap.add_argument("--max-requests", type=int, default=200_000, help="stop after this many (default 200000)")
    ap.add_argument("--timeout", type=float, default=10.0, help="per-request timeout, seconds")
    ap.add_argument("--url", help="a running server on a loopback address (else one is started)")
    ap.add_argument("--server-pid", type=int,
                    help="with --url: the server's process whose tree is sampled (default: found from the port)")
    ap.add_argument("--index", type=Path, help="index for the started server (default: seeds/, built in a temp dir)")
    ap.add_argument("--server-workers", type=int, help="processes of the started server (default: kavosh serve's)")
    ap.add_argument("--server-threads", type=int, help="threads per process of the started server (default: kavosh serve's)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS:
        ap.error(f"--clients must be between 1 and {MAX_CLIENTS}")
    if not 0 < args.duration <= MAX_DURATION or not 0 <= args.warmup <= 30:
        ap.error(f"--duration must be in (0, {MAX_DURATION:.0f}] and --warmup in [0, 30]")
    if args.max_requests < 1:
        ap.error("--max-requests must be at least 1")
    try:
        weights = parse_mix(args.mix)
    except ValueError as exc:
        ap.error(str(exc))

    server = None
    if args.url:
        base = loopback_only(args.url)
        server_pid = args.server_pid or listening_pid(urlsplit(base).port or 80)
    else:
        server = LocalServer(args.index, args.server_workers, args.server_threads)
        base, server_pid = server.url, server.proc.pid
    try:
        result = run_load(base, args.clients, args.duration, args.max_requests, args.warmup, args.timeout,
                          weights, server_pid)
    finally:
        if server is not None:
            server.close()
    result.update({
        "server": server.banner if server else "given by --url",
        "index": ("the server's own" if server is None else
                  "seeds/ (5 documents)" if args.index is None else str(args.index)),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    })
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_report(result, args.max_requests)
    return 0 if result["non_2xx"] == 0 and result["transport_errors"] == 0 and result["requests"] else 1


def print_report(result: dict, max_requests: int):
    lat = result["latency_ms"]
    print(f"kavosh web load: {result['clients']} clients, {result['duration_s']} s against {result['url']}, "
          f"mix {result['mix']} (index {result['index']}, {result['cpus']} CPUs, "
          f"load average after {' '.join(map(str, result['load_average']))})")
    if result["server"] != "given by --url":
        print(f"  server        {result['server']}")
    print(f"  {'':8}{'requests':>9}{'req/s':>8}{'share':>7}{'p50':>8}{'p90':>8}{'p99':>8}{'max':>8}"
          f"{'non-2xx':>9}   (latency ms)")
    rows = [(kind, k, f"{k['share'] * 100:.0f}%", k["non_2xx"]) for kind, k in result["kinds"].items()]
    rows.append(("all", {"requests": result["requests"], "requests_per_s": result["requests_per_s"], **lat},
                 "", result["non_2xx"]))
    for name, k, share, bad in rows:
        print(f"  {name:8}{k['requests']:>9}{k['requests_per_s']:>8}{share:>7}{k['p50']:>8}{k['p90']:>8}"
              f"{k['p99']:>8}{k['max']:>8}{bad:>9}")
    print(f"  statuses      {result['statuses']}; {result['connections_opened']} connections opened "
          f"(the server closes kept-alive ones to balance its workers)")
    print(f"  errors        {result['transport_errors']}" +
          (f"  e.g. {result['first_errors'][0]}" if result["first_errors"] else ""))
    print("  slowest       " + "; ".join(f"{p['path']} {p['p50_ms']} ms" for p in result["slowest_paths"][:3]))
    memory = result["memory"]
    if memory:
        for name in ("rss", "pss"):
            m = memory[name]
            print(f"  server {name.upper()}    start {m['start_mb']} MB, max {m['max_mb']}, end {m['end_mb']}: "
                  f"growth {m['growth_mb']:+} MB ({m['growth_pct']:+}%), "
                  f"over the second half {m['second_half_growth_mb']:+} MB")
        print(f"                (process tree of pid {result['server_pid']}, {memory['samples']} samples)")
        print(f"  server CPU    {result['server_cpu_s']} s, {result['server_cpu_ms_per_request']} ms a request "
              f"({result['server_cpu_s'] / result['duration_s'] * 100:.0f}% of one core; steadier than "
              f"latency on a shared machine)")
    else:
        print("  server memory not sampled (no process found listening on that port: pass --server-pid)")
    if result["hit_request_cap"]:
        print(f"  (stopped at --max-requests {max_requests})")


if __name__ == "__main__":
    sys.exit(main())
