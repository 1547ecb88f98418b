"""What the fast indexing path must keep: the parallel writer gives the same index
(updates, deletions, duplicate ids included) and fails whole; progress counts
documents, on a terminal only."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from kavosh.engine import Engine
from kavosh.index import writer as writer_mod
from kavosh.index.writer import Progress, index_paths

ROOT = Path(__file__).resolve().parent.parent
WORDS_FA = "پهپاد حمله شهر کیف مسکو دولت مردم بازار نفت قیمت ایران جنگ صلح".split()
WORDS_AR = "الطائرات المسيرة هجوم مدينة كييف موسكو الحكومة الشعب السوق النفط".split()


def _jsonl(path: Path, n: int, prefix: str = "d", start: int = 0) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(start, start + n):
            words = WORDS_FA if i % 2 else WORDS_AR
            body = " ".join(words[(i + k) % len(words)] for k in range(40))
            fh.write(json.dumps({"id": f"{prefix}{i}", "title": f"{words[i % len(words)]} {i}",
                                 "body": body}, ensure_ascii=False) + "\n")
    return path


def _ids(index_dir: Path, query: str) -> list[str]:
    engine = Engine(index_dir)
    try:
        ids, offset = [], 0
        while True:
            hits = engine.search(query, limit=100, offset=offset, collapse=False).hits
            if not hits:
                return sorted(ids)
            ids += [h.id for h in hits]
            offset += 100
    finally:
        engine.close()


@pytest.fixture
def parallel(monkeypatch):
    monkeypatch.setattr(writer_mod, "PARALLEL_MIN_BYTES", 0)


def test_parallel_index_equals_single_writer_through_updates_and_deletions(tmp_path, parallel):
    data = tmp_path / "data"
    data.mkdir()
    _jsonl(data / "a.jsonl", 300, "a")
    _jsonl(data / "b.jsonl", 200, "b")
    one, two = tmp_path / "one", tmp_path / "two"
    s1 = index_paths(one, [data], procs=1)
    s2 = index_paths(two, [data], procs=2)
    assert s1.documents == s2.documents == 500
    for q in ("کیف", "النفط", "پهپاد حمله"):
        assert _ids(one, q) == _ids(two, q)
    # an update (new and changed records), a deleted file and a taken id
    _jsonl(data / "a.jsonl", 250, "a", start=100)
    (data / "b.jsonl").unlink()
    _jsonl(data / "c.jsonl", 50, "a")  # ids a0..a49: a0..a99 are gone with a's rewrite, so free
    _jsonl(data / "d.jsonl", 20, "a", start=120)  # taken by a.jsonl: skipped and reported
    s1 = index_paths(one, [data], procs=1)
    s2 = index_paths(two, [data], procs=2)
    assert (s1.added, s1.updated, s1.removed, s1.documents) == \
           (s2.added, s2.updated, s2.removed, s2.documents)
    assert s2.documents == 250 + 50
    assert sum("duplicate id" in s for s in s2.skipped) == 20
    for q in ("کیف", "النفط", "مسکو"):
        assert _ids(one, q) == _ids(two, q)


def test_a_failing_analysis_process_fails_the_run_and_keeps_the_old_index(tmp_path, parallel, monkeypatch):
    from kavosh.index import parallel as parallel_writer

    data = tmp_path / "data"
    data.mkdir()
    _jsonl(data / "a.jsonl", 100, "a")
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [data], procs=1)
    _jsonl(data / "a.jsonl", 150, "a")

    def broken(writer, tempstorage, filename, doc_count):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(parallel_writer, "_add_job_file", broken)  # the forked children inherit it
    with pytest.raises(Exception, match="disk on fire"):
        index_paths(index_dir, [data], procs=2)
    monkeypatch.undo()
    engine = Engine(index_dir)
    try:
        with engine.searching() as searcher:
            assert searcher.doc_count() == 100
    finally:
        engine.close()
    assert index_paths(index_dir, [data], procs=2).documents == 150  # and the next run works


def test_progress_counts_documents_and_says_when_it_commits(tmp_path):
    data = _jsonl(tmp_path / "one.jsonl", 40)
    calls: list[Progress] = []
    index_paths(tmp_path / "ix", [data], progress=calls.append)
    indexing = [p for p in calls if p.phase == "indexing"]
    assert [p.docs for p in indexing] == list(range(1, 41))  # documents, not files (was 1/1)
    assert all(p.docs_total == 40 for p in indexing)
    assert indexing[-1].bytes_done == indexing[-1].bytes_total == data.stat().st_size
    assert calls[-1].phase == "committing" and calls[-1].docs == 40


def _run_in_pty(args: list[str]) -> str:
    exe = Path(sys.executable).with_name("kavosh")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "kavosh"]
    master, slave = pty.openpty()
    proc = subprocess.Popen([*cmd, *args], stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 300)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=60)
    os.close(master)
    assert proc.returncode == 0, out.decode("utf-8", "replace")
    return out.decode("utf-8", "replace")


def test_cli_progress_on_a_terminal_shows_documents_rate_and_commit(tmp_path):
    data = _jsonl(tmp_path / "many.jsonl", 300)
    out = _run_in_pty(["index", "--procs", "2", "--index", str(tmp_path / "ix"), str(data)])
    assert "indexing 1/300 docs" in out
    assert "docs/s" in out
    assert "committing 300 documents…" in out
    assert "300 added" in out
    quiet = _run_in_pty(["index", "--quiet", "--rebuild", "--index", str(tmp_path / "ix"), str(data)])
    assert "indexing" not in quiet and "committing" not in quiet
    assert "300 added" in quiet


def test_cli_shows_no_progress_when_stderr_is_not_a_terminal(tmp_path):
    data = _jsonl(tmp_path / "many.jsonl", 30)
    exe = Path(sys.executable).with_name("kavosh")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "kavosh"]
    done = subprocess.run([*cmd, "index", "--index", str(tmp_path / "ix"), str(data)],
                          capture_output=True, text=True, check=True)
    assert "indexing" not in done.stderr and "committing" not in done.stderr
