"""Part 1: `kavosh index` killed with SIGKILL at random moments, the commit included;
after each kill the index must hold the state before the run or after it."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

from .common import CLI, cli, first_line, index_stats, log, loud, reap, show_exists, spawn, tmpdir
from .working_corpus import Corpus, Pool, build_corpus

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
    proc = spawn(CLI + ["index", "--quiet", "--index", str(index_dir), *extra, str(corpus.folder)],
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
    reap(proc)
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
    proc = spawn(CLI + ["index", "--quiet", "--index", str(first_dir), str(corpus.folder)],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.3, t_first))
    if proc.poll() is None:
        proc.kill()
        res["kills"] += 1
        res["phases"]["first run"] += 1
    proc.wait()
    reap(proc)
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
        proc = spawn(CLI + ["index", "--quiet", "--index", str(index_dir), str(corpus.folder)],
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
        reap(proc)
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
