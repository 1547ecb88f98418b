"""`kavosh export opensearch`: the files OpenSearch loads, the Query DSL, the CLI's errors.

The analysis itself is checked on real Lucene by bench/opensearch_parity.py
(Java is not part of the test run); here: the settings are what OpenSearch
accepts (every component an analyzer names is defined, every rule parses),
they come from Kavosh's own tables, the bulk files hold every document of a
real index, and queries translate to the DSL expected.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kavosh.cli import main
from kavosh.index.lexicon import stopwords
from kavosh.index.normalize import NORMALIZATION_TABLE
from kavosh.index.opensearch import (KEPT_BY_CHAR_FILTER, EMPTY_LETTERS, parse_rule,
                                     unescape_rule_text)

BUILT_IN_FILTERS = {"lowercase", "remove_duplicates", "arabic_stem"}
BUILT_IN_ANALYZERS = {"keyword", "standard"}
# OpenSearch filter types and the parameters each takes (what the settings may use).
FILTER_PARAMS = {
    "pattern_replace": {"pattern", "replacement", "all"},
    "pattern_capture": {"patterns", "preserve_original"},
    "stop": {"stopwords", "ignore_case"},
    "stemmer_override": {"rules"},
    "length": {"min", "max"},
}


@pytest.fixture(scope="module")
def news_index(tmp_path_factory) -> Path:
    """A small index of JSONL news records with every stored field, built by the real indexer."""
    from kavosh.index.writer import index_paths

    root = tmp_path_factory.mktemp("news")
    records = [
        {"id": "fa-1", "title": "آتش‌سوزی در کارخانه‌های پهپاد", "lang": "fa",
         "body": "گزارش‌ها می‌گویند آتش‌نشانان ساعت‌ها با آتش‌سوزی جنگیدند. مسئولان گفتند پهپادها "
                 "آسیب ندیدند و کارگران به خانه‌هایشان رفتند.",
         "date": "2024-03-01", "source": "irna", "url": "https://example.org/fa-1"},
        {"id": "ar-1", "title": "الرئيس يزور المدينة", "lang": "ar",
         "body": "قال المسؤول إن الرئيس وصل إلى المدينة صباح اليوم، وإن الزيارة تستمر يومين "
                 "لمناقشة مشروعات الطاقة الكهربائية مع ترامب.", "date": "2024-03-02", "source": "spa"},
        {"id": "x" * 600, "title": "Kavosh 2024", "body": "ترامپ و پوتین"},
    ]
    (root / "news.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records),
                                     encoding="utf-8")
    target = tmp_path_factory.mktemp("news-index")
    index_paths(target, [root])
    return target


@pytest.fixture(scope="module")
def export_dir(news_index, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "os"
    result = CliRunner().invoke(main, ["export", "opensearch", "--index", str(news_index),
                                       "--out", str(out), "--name", "news"])
    assert result.exit_code == 0, result.output
    assert "exported 3 documents" in result.output
    return out


def _bulk(out: Path) -> list[tuple[dict, dict]]:
    lines = [line for f in sorted(out.glob("bulk*.ndjson"))
             for line in f.read_text(encoding="utf-8").splitlines()]
    return [(json.loads(a), json.loads(s)) for a, s in zip(lines[::2], lines[1::2])]


def test_the_export_folder_holds_what_the_readme_commands_use(export_dir):
    names = sorted(p.name for p in export_dir.iterdir())
    assert names == ["README.md", "bulk.ndjson", "index.json", "mappings.json", "settings.json"]
    readme = (export_dir / "README.md").read_text(encoding="utf-8")
    assert 'curl -fsS -XPUT "$OPENSEARCH/news"' in readme and "@index.json" in readme
    assert '"$OPENSEARCH/news/_bulk' in readme and "stemmer_override" in readme
    assert '"$OPENSEARCH/news/_search"' in readme and "--query" in readme
    index = json.loads((export_dir / "index.json").read_text(encoding="utf-8"))
    assert index["settings"] == json.loads((export_dir / "settings.json").read_text())["settings"]
    assert index["mappings"] == json.loads((export_dir / "mappings.json").read_text())["mappings"]


def test_every_component_an_analyzer_names_is_defined(export_dir):
    index = json.loads((export_dir / "index.json").read_text(encoding="utf-8"))
    analysis = index["settings"]["index"]["analysis"]
    assert {"kavosh_fa", "kavosh_ar", "kavosh_fa_query", "kavosh_ar_query", "kavosh_variant_fa",
            "kavosh_variant_ar", "kavosh_variant_other"} <= set(analysis["analyzer"])
    for name, spec in analysis["analyzer"].items():
        assert spec["type"] == "custom"
        assert spec["tokenizer"] in analysis["tokenizer"], name
        assert all(cf in analysis["char_filter"] for cf in spec["char_filter"]), name
        for f in spec["filter"]:
            assert f in BUILT_IN_FILTERS or f in analysis["filter"], (name, f)
    for name, spec in analysis["filter"].items():
        assert set(spec) - {"type"} <= FILTER_PARAMS[spec["type"]], name
        for pattern in spec.get("patterns", [spec.get("pattern", "")]):
            re.compile(pattern)  # Java and Python agree on the syntax used (no \p{…} here)
    for name, spec in index["mappings"]["properties"].items():
        for key in ("analyzer", "search_analyzer"):
            if key in spec:
                assert spec[key] in analysis["analyzer"] or spec[key] in BUILT_IN_ANALYZERS, name


def test_the_char_filter_is_the_normalization_table(export_dir):
    analysis = json.loads((export_dir / "settings.json").read_text())["settings"]["index"]["analysis"]
    mapping = {}
    for rule in analysis["char_filter"]["kavosh_normalize"]["mappings"]:
        (key,), value = parse_rule(rule)
        assert len(key) == 1 and key not in mapping
        mapping[key] = value
    assert mapping["\u0643"] == "\u06a9" and mapping["\u064a"] == "\u06cc"  # ك → ک, ي → ی
    assert mapping["\u0629"] == "\u0647" and mapping["\u06f5"] == "5"  # ة → ه, ۵ → 5
    assert mapping["\u064e"] == ""  # fatha removed
    assert "\u200c" not in mapping and "\u200f" not in mapping and "\u0626" not in mapping  # joiners, seats: token filters'
    for code, value in NORMALIZATION_TABLE.items():
        c = chr(code)
        if c in ("\u200b", "\u2060"):  # zero-width space, word joiner: ZWNJ, for the compound parts
            assert mapping[c] == "\u200c"
        elif c in mapping:
            assert mapping[c] == (value or ""), hex(code)
        else:
            assert c in KEPT_BY_CHAR_FILTER or c in EMPTY_LETTERS or c == "\ufdfc", hex(code)


def test_stop_words_and_override_rules_parse_and_come_from_the_chain(export_dir):
    filters = json.loads((export_dir / "settings.json").read_text())["settings"]["index"]["analysis"]["filter"]
    assert set(stopwords()) <= set(filters["kavosh_stop"]["stopwords"])
    rules = {}
    for name in ("kavosh_fa_stems", "kavosh_fa_joined", "kavosh_ar_stems", "kavosh_ar_joined"):
        assert filters[name]["type"] == "stemmer_override" and filters[name]["rules"]
        rules[name] = {}
        for rule in filters[name]["rules"]:
            keys, value = parse_rule(rule, escapes=False)
            assert keys and all(keys) and value and "\\u" not in rule, rule
            rules[name].update((k, value.rstrip("\ue004")) for k in keys)
    assert rules["kavosh_fa_stems"]["میروم"] == "رفت"  # the verb table
    assert rules["kavosh_fa_joined"]["می\u200cروم"] == "رفت"  # a verb with its ZWNJ stays one word
    assert rules["kavosh_fa_joined"]["ان\u200cها"] == "انها"  # a stop word with a ZWNJ, dropped whole
    assert rules["kavosh_fa_joined"]["می\u200cگویند"] == "میگویند"  # a stop word verb, too
    assert rules["kavosh_fa_stems"]["مسیولان"] == "مسیول"  # from the index's own words
    assert rules["kavosh_ar_stems"]["والله"] == "الله"  # Arabic protected words
    assert "الرییس" not in rules["kavosh_ar_stems"]  # plain light10 gets it right: no rule


def test_rule_text_round_trips_invisible_characters():
    from kavosh.index.opensearch import escape_rule_text

    for text in ("a\u200cb", "\u064e", "c\\d", "ﻻ"):
        assert unescape_rule_text(escape_rule_text(text)) == text
    assert escape_rule_text("\u200c") == "\\u200c"


def test_the_bulk_file_holds_every_document_with_its_stored_fields(export_dir, news_index):
    from kavosh.engine import Engine

    with Engine(news_index) as engine:
        stored = {d["id"]: d for d in engine.documents()}
    docs = _bulk(export_dir)
    assert len(docs) == len(stored) == 3
    by_id = {source["id"]: (action, source) for action, source in docs}
    assert set(by_id) == set(stored)
    for doc_id, fields in stored.items():
        action, source = by_id[doc_id]
        for key in ("title", "body", "lang", "date", "source", "url"):
            assert source.get(key) == (fields.get(key) or None), (doc_id, key)
        assert action["index"]["_id"] == (doc_id if len(doc_id) < 512 else action["index"]["_id"])
    long_action, _ = by_id["x" * 600]
    assert long_action["index"]["_id"].startswith("sha1-")  # OpenSearch caps _id at 512 bytes
    fa, ar = by_id["fa-1"][1], by_id["ar-1"][1]
    assert fa["body_fa"] == fa["body"] and "body_ar" not in fa
    assert ar["body_ar"] == ar["body"] and ar["variant_ar"] == [ar["title"], ar["body"]]
    latin_title = by_id["x" * 600][1]
    # a title with no language of its own is stemmed in its document's, as Kavosh's index does
    assert latin_title["lang"] == "fa" and "title_fa" in latin_title and "title_ar" not in latin_title
    excluded = json.loads((export_dir / "mappings.json").read_text())["mappings"]["_source"]["excludes"]
    assert "body_fa" in excluded and "variant_ar" in excluded and "body" not in excluded


def test_exporting_again_replaces_the_earlier_files(news_index, tmp_path, monkeypatch):
    out = tmp_path / "os"
    runner = CliRunner()
    args = ["export", "opensearch", "--index", str(news_index), "--out", str(out)]
    assert runner.invoke(main, args).exit_code == 0
    (out / "bulk-0002.ndjson").write_text("stale", encoding="utf-8")
    before = (out / "bulk.ndjson").read_bytes()

    import kavosh.opensearch_export as export

    def broken(fields):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "opensearch_document", broken)
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"kavosh: cannot write to {out}: No space left on device; choose another --out folder"]
    assert (out / "bulk.ndjson").read_bytes() == before  # a failed export changes nothing
    monkeypatch.undo()
    assert runner.invoke(main, args).exit_code == 0
    assert not (out / "bulk-0002.ndjson").exists()  # no file of an older export is left
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".os-")]


DSL_TABLE = [
    ("title:کتابها", {"bool": {"should": [
        {"term": {"title_fa": {"value": "کتاب", "boost": 0.5}}},
        {"term": {"title_ar": {"value": "کتاب", "boost": 0.5}}}], "minimum_should_match": 1}}),
    ("body:پهپاد*", {"bool": {"should": [
        {"prefix": {"body_fa": {"value": "پهپاد"}}},
        {"prefix": {"body_ar": {"value": "پهپاد"}}}], "minimum_should_match": 1}}),
    ("body:کیف -body:مسکو", {"bool": {
        "must": [{"bool": {"should": [{"term": {"body_fa": {"value": "کیف"}}},
                                      {"term": {"body_ar": {"value": "کیف"}}}],
                           "minimum_should_match": 1}}],
        "must_not": [{"bool": {"should": [{"term": {"body_fa": {"value": "مسکو"}}},
                                          {"term": {"body_ar": {"value": "مسکو"}}}],
                               "minimum_should_match": 1}}]}}),
    ('"مدرسه پهپاد"', {"bool": {"should": [
        {"bool": {"should": [
            {"span_near": {"clauses": [{"span_or": {"clauses": [{"span_term": {f"{field}_{lang}": "مدرسه"}},
                                                                {"span_term": {f"{field}_{lang}": "مدرس"}}]}},
                                       {"span_term": {f"{field}_{lang}": "پهپاد"}}],
                           "slop": 0, "in_order": True, **({"boost": 0.5} if field == "title" else {})}}
            for lang in ("fa", "ar")], "minimum_should_match": 1}}
        for field in ("title", "body")], "minimum_should_match": 1}}),
    ("از به", {"match_none": {}}),
]


@pytest.mark.parametrize("query,expected", DSL_TABLE, ids=[q for q, _ in DSL_TABLE])
def test_query_dsl_table(query, expected):
    from kavosh.opensearch_query import to_dsl

    assert to_dsl(query, exact=True) == {"query": expected}


def _leaves(node):
    """Every term-level query in a DSL tree, as (type, field, value, boost)."""
    if isinstance(node, list):
        for item in node:
            yield from _leaves(item)
        return
    if not isinstance(node, dict):
        return
    for kind, body in node.items():
        if kind in ("term", "prefix", "fuzzy"):
            (field, spec), = body.items()
            yield kind, field, spec["value"], spec.get("boost", 1.0)
        elif kind == "terms":
            for field, values in body.items():
                if field != "boost":
                    yield kind, field, tuple(values), body.get("boost", 1.0)
        else:
            yield from _leaves(body)


def test_persian_words_weigh_their_arabic_stem_lower_and_all_words_must_match():
    from kavosh.opensearch_query import to_dsl

    dsl = to_dsl("body:پهپادها body:کیف", exact=True)["query"]
    first, second = dsl["bool"]["must"]
    assert ("term", "body_fa", "پهپاد", 1.0) in set(_leaves(first))
    assert ("term", "body_ar", "کیف", 1.0) in set(_leaves(second))
    # A Persian-only letter (گ) says the query is Persian (the keyboard's ی and ک do not).
    leaves = set(_leaves(to_dsl("body:کتابهای گران", exact=True)))
    assert ("term", "body_fa", "کتاب", 1.0) in leaves
    assert ("term", "body_fa", "کتابها", 0.3) in leaves  # the Arabic stem of a Persian word


def test_other_spellings_come_from_the_index_at_their_lower_weight(news_index):
    from kavosh.engine import Engine
    from kavosh.opensearch_query import to_dsl

    with Engine(news_index) as engine:
        leaves = set(_leaves(to_dsl("ترامپ", engine=engine)))
        ranked = set(_leaves(to_dsl("ترامپ", mode="any", engine=engine)))
    assert ("terms", "variant_ar", ("aترمب|ترامب",), 0.3) in leaves
    assert not any(field.startswith("variant") and kind != "terms" for kind, field, *_ in leaves)
    for field in ("variant_fa", "variant_ar", "variant_other"):  # ranked mode's loose key
        assert ("term", field, "sترامب", 0.3) in ranked
        assert ("fuzzy", field, "sترامب", 0.15) in ranked  # one edit from it, at half that
    assert ("terms", "variant_ar", ("aترمب|ترامب",), 0.3) in ranked


def test_cli_prints_the_dsl(news_index):
    result = CliRunner().invoke(main, ["export", "opensearch", "--index", str(news_index),
                                       "--query", "ترامپ OR پوتین"])
    assert result.exit_code == 0, result.output
    dsl = json.loads(result.output)
    assert dsl["query"]["bool"]["minimum_should_match"] == 1
    stop = CliRunner().invoke(main, ["export", "opensearch", "--exact", "--query", "از به"])
    assert json.loads(stop.stdout) == {"query": {"match_none": {}}}
    assert "ignored common words: از به" in stop.stderr


@pytest.mark.parametrize("args,code,message", [
    (["--out", "{tmp}/x"], 3, "kavosh: no index at {tmp}/missing: run `kavosh index PATH` first"),
    (["--query", "ترامپ"], 3, "kavosh: no index at {tmp}/missing"),
    ([], 2, "kavosh: give --out DIR (export the index) or --query QUERY (print its DSL)"),
    (["--out", "{tmp}/x", "--any"], 2, "kavosh: --any and --exact go with --query, not with --out"),
    (["--exact", "--query", "a*"], 2, "kavosh: 'a*' matches too many words"),
    (["--exact", "--query", "  "], 2, "kavosh: empty query"),
])
def test_cli_errors_are_one_line(tmp_path, args, code, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = CliRunner().invoke(main, ["export", "opensearch", "--index", str(tmp_path / "missing"),
                                       *args])
    assert result.exit_code == code
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message.replace("{tmp}", str(tmp_path)))


def test_unwritable_or_foreign_out_folders_are_refused(news_index, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    runner = CliRunner()
    for out, message in ((blocker, "is a file: give a folder"),
                         (blocker / "sub", "cannot write to"),
                         (other, "holds other files")):
        result = runner.invoke(main, ["export", "opensearch", "--index", str(news_index),
                                      "--out", str(out)])
        assert result.exit_code == 1, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and message in lines[0]
    assert (other / "notes.txt").read_text() == "mine"
    bad_name = runner.invoke(main, ["export", "opensearch", "--index", str(news_index),
                                    "--out", str(tmp_path / "y"), "--name", "Bad Name"])
    assert bad_name.exit_code == 2 and "is not an OpenSearch index name" in bad_name.output


@pytest.mark.parametrize("which", ["news", "seeds"])
def test_an_export_analyses_its_own_documents_as_kavosh_does(which, news_index, seeds_index,
                                                             tmp_path):
    """Every word of the index has its rule, so the exported chain (run by a stand-in for
    Lucene's components: tests/opensearch_emulation.py) gives Kavosh's terms exactly."""
    from collections import Counter

    from opensearch_emulation import Analyzers

    from kavosh.engine import Engine
    from kavosh.index.analysis import DocumentText, kavosh_analyzer
    from kavosh.index.normalize import script_language
    from kavosh.index.opensearch import text_languages
    from kavosh.index.variants import variant_analyzer

    index = news_index if which == "news" else seeds_index
    out = tmp_path / "os"
    assert CliRunner().invoke(main, ["export", "opensearch", "--index", str(index),
                                     "--out", str(out)]).exit_code == 0
    lucene = Analyzers(json.loads((out / "settings.json").read_text(encoding="utf-8"))["settings"])
    kavosh, skeletons = kavosh_analyzer(), variant_analyzer()
    compared = 0
    with Engine(index) as engine:
        for doc in engine.documents():
            for field in ("title", "body"):
                text = doc.get(field) or ""
                langs = text_languages(text, doc.get("lang"))
                if not text or len(langs) != 1:
                    continue  # a mixed text is in both fields; its stems differ by design
                # as the index analysed it: in the document's one language
                expected = [(t.pos, t.text) for t in kavosh(DocumentText(text, langs[0]), positions=True)]
                assert sorted(lucene.analyze(f"kavosh_{langs[0]}", text)) == sorted(expected), (
                    doc["id"], field)
                compared += len(expected)
            both = (doc.get("title") or "") + "\n" + (doc.get("body") or "")
            script = script_language(both)
            name = f"kavosh_variant_{script if script in ('fa', 'ar') else 'other'}"
            got = Counter(term for value in (doc.get("title"), doc.get("body")) if value
                          for _pos, term in lucene.analyze(name, value))
            assert got == Counter(t.text for t in skeletons(both)), doc["id"]
    assert compared > 40


def test_phrases_analyse_at_query_time_as_kavosh_does(export_dir):
    from opensearch_emulation import Analyzers

    from kavosh.index.analysis import word_stems, word_spans
    from kavosh.index.lexicon import stopwords
    from kavosh.index.normalize import normalize_token

    lucene = Analyzers(json.loads((export_dir / "settings.json").read_text(encoding="utf-8"))["settings"])
    phrase = "مسئولان می‌گویند آتش‌سوزی کارخانه‌های پهپاد"
    for lang in ("fa", "ar"):
        expected = []
        for pos, (surface, _s, _e) in enumerate(word_spans(phrase)):
            norm = normalize_token(surface)
            if norm not in stopwords():
                expected += [(pos, stem) for stem in word_stems(norm, surface, lang)]
        assert sorted(lucene.analyze(f"kavosh_{lang}_query", phrase)) == sorted(expected), lang
