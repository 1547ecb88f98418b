"""Reading documents from disk: checking, hashing and handing each file to its format.

The formats themselves (.txt, .html, .jsonl, .pdf, .docx, .odt, .epub, .md)
are index/formats/, one module each; text formats are decoded here first, in
UTF-8, UTF-16/32, Windows-1256 or what charset-normalizer recognises.

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
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .dates import mtime_date
from .sources import folder_source
from .discovery import SourceFile, discover, text_form
from .decoding import Skip, binary_kind, bom_encoding, decode, encoding_name, wide_encoding
from .formats import SUPPORTED, Format, format_for
from .formats.base import (MAX_TITLE_CHARS, Document, Parsed, cap_title, finish, human_size,
                           too_big)

__all__ = ["SUPPORTED", "MAX_DOC_BYTES", "MAX_TITLE_CHARS", "SourceFile", "Document", "Parsed",
           "Skip", "Source", "discover", "open_source", "read_source", "parse_size", "human_size",
           "text_form", "cap_title"]

# Indexing costs ~100× a document's size in memory (analysis, positions,
# the stored copy), so one 300 MB text file used to exhaust memory after
# minutes.  10 MB of text is far beyond any article and still safe.
MAX_DOC_BYTES = 10_000_000
_CHUNK = 1 << 20  # hashing a streamed file


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


# --- opening --------------------------------------------------------------


@dataclass
class Source:
    """A file checked and hashed, ready to parse; the text is read only if it changed."""

    sf: SourceFile
    sha1: str
    size: int
    max_doc_bytes: int
    data: bytes | None = None  # the whole file; None for a streamed format (.jsonl)
    lines: int = 1  # a .jsonl file's lines (at most this many records): for progress

    def parse(self) -> Parsed:
        """Documents of the file; raises Skip when nothing can be used."""
        if self.data is not None:
            return read_source(self.sf, self.data, max_doc_bytes=self.max_doc_bytes)
        parsed = Parsed()
        parsed.documents = _stream_from_path(_format(self.sf), self.sf, parsed, self.max_doc_bytes)
        return parsed


def open_source(sf: SourceFile, max_doc_bytes: int = MAX_DOC_BYTES) -> Source:
    """Check that ``sf`` may be read and hash it; raises Skip with the reason if not.

    Most files are read whole, and only if stat() says they fit the limit;
    a streamed format (.jsonl) is hashed in chunks and parsed later as a
    stream, so its size does not matter.
    """
    if sf.problem:
        raise Skip(sf.problem)
    fmt = _format(sf)
    with _open_regular(sf.path) as fh:
        try:
            st = os.fstat(fh.fileno())
            if fmt.stream is not None:
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
                raise Skip(too_big("the file", st.st_size, max_doc_bytes))
            data = fh.read(max_doc_bytes + 1)
        except OSError as exc:
            raise Skip(f"cannot read ({exc.strerror})") from None
    if len(data) > max_doc_bytes:  # it grew after stat()
        raise Skip(too_big("the file", len(data), max_doc_bytes))
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


def _format(sf: SourceFile) -> Format:
    fmt = format_for(sf.path)
    if fmt is None:  # discovery lists such files as unsupported; this is a caller's mistake
        raise Skip(f"unsupported type {sf.path.suffix or '(no suffix)'}")
    return fmt


# --- documents ------------------------------------------------------------


def _file_metadata(doc: Document, sf: SourceFile) -> Document:
    """A file without a date of its own is dated by its mtime (marked so), and named by its folder."""
    if not doc.date and sf.mtime:
        doc.date, doc.date_origin = mtime_date(sf.mtime), "mtime"
    if not doc.source:
        top = sf.root.parent if sf.root == sf.path else sf.root
        doc.source = folder_source(sf.rel, text_form(top).rstrip("/").rsplit("/", 1)[-1] or "/")
    return doc


# --- streamed formats (JSONL) ---------------------------------------------------


def _stream_from_path(fmt: Format, sf: SourceFile, parsed: Parsed,
                      max_doc_bytes: int) -> Iterator[Document]:
    """The records of a streamed file, read as they are indexed (the file was checked and hashed)."""
    try:
        with _open_regular(sf.path) as fh:
            yield from fmt.stream(fh, sf, parsed, max_doc_bytes)
    except (OSError, Skip) as exc:  # changed or vanished since it was hashed
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        parsed.skipped.append(f"{sf.rel}: reading stopped ({reason})")


def read_source(sf: SourceFile, data: bytes, max_doc_bytes: int = MAX_DOC_BYTES) -> Parsed:
    """Parse one file's bytes into documents; raises Skip when nothing can be used."""
    if not data.strip():
        raise Skip("empty file")
    fmt = _format(sf)
    parsed = Parsed()
    if fmt.stream is not None:
        _refuse_binary(data[:8192])
        parsed.documents = list(fmt.stream(io.BufferedReader(io.BytesIO(data)), sf, parsed,
                                           max_doc_bytes))
        if not parsed.documents and not parsed.skipped:
            raise Skip("empty file")
        return parsed
    content = data
    if fmt.decoded:
        decoded = decode(data)
        if decoded.encoding not in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
            parsed.warnings.append(f"{sf.rel}: not UTF-8; read as {encoding_name(decoded.encoding)}")
        parsed.warnings.extend(f"{sf.rel}: {note}" for note in decoded.notes)
        content = decoded.text
    docs = fmt.parse(content, sf, parsed)
    if not fmt.decoded:  # a packed format (DOCX, EPUB, PDF) can hold more text than its size says
        text_bytes = sum(len(doc.body.encode("utf-8", "surrogatepass")) for doc in docs)
        if text_bytes > max_doc_bytes:
            raise Skip(too_big("its text", text_bytes, max_doc_bytes))
    parsed.documents = [_file_metadata(finish(doc, sf.rel, parsed.warnings), sf) for doc in docs]
    return parsed
