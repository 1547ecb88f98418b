"""bench/name_eval.py scores a name set right: run on a real six-document index of text written
here, where which documents the engine returns does not depend on stemming (every hit contains
the query's own word), so the figures are known in advance."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import name_eval  # noqa: E402

DOCS = {
    "news-fa.jsonl": [
        {"id": "fa-1", "lang": "fa", "title": "گل علی کریمی",
         "body": "علی کریمی در ورزشگاه آزادی گل زد و هواداران تا پایان بازی شادی کردند."},
        {"id": "fa-2", "lang": "fa", "title": "بازگشت به تمرین",
         "body": "علی کریمی پس از دو هفته مصدومیت به تمرین تیم بازگشت و با مربی گفت‌وگو کرد."},
        {"id": "fa-3", "lang": "fa", "title": "وزیر پیشنهادی صنعت",
         "body": "حمید کریمی وزیر پیشنهادی صنعت برنامه‌های خود را در مجلس ارائه کرد."},
        {"id": "fa-4", "lang": "fa", "title": "مسابقه خیریه",
         "body": "جادوگر فوتبال ایران در یک مسابقه خیریه در شیراز بازی کرد."},
        {"id": "fa-5", "lang": "fa", "title": "بازار تهران",
         "body": "بازار بزرگ تهران امروز شلوغ بود و قیمت فرش بالا رفت."},
    ],
    "news-ar.jsonl": [
        {"id": "ar-1", "lang": "ar", "title": "الطقس في الرياض",
         "body": "ارتفعت درجات الحرارة في مدينة الرياض اليوم إلى خمس وأربعين درجة."},
    ],
}

# Only Ali Karimi counts (his name, or his nickname "the magician"); another Karimi is a confusion.
NAME_SET = {"queries": [
    {"query": "کریمی", "twin": "كريمي", "category": "person", "lang": "fa",
     "relevant": ["علی کریمی", "جادوگر"], "confusions": ["حمید کریمی"]},
    {"query": "تهران", "category": "place", "lang": "fa", "relevant": ["<P>تهران"]},
]}


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    from kavosh.index.writer import index_paths

    corpus = tmp_path_factory.mktemp("names-corpus")
    for name, records in DOCS.items():
        (corpus / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                   encoding="utf-8")
    index = tmp_path_factory.mktemp("names-index")
    index_paths(index, [corpus])
    name_set = corpus.parent / "names-set.json"
    name_set.write_text(json.dumps(NAME_SET, ensure_ascii=False), encoding="utf-8")
    return {"corpus": corpus, "index": index, "set": name_set, "cache": tmp_path_factory.mktemp("cache")}


def run(bench, *extra, capsys=None) -> dict:
    name_eval.main(["--index", str(bench["index"]), "--corpus", str(bench["corpus"]),
                    "--set", str(bench["set"]), "--cache", str(bench["cache"]), "--json", *extra])
    return json.loads(capsys.readouterr().out)


def test_precision_recall_and_confusions_on_a_real_index(bench, capsys):
    result = run(bench, capsys=capsys)
    rows = {r["query"]: r for r in result["rows"]}
    karimi = rows["کریمی"]
    assert karimi["hits"] == 3  # fa-1, fa-2, fa-3: the documents that contain کریمی
    assert karimi["relevant"] == 3  # fa-1, fa-2 and fa-4 (the nickname, which the query cannot find)
    assert karimi["p10"] == pytest.approx(2 / 3)  # two relevant hits, capped at 3 relevant documents
    assert karimi["recall"] == pytest.approx(2 / 3)
    assert karimi["confusions"] == 1 and karimi["confused_ids"] == ["fa-3"]
    tehran = rows["تهران"]
    assert (tehran["hits"], tehran["relevant"], tehran["p10"], tehran["recall"]) == (1, 1, 1.0, 1.0)


def test_the_other_keyboard_twin_is_run_and_compared(bench, capsys):
    from kavosh.engine import Engine

    result = run(bench, capsys=capsys)
    rows = {r["query"]: r for r in result["rows"]}
    assert set(rows) == {"کریمی", "كريمي", "تهران"}
    with Engine(bench["index"]) as engine:
        same = name_eval.run_query(engine, "کریمی") == name_eval.run_query(engine, "كريمي")
    assert rows["کریمی"]["twin_identical"] is same and rows["كريمي"]["twin_identical"] is same
    assert "twin_identical" not in rows["تهران"]
    assert result["means"]["person"]["twins_identical"] == (1.0 if same else 0.0)


def test_scores_of_known_lists():
    query = name_eval.NameQuery("x", "person", "fa", relevant=[])
    judged = name_eval.Judgement(relevant={"a", "b", "c", "d"}, confusions={"z"})
    page = ["a", "z", "b", "y", "c"]
    row = name_eval.score_query(query, "x", judged, page, page + ["q"], twin_list=(page[::-1], page))
    assert row["p10"] == pytest.approx(3 / 4) and row["p100"] == pytest.approx(3 / 4)
    assert row["recall"] == pytest.approx(3 / 4) and row["confusions"] == 1
    assert row["twin_identical"] is False  # same ids, another order
    assert name_eval.precision_at(["a"] * 0, set(), 10) == 1.0  # nothing to find, nothing found


def test_a_twin_that_is_not_the_same_words_is_refused(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"queries": [{"query": "ترامپ", "twin": "ترامب", "category": "person",
                                            "lang": "fa", "relevant": ["ترامپ"]}]},
                              ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit, match="not the same words"):
        name_eval.load_set(bad)
    assert name_eval.other_keyboard("کریمی") == "كريمي"
    assert name_eval.other_keyboard("السعودية") == "السعودیه"


def test_the_committed_name_set_loads_with_real_twins():
    queries = name_eval.load_set()
    assert len(queries) >= 60
    assert {q.category for q in queries} >= {"person", "place", "org", "acronym", "two-word",
                                              "noun-adj", "confusable", "latin"}


def test_a_spelling_can_need_a_word_nearby_or_forbid_the_word_before():
    """ظریف counts beside his office; الطائرة after الكرة (volleyball) is not an aircraft."""
    from kavosh.index.normalize import normalize_token

    queries = [
        name_eval.NameQuery("ظریف", "person", "fa", relevant=[
            name_eval.spelling({"re": "<P>ظریف", "with": "(?:وزیر|جواد)"})]),
        name_eval.NameQuery("الطائرات", "confusable", "ar", relevant=[
            name_eval.spelling({"re": "<A>طایره", "not_after": "<A>کره"})], confusions=[
            name_eval.spelling("<A>طایر")]),
    ]
    texts = {"minister": "وزیر خارجه ظریف به نیویورک رفت", "delicate": "کنترل ظریف صدا در آواز",
             "plane": "هبطت الطائرة في المطار", "volleyball": "فاز منتخب الكرة الطائرة",
             "bird": "طار الطائر فوق الشجرة"}
    docs = [(doc_id, "fa", [normalize_token(w) for w in text.split()]) for doc_id, text in texts.items()]
    judged = name_eval.judge(queries, docs)
    assert judged["ظریف"].relevant == {"minister"}
    assert judged["الطائرات"].relevant == {"plane"}
    assert judged["الطائرات"].confusions == {"bird"}
