"""The query parser on its own: what each piece of syntax becomes, and that no text crashes it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kavosh.index.errors import QueryError
from kavosh.engine import Engine
from kavosh.query import OTHER_LANGUAGE_WEIGHT, TITLE_WEIGHT, QueryParser


def _terms(q):
    return {(t.fieldname, t.text, round(t.boost, 4)) for t in q.leaves() if hasattr(t, "text")}


def test_other_languages_stem_weighs_less_when_the_query_tells_its_language():
    # A Persian-only letter (پ) tells: روزهای's Arabic stem روزها is still searched, at a lower weight.
    terms = _terms(QueryParser("any", variants=False).parse("روزهای پایتخت").query)
    assert ("body", "روز", 1.0) in terms
    assert ("body", "روزها", OTHER_LANGUAGE_WEIGHT) in terms
    assert ("title", "روز", TITLE_WEIGHT) in terms


def test_the_keyboards_yeh_and_kaf_do_not_tell_the_language():
    # ی or ي, ک or ك: which keyboard was at hand, not which language; the same query either way.
    persian, arabic = (QueryParser("any", variants=False).parse(q).query for q in ("روزهای کشور", "روزهاي كشور"))
    assert _terms(persian) == _terms(arabic)
    assert ("body", "روزها", 1.0) in _terms(persian)


def test_a_query_without_language_cues_weighs_both_stems_alike():
    terms = _terms(QueryParser("any", variants=False).parse("الطائرات").query)
    assert ("body", "طایر", 1.0) in terms and ("body", "الطایرات", 1.0) in terms


def test_zwnj_compound_typed_with_a_space_finds_the_joined_word(tmp_path):
    from kavosh.index.writer import index_paths

    docs = tmp_path / "d"
    docs.mkdir()
    (docs / "a.txt").write_text("عنوان\nساخت یک آسمان‌خراش تازه در تهران\n", encoding="utf-8")
    index_paths(tmp_path / "ix", [docs])
    with Engine(tmp_path / "ix") as engine:
        assert engine.search("آسمان خراش").total == 1
        assert engine.search("آسمانخراش").total == 1
        hit = engine.search("خراش").hits[0].to_json()
        assert "<mark>آسمان\u200cخراش</mark>" in hit["snippet"]  # the document's own word


QUERY_ALPHABET = st.sampled_from(
    list("کیفپهپادكييفالطائرات ءًٌٍَُِّْـ\u200c۱٢3") + ['"', "(", ")", "-", "*", "?", ":", "،", "|"]
    + [" OR ", " AND ", " NOT ", "title:", "body:"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(QUERY_ALPHABET, max_size=25).map("".join), st.sampled_from(["all", "any"]),
       st.booleans())
def test_any_text_parses_and_searches_or_says_what_is_wrong(seeds_index, text, mode, exact):
    engine = _engine(seeds_index)
    try:
        result = engine.search(text, mode=mode, exact=exact)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert result.total >= len(result.hits)


_ENGINES = {}


def _engine(path):
    if path not in _ENGINES:
        _ENGINES[path] = Engine(path)
    return _ENGINES[path]


@pytest.mark.parametrize("text", ["النمسا-المجر", 'ما هي عاصمة النمسا-المجر', 'عمان،المملكة "', '"حمله پهپادی" کیف'])
def test_phrases_beside_words_in_ranked_mode(seeds_index, text):
    result = _engine(seeds_index).search(text, mode="any")
    assert result.total >= 0


def test_excluded_words_are_excluded_from_the_first_match_on(tmp_path):
    """`a -b` never counts or shows a document with b (whoosh's AndNotMatcher kept a
    first match when b's postings began earlier)."""
    import itertools
    import json
    import random

    from kavosh.index.writer import index_paths

    rng = random.Random(5)
    words = ["kv" + "".join(rng.choice("abcdefgh") for _ in range(3)) for _ in range(8)]
    docs = {}
    folder = tmp_path / "d"
    folder.mkdir()
    with open(folder / "a.jsonl", "w", encoding="utf-8") as fh:
        for i in range(300):
            docs[f"d{i}"] = set(rng.sample(words, 3))
            fh.write(json.dumps({"id": f"d{i}", "title": "t", "body": " ".join(docs[f"d{i}"])}) + "\n")
    index_paths(tmp_path / "ix", [folder])
    with Engine(tmp_path / "ix") as engine:
        for a, b in itertools.permutations(words[:6], 2):
            want = {d for d, ws in docs.items() if a in ws and b not in ws}
            for text in (f"{a} -{b}", f"{a} NOT {b}", f"{a} (-{b})"):
                result = engine.search(text, exact=True, limit=100)
                assert result.total == len(want), text
                assert {h.id for h in result.hits} <= want, text


def test_a_prefix_ranks_the_story_that_uses_its_words_above_a_passing_mention(tmp_path):
    # whoosh scored a pattern as a constant on a segment of up to 5,000 documents (and added
    # its words' scores on a larger one), so on a small index, or in a new segment of a large
    # one, the story indexed first came first whatever it said.
    from kavosh.index.writer import index_paths

    passing, about = tmp_path / "passing", tmp_path / "about"
    passing.mkdir(), about.mkdir()
    (passing / "a.txt").write_text(
        "گزارش هفتگی بازار\n" + "قیمت سکه و دلار در بازار تهران امروز تغییر کرد. " * 6
        + "در یک روستا فروش روسری و کالای روسیه هم کم شد.\n", encoding="utf-8")
    (about / "b.txt").write_text(
        "سفر به مسکو\nرئیس‌جمهور روسیه به روسیه بازگشت؛ روسیه در روستا و روسری گفتگو کرد.\n",
        encoding="utf-8")
    index_paths(tmp_path / "ix", [passing])  # the passing mention first, in its own segment
    index_paths(tmp_path / "ix", [about])
    with Engine(tmp_path / "ix") as engine:
        ranked = engine.rank("روس*", mode="all", limit=10)
        assert [doc_id.rsplit("/", 1)[-1] for doc_id, _score in ranked] == ["b.txt", "a.txt"]
        assert ranked[0][1] > 1.5 * ranked[1][1]
