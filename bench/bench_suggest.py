"""Search-as-you-type cost on a real index: ``Vocabulary.completions`` and ``/api/suggest``.

    python bench/bench_suggest.py --index DIR                     # medians and tails per pass
    python bench/bench_suggest.py --index DIR --answers new.json --expect old.json  # any answer changed?

Two sets of what people type:

* ``common``: the 50 most frequent two- and three-letter beginnings of the
  words in the index's titles (counted by occurrence: ``ال``, ``اس``, ``مي``…);
  a one-letter prefix gets no completions (``MIN_PREFIX``) and costs nothing;
* ``typed``: every prefix from the second letter on of 25 real queries
  (sampled from the titles as bench_queries.py samples its word pairs), as the
  page asks while a person types ``الطائرات المسيرة``: ``ال``, ``الط``… ``الطائرات ال``…

Each set is timed in three passes over a fresh engine: ``first`` (nothing
known yet: every prefix computed, stems' surface forms read from documents),
``repeat`` (the same prefixes again: what most calls are, since everyone types
the same beginnings) and, where the code has it, ``miss`` (the uncached
computation with the surface forms known: a prefix of the current commit not
asked before).  Then ``/api/suggest`` through the real Flask app (test client),
first and repeated.  Run it with another checkout's interpreter for a before
and after (that code's ``repeat`` is as uncached as its ``first``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_queries import WORD_CHARS, percentile, sample_queries  # noqa: E402


def common_prefixes(titles: list[str], n: int = 50) -> list[str]:
    counts: Counter = Counter()
    for title in titles:
        for word in title.split():
            if set(word) <= WORD_CHARS:
                for k in (2, 3):
                    if len(word) >= k:
                        counts[word[:k]] += 1
    return [p for p, _ in counts.most_common(n)]


def typed_prefixes(titles: list[str], n: int = 25) -> list[str]:
    queries = [q for kind, q in sample_queries(list(titles), 200) if kind == "pair"][:n]
    return [q[:k] for q in queries for k in range(2, len(q) + 1)]


def _timed(call, prefixes) -> tuple[list[float], dict]:
    times, answers = [], {}
    for prefix in prefixes:
        started = time.perf_counter()
        answers[prefix] = call(prefix)
        times.append((time.perf_counter() - started) * 1000)
    return times, answers


def _line(name: str, times: list[float]) -> str:
    return (f"{name:>22}: p50 {statistics.median(times):7.2f} ms   p99 {percentile(times, 99):7.2f}"
            f"   max {max(times):7.2f}   ({len(times)} calls)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--answers", type=Path, help="write every prefix's completions here")
    parser.add_argument("--expect", type=Path, help="compare every answer with this --answers file")
    args = parser.parse_args(argv)

    from kavosh.engine import Engine
    from kavosh.web.app import create_app

    with Engine(args.index) as engine:
        with engine.searching() as searcher:
            titles = sorted(f.get("title", "") for f in searcher.all_stored_fields())
    sets = {"common": common_prefixes(titles), "typed": typed_prefixes(titles)}
    print(f"index {args.index}: {len(sets['common'])} common prefixes, {len(sets['typed'])} typed")
    answers = {}
    for name, prefixes in sets.items():
        with Engine(args.index) as engine:
            vocabulary = engine.vocabulary
            first, answers[name] = _timed(vocabulary.completions, prefixes)
            repeat, again = _timed(vocabulary.completions, prefixes)
            assert again == answers[name], "a repeated prefix answered otherwise"
            print(_line(f"{name} first", first))
            print(_line(f"{name} repeat", repeat))
            if hasattr(vocabulary, "completed_words"):
                times, uncached = _timed(lambda p: vocabulary.completions(p, cached=False), prefixes)
                assert uncached == answers[name], "the uncached computation answered otherwise"
                print(_line(f"{name} miss", times))
        client = create_app(args.index).test_client()

        def api(prefix):
            response = client.get("/api/suggest", query_string={"q": prefix})
            assert response.status_code == 200, response.status_code
            return response.get_json()["suggestions"]
        first, got = _timed(api, prefixes)
        repeat, _ = _timed(api, prefixes)
        assert got == answers[name], "/api/suggest answered otherwise than the engine"
        print(_line(f"{name} /api/suggest first", first))
        print(_line(f"{name} /api/suggest repeat", repeat))
    if args.answers:
        args.answers.write_text(json.dumps(answers, ensure_ascii=False, indent=0))
    if args.expect:
        expected = json.loads(args.expect.read_text())
        changed = [(name, p) for name in answers for p in answers[name]
                   if expected.get(name, {}).get(p) != answers[name][p]]
        print(f"against {args.expect}: {len(changed)} of {sum(map(len, answers.values()))} answers changed")
        for name, p in changed[:20]:
            print(f"  {name} {p!r}: {expected.get(name, {}).get(p)} -> {answers[name][p]}")
        if changed:
            sys.exit(1)


if __name__ == "__main__":
    main()
