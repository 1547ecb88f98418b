"""Which document is which: roots, ids, `kavosh remove`, and a writer that leaves no litter.

Everything goes through the real `kavosh` command line on real on-disk indexes.
"""

from __future__ import annotations

import json
import os
import signal
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kavosh.index.schema import INDEX_NAME
from kavosh.cli import main
from runs import kill_now, start_index, wait_until
from kavosh.web import create_app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def run(*args, index: Path):
    return CliRunner().invoke(main, [*args, "--index", str(index)])


def ok(*args, index: Path):
    result = run(*args, index=index)
    assert result.exit_code == 0, result.output
    return result


def hits(index: Path, query: str) -> dict[str, str]:
    """id → title of every hit."""
    result = ok("search", "--json", "--limit", "100", query, index=index)
    return {h["id"]: h["title"] for h in json.loads(result.stdout)["hits"]}


def shown(index: Path, doc_id: str) -> str:
    return json.loads(ok("show", "--json", doc_id, index=index).stdout)["body"]


def stats(index: Path) -> dict:
    return json.loads(ok("stats", "--json", index=index).stdout)


def one_line(result, code):
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


def write(path: Path, title: str, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n{body}\n", encoding="utf-8")
    return path


def jsonl(path: Path, *records: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def index_files(index: Path) -> dict[str, tuple[int, int]]:
    """Every entry in the index folder → (size, mtime_ns)."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in index.iterdir()}


@pytest.fixture
def two_folders(tmp_path):
    write(tmp_path / "A" / "x.txt", "گزارش الف", "پهپاد بر فراز کیف دیده شد")
    write(tmp_path / "B" / "x.txt", "گزارش ب", "پهپاد بر فراز خارکف دیده شد")
    return tmp_path / "A", tmp_path / "B"


# --- ids across roots ---------------------------------------------------------


def test_same_file_name_in_two_folders_is_two_documents(two_folders, tmp_path):
    a, b = two_folders
    index = tmp_path / "ix"
    ok("index", str(a), index=index)
    ok("index", str(b), index=index)
    # The first root keeps bare paths; the second root's ids carry its folder name.
    assert hits(index, "پهپاد") == {"x.txt": "گزارش الف", "B/x.txt": "گزارش ب"}
    assert "کیف" in shown(index, "x.txt") and "خارکف" in shown(index, "B/x.txt")
    client = create_app(index).test_client()
    page = client.get("/doc/B/x.txt")
    assert page.status_code == 200 and "خارکف" in page.get_data(as_text=True)
    assert "کیف" in client.get("/doc/x.txt").get_data(as_text=True)


def test_ids_are_stable_when_a_root_is_indexed_again(two_folders, tmp_path):
    a, b = two_folders
    index = tmp_path / "ix"
    ok("index", str(a), index=index)
    ok("index", str(b), index=index)
    write(b / "x.txt", "گزارش ب", "پهپاد بر فراز اودسا دیده شد")
    result = ok("index", str(b), index=index)
    assert "0 added, 1 updated, 0 removed" in result.stdout
    assert hits(index, "اودسا") == {"B/x.txt": "گزارش ب"}
    ok("index", str(a), str(b), index=index)  # both again, in one run
    assert set(hits(index, "پهپاد")) == {"x.txt", "B/x.txt"}


def test_seeds_from_two_checkouts_do_not_collide(seeds_copy, tmp_path):
    index = tmp_path / "ix"
    ok("index", str(SEEDS), index=index)
    ok("index", str(seeds_copy), index=index)
    found = hits(index, "كييف OR کیف OR روسیه OR موسكو OR الكرملين")
    names = sorted(p.name for p in SEEDS.iterdir())
    assert stats(index)["documents"] == 10
    both = set(names) | {f"seeds/{n}" for n in names}
    assert set(found) <= both
    for doc_id in both:  # every document reachable by its own id
        assert shown(index, doc_id)


# --- what a run touches -------------------------------------------------------


def test_two_single_files_from_one_folder_are_both_kept(tmp_path):
    docs = tmp_path / "docs"
    one = write(docs / "one.txt", "یک", "خبر درباره ونزوئلا")
    two = write(docs / "two.txt", "دو", "خبر درباره کاراکاس")
    index = tmp_path / "ix"
    ok("index", str(one), index=index)
    second = ok("index", str(two), index=index)
    assert "1 added, 0 updated, 0 removed" in second.stdout
    assert "2 documents in the index" in second.stdout
    assert hits(index, "ونزوئلا") == {"one.txt": "یک"}
    assert hits(index, "کاراکاس") == {"two.txt": "دو"}
    again = ok("index", str(one), index=index)
    assert "0 removed, 1 unchanged" in again.stdout and hits(index, "کاراکاس")


def test_a_file_or_folder_inside_an_indexed_root_belongs_to_it(tmp_path):
    archive = tmp_path / "archive"
    write(archive / "top.txt", "بالا", "خبر درباره ونزوئلا")
    inner = write(archive / "sub" / "inner.txt", "درون", "خبر درباره کاراکاس")
    index = tmp_path / "ix"
    ok("index", str(archive), index=index)
    (archive / "top.txt").unlink()  # not under the path given next: left alone
    write(inner, "درون", "خبر تازه درباره بوگوتا")
    result = ok("index", str(inner), index=index)
    assert "0 added, 1 updated, 0 removed" in result.stdout and "2 documents in the index" in result.stdout
    assert hits(index, "بوگوتا") == {"sub/inner.txt": "درون"}  # its id under the root, no copy
    result = ok("index", str(archive / "sub"), index=index)
    assert "0 removed, 1 unchanged" in result.stdout
    assert hits(index, "ونزوئلا") == {"top.txt": "بالا"}
    assert [r["path"] for r in stats(index)["roots"]] == [str(archive)]


def test_a_new_folder_around_an_older_root_leaves_its_files_to_it(tmp_path):
    archive = tmp_path / "archive"
    write(archive / "sub" / "inner.txt", "درون", "خبر درباره کاراکاس")
    write(archive / "top.txt", "بالا", "خبر درباره ونزوئلا")
    index = tmp_path / "ix"
    ok("index", str(archive / "sub"), index=index)
    result = ok("index", str(archive), index=index)
    assert "1 added" in result.stdout and "2 documents in the index" in result.stdout
    assert "belong to that root" in result.stderr
    assert hits(index, "کاراکاس") == {"inner.txt": "درون"}  # unchanged id, one copy
    assert hits(index, "ونزوئلا") == {"archive/top.txt": "بالا"}


def test_reindexing_one_root_does_not_touch_another(two_folders, tmp_path):
    a, b = two_folders
    index = tmp_path / "ix"
    ok("index", str(a), index=index)
    ok("index", str(b), index=index)
    (b / "x.txt").unlink()
    write(a / "y.txt", "تازه", "خبر درباره کورسک")
    result = ok("index", str(a), index=index)
    assert "1 added, 0 updated, 0 removed, 1 unchanged" in result.stdout
    assert set(hits(index, "پهپاد")) == {"x.txt", "B/x.txt"}  # B is updated when B is indexed
    result = ok("index", str(b), index=index)
    assert "1 removed" in result.stdout and set(hits(index, "پهپاد")) == {"x.txt"}


# --- roots in stats, and remove ---------------------------------------------


def test_stats_lists_roots_with_their_document_counts(two_folders, tmp_path):
    a, b = two_folders
    write(a / "sub" / "z.txt", "سه", "متن سوم")
    single = write(tmp_path / "loose" / "note.txt", "یادداشت", "متن یادداشت")
    index = tmp_path / "ix"
    ok("index", str(a), str(b), str(single), index=index)
    roots = {r["path"]: r for r in stats(index)["roots"]}
    assert {p: (r["kind"], r["documents"], r["prefix"]) for p, r in roots.items()} == {
        str(a): ("folder", 2, ""), str(b): ("folder", 1, "B/"), str(single): ("file", 1, "loose/")}
    human = ok("stats", index=index).stdout
    assert f"root:      {a}  2 documents" in human
    assert f"root:      {b}  1 documents, ids B/…" in human


def test_a_vanished_root_is_explained_and_removed(two_folders, tmp_path):
    a, b = two_folders
    index = tmp_path / "ix"
    ok("index", str(a), index=index)
    ok("index", str(b), index=index)
    shutil.rmtree(b)
    line = one_line(run("index", str(b), index=index), 2)
    assert "is gone" in line and f"kavosh remove {b}" in line
    assert f"(gone: `kavosh remove {b}`" in ok("stats", index=index).stdout
    result = ok("remove", str(b), index=index)
    assert f"removed root {b}: 1 documents" in result.stdout
    assert "1 documents in the index" in result.stdout
    assert [r["path"] for r in stats(index)["roots"]] == [str(a)]
    assert set(hits(index, "پهپاد")) == {"x.txt"}
    assert one_line(run("show", "B/x.txt", index=index), 1)


def test_remove_one_file_and_unknown_paths(tmp_path):
    archive = tmp_path / "archive"
    x = write(archive / "x.txt", "یک", "خبر درباره ونزوئلا")
    write(archive / "y.txt", "دو", "خبر درباره ونزوئلا و کاراکاس")
    index = tmp_path / "ix"
    ok("index", str(archive), index=index)
    line = one_line(run("remove", str(x), str(tmp_path / "nope"), index=index), 2)
    assert "nope: not an indexed root" in line
    assert set(hits(index, "ونزوئلا")) == {"x.txt", "y.txt"}  # nothing removed: all or nothing
    result = ok("remove", str(x), index=index)
    assert f"removed file {x}: 1 documents" in result.stdout
    assert set(hits(index, "ونزوئلا")) == {"y.txt"}
    assert stats(index)["roots"][0]["documents"] == 1
    assert one_line(run("remove", str(x), index=index), 2)  # already gone from the index


# --- duplicate JSONL ids ------------------------------------------------------


def test_duplicate_jsonl_ids_are_reported_not_shadowed(tmp_path):
    first = jsonl(tmp_path / "A" / "a.jsonl", {"id": "n1", "title": "اول", "body": "خبر درباره ونزوئلا"},
                  {"id": "n1", "title": "تکرار", "body": "خبر درباره پاناما"})
    second = jsonl(tmp_path / "B" / "b.jsonl", {"id": "n1", "title": "دوم", "body": "خبر درباره کاراکاس"},
                   {"id": "n2", "title": "سوم", "body": "خبر درباره بوگوتا"})
    index = tmp_path / "ix"
    ok("index", str(first.parent), index=index)
    result = ok("index", str(second.parent), index=index)
    assert "1 added" in result.stdout and "1 skipped" in result.stdout
    assert "b.jsonl: duplicate id 'n1', already the id of a document from a.jsonl" in result.stderr
    assert hits(index, "ونزوئلا") == {"n1": "اول"}  # the first holder keeps the id…
    assert hits(index, "کاراکاس") == {}  # …the duplicate is not indexed under it
    assert hits(index, "بوگوتا") == {"n2": "سوم"}
    assert "ونزوئلا" in shown(index, "n1")
    # Within one file, both lines are named.
    first_run = run("index", "--rebuild", str(first.parent), index=index)
    assert "a.jsonl:2: duplicate id 'n1', already the id of a.jsonl:1" in first_run.stderr

    ok("index", str(second.parent), index=index)
    before = index_files(index)
    again = ok("index", str(second.parent), index=index)  # still a duplicate: said again,
    assert "duplicate id 'n1'" in again.stderr
    assert index_files(index) == before  # …and nothing is rewritten for it
    first.unlink()  # once the other holder is gone, the record gets its id
    ok("index", str(first.parent), index=index)
    ok("index", str(second.parent), index=index)
    assert hits(index, "کاراکاس") == {"n1": "دوم"}


# --- writer hygiene -----------------------------------------------------------


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    """Enough files that indexing them takes a few seconds (read-only)."""
    folder = tmp_path_factory.mktemp("big")
    line = "وصل وزير الخارجية الياباني إلى كييف يوم السبت روسیه چندین نقطه را بمباران کرد "
    for i in range(500):
        (folder / f"{i:05}.txt").write_text(f"خبر {i}\n" + (line + f"شماره{i}\n") * 80, encoding="utf-8")
    return folder


def _kill_while_indexing(index: Path, folder: Path, while_running=None):
    """Start `kavosh index` in a real process; kill -9 it once it is writing a new segment
    (after calling ``while_running()``, if given, with the run still going)."""
    before = set(index.glob("*.pst")) if index.is_dir() else set()
    proc = start_index(index, str(folder))
    wait_until(proc, lambda: index.is_dir() and set(index.glob("*.pst")) - before,
               "it wrote a new segment")
    if while_running is not None:
        os.kill(proc.pid, signal.SIGSTOP)  # it stays where it is while we look
        try:
            while_running()
        finally:
            os.kill(proc.pid, signal.SIGCONT)
    kill_now(proc)


def _referenced(index: Path) -> set[str]:
    """The files a committed index consists of, by whoosh's own account, plus Kavosh's."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index), indexname=INDEX_NAME, readonly=True)
    toc = ix._read_toc()
    names = {f"_{INDEX_NAME}_{toc.generation}.toc", "kavosh.json", "kavosh.lock", f"{INDEX_NAME}_WRITELOCK"}
    for segment in toc.segments:
        names |= {n for n in os.listdir(index) if n.startswith(segment.segment_id() + ".")}
    return names


def test_killed_first_run_says_to_run_it_again_and_the_next_run_cleans_up(tmp_path, big_corpus):
    index = tmp_path / "ix"

    def searched_while_running():
        for command in (["stats"], ["search", "کیف"]):
            line = one_line(run(*command, index=index), 3)
            assert "the first `kavosh index` run" in line and "is still running" in line, line

    _kill_while_indexing(index, big_corpus, searched_while_running)
    for command in (["stats"], ["search", "کیف"]):
        line = one_line(run(*command, index=index), 3)
        assert "the first `kavosh index` run" in line and "did not finish" in line
        assert "incompatible" not in line
    leftovers = set(os.listdir(index))
    small = tmp_path / "small"
    write(small / "a.txt", "عنوان", "روسیه بمباران کرد")
    result = ok("index", str(small), index=index)
    assert "1 added" in result.stdout and "1 documents in the index" in result.stdout
    assert "left by an interrupted run" in result.stderr
    assert set(os.listdir(index)) == _referenced(index)  # the killed run's files are gone
    assert leftovers - set(os.listdir(index))  # (and there were some)
    assert hits(index, "بمباران") == {"a.txt": "عنوان"}


def test_killed_later_run_leaves_files_the_next_run_removes(tmp_path, big_corpus):
    index = tmp_path / "ix"
    small = tmp_path / "small"
    write(small / "a.txt", "عنوان", "روسیه بمباران کرد")
    ok("index", str(small), index=index)
    _kill_while_indexing(index, big_corpus)
    # A kill inside a commit (too short to hit from a test) leaves whoosh's TOC
    # temp file, and one inside write_meta a metadata temp file: made by hand.
    (index / f"_{INDEX_NAME}_9.toc.1733000000.5").write_bytes(b"partial")
    (index / ".kavosh-meta-abc123.tmp").write_text("{")
    assert set(os.listdir(index)) - _referenced(index)
    assert hits(index, "بمباران") == {"a.txt": "عنوان"}  # the committed state answers meanwhile
    result = ok("index", str(small), index=index)  # a run with nothing to index
    assert "0 added, 0 updated, 0 removed, 1 unchanged" in result.stdout
    assert "left by an interrupted run" in result.stderr
    assert set(os.listdir(index)) == _referenced(index)


def test_a_run_that_changes_nothing_writes_nothing(two_folders, tmp_path):
    a, b = two_folders
    index = tmp_path / "ix"
    ok("index", str(a), index=index)
    ok("index", str(b), index=index)
    before, updated = index_files(index), stats(index)["updated"]
    os.utime(a / "x.txt", (time.time() + 10, time.time() + 10))  # touched, same content
    for paths in ([a], [b], [a, b], [a / "x.txt"]):
        result = ok("index", *map(str, paths), index=index)
        assert "0 added, 0 updated, 0 removed" in result.stdout
    assert index_files(index) == before  # same files, same sizes, same mtimes
    assert stats(index)["updated"] == updated


def test_a_renamed_jsonl_file_keeps_its_record_ids(tmp_path):
    folder = tmp_path / "A"
    old = jsonl(folder / "a.jsonl", {"id": "n1", "title": "اول", "body": "خبر درباره ونزوئلا"})
    index = tmp_path / "ix"
    ok("index", str(folder), index=index)
    old.rename(folder / "c.jsonl")
    result = ok("index", str(folder), index=index)
    assert "1 added, 0 updated, 1 removed" in result.stdout and "0 skipped" in result.stdout
    assert hits(index, "ونزوئلا") == {"n1": "اول"}


def test_an_index_from_before_roots_had_kinds_keeps_working(two_folders, tmp_path):
    """Older indexes listed roots as bare folder strings and every id was a bare path."""
    from kavosh.index.schema import read_meta, write_meta

    a, b = two_folders
    index = tmp_path / "ix"
    ok("index", str(a), index=index)
    meta = read_meta(index)
    meta["roots"] = [str(a)]  # the old form, written by hand
    write_meta(index, meta)
    assert stats(index)["roots"] == [{"path": str(a), "kind": "folder", "prefix": "",
                                      "documents": 1, "exists": True}]
    assert "0 added, 0 updated, 0 removed, 1 unchanged" in ok("index", str(a), index=index).stdout
    ok("index", str(b), index=index)
    assert set(hits(index, "پهپاد")) == {"x.txt", "B/x.txt"}


def test_removing_every_document_of_a_segment_frees_its_space(two_folders, tmp_path):
    a, _b = two_folders
    index = tmp_path / "ix"
    ok("index", str(a), index=index)
    full = stats(index)
    ok("remove", str(a), index=index)
    empty = stats(index)
    assert empty["documents"] == 0 and empty["roots"] == []
    assert empty["terms"] == {"title": 0, "body": 0}  # the segment went, not just marked deleted
    assert empty["size_bytes"] < full["size_bytes"] / 2
