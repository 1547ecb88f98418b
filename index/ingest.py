"""Reading documents from disk: .txt, .html/.htm and .jsonl, in UTF-8 or Windows-1256.

Nothing here raises for a bad input: a file that cannot be used becomes a
``Skip`` with a reason, a bad JSONL line a skipped record, a repair a
warning, so one broken file never stops a long indexing run.  Only regular
files inside the indexed folder are read, and none bigger than the
per-document limit; JSONL archives are streamed line by line instead, so
memory stays bounded whatever their size.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .dates import document_date, mtime_date
from .html_text import VisibleText
from .sources import folder_source, readable_source
from .discovery import SUPPORTED, SourceFile, discover, text_form
from .decoding import (ARABIC_SCRIPT, LineNotes, Skip, binary_kind, bom_encoding, decode,
                       encoding_name, read_lines, wide_encoding)

__all__ = ["SUPPORTED", "MAX_DOC_BYTES", "MAX_TITLE_CHARS", "SourceFile", "Document", "Parsed",
           "Skip", "Source", "discover", "open_source", "read_source", "parse_size", "human_size",
           "text_form"]

# Indexing costs ~100× a document's size in memory (analysis, positions,
# the stored copy), so one 300 MB text file used to exhaust memory after
# minutes.  10 MB of text is far beyond any article and still safe.
MAX_DOC_BYTES = 10_000_000
# A title is copied into every hit; a 5 MB first line is not a title.
MAX_TITLE_CHARS = 300
_CHUNK = 1 << 20  # hashing a streamed file


@dataclass
class Document:
    id: str
    title: str
    body: str
    lang: str | None = None
    url: str | None = None
    date: str | None = None  # normalized ISO-8601 (index/dates.py)
    source: str | None = None  # the readable name (index/sources.py)
    date_origin: str | None = None  # "document", or "mtime" when the file's time stands in


@dataclass
class Parsed:
    # A list for .txt/.html; for .jsonl an iterator that reads the file as it
    # goes: ``warnings`` and ``skipped`` are complete once it is exhausted.
    documents: Iterable[Document] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # records skipped inside a JSONL file


# --- sizes ----------------------------------------------------------------

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}


def parse_size(text: str) -> int:
    """'10MB', '500k', '2G' or a plain byte count; raises ValueError."""
    m = _SIZE.match(str(text))
    if not m:
        raise ValueError(f"not a size: {text!r} (use e.g. 10MB, 500kB, 2GB)")
    value = int(float(m.group(1)) * _UNITS[m.group(2).lower()])
    if value <= 0:
        raise ValueError("the size limit must be positive")
    return value


def human_size(n: int) -> str:
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= factor:
            return f"{n / factor:.3g} {unit}"
    return f"{n} bytes"


def _too_big(what: str, size: int, limit: int) -> str:
    suggestion = f"{math.ceil(size / 10**6)}MB" if size >= 10**6 else f"{math.ceil(size / 10**3)}kB"
    return (f"{what} is {human_size(size)}, over the per-document limit of {human_size(limit)}; "
            f"raise it with --max-file-size (e.g. --max-file-size {suggestion})")


# --- opening --------------------------------------------------------------


@dataclass
class Source:
    """A file checked and hashed, ready to parse; the text is read only if it changed."""

    sf: SourceFile
    sha1: str
    size: int
    max_doc_bytes: int
    data: bytes | None = None  # the whole file for .txt/.html; None for a streamed .jsonl
    lines: int = 1  # a .jsonl file's lines (at most this many records): for progress

    def parse(self) -> Parsed:
        """Documents of the file; raises Skip when nothing can be used."""
        if self.data is not None:
            return read_source(self.sf, self.data, max_doc_bytes=self.max_doc_bytes)
        parsed = Parsed()
        parsed.documents = _jsonl_from_path(self.sf, parsed, self.max_doc_bytes)
        return parsed


def open_source(sf: SourceFile, max_doc_bytes: int = MAX_DOC_BYTES) -> Source:
    """Check that ``sf`` may be read and hash it; raises Skip with the reason if not.

    .txt/.html are read whole, and only if stat() says they fit the limit;
    .jsonl is hashed in chunks and parsed later as a stream, so its size
    does not matter.
    """
    if sf.problem:
        raise Skip(sf.problem)
    with _open_regular(sf.path) as fh:
        try:
            st = os.fstat(fh.fileno())
            if _is_jsonl(sf):
                digest, blank, lines, last = hashlib.sha1(), True, 0, b""
                _refuse_binary(fh.peek(8192)[:8192])
                while chunk := fh.read(_CHUNK):
                    digest.update(chunk)
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
                    blank = blank and not chunk.strip()
                if blank:
                    raise Skip("empty file")
                return Source(sf, digest.hexdigest(), st.st_size, max_doc_bytes, lines=lines + (last != b"\n"))
            if st.st_size > max_doc_bytes:
                raise Skip(_too_big("the file", st.st_size, max_doc_bytes))
            data = fh.read(max_doc_bytes + 1)
        except OSError as exc:
            raise Skip(f"cannot read ({exc.strerror})") from None
    if len(data) > max_doc_bytes:  # it grew after stat()
        raise Skip(_too_big("the file", len(data), max_doc_bytes))
    return Source(sf, hashlib.sha1(data).hexdigest(), len(data), max_doc_bytes, data)


def _open_regular(path: Path):
    """``path`` opened for reading if it is a regular file; raises Skip otherwise.

    Non-blocking, so a pipe put there after discovery cannot hang the run.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise Skip(f"cannot read ({exc.strerror})") from None
    fh = open(fd, "rb", closefd=True)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        fh.close()
        raise Skip("not a regular file")
    return fh


