"""`kavosh export opensearch`: a whoosh index as files a real OpenSearch node loads, and the DSL.

The export writes what the OpenSearch backend's indexer sends (search/opensearch/):
loaded with the README's requests into a real node, the cluster answers as the
local index does.  The DSL printer prints what the backend sends for a query.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from kavosh.cli import main


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
    names = {p.name for p in export_dir.iterdir()}
    assert {"index.json", "vocabulary.json", "aliases.json", "vocabulary.ndjson", "README.md",
            "bulk-0001.ndjson"} <= names
    readme = (export_dir / "README.md").read_text(encoding="utf-8")
    for name in ("index.json", "vocabulary.json", "aliases.json", "vocabulary.ndjson"):
        assert name in readme
    settings = json.loads((export_dir / "index.json").read_text(encoding="utf-8"))["settings"]
    assert "stemmer_override" not in json.dumps(settings)  # no generated rules any more


def test_the_bulk_file_holds_every_document_with_its_texts(export_dir):
    docs = {source["id"]: (action, source) for action, source in _bulk(export_dir)}
    assert set(docs) == {"fa-1", "ar-1", "x" * 600}
    action, source = docs["fa-1"]
    assert source["text"]["title"] == "آتش‌سوزی در کارخانه‌های پهپاد"
    assert source["date_key"] == 20240301000000 and source["lang"] == "fa"
    assert source["source_key"] == source["source"].casefold()
    assert docs["x" * 600][0]["index"]["_id"].startswith("sha1-")


def test_loaded_into_a_real_node_the_export_answers_as_the_index(export_dir, news_index, opensearch_url):
    """The README's requests, sent to a real node; then the backend searches the alias."""
    from opensearchpy import OpenSearch

    from kavosh.engine import Engine
    from kavosh.opensearch.engine import OpenSearchEngine

    client = OpenSearch(hosts=[opensearch_url])
    suffix = uuid.uuid4().hex[:6]
    rename = lambda text: text.replace("news", f"news{suffix}")  # noqa: E731  (own names on a shared node)
    index = json.loads((export_dir / "index.json").read_text(encoding="utf-8"))
    vocabulary = json.loads((export_dir / "vocabulary.json").read_text(encoding="utf-8"))
    aliases = json.loads(rename((export_dir / "aliases.json").read_text(encoding="utf-8")))
    client.indices.create(index=aliases["actions"][0]["add"]["index"], body=index)
    client.indices.create(index=aliases["actions"][1]["add"]["index"], body=vocabulary)
    for f in [*sorted(export_dir.glob("bulk*.ndjson")), export_dir / "vocabulary.ndjson"]:
        answer = client.bulk(body=rename(f.read_text(encoding="utf-8")))
        assert not answer["errors"]
    client.indices.refresh(index="_all")
    client.indices.update_aliases(body=aliases)
    with Engine(news_index) as whoosh, OpenSearchEngine(opensearch_url, alias=f"news{suffix}") as cluster:
        for query in ("پهپاد", "ترامپ", "آتش‌سوزی", '"مسئولان گفتند"', "کارخان*", "المدينة"):
            assert cluster.search(query).total == whoosh.search(query).total, query


def test_exporting_again_replaces_the_earlier_files(news_index, tmp_path, monkeypatch):
    out = tmp_path / "os"
    runner = CliRunner()
    args = ["export", "opensearch", "--index", str(news_index), "--out", str(out)]
    assert runner.invoke(main, args).exit_code == 0
    (out / "bulk-0002.ndjson").write_text("stale", encoding="utf-8")
    before = (out / "bulk-0001.ndjson").read_bytes()

    import kavosh.opensearch_export as export

    def broken(fields):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "source_from", broken)
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"kavosh: cannot write to {out}: No space left on device; choose another --out folder"]
    assert (out / "bulk-0001.ndjson").read_bytes() == before  # a failed export changes nothing
    monkeypatch.undo()
    assert runner.invoke(main, args).exit_code == 0
    assert not (out / "bulk-0002.ndjson").exists()  # no file of an older export is left
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".os-")]


def test_cli_prints_the_dsl(news_index):
    result = CliRunner().invoke(main, ["export", "opensearch", "--index", str(news_index),
                                       "--query", "ترامپ OR پوتین"])
    assert result.exit_code == 0, result.output
    dsl = json.loads(result.output)
    assert dsl["query"]["bool"]["minimum_should_match"] == 1
    assert "variant" in result.output  # ترامب, the index's other spelling
    # Common words alone are a name, searched as written in the exact fields.
    name = CliRunner().invoke(main, ["export", "opensearch", "--exact", "--query", "از به"])
    assert {"span_term": {"body_exact": "از"}} in json.loads(name.stdout)["query"]["bool"]["should"][1][
        "span_near"]["clauses"]
    stop = CliRunner().invoke(main, ["export", "opensearch", "--exact", "--query", "پهپاد از"])
    assert "ignored common words: از" in stop.stderr


def test_a_phrase_with_stop_words_in_two_places_nests_its_spans():
    """Each adjacent pair keeps whoosh's slop: nested span_near, not one total slop (a quoted
    phrase meets the exact fields, which keep the stop words: slop 0 at every step)."""
    phrase = CliRunner().invoke(main, ["export", "opensearch", "--exact", "--query",
                                       '"پهپاد که از روسیه"'])
    text = phrase.stdout
    assert text.count("span_near") >= 3 and '"slop": 0' in text


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


