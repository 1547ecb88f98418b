"""The exact fields: every word as written (folded, unstemmed, stop words kept) with its position.

Quoted phrases, --exact and names made of stop words are matched there, so what
these fields hold for a real document decides what a quote can find.
"""

from __future__ import annotations

from whoosh import index as whoosh_index

from kavosh.index.analysis import kavosh_analyzer, plain_analyzer
from kavosh.index.schema import EXACT_FIELDS, INDEX_NAME
from kavosh.index.writer import index_paths

TEXT = ("بی بی سی گزارش داد که او به‌عنوان نمایندهٔ دانشجویان دانشجو را دید. "
        "ذَهَبَ الوَلَدُ إلى المدرسة في سبيل الله ١٤٠٣ كتاب")


def _positions(analyzer, text):
    return [(t.text, t.pos) for t in analyzer(text, positions=True)]


def test_verbatim_chain_keeps_stop_words_unstemmed_and_splits_compounds():
    terms = _positions(kavosh_analyzer(verbatim=True), TEXT)
    words = [w for w, _ in terms]
    assert words[:3] == ["بی", "بی", "سی"]  # stop words kept: the BBC is findable
    assert ("به", 7) in terms and ("عنوان", 8) in terms  # به‌عنوان: two words, like "به عنوان"
    assert "دانشجویان" in words and "دانشجو" in words  # one stem, two words: not merged
    assert "ذهب" in words and "الولد" in words  # harakat folded, the article kept
    assert "1403" in words and "کتاب" in words  # digits and the Arabic keyboard's kaf folded
    assert "في" not in words and "فی" in words and "الله" in words


def test_memoized_verbatim_chain_equals_the_plain_one():
    memo = kavosh_analyzer(verbatim=True)
    plain = plain_analyzer(verbatim=True)
    for text in (TEXT, TEXT + " " + TEXT, "کتاب‌ها‌ی من", "ZWNJ‌ at‌ end‌"):
        assert _positions(memo, text) == _positions(plain, text)


def test_indexed_document_has_its_words_as_written_with_positions(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("عنوان خبر بی بی سی\n" + TEXT, encoding="utf-8")
    index_paths(tmp_path / "ix", [docs])
    ix = whoosh_index.open_dir(str(tmp_path / "ix"), indexname=INDEX_NAME)
    with ix.searcher() as s:
        assert set(EXACT_FIELDS.values()) <= set(s.schema.names())
        body = s.reader()
        for word in ("بی", "سی", "به", "عنوان", "دانشجویان", "دانشجو", "الولد"):
            assert body.doc_frequency("body_exact", word) == 1, word
        assert body.doc_frequency("title_exact", "بی") == 1
        # The stemmed body field still drops stop words: bag-of-words queries ignore them.
        assert body.doc_frequency("body", "بی") == 0
        positions = dict(body.postings("body_exact", "عنوان").items_as("positions"))
        assert list(positions.values()) == [[8]]


def test_a_quoted_phrase_is_marked_where_its_words_stand_together_only():
    from kavosh import snippets

    text = "او گفت من و تو با هم و بی بی سی گزارش داد به‌عنوان نماینده"
    spans = snippets.match_spans(text, set(), phrases=[("من", "و", "تو"), ("بی", "بی", "سی"),
                                                        ("به", "عنوان")])
    assert [text[s:e] for s, e, _ in spans] == ["من و تو", "بی بی سی", "به\u200cعنوان"]
    # The lone و after هم is no part of a quoted run: not marked.
    html = snippets.to_html(snippets.snippet_segments(text, set(), phrases=[("بی", "بی", "سی")]))
    assert html.count("<mark>") == 1 and "<mark>بی بی سی</mark>" in html
