"""The analysis chain as data: a document's language decided once, and an index
built with other chain options searched and marked with those options.

Each test builds a real index on disk through ``index_paths`` and reads it
back through the engine (or, to see which stems were indexed, whoosh's reader).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kavosh.engine import Engine
from kavosh.index.errors import IncompatibleIndex
from kavosh.index.stemmers import no_stem
from kavosh.index.writer import index_paths


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def _docs_with_term(index_dir: Path, field: str, term: str) -> set[str]:
    engine = Engine(index_dir)
    try:
        with engine.searching() as searcher:
            if (field, term) not in searcher.reader():
                return set()
            ids = searcher.reader().postings(field, term).all_ids()
            return {searcher.stored_fields(n)["id"] for n in ids}
    finally:
        engine.close()


# Two words no letter of which tells Persian from Arabic: detected alone, the
# text is 'other' and each word gets both languages' stems.
AMBIGUOUS = "مدارس الطالبات"


@pytest.mark.parametrize("procs", [None, 2], ids=["one-writer", "two-processes"])
def test_a_declared_language_decides_the_stems_the_index_holds(tmp_path, procs):
    data = _jsonl(tmp_path / "docs.jsonl", [
        {"id": "declared-ar", "lang": "ar", "title": "خبر", "body": AMBIGUOUS},
        {"id": "declared-fa", "lang": "fa", "title": "خبر", "body": AMBIGUOUS},
        {"id": "undeclared", "title": "خبر", "body": AMBIGUOUS},
    ])
    index_paths(tmp_path / "ix", [data], procs=procs)
    # light10 takes ال and ات off الطالبات; the Persian stemmer leaves it whole
    assert _docs_with_term(tmp_path / "ix", "body", "طالب") == {"declared-ar", "undeclared"}
    assert _docs_with_term(tmp_path / "ix", "body", "الطالبات") == {"declared-fa", "undeclared"}


def test_a_short_title_is_stemmed_in_its_documents_language(tmp_path):
    """بیمارستانها alone could be either language (the Arabic stemmer cuts it to
    بیمارست); in a Persian article it is the Persian plural of بیمارستان."""
    body = ("پزشکان گفتند که بیماران زیادی پس از زلزله به بیمارستان‌های شهر منتقل شدند "
            "و گروه‌های امدادی همچنان در منطقه حضور دارند.")
    data = _jsonl(tmp_path / "docs.jsonl", [{"id": "fa-news", "title": "بیمارستانها", "body": body}])
    index_paths(tmp_path / "ix", [data])
    assert _docs_with_term(tmp_path / "ix", "title", "بیمارستان") == {"fa-news"}
    assert _docs_with_term(tmp_path / "ix", "title", "بیمارست") == set()


def test_an_index_built_without_stemming_is_searched_without_it(tmp_path):
    data = _jsonl(tmp_path / "docs.jsonl", [
        {"id": "plural", "title": "کتابخانه", "body": "کتابها در قفسه‌ها چیده شدند."}])
    unstemmed = {"stemmers": {"fa": no_stem, "ar": no_stem}}
    index_paths(tmp_path / "plain", [data], schema_options=unstemmed)
    index_paths(tmp_path / "shipped", [data])
    with Engine(tmp_path / "shipped") as shipped, Engine(tmp_path / "plain") as plain:
        assert [h.id for h in shipped.search("کتاب").hits] == ["plural"]
        assert plain.search("کتاب").hits == []  # the query was not stemmed either
        hit, = plain.search("کتابها").hits
        assert [s.text for s in hit.snippet if s.marked] == ["کتابها"]


def test_extra_stop_words_of_an_index_are_dropped_from_its_queries(tmp_path):
    data = _jsonl(tmp_path / "docs.jsonl", [
        {"id": "tehran", "title": "هوای تهران", "body": "آلودگی هوای تهران امروز بیشتر شد."}])
    index_paths(tmp_path / "ix", [data], schema_options={"extra_stopwords": ["تهران"]})
    with Engine(tmp_path / "ix") as engine:
        result = engine.search("تهران آلودگی")
        assert result.ignored_words == ["تهران"]
        assert [h.id for h in result.hits] == ["tehran"]


def test_an_existing_index_is_not_silently_kept_with_other_options(tmp_path):
    data = _jsonl(tmp_path / "docs.jsonl", [{"id": "a", "title": "خبر", "body": "متن خبر"}])
    index_paths(tmp_path / "ix", [data])
    with pytest.raises(IncompatibleIndex, match="another analysis chain"):
        index_paths(tmp_path / "ix", [data], rebuild=True, schema_options={"title_boost": 1.0})
    # the index is untouched and still answers
    with Engine(tmp_path / "ix") as engine:
        assert [h.id for h in engine.search("خبر").hits] == ["a"]


def test_the_title_boost_is_an_option_of_the_schema(tmp_path):
    data = _jsonl(tmp_path / "docs.jsonl", [
        {"id": "in-title", "title": "زلزله", "body": "گزارشی از منطقه و خرابی‌ها و امداد."},
        {"id": "in-body", "title": "گزارش", "body": "زلزله منطقه را لرزاند."},
    ])
    index_paths(tmp_path / "heavy", [data], schema_options={"title_boost": 4.0})
    index_paths(tmp_path / "light", [data], schema_options={"title_boost": 0.5})

    def scores(index_dir):
        with Engine(index_dir) as engine:
            return {h.id: h.score for h in engine.search("زلزله").hits}

    heavy, light = scores(tmp_path / "heavy"), scores(tmp_path / "light")
    assert heavy["in-title"] > light["in-title"]
    assert heavy["in-body"] == light["in-body"]  # a body match is not boosted


def test_analyze_with_an_index_shows_that_index_s_chain(tmp_path):
    """`kavosh analyze --index DIR` analyses as the index was built, options and all."""
    from click.testing import CliRunner

    from kavosh.cli import main

    data = _jsonl(tmp_path / "docs.jsonl", [{"id": "a", "title": "کتابخانه", "body": "کتابها"}])
    index_paths(tmp_path / "plain", [data], schema_options={"stemmers": {"fa": no_stem, "ar": no_stem}})
    runner = CliRunner(env={"KAVOSH_INDEX": None})
    shipped = json.loads(runner.invoke(main, ["analyze", "--json", "کتابها"]).stdout)
    assert shipped["tokens"][0]["terms"] == ["کتاب"] and shipped["index"] is None
    result = runner.invoke(main, ["analyze", "--json", "--index", str(tmp_path / "plain"), "کتابها"])
    assert result.exit_code == 0, result.output
    plain = json.loads(result.stdout)
    assert plain["tokens"][0]["terms"] == ["کتابها"]
    assert plain["options"] == {"stemmers": {"fa": "no_stem", "ar": "no_stem"}}
    human = runner.invoke(main, ["analyze", "--index", str(tmp_path / "plain"), "کتابها"]).stdout
    assert "chain:    the index at" in human and "stemmers=" in human
    missing = runner.invoke(main, ["analyze", "--index", str(tmp_path / "none"), "کتابها"])
    assert missing.exit_code == 3 and "no index at" in missing.stderr
