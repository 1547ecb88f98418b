"""HTML pages: the visible text, the <title> or first heading, and the page's metadata."""

from __future__ import annotations

from ..decoding import Skip
from ..html_text import VisibleText
from .base import Document, Format


def parse_html(text: str, sf, parsed=None) -> list[Document]:
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


FORMAT = Format("HTML", (".html", ".htm"), parse_html)
