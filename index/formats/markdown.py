"""Markdown: the text without its markup; title and date from YAML front matter
(``title:``, ``date:``, ``lang:``), else the first heading is the title."""

from __future__ import annotations

import re

from ..dates import document_date
from ..decoding import Skip
from .base import Document, Format, first_line
from .txt import clean_newlines

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FIELD = re.compile(r"^([A-Za-z_]+)[ \t]*:[ \t]*(.*?)[ \t]*$", re.M)
_ATX = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t#]*$", re.M)
_SETEXT = re.compile(r"^(.+)\n[ \t]*(?:=+|-+)[ \t]*$", re.M)
_FENCE = re.compile(r"^[ \t]*(```|~~~).*$", re.M)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REF_DEF = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:.*$", re.M)
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|~~|`+)(?=\S)(.+?)(?<=\S)\1")
_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)*(?:[-*+][ \t]+|\d+[.)][ \t]+)?", re.M)
_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.M)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"" else value


def plain_text(markdown: str) -> str:
    """Markdown's words without its markup (headings, emphasis, links' addresses, fences)."""
    text = _FENCE.sub("", markdown)
    text = _REF_DEF.sub("", text)
    text = _RULE.sub("", text)
    text = _ATX.sub(r"\1", text)
    text = _SETEXT.sub(r"\1", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    for _ in range(2):  # nested emphasis: ***a** b*
        text = _EMPHASIS.sub(r"\2", text)
    text = _PREFIX.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def parse_markdown(text: str, sf, parsed=None) -> list[Document]:
    text = clean_newlines(text)
    meta = {}
    front = _FRONT_MATTER.match(text)
    if front:
        meta = {k.lower(): _unquote(v) for k, v in _FIELD.findall(front.group(1))}
        text = text[front.end():]
    heading = _ATX.search(text) or _SETEXT.search(text)
    body = plain_text(text)
    title = meta.get("title") or (plain_text(heading.group(1)) if heading else first_line(body))
    if not body and not title:
        raise Skip("empty file")
    date = document_date(meta["date"]) if meta.get("date") else None
    lang = meta.get("lang", meta.get("language", "")).split("-")[0].lower()
    return [Document(id=sf.rel, title=title, body=body or title, date=date,
                     lang=lang if lang in ("fa", "ar") else None,
                     date_origin="document" if date else None)]


FORMAT = Format("Markdown", (".md", ".markdown"), parse_markdown)
