"""Indexing the news archive: Kavosh beside plain whoosh and tantivy, interleaved.

    python bench/bench_archive.py                   # all 39,611 articles, 3 rounds
    python bench/bench_archive.py --limit 2000 --runs 1 --keep /root/scratch/speed-ix

Each round builds, one after another in fresh scratch folders, (a) Kavosh's
index through the real CLI (``kavosh index --quiet``, the full analysis
chain; one column per ``--procs`` value, by default the single writer and
one analysing process per CPU), (b) a plain
whoosh index of the same fields with a ``\\w+`` analyzer in one process
(bench/plain_baseline.py, the "no Persian/Arabic analysis" column) and (c) a
tantivy index of the same fields (the physical reference; skipped with a
note when ``pip install tantivy`` has not been done in this venv: it is never
a dependency of Kavosh).  Rounds interleave the three, so a load that comes
and goes on a shared machine lands on all columns; the figures are medians,
and the ratios are taken within each round before the median.

CPU seconds are those of the process and every child it waited for
(user + system): on a machine shared with other work, wall time says how
long it took and CPU time what it cost.

Peak RSS is the largest sum of the resident sizes of the indexing process
and its children, sampled every 0.1 s; it counts the pages a forked child
shares with its parent once per process.  Peak PSS (the same sum of
proportional set sizes) counts shared pages once: the memory really used.

``--double``: also index the corpus twice over (the second copy with new
ids) and report the time ratio (scaling; ≤ 2.1 is linear enough).
``--keep DIR``: leave the last Kavosh index in DIR (for bench_queries.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from proc_memory import tree_memory  # noqa: E402  (the process tree's RSS and PSS)
import corpus  # noqa: E402  (bench/corpus.py)
PLAIN_CHILD = r"""
import sys, json
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from plain_baseline import plain_schema, INDEX_NAME, _documents
from whoosh import index as whoosh_index
ix = whoosh_index.create_in(sys.argv[1], plain_schema(), indexname=INDEX_NAME)
w = ix.writer(limitmb=256)
n = 0
for doc in _documents([Path(sys.argv[2])]):
    w.add_document(id=doc.id, title=doc.title, body=doc.body)
    n += 1
w.commit()
print(n)
"""
TANTIVY_CHILD = r"""
import sys
from pathlib import Path
import tantivy
from plain_baseline import _documents
sb = tantivy.SchemaBuilder()
sb.add_text_field("id", stored=True, tokenizer_name="raw")
sb.add_text_field("title", stored=True)
sb.add_text_field("body", stored=True)
ix = tantivy.Index(sb.build(), path=sys.argv[1])
w = ix.writer(heap_size=200_000_000)
n = 0
for doc in _documents([Path(sys.argv[2])]):
    w.add_document(tantivy.Document(id=doc.id, title=doc.title, body=doc.body))
    n += 1
w.commit()
w.wait_merging_threads()
print(n)
"""


def timed(cmd: list[str], env=None) -> dict:
    """Run ``cmd``; wall seconds, peak tree RSS (MB) and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = [0, 0]
    done = threading.Event()

    def sample():
        while not done.wait(0.1):
            rss, pss = tree_memory(proc.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    t.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    maxrss = after.ru_maxrss * 1024
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"seconds": seconds, "cpu_seconds": cpu, "rss_mb": peak[0] / 1e6, "pss_mb": peak[1] / 1e6,
            "child_maxrss_mb": maxrss / 1e6,
            "stdout": out}


def prepare(dest: Path, limit: int | None, copies: int = 1) -> tuple[int, int]:
    """The news corpora as .jsonl under ``dest`` (first ``limit`` per language);
    ``copies`` > 1 repeats them with new ids.  Returns (documents, bytes)."""
    dest.mkdir(parents=True, exist_ok=True)
    docs = size = 0
    where = corpus.folder()
    for lang in corpus.LANGUAGES:
        src = corpus.file_of(where, lang)
        if src is None:
            raise SystemExit(f"corpus not found: news-{lang}.jsonl(.gz) in {where}")
        with open(dest / f"news-{lang}.jsonl", "w", encoding="utf-8") as out:
            for copy in range(copies):
                for line in corpus.lines(src, limit):
                    if copy:
                        record = json.loads(line)
                        record["id"] = f"{record.get('id')}~{copy}"
                        line = json.dumps(record, ensure_ascii=False) + "\n"
                    out.write(line)
                    docs += 1
                    size += len(line.encode("utf-8"))
    return docs, size


