"""Scoring a query list by list (search/list_scoring.py) gives whoosh's own scores, bit for bit.

On a real index of news articles, part of it deleted (so a segment filters its
deleted documents), every matching document's score from ``AllScored`` is
compared with the score whoosh's matcher tree gives it one document at a
time (times the query's language factor, search/ranking.py), for word pairs,
typos (variants, the loose key and its fuzzy neighbours), phrases, OR,
exclusions and prefixes in all three modes; and the engine's top 10 and total
with a plain whoosh search that scores every match, ranked by the same rules
(the language factor on every match, proximity on the top window).
"""

from __future__ import annotations

import gzip
import itertools
import json
import random
from pathlib import Path

import pytest
from whoosh.index import open_dir
from whoosh.searching import TimeLimit

from kavosh import ranking
from kavosh.engine import Engine
from kavosh.index.schema import INDEX_NAME
from kavosh.index.writer import index_paths, remove_paths
from kavosh.list_scoring import AllScored, ChunkScored
from kavosh.matching import Deadline, expand

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
PER_LANGUAGE = 160
MODES = (("all", False), ("any", False), ("all", True))

pytestmark = pytest.mark.skipif(not (CORPORA / "news-fa.jsonl.gz").exists(), reason="../shared/corpora missing")


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    """(index dir, titles): 320 real articles indexed, then a quarter of them removed."""
    data = tmp_path_factory.mktemp("articles")
    (data / "later").mkdir()
    titles = []
    for name in ("news-fa.jsonl.gz", "news-ar.jsonl.gz"):
        with gzip.open(CORPORA / name, "rt", encoding="utf-8") as fh:
            lines = list(itertools.islice(fh, PER_LANGUAGE))
        stem = name.replace(".jsonl.gz", "")
        (data / f"{stem}.jsonl").write_text("".join(lines[:120]), encoding="utf-8")
        (data / "later" / f"{stem}.jsonl").write_text("".join(lines[120:]), encoding="utf-8")
        titles += [json.loads(line).get("title", "") for line in lines[:120]]
    index_dir = tmp_path_factory.mktemp("index")
    index_paths(index_dir, [data])
    remove_paths(index_dir, [data / "later"])
    return index_dir, titles


def _queries(titles: list[str]) -> list[str]:
    rng = random.Random(11)
    out = []
    for title in rng.sample(titles, 50):
        words = [w for w in title.split() if len(w) >= 3 and w.isalpha()]
        if len(words) >= 2:
            i = rng.randrange(len(words) - 1)
            out.append(f"{words[i]} {words[i + 1]}")
        if len(words) >= 3:
            out.append('"' + " ".join(words[:3]) + '"')
        if words:
            w = max(words, key=len)
            out.append(w)  # ranked: its loose key and that key's neighbours, which overlap
            out.append(w[:2] + w[3:] if len(w) > 4 else w)
    return out + ["ایران -آمریکا", "ترامپ OR پوتین", "وزير*", "(ایران OR عراق) نفت", "title:ایران"]


def _whoosh_scores(query, searcher) -> dict[int, float]:
    """Every match's score, as whoosh's own matcher tree gives it one document at a time."""
    scores = {}
    context = searcher.context()
    for leaf, offset in searcher.leaf_searchers():
        m = query.matcher(leaf, context)
        while m.is_active():
            scores[offset + m.id()] = m.score()
            m.next()
    return scores


def test_every_match_scores_as_whoosh_scores_it(news):
    index_dir, titles = news
    with Engine(index_dir) as engine, engine.searching() as searcher:
        assert any(leaf.reader().has_deletions() for leaf, _ in searcher.leaf_searchers())
        compared = 0
        for text in _queries(titles):
            for mode, exact in MODES:
                parsed = engine.parse(text, mode, exact)
                if parsed.empty:  # only stop words
                    continue
                scored, _terms, _keys = expand(parsed, searcher, Deadline(None))
                assert isinstance(scored, AllScored)
                expected = _whoosh_scores(scored.query, searcher)
                prefer = scored.preference(searcher)
                if prefer is not None:
                    expected = prefer.apply(searcher, expected)
                assert _whoosh_scores(scored, searcher) == expected, (text, mode, exact)
                compared += len(expected)
        assert compared > 2_000  # thousands of matches, not a handful


def test_the_top_10_and_total_are_those_of_exhaustive_whoosh_scoring(news):
    """Every match scored by whoosh, times the query's language factor, ranked; the top
    ``PROXIMITY_WINDOW`` of that rescored by proximity: the engine's top 10."""
    index_dir, titles = news
    ix = open_dir(str(index_dir), indexname=INDEX_NAME, readonly=True)
    preferred = 0
    with (Engine(index_dir) as engine, ix.searcher(weighting=engine.weighting) as plain,
          engine.searching() as searcher):
        for text in _queries(titles):
            for mode, exact in MODES:
                parsed = engine.parse(text, mode, exact)
                if parsed.empty:
                    continue
                found = engine.search(text, mode=mode, exact=exact, collapse=False)
                every = _whoosh_scores(parsed.query, plain)
                prefer = ranking.preference(searcher, parsed.words)
                if prefer is not None:
                    every = prefer.apply(searcher, every)
                    preferred += 1
                ranked = sorted(((score, d) for d, score in every.items()), key=lambda sd: (-sd[0], sd[1]))
                top = ranking.rescored(searcher, ranked[:ranking.PROXIMITY_WINDOW], parsed.words,
                                       parsed.stopped)[:10]
                ids = [searcher.stored_fields(d)["id"] for _score, d in top]
                assert [hit.id for hit in found.hits] == ids, (text, mode)
                assert found.total == len(every), (text, mode)
    assert preferred > 20  # the language factor was part of what was compared
    ix.close()


class _StopsAfter(Deadline):
    """A deadline that passes at its ``n``-th look at the clock."""

    def __init__(self, n: int):
        super().__init__(None)
        self.looks, self.n = 0, n

    def check(self):
        self.looks += 1
        if self.looks >= self.n:
            raise TimeLimit


def test_a_search_cut_short_keeps_the_chunks_it_scored(news):
    index_dir, _titles = news
    with Engine(index_dir) as engine, engine.searching() as searcher:
        scored, _t, _k = expand(engine.parse("ایران", "any"), searcher, Deadline(None))
        every = _whoosh_scores(scored.query, searcher)
        (leaf, offset), = searcher.leaf_searchers()
        matcher = ChunkScored(scored.query.matcher(leaf, searcher.context()), leaf.doc_count_all(),
                              _StopsAfter(3), chunk=64)
        seen = {}
        with pytest.raises(TimeLimit):
            for ids, scores in matcher.chunks():
                seen.update((d, scores[d]) for d in ids)
    assert seen and len(seen) < len(every)
    assert seen == {d: s for d, s in every.items() if d < max(seen) + 1}  # every match up to there, as scored
