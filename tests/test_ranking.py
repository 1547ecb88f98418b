"""Ranking a reader expects (search/ranking.py), on a real index of a small mixed archive.

The articles are written here: Persian and Arabic stories about Iran, so that a Persian
query's words are far more common in the Persian documents, and two stories in which
the words «اینترنت ملی» stand together in one and far apart in the other.
"""

from __future__ import annotations

import json

import pytest

from kavosh import ranking
from kavosh.engine import Engine
from kavosh.index.writer import index_paths

FILLER_FA = ("بازار امروز آرام بود و قیمت‌ها در بیشتر شهرها تغییری نکرد. کارشناسان "
             "می‌گویند فصل تازه با باران بیشتری همراه خواهد بود و کشاورزان امیدوارند. ")
FILLER_AR = ("شهدت الأسواق هدوءا اليوم واستقرت الأسعار في معظم المدن. ويقول الخبراء "
             "إن الموسم الجديد سيكون أكثر مطرا وإن المزارعين متفائلون. ")

ARTICLES = [
    # Persian stories that name Iran once, in long texts: BM25 likes them less ...
    {"id": "fa-1", "lang": "fa", "title": "گزارش اقتصادی هفته",
     "body": "صادرات ایران در ماه گذشته افزایش یافت. " + FILLER_FA * 2},
    {"id": "fa-2", "lang": "fa", "title": "سفر وزیر",
     "body": "وزیر خارجه ایران امروز به پایتخت همسایه رفت. " + FILLER_FA * 2},
    {"id": "fa-3", "lang": "fa", "title": "فوتبال",
     "body": "تیم ملی ایران در بازی دوستانه پیروز شد. " + FILLER_FA * 2},
    {"id": "fa-4", "lang": "fa", "title": "هوا", "body": FILLER_FA * 2},
    # ... than this short Arabic one, which names it twice: scores close, language differs.
    {"id": "ar-1", "lang": "ar", "title": "خبر قصير",
     "body": "قالت الحكومة الإيرانية إن المحادثات مستمرة. " + FILLER_AR},
    {"id": "ar-2", "lang": "ar", "title": "الطقس", "body": FILLER_AR * 2},
    {"id": "ar-3", "lang": "ar", "title": "الرياضة", "body": "فاز الفريق في المباراة. " + FILLER_AR * 2},
    {"id": "ar-4", "lang": "ar", "title": "الاقتصاد", "body": "ارتفعت الصادرات هذا العام. " + FILLER_AR * 2},
    {"id": "ar-5", "lang": "ar", "title": "المدن", "body": "افتتحت الحديقة الجديدة أمس. " + FILLER_AR * 2},
    {"id": "ar-6", "lang": "ar", "title": "التعليم", "body": "بدأ العام الدراسي الجديد. " + FILLER_AR * 2},
    # Only an Arabic story has this name in Arabic letters.
    {"id": "ar-7", "lang": "ar", "title": "زيارة", "body": "وصل ترامب إلى العاصمة في زيارة قصيرة. " + FILLER_AR},
    {"id": "fa-5", "lang": "fa", "title": "دیدار", "body": "ترامپ با رئیس جمهور فرانسه دیدار کرد. " + FILLER_FA},
    {"id": "fa-6", "lang": "fa", "title": "سیاست", "body": "ترامپ دوباره درباره تعرفه‌ها سخن گفت. " + FILLER_FA},
    # The phrase, once, in a long story ...
    {"id": "fa-phrase", "lang": "fa", "title": "شبکه",
     "body": FILLER_FA + "طرح اینترنت ملی در مجلس بررسی شد. " + FILLER_FA},
    # ... and the two words far apart in a shorter one.
    {"id": "fa-apart", "lang": "fa", "title": "بانک",
     "body": "سرعت اینترنت در شهرها کم است. " + FILLER_FA + "بانک ملی شعبه تازه‌ای گشود."},
]


@pytest.fixture(scope="module")
def mixed_index(tmp_path_factory):
    docs = tmp_path_factory.mktemp("mixed-docs")
    (docs / "news.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES),
                                     encoding="utf-8")
    target = tmp_path_factory.mktemp("mixed-index")
    index_paths(target, [docs])
    return target


def _ids(engine, query, **kw):
    return [hit.id for hit in engine.search(query, collapse=False, **kw).hits]


