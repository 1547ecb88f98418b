"""Reading documents from disk: .txt, .html/.htm and .jsonl, in UTF-8 or Windows-1256.

Nothing here raises for a bad file: a file that cannot be used becomes a
``Skip`` with a reason, so one broken file never stops a long indexing run.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

SUPPORTED = (".txt", ".html", ".htm", ".jsonl")


@dataclass
class SourceFile:
    path: Path  # absolute
    root: Path  # absolute folder it was found under (the file itself if given directly)
    rel: str  # path relative to root, with forward slashes
    size: int
    mtime: float


@dataclass
class Document:
    id: str
    title: str
    body: str
    lang: str | None = None
    url: str | None = None
    date: str | None = None
    source: str | None = None


@dataclass
class Parsed:
    documents: list[Document] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # records skipped inside a JSONL file


class Skip(Exception):
    """This file cannot be indexed; the message says why."""


def discover(path: Path):
    """Supported files under ``path`` (recursively, hidden entries skipped), sorted."""
    path = path.resolve()
    if path.is_file():
        st = path.stat()
        yield SourceFile(path, path.parent, path.name, st.st_size, st.st_mtime)
        return
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(SUPPORTED):
                continue
            full = Path(dirpath) / name
            try:
                st = full.stat()
            except OSError:
                continue
            yield SourceFile(full, path, full.relative_to(path).as_posix(), st.st_size, st.st_mtime)


# --- decoding -------------------------------------------------------------

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
# What a cp1256 misreading of some other encoding produces: C1 controls and
# the Latin-1 letters cp1256 keeps (à â ç è é ê ë î ï ô û ü).
_IMPLAUSIBLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x80-\x9f\u00e0-\u00fc]")


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read as; raises Skip for binary or unknown encodings.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such.
    Otherwise Windows-1256, the legacy Persian/Arabic encoding, is tried and
    accepted only if the result is mostly Arabic-script text: cp1256 maps
    every byte to something, so a plausibility check is what tells real
    cp1256 from a binary file or another encoding.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise Skip(f"not valid UTF-16 ({exc.reason})") from None
    if b"\x00" in data[:8192]:
        raise Skip("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1256", errors="replace")
    letters = len(_ARABIC_SCRIPT.findall(text))
    bad = len(_IMPLAUSIBLE.findall(text)) + text.count("\ufffd")
    if letters >= 10 and bad <= letters * 0.02:
        return text, "cp1256"
    raise Skip("not UTF-8, and not plausible Windows-1256 text (binary or unknown encoding)")


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- formats --------------------------------------------------------------


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
    if not _ARABIC_SCRIPT.search(lines[chosen]) and _ARABIC_SCRIPT.search(text):
        chosen = next((i for i in filled[:5] if _ARABIC_SCRIPT.search(lines[i])), chosen)
    title = lines[chosen].strip()
    body = "\n".join(lines[:chosen] + lines[chosen + 1:]).strip("\n")
    return [Document(id=sf.rel, title=title, body=body or title)]


class _VisibleText(HTMLParser):
    """Visible text of an HTML page, with line breaks at block elements."""

    HIDDEN = {"script", "style", "noscript", "template", "head", "svg"}
    BLOCK = {
        "p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "section",
        "article", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "hr", "main", "aside", "nav", "figure", "figcaption",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.title_parts: list[str] | None = None
        self.title = ""
        self.heading = ""
        self.heading_parts: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.title_parts = []
        elif tag in self.HIDDEN:
            self.hidden += 1
        elif tag in ("h1", "h2") and not self.heading:
            self.heading_parts = []
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title" and self.title_parts is not None:
            self.title = " ".join("".join(self.title_parts).split())
            self.title_parts = None
        elif tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("h1", "h2") and self.heading_parts is not None:
            self.heading = " ".join("".join(self.heading_parts).split())
            self.heading_parts = None
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.title_parts is not None:
            self.title_parts.append(data)
            return
        if self.hidden:
            return
        if self.heading_parts is not None:
            self.heading_parts.append(data)
        self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)


def parse_html(text: str, sf: SourceFile) -> list[Document]:
    parser = _VisibleText()
    parser.feed(text)
    parser.close()
    body = parser.text()
    title = parser.title or parser.heading or (body.split("\n", 1)[0] if body else "")
    if not body and not title:
        raise Skip("no visible text")
    return [Document(id=sf.rel, title=title, body=body or title)]


def parse_jsonl(text: str, sf: SourceFile, parsed: Parsed) -> None:
    """One document per line; bad lines are skipped and reported, good ones kept."""
    seen: dict[str, int] = {}  # id → the line it was first seen on
    for lineno, line in enumerate(_clean(text).split("\n"), 1):
        if not line.strip():
            continue
        where = f"{sf.rel}:{lineno}"
        try:
            record = json.loads(line)
        except ValueError as exc:
            parsed.skipped.append(f"{where}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            parsed.skipped.append(f"{where}: not a JSON object")
            continue
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
        parsed.documents.append(
            Document(
                id=doc_id,
                title=title.strip() or body.strip().split("\n", 1)[0][:120],
                body=_clean(body) or title,
                lang=lang if lang in ("fa", "ar", "mixed", "other") else None,
                url=_opt_str(record.get("url")),
                date=_opt_str(record.get("date")),
                source=_opt_str(record.get("source")),
            )
        )
    if not parsed.documents and not parsed.skipped:
        raise Skip("empty file")


def _opt_str(value) -> str | None:
    """A metadata value as text; None for missing, empty, NaN and non-scalar values."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    if isinstance(value, float) and value != value:
        return None
    return str(value) if value != "" else None


def read_source(sf: SourceFile, data: bytes) -> Parsed:
    """Parse one file's bytes into documents; raises Skip when nothing can be used."""
    if not data.strip():
        raise Skip("empty file")
    text, encoding = decode(data)
    parsed = Parsed()
    if encoding == "cp1256":
        parsed.warnings.append(f"{sf.rel}: not UTF-8; read as Windows-1256")
    suffix = sf.path.suffix.lower()
    if suffix == ".jsonl":
        parse_jsonl(text, sf, parsed)
    elif suffix in (".html", ".htm"):
        parsed.documents.extend(parse_html(text, sf))
    else:
        parsed.documents.extend(parse_txt(text, sf))
    return parsed