def _refuse_binary(head: bytes) -> None:
    """A .jsonl that is really an image or an archive is skipped whole, not line by line."""
    if bom_encoding(head[:4]) or wide_encoding(head):
        return
    kind = binary_kind(head)
    if kind:
        raise Skip(f"binary file ({kind})")


def _is_jsonl(sf: SourceFile) -> bool:
    return sf.path.suffix.lower() == ".jsonl"


# --- documents ------------------------------------------------------------

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _finish(doc: Document, where: str, warnings: list[str], replaced: int = 0) -> Document:
    """Every stored string valid Unicode, and a title short enough to show in every hit.

    JSON can escape lone surrogates (``"\\ud800"``); stored, they make every
    search that returns the document fail to encode its answer.  ``replaced``:
    how many the caller already replaced.
    """
    for name in ("id", "title", "body", "url", "date", "source"):
        value = getattr(doc, name)
        if value and _SURROGATE.search(value):
            value, n = _SURROGATE.subn("\ufffd", value)
            setattr(doc, name, value)
            replaced += n
    if replaced:
        warnings.append(f"{where}: {replaced} invalid character{'s' if replaced > 1 else ''} "
                        f"(lone surrogates) in record {doc.id!r} replaced with U+FFFD")
    if len(doc.title) > MAX_TITLE_CHARS:
        if not doc.body.startswith(doc.title):  # what is cut from the title stays searchable
            doc.body = doc.title + "\n" + doc.body
        doc.title = cap_title(doc.title)
    return doc


