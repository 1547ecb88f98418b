"""PDF pages per second through `kavosh index`, born-digital and scanned (OCR).

    .venv/bin/python bench/bench_formats.py [--copies N] [--runs R] [--ocr-pages P]

Makes the Persian and Arabic samples of tests/format_samples.py into 4-page
PDFs with ReportLab and (when installed) Chromium and LibreOffice, copies them
N times, and times fresh `index_paths` builds of the folder with one process
and with --procs 2 (median of R).  With Tesseract, P scanned pages (300 dpi
images without a text layer) are indexed too: OCR pages/s.  Prints medians
and the ratio of the two process counts.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import format_samples as fs  # noqa: E402
from kavosh.index.writer import index_paths  # noqa: E402


def _originals(work: Path) -> tuple[list[Path], set[str]]:
    made, producers = [], {"ReportLab"}
    for sample in fs.SAMPLES:
        made.append(fs.reportlab_pdf(sample, work / f"{sample.name}-reportlab.pdf"))
        if fs.chromium():
            made.append(fs.chromium_pdf(sample, work / f"{sample.name}-chromium.pdf"))
            producers.add("Chromium")
        if fs.soffice():
            made.append(fs.libreoffice_convert(fs.docx(sample, work / f"{sample.name}.docx"), "pdf", work))
            producers.add("LibreOffice")
    return made, producers


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return next(int(line.split()[-1]) for line in out.splitlines() if line.startswith("Pages:"))


def _time_build(folder: Path, procs: int, runs: int) -> float:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="kavosh-bench-ix-") as ix:
            started = time.perf_counter()
            summary = index_paths(Path(ix), [folder], procs=procs)
            times.append(time.perf_counter() - started)
            assert not summary.skipped, summary.skipped
    return statistics.median(times)


def _scans(work: Path, folder: Path, pages: int) -> int:
    from reportlab.pdfgen import canvas

    src = fs.reportlab_pdf(fs.ARABIC, work / "scan-src.pdf")
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(src), str(work / "scan")], check=True)
    images = sorted(work.glob("scan-*.png"))
    c = canvas.Canvas(str(folder / "scanned.pdf"))
    width, height = c._pagesize
    for n in range(pages):
        c.drawImage(str(images[n % len(images)]), 0, 0, width, height)
        c.showPage()
    c.save()
    return pages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ocr-pages", type=int, default=4)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kavosh-bench-formats-") as tmp:
        work, folder = Path(tmp) / "work", Path(tmp) / "pdfs"
        work.mkdir(), folder.mkdir()
        originals, producers = _originals(work)
        pages = 0
        for k in range(args.copies):
            for pdf in originals:
                shutil.copy(pdf, folder / f"{k:03}-{pdf.name}")
                pages += _pages(pdf)
        print(f"{len(originals) * args.copies} PDFs, {pages} pages "
              f"(Persian and Arabic, by {', '.join(sorted(producers))})")
        one = _time_build(folder, 1, args.runs)
        two = _time_build(folder, 2, args.runs)
        print(f"born-digital, 1 process:  {pages / one:6.1f} pages/s  (median {one:.2f} s of {args.runs})")
        print(f"born-digital, --procs 2:  {pages / two:6.1f} pages/s  (median {two:.2f} s; x{one / two:.2f})")
        if shutil.which("tesseract") and args.ocr_pages:
            scans = Path(tmp) / "scans"
            scans.mkdir()
            n = _scans(work, scans, args.ocr_pages)
            seconds = _time_build(scans, 1, 1)
            print(f"scanned (OCR, 300 dpi):   {n / seconds:6.2f} pages/s  ({n} pages in {seconds:.1f} s)")
        elif args.ocr_pages:
            print("scanned: Tesseract not installed, not measured")


if __name__ == "__main__":
    main()
