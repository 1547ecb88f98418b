"""Word (.docx) and OpenDocument (.odt) text, with title, date and language from their metadata.

Both keep paragraphs in logical order whatever their direction (a right-to-left
paragraph is a property of the paragraph, not a reordering of its text), so
the text is the paragraphs' runs in document order, one line per paragraph.
"""

from __future__ import annotations

from ..dates import document_date
from ..decoding import Skip
from .base import Document, Format, first_line
from .zipped import first_text, local, open_zip, parse_xml, read_member, tidy


def _docx_paragraphs(root) -> list[str]:
    """Each w:p's runs: w:t text, w:tab a tab, w:br/w:cr a line break."""
    out = []
    for p in root.iter():
        if local(p.tag) != "p":
            continue
        parts = []
        for el in p.iter():
            name = local(el.tag)
            if name == "t" and el.text:
                parts.append(el.text)
            elif name == "tab":
                parts.append("\t")
            elif name in ("br", "cr"):
                parts.append("\n")
        out.append("".join(parts))
    return out


_ODT_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _odt_text(el) -> str:
    """Mixed content of an ODT element: spans, text:s runs of spaces, tabs and line breaks."""
    parts = [el.text or ""]
    for child in el:
        name = local(child.tag)
        if name == "s":
            count = child.get(f"{{{_ODT_TEXT}}}c", "1")
            parts.append(" " * (int(count) if count.isdigit() else 1))
        elif name == "tab":
            parts.append("\t")
        elif name == "line-break":
            parts.append("\n")
        elif name not in ("p", "h"):  # a nested paragraph is its own line
            parts.append(_odt_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _odt_paragraphs(root) -> list[str]:
    return [_odt_text(el) for el in root.iter() if local(el.tag) in ("p", "h")]


def _document(sf, kind: str, paragraphs: list[str], title: str | None, date: str | None,
              lang: str | None) -> Document:
    body = tidy("\n".join(paragraphs))
    if not body and not title:
        raise Skip(f"{kind} without text")
    iso = document_date(date[:19]) if date else None
    lang = (lang or "").split("-")[0].lower()
    return Document(id=sf.rel, title=title or first_line(body), body=body or title,
                    lang=lang if lang in ("fa", "ar") else None, date=iso,
                    date_origin="document" if iso else None)


def _parts(data: bytes, kind: str, content: str, meta: str):
    """(content root, metadata root or None) of a zipped office document; a missing or
    broken content part is a Skip that names it."""
    zf = open_zip(data, kind)
    root = parse_xml(read_member(zf, content, kind), kind, content)
    if root is None:
        raise Skip(f"broken {kind} (no {content})")
    return root, parse_xml(read_member(zf, meta, kind), kind, meta)


def parse_docx(data: bytes, sf, parsed=None) -> list[Document]:
    root, core = _parts(data, "DOCX", "word/document.xml", "docProps/core.xml")
    return [_document(sf, "DOCX", _docx_paragraphs(root), first_text(core, "title"),
                      first_text(core, "created") or first_text(core, "modified"),
                      first_text(core, "language"))]


def parse_odt(data: bytes, sf, parsed=None) -> list[Document]:
    root, meta = _parts(data, "ODT", "content.xml", "meta.xml")
    return [_document(sf, "ODT", _odt_paragraphs(root), first_text(meta, "title"),
                      first_text(meta, "date") or first_text(meta, "creation-date"),
                      first_text(meta, "language"))]


DOCX = Format("Word", (".docx",), parse_docx, decoded=False)
ODT = Format("OpenDocument text", (".odt",), parse_odt, decoded=False)
