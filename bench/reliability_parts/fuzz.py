"""Part 3: the fuzzed queries sent to the CLI (in process and as subprocesses) and to
a fresh server's /api/search and /?q=; a traceback or an answer past the time
limit is a finding."""

from __future__ import annotations

import http.client
import json
import os
import random
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from . import common
from .common import OVER_LIMIT, TIME_LIMIT, cli, first_line, log, loud
from .fuzz_cases import fuzz_cases
from .server import Server, body_summary, http_get
from .working_corpus import Corpus, title_words

def _cli_worker(conn, index_dir: str) -> None:
    """In a forked child: run `kavosh search --json Q` in process (click's CliRunner) per message.

    CliRunner's stdout is strict UTF-8, as under an en_US.UTF-8 desktop locale."""
    from click.testing import CliRunner

    from kavosh.cli import main as cli_main

    runner = CliRunner()
    while True:
        q = conn.recv()
        if q is None:
            return
        t = time.perf_counter()
        result = runner.invoke(cli_main, ["search", "--index", index_dir, "--json", "--", q])
        dt = time.perf_counter() - t
        out = (result.stdout or "") + (result.stderr or "")
        desc = None
        if (result.exception is not None and not isinstance(result.exception, SystemExit)) \
                or "Traceback" in out:
            exc = result.exception
            where = ""
            if result.exc_info:
                tb = traceback.extract_tb(result.exc_info[2])
                if tb:
                    where = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno}"
            desc = f"{type(exc).__name__}: {str(exc)[:120]}{where}"
        conn.send((result.exit_code, desc, dt))


class CliWorker:
    """A forked in-process CLI runner that can be killed when a query runs too long."""

    def __init__(self, index_dir: Path):
        import multiprocessing

        self.ctx = multiprocessing.get_context("fork")
        self.index_dir = str(index_dir)
        self.proc = None
        self._start()

    def _start(self):
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_cli_worker, args=(child, self.index_dir), daemon=True)
        self.proc.start()
        common.workers.append(self.proc)

    def run(self, q: str, timeout: float):
        """(exit code, traceback description or None, seconds) or None after ``timeout``."""
        self.conn.send(q)
        if self.conn.poll(timeout):
            return self.conn.recv()
        self.proc.kill()  # our own child
        self.proc.join(10)
        common.workers.remove(self.proc)
        self._start()
        return None

    def close(self):
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        if self.proc in common.workers:
            common.workers.remove(self.proc)


