#!/usr/bin/env python3
"""Reliability benchmark: kill -9 while indexing, a live server under a writer, fuzzed queries.

    .venv/bin/python bench/reliability.py [--quick] [--corpus /work/shared/corpora]
        [--kills 20] [--queries 2000] [--seconds 60] [--seed 1] [--parts kill,live,fuzz]

Everything runs against the real product: `python -m kavosh ...` subprocesses
(cwd = the repository root, `--index` in a temporary folder) and a real
`kavosh serve --port 0` subprocess on 127.0.0.1.  The documents are real news
articles read from the corpus folder (gzip JSON Lines, never copied into the
repository), written as .jsonl and .txt files into a temporary folder.

1. kill -9 loop.  Build a working corpus and index it, calibrate the duration of
   one update run, then repeatedly: change the corpus (add, modify, delete .jsonl
   lines, .jsonl files and .txt files; the document count always changes), start
   `kavosh index`, SIGKILL it at a random moment -- spread over the whole run, a
   share aimed at the last 20 %, a share aimed at the commit itself (the
   index folder is watched for the run's first new .col/.toc file: whoosh writes
   the per-document columns and then the table of contents when it commits), and
   a few right after the new .toc appears (before kavosh.json is rewritten).
   After each check the same update runs to completion (it must give exactly
   the new state), so every killed run has the calibrated size.
   After each kill: `kavosh stats --json` must exit 0 (or, for a killed first
   run, print the one-line "kavosh: ..." error without a traceback), `kavosh
   search --json` must work, and the document count must equal the state
   before the run or the state after it.  A *partial state* is any other count,
   or a count that matches one state while a sampled added/removed id
   (`kavosh show ID --json`) says the other.  After the loop `kavosh index` runs
   to completion: every document of the final corpus must be there (count and
   a sample of ids by `kavosh show`); each missing one is a *document lost*.
   A *failed recovery* is a check after a kill that fails (index not opening,
   search failing) or a follow-up run that does not complete.

2. live server.  `kavosh serve` over an indexed corpus; N reader threads issue a
   mix of /api/search (real title words of both languages: all-words, any,
   phrases, prefixes, exact), /?q=, /doc/<id>, /api/suggest and /healthz while
   a writer thread loops `kavosh index` on the same index (adding, changing and
   deleting files; every few runs `--rebuild`).  The stable part of the corpus
   carries synthetic probe words (kvpa?, kvpb?) whose exact answers are known,
   so a wrong answer (wrong total or a hit outside the answer set, or a JSON
   answer for another query) is caught, not only errors.  Every non-2xx counts.

3. fuzz.  Seeded hostile and odd queries (deep nesting, unbalanced quotes, long
   queries around the 1,000-character limit, operator soup, field prefixes,
   wildcards, 150-word queries, mixed scripts, digits, diacritics, ZWNJ,
   control characters, lone surrogates and invalid UTF-8, NUL, emoji, RTL marks,
   very long words) sent to the CLI in-process (click's CliRunner), a subset
   through real `kavosh search` subprocesses, and to /api/search and /?q= of a
   fresh server over a quiet index.  A *traceback* is, for the CLI, an
   exception other than a clean SystemExit or "Traceback" in the output; for
   HTTP, any 5xx.  *Over the limit* is an HTTP answer taking longer than the
   server's 2 s search time limit + 1 s, or a JSON answer whose took_ms passed
   the limit while timed_out stayed false; each candidate is re-run alone to
   confirm it.

The exit status is 0 whatever is found: this is a benchmark, it reports.
"""

from __future__ import annotations

import argparse
import atexit
import gzip
import http.client
import io
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

from markupsafe import escape  # installed with flask: the escaping the pages use

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "kavosh"]
TIME_LIMIT = 2.0  # web/app.py DEFAULTS["KAVOSH_TIME_LIMIT"]
OVER_LIMIT = TIME_LIMIT + 1.0
MAX_QUERY_CHARS = 1000  # search/query.py
START = time.monotonic()

# --- bookkeeping: every child process and temp folder is cleaned up -------------------------

_children: list[subprocess.Popen] = []
_tmpdirs: list[str] = []
_workers: list = []  # multiprocessing children


def _spawn(args, **kw) -> subprocess.Popen:
    kw.setdefault("cwd", ROOT)
    proc = subprocess.Popen(args, **kw)
    _children.append(proc)
    return proc


def _reap(proc: subprocess.Popen) -> None:
    if proc in _children:
        _children.remove(proc)


def cleanup() -> None:
    for proc in list(_children):
        if proc.poll() is None:
            try:
                proc.kill()  # our own child, by its handle
                proc.wait(timeout=10)
            except Exception:
                pass
        _reap(proc)
    for w in list(_workers):
        if w.is_alive():
            w.kill()
            w.join(5)
        _workers.remove(w)
    for d in list(_tmpdirs):
        shutil.rmtree(d, ignore_errors=True)
        _tmpdirs.remove(d)


def _on_signal(signum, frame):
    raise KeyboardInterrupt


def tmpdir(prefix: str) -> Path:
    d = tempfile.mkdtemp(prefix=prefix)
    _tmpdirs.append(d)
    return Path(d)


def log(msg: str) -> None:
    print(f"[{time.monotonic() - START:6.1f}s] {msg}", flush=True)


def loud(msg: str) -> None:
    print(f"[{time.monotonic() - START:6.1f}s] !!! {msg}", flush=True)


