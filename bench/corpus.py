"""The news corpora, found and read one way by every benchmark.

The corpora are JSON Lines, one article a line (``{"id", "title", "body",
"lang", "source", "url", "date"}``), one file a language: ``news-fa`` and
``news-ar``.  They live gzipped in ../shared/corpora beside the repository
and are never copied into it; a plain copy in /tmp/corpus (what the archive
index is built from) reads several times faster, so it is preferred when it
is there.  Every benchmark that takes a corpus asks here, so a new place or
format is one edit.

    from corpus import folder, file_of, lines, records   # bench/ is on sys.path
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpora"  # gzipped, read-only, beside the repository
LOCAL = Path("/tmp/corpus")  # the plain copy, when someone made it
LANGUAGES = ("fa", "ar")
FOLDER_HELP = ("folder with news-fa.jsonl and news-ar.jsonl (or .gz); default "
               "$KAVOSH_CORPORA, else /tmp/corpus, else ../shared/corpora")


def folder() -> Path:
    """Where the corpora are: $KAVOSH_CORPORA, else /tmp/corpus when it holds
    them, else ../shared/corpora."""
    given = os.environ.get("KAVOSH_CORPORA", "").strip()
    if given:
        return Path(given)
    return LOCAL if file_of(LOCAL, "fa") else SHARED


def file_of(where: Path, lang: str) -> Path | None:
    """``news-{lang}.jsonl`` in ``where``, else ``news-{lang}.jsonl.gz``; None when neither is."""
    for name in (f"news-{lang}.jsonl", f"news-{lang}.jsonl.gz"):
        if (Path(where) / name).is_file():
            return Path(where) / name
    return None


def files(where: Path) -> list[Path]:
    """The corpus file of each language found in ``where`` (Persian first)."""
    return [path for path in (file_of(where, lang) for lang in LANGUAGES) if path is not None]


def open_text(path: Path) -> IO[str]:
    """A JSON Lines file for reading as UTF-8 text, gzipped (``.gz``) or plain."""
    path = Path(path)
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def lines(path: Path, limit: int | None = None) -> Iterator[str]:
    """The article lines of ``path`` as written (newline kept), of its first
    ``limit`` lines; blank lines are passed over."""
    with open_text(path) as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                break
            if line.strip():
                yield line


def records(path: Path, limit: int | None = None) -> Iterator[dict]:
    """The articles of ``path`` (of its first ``limit`` lines) as dicts; a line
    that is not a JSON object is passed over."""
    for line in lines(path, limit):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            yield record
