"""Indexing throughput and command-line search latency.

    .venv/bin/python bench/bench_index.py [--news N] [--seed-copies K] [--runs R] [--json]

* Indexing: docs/s and MB/s (UTF-8 bytes of title+body) through the normal
  `index_paths` code, on (a) the seeds repeated K times under new names and
  (b) the first N articles of each news corpus (bench/corpus.py; skipped
  with a note when absent).  Median of R fresh builds.
* `kavosh search`: wall time of a cold process (new interpreter each run, as
  a user at a shell), median and max over R runs for a few Persian and
  Arabic queries on the seeds index.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import corpus  # noqa: E402  (bench/corpus.py)
from kavosh.index.writer import index_paths  # noqa: E402

CORPORA = corpus.folder()
QUERIES = ["پهپاد کیف", "الطائرات المسيرة", "\"حمله پهپادی\"", "كييف OR مسکو", "پهپا*"]


def _seed_copies(dest: Path, copies: int) -> int:
    size = 0
    for k in range(copies):
        for src in sorted((ROOT / "seeds").glob("*.txt")):
            target = dest / f"{k:04}_{src.name}"
            shutil.copyfile(src, target)
            size += len(src.read_bytes())
    return size


def _news_sample(dest: Path, per_language: int) -> int | None:
    size = 0
    found = corpus.files(CORPORA)
    for path in found:
        with open(dest / f"{path.name.split('.')[0]}.jsonl", "w", encoding="utf-8") as out:
            for line in corpus.lines(path, per_language):
                record = json.loads(line)
                size += len((record.get("title", "") + record.get("body", "")).encode("utf-8"))
                out.write(line)
    return size if found else None


def bench_indexing(label: str, folder: Path, size: int, runs: int) -> dict:
    rates, mbs, docs = [], [], 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as ix:
            started = time.perf_counter()
            summary = index_paths(Path(ix), [folder])
            seconds = time.perf_counter() - started
        docs = summary.documents
        rates.append(docs / seconds)
        mbs.append(size / 1e6 / seconds)
    return {"corpus": label, "documents": docs, "mb": round(size / 1e6, 2),
            "docs_per_s": round(statistics.median(rates), 1),
            "mb_per_s": round(statistics.median(mbs), 2), "runs": runs}


def bench_search_cli(index: Path, runs: int) -> dict:
    exe = Path(sys.executable).with_name("kavosh")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "kavosh"]
    times = []
    for _ in range(runs):
        for q in QUERIES:
            started = time.perf_counter()
            subprocess.run([*cmd, "search", "--json", "--index", str(index), q],
                           check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return {"queries": len(QUERIES), "runs": runs, "median_ms": round(statistics.median(times) * 1000),
            "max_ms": round(max(times) * 1000)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--news", type=int, default=2000, help="articles per language from the news corpora")
    ap.add_argument("--seed-copies", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    results = {"indexing": [], "search_cli": None, "notes": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        seeds = tmp / "seeds"
        seeds.mkdir()
        size = _seed_copies(seeds, args.seed_copies)
        results["indexing"].append(bench_indexing(f"seeds x{args.seed_copies}", seeds, size, args.runs))
        news = tmp / "news"
        news.mkdir()
        size = _news_sample(news, args.news)
        if size is None:
            results["notes"].append(f"news corpora not found in {CORPORA}: news row skipped")
        else:
            results["indexing"].append(bench_indexing(f"news {args.news} fa + {args.news} ar", news, size,
                                                      max(1, args.runs - 2)))
        seeds_ix = tmp / "seeds-ix"
        index_paths(seeds_ix, [ROOT / "seeds"])
        results["search_cli"] = bench_search_cli(seeds_ix, args.runs * 2)

    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    print(f"{'corpus':<28}{'docs':>8}{'MB':>8}{'docs/s':>10}{'MB/s':>8}")
    for row in results["indexing"]:
        print(f"{row['corpus']:<28}{row['documents']:>8}{row['mb']:>8}{row['docs_per_s']:>10}{row['mb_per_s']:>8}")
    s = results["search_cli"]
    print(f"\n`kavosh search` cold process on the seeds index: median {s['median_ms']} ms, "
          f"max {s['max_ms']} ms ({s['queries']} queries x {s['runs']} runs)")
    for note in results["notes"]:
        print("note:", note)


if __name__ == "__main__":
    main()
