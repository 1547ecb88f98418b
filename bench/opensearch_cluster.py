"""Kavosh on a three-node OpenSearch cluster beside Kavosh on whoosh, in one run.

    .venv/bin/python bench/opensearch_cluster.py [--docs 4000] [--nodes 3] [--replicas 1]
                                                 [--queries 100] [--rounds 3]

Starts the project's launcher's nodes (tests/opensearch_nodes.py: real OpenSearch
2.19.6 nodes on loopback), writes a slice of the news corpora (the first
``--docs``/2 articles of each language, bench/corpus.py) and then, on that slice:

* **bulk throughput**: documents/s of ``kavosh index`` with 1 and with 2 analysis
  workers, into the cluster (one shard per node, ``--replicas`` replicas) and
  into a whoosh folder (``--procs 1`` and ``2``), alternating backends so a noisy
  machine weighs on both alike;
* **query latency**: the 100-query table of bench/opensearch_backend.py (words,
  pairs, ``--any``, quoted title phrases, prefixes, ``title:``, exclusions, other
  spellings, Latin names, ``--exact``, filters, sorts) through each engine's
  ``search`` (top 10 with snippets and facets, as the page asks), one warm-up
  pass, then ``--rounds`` passes, backends alternating query by query: p50 and
  p99 of each and their ratio, and the share of queries with the same total.

The figures mean something only as ratios measured together: the cluster's three
nodes share one JVM and this machine's cores with the client.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the node launcher (tests/opensearch_nodes.py)


def write_slice(where: Path, docs: int) -> Path:
    """The first ``docs``/2 articles of each language as one JSON Lines folder."""
    from corpus import LANGUAGES, file_of, folder, lines

    out = where / "slice"
    out.mkdir()
    for lang in LANGUAGES:
        with open(out / f"news-{lang}.jsonl", "w", encoding="utf-8") as f:
            f.writelines(lines(file_of(folder(), lang), limit=docs // 2))
    return out


def throughput(url: str, folder: Path, work: Path, replicas: int, shards: int) -> dict:
    """docs/s of each (backend, workers), alternating backends."""
    from kavosh.index.writer import index_paths as whoosh_index
    from kavosh.opensearch.indexer import index_paths as opensearch_index

    rates = {}
    for procs in (1, 2):
        started = time.perf_counter()
        done = whoosh_index(work / f"whoosh-{procs}", [folder], rebuild=True, procs=procs)
        rates[("whoosh", procs)] = done.indexed / (time.perf_counter() - started)
        started = time.perf_counter()
        done = opensearch_index(url, [folder], alias="bench", rebuild=True, procs=procs,
                                shards=shards, replicas=replicas)
        rates[("opensearch", procs)] = done.indexed / (time.perf_counter() - started)
    return rates


def latency(url: str, whoosh_dir: Path, queries: int, rounds: int) -> tuple[dict, int, int]:
    """({backend: seconds per search}, queries with the same total, queries)."""
    from opensearch_backend import query_table

    from kavosh.engine import Engine
    from kavosh.index.errors import QueryError
    from kavosh.opensearch.engine import OpenSearchEngine

    engines = {"whoosh": Engine(whoosh_dir), "opensearch": OpenSearchEngine(url, alias="bench")}
    table = query_table(engines["whoosh"], queries)
    took = {name: [] for name in engines}
    same = 0
    for round_ in range(rounds + 1):  # round 0 warms both up and is not counted
        for text, options in table:
            totals = []
            for name, engine in engines.items():
                started = time.perf_counter()
                try:
                    totals.append(engine.search(text, limit=10, **options).total)
                except QueryError as exc:
                    totals.append(str(exc))
                if round_:
                    took[name].append(time.perf_counter() - started)
            same += round_ == 1 and totals[0] == totals[1]
    return took, same, len(table)


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=4000, help="articles in the slice (half per language)")
    ap.add_argument("--nodes", type=int, default=3)
    ap.add_argument("--replicas", type=int, default=1)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from opensearch_nodes import Nodes

    work = Path(tempfile.mkdtemp(prefix="kavosh-cluster-bench-"))
    try:
        folder = write_slice(work, args.docs)
        with Nodes(args.nodes) as nodes:
            url = ",".join(nodes.urls)
            print(f"{args.nodes} OpenSearch nodes, {args.nodes} shards, {args.replicas} replica(s); "
                  f"{args.docs} articles")
            rates = throughput(url, folder, work, args.replicas, shards=args.nodes)
            for procs in (1, 2):
                w, o = rates[("whoosh", procs)], rates[("opensearch", procs)]
                print(f"index, {procs} worker(s): whoosh {w:6.1f} docs/s   opensearch {o:6.1f} docs/s"
                      f"   opensearch/whoosh {o / w:.2f}")
            for name in ("whoosh", "opensearch"):
                print(f"{name} 2 workers / 1 worker: {rates[(name, 2)] / rates[(name, 1)]:.2f}")
            took, same, n = latency(url, work / "whoosh-2", args.queries, args.rounds)
            p = {name: (statistics.median(t), percentile(t, 0.99)) for name, t in took.items()}
            for name, (p50, p99) in p.items():
                print(f"search {name:10s} p50 {1000 * p50:7.1f} ms   p99 {1000 * p99:7.1f} ms "
                      f"({len(took[name])} searches)")
            print(f"opensearch/whoosh: p50 {p['opensearch'][0] / p['whoosh'][0]:.2f}x, "
                  f"p99 {p['opensearch'][1] / p['whoosh'][1]:.2f}x; same total {same}/{n}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
