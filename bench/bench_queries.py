"""Query latency on a real index: in-process ``Engine.search``, top 10 with snippets.

    python bench/bench_queries.py --index /tmp/ix40k            # 200 real queries
    python bench/bench_queries.py --index DIR --check-exhaustive  # top 10 vs exhaustive scoring
    python bench/bench_queries.py --index DIR --answers new.json --expect old.json  # did any answer change?

The queries are sampled (seeded) from the index's own titles: 100 pairs of
adjacent title words, 50 three-word phrases in quotes, 50 single words with
one letter dropped (typos) or written with the other script's kaf/yeh.  Each
is run in all-words mode, any-word mode and ``--exact``, and on an index with
dates and sources (schema 5) also filtered (the busiest year, the three
largest sources) and sorted newest first; the figures are medians and tails
of wall time per call, after one warm-up pass.  Every search counts its
facets (language, source, year): compare with the same command run by the
code before facets on its own index for their cost.

"did-you-mean" times ``engine.vocabulary.did_you_mean`` on the 50 typo and
other-script queries and 50 of the word pairs as if they had found nothing
(a zero-hit page's correction, including the search that counts what the
correction finds), and "correction only" the same without that search.

``--expect`` compares every query's whole answer in each mode (total, top 10
in order with scores, snippets and near-duplicates, facets: all but its time)
with a file written by ``--answers`` (an earlier run, another branch): what
changed.  A file of an older bench, which kept only totals and ids, is
compared on those.

``--check-exhaustive`` compares each all-words top 10 with a whoosh search
that scores every match (no block-quality pruning, no matcher replacement):
the order Kavosh must return.

``--slowest N`` prints each mode's N slowest queries of the timed pass with
where their time went: parsing, listing patterns (expand), matching and
scoring (match), folding near-duplicates (collapse) and the hits' snippets.
The queries come from any index's own titles, so the same command measures
the archive, the doubled archive or a small test index.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path


WORD_CHARS = set("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةءآأإؤئ")


def _words(title: str) -> list[str]:
    return [w for w in title.split() if len(w) >= 3 and set(w) <= WORD_CHARS]


def sample_queries(titles: list[str], n: int = 200, seed: int = 7) -> list[tuple[str, str]]:
    """(kind, query) pairs sampled from real titles."""
    rng = random.Random(seed)
    rng.shuffle(titles)
    pairs, phrases, typos = [], [], []
    for title in titles:
        words = _words(title)
        if len(words) >= 2 and len(pairs) < n // 2:
            i = rng.randrange(len(words) - 1)
            pairs.append(("pair", f"{words[i]} {words[i + 1]}"))
        elif len(words) >= 3 and len(phrases) < n // 4:
            i = rng.randrange(len(words) - 2)
            phrases.append(("phrase", '"' + " ".join(words[i:i + 3]) + '"'))
        elif words and len(typos) < n - n // 2 - n // 4:
            w = max(words, key=len)
            if rng.random() < 0.5 and len(w) > 4:
                k = rng.randrange(1, len(w) - 1)
                typos.append(("typo", w[:k] + w[k + 1:]))
            else:
                typos.append(("script", w.translate(str.maketrans("یکيك", "يكیک"))))
        if len(pairs) + len(phrases) + len(typos) >= n:
            break
    return pairs + phrases + typos


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _total(result) -> int:
    return result["total"] if isinstance(result, dict) else result.total


def _ids(result) -> list[str]:
    hits = result["hits"] if isinstance(result, dict) else result.hits
    return [h["id"] if isinstance(h, dict) else h.id for h in hits]


def _whole(result) -> dict:
    """Everything a search answers (total, hits in order with their scores, snippets,
    titles and folded near-duplicates, facets, ...) but its time: what must not change
    when only the speed should."""
    answer = result.to_json() if not isinstance(result, dict) else dict(result)
    answer.pop("took_ms", None)
    return answer


def run(engine, queries, parts=None, full=False, **kwargs) -> tuple[list[float], dict]:
    """Wall ms per query and each query's (total, top ids); ``parts``, if given
    (a ``Breakdown``), records where each query's time went.  ``full``: each
    query's whole answer instead (``_whole``), for ``--answers``/``--expect``."""
    times, answers = [], {}
    for _kind, q in queries:
        if parts is not None:
            parts.start()
        started = time.perf_counter()
        try:
            result = engine.search(q, **kwargs)
        except Exception as exc:  # a refused query is an answer too
            answers[q] = repr(exc)
        else:
            answers[q] = _whole(result) if full else (_total(result), _ids(result))
        times.append((time.perf_counter() - started) * 1000)
        if parts is not None:
            parts.finish(q)
    return times, answers