def kavosh_cmd(ix: Path, data: Path) -> list[str]:
    exe = Path(sys.executable).with_name("kavosh")
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "kavosh"]
    return [*base, "index", "--quiet", "--index", str(ix), str(data)]


def have_tantivy() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def run_round(work: Path, data: Path, procs: list[int], tantivy: bool, keep: Path | None) -> dict:
    row = {}
    for n in procs:
        ix = work / "kavosh"
        shutil.rmtree(ix, ignore_errors=True)
        row[f"kavosh-{n}"] = timed(kavosh_cmd(ix, data), dict(os.environ, KAVOSH_INDEX_PROCS=str(n)))
        if keep is not None and n == procs[0]:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.move(str(ix), keep)
        shutil.rmtree(ix, ignore_errors=True)
    plain = work / "plain"
    shutil.rmtree(plain, ignore_errors=True)
    plain.mkdir()
    benv = dict(os.environ, PYTHONPATH=str(ROOT / "bench"))
    row["plain"] = timed([sys.executable, "-c", PLAIN_CHILD, str(plain), str(data), str(ROOT / "bench")], benv)
    shutil.rmtree(plain, ignore_errors=True)
    if tantivy:
        tv = work / "tantivy"
        shutil.rmtree(tv, ignore_errors=True)
        tv.mkdir()
        row["tantivy"] = timed([sys.executable, "-c", TANTIVY_CHILD, str(tv), str(data)], benv)
        shutil.rmtree(tv, ignore_errors=True)
    return row