def test_a_persian_query_ranks_persian_stories_first_when_scores_are_close(mixed_index, monkeypatch):
    with Engine(mixed_index) as engine:
        with engine.searching() as searcher:
            assert ranking.language_of(searcher, engine.parse("ایران").words) == "fa"
        ranked = _ids(engine, "ایران")
        assert {i[:2] for i in ranked[:3]} == {"fa"}
        assert "ar-1" in ranked  # the Arabic story is still found, below them
        monkeypatch.setattr(ranking, "LANGUAGE_BOOST", 1.0)
    with Engine(mixed_index) as plain:  # BM25 alone ranks the short Arabic story first
        assert _ids(plain, "ایران")[0] == "ar-1"


def test_an_arabic_query_prefers_arabic_and_a_name_still_finds_both_scripts(mixed_index):
    with Engine(mixed_index) as engine:
        with engine.searching() as searcher:
            assert ranking.language_of(searcher, engine.parse("المحادثات").words) == "ar"
        both = _ids(engine, "ترامپ")
        assert set(both) == {"fa-5", "fa-6", "ar-7"}  # the Arabic spelling ترامب is found too
        assert both[-1] == "ar-7"  # the Persian spelling's stories first
        assert _ids(engine, "ترامب")[0] == "ar-7"


def test_the_phrase_outranks_the_same_words_far_apart(mixed_index, monkeypatch):
    with Engine(mixed_index) as engine:
        for mode in ("all", "any"):
            ranked = _ids(engine, "اینترنت ملی", mode=mode)
            assert ranked.index("fa-phrase") < ranked.index("fa-apart"), mode
        ranked = [doc_id for doc_id, _score in engine.rank("اینترنت ملی", mode="any")]
        assert ranked.index("fa-phrase") < ranked.index("fa-apart")
    monkeypatch.setattr(ranking, "PROXIMITY_WEIGHT", 0.0)
    with Engine(mixed_index) as plain:  # without proximity, BM25 prefers the story saying each word twice
        ranked = _ids(plain, "اینترنت ملی")
        assert ranked.index("fa-apart") < ranked.index("fa-phrase")


def test_closeness_is_one_for_the_phrase_and_falls_with_distance():
    assert ranking.closeness([4], [5], 1) == 1.0
    assert ranking.closeness([4], [6], 2) == 1.0  # a stop word between, as typed
    assert ranking.closeness([4], [7], 1) == pytest.approx(1 / 3)
    assert ranking.closeness([5], [4], 1) == pytest.approx(1 / 3)  # the other order: two off
    assert ranking.closeness([1], [40], 1) == 0.0


@pytest.mark.parametrize("persian, arabic", [("ایران", "ايران"), ("اینترنت ملی", "اينترنت ملي"),
                                             ("کریم ایران", "كريم ايران")])
def test_the_other_keyboard_gets_the_same_language_and_proximity(mixed_index, persian, arabic):
    """What ranking adds is decided from the index, not from ي/ی or ك/ک."""
    with Engine(mixed_index) as engine, engine.searching() as searcher:
        fa, ar = engine.parse(persian), engine.parse(arabic)
        assert fa.words == ar.words
        assert ranking.preference(searcher, fa.words) == ranking.preference(searcher, ar.words)
        top = [(1.0, d) for d in range(searcher.doc_count_all())]
        assert (ranking.rescored(searcher, top, fa.words, fa.stopped)
                == ranking.rescored(searcher, top, ar.words, ar.stopped))


@pytest.mark.parametrize("persian, arabic", [("ایران", "ايران"), ("اینترنت ملی", "اينترنت ملي")])
def test_the_other_keyboard_gives_the_identical_ranking(mixed_index, persian, arabic):
    with Engine(mixed_index) as engine:
        fa = [(h.id, h.score) for h in engine.search(persian, collapse=False).hits]
        ar = [(h.id, h.score) for h in engine.search(arabic, collapse=False).hits]
    assert fa == ar


def test_an_export_lists_the_hits_in_the_search_order(mixed_index):
    """The export scores every match the same way: the language factor and the proximity of the top."""
    with Engine(mixed_index) as engine:
        for query in ("اینترنت ملی", "ایران"):
            shown = [(hit.id, hit.score) for hit in engine.search(query, collapse=False).hits]
            with engine.export(query) as rows:
                exported = [(row["id"], row["score"]) for row in rows]
            assert exported == shown, query
