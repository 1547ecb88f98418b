"""The formats Kavosh reads, one module each, found by a file's suffix.

Adding a format is one module with a ``FORMAT`` (index/formats/base.py says
what it holds) and one line in ``FORMATS``.
"""

from __future__ import annotations

from pathlib import PurePath

from . import epub, html, jsonl, markdown, office, pdf, txt
from .base import Document, Format, Parsed

FORMATS: tuple[Format, ...] = (txt.FORMAT, html.FORMAT, jsonl.FORMAT, pdf.FORMAT, office.DOCX,
                                office.ODT, epub.FORMAT, markdown.FORMAT)

_BY_SUFFIX = {suffix: fmt for fmt in FORMATS for suffix in fmt.suffixes}
SUPPORTED = tuple(_BY_SUFFIX)


def format_for(path) -> Format | None:
    """The format that reads ``path``, by its suffix (any case); None if Kavosh reads none."""
    return _BY_SUFFIX.get(PurePath(str(path)).suffix.lower())


def suffix_label(name: str) -> str:
    """How a skipped file's type is named in the run's summary: '.pptx', or '(no suffix)'."""
    suffix = PurePath(name).suffix.lower()
    return suffix if suffix else "(no suffix)"


__all__ = ["FORMATS", "SUPPORTED", "Document", "Format", "Parsed", "format_for", "suffix_label"]