def _ratio(rounds, a: str, b: str, measure: str = "seconds") -> float:
    """The median over rounds of a/b, each round's own ratio (so load that comes and goes cancels)."""
    return statistics.median(r[a][measure] / r[b][measure] for r in rounds)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="articles per language (default: all)")
    ap.add_argument("--runs", type=int, default=3, help="interleaved rounds")
    ap.add_argument("--procs", default=None,
                    help="Kavosh's analysing processes, one column each, e.g. 1,2 "
                         "(default: 1 and the CPUs; the first one's index is --keep'd)")
    ap.add_argument("--double", action="store_true", help="also the corpus twice with new ids (scaling)")
    ap.add_argument("--keep", type=Path, default=None, help="leave the first column's Kavosh index here")
    ap.add_argument("--keep-double", type=Path, default=None, help="with --double: leave the doubled index here")
    ap.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a temp dir)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    tantivy = have_tantivy()
    cpus = len(os.sched_getaffinity(0))
    procs = [int(p) for p in args.procs.split(",")] if args.procs else sorted({1, cpus})
    kavosh_cols = [f"kavosh-{n}" for n in procs]
    work = Path(tempfile.mkdtemp(prefix="speed-archive-", dir=args.workdir))
    try:
        data = work / "data"
        docs, size = prepare(data, args.limit)
        rounds = [run_round(work, data, procs, tantivy, args.keep) for _ in range(args.runs)]
        result = {"documents": docs, "mb": round(size / 1e6, 1), "procs": procs,
                  "rounds": [{k: {m: round(v[m], 2) for m in ("seconds", "cpu_seconds", "rss_mb", "pss_mb")} for k, v in r.items()}
                             for r in rounds]}
        cols = kavosh_cols + ["plain"] + (["tantivy"] if tantivy else [])
        med = {c: statistics.median(r[c]["seconds"] for r in rounds) for c in cols}
        cpu = {c: statistics.median(r[c]["cpu_seconds"] for r in rounds) for c in cols}
        rss = {c: max(r[c]["rss_mb"] for r in rounds) for c in cols}
        pss = {c: max(r[c]["pss_mb"] for r in rounds) for c in cols}
        result["median_seconds"] = {c: round(v, 1) for c, v in med.items()}
        result["median_cpu_seconds"] = {c: round(v, 1) for c, v in cpu.items()}
        result["peak_rss_mb"] = {c: round(v) for c, v in rss.items()}
        result["peak_pss_mb"] = {c: round(v) for c, v in pss.items()}
        result["over_plain"] = {c: round(_ratio(rounds, c, "plain"), 2) for c in kavosh_cols}
        result["cpu_over_plain"] = {c: round(_ratio(rounds, c, "plain", "cpu_seconds"), 2) for c in kavosh_cols}
        if tantivy:
            result["over_tantivy"] = {c: round(_ratio(rounds, c, "tantivy"), 1) for c in kavosh_cols}
        if args.double:
            data2 = work / "data2"
            prepare(data2, args.limit, copies=2)
            env = dict(os.environ, KAVOSH_INDEX_PROCS=str(procs[-1]))
            pairs = []
            for _ in range(max(1, args.runs - 1)):
                one = timed(kavosh_cmd(work / "k1", data), env)
                shutil.rmtree(work / "k1", ignore_errors=True)
                two = timed(kavosh_cmd(work / "k2", data2), env)
                if args.keep_double is not None:
                    shutil.rmtree(args.keep_double, ignore_errors=True)
                    shutil.move(str(work / "k2"), args.keep_double)
                shutil.rmtree(work / "k2", ignore_errors=True)
                pairs.append((one["seconds"], two["seconds"], two["pss_mb"],
                              one["cpu_seconds"], two["cpu_seconds"]))
            result["double"] = {"procs": procs[-1],
                                "seconds_1x": round(statistics.median(p[0] for p in pairs), 1),
                                "seconds_2x": round(statistics.median(p[1] for p in pairs), 1),
                                "ratio": round(statistics.median(p[1] / p[0] for p in pairs), 2),
                                "cpu_ratio": round(statistics.median(p[4] / p[3] for p in pairs), 2),
                                "peak_pss_mb_2x": round(max(p[2] for p in pairs))}
        result["load_after"] = os.getloadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"{docs} articles, {result['mb']} MB of JSONL; {args.runs} interleaved rounds; "
          f"kavosh-N: `kavosh index` with N analysing processes")
    print(f"{'':<22}" + "".join(f"{c:>14}" for c in cols))
    print(f"{'wall s (median)':<22}" + "".join(f"{med[c]:>14.1f}" for c in cols))
    print(f"{'CPU s, all processes':<22}" + "".join(f"{cpu[c]:>14.1f}" for c in cols))
    print(f"{'docs/s':<22}" + "".join(f"{docs / med[c]:>14.0f}" for c in cols))
    print(f"{'peak RSS MB (tree)':<22}" + "".join(f"{rss[c]:>14.0f}" for c in cols))
    print(f"{'peak PSS MB (tree)':<22}" + "".join(f"{pss[c]:>14.0f}" for c in cols))
    print(f"{'wall / plain whoosh':<22}" + "".join(f"{result['over_plain'][c]:>14.2f}" for c in kavosh_cols))
    print(f"{'CPU / plain whoosh':<22}" + "".join(f"{result['cpu_over_plain'][c]:>14.2f}" for c in kavosh_cols))
    if tantivy:
        print(f"{'wall / tantivy':<22}" + "".join(f"{result['over_tantivy'][c]:>14.1f}" for c in kavosh_cols))
    else:
        print("tantivy column skipped: `make bench` (or pip install -e '.[bench]') installs it")
    print("(ratios: within each round, then the median; CPU time is what the work costs, whatever else runs)")
    if args.double:
        d = result["double"]
        print(f"twice the corpus (new ids), kavosh-{d['procs']}: {d['seconds_2x']} s vs {d['seconds_1x']} s, "
              f"ratio {d['ratio']} (CPU time {d['cpu_ratio']}), peak PSS {d['peak_pss_mb_2x']} MB")
    print("load average after: " + " ".join(f"{x:.2f}" for x in result["load_after"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
