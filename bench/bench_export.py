"""An export's speed and memory on a real index: every hit of a broad query, written as CSV.

    python bench/bench_export.py --index DIR [--query 'ایران OR السعودية']

Runs ``Engine.export`` to nothing (the CSV text is produced and dropped): the
top 1,000 rows, every hit, and every hit again, printing rows, seconds, rows/s
and the growth of the Python heap at its peak (tracemalloc) in each.  The first
runs also fill the analyzer's per-word caches (shared with every snippet the
process writes, and capped), which look like export memory but are not; the
repeated run, its caches warm, is the export's own: memory that stays bounded
is a peak that does not grow with the rows.
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
        for name, limit in (("top 1000", 1000), ("every hit", None), ("again", None)):
            rows, seconds, peak = run(engine, args.query, limit)
            print(f"{name:>10}: {rows:,} rows "
                  f"in {seconds:.1f} s, "
                  f"{rows / seconds:,.0f} rows/s, heap peak {peak:.1f} MB")


if __name__ == "__main__":
    main()
