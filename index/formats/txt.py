"""Plain text: the first non-empty line is the title, the rest the body."""

from __future__ import annotations

from ..decoding import ARABIC_SCRIPT, Skip
from .base import Document, Format


def clean_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_txt(text: str, sf, parsed=None) -> list[Document]:
    """First non-empty line is the title; the rest is the body.

    Scraped Persian/Arabic pages often start with a Latin boilerplate line
    ("Sorry, you need to enable JavaScript…"): when the first line has no
    Arabic-script letter but the text does, the first line that has one
    (among the first five) is the title instead.
    """
    lines = clean_newlines(text).split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled:
        raise Skip("empty file")
    chosen = filled[0]
    if not ARABIC_SCRIPT.search(lines[chosen]) and ARABIC_SCRIPT.search(text):
        chosen = next((i for i in filled[:5] if ARABIC_SCRIPT.search(lines[i])), chosen)
    title = lines[chosen].strip()
    body = "\n".join(lines[:chosen] + lines[chosen + 1:]).strip("\n")
    return [Document(id=sf.rel, title=title, body=body or title)]


FORMAT = Format("text", (".txt",), parse_txt)