def part_fuzz(args, rng: random.Random, index_dir: Path, corpus: Corpus, work: Path) -> dict:
    words = [w for ws in title_words(corpus)["fa"] + title_words(corpus)["ar"] for w in ws]
    words = sorted(set(words))
    cases = fuzz_cases(args.queries, random.Random(args.seed), words)
    res = {"queries": len(cases), "cli": 0, "cli_sub": 0, "http": 0, "http_planned": 2 * len(cases),
           "cli_tb": [], "http_5xx": [], "over": [], "not_timed_out": [], "transport": [],
           "categories": Counter(c for c, _ in cases), "slow_cli": [], "cli_killed": [],
           "exit_codes": Counter(), "statuses": Counter(), "server_errors": Counter(), "restarts": 0}

    # -- HTTP, one request at a time (so each wall time is that query's own) against a fresh
    # server over a quiet index.  A request still running at limit + 1.3 s is given up; the
    # server is then replaced by a warm spare, since waitress keeps computing it on a worker
    # thread.  When /api/search gave up, /?q= (the same search plus did-you-mean) is not sent
    # and counts as over the limit, "inferred".
    server = Server(index_dir, args.server_threads, work)
    host, port = "127.0.0.1", server.port
    spare: dict = {}

    def make_spare():
        try:
            spare["server"] = Server(index_dir, args.server_threads, work, quiet=True)
        except Exception as exc:  # reported when it is needed
            spare["error"] = exc

    spare_thread = threading.Thread(target=make_spare, daemon=True)
    spare_thread.start()
    gave_up = set()
    jobs = []
    for cat, raw in cases:
        qs = quote(raw, safe="")
        jobs.append((cat, raw, "/api/search?q=" + qs))
        jobs.append((cat, raw, "/?q=" + qs))
    deadline = time.monotonic() + args.fuzz_budget
    give_up = OVER_LIMIT + 0.3
    log(f"fuzz: {len(jobs)} HTTP requests ({len(cases)} queries × /api/search, /?q=), one at a time")
    conn = None
    for n, (cat, raw, path) in enumerate(jobs, 1):
        if time.monotonic() > deadline:
            loud(f"fuzz: HTTP time budget spent after {n - 1} requests; stopping early")
            break
        if n % 500 == 0:
            log(f"fuzz: {n} HTTP requests sent; {res['restarts']} servers replaced")
        if path.startswith("/?") and raw in gave_up:
            res["http"] += 1
            res["over"].append((cat, raw, path, 0.0, None, "inferred: /api/search gave up"))
            continue
        t = time.perf_counter()
        try:
            status, body, conn = http_get(host, port, path, timeout=give_up,
                                          conn=conn or http.client.HTTPConnection(host, port, timeout=give_up))
        except (OSError, http.client.HTTPException) as exc:
            conn = None
            dt = time.perf_counter() - t
            res["http"] += 1
            if isinstance(exc, TimeoutError) or "timed out" in str(exc):
                res["over"].append((cat, raw, path, dt, None, "no answer"))
                gave_up.add(raw)
            else:
                res["transport"].append((cat, raw, path.split("?")[0], f"{type(exc).__name__}: {exc}"))
            res["server_errors"] += server.errors()
            server.close()
            res["restarts"] += 1
            spare_thread.join(120)
            if "server" not in spare:
                raise RuntimeError(f"fuzz: no spare server: {spare.get('error')}")
            server = spare.pop("server")
            port = server.port
            spare_thread = threading.Thread(target=make_spare, daemon=True)
            spare_thread.start()
            continue
        dt = time.perf_counter() - t
        took, timed_out = None, None
        if path.startswith("/api/") and status == 200:
            try:
                j = json.loads(body)
                took, timed_out = j.get("took_ms", 0) / 1000, j.get("timed_out")
                if took > TIME_LIMIT and not timed_out:
                    res["not_timed_out"].append((cat, raw, path, dt, took, "timed_out false"))
            except ValueError:
                pass
        res["http"] += 1
        res["statuses"][status] += 1
        if status >= 500:
            res["http_5xx"].append((cat, raw, path.split("?")[0], status, body_summary(body)))
        if dt > OVER_LIMIT:
            res["over"].append((cat, raw, path, dt, took, f"timed_out {timed_out}" if took else ""))
    if conn is not None:
        conn.close()
    res["server_errors"] += server.errors()
    server.close()
    spare_thread.join(120)
    if "server" in spare:
        spare.pop("server").close()

    # -- CLI, in process (a forked worker, replaced when a query runs past --cli-timeout)
    cli_cases = [(c, raw) for c, raw in cases if b"\x00" not in raw]  # argv cannot hold NUL
    deadline = time.monotonic() + args.fuzz_budget
    log(f"fuzz: {len(cli_cases)} CLI queries in process (NUL-bearing ones are HTTP-only)")
    worker = CliWorker(index_dir)
    try:
        for cat, raw in cli_cases:
            if time.monotonic() > deadline:
                loud("fuzz: CLI time budget spent; stopping early")
                break
            q = raw.decode("utf-8", "surrogateescape")  # what Python makes of these argv bytes
            got = worker.run(q, args.cli_timeout)
            res["cli"] += 1
            if got is None:
                res["cli_killed"].append((cat, raw))
                res["exit_codes"]["killed"] += 1
                continue
            code, desc, dt = got
            res["exit_codes"][code] += 1
            if desc:
                res["cli_tb"].append((cat, raw, desc))
            res["slow_cli"].append((dt, cat, raw))
    finally:
        worker.close()
    res["slow_cli"] = sorted(res["slow_cli"], key=lambda x: -x[0])[:3]

    # -- CLI, real subprocesses: the first of each category, then a seeded sample
    sub = []
    seen_cat = set()
    for c, raw in cli_cases:
        if c not in seen_cat:
            seen_cat.add(c)
            sub.append((c, raw))
    rest = [x for x in cli_cases if x not in sub]
    sub += random.Random(args.seed + 1).sample(rest, min(len(rest), max(0, args.cli_subprocess - len(sub))))
    log(f"fuzz: {len(sub)} CLI queries through `python -m kavosh search` subprocesses")
    for cat, raw in sub:
        if time.monotonic() > deadline + args.fuzz_budget / 2:
            loud("fuzz: subprocess time budget spent; stopping early")
            break
        r = cli("search", "--index", index_dir, "--json", "--", raw, timeout=args.cli_timeout * 2)
        res["cli_sub"] += 1
        res["exit_codes"][f"sub {r.returncode}"] += 1
        if "Traceback" in r.stderr or "Traceback" in r.stdout or r.returncode not in (0, 1, 2, 3, 4, 5):
            res["cli_tb"].append((cat + " (subprocess)", raw, f"exit {r.returncode}: {first_line(r.stderr)}"))
    # Invalid UTF-8 in argv under a strict UTF-8 stdout (PYTHONIOENCODING=utf-8, as under
    # en_US.UTF-8; this machine's C.UTF-8 locale gives Python surrogateescape instead)
    strict = [x for x in cli_cases if x[0] in ("surrogates", "invalid-utf8")][:10]
    for cat, raw in strict:
        r = cli("search", "--index", index_dir, "--json", "--", raw, timeout=args.cli_timeout * 2,
                env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        res["cli_sub"] += 1
        res["exit_codes"][f"strict {r.returncode}"] += 1
        if "Traceback" in r.stderr or "Traceback" in r.stdout or r.returncode not in (0, 1, 2, 3, 4, 5):
            res["cli_tb"].append((cat + " (subprocess, strict UTF-8 stdout)", raw,
                                  f"exit {r.returncode}: {first_line(r.stderr)}"))
    return res
