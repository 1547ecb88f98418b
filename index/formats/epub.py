"""EPUB books: chapters in reading (spine) order, each a section; title, date and
language from the package's Dublin Core metadata (dc:title, dc:date, dc:language)."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote

from ..dates import document_date
from ..decoding import Skip, decode
from ..html_text import VisibleText
from .base import Document, Format, first_line, pages_body
from .zipped import first_text, local, open_zip, parse_xml, read_member

_CHAPTER_TYPES = ("application/xhtml+xml", "text/html")
MAX_CHAPTERS = 2000


def _chapter_text(data: bytes) -> str:
    parser = VisibleText()
    parser.feed(decode(data).text)
    parser.close()
    return parser.text()


def parse_epub(data: bytes, sf, parsed=None) -> list[Document]:
    zf = open_zip(data, "EPUB")
    container = parse_xml(read_member(zf, "META-INF/container.xml", "EPUB"), "EPUB", "container.xml")
    opf_path = next((el.get("full-path") for el in container.iter() if local(el.tag) == "rootfile"),
                    None) if container is not None else None
    opf = parse_xml(read_member(zf, opf_path, "EPUB"), "EPUB", opf_path) if opf_path else None
    if opf is None:
        raise Skip("broken EPUB (no package document)")
    base = posixpath.dirname(opf_path)
    manifest = {el.get("id"): el for el in opf.iter() if local(el.tag) == "item"}
    chapters = []
    for ref in (el for el in opf.iter() if local(el.tag) == "itemref"):
        item = manifest.get(ref.get("idref"))
        if item is None or item.get("media-type") not in _CHAPTER_TYPES:
            continue
        name = posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
        content = read_member(zf, name, "EPUB")
        if content is not None:
            chapters.append(_chapter_text(content))
        if len(chapters) >= MAX_CHAPTERS:
            break
    body = pages_body(chapters)
    title = first_text(opf, "title")
    if not body.strip() and not title:
        raise Skip("EPUB without text")
    date = first_text(opf, "date")
    iso = document_date(date[:19]) if date else None
    lang = (first_text(opf, "language") or "").split("-")[0].lower()
    return [Document(id=sf.rel, title=title or first_line(body), body=body or title,
                     lang=lang if lang in ("fa", "ar") else None, date=iso,
                     date_origin="document" if iso else None)]


FORMAT = Format("EPUB", (".epub",), parse_epub, decoded=False)