def cli(*args, timeout=120, env=None) -> subprocess.CompletedProcess:
    """One real `python -m kavosh` run; bytes arguments pass through unchanged."""
    proc = _spawn(CLI + [a if isinstance(a, bytes) else str(a) for a in args],
                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        err += b"\n[bench: killed after timeout]"
    finally:
        _reap(proc)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def first_line(text: str, n=200) -> str:
    text = text.strip()
    if "Traceback" in text:  # the exception line, not the first frame
        lines = [ln for ln in text.splitlines() if ln.strip()]
        return ("Traceback … " + lines[-1])[:n]
    return (text.splitlines() or [""])[0][:n]


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


# --- articles and working corpora ---------------------------------------------------------


def load_articles(corpus: Path, per_lang: int, rng: random.Random) -> dict[str, list[dict]]:
    """A seeded sample of real articles per language, with unique ids, title and body."""
    out = {}
    for lang in ("fa", "ar"):
        path = corpus / f"news-{lang}.jsonl.gz"
        opener = gzip.open if path.exists() else open
        if not path.exists():
            path = corpus / f"news-{lang}.jsonl"
        seen, arts = set(), []
        with opener(path, "rt", encoding="utf-8") as fh:
            for n, line in enumerate(fh):
                if n >= per_lang * 2:
                    break
                try:
                    a = json.loads(line)
                except ValueError:
                    continue
                if not (a.get("id") and (a.get("title") or "").strip() and (a.get("body") or "").strip()):
                    continue
                if a["id"] in seen:
                    continue
                seen.add(a["id"])
                arts.append({k: a.get(k) for k in ("id", "title", "body", "lang", "source", "url", "date")})
        rng.shuffle(arts)
        out[lang] = arts[:per_lang]
    return out


class Pool:
    """Articles not yet used, alternating languages."""

    def __init__(self, articles: dict[str, list[dict]]):
        self.fa, self.ar = list(articles["fa"]), list(articles["ar"])
        self.n = 0

    def take(self, k: int) -> list[dict]:
        got = []
        for _ in range(k):
            self.n += 1
            src = self.fa if (self.n % 2 and self.fa) or not self.ar else self.ar
            if not src:
                raise SystemExit("bench: ran out of articles; use a larger --corpus sample")
            got.append(dict(src.pop()))
        return got


class Corpus:
    """A folder of .jsonl and .txt files whose documents (ids) the benchmark knows exactly."""

    def __init__(self, folder: Path, pool: Pool, rng: random.Random, probes: bool = False):
        self.folder = folder
        self.pool = pool
        self.rng = rng
        self.jsonl: dict[str, list[dict]] = {}  # rel name -> articles
        self.txt: dict[str, dict] = {}  # rel name -> article
        self.stable: set[str] = set()  # file names the writer never touches
        self.probe_groups: dict[str, set[str]] = {}  # probe word -> ids
        self.counter = 0
        self.probes = probes
        folder.mkdir(parents=True, exist_ok=True)

    # ids: a .jsonl article keeps its id, a .txt document's id is its path
    def ids(self) -> set[str]:
        out = {a["id"] for arts in self.jsonl.values() for a in arts}
        return out | set(self.txt)

    def count(self) -> int:
        return sum(len(a) for a in self.jsonl.values()) + len(self.txt)

    def _name(self, ext: str, sub: str = "") -> str:
        self.counter += 1
        return f"{sub}{self.counter:05d}{ext}"

    def _write_jsonl(self, name):
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            for a in self.jsonl[name]:
                fh.write(json.dumps(a, ensure_ascii=False) + "\n")

    def _write_txt(self, name):
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        a = self.txt[name]
        path.write_text(a["title"].strip().replace("\n", " ") + "\n\n" + a["body"] + "\n", encoding="utf-8")

    def _probe(self, arts):
        if not self.probes:
            return
        for a in arts:
            i = len(self.probe_groups.get("_all", ()))
            self.probe_groups.setdefault("_all", set()).add(a["id"])
            wa, wb = f"kvpa{'abcdefghijkl'[i % 12]}", f"kvpb{'abcdefg'[i % 7]}"
            a["body"] = a["body"] + f"\n{wa} {wb}"
            self.probe_groups.setdefault(wa, set()).add(a["id"])
            self.probe_groups.setdefault(wb, set()).add(a["id"])

    def add_jsonl(self, k, stable=False, sub=""):
        name = self._name(".jsonl", sub)
        arts = self.pool.take(k)
        if stable:
            self._probe(arts)
            self.stable.add(name)
        self.jsonl[name] = arts
        self._write_jsonl(name)
        return name

    def add_txt(self, k, stable=False, sub=""):
        names = []
        for a in self.pool.take(k):
            name = self._name(".txt", sub)
            if stable:
                self.stable.add(name)
            self.txt[name] = a
            self._write_txt(name)
            names.append(name)
        return names

    def _mutable(self, d):
        return [n for n in d if n not in self.stable]

    def mutate(self, scale: int) -> str:
        """One random change of the corpus; ``scale`` ~ documents re-indexed."""
        rng, did = self.rng, []
        ops = ["add_jsonl", "add_txt", "modify_jsonl", "grow_jsonl", "shrink_jsonl",
               "delete_jsonl", "delete_txt", "modify_txt"]
        for op in rng.sample(ops, 3) + ["modify_jsonl"]:
            mj, mt = self._mutable(self.jsonl), self._mutable(self.txt)
            if op == "add_jsonl":
                self.add_jsonl(rng.randint(scale // 4, scale // 2))
            elif op == "add_txt":
                self.add_txt(rng.randint(3, max(4, scale // 10)), sub="txt/")
            elif op == "modify_jsonl" and mj:
                name = rng.choice(mj)
                for a in self.jsonl[name][: rng.randint(1, len(self.jsonl[name]))]:
                    a["body"] += f"\n(ویرایش {self.counter} تحديث)"
                self.counter += 1
                self._write_jsonl(name)
            elif op == "grow_jsonl" and mj:
                name = rng.choice(mj)
                self.jsonl[name] += self.pool.take(rng.randint(5, max(6, scale // 8)))
                self._write_jsonl(name)
            elif op == "shrink_jsonl" and mj:
                name = rng.choice(mj)
                if len(self.jsonl[name]) > 3:
                    k = rng.randint(1, len(self.jsonl[name]) // 3)
                    del self.jsonl[name][-k:]
                    self._write_jsonl(name)
            elif op == "delete_jsonl" and len(mj) > 2:
                name = rng.choice(mj)
                del self.jsonl[name]
                (self.folder / name).unlink()
            elif op == "delete_txt" and len(mt) > 3:
                for name in rng.sample(mt, rng.randint(1, min(len(mt) - 1, max(2, scale // 20)))):
                    del self.txt[name]
                    (self.folder / name).unlink()
            elif op == "modify_txt" and mt:
                for name in rng.sample(mt, min(len(mt), rng.randint(1, 5))):
                    self.txt[name]["body"] += f"\nویرایش {self.counter}"
                    self.counter += 1
                    self._write_txt(name)
            else:
                continue
            did.append(op)
        return "+".join(did)


def build_corpus(folder: Path, pool: Pool, rng, docs: int, probes=False, stable=False) -> Corpus:
    """About ``docs`` documents: .jsonl files of 20–60 articles and a folder of .txt files."""
    c = Corpus(folder, pool, rng, probes=probes)
    n_txt = max(10, docs // 8)
    c.add_txt(n_txt, stable=stable, sub="txt/")
    while c.count() < docs:
        c.add_jsonl(min(rng.randint(20, 60), docs - c.count()) or 1, stable=stable)
    return c


def index_stats(index_dir: Path):
    """(documents or None, CompletedProcess) from `kavosh stats --json`."""
    r = cli("stats", "--json", "--index", index_dir, timeout=60)
    if r.returncode == 0:
        try:
            return json.loads(r.stdout)["documents"], r
        except (ValueError, KeyError):
            return None, r
    return None, r


def show_exists(index_dir: Path, doc_id: str):
    """True/False if `kavosh show ID --json` finds / cleanly does not find it; None on a crash."""
    r = cli("show", doc_id, "--json", "--index", index_dir, timeout=60)
    if r.returncode == 0:
        try:
            return json.loads(r.stdout)["id"] == doc_id
        except (ValueError, KeyError):
            return None
    if r.returncode == 1 and "no document with id" in r.stderr and "Traceback" not in r.stderr:
        return False
    return None


# --- part 1: kill -9 -------------------------------------------------------------------------

COMMIT_FILE = re.compile(r"\.col$|\.toc(\.|$)")


def _listing(index_dir: Path) -> set[str]:
    try:
        return set(os.listdir(index_dir))
    except FileNotFoundError:
        return set()


def _phase(before: set[str], now: set[str]) -> str:
    new = now - before
    if any(n.endswith(".toc") for n in new):
        return "after-toc"
    if any(COMMIT_FILE.search(n) for n in new):
        return "commit"
    return "indexing"


def timed_index_run(index_dir: Path, corpus: Corpus, extra=()):
    """Run `kavosh index` to completion, watching the folder: (seconds, commit start s, rc, err)."""
    before = _listing(index_dir)
    t0 = time.monotonic()
    proc = _spawn(CLI + ["index", "--quiet", "--index", str(index_dir), *extra, str(corpus.folder)],
                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    commit_at = None
    deadline = t0 + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if commit_at is None and _phase(before, _listing(index_dir)) != "indexing":
            commit_at = time.monotonic() - t0
        time.sleep(0.003)
    if proc.poll() is None:
        proc.kill()
    out, err = proc.communicate()
    _reap(proc)
    return time.monotonic() - t0, commit_at, proc.returncode, err.decode("utf-8", "replace")


def part_kill(args, pool: Pool, rng: random.Random) -> dict:
    log("kill -9: building the working corpus")
    work = tmpdir("kavosh-rel-kill-")
    index_dir = work / "index"
    corpus = build_corpus(work / "corpus", pool, rng, args.kill_docs)
    res = {"kills": 0, "during_commit": 0, "phases": Counter(), "partial": 0, "lost": 0,
           "failed_recoveries": 0, "finished_before_kill": 0, "problems": [], "iterations": 0,
           "first_run_kill": None}
    problems = res["problems"]

    def problem(kind, msg):
        problems.append(f"{kind}: {msg}")
        loud(f"kill -9: {kind}: {msg}")

    # A killed FIRST run (empty folder): the index must say, in one line, to run `kavosh index`.
    first_dir = work / "first-index"
    t_first = max(0.5, args.kill_docs / 400)
    proc = _spawn(CLI + ["index", "--quiet", "--index", str(first_dir), str(corpus.folder)],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.3, t_first))
    if proc.poll() is None:
        proc.kill()
        res["kills"] += 1
        res["phases"]["first run"] += 1
    proc.wait()
    _reap(proc)
    n, r = index_stats(first_dir)
    clean_error = r.returncode in (3, 5) and r.stderr.startswith("kavosh: ") and \
        len(r.stderr.strip().splitlines()) == 1
    res["first_run_kill"] = f"stats exit {r.returncode}: {first_line(r.stderr or r.stdout)}"
    if not (r.returncode == 0 and n in (0, corpus.count())) and not clean_error:
        res["failed_recoveries"] += 1
        problem("killed first run", res["first_run_kill"])
    rr = cli("index", "--quiet", "--index", first_dir, corpus.folder, timeout=300)
    n, r = index_stats(first_dir)
    if rr.returncode != 0 or n != corpus.count():
        res["failed_recoveries"] += 1
        problem("after a killed first run", f"index exit {rr.returncode} {first_line(rr.stderr)}; "
                f"count {n} != {corpus.count()}")
    shutil.rmtree(first_dir, ignore_errors=True)

    log(f"kill -9: indexing {corpus.count()} documents ({len(corpus.jsonl)} .jsonl, "
        f"{len(corpus.txt)} .txt files)")
    secs, _, rc, err = timed_index_run(index_dir, corpus)
    committed, _ = index_stats(index_dir)
    if rc != 0 or committed != corpus.count():
        problem("setup", f"first index run exit {rc} ({first_line(err)}), {committed} documents, "
                f"expected {corpus.count()}")
        if committed is None:
            return res
    log(f"kill -9: first run {secs:.1f} s; {committed} documents")
    committed_ids = corpus.ids()

    # Calibrate an update run of the size the loop makes.
    durations, commit_windows = [], []
    for _ in range(2):
        corpus.mutate(args.kill_scale)
        secs, commit_at, rc, err = timed_index_run(index_dir, corpus)
        n, _ = index_stats(index_dir)
        if rc != 0 or n != corpus.count():
            problem("calibration", f"update run exit {rc} ({first_line(err)}), {n} documents, "
                    f"expected {corpus.count()}")
        durations.append(secs)
        if commit_at is not None:
            commit_windows.append(secs - commit_at)
        committed, committed_ids = n, corpus.ids()
    T = max(durations)
    window = max(commit_windows) if commit_windows else 0.3 * T
    log(f"kill -9: an update run takes {T:.2f} s, its commit (first .col/.toc file to exit) "
        f"{window:.2f} s")

    deadline = time.monotonic() + args.kill_budget
    max_iter = args.kills * 3
    search_word = None
    while res["kills"] < args.kills + 1 and res["iterations"] < max_iter and time.monotonic() < deadline:
        res["iterations"] += 1
        it = res["iterations"]
        # the document count must change, so before/after are distinguishable
        what = corpus.mutate(args.kill_scale)
        while corpus.count() == committed:
            corpus.add_txt(1, sub="txt/")
            what += "+add_txt"
        after, after_ids = corpus.count(), corpus.ids()
        added, removed = sorted(after_ids - committed_ids), sorted(committed_ids - after_ids)
        mode = rng.choices(["spread", "tail", "commit", "toc"], weights=[4, 2, 3, 1])[0]
        before_listing = _listing(index_dir)
        proc = _spawn(CLI + ["index", "--quiet", "--index", str(index_dir), str(corpus.folder)],
                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        t0 = time.monotonic()
        if mode == "spread":
            at = rng.uniform(0.03, 1.0) * T
        elif mode == "tail":
            at = rng.uniform(0.8, 1.0) * T
        else:
            at = None
        commit_seen = None
        limit_t = t0 + 3 * T + 30
        while proc.poll() is None and time.monotonic() < limit_t:
            now = time.monotonic() - t0
            if at is None and commit_seen is None:
                ph = _phase(before_listing, _listing(index_dir))
                if mode == "commit" and ph != "indexing":
                    commit_seen = now
                    at = now + rng.uniform(0, window)
                elif mode == "toc" and ph == "after-toc":  # between the new toc and kavosh.json
                    at = now + rng.uniform(0, 0.02)
            if at is not None and now >= at:
                break
            time.sleep(0.002)
        phase = _phase(before_listing, _listing(index_dir))
        killed = False
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)  # our own child
            killed = True
        proc.wait()
        errtext = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
        _reap(proc)
        elapsed = time.monotonic() - t0
        if killed:
            res["kills"] += 1
            res["phases"][phase] += 1
            if phase != "indexing":
                res["during_commit"] += 1
        else:
            res["finished_before_kill"] += 1
            if proc.returncode != 0:
                problem(f"run {it}", f"index run exited {proc.returncode}: {first_line(errtext)}")

        n, r = index_stats(index_dir)
        state = "?"
        before_n = committed
        if n is None:
            res["failed_recoveries"] += 1
            problem(f"run {it} ({mode}, killed at {elapsed:.2f} s, {phase})",
                    f"stats exit {r.returncode}: {first_line(r.stderr or r.stdout)}")
        else:
            state = "before" if n == committed else "after" if n == after else "partial"
            sample_ok = True
            if state in ("before", "after") and (added or removed):
                pick = [(d, True) for d in rng.sample(added, min(1, len(added)))] + \
                       [(d, False) for d in rng.sample(removed, min(1, len(removed)))]
                for doc_id, is_added in pick:
                    present = show_exists(index_dir, doc_id)
                    want = is_added if state == "after" else not is_added
                    if present is None:
                        res["failed_recoveries"] += 1
                        problem(f"run {it}", f"`kavosh show {doc_id!r}` crashed")
                    elif present != want:
                        sample_ok = False
                        problem(f"run {it} partial", f"count says {state!r} but {doc_id!r} is "
                                f"{'present' if present else 'absent'}")
            if state == "partial" or not sample_ok:
                res["partial"] += 1
                if state == "partial":
                    problem(f"run {it} partial ({mode}, killed at {elapsed:.2f} s, {phase})",
                            f"{n} documents; before {committed}, after {after}")
            if search_word is None:
                search_word = next(iter(corpus.jsonl.values()))[0]["title"].split()[0]
            s = cli("search", "--json", "--index", index_dir, search_word, timeout=60)
            if s.returncode != 0:
                res["failed_recoveries"] += 1
                problem(f"run {it}", f"search exit {s.returncode}: {first_line(s.stderr)}")
        # Recovery: the same update, run to completion, must give exactly the new state.  It
        # also keeps every killed run the calibrated size (pending changes do not pile up)
        # and re-measures the run, so the kill points stay spread over the whole of it.
        secs, commit_at, rc, err = timed_index_run(index_dir, corpus)
        n2, r2 = index_stats(index_dir)
        recovered = rc == 0 and n2 == after
        if not recovered:
            res["failed_recoveries"] += 1
            problem(f"run {it} recovery", f"index exit {rc} ({first_line(err)}), {n2} documents, "
                    f"expected {after}")
        elif state == "before":  # the recovery redid the whole update: a fresh measurement
            # (the median of the last few: a run that merges segments can take 10x longer)
            durations.append(secs)
            T = sorted(durations[-5:])[len(durations[-5:]) // 2]
            if commit_at is not None:
                commit_windows.append(secs - commit_at)
                window = sorted(commit_windows[-5:])[len(commit_windows[-5:]) // 2]
        committed, committed_ids = (after, after_ids) if n2 == after else (n2 or committed, committed_ids)
        log(f"kill -9: run {it:>2}: {what:<40} {'killed' if killed else 'finished'} "
            f"at {elapsed:5.2f} s ({mode:<6} {phase:<9}) -> {n} docs = {state} "
            f"(before {before_n}, after {after}); recovery run {secs:.2f} s -> {n2}"
            f"{'' if recovered else ' FAILED'}")

    log("kill -9: final run to completion")
    rr = cli("index", "--quiet", "--index", index_dir, corpus.folder, timeout=600)
    if rr.returncode != 0:
        res["failed_recoveries"] += 1
        problem("final run", f"exit {rr.returncode}: {first_line(rr.stderr)}")
    n, r = index_stats(index_dir)
    want = corpus.count()
    if n is None:
        res["failed_recoveries"] += 1
        problem("final stats", first_line(r.stderr))
    elif n != want:
        res["lost"] += max(0, want - n)
        problem("final count", f"{n} documents in the index, {want} in the corpus")
    ids = sorted(corpus.ids())
    sample = rng.sample(ids, min(args.kill_sample, len(ids)))
    missing = [d for d in sample if show_exists(index_dir, d) is not True]
    if missing:
        lost_est = round(len(missing) / len(sample) * len(ids))
        res["lost"] = max(res["lost"], lost_est)
        problem("final ids", f"{len(missing)} of {len(sample)} sampled ids missing, e.g. {missing[:3]}")
    res["final"] = f"{n} of {want} documents; {len(sample) - len(missing)}/{len(sample)} sampled ids found"
    res["run_seconds"] = T
    log(f"kill -9: final: {res['final']}")
    return res


# --- the server ------------------------------------------------------------------------------


class Server:
    """`kavosh serve --port 0` on 127.0.0.1; its stderr (tracebacks) goes to a log file."""

    def __init__(self, index_dir: Path, threads: int, logdir: Path, quiet: bool = False):
        self.log_path = Path(tempfile.mktemp(prefix="serve-", suffix=".log", dir=logdir))
        self.log_fh = open(self.log_path, "wb")
        self.proc = _spawn(CLI + ["serve", "--host", "127.0.0.1", "--port", "0", "--threads", str(threads),
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
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        _reap(self.proc)
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


# --- part 2: live server under a writer -----------------------------------------------------


def title_words(corpus: Corpus) -> dict[str, list[str]]:
    words = {"fa": [], "ar": []}
    for arts in corpus.jsonl.values():
        for a in arts:
            lang = a.get("lang") if a.get("lang") in words else None
            ws = [w.strip("«»،؛:.!؟?()\"'") for w in a["title"].split()]
            ws = [w for w in ws if len(w) >= 3 and re.fullmatch(r"[\u0600-\u06ff\u200c]+", w)]
            if lang and ws:
                words[lang].append(ws)
    return words


def part_live(args, pool: Pool, rng: random.Random, work: Path) -> dict:
    corpus = build_corpus(work / "corpus", pool, rng, args.live_docs, probes=True, stable=True)
    index_dir = work / "index"
    log(f"live server: indexing {corpus.count()} documents")
    r = cli("index", "--quiet", "--index", index_dir, corpus.folder, timeout=900)
    if r.returncode != 0:
        raise RuntimeError(f"live server: index failed: {first_line(r.stderr)}")
    stable_ids = corpus.ids()
    titles = {a["id"]: a["title"].strip() for name in corpus.stable if name in corpus.jsonl
              for a in corpus.jsonl[name]}
    probe = {k: v for k, v in corpus.probe_groups.items() if k != "_all"}
    words = title_words(corpus)
    server = Server(index_dir, args.server_threads, work)
    host, port = "127.0.0.1", server.port

    def probe_query(q_rng):
        a1, a2 = q_rng.sample([k for k in probe if k.startswith("kvpa")], 2)
        b = q_rng.choice([k for k in probe if k.startswith("kvpb")])
        kind = q_rng.randrange(5)
        if kind == 0:
            return a1, probe[a1]
        if kind == 1:
            return f"{a1} {b}", probe[a1] & probe[b]
        if kind == 2:
            return f"{a1} OR {a2}", probe[a1] | probe[a2]
        if kind == 3:
            return f"{a1} -{b}", probe[a1] - probe[b]
        a3 = q_rng.choice([k for k in probe if k.startswith("kvpa") and k not in (a1, a2)])
        return f"({a1} OR {a2} OR {a3}) NOT {b}", (probe[a1] | probe[a2] | probe[a3]) - probe[b]

    # The probe queries, asked once each on the quiet server first.  An answer that differs
    # from the construction there is a deterministic bug (reported as such); under load an
    # answer must equal the quiet one, else it is a wrong answer caused by concurrency.
    p_rng = random.Random(args.seed + 5)
    A = sorted(k for k in probe if k.startswith("kvpa"))
    B = sorted(k for k in probe if k.startswith("kvpb"))
    probe_set = {a: probe[a] for a in A}
    for a in A:
        for b in B:
            probe_set[f"{a} {b}"] = probe[a] & probe[b]
            probe_set[f"{a} -{b}"] = probe[a] - probe[b]
    while len(probe_set) < len(A) * (1 + 2 * len(B)) + 60:
        q, expect = probe_query(p_rng)
        probe_set[q] = expect
    probe_list = sorted(probe_set)
    quiet, oracle_bad, deterministic = {}, [], []
    for q in probe_list:
        st, body, _ = http_get(host, port, "/api/search?" + urlencode({"q": q, "exact": 1, "limit": 100}))
        got = json.loads(body) if st == 200 else {}
        ids = {h["id"] for h in got.get("hits", [])}
        quiet[q] = (got.get("total"), frozenset(ids))
        expect = probe_set[q]
        if got.get("total") != len(expect) or not ids <= expect or (len(expect) <= 100 and ids != expect):
            deterministic.append(f"{q!r}: total {got.get('total')} (want {len(expect)}), "
                                 f"{len(ids)} hits, {len(ids - expect)} outside the answer")
    if deterministic:
        loud(f"live server: {len(deterministic)} of {len(probe_list)} probe queries are wrong on the "
             f"quiet server, e.g. {deterministic[0]}")
    check_titles = True
    for doc_id in sorted(titles)[:5]:
        st, body, _ = http_get(host, port, "/doc/" + quote(doc_id, safe=""))
        if st != 200 or str(escape(titles[doc_id])).encode() not in body:
            check_titles = False
            oracle_bad.append(f"/doc/{doc_id}: {st}, title not found; /doc pages not checked")
    if oracle_bad:
        loud(f"live server: the probe oracle does not hold on a quiet server: {oracle_bad}")

    stop = threading.Event()
    deadline = time.monotonic() + args.seconds
    writer_starts = time.monotonic() + args.seconds / 3
    lock = threading.Lock()
    stats = {"requests": 0, "non2xx": 0, "5xx": 0, "transport": 0, "wrong": 0, "by_kind": Counter(),
             "statuses": Counter(), "bodies": Counter(), "wrong_examples": [], "transport_examples": [],
             "latencies": [], "doc_ids": list(rng.sample(sorted(titles), 50)),
             "phase": {"readers only": Counter(), "with the writer": Counter()}}

    def pick_path(q_rng):
        kind = q_rng.choices(["search", "page", "doc", "suggest", "healthz", "probe"],
                             weights=[40, 12, 12, 12, 4, 20])[0]
        lang = q_rng.choice(["fa", "ar"])
        ws = q_rng.choice(words[lang])
        expect = None
        if kind in ("search", "page"):
            form = q_rng.randrange(6)
            if form == 0:
                q = q_rng.choice(ws)
            elif form == 1:
                q = " ".join(q_rng.sample(ws, min(2, len(ws))))
            elif form == 2:
                q = '"' + " ".join(ws[:3]) + '"'
            elif form == 3:
                q = q_rng.choice(ws)[:3] + "*"
            elif form == 4:
                q = q_rng.choice(ws) + " OR " + q_rng.choice(q_rng.choice(words["ar" if lang == "fa" else "fa"]))
            else:
                q = " ".join(ws[:4])
            params = {"q": q}
            if q_rng.random() < 0.2:
                params["mode"] = "any"
            if q_rng.random() < 0.1:
                params["lang"] = lang
            if q_rng.random() < 0.1:
                params["exact"] = 1
            return kind, ("/api/search?" if kind == "search" else "/?") + urlencode(params), q
        if kind == "probe":
            q = q_rng.choice(probe_list)
            return kind, "/api/search?" + urlencode({"q": q, "exact": 1, "limit": 100}), (q, quiet[q])
        if kind == "doc":
            with lock:
                doc_id = q_rng.choice(stats["doc_ids"])
            return kind, "/doc/" + quote(doc_id, safe=""), doc_id
        if kind == "suggest":
            w = q_rng.choice(ws)
            return kind, "/api/suggest?" + urlencode({"q": w[: q_rng.randint(2, len(w))]}), None
        return kind, "/healthz", None

    def reader(i):
        q_rng = random.Random(args.seed * 1000 + i)
        conn = None
        local_lat = []
        while not stop.is_set() and time.monotonic() < deadline:
            kind, path, extra = pick_path(q_rng)
            t = time.perf_counter()
            try:
                status, body, conn = http_get(host, port, path, timeout=30, conn=conn or
                                              http.client.HTTPConnection(host, port, timeout=30))
            except (OSError, http.client.HTTPException) as exc:
                conn = None
                with lock:
                    stats["transport"] += 1
                    stats["requests"] += 1
                    stats["non2xx"] += 1
                    if len(stats["transport_examples"]) < 5:
                        stats["transport_examples"].append(f"{kind} {path[:80]}: {type(exc).__name__}: {exc}")
                continue
            dt = time.perf_counter() - t
            local_lat.append(dt)
            wrong = None
            if status == 200 and kind in ("search", "probe"):
                try:
                    j = json.loads(body)
                    if kind == "search" and j.get("query") != extra:
                        wrong = f"asked {extra!r}, the answer is for {j.get('query')!r}"
                    elif kind == "probe":
                        q, (q_total, q_ids) = extra
                        ids = frozenset(h["id"] for h in j["hits"])
                        if j.get("query") != q or j["total"] != q_total or ids != q_ids:
                            wrong = (f"{q!r}: total {j['total']} (quiet server: {q_total}), "
                                     f"{len(ids - q_ids)} hits not in the quiet answer, "
                                     f"{len(q_ids - ids)} missing, query echoed {j.get('query')!r}")
                    if kind == "search" and j.get("hits"):
                        new = [h["id"] for h in j["hits"] if h["id"] in titles]
                        if new:
                            with lock:
                                stats["doc_ids"].append(q_rng.choice(new))
                                if len(stats["doc_ids"]) > 500:
                                    del stats["doc_ids"][:100]
                except (ValueError, KeyError, TypeError) as exc:
                    wrong = f"unreadable JSON ({exc})"
            elif status == 200 and kind == "doc" and check_titles:
                if str(escape(titles[extra])).encode() not in body:
                    wrong = f"/doc/{extra}: the page does not show its title {titles[extra][:40]!r}"
            phase = "readers only" if time.monotonic() < writer_starts else "with the writer"
            with lock:
                ph = stats["phase"][phase]
                ph["requests"] += 1
                ph["non-2xx"] += not 200 <= status < 300
                ph["wrong"] += bool(wrong)
                stats["requests"] += 1
                stats["by_kind"][kind] += 1
                stats["statuses"][status] += 1
                if not 200 <= status < 300:
                    stats["non2xx"] += 1
                    if status >= 500:
                        stats["5xx"] += 1
                    stats["bodies"][f"{status} {kind}: {body_summary(body)}"] += 1
                if wrong:
                    stats["wrong"] += 1
                    if len(stats["wrong_examples"]) < 5:
                        stats["wrong_examples"].append(wrong)
        with lock:
            stats["latencies"].extend(local_lat)

    writer_stats = {"runs": 0, "rebuilds": 0, "failed": 0, "errors": Counter(), "seconds": []}

    def writer():
        w_rng = random.Random(args.seed + 7)
        n = 0
        stop.wait(max(0.0, writer_starts - time.monotonic()))  # first a readers-only phase
        while not stop.is_set() and time.monotonic() < deadline - 1:
            n += 1
            corpus.mutate(args.live_scale)
            rebuild = n % args.rebuild_every == 0
            t = time.monotonic()
            r = cli("index", "--quiet", "--index", index_dir, *(["--rebuild"] if rebuild else []),
                    corpus.folder, timeout=600)
            writer_stats["seconds"].append(time.monotonic() - t)
            if r.returncode == 0:
                writer_stats["runs"] += 1
                writer_stats["rebuilds"] += rebuild
            else:
                writer_stats["failed"] += 1
                writer_stats["errors"][first_line(r.stderr)] += 1
            stop.wait(w_rng.uniform(0.2, 1.0))

    log(f"live server: {args.readers} readers for {args.seconds:.0f} s; from {args.seconds / 3:.0f} s on, "
        f"a writer looping `kavosh index`")
    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(args.readers)]
    wt = threading.Thread(target=writer, daemon=True)
    started = time.monotonic()
    for t in threads:
        t.start()
    wt.start()
    try:
        while time.monotonic() < deadline and any(t.is_alive() for t in threads):
            time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(40)
        wt.join(600)
    elapsed = time.monotonic() - started
    lat = sorted(stats["latencies"])
    stats.update(p50=percentile(lat, 50) * 1000, p99=percentile(lat, 99) * 1000,
                 max=(lat[-1] * 1000 if lat else 0), elapsed=elapsed, writer=writer_stats,
                 server_errors=server.errors(), oracle_bad=oracle_bad, deterministic=deterministic,
                 probes=len(probe_list))
    stats["writer"]["mean_s"] = (sum(writer_stats["seconds"]) / len(writer_stats["seconds"])
                                 if writer_stats["seconds"] else 0)
    server.close()
    stats["index_dir"], stats["corpus"] = index_dir, corpus
    del stats["latencies"], stats["doc_ids"]
    return stats


# --- part 3: fuzzed queries -------------------------------------------------------------------

FA_COMMON = ("از به در که این را با است برای آن یک خود تا کرد بر هم نیز شده شد می ما اما یا "
             "دارد باید او ایران سال گفت روز کشور دولت مردم").split()
AR_COMMON = ("في من على إلى أن عن مع هذا التي الذي كان قد لا ما هو هي بين كل بعد عند حتى "
             "المملكة السعودية وزير الملك").split()
DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0654"
CONTROL = [chr(c) for c in list(range(1, 32)) + [127, 0x85]] + ["\u2028", "\u2029", "\ufeff", "\ufffe"]
RTL = ["\u200f", "\u200e", "\u202e", "\u202b", "\u202c", "\u2066", "\u2067", "\u2069", "\u061c"]
EMOJI = ["🙂", "🇮🇷", "👨‍👩‍👧", "🔥", "🤔🏽", "\U0001f9ff"]
DIGITS = ["۱۴۰۳", "١٤٤٥", "2024", "۱۲٣4", "۳.۵", "٣٫٥", "10,000", "۱۰٬۰۰۰"]
OPS = ["OR", "AND", "NOT", "-", "--", "|", "(", ")", '"', "OR OR", "NOT NOT", "-(", '-"', "AND AND"]


def fuzz_cases(n: int, rng: random.Random, words: list[str]) -> list[tuple[str, bytes]]:
    """``n`` (category, raw query bytes); a str query is encoded with surrogatepass, so lone
    surrogates become the invalid UTF-8 bytes a terminal or browser would send."""

    def w():
        return rng.choice(words)

    def enc(s):
        return s.encode("utf-8", "surrogatepass")

    gens = {}

    def gen(name):
        def deco(f):
            gens[name] = f
            return f
        return deco

    @gen("nesting")
    def _():
        depth = rng.choice([10, 50, 100, 200, 300, 320, 330, 340, 400, 490, 499, 500, 800, 999, 2000, 5000])
        close = rng.choice([depth, 0, depth // 2, depth + 3])
        inner = rng.choice([w(), f"{w()} OR {w()}", f'"{w()} {w()}"', "-" + w(), ""])
        return enc("(" * depth + inner + ")" * close)[: rng.choice([990, 1000, 10_000, 20_000])]

    @gen("nesting-mixed")
    def _():
        depth = rng.choice([100, 300, 330, 400, 499])
        return enc("".join(rng.choice(["(", "-(", "NOT (", "(" + w() + " "]) for _ in range(depth)) + w())

    @gen("quotes")
    def _():
        return enc(rng.choice(['"', '""', '"' * rng.randint(3, 999), f'"{w()}', f'{w()}"', f'"{w()} "{w()}"',
                               f'"{w()} ({w()}"', f'""{w()}""', '" "', f'title:"{w()}', f'-"{w()}']))

    @gen("parens")
    def _():
        return enc(rng.choice([")" * rng.randint(1, 999), "(", "()", "(()", ")(", f") {w()} (",
                               f"({w()} OR", f"(OR {w()})", "( ) ( )", f"{w()})))" + "(" * 50]))

    @gen("long")
    def _():
        target = rng.choice([999, 1000, 1001, 1500, 5000, 50_000])
        s = ""
        while len(s) < target:
            s += w() + " "
        return enc(s[:target])

    @gen("operators")
    def _():
        return enc(" ".join(rng.choice(OPS + [w()]) for _ in range(rng.randint(1, 40))))

    @gen("fields")
    def _():
        return enc(rng.choice(["title:", "body:", "title:title:" + w(), "TITLE:" + w(), "title:*", 'body:"',
                               f"title:({w()} OR {w()})", "foo:bar", f"body:-{w()}", "title:" + w() + "*",
                               ":", "::", f"title: {w()}", "title:\u200c", f"-title:{w()} {w()}",
                               "title:" * rng.randint(2, 200)]))

    @gen("wildcards")
    def _():
        return enc(rng.choice(["*", "a*", "**", "?*?", "پ*", "ا*", "ال*", "م*", "*ان", "?", "??", "???*",
                               "w?rd", "په*", "*a*", "*" * rng.randint(2, 500), "?" * rng.randint(2, 500),
                               f"{w()[:2]}*", f"{w()[:1]}*", f"*{w()}", f"{w()}* {w()[:2]}*",
                               " ".join(f"{w()[:2]}*" for _ in range(rng.randint(2, 30))),
                               "title:ا*", f'"{w()[:2]}* {w()}"', "ب?*", "ی*", "ك*", "0*", "۱*"]))

    @gen("many-words")
    def _():
        k = rng.choice([50, 100, 150, 200, 300])
        pool = FA_COMMON + AR_COMMON + words[:200]
        sep = rng.choice([" ", " OR ", " "])
        return enc(sep.join(rng.choice(pool) for _ in range(k))[: rng.choice([1000, 999, 3000])])

    @gen("stopwords")
    def _():
        return enc(" ".join(rng.sample(FA_COMMON[:16] + AR_COMMON[:16], rng.randint(1, 12))))

    @gen("mixed-scripts")
    def _():
        parts = [w(), "Москва", "北京", "δοκιμή", "test", "ᚠᚢᚦ", "हिन्दी", "עברית", "ܐܪܡܝܐ", "ߒߞߏ"]
        return enc(rng.choice(["", " "]).join(rng.sample(parts, rng.randint(2, len(parts)))))

    @gen("digits")
    def _():
        return enc(" ".join(rng.sample(DIGITS, rng.randint(1, 4))) + rng.choice(["", " " + w(), "*"]))

    @gen("diacritics")
    def _():
        base = w()
        return enc(rng.choice([
            "".join(c + rng.choice(DIACRITICS) for c in base),
            "".join(rng.choice(DIACRITICS) for _ in range(rng.randint(1, 300))),
            base + DIACRITICS * rng.randint(1, 50),
            "ـ" * rng.randint(1, 200), base + "ـ" * 50 + base]))

    @gen("zwnj")
    def _():
        z = "\u200c"
        return enc(rng.choice([z, z * rng.randint(2, 500), z + w(), w() + z, f"{w()}{z}{w()}",
                               f"{w()}{z}{z}{z}{w()}", f'"{w()}{z}"', f"{w()[:2]}{z}*", "\u200d" * 5 + w()]))

    @gen("control")
    def _():
        return enc("".join(rng.choice(CONTROL + [w(), " "]) for _ in range(rng.randint(1, 20))))

    @gen("surrogates")
    def _():
        s = rng.choice(["\ud800", "\udfff", "\udc80", "\ud83d", "\ud800\udc00x"])
        return enc(rng.choice([s, w() + s, s + w(), f'"{w()}{s}"', s * 20]))

    @gen("invalid-utf8")
    def _():
        bad = rng.choice([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe0\x80", b"\xfe\xfe", b"\x80" * 10,
                          b"\xf4\x90\x80\x80"])
        return rng.choice([bad, enc(w()) + bad, bad + b" " + enc(w()), enc(w()) + bad + enc(w())])

    @gen("nul")
    def _():
        return enc(rng.choice(["\x00", w() + "\x00", "\x00" + w() + "\x00" + w(), "\x00" * 50]))

    @gen("emoji")
    def _():
        return enc(rng.choice(["", w() + " "]) + "".join(rng.sample(EMOJI, rng.randint(1, 4))) +
                   rng.choice(["", "*", " " + w()]))

    @gen("rtl-marks")
    def _():
        return enc("".join(rng.choice(RTL) for _ in range(rng.randint(1, 10))) + rng.choice(["", w()]) +
                   rng.choice(RTL))

    @gen("long-word")
    def _():
        ch = rng.choice(["پ", "a", "ب", "۱", "ي", "\u200c", "x" + "ّ"])
        return enc(ch * rng.choice([100, 500, 999, 1000, 1001, 3000]))

    @gen("odd-space")
    def _():
        sp = rng.choice(["\u00a0", "\u2003", "\u3000", "\t", "\n", "\r\n", "\u200b", "\u180e"])
        return enc(sp.join([w(), w()]) + rng.choice(["", sp * 30]))

    @gen("combo")
    def _():
        picks = [name for name in gens if name not in ("combo", "long", "many-words", "long-word")]
        return b" ".join(gens[rng.choice(picks)]() for _ in range(rng.randint(2, 4)))[:2000]

    # Queries of hundreds of real words are slow on today's code (tens of seconds each, past
    # any limit); a small share of them finds that without the run lasting an hour.
    names = list(gens)
    weights = [HEAVY_WEIGHT if name in HEAVY else 1.0 for name in names]
    out = []
    for i in range(n):
        name = names[i % len(names)] if i < 2 * len(names) else rng.choices(names, weights)[0]
        out.append((name, gens[name]()))
    return out


HEAVY = ("long", "many-words", "long-word")
HEAVY_WEIGHT = 0.05


def shown(raw: bytes, n=120) -> str:
    s = raw.decode("utf-8", "surrogateescape")
    r = repr(s)
    return r if len(r) <= n else f"{r[:n]}…' ({len(s)} chars)"


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
        _workers.append(self.proc)

    def run(self, q: str, timeout: float):
        """(exit code, traceback description or None, seconds) or None after ``timeout``."""
        self.conn.send(q)
        if self.conn.poll(timeout):
            return self.conn.recv()
        self.proc.kill()  # our own child
        self.proc.join(10)
        _workers.remove(self.proc)
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
        if self.proc in _workers:
            _workers.remove(self.proc)


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


# --- main -------------------------------------------------------------------------------------


def fmt(n):
    return f"{n:,}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a 1–2 minute run for development")
    ap.add_argument("--corpus", type=Path, default=Path("/work/shared/corpora"),
                    help="folder of news-fa.jsonl.gz and news-ar.jsonl.gz")
    ap.add_argument("--kills", type=int, default=None, help="kill -9 count (default 20; quick 5)")
    ap.add_argument("--queries", type=int, default=None, help="fuzzed queries (default 2000; quick 300)")
    ap.add_argument("--seconds", type=float, default=None, help="live-server load (default 60; quick 20)")
    ap.add_argument("--readers", type=int, default=8, help="reader threads (default 8)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--parts", default="kill,live,fuzz", help="comma-separated subset to run")
    args = ap.parse_args(argv)
    q = args.quick
    args.kills = args.kills if args.kills is not None else (5 if q else 20)
    args.queries = args.queries if args.queries is not None else (300 if q else 2000)
    args.seconds = args.seconds if args.seconds is not None else (20 if q else 60)
    if not (1 <= args.kills <= 500 and 1 <= args.queries <= 50_000 and 1 <= args.seconds <= 1800
            and 1 <= args.readers <= 64):
        ap.error("out of bounds: --kills 1–500, --queries 1–50000, --seconds 1–1800, --readers 1–64")
    args.kill_docs = 600 if q else 1500
    args.kill_scale = 200 if q else 300
    args.kill_sample = 40 if q else 150
    args.kill_budget = 240 if q else 900
    args.live_docs = 600 if q else 2000
    args.live_scale = 60
    args.rebuild_every = 5
    args.server_threads = 4
    args.fuzz_budget = 150 if q else 800
    args.cli_timeout = OVER_LIMIT
    args.cli_subprocess = 40 if q else 200
    parts = set(args.parts.split(","))

    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    signal.signal(signal.SIGTERM, _on_signal)
    atexit.register(cleanup)
    rng = random.Random(args.seed)
    need = (args.kill_docs + args.kills * args.kill_scale + 3 * args.kill_scale if "kill" in parts else 0) + \
           (args.live_docs + 40 * args.live_scale if parts & {"live", "fuzz"} else 0)
    log(f"reading articles from {args.corpus} (seed {args.seed})")
    articles = load_articles(args.corpus, need // 2 + 500, rng)
    pool = Pool(articles)
    log(f"{len(articles['fa'])} Persian + {len(articles['ar'])} Arabic articles sampled")
    summary = []
    kill = live = fuzz = None
    try:
        if "kill" in parts:
            kill = part_kill(args, pool, random.Random(args.seed + 11))
        work = tmpdir("kavosh-rel-live-")
        if parts & {"live", "fuzz"}:
            if "live" in parts:
                live = part_live(args, pool, random.Random(args.seed + 22), work)
                index_dir, corpus = live["index_dir"], live["corpus"]
            else:
                corpus = build_corpus(work / "corpus", pool, rng, args.live_docs)
                index_dir = work / "index"
                cli("index", "--quiet", "--index", index_dir, corpus.folder, timeout=900)
            if "fuzz" in parts:
                fuzz = part_fuzz(args, random.Random(args.seed + 33), index_dir, corpus, work)
    except KeyboardInterrupt:
        loud("interrupted; cleaning up")
        cleanup()
        return 130
    finally:
        cleanup()

    print("\n" + "=" * 100)
    print(f"Kavosh reliability benchmark (seed {args.seed}{', --quick' if q else ''}; "
          f"{time.monotonic() - START:.0f} s; {os.cpu_count()} CPUs; "
          f"git {subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT, capture_output=True, text=True).stdout.strip()})")
    print("=" * 100)
    if kill:
        print(f"\n-- kill -9 loop ({kill['iterations']} update runs of ~{kill.get('run_seconds', 0):.1f} s; "
              f"{kill['finished_before_kill']} finished before their kill)")
        print(f"   kills by phase: {dict(kill['phases'])}")
        print(f"   killed first run, then `kavosh stats`: {kill['first_run_kill']}")
        if "incompatible" in kill["first_run_kill"]:
            print("   !!! misleading: a first run killed before its end leaves a folder that reads as "
                  "'written by an incompatible Kavosh version' (whoosh wrote an empty index, kavosh.json "
                  "comes last); `kavosh index` without --rebuild does recover it")
        print(f"   final: {kill.get('final')}")
        for p in kill["problems"][:15]:
            print(f"   !!! {p}")
        summary.append(f"kill -9: {kill['kills']} kills ({kill['during_commit']} during commit) / "
                       f"{kill['partial']} partial states / {kill['lost']} documents lost / "
                       f"{kill['failed_recoveries']} failed recoveries")
    if live:
        w = live["writer"]
        print(f"\n-- live server ({args.readers} readers, {live['elapsed']:.0f} s; "
              f"requests by kind {dict(live['by_kind'])})")
        print(f"   statuses {dict(sorted(live['statuses'].items()))}; transport errors {live['transport']}")
        for name, ph in live["phase"].items():
            print(f"   {name + ':':<17} {ph['requests']:>6} requests, {ph['non-2xx']:>6} non-2xx, "
                  f"{ph['wrong']:>4} wrong answers")
        print(f"   writer: {w['runs']} `kavosh index` runs completed ({w['rebuilds']} --rebuild), "
              f"{w['failed']} failed, {w['mean_s']:.1f} s each")
        for e, n in w["errors"].most_common(3):
            print(f"   !!! writer failure ×{n}: {e}")
        for body, n in live["bodies"].most_common(6):
            print(f"   !!! ×{n:<6} {body}")
        for e, n in live["server_errors"].most_common(5):
            print(f"   !!! server log ×{n:<6} {e}")
        for e in live["wrong_examples"]:
            print(f"   !!! wrong answer under concurrency: {e}")
        if live["deterministic"]:
            print(f"   !!! {len(live['deterministic'])} of {live['probes']} probe queries are wrong even on the "
                  f"quiet server (a deterministic bug, not counted as concurrency), e.g.:")
            for e in live["deterministic"][:4]:
                print(f"       {e}")
        for e in live["transport_examples"]:
            print(f"   !!! transport: {e}")
        if live["oracle_bad"]:
            print(f"   !!! probe oracle did not hold on the quiet server: {live['oracle_bad']}")
        summary.append(f"live server: {fmt(live['requests'])} requests / {fmt(live['non2xx'])} non-2xx "
                       f"({fmt(live['5xx'])} 5xx) / {fmt(live['wrong'])} wrong answers under concurrency "
                       f"(+{len(live['deterministic'])} probe queries wrong when quiet) / {w['runs']} index runs "
                       f"/ p50 {live['p50']:.0f} ms p99 {live['p99']:.0f} ms")
    if fuzz:
        print(f"\n-- fuzz ({fuzz['queries']} queries in {len(fuzz['categories'])} categories; HTTP statuses "
              f"{dict(sorted(fuzz['statuses'].items()))}; CLI exits {dict(fuzz['exit_codes'])})")
        by = Counter(c.split(" ")[0] for c, *_ in fuzz["cli_tb"])
        if fuzz["cli_tb"]:
            print(f"   CLI tracebacks: {len(fuzz['cli_tb'])} (by category {dict(by)}); distinct errors:")
            firsts = {}
            for cat, raw, err in fuzz["cli_tb"]:
                key = re.sub(r"\d+", "N", err)[:80]
                firsts.setdefault(key, (cat, raw, err, 0))
                c, r_, e, k = firsts[key]
                firsts[key] = (c, r_, e, k + 1)
            for cat, raw, err, k in list(firsts.values())[:10]:
                print(f"   !!! ×{k:<4} {err}\n            [{cat}] {shown(raw)}")
        if fuzz["http_5xx"]:
            by = Counter(c for c, *_ in fuzz["http_5xx"])
            print(f"   HTTP 5xx: {len(fuzz['http_5xx'])} (by category {dict(by)}); first few:")
            seen = set()
            for cat, raw, path, status, body in fuzz["http_5xx"]:
                if (cat, path) in seen:
                    continue
                seen.add((cat, path))
                print(f"   !!! {status} {path} [{cat}] {shown(raw)}")
                if len(seen) >= 10:
                    break
            for e, n in fuzz["server_errors"].most_common(6):
                print(f"   !!! server log ×{n:<5} {e}")
        over_reqs = {(c, r, p): (c, r, p, dt, took, note)
                     for c, r, p, dt, took, note in fuzz["not_timed_out"] + fuzz["over"]}
        if over_reqs:
            by = Counter(c for c, *_ in over_reqs.values())
            print(f"   over the limit: {len(over_reqs)} requests (wall > {OVER_LIMIT:.0f} s: {len(fuzz['over'])}, "
                  f"of which no answer within {OVER_LIMIT + 0.3:.1f} s: "
                  f"{sum(1 for x in fuzz['over'] if x[5] == 'no answer')}, of which /?q= inferred from "
                  f"/api/search: {sum(1 for x in fuzz['over'] if x[5].startswith('inferred'))}; "
                  f"took_ms > {TIME_LIMIT:.0f} s "
                  f"with timed_out false: {len(fuzz['not_timed_out'])}) by category {dict(by)}; "
                  f"server replaced {fuzz['restarts']} times")
            seen = set()
            for cat, raw, path, dt, took, note in sorted(over_reqs.values(), key=lambda x: -x[3]):
                if (cat, path.split("?")[0]) in seen:
                    continue
                seen.add((cat, path.split("?")[0]))
                print(f"   !!! {dt:5.2f} s wall" + (f", took_ms {took * 1000:,.0f}" if took else "") +
                      f" ({note})  {path.split('?')[0]} [{cat}] {shown(raw)}")
                if len(seen) >= 14:
                    break
        for cat, raw, path, err in fuzz["transport"][:5]:
            print(f"   !!! transport {err} {path} [{cat}] {shown(raw)}")
        if fuzz["cli_killed"]:
            by = Counter(c for c, _ in fuzz["cli_killed"])
            print(f"   CLI queries stopped after {args.cli_timeout:.0f} s (the CLI has no time limit; not counted "
                  f"as failures): {len(fuzz['cli_killed'])} by category {dict(by)}")
            for cat, raw in fuzz["cli_killed"][:3]:
                print(f"       [{cat}] {shown(raw)}")
        for dt, cat, raw in fuzz["slow_cli"]:
            print(f"   slowest finished CLI query: {dt:.2f} s [{cat}] {shown(raw)}")
        if fuzz["http"] < fuzz["http_planned"]:
            print(f"   !!! only {fuzz['http']} of {fuzz['http_planned']} HTTP requests sent (time budget)")
        summary.append(f"fuzz: {fmt(fuzz['cli'])} CLI (+{fuzz['cli_sub']} subprocess) + {fmt(fuzz['http'])} HTTP "
                       f"queries / {len(fuzz['cli_tb']) + len(fuzz['http_5xx'])} tracebacks "
                       f"({len(fuzz['cli_tb'])} CLI, {len(fuzz['http_5xx'])} HTTP 5xx) / "
                       f"{len(over_reqs)} over the limit")
    print("\n" + "\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
