"""What every format module returns, and the rules all of them share.

A format turns one file into ``Document``s; ``Parsed`` carries them with the
warnings and skipped records met on the way.  Pages (a PDF's, an EPUB's
chapters) are kept in the body itself, separated by a form feed (U+000C):
the analyzer sees white space there, the stored body keeps the boundaries, and a
hit's page is the number of form feeds before its passage plus one, with no
extra field in the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

PAGE_BREAK = "\f"

# A title is copied into every hit; a 5 MB first line is not a title.
MAX_TITLE_CHARS = 300


@dataclass
class Document:
    id: str
    title: str
    body: str  # pages, if any, separated by PAGE_BREAK
    lang: str | None = None
    url: str | None = None
    date: str | None = None  # normalized ISO-8601 (index/dates.py)
    source: str | None = None  # the readable name (index/sources.py)
    date_origin: str | None = None  # "document", or "mtime" when the file's time stands in


@dataclass
class Parsed:
    # A list for whole files; for .jsonl an iterator that reads the file as it
    # goes: ``warnings`` and ``skipped`` are complete once it is exhausted.
    documents: Iterable[Document] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # records skipped inside a JSONL file


@dataclass(frozen=True)
class Format:
    """One kind of file: its suffixes and how to turn it into documents.

    ``parse(content, sf, parsed)`` gets the decoded text when ``decoded``
    (index/decoding.py found the encoding) and the raw bytes otherwise, and
    returns the documents or raises Skip.  ``stream(fh, sf, parsed,
    max_doc_bytes)`` instead reads records from an open file as they are
    indexed (JSONL: archives of any size in bounded memory).
    """

    name: str
    suffixes: tuple[str, ...]
    parse: Callable | None = None
    decoded: bool = True
    stream: Callable[..., Iterator[Document]] | None = None
    # Reading waits on other programs (pdftotext, Tesseract): with --procs N,
    # N such files are read at once, ahead of the documents being indexed.
    read_ahead: bool = False


def pages_body(pages: list[str]) -> str:
    """Pages joined into one body; blank pages are kept so that numbers stay right."""
    return PAGE_BREAK.join(page.strip("\n" + PAGE_BREAK) for page in pages)


def page_count(body: str) -> int:
    return body.count(PAGE_BREAK) + 1


def page_at(body: str, offset: int) -> int:
    """The 1-based page of the character at ``offset``."""
    return body.count(PAGE_BREAK, 0, max(0, offset)) + 1


def page_text(body: str, number: int) -> str | None:
    """Page ``number`` (1-based) of a body, None if it has no such page."""
    pages = body.split(PAGE_BREAK)
    return pages[number - 1] if 1 <= number <= len(pages) else None


_HEADING_SPACE = re.compile(r"\s+")


def first_line(text: str, limit: int = 200) -> str:
    """The first non-empty line of ``text``, white space folded: a title of last resort."""
    for line in text.split("\n"):
        line = _HEADING_SPACE.sub(" ", line.replace(PAGE_BREAK, " ")).strip()
        if line:
            return line[:limit]
    return ""


# --- rules every format's documents obey -------------------------------------

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def finish(doc: Document, where: str, warnings: list[str], replaced: int = 0) -> Document:
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


def human_size(n: int) -> str:
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= factor:
            return f"{n / factor:.3g} {unit}"
    return f"{n} bytes"


def too_big(what: str, size: int, limit: int) -> str:
    suggestion = f"{-(-size // 10**6)}MB" if size >= 10**6 else f"{-(-size // 10**3)}kB"
    return (f"{what} is {human_size(size)}, over the per-document limit of {human_size(limit)}; "
            f"raise it with --max-file-size (e.g. --max-file-size {suggestion})")
