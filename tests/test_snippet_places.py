"""A hit's snippet marks the same words whether its body is re-analysed whole or only
where the index says the query's terms are (search/ranking.py ``term_places``,
search/snippets.py ``positions``): the shortcut must never change a mark."""

from __future__ import annotations

import re

from kavosh import ranking, snippets
from kavosh.engine import Engine

# Words of each kind a snippet marks: a plain word, a ZWNJ compound and its parts, a
# hamza seat, the other keyboard's yeh/kaf, a cross-script name, stop words in quotes.
QUERIES = ["ایران", "تهران", "کتاب‌ها", "کتاب ها", "مسئول", "مسؤول", "ايران", "ترامپ", "ترامب",
           "السعودية", "الرئيس", '"به عنوان"', "رئیس جمهور", "دانشگاه", "آب*"]
WORD = re.compile(r"[\u0600-\u06FF\u200c]{3,}")


def _own_words(engine, n=40) -> list[str]:
    """Words of the index's own stored texts, a few from each document."""
    words = []
    for fields in engine.documents():
        found = WORD.findall(fields.get("body", ""))
        words += found[:: max(1, len(found) // 3)][:3]
        if len(words) >= n:
            break
    return words[:n]


def _spans_both_ways(engine, query, mode="all"):
    """(spans from the places, spans from a whole re-analysis) of every hit's body."""
    parsed = engine.parse(query, mode)
    if parsed.empty:
        return []
    from kavosh.matching import Deadline, expand

    out = []
    with engine.searching() as searcher:
        _query, terms, keys = expand(parsed, searcher, Deadline(None))
        result = searcher.search(parsed.query, limit=20)
        docnums = [hit.docnum for hit in result]
        places = ranking.term_places(searcher, terms, docnums)
        for docnum in docnums:
            fields = searcher.stored_fields(docnum)
            body, lang = fields.get("body", ""), fields.get("lang")
            common = dict(limit=snippets.SCAN_CHARS, lang=lang, analyzer=engine.analyzer,
                          phrases=parsed.verbatim_phrases)
            fast = snippets.match_spans(body, terms, keys, positions=None if places is None
                                        else places[docnum], **common)
            whole = snippets.match_spans(body, terms, keys, **common)
            out.append((fields["id"], fast, whole))
    return out


def _check(index_dir, queries):
    with Engine(index_dir) as engine:
        checked = 0
        for query in list(queries) + _own_words(engine):
            for mode in ("all", "any"):
                for doc_id, fast, whole in _spans_both_ways(engine, query, mode):
                    assert fast == whole, (query, mode, doc_id)
                    checked += bool(whole)
        assert checked > 20  # the queries found and marked something


def test_places_mark_what_a_whole_analysis_marks(seeds_index):
    _check(seeds_index, QUERIES)


def test_places_mark_what_a_whole_analysis_marks_on_the_archive(archive_index):
    _check(archive_index, QUERIES)


def test_places_are_read_for_few_terms_only(seeds_index):
    with Engine(seeds_index) as engine, engine.searching() as searcher:
        too_many = {f"x{i}" for i in range(ranking.PLACES_TERMS + 1)}
        assert ranking.term_places(searcher, too_many, [0]) is None
        assert set(ranking.term_places(searcher, {"ایران"}, [0])) == {0}
