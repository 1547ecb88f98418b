"""What the results page costs beyond the search: the engine call alone against the whole page.

    .venv/bin/python bench/bench_pages.py --index DIR [--queries 200]

The same 200 real queries as bench/bench_queries.py (sampled from the index's
own titles), each run three ways in one process, after a warm-up pass:

* ``search``: ``Engine.search`` as the page calls it (top 10, snippets, facets);
* ``page fa`` / ``page ar``: GET /?q=… through Flask's test client, in the
  Persian and the Arabic interface — the search, "did you mean" on the first
  page, and the template with its facets, dates, sort and download links;
* ``page filtered``: the same page with a year and a source selected (the
  top year and source of the query's own facets) and sorted newest first.

The ways alternate query by query. Printed: median and p90 per way (ms) and the median ratio
page / search.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_queries import percentile, sample_queries  # noqa: E402


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    from kavosh.web import create_app

    app = create_app(args.index)
    engine = app.extensions["kavosh"].get()
    client = app.test_client()
    with engine.searching() as searcher:
        titles = [f.get("title", "") for f in searcher.all_stored_fields()]
    queries = [q for _kind, q in sample_queries(titles, args.queries, args.seed)]
    limit, time_limit = app.config["KAVOSH_PAGE_SIZE"], app.config["KAVOSH_TIME_LIMIT"]

    def search(q):
        return engine.search(q, limit=limit, time_limit=time_limit)

    def filtered_params(q) -> dict:
        facets = getattr(search(q), "facets", None) or {}
        params = {"q": q, "sort": "newest"}
        if facets.get("year"):
            params["since"] = params["until"] = max(facets["year"], key=facets["year"].get)
        if facets.get("source"):
            params["source"] = facets["source"][0][0]
        return params

    def page(params, ui):
        response = client.get("/", query_string={**params, "ui": ui})
        assert response.status_code == 200, (params, response.status_code)
        response.get_data()

    filtered = {q: filtered_params(q) for q in queries}
    ways = {
        "search": lambda q: search(q),
        "page fa": lambda q: page({"q": q}, "fa"),
        "page ar": lambda q: page({"q": q}, "ar"),
        "page filtered": lambda q: page(filtered[q], "fa"),
    }
    for call in ways.values():  # warm-up: page cache, lexicon, memo, templates
        for q in queries[:20]:
            call(q)
    # Interleaved per query, so that no way runs with caches the others warmed for it.
    times = {name: [] for name in ways}
    for q in queries:
        for name, call in ways.items():
            times[name].append(timed(lambda: call(q)))
    print(f"{len(queries)} queries from {len(titles):,} titles, index {args.index}")
    base = statistics.median(times["search"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:14s} p50 {median:7.1f} ms  p90 {percentile(values, 90):7.1f} ms  "
              f"ratio to search {median / base:5.2f}")


if __name__ == "__main__":
    main()
