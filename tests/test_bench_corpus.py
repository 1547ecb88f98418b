"""bench/corpus.py: the one reader of the news corpora every benchmark uses."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402

ARTICLES = [{"id": "a1", "title": "پهپاد", "body": "متن"}, {"id": "a2", "title": "الطائرات", "body": "نص"},
            {"id": "a3", "title": "سوم", "body": "متن سوم"}]


def _write(path: Path, lines: list[str]) -> Path:
    text = "".join(line + "\n" for line in lines)
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _lines() -> list[str]:
    # a blank line and a broken one among the articles, as a hand-edited file may have
    first, second, third = (json.dumps(a, ensure_ascii=False) for a in ARTICLES)
    return [first, "", "{not json", second, third]


def test_plain_and_gzipped_files_read_alike(tmp_path):
    plain = _write(tmp_path / "news-fa.jsonl", _lines())
    packed = _write(tmp_path / "news-ar.jsonl.gz", _lines())
    assert list(corpus.records(plain)) == list(corpus.records(packed)) == ARTICLES


def test_limit_counts_the_first_lines_of_the_file(tmp_path):
    path = _write(tmp_path / "news-fa.jsonl.gz", _lines())
    assert [r["id"] for r in corpus.records(path, 4)] == ["a1", "a2"]  # 4 lines: one blank, one broken
    assert len(list(corpus.lines(path, 1))) == 1


def test_plain_copy_is_preferred_and_files_come_persian_first(tmp_path):
    _write(tmp_path / "news-ar.jsonl.gz", _lines())
    _write(tmp_path / "news-fa.jsonl.gz", _lines())
    plain = _write(tmp_path / "news-fa.jsonl", _lines())
    assert corpus.file_of(tmp_path, "fa") == plain
    assert [p.name for p in corpus.files(tmp_path)] == ["news-fa.jsonl", "news-ar.jsonl.gz"]
    assert corpus.file_of(tmp_path / "elsewhere", "fa") is None


def test_the_folder_can_be_named_by_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KAVOSH_CORPORA", str(tmp_path))
    assert corpus.folder() == tmp_path
    monkeypatch.delenv("KAVOSH_CORPORA")
    assert corpus.folder() in (corpus.LOCAL, corpus.SHARED)
