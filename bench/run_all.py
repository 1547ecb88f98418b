"""Run every speed benchmark in turn and print their figures (`make bench`).

    python bench/run_all.py                 # the whole archive, 3 indexing rounds: about 45 min on 2 cores
    python bench/run_all.py --runs 1        # one indexing round: about 25 min
    python bench/run_all.py --quick         # 2,000 articles per language, 1 round: a few minutes
    python bench/run_all.py --index DIR     # queries and web load on an existing index, no indexing
    python bench/run_all.py --reuse         # keep the index built last time in --workdir

1. indexing: Kavosh with one writer and with one analysing process per CPU,
   plain whoosh and tantivy side by side (bench_archive.py: wall, CPU,
   docs/s, peak RSS/PSS, ratios within interleaved rounds), then the corpus
   twice over with new ids (scaling);
2. the analysis chain's MB/s per language (bench_analysis.py);
3. query latency per mode and the top 10 against exhaustive scoring, on the
   single writer's index of step 1 (bench_queries.py --check-exhaustive),
   then the same queries on the doubled index;
4. suggestions per prefix (bench_suggest.py);
5. the web server under 8 concurrent clients (result pages, API,
   suggestions), `kavosh serve` over that index
   (bench_web_load.py).

The indexes of step 1 are kept in ``--workdir`` (default: kavosh-bench in the
temp folder), one per corpus size, for the later steps and for ``--reuse``.
Retrieval quality is separate and slower: `make eval` (bench/eval.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="2,000 articles per language, one round, short runs")
    ap.add_argument("--index", type=Path, help="an existing index for queries and web load (skips indexing)")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kavosh-bench",
                    help="where the benchmark index is kept (default: %(default)s)")
    ap.add_argument("--reuse", action="store_true", help="reuse the index kept in --workdir, if any (skips indexing)")
    ap.add_argument("--runs", type=int, default=None, help="indexing rounds (default 3; --quick 1)")
    args = ap.parse_args()

    limit = ["--limit", "2000"] if args.quick else []
    runs = args.runs or (1 if args.quick else 3)
    args.workdir.mkdir(parents=True, exist_ok=True)
    index = args.index or args.workdir / ("index-quick" if args.quick else "index-full")
    doubled = args.workdir / ("index-quick-x2" if args.quick else "index-full-x2")
    steps = []
    if args.index is None and not (args.reuse and (index / "kavosh.json").exists()):
        steps.append(("indexing: Kavosh (1 and N processes) vs plain whoosh vs tantivy, and twice the corpus",
                      ["bench_archive.py", *limit, "--runs", str(runs), "--keep", str(index),
                       "--double", "--keep-double", str(doubled), "--workdir", str(args.workdir)]))
    else:
        print(f"indexing skipped: using the index in {index}")
    steps.append(("analysis chain (MB/s per language vs the regex floor)",
                  ["bench_analysis.py", *limit, "--runs", "1" if args.quick else "3"]))
    queries = ["--queries", "60"] if args.quick else []
    steps.append(("query latency per mode, top 10 vs exhaustive scoring",
                  ["bench_queries.py", "--index", str(index), "--check-exhaustive", *queries]))
    if (doubled / "kavosh.json").exists() or args.index is None:
        steps.append(("query latency on twice the corpus (new ids): compare p50 with the step above",
                      ["bench_queries.py", "--index", str(doubled), *queries]))
    steps.append(("suggestions: completions per prefix, first / repeated / uncached, and /api/suggest",
                  ["bench_suggest.py", "--index", str(index)]))
    steps.append(("web: 8 clients, mixed pages / API / suggestions (kavosh serve, default workers)",
                  ["bench_web_load.py", "--index", str(index),
                   # 5 minutes: long enough to see whether the server's memory is stable
                   *(["--duration", "5"] if args.quick else ["--duration", "300"])]))
    failed = 0
    for title, cmd in steps:
        print(f"\n== {title}: bench/{' '.join(cmd)}\n   load average before: {_load()}", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / cmd[0]), *cmd[1:]])
        print(f"   ({time.perf_counter() - started:.0f} s, exit {code}; load average after: {_load()})",
              flush=True)
        failed |= code != 0
        if cmd[0] == "bench_archive.py" and code != 0:
            print("indexing failed: no index for the later steps", file=sys.stderr)
            return 1
    return failed


if __name__ == "__main__":
    sys.exit(main())