class Breakdown:
    """Wall ms per query spent in the engine's steps, by wrapping the functions
    that do them (only while ``--slowest`` asks for it)."""

    STEPS = {"parse": ("kavosh.engine", "Engine.parse"), "expand": ("kavosh.engine", "expand"),
             "match": ("whoosh.searching", "Searcher.search_with_collector"),
             "collapse": ("kavosh.collapse", "page"), "hits": ("kavosh.engine", "Engine._hit")}

    def __init__(self):
        import importlib

        self.current: dict[str, float] = {}
        self.per_query: dict[str, dict[str, float]] = {}
        for step, (module_name, path) in self.STEPS.items():
            owner = importlib.import_module(module_name)
            *outer, name = path.split(".")
            for part in outer:
                owner = getattr(owner, part)
            setattr(owner, name, self._timed(step, getattr(owner, name)))

    def _timed(self, step, fn):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.current[step] = self.current.get(step, 0.0) + (time.perf_counter() - started) * 1000
        return timed

    def start(self):
        self.current = {}

    def finish(self, query):
        self.per_query[query] = self.current

    def report(self, name, queries, times, answers, n):
        kinds = dict((q, kind) for kind, q in queries)
        print(f"{name}: the {n} slowest")
        for ms, (_kind, q) in sorted(zip(times, queries), key=lambda item: -item[0])[:n]:
            split = "  ".join(f"{step} {v:.1f}" for step, v in self.per_query.get(q, {}).items())
            answer = answers[q]
            total = (answer[0] if isinstance(answer, tuple)
                     else answer["total"] if isinstance(answer, dict) else answer)
            print(f"  {ms:7.1f} ms  {kinds[q]:6}  total {total!s:>6}  {split}  {q}")


