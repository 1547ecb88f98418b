"""How much near-duplicate collapse folds on a real news index, and how often it is wrong.

    python bench/bench_collapse.py --index DIR                  # 300 real queries
    python bench/bench_collapse.py --index DIR --pairs FILE     # also write a sample of folded
                                                                # pairs (both texts) to read by hand

Queries are bench_queries.py's sampler (seeded, from the index's own titles:
word pairs, quoted phrases, typos), run as the page runs them (all words,
top 10).  For each: how many hits collapse folds into the page's 10, and how
many of the uncollapsed top 10 are copies of a hit ranked above them; the
same at other thresholds, from the same signatures; and the time with and
without collapse.

Folds are right or wrong only by reading both texts: ``--pairs`` writes a
seeded sample of distinct folded (leader, copy) pairs with their estimated
similarity and both texts, and bench/data/collapse_verdicts.tsv holds the
verdicts given by reading them ("same" story, or "different").  Pairs with a
verdict are counted.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_queries import percentile, sample_queries  # noqa: E402

VERDICTS = Path(__file__).resolve().parent / "data" / "collapse_verdicts.tsv"
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def load_verdicts(path: Path) -> dict[tuple[str, str], str]:
    verdicts = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                leader, copy, verdict, *_note = line.split("\t")
                verdicts[(leader, copy)] = verdict
    return verdicts


def _folds_in_top(sigs: list[bytes], groups_fn, threshold: float, page: int = 10) -> int:
    """Of the uncollapsed top ``page``, how many are copies of a hit ranked above them."""
    return sum(len(folded) for _leader, folded in groups_fn(sigs[:page], threshold))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pairs", type=Path, help="write a sample of folded pairs here, to read")
    parser.add_argument("--sample", type=int, default=40, help="pairs in that sample")
    args = parser.parse_args(argv)

    from kavosh import collapse
    from kavosh.engine import Engine
    from kavosh.index.near_dup import signature, similarity

    engine = Engine(args.index)
    with engine.searching() as searcher:
        stored = list(searcher.reader().iter_docs())  # (docnum, fields), deleted ones left out
        titles = [f.get("title", "") for _n, f in stored]
        ids = {f["id"]: n for n, f in stored}
        langs = {f["id"]: f.get("lang") for _n, f in stored}
        bodies = [f.get("body", "") for _n, f in stored[:2000]]
        del stored
        started = time.perf_counter()
        for body in bodies:
            signature(body)
        signing_ms = (time.perf_counter() - started) * 1000 / max(len(bodies), 1)
        signatures = collapse.signatures(searcher)
    queries = sample_queries(titles, args.queries, args.seed)
    for _kind, q in queries[:20]:  # warm-up
        engine.search(q, collapse=False)

    on_ms, off_ms, folded_per_page, pages_with_folds = [], [], [], 0
    in_top = {t: 0 for t in THRESHOLDS}
    shown_off = 0
    pairs = {}  # (leader id, copy id) → similarity
    for _kind, q in queries:
        started = time.perf_counter()
        plain = engine.search(q, collapse=False)
        off_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        folded = engine.search(q)
        on_ms.append((time.perf_counter() - started) * 1000)
        folded_per_page.append(folded.folded)
        pages_with_folds += folded.folded > 0
        shown_off += len(plain.hits)
        sigs = [signatures[ids[h.id]] for h in plain.hits]
        for t in THRESHOLDS:
            in_top[t] += _folds_in_top(sigs, collapse.groups, t)
        for hit in folded.hits:
            for copy in hit.similar:
                key = (hit.id, copy.id)
                if key not in pairs and (copy.id, hit.id) not in pairs:
                    pairs[key] = similarity(signatures[ids[hit.id]], signatures[ids[copy.id]])

    n = len(queries)
    print(f"{n} queries from {len(titles):,} titles, index {args.index}; threshold {collapse.THRESHOLD}")
    print(f"indexing cost: {signing_ms:.2f} ms a document for its signature ({len(bodies)} stored bodies)")
    print(f"collapse on: {sum(folded_per_page)} hits folded into the top-10 pages "
          f"({statistics.mean(folded_per_page):.2f} a page; {pages_with_folds}/{n} pages fold something; "
          f"most on one page {max(folded_per_page)})")
    print(f"uncollapsed top 10s: {shown_off} hits, of which copies of a hit above them:")
    for t in THRESHOLDS:
        mark = "  <- used" if t == collapse.THRESHOLD else ""
        print(f"  threshold {t:.1f}: {in_top[t]:4d} ({100 * in_top[t] / max(shown_off, 1):.1f}%){mark}")
    print(f"time per search: collapse on p50 {statistics.median(on_ms):.1f} ms, p95 {percentile(on_ms, 95):.1f}; "
          f"off p50 {statistics.median(off_ms):.1f} ms, p95 {percentile(off_ms, 95):.1f}")
    print(f"distinct folded pairs: {len(pairs)} (Persian {sum(langs[a] == 'fa' for a, _ in pairs)}, "
          f"Arabic {sum(langs[a] == 'ar' for a, _ in pairs)})")

    verdicts = load_verdicts(VERDICTS)
    judged = [(k, verdicts.get(k) or verdicts.get(k[::-1])) for k in pairs]
    judged = [(k, v) for k, v in judged if v]
    if judged:
        wrong = [k for k, v in judged if v != "same"]
        print(f"hand-checked (bench/data/collapse_verdicts.tsv): {len(judged)} of these pairs read, "
              f"{len(wrong)} wrong folds" + (f": {wrong}" if wrong else ""))
    if args.pairs:
        # Half the sample from each language (as far as it has pairs): Arabic wire copies
        # outnumber Persian ones, and a plain sample would leave Persian unread.
        rng = random.Random(args.seed)
        by_lang = {lang: sorted(k for k in pairs if langs[k[0]] == lang) for lang in ("fa", "ar")}
        sample = rng.sample(by_lang["fa"], min(args.sample // 2, len(by_lang["fa"])))
        sample += rng.sample(by_lang["ar"], min(args.sample - len(sample), len(by_lang["ar"])))
        with engine.searching() as searcher, open(args.pairs, "w", encoding="utf-8") as out:
            for leader, copy in sample:
                out.write(f"=== {leader}\t{copy}\tsimilarity {pairs[(leader, copy)]:.2f}\n")
                for doc_id in (leader, copy):
                    fields = searcher.stored_fields(ids[doc_id])
                    out.write(f"--- {doc_id} [{fields.get('source')}] {fields.get('date')}\n"
                              f"{fields.get('title', '')}\n{fields.get('body', '')[:1500]}\n")
        print(f"{len(sample)} pairs written to {args.pairs}")
    engine.close()


if __name__ == "__main__":
    main()
