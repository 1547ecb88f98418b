"""Indexing real files of every supported format, through the real `kavosh index`."""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kavosh.cli import main
from runs import DEADLINE, ctrl_c, drain_progress, kill_now, read_progress_until, start_index, wait_until

PERSIAN = "روسیه چندین نقطه در اوکراین را بمباران کرد"
ARABIC_BODY = "وصل وزير الخارجية الياباني إلى كييف يوم السبت لمناقشة التحالف العسكري."


def run(*args, index: Path):
    result = CliRunner().invoke(main, [*args, "--index", str(index)])
    return result


def search_ids(index: Path, query: str) -> set[str]:
    result = run("search", "--json", "--limit", "100", query, index=index)
    assert result.exit_code == 0, result.output
    return {h["id"] for h in json.loads(result.stdout)["hits"]}


@pytest.fixture
def collection(tmp_path) -> Path:
    """A folder with one file of every kind Kavosh must handle, good and bad."""
    root = tmp_path / "archive"
    (root / "sub").mkdir(parents=True)
    # UTF-8 with a BOM and Windows line endings: the first line is the title.
    (root / "bom.txt").write_bytes(
        "\ufeffپهپاد در کیف\r\nبقایای یک پهپاد در پارکی در کیف افتاد.\r\n".encode("utf-8"))
    # Legacy Windows-1256 Persian/Arabic text.
    (root / "legacy.txt").write_bytes(
        ("موسكو تتعرض لهجمات\nنقلت وكالة الإعلام الروسية عن السلطات " * 3).encode("cp1256"))
    # HTML: <title>, visible text; scripts and styles dropped.
    (root / "sub" / "page.html").write_text(
        "<html><head><title>الكرملين يرد</title><style>.x{color:red}</style></head>"
        "<body><h1>عنوان</h1><p>قال المتحدث باسم الكرملين دميتري بيسكوف</p>"
        "<script>var secretword = 'زرافه';</script></body></html>", encoding="utf-8")
    # JSONL: records with ids, one without, one broken line, one not an object.
    (root / "news.jsonl").write_text(
        json.dumps({"id": "n1", "title": "خبر اول", "body": "تلگرام اعلام کرد", "url": "https://example.org/1",
                    "date": "2024-11-04", "source": "example"}, ensure_ascii=False) + "\n"
        + json.dumps({"title": "بدون شناسه", "text": "متن خبر دوم درباره زلنسکی"}, ensure_ascii=False) + "\n"
        + "{not json\n" + "[1, 2]\n", encoding="utf-8")
    # A binary file with a supported name, an empty file, and an unsupported type.
    (root / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (root / "empty.txt").write_bytes(b"")
    (root / "notes.docx").write_bytes(b"PK\x03\x04")
    return root


def test_every_format_is_indexed_and_bad_files_are_skipped(collection, tmp_path):
    index = tmp_path / "ix"
    result = run("index", str(collection), index=index)
    assert result.exit_code == 0, result.output
    summary = result.stdout.strip().splitlines()[-1]
    assert "5 added" in summary and "5 documents in the index" in summary
    assert "5 skipped" in summary  # binary, empty, broken JSON line, non-object line, broken DOCX
    errors = result.stderr
    assert "legacy.txt: not UTF-8; read as Windows-1256" in errors
    assert "image.txt: binary file" in errors
    assert "empty.txt: empty file" in errors
    assert "news.jsonl:3: not valid JSON" in errors
    assert "notes.docx: broken DOCX (not a zip archive)" in errors  # read as a DOCX, not ignored

    assert search_ids(index, "پهپاد") == {"bom.txt"}
    assert search_ids(index, "وكالة") == {"legacy.txt"}  # cp1256 decoded correctly
    assert search_ids(index, "بيسكوف") == {"sub/page.html"}
    assert search_ids(index, "زرافه") == set()  # script text is not visible text
    assert search_ids(index, "تلگرام") == {"n1"}  # a JSONL record keeps its own id
    assert search_ids(index, "زلنسکی") == {"news.jsonl#2"}  # …or gets file#line


def test_titles_and_metadata(collection, tmp_path):
    index = tmp_path / "ix"
    run("index", str(collection), index=index)
    hits = json.loads(run("search", "--json", "کیف", index=index).stdout)["hits"]
    assert hits[0]["title"] == "پهپاد در کیف"  # BOM gone, CR gone
    page = json.loads(run("search", "--json", "الكرملين", index=index).stdout)["hits"][0]
    assert page["title"] == "الكرملين يرد"
    record = json.loads(run("search", "--json", "تلگرام", index=index).stdout)["hits"][0]
    assert record["url"] == "https://example.org/1" and record["date"] == "2024-11-04"


def test_incremental_update_adds_changes_and_removes(collection, tmp_path):
    index = tmp_path / "ix"
    run("index", str(collection), index=index)
    again = run("index", str(collection), index=index)
    assert "0 added, 0 updated, 0 removed, 5 unchanged" in again.stdout

    (collection / "bom.txt").write_text("پهپاد\nاین بار درباره خارکف\n", encoding="utf-8")
    (collection / "sub" / "page.html").unlink()
    (collection / "new.txt").write_text("تازه\nخبر تازه درباره کورسک\n", encoding="utf-8")
    result = run("index", str(collection), index=index)
    assert result.exit_code == 0, result.output
    assert "1 added, 1 updated, 1 removed, 3 unchanged" in result.stdout

    assert search_ids(index, "خارکف") == {"bom.txt"}
    assert search_ids(index, "کیف") == set()  # the old text of bom.txt is gone
    assert search_ids(index, "بيسكوف") == set()  # deleted file, deleted document
    assert search_ids(index, "کورسک") == {"new.txt"}


def test_touched_but_unchanged_file_is_not_reindexed(collection, tmp_path):
    index = tmp_path / "ix"
    run("index", str(collection), index=index)
    os.utime(collection / "bom.txt", (time.time() + 10, time.time() + 10))
    result = run("index", str(collection), index=index)
    assert "0 added, 0 updated, 0 removed, 5 unchanged" in result.stdout


def test_rebuild_starts_fresh(collection, tmp_path):
    index = tmp_path / "ix"
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text("یک\nسند دیگر درباره ونزوئلا\n", encoding="utf-8")
    run("index", str(collection), index=index)
    run("index", str(other), index=index)
    # A second root's ids carry its folder name (the first root's stay bare paths).
    assert search_ids(index, "ونزوئلا") == {"other/x.txt"} and search_ids(index, "پهپاد")
    result = run("index", "--rebuild", str(other), index=index)
    assert "1 documents in the index" in result.stdout
    assert search_ids(index, "پهپاد") == set()
    assert search_ids(index, "ونزوئلا") == {"x.txt"}  # the only root again: a bare path


def test_second_indexer_is_refused_while_one_runs(collection, tmp_path):
    index = tmp_path / "ix"
    run("index", str(collection), index=index)
    with open(index / "kavosh.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = run("index", str(collection), index=index)
    assert result.exit_code == 4
    assert "another `kavosh index` is writing" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert search_ids(index, "پهپاد") == {"bom.txt"}  # and nothing was damaged


def test_killed_indexer_leaves_previous_index_searchable(tmp_path):
    """kill -9 in the middle of a run: the old index still answers, the next run works."""
    index, small, big = _an_index_and_a_big_folder(tmp_path)
    before = set(index.glob("*.pst"))
    proc = start_index(index, "--rebuild", str(big))
    wait_until(proc, lambda: set(index.glob("*.pst")) - before, "it wrote a new segment")
    kill_now(proc)
    _the_previous_state_answers(index, small)


def _an_index_and_a_big_folder(tmp_path, files: int = 600) -> tuple[Path, Path, Path]:
    """(an index of one small document, that document's folder, a folder of ``files``
    bigger documents for a run to be interrupted over)."""
    index = tmp_path / "ix"
    small = tmp_path / "small"
    small.mkdir()
    (small / "a.txt").write_text("عنوان\n" + PERSIAN + "\n", encoding="utf-8")
    run("index", str(small), index=index)
    big = tmp_path / "big"
    big.mkdir()
    for i in range(files):
        (big / f"{i:05}.txt").write_text(f"خبر {i}\n{ARABIC_BODY} {PERSIAN} شماره{i}\n" * 20, encoding="utf-8")
    return index, small, big


def _the_previous_state_answers(index: Path, small: Path) -> None:
    """The interrupted run left the index as it was, whole, and the next run works."""
    assert search_ids(index, "بمباران") == {"a.txt"}
    result = run("index", str(small), index=index)
    assert result.exit_code == 0, result.output
    assert search_ids(index, "بمباران") == {"a.txt"}


def test_missing_path_is_a_clear_error(tmp_path):
    result = run("index", str(tmp_path / "nope"), index=tmp_path / "ix")
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


def test_latin_boilerplate_first_line_is_not_the_title(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "scraped.txt").write_text(
        "Sorry, you need to enable JavaScript to visit this website.\n\n"
        "زيلينسكي ناقش مع وزير الدفاع الأميركي\n\nنص الخبر عن الناتو\n", encoding="utf-8")
    (docs / "english.txt").write_text("An English title\nAnd an English body.\n", encoding="utf-8")
    index = tmp_path / "ix"
    run("index", str(docs), index=index)
    hit = json.loads(run("search", "--json", "الناتو", index=index).stdout)["hits"][0]
    assert hit["title"] == "زيلينسكي ناقش مع وزير الدفاع الأميركي"
    hit = json.loads(run("search", "--json", "english", index=index).stdout)["hits"][0]
    assert hit["title"] == "An English title"


def test_jsonl_record_with_nan_or_null_title_keeps_its_body(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "d.jsonl").write_text(
        '{"id": "p905", "title": NaN, "body": "متن درباره ونزوئلا", "url": NaN}\n'
        '{"id": "p906", "title": null, "text": "متن دوم درباره کاراکاس", "date": 2024}\n',
        encoding="utf-8")
    index = tmp_path / "ix"
    result = run("index", str(docs), index=index)
    assert "2 added" in result.stdout and "0 skipped" in result.stdout
    assert "1 record with a date Kavosh cannot read (e.g. '2024')" in result.output
    hit = json.loads(run("search", "--json", "ونزوئلا", index=index).stdout)["hits"][0]
    assert hit["id"] == "p905" and hit["title"] == "متن درباره ونزوئلا" and "url" not in hit
    hit = json.loads(run("search", "--json", "کاراکاس", index=index).stdout)["hits"][0]
    assert "date" not in hit  # a year alone names no day: kept, undated, and said so


@pytest.mark.parametrize("until, procs", [("committing", "1"), ("committing", "2"), ("indexing ", "2")])
def test_ctrl_c_ends_a_run_at_once_and_keeps_the_previous_index(tmp_path, until, procs):
    """Ctrl-C (SIGINT to the run's process group, as a terminal sends it) at the commit or
    while indexing: the run ends with exit 130 and one line, and the index is whole: the
    previous one (or, when the signal lands after the commit on a loaded machine, the new
    one: never a part); the next run works."""
    index, small, big = _an_index_and_a_big_folder(tmp_path)
    proc = start_index(index, "--procs", procs, str(big), progress=True)
    read_progress_until(proc, until)
    signalled = ctrl_c(proc)
    code = proc.wait(timeout=DEADLINE)
    said = drain_progress(proc)
    assert "Traceback" not in said and "Aborted" not in said, said[-2000:]
    if signalled:
        assert code == 130 and said.strip().endswith("kavosh: interrupted"), (code, said[-2000:])
    found = search_ids(index, "بمباران")
    if found != {"a.txt"}:  # the commit was done when Ctrl-C came: all of the new run is there
        assert until == "committing" and len(found) == 601, len(found)
        return
    _the_previous_state_answers(index, small)


def test_the_metadata_is_as_readable_as_the_rest_of_the_index(tmp_path):
    """kavosh.json was written private (mkstemp's 0600) while the segment files follow the
    umask: another account (a shared archive, `kavosh serve` as a service user) then read
    the index as "the first `kavosh index` run did not finish"."""
    import stat

    from kavosh.index.schema import META_FILE

    index = tmp_path / "ix"
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    result = CliRunner().invoke(main, ["index", "--quiet", "--index", str(index), str(seeds)])
    assert result.exit_code == 0, result.output
    mask = os.umask(0o022)
    os.umask(mask)
    toc = next(index.glob("*.toc"))
    assert stat.S_IMODE((index / META_FILE).stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE((index / META_FILE).stat().st_mode) == stat.S_IMODE(toc.stat().st_mode)
