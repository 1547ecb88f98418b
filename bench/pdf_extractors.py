"""Which PDF text extractor Kavosh uses, measured on Persian and Arabic PDFs of several producers.

    .venv/bin/python bench/pdf_extractors.py [--out DIR]

Makes the samples of tests/format_samples.py into PDFs with ReportLab (pre-shaped
presentation forms in visual order), Chromium's print-to-PDF (one column, and two
columns with a running header) and LibreOffice, then extracts each with
pypdfium2, pdfminer.six, pypdf and poppler's pdftotext, as returned ("raw") and
after index/formats/rtl_text.py's repair; "kavosh" is what `kavosh index` reads
(pdftotext, or pdfminer per glyph when pdftotext reversed lam-alef ligatures),
"kavosh-nopoppler" what it reads without poppler installed.  Prints, per producer and extractor,
the share of the sample's distinct words found (recall) and the share of
extracted words that are the sample's (precision), after folding ی/ي, ک/ك,
ZWNJ and diacritics as the analyzer does.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from format_samples import (SAMPLES, chromium, chromium_pdf, docx, libreoffice_convert,  # noqa: E402
                            reportlab_pdf, sample_html, soffice)
from kavosh.index.formats.rtl_text import fold_presentation_forms, repair_text  # noqa: E402

_WORD = re.compile(r"[\w\u200c]+")


def words(text: str) -> list[str]:
    text = fold_presentation_forms(text)
    text = text.translate(str.maketrans({"ي": "ی", "ك": "ک", "\u200c": "", "ى": "ی", "ـ": ""}))
    text = re.sub("[\u064b-\u065f\u0670]", "", text)
    return [w for w in _WORD.findall(text) if not w.isdigit()]


def pdfium(path):
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(path))
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def pdfminer(path):
    from pdfminer.high_level import extract_text
    return extract_text(str(path)).split("\f")


def pypdf(path):
    from pypdf import PdfReader
    return [p.extract_text() for p in PdfReader(str(path)).pages]


def pdftotext(path):
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode().split("\f")


def kavosh(path):
    """What Kavosh indexes: pdftotext, or pdfminer per glyph when pdftotext reversed ligatures."""
    from kavosh.index.formats import pdf as kavosh_pdf
    from kavosh.index.formats.pdf_text import clean_pages
    from kavosh.index.formats.rtl_text import ligatures_reversed

    deadline = time.monotonic() + 120
    raw = kavosh_pdf._poppler_pages(str(path), kavosh_pdf.PdfInfo(), deadline)
    if ligatures_reversed("\n".join(raw)):
        raw = kavosh_pdf._pdfminer_read(str(path), deadline)[1]
    return clean_pages(raw)


def kavosh_pdfminer(path):
    """Kavosh without poppler: pdfminer.six read per glyph."""
    from kavosh.index.formats import pdf as kavosh_pdf
    from kavosh.index.formats.pdf_text import clean_pages

    return clean_pages(kavosh_pdf._pdfminer_read(str(path), time.monotonic() + 120)[1])


EXTRACTORS = {"pypdfium2": pdfium, "pdfminer.six": pdfminer, "pypdf": pypdf, "pdftotext": pdftotext,
              "kavosh": kavosh, "kavosh-nopoppler": kavosh_pdfminer}


def producers(out: Path):
    for s in SAMPLES:
        yield "reportlab", s, reportlab_pdf(s, out / f"{s.name}-reportlab.pdf")
        if chromium():
            yield "chromium", s, chromium_pdf(s, out / f"{s.name}-chromium.pdf")
            yield "chromium 2-col+header", s, chromium_pdf(s, out / f"{s.name}-2col.pdf", columns=2,
                                                           running_header=True)
        if soffice():
            src = out / f"{s.name}-lo.html"
            src.write_text(sample_html(s), encoding="utf-8")
            yield "libreoffice (html)", s, libreoffice_convert(src, "pdf", out)
            yield "libreoffice (docx)", s, libreoffice_convert(docx(s, out / f"{s.name}.docx"), "pdf", out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="kavosh-pdfs-"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"{'producer':20} {'sample':9} {'extractor':16} {'raw R/P':>12} {'repaired R/P':>14} {'pages':>5} {'ms':>6}")
    for producer, sample, pdf in producers(out):
        truth = set(words(sample.text))
        for name, extract in EXTRACTORS.items():
            started = time.perf_counter()
            try:
                pages = [p for p in extract(pdf)]
            except Exception as exc:  # noqa: BLE001 — a measurement reports, never stops
                print(f"{producer:20} {sample.name:9} {name:16} failed: {exc}")
                continue
            ms = (time.perf_counter() - started) * 1000
            while pages and not pages[-1].strip():
                pages.pop()
            cols = []
            for text in ("\n".join(pages), "\n".join(repair_text(p) for p in pages)):
                found = words(text)
                recall = len(truth & set(found)) / len(truth)
                precision = sum(w in truth for w in found) / max(1, len(found))
                cols.append(f"{recall:.2f}/{precision:.2f}")
            print(f"{producer:20} {sample.name:9} {name:16} {cols[0]:>12} {cols[1]:>14} {len(pages):>5} {ms:6.0f}")


if __name__ == "__main__":
    main()
