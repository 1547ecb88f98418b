"""Run every speed benchmark in turn and print their figures (`make bench`).

Retrieval quality is separate and slower: `make eval` (bench/eval.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    ("analysis chain (MB/s per language vs the regex floor)", ["bench_analysis.py"]),
    ("indexing throughput and `kavosh search` start-up", ["bench_index.py"]),
    ("web: concurrent clients against /api/search", ["bench_web_load.py"]),
]


def main() -> int:
    failed = 0
    for title, args in BENCHMARKS:
        print(f"\n== {title}: bench/{' '.join(args)}", flush=True)
        failed |= subprocess.call([sys.executable, str(HERE / args[0]), *args[1:]]) != 0
    return failed


if __name__ == "__main__":
    sys.exit(main())
