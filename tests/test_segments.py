"""An index in several segments answers exactly as one segment of the same documents.

Checked on real news articles: every matching document's score, the totals and
the language counts, in all three modes.  Two whoosh behaviours broke this:
DisjunctionMax scored a document with a clause standing on another document
(search/dismax.py), and a several-segment reader listed fuzzy neighbours with
another edit distance (search/spelling.py).
"""

from __future__ import annotations

import gzip
import itertools
import json
import random
from pathlib import Path

import pytest
from whoosh import query as Q
from whoosh.index import open_dir

from kavosh.engine import Engine
from kavosh.index import writer as writer_mod
from kavosh.index.schema import INDEX_NAME
from kavosh.index.writer import index_paths

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
PER_LANGUAGE = 150

pytestmark = pytest.mark.skipif(not (CORPORA / "news-fa.jsonl.gz").exists(), reason="../shared/corpora missing")


@pytest.fixture(scope="module")
def two_indexes(tmp_path_factory):
    data = tmp_path_factory.mktemp("news")
    titles = []
    for name in ("news-fa.jsonl.gz", "news-ar.jsonl.gz"):
        with gzip.open(CORPORA / name, "rt", encoding="utf-8") as fh, \
                open(data / name.replace(".gz", ""), "w", encoding="utf-8") as out:
            for line in itertools.islice(fh, PER_LANGUAGE):
                out.write(line)
                titles.append(json.loads(line).get("title", ""))
    one, several = tmp_path_factory.mktemp("one"), tmp_path_factory.mktemp("several")
    index_paths(one, [data], procs=1)
    saved = writer_mod.PARALLEL_MIN_BYTES
    writer_mod.PARALLEL_MIN_BYTES = 0
    try:
        index_paths(several, [data], procs=2)
    finally:
        writer_mod.PARALLEL_MIN_BYTES = saved
    return one, several, titles


def _queries(titles: list[str]) -> list[str]:
    rng = random.Random(5)
    out = []
    for title in rng.sample(titles, 60):
        words = [w for w in title.split() if len(w) >= 3 and w.isalpha()]
        if len(words) >= 2:
            i = rng.randrange(len(words) - 1)
            out.append(f"{words[i]} {words[i + 1]}")
        if words:
            w = max(words, key=len)
            out.append(w[:2] + w[3:] if len(w) > 4 else w)  # a typo: variants and the loose key
    return out + ["ایران -آمریکا", "ترامپ OR پوتین", '"وزير الخارجية"']


def test_several_segments_score_every_document_as_one_segment(two_indexes):
    one, several, titles = two_indexes
    assert len(open_dir(str(one), indexname=INDEX_NAME)._segments()) == 1
    assert len(open_dir(str(several), indexname=INDEX_NAME)._segments()) >= 2
    a, b = Engine(one), Engine(several)
    compared = matched = 0
    try:
        for query in _queries(titles):
            for mode, exact in (("all", False), ("any", False), ("all", True)):
                scores_a = dict(a.rank(query, mode=mode, exact=exact, limit=10_000))
                scores_b = dict(b.rank(query, mode=mode, exact=exact, limit=10_000))
                assert scores_a == scores_b, (query, mode, exact)
                found_a = a.search(query, mode=mode, exact=exact)
                found_b = b.search(query, mode=mode, exact=exact)
                assert (found_a.total, found_a.langs) == (found_b.total, found_b.langs), (query, mode, exact)
                # The same ten scores; documents of equal score may come in index order.
                assert [h.score for h in found_a.hits] == [h.score for h in found_b.hits]
                compared += 1
                matched += len(scores_a)
    finally:
        a.close()
        b.close()
    assert compared > 100 and matched > 1000


def test_a_disjunction_max_scores_each_document_by_its_own_best_clause(two_indexes):
    from kavosh.dismax import BestOf

    engine = Engine(two_indexes[0])
    try:
        with engine.searching() as searcher:
            reader = searcher.reader()
            # Words in some documents but not all, each side matching other documents.
            common = sorted(((reader.doc_frequency("body", t), t.decode("utf-8"))
                             for t in reader.lexicon("body")
                             if 2 <= reader.doc_frequency("body", t) < reader.doc_count() // 2), reverse=True)
            sides, seen = [], set()
            for _df, term in common:
                docs = frozenset(searcher.docs_for_query(Q.Term("body", term)))
                if docs not in seen:
                    seen.add(docs)
                    sides.append(Q.Term("body", term, boost=1.0 + len(sides)))
                if len(sides) == 4:
                    break
            alone = [{h.docnum: h.score for h in searcher.search(q, limit=None)} for q in sides]
            query = BestOf(sides)
            combined = {h.docnum: h.score for h in searcher.search(query, limit=None)}
    finally:
        engine.close()
    assert len(sides) == 4 and set(combined) == set().union(*alone)
    assert any(len([s for s in alone if d in s]) == 1 for d in combined)  # a document only one side matches
    for docnum, score in combined.items():
        assert score == max(s.get(docnum, 0.0) for s in alone), docnum
