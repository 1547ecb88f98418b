"""PDF, born-digital: poppler's pdftotext when installed, else pdfminer.six; one page a section.

Chosen by measurement (bench/pdf_extractors.py) on Persian and Arabic PDFs of
ReportLab (pre-shaped, visual order), Chromium (one and two columns) and
LibreOffice: pdftotext found every word of every producer's PDFs, in logical
order, with ZWNJ and digits right; pdfminer.six (MIT, pure Python) returns
visual order and loses ZWNJ, and after index/formats/rtl_text.py's repair
finds 0.89–1.00 of the words; pypdf reverses digit runs (0.88–0.99);
pypdfium2 reverses half the words of Chromium's PDFs (0.51–0.58).  pdftotext
is GPL and runs as a separate program, never linked.

Every run is bounded: pdftotext in a child process with a time and memory
limit, pdfminer page by page against a deadline.  Encrypted and broken files
are skipped with a reason, scanned pages go to OCR (index/formats/ocr.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

from ..dates import document_date
from ..decoding import Skip
from . import ocr
from .base import Document, Format, first_line, pages_body
from .pdf_text import clean_pages
from .rtl_text import ligatures_reversed, logical_from_visual, order_evidence

SECONDS_PER_FILE = 120  # pdftotext, or pdfminer's pages, before the file is given up
MEMORY_LIMIT = 1 << 30  # bytes of address space for a pdftotext child
MAX_PAGES = 5000
_LETTER = re.compile(r"[^\W\d_]")
# Producers' placeholders, not titles: "Microsoft Word - report.docx", "untitled", a file name.
_NOT_A_TITLE = re.compile(r"^(?:microsoft \w+ - .*|untitled.*|\s*|.*\.(?:docx?|odt|pdf|rtf|txt|html?|indd|tex))$",
                          re.IGNORECASE)


@dataclass
class PdfInfo:
    title: str = ""
    date: str | None = None  # as written (ISO from pdfinfo -isodates)
    pages: int = 0
    encrypted: bool = False
    extra: dict = field(default_factory=dict)


def extractor() -> str:
    """pdftotext, unless $KAVOSH_PDF_EXTRACTOR says pdfminer (or poppler is not installed)."""
    wanted = os.environ.get("KAVOSH_PDF_EXTRACTOR", "").strip().lower()
    return "pdfminer" if wanted == "pdfminer" or not poppler() else "pdftotext"


def poppler() -> bool:
    return shutil.which("pdftotext") is not None and shutil.which("pdfinfo") is not None


def _limit_child():  # runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run(args: list[str], deadline: float) -> str:
    try:
        out = subprocess.run(args, capture_output=True, timeout=max(1.0, deadline - time.monotonic()),
                             preexec_fn=_limit_child)
    except subprocess.TimeoutExpired:
        raise Skip(f"PDF not read within {SECONDS_PER_FILE} s (too large or malformed)") from None
    if out.returncode != 0:
        message = out.stderr.decode("utf-8", "replace").strip().splitlines()
        problem = message[-1] if message else f"exit status {out.returncode}"
        if "password" in problem.lower() or "encrypt" in problem.lower():
            raise Skip("encrypted PDF (needs a password); save a copy without one to index it")
        raise Skip(f"broken PDF ({problem.removeprefix('Syntax Error: ').removeprefix('Syntax Error ')[:120]})")
    return out.stdout.decode("utf-8", "replace")


def _poppler_info(path: str, deadline: float) -> PdfInfo:
    info = PdfInfo()
    for line in _run(["pdfinfo", "-isodates", "-enc", "UTF-8", path], deadline).splitlines():
        name, _, value = line.partition(":")
        value = value.strip()
        if name == "Title":
            info.title = value
        elif name == "CreationDate":
            info.date = value
        elif name == "Pages" and value.isdigit():
            info.pages = int(value)
        elif name == "Encrypted":
            info.encrypted = value.startswith("yes")
    return info


def _poppler_pages(path: str, info: PdfInfo, deadline: float) -> list[str]:
    last = ["-l", str(MAX_PAGES)] if info.pages > MAX_PAGES else []
    text = _run(["pdftotext", "-enc", "UTF-8", "-eol", "unix", *last, path, "-"], deadline)
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page, the last one too, with a form feed
    return pages


SPACE_GAP = 0.2  # of the font size: a gap this wide between glyphs is a space
COLUMN_GAP = 1.5  # of the font size: a gap this wide on one baseline separates columns


def _glyphs(node, LTChar):
    for child in node:
        if isinstance(child, LTChar):
            yield child
        elif hasattr(child, "__iter__"):
            yield from _glyphs(child, LTChar)


def _glyph_lines(page, LTChar) -> list[str]:
    """A pdfminer page's lines built from its glyphs' positions, each put in logical order
    glyph by glyph (rtl_text.py); a line without evidence of its order follows the page's
    majority.  Grouping by baseline ourselves keeps a right-to-left line whole where
    pdfminer's layout splits it around numbers set in another font."""
    rows: list[tuple[float, list]] = []
    for glyph in sorted(_glyphs(page, LTChar), key=lambda g: (-g.y0, g.x0)):
        if rows and abs(rows[-1][0] - glyph.y0) <= 0.4 * max(glyph.size, 1.0):
            rows[-1][1].append(glyph)
        else:
            rows.append((glyph.y0, [glyph]))
    lines: list[list[str]] = []
    for _y, row in rows:
        row.sort(key=lambda g: g.x0)
        units: list[str] = []
        for before, glyph in zip([None] + row[:-1], row):
            if before is not None:
                gap = glyph.x0 - before.x1
                if gap > COLUMN_GAP * glyph.size:
                    lines.append(units)
                    units = []
                elif gap > SPACE_GAP * glyph.size and units and units[-1] != " ":
                    units.append(" ")
            units.append(glyph.get_text())
        lines.append(units)
    evidence = [order_evidence("".join(units)) for units in lines]
    page_visual = sum((e > 0) - (e < 0) for e in evidence) > 0
    return [(logical_from_visual(units) if e > 0 or (e == 0 and page_visual) else "".join(units)).strip()
            for units, e in zip(lines, evidence)]