def cap_title(title: str, limit: int = MAX_TITLE_CHARS) -> str:
    """At most ``limit`` characters, cut at a word boundary and marked with …."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_txt(text: str, sf: SourceFile) -> list[Document]:
    """First non-empty line is the title; the rest is the body.

    Scraped Persian/Arabic pages often start with a Latin boilerplate line
    ("Sorry, you need to enable JavaScript…"): when the first line has no
    Arabic-script letter but the text does, the first line that has one
    (among the first five) is the title instead.
    """
    lines = _clean(text).split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled:
        raise Skip("empty file")
    chosen = filled[0]
    if not ARABIC_SCRIPT.search(lines[chosen]) and ARABIC_SCRIPT.search(text):
        chosen = next((i for i in filled[:5] if ARABIC_SCRIPT.search(lines[i])), chosen)
    title = lines[chosen].strip()
    body = "\n".join(lines[:chosen] + lines[chosen + 1:]).strip("\n")
    return [Document(id=sf.rel, title=title, body=body or title)]


def parse_html(text: str, sf: SourceFile) -> list[Document]:
    parser = VisibleText()
    parser.feed(text)
    parser.close()
    body = parser.text()
    title = parser.title or parser.heading or (body.split("\n", 1)[0] if body else "")
    if not body and not title:
        raise Skip("no visible text")
    meta = parser.meta
    return [Document(id=sf.rel, title=title, body=body or title, url=meta.url, date=meta.date,
                     source=meta.site_name, date_origin="document" if meta.date else None)]


def _file_metadata(doc: Document, sf: SourceFile) -> Document:
    """A file without a date of its own is dated by its mtime (marked so), and named by its folder."""
    if not doc.date and sf.mtime:
        doc.date, doc.date_origin = mtime_date(sf.mtime), "mtime"
    if not doc.source:
        top = sf.root.parent if sf.root == sf.path else sf.root
        doc.source = folder_source(sf.rel, text_form(top).rstrip("/").rsplit("/", 1)[-1] or "/")
    return doc


# --- JSONL, streamed ---------------------------------------------------------


def _jsonl_from_path(sf: SourceFile, parsed: Parsed, max_doc_bytes: int) -> Iterator[Document]:
    """The records of a .jsonl file, read as they are indexed (the file was checked and hashed)."""
    try:
        with _open_regular(sf.path) as fh:
            yield from parse_jsonl(fh, sf, parsed, max_doc_bytes)
    except (OSError, Skip) as exc:  # changed or vanished since it was hashed
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        parsed.skipped.append(f"{sf.rel}: reading stopped ({reason})")


def parse_jsonl(fh, sf: SourceFile, parsed: Parsed, max_doc_bytes: int = MAX_DOC_BYTES
                ) -> Iterator[Document]:
    """One document per line; bad lines are skipped and reported, good ones kept."""
    seen: dict[str, int] = {}  # id → the line it was first seen on
    counts = LineNotes()
    undated: list[str] = []  # dates written but not readable, for one warning per file
    for lineno, line, size in read_lines(fh, max_doc_bytes, counts):
        where = f"{sf.rel}:{lineno}"
        if line is None:
            parsed.skipped.append(f"{where}: {_too_big('the record', size, max_doc_bytes)}")
            continue
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            parsed.skipped.append(f"{where}: not valid JSON ({exc.msg})")
            continue
        except RecursionError:
            parsed.skipped.append(f"{where}: not usable JSON (nested too deeply)")
            continue
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            parsed.skipped.append(f"{where}: not usable JSON ({str(exc).split(';')[0]})")
            continue
        if not isinstance(record, dict):
            parsed.skipped.append(f"{where}: not a JSON object")
            continue
        replaced = 0  # counted here, once, before the title is derived from the body
        for name in ("id", "title", "body", "text", "url", "date", "source"):
            value = record.get(name)
            if isinstance(value, str) and _SURROGATE.search(value):
                record[name], n = _SURROGATE.subn("\ufffd", value)
                replaced += n
        body = record.get("body", record.get("text"))
        title = record.get("title")
        title = title if isinstance(title, str) else ""  # null, NaN or a number: no title
        if not isinstance(body, str) or not (body.strip() or title.strip()):
            parsed.skipped.append(f"{where}: no 'body' or 'text' string")
            continue
        doc_id = str(record.get("id") or f"{sf.rel}#{lineno}")
        if doc_id in seen:
            parsed.skipped.append(f"{where}: duplicate id {doc_id!r}, already the id of "
                                  f"{sf.rel}:{seen[doc_id]}; record not indexed")
            continue
        seen[doc_id] = lineno
        lang = record.get("lang")
        written_date = _opt_str(record.get("date"))
        iso_date = document_date(written_date) if written_date else None
        if written_date and not iso_date:
            undated.append(written_date)
        url = _opt_str(record.get("url"))
        yield _finish(
            Document(
                id=doc_id,
                title=title.strip() or body.strip().split("\n", 1)[0][:120],
                body=_clean(body) or title,
                lang=lang if lang in ("fa", "ar", "mixed", "other") else None,
                url=url,
                date=iso_date,
                source=readable_source(_opt_str(record.get("source")), url),
                date_origin="document" if iso_date else None,
            ),
            where, parsed.warnings, replaced,
        )
    parsed.warnings.extend(f"{sf.rel}: {note}" for note in counts.notes())
    if undated:
        parsed.warnings.append(
            f"{sf.rel}: {len(undated)} record{'s' if len(undated) > 1 else ''} with a date Kavosh "
            f"cannot read (e.g. {undated[0][:40]!r}), indexed without a date (write a day, e.g. 2024-11-03 or 2024-11-03 14:23:00)")


def _opt_str(value) -> str | None:
    """A metadata value as text; None for missing, empty, NaN and non-scalar values."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    if isinstance(value, float) and value != value:
        return None
    return str(value) if value != "" else None


def read_source(sf: SourceFile, data: bytes, max_doc_bytes: int = MAX_DOC_BYTES) -> Parsed:
    """Parse one file's bytes into documents; raises Skip when nothing can be used."""
    if not data.strip():
        raise Skip("empty file")
    parsed = Parsed()
    if _is_jsonl(sf):
        _refuse_binary(data[:8192])
        parsed.documents = list(parse_jsonl(io.BufferedReader(io.BytesIO(data)), sf, parsed,
                                            max_doc_bytes))
        if not parsed.documents and not parsed.skipped:
            raise Skip("empty file")
        return parsed
    decoded = decode(data)
    if decoded.encoding not in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        parsed.warnings.append(f"{sf.rel}: not UTF-8; read as {encoding_name(decoded.encoding)}")
    parsed.warnings.extend(f"{sf.rel}: {note}" for note in decoded.notes)
    if sf.path.suffix.lower() in (".html", ".htm"):
        docs = parse_html(decoded.text, sf)
    else:
        docs = parse_txt(decoded.text, sf)
    parsed.documents = [_file_metadata(_finish(doc, sf.rel, parsed.warnings), sf) for doc in docs]
    return parsed