def news_modes(engine) -> dict[str, dict]:
    """Filtered and date-sorted all-words searches: the three largest sources, the busiest year."""
    from collections import Counter

    from kavosh.facets import tables

    with engine.searching() as searcher:
        table = tables(searcher)
        years = Counter(key // 10**10 for key in table.dates if key)
        sources = Counter(code for code in table.sources if code)
        names = [table.names[code] for code, _n in sources.most_common(3)]
    year = str(years.most_common(1)[0][0]) if years else "2020"
    return {"filtered": {"since": year, "until": year, "sources": names},
            "newest": {"sort": "newest"}}


def without_facets(engine, queries) -> list[float]:
    """All-words times with the collector from before facets (language counts only),
    in the same process and load as the faceted figures: what the facets cost."""
    from kavosh import engine as engine_module
    from kavosh.matching import TopAndCounts

    class LanguagesOnly(TopAndCounts):
        def __init__(self, limit, table, filters, deadline, sort):
            super().__init__(limit, table.languages, filters.lang, deadline)

        def facets(self):
            return {"lang": self.counts(), "source": [], "year": {}}

    faceted, engine_module.FacetedTop = engine_module.FacetedTop, LanguagesOnly
    try:
        return run(engine, queries)[0]
    finally:
        engine_module.FacetedTop = faceted


def exhaustive_top(ix, engine, query_text: str, limit: int = 10) -> list[str]:
    """The top ``limit`` ids when every match is scored: plain whoosh on the same
    files and parsed query, no pruning, ranked by search/ranking.py's rules (the
    query's language factor on every match, proximity on the top window): the
    oracle the engine must agree with."""
    from whoosh.collectors import TopCollector

    from kavosh import ranking

    parsed = engine.parse(query_text, "all")
    if parsed.empty:
        return []
    with ix.searcher(weighting=engine.weighting) as searcher:
        collector = TopCollector(limit=max(1, searcher.doc_count_all()), usequality=False, replace=0)
        searcher.search_with_collector(parsed.query, collector)
        scores = {docnum: score for score, docnum in collector.results().top_n}
        prefer = ranking.preference(searcher, parsed.words)
        if prefer is not None:
            scores = prefer.apply(searcher, scores)
        ranked = sorted(((score, d) for d, score in scores.items()), key=lambda sd: (-sd[0], sd[1]))
        top = ranking.rescored(searcher, ranked[:ranking.PROXIMITY_WINDOW], parsed.words, parsed.stopped)
        return [searcher.stored_fields(d)["id"] for _score, d in top[:limit]]


def _time_corrections(engine, queries) -> dict:
    """Time "did you mean" on typos and pairs as on a zero-hit page; returns each query's correction."""
    asked = [q for kind, q in queries if kind in ("typo", "script")] + [q for kind, q in queries if kind == "pair"][:50]
    vocab = engine.vocabulary
    for q in asked[:10]:
        vocab.did_you_mean(q, 0)  # warm-up: the vocabulary slices of a few letters
    timings = {"did-you-mean": [], "correction only": []}
    answers = {}
    real_search = engine.search
    for q in asked:
        started = time.perf_counter()
        found = vocab.did_you_mean(q, 0)
        timings["did-you-mean"].append((time.perf_counter() - started) * 1000)
        answers[q] = found and [found["query"], found["total"]]
        checked = {}  # the same correction again, its check search answered from memory
        engine.search = lambda text, _c=checked, **k: _c[text] if text in _c else _c.setdefault(text, real_search(text, **k))
        try:
            vocab.did_you_mean(q, 0)
            started = time.perf_counter()
            vocab.did_you_mean(q, 0)
            timings["correction only"].append((time.perf_counter() - started) * 1000)
        finally:
            engine.search = real_search
    for name, times in timings.items():
        print(f"{name:>15}: p50 {statistics.median(times):7.1f} ms   p95 {percentile(times, 95):7.1f}"
              f"   p99 {percentile(times, 99):7.1f}   max {max(times):7.1f}   ({len(times)} queries,"
              f" {sum(1 for v in answers.values() if v)} corrected)")
    return answers


def _compare(report: dict, expected: dict, where: Path) -> None:
    for mode, answers in report.items():
        old = expected.get(mode, {})
        common = [q for q in answers if q in old]
        norm = lambda v: json.loads(json.dumps(v))  # noqa: E731  (tuples and lists alike)

        def same(new, was):
            if isinstance(new, dict) and isinstance(was, list):  # a file of (total, ids) only
                new = [new["total"], [hit["id"] for hit in new["hits"]]]
            return norm(new) == norm(was)

        changed = [q for q in common if not same(answers[q], old[q])]
        print(f"{mode:>15}: {len(common) - len(changed)}/{len(common)} answers as in {where.name}"
              + (f"; changed: {changed[:4]}" if changed else ""))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--check-exhaustive", action="store_true")
    parser.add_argument("--answers", type=Path, help="write every query's (total, top-10 ids) here")
    parser.add_argument("--expect", type=Path, help="compare every answer with this --answers file")
    parser.add_argument("--slowest", type=int, default=0, metavar="N",
                        help="print each mode's N slowest queries and where their time went")
    args = parser.parse_args(argv)

    from whoosh.index import open_dir

    from kavosh.index.schema import INDEX_NAME
    from kavosh.engine import Engine

    engine = Engine(args.index)
    ix = open_dir(str(args.index), indexname=INDEX_NAME, readonly=True)  # for titles and the oracle
    with ix.searcher() as searcher:
        # sorted: the sample depends on the documents, not on their order in segments,
        # so a one-writer and a --procs index of the same articles get the same queries
        titles = sorted(f.get("title", "") for f in searcher.all_stored_fields())
    queries = sample_queries(titles, args.queries, args.seed)
    if not queries:
        parser.exit(2, f"{args.index}: no title has Persian or Arabic words to make queries from\n")
    breakdown = Breakdown() if args.slowest else None
    modes = {"all-words": {}, "any-word": {"mode": "any"}, "exact": {"exact": True}}
    if "date_key" in ix.schema:  # an index with dates and sources: filters and sorting too
        modes.update(news_modes(engine))
    for kwargs in modes.values():
        run(engine, queries[:20], **kwargs)  # warm-up: page cache, lexicon, memo
    print(f"{len(queries)} queries from {len(titles):,} titles, index {args.index}")
    report = {}
    slowest = []
    full = bool(args.answers or args.expect)
    for name, kwargs in modes.items():
        times, answers = run(engine, queries, breakdown, full=full, **kwargs)
        report[name] = answers
        print(f"{name:>10}: p50 {statistics.median(times):7.1f} ms   p95 {percentile(times, 95):7.1f}"
              f"   p99 {percentile(times, 99):7.1f}   max {max(times):7.1f}")
        if breakdown is not None:
            slowest.append((name, dict(breakdown.per_query), times, answers))
    for name, per_query, times, answers in slowest:
        breakdown.per_query = per_query
        breakdown.report(name, queries, times, answers, args.slowest)
    if "date_key" in ix.schema:
        plain, faceted = [], []  # alternated twice, so a change of load hits both
        for _round in range(2):
            plain += without_facets(engine, queries)
            faceted += run(engine, queries)[0]
        for name, times in (("no facets", plain), ("facets", faceted)):
            print(f"{name:>10}: p50 {statistics.median(times):7.1f} ms   p95 {percentile(times, 95):7.1f}"
                  f"   p99 {percentile(times, 99):7.1f}   max {max(times):7.1f}   (all-words, 2 rounds)")
        print(f"facets / no facets: p50 {statistics.median(faceted) / statistics.median(plain):.2f}x")
    corrections = _time_corrections(engine, queries)
    report["did-you-mean"] = corrections
    if args.answers:
        args.answers.write_text(json.dumps(report, ensure_ascii=False, indent=0), encoding="utf-8")
    if args.expect:
        _compare(report, json.loads(args.expect.read_text(encoding="utf-8")), args.expect)
    if args.check_exhaustive:
        # Without near-duplicate folding: the oracle knows nothing of reprints.
        _times, uncollapsed = run(engine, queries, collapse=False)
        differ = [q for _k, q in queries
                  if isinstance(uncollapsed[q], tuple)
                  and uncollapsed[q][1] != exhaustive_top(ix, engine, q)]
        print(f"top 10 vs exhaustive scoring: {len(queries) - len(differ)}/{len(queries)} identical"
              + (f"; differ: {differ[:5]}" if differ else ""))
    engine.close()
    ix.close()


if __name__ == "__main__":
    main()
