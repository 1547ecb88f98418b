"""An export's speed and memory on a real index: every hit of a broad query, written as CSV.

    python bench/bench_export.py --index DIR [--query 'ایران OR السعودية']

Runs ``Engine.export`` to nothing (the CSV text is produced and dropped), first
for the top 1,000 rows and then for every hit, and prints rows, seconds,
rows/s and the Python heap's peak (tracemalloc) of each: memory that stays
bounded is a peak that barely moves from 1,000 rows to every row.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path


def run(engine, query: str, limit: int | None) -> tuple[int, float, float]:
    from kavosh import export

    tracemalloc.start()
    started = time.perf_counter()
    rows = 0

    def counted(found):
        nonlocal rows
        for row in found:
            rows += 1
            yield row

    with engine.export(query, limit=limit, mode="any") as found:
        for _chunk in export.csv_chunks(counted(found)):
            pass
    seconds = time.perf_counter() - started
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows, seconds, peak / 2**20


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--query", default="ایران OR السعودية")
    args = parser.parse_args(argv)

    from kavosh.engine import Engine

    with Engine(args.index) as engine:
        engine.search(args.query, mode="any")  # warm-up: tables, page cache
        for limit in (1000, None):
            rows, seconds, peak = run(engine, args.query, limit)
            print(f"{'every hit' if limit is None else f'top {limit}':>10}: {rows:,} rows "
                  f"in {seconds:.1f} s, "
                  f"{rows / seconds:,.0f} rows/s, heap peak {peak:.1f} MB")


if __name__ == "__main__":
    main()
