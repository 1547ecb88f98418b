"""HTML pages: the visible text, the <title> or first heading, and the page's metadata."""

from __future__ import annotations

import re

from ..decoding import Skip
from ..html_text import VisibleText
from .base import Document, Format

# What sites put between an article's title and their own name in <title>.
_SEPARATOR = re.compile(r"\s+(?:[|–—·•»]|-{1,2}|::)\s+")


def article_title(title: str, heading: str, site: str | None) -> str:
    """The <title> without the site's name around it ("… | Site", "Site - …").

    Cut only on evidence: a part equal to the page's first heading (what
    remains is the article), or the other parts once the site's own name
    (og:site_name) is one of them.  A title with nothing to cut is kept whole.
    """
    parts = _SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    fold = lambda text: " ".join(text.split()).casefold()  # noqa: E731
    if heading and any(fold(part) == fold(heading) for part in parts):
        return next(part for part in parts if fold(part) == fold(heading)).strip()
    if site:
        rest = [part for part in parts if fold(part) != fold(site)]
        if 0 < len(rest) < len(parts):
            return " – ".join(part.strip() for part in rest)
    return title


def parse_html(text: str, sf, parsed=None) -> list[Document]:
    parser = VisibleText()
    parser.feed(text)
    parser.close()
    body = parser.text()
    meta = parser.meta
    title = (article_title(parser.title, parser.heading, meta.site_name) if parser.title else "") \
        or parser.heading or (body.split("\n", 1)[0] if body else "")
    if not body and not title:
        raise Skip("no visible text")
    return [Document(id=sf.rel, title=title, body=body or title, url=meta.url, date=meta.date,
                     source=meta.site_name, date_origin="document" if meta.date else None)]


FORMAT = Format("HTML", (".html", ".htm"), parse_html)
