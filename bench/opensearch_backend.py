"""The OpenSearch backend against the whoosh backend on the same files: a query table.

    # one node, from the project's launcher; a whoosh index and an OpenSearch index of the same folder
    .venv/bin/kavosh index --index /tmp/ix FOLDER
    .venv/bin/python bench/opensearch_backend.py index URL FOLDER [--alias kavosh] [--procs 1]
    .venv/bin/python bench/opensearch_backend.py compare URL /tmp/ix [--alias kavosh] [--queries 100]

``index`` indexes FOLDER into OpenSearch and prints the bulk throughput (docs/s).
``compare`` builds a table of queries from the whoosh index's own titles (words,
two words, quoted title phrases with their stop words, prefixes, ``title:``,
exclusions, other spellings and Latin names) plus the filters and sorts, runs each
on both backends, and prints: the share with the same total, the mean top-10
overlap (all queries, and those with more than 10 hits), the share whose common
top-10 hits have identical snippets, the share with identical facets; then every
query whose totals differ.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from pathlib import Path

SEED = 19
LATIN_AND_SPELLINGS = ["ترامپ", "ترامب", "Trump", "مسکو", "موسكو", "پوتین", "بوتين", "اوکراین",
                       "أوكرانيا", "Putin"]


def _title_words(engine, lang: str, n: int) -> list[str]:
    """Frequent title words of ``lang`` documents, as written (at least 4 letters, no stop words)."""
    from kavosh.vocabulary import query_terms

    counts: Counter = Counter()
    for fields in engine.documents():
        if fields.get("lang") != lang:
            continue
        for word in fields.get("title", "").split():
            word = word.strip("«»\"'.,:;!?()[]،؛؟")
            if len(word) >= 4 and word.isalpha():
                counts[word] += 1
    return [w for w, _c in counts.most_common(n * 2) if query_terms(w, engine.analyzer)][:n]


def query_table(engine, size: int = 100) -> list[tuple[str, dict]]:
    """(query, search keywords) pairs: each kind in proportion, from the index's own titles."""
    rnd = random.Random(SEED)
    fa, ar = _title_words(engine, "fa", 60), _title_words(engine, "ar", 60)
    words = [w for pair in zip(fa, ar) for w in pair]
    titles = [f.get("title", "") for f in engine.documents() if len(f.get("title", "").split()) >= 6]
    rnd.shuffle(titles)
    table: list[tuple[str, dict]] = []
    table += [(w, {}) for w in words[:24]]
    table += [(f"{a} {b}", {}) for a, b in zip(words[24:40:2], words[25:41:2])]
    table += [(f"{a} {b}", {"mode": "any"}) for a, b in zip(words[40:48:2], words[41:49:2])]
    table += [('"' + " ".join(t.split()[1:6]) + '"', {}) for t in titles[:16]]
    table += [(w[:4] + "*", {}) for w in words[:10]]
    table += [(f"title:{w}", {}) for w in words[10:18]]
    table += [(f"{a} -{b}", {}) for a, b in zip(words[:16:2], words[1:17:2])]
    table += [(w, {}) for w in LATIN_AND_SPELLINGS]
    table += [(w, {"exact": True}) for w in words[:4]]
    for w in words[:12]:  # filters and sorts
        table.append((w, {"lang": "fa"}))
    table += [(words[0], {"sort": "newest"}), (words[1], {"sort": "oldest"}),
              (words[2], {"since": "2020"}), (words[3], {"until": "2021-06"})]
    return table[:size]


def compare(url: str, whoosh_dir: str, alias: str, size: int) -> None:
    from kavosh.engine import Engine
    from kavosh.index.errors import QueryError
    from kavosh.opensearch.engine import OpenSearchEngine

    whoosh, opensearch = Engine(Path(whoosh_dir)), OpenSearchEngine(url, alias=alias)
    table = query_table(whoosh, size)
    same_total = same_facets = same_snippets = refused = 0
    overlaps, overlaps_many, differ = [], [], []
    took = {"whoosh": [], "opensearch": []}
    for text, options in table:
        answers = []
        for name, engine in (("whoosh", whoosh), ("opensearch", opensearch)):
            started = time.perf_counter()
            try:
                answers.append(engine.search(text, limit=10, **options))
            except QueryError as exc:
                answers.append(str(exc))
            took[name].append(time.perf_counter() - started)
        a, b = answers
        if isinstance(a, str) or isinstance(b, str):
            refused += 1
            same_total += a == b
            if a != b:
                differ.append((text, options, a, b))
            continue
        a, b = a.to_json(), b.to_json()
        ids_a, ids_b = [h["id"] for h in a["hits"]], [h["id"] for h in b["hits"]]
        same_total += a["total"] == b["total"]
        if a["total"] != b["total"]:
            differ.append((text, options, a["total"], b["total"]))
        if ids_a or ids_b:
            overlap = len(set(ids_a) & set(ids_b)) / max(len(ids_a), len(ids_b))
            overlaps.append(overlap)
            if a["total"] > 10:
                overlaps_many.append(overlap)
        same_facets += a["facets"] == b["facets"]
        snip_a = {h["id"]: (h["snippet"], h["title"]) for h in a["hits"]}
        same_snippets += all(snip_a[h["id"]] == (h["snippet"], h["title"]) for h in b["hits"] if h["id"] in snip_a)
    n = len(table)
    print(f"{n} queries on {whoosh.stats()['documents']} documents")
    print(f"same total:        {same_total}/{n} ({refused} refused by both with the same message)")
    print(f"top-10 overlap:    {sum(overlaps) / max(len(overlaps), 1):.3f} mean over {len(overlaps)} "
          f"with hits; {sum(overlaps_many) / max(len(overlaps_many), 1):.3f} over {len(overlaps_many)} "
          "with more than 10")
    print(f"same snippets:     {same_snippets}/{n} (the hits both top 10s hold)")
    print(f"same facets:       {same_facets}/{n}")
    for name, times in took.items():
        times.sort()
        print(f"{name:11s} p50 {1000 * times[len(times) // 2]:.1f} ms, "
              f"p99 {1000 * times[min(len(times) - 1, int(len(times) * 0.99))]:.1f} ms")
    for text, options, ta, tb in differ:
        print(f"  totals differ: {text!r} {options or ''}: whoosh {ta}, opensearch {tb}")


def index(url: str, folder: str, alias: str, procs: int) -> None:
    from kavosh.opensearch.indexer import index_paths

    summary = index_paths(url, [Path(folder)], alias=alias, procs=procs, rebuild=True)
    print(f"procs={procs}: {summary.line()}")


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="command", required=True)
    i = sub.add_parser("index")
    i.add_argument("url")
    i.add_argument("folder")
    i.add_argument("--alias", default="kavosh")
    i.add_argument("--procs", type=int, default=1)
    c = sub.add_parser("compare")
    c.add_argument("url")
    c.add_argument("whoosh_dir")
    c.add_argument("--alias", default="kavosh")
    c.add_argument("--queries", type=int, default=100)
    args = ap.parse_args()
    if args.command == "index":
        index(args.url, args.folder, args.alias, args.procs)
    else:
        compare(args.url, args.whoosh_dir, args.alias, args.queries)


if __name__ == "__main__":
    main()
