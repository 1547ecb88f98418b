"""All-words precision: of the top-10 hits of real two- and three-word queries, the share
that really contain every query word.

    python bench/allwords_precision.py --index /tmp/news-index \\
        --titles ../shared/corpora/news-fa.jsonl.gz ../shared/corpora/news-ar.jsonl.gz

Queries are sampled (seeded, ``--per-file`` from each titles file) from news
titles: two or three adjacent title words, none a stop word, a number or a
Latin word.  Each runs through the normal engine in all-words mode (the
default of ``kavosh search``).  A hit *satisfies* a query word when its title
or body contains the word itself (normalized), one of its analysed forms (a
stem of the query word is among the document's index terms), a judged true
cross-script spelling of it (``bench/data/variant_pairs.tsv``), the
compound the query's adjacent words make written joined (آتش سوزی /
آتشسوزی), or, for a word typed with a ZWNJ, its parts (آتش‌سوزی / آتش سوزی).  Anything else — a different word that only shares a skeleton, an
over-stemmed form — is a precision miss.  MRR cannot see these: the judged
question sets have no judgement on them.

Prints one JSON object: precision over all hits, per language, the number of
queries and hits, and the misses (``--show-misses``).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import records  # noqa: E402

PAIRS = ROOT / "bench" / "data" / "variant_pairs.tsv"


def sample_queries(path: Path, n: int, seed: int) -> list[str]:
    from kavosh.index.analysis import word_spans
    from kavosh.index.lexicon import stopwords
    from kavosh.index.normalize import normalize_token

    stop = stopwords()
    titles = [title for record in records(path) if (title := record.get("title") or "")]
    rng = random.Random(seed)
    rng.shuffle(titles)
    queries = []
    for title in titles:
        words = [s for s, _a, _b in word_spans(title)]
        ok = [len(normalize_token(w)) >= 3 and normalize_token(w) not in stop
              and not normalize_token(w).isascii() and normalize_token(w).isalpha() for w in words]
        size = rng.choice((2, 3))
        starts = [i for i in range(len(words) - size + 1) if all(ok[i:i + size])]
        if not starts:
            continue
        i = rng.choice(starts)
        q = " ".join(words[i:i + size])
        if q not in queries:
            queries.append(q)
        if len(queries) == n:
            break
    return queries


def judged_pairs() -> set[tuple[str, str]]:
    from kavosh.index.normalize import normalize_token

    out = set()
    for line in PAIRS.read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) >= 4 and not line.startswith("#") and cells[3] == "true":
            out.add((normalize_token(cells[0]), normalize_token(cells[1])))
    return out


def satisfied(words: list[str], text: str, analyzer, pairs) -> list[bool]:
    from kavosh.index.analysis import word_spans
    from kavosh.index.normalize import normalize_token

    doc_words = {normalize_token(s) for s, _a, _b in word_spans(text)}
    doc_terms = {t.text for t in analyzer(text, mode="index")}
    norms = [normalize_token(w) for w in words]
    out = []
    for i, (w, n) in enumerate(zip(words, norms)):
        stems = {t.text for t in analyzer(w, mode="query")}
        parts = [normalize_token(p) for p in w.split("\u200c") if p]
        ok = (n in doc_words or bool(stems & doc_terms)
              or any((n, d) in pairs for d in doc_words)
              or (len(parts) > 1 and all(p in doc_words for p in parts)))  # آتش‌سوزی as آتش سوزی
        if not ok:  # part of a compound the query's words make when joined
            for a, b in ((i - 1, i), (i, i + 1)):
                if 0 <= a and b < len(norms) and norms[a] + norms[b] in doc_words:
                    ok = True
        out.append(ok)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--titles", type=Path, nargs="+", required=True,
                    help="JSONL(.gz) files whose titles the queries are sampled from")
    ap.add_argument("--per-file", type=int, default=60)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args(argv)

    from kavosh.index.analysis import kavosh_analyzer
    from kavosh.engine import Engine
    from kavosh.results import plain

    analyzer = kavosh_analyzer()
    pairs = judged_pairs()
    engine = Engine(args.index)
    report = {"queries": 0, "queries_without_hits": 0, "hits": 0, "satisfied": 0, "by_file": {}}
    misses = []
    try:
        for path in args.titles:
            part = {"queries": 0, "hits": 0, "satisfied": 0}
            for q in sample_queries(path, args.per_file, args.seed):
                words = q.split()
                result = engine.search(q, limit=10, mode="all")
                part["queries"] += 1
                if not result.hits:
                    report["queries_without_hits"] += 1
                for hit in result.hits:
                    doc = engine.document(hit.id)
                    text = f"{doc.title_text}\n{plain(doc.body)}" if doc else ""
                    ok = satisfied(words, text, analyzer, pairs)
                    part["hits"] += 1
                    if all(ok):
                        part["satisfied"] += 1
                    else:
                        misses.append({"query": q, "id": hit.id,
                                       "missing": [w for w, k in zip(words, ok) if not k],
                                       "variants": hit.variants})
            part["precision"] = round(part["satisfied"] / part["hits"], 4) if part["hits"] else None
            report["by_file"][path.name] = part
            for k in ("queries", "hits", "satisfied"):
                report[k] += part[k]
    finally:
        engine.close()
    report["precision"] = round(report["satisfied"] / report["hits"], 4) if report["hits"] else None
    if args.show_misses:
        report["misses"] = misses
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
