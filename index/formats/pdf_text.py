"""Cleaning the pages an extractor returns: direction marks, visual-order lines,
presentation forms, hyphenated Latin words, and headers/footers repeated on every page."""

from __future__ import annotations

import re
from collections import Counter

from .rtl_text import repair_lines

# Embedding and isolate controls and direction marks: poppler wraps every line
# in them (U+202B…U+202C); they are layout, not text, and would split words.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A control between two letters or digits stood where poppler moved a space
# («سال ‪ ۱۴۰۲‬بیش» for «سال ۱۴۰۲ بیش»): it becomes the space again.
_CONTROL_BETWEEN = re.compile("(?<=\\w)[\u200e\u200f\u202a-\u202e\u2066-\u2069]+(?=\\w)")
# Arabic punctuation moved across its space the same way: «پایان ،گزارش» → «پایان، گزارش».
_DISPLACED_PUNCT = re.compile("(?<=\\w) ([\u060c\u061b\u061f])(?=[\u0620-\u06ff])")
_HYPHENATED = re.compile(r"([A-Za-z\u00c0-\u024f])-\n([a-z\u00df-\u024f])")
_DIGITS = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]+")
_SPACES = re.compile(r"[ \t\u00a0]+")
# A line that is only a page number: "3", "- 3 -", "۳ / ۱۲", "Page 3", "صفحه ۳".
_PAGE_NUMBER = re.compile(r"^\W*(?:page|صفحه|صفحة)?\W*#(?:\W+(?:of|از|من)?\W*#)?\W*$", re.IGNORECASE)
EDGE_LINES = 2  # how many lines at the top and bottom of a page may be running heads


def clean_page(text: str) -> list[str]:
    """A page's lines, without direction controls, in logical order, letters not forms."""
    text = _CONTROL_BETWEEN.sub(" ", text)
    text = _BIDI_CONTROLS.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _HYPHENATED.sub(r"\1\2", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return [_DISPLACED_PUNCT.sub(r"\1 ", line) for line in repair_lines(lines)]


def _key(line: str) -> str:
    return _DIGITS.sub("#", line)


def drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Without the headers and footers repeated on most pages (kept on the first page they
    appear on, where they still say something: often the title), and without page numbers.

    A line is a running head when, digits aside, it is among the first or last
    EDGE_LINES non-empty lines of at least 3 pages and of half of them.
    """
    def edges(lines):
        filled = [i for i, line in enumerate(lines) if line]
        return set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])

    page_edges = [edges(lines) for lines in pages]
    counts = Counter(key for lines, where in zip(pages, page_edges)
                     for key in {_key(lines[i]) for i in where})
    running = {key for key, n in counts.items() if len(pages) >= 3 and n >= 3 and n * 2 >= len(pages)}
    seen: set[str] = set()
    out = []
    for lines, where in zip(pages, page_edges):
        kept = []
        for i, line in enumerate(lines):
            key = _key(line)
            if i in where and _PAGE_NUMBER.match(key):
                continue
            if i in where and key in running:
                if key in seen:
                    continue
                seen.add(key)
            kept.append(line)
        out.append(kept)
    return out


def clean_pages(raw_pages: list[str]) -> list[str]:
    """Every page cleaned (see above), as text; blank pages stay, so page numbers stay right."""
    pages = drop_running_lines([clean_page(page) for page in raw_pages])
    return ["\n".join(line for line in lines if line) for lines in pages]