def _pdfminer_read(path: str, deadline: float) -> tuple[PdfInfo, list[str]]:
    """Pages read by pdfminer.six, reordered per glyph: slower than pdftotext, but a
    ligature's letters stay in their order (see rtl_text.ligatures_reversed)."""
    try:
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LAParams, LTChar
        from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
        from pdfminer.pdfparser import PDFParser
        from pdfminer.utils import decode_text
    except ImportError:
        raise Skip("PDF: install poppler-utils (pdftotext) or `pip install pdfminer.six` to read PDFs") from None
    info = PdfInfo()
    try:
        with open(path, "rb") as fh:
            document = PDFDocument(PDFParser(fh))
            meta = document.info[0] if document.info else {}
            for key, name in (("Title", "title"), ("CreationDate", "date")):
                value = meta.get(key)
                if isinstance(value, bytes):
                    setattr(info, name, decode_text(value))
        pages = []
        for page in extract_pages(path, laparams=LAParams(), maxpages=MAX_PAGES):
            if time.monotonic() > deadline:
                raise Skip(f"PDF not read within {SECONDS_PER_FILE} s (too large or malformed)")
            pages.append("\n".join(_glyph_lines(page, LTChar)))
    except PDFPasswordIncorrect:
        raise Skip("encrypted PDF (needs a password); save a copy without one to index it") from None
    except Skip:
        raise
    except Exception as exc:  # noqa: BLE001 — pdfminer raises many kinds for a broken file
        raise Skip(f"broken PDF ({type(exc).__name__}: {str(exc)[:100]})") from None
    if info.date and info.date.startswith("D:"):  # D:20240315120000+03'30'
        d = info.date[2:]
        info.date = f"{d[0:4]}-{d[4:6] or '01'}-{d[6:8] or '01'}" if d[:4].isdigit() else None
    return info, pages


def _real_title(title: str) -> str | None:
    title = " ".join(title.split())
    if not _LETTER.search(title) or _NOT_A_TITLE.match(title):
        return None
    return title


def parse_pdf(data: bytes, sf, parsed) -> list[Document]:
    if b"%PDF-" not in data[:1024]:
        raise Skip("not a PDF (no %PDF- header)")
    deadline = time.monotonic() + SECONDS_PER_FILE
    with tempfile.TemporaryDirectory(prefix="kavosh-pdf-") as tmp:
        path = os.path.join(tmp, "in.pdf")  # the bytes that were hashed, not the file as it is now
        with open(path, "wb") as fh:
            fh.write(data)
        if poppler() and extractor() == "pdftotext":
            info = _poppler_info(path, deadline)
            raw = _poppler_pages(path, info, deadline)
            if ligatures_reversed("\n".join(raw)):  # LibreOffice's ligature glyphs: read per glyph
                _info, raw = _pdfminer_read(path, deadline)
        else:
            info, raw = _pdfminer_read(path, deadline)
        pages = clean_pages(raw)
        empty = [i for i, page in enumerate(pages) if not _LETTER.search(page)]
        if empty:  # pages without a text layer: scanned
            missing = ocr.missing()
            if missing is None:
                for i, text in zip(empty, ocr.read_pages(path, [i + 1 for i in empty], deadline)):
                    pages[i] = clean_pages([text])[0]
            elif len(empty) == len(pages):
                raise Skip(missing)
            else:
                parsed.warnings.append(f"{sf.rel}: {len(empty)} of {len(pages)} pages have no text; "
                                       f"{missing.split(': ', 1)[1]}")
    if not any(_LETTER.search(page) for page in pages):
        raise Skip("PDF without text (no text layer, and OCR found none)")
    if info.pages > MAX_PAGES:
        parsed.warnings.append(f"{sf.rel}: only the first {MAX_PAGES} of {info.pages} pages indexed")
    body = pages_body(pages)
    title = _real_title(info.title) or first_line(body)
    date = document_date(info.date[:10]) if info.date else None
    return [Document(id=sf.rel, title=title, body=body, date=date,
                     date_origin="document" if date else None)]


FORMAT = Format("PDF", (".pdf",), parse_pdf, decoded=False, read_ahead=True)
