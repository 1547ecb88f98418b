"""Scanned pages (no text layer) read by Tesseract with its Persian and Arabic models.

Each page is rendered at 300 dpi by poppler's pdftoppm and read by the
``tesseract`` program (Debian: tesseract-ocr, tesseract-ocr-fas,
tesseract-ocr-ara); where these are missing, the file is skipped with a
reason that says what to install.  Both run as separate programs under the
file's deadline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time

from ..decoding import Skip

DPI = 300
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-fas tesseract-ocr-ara poppler-utils"


def missing() -> str | None:
    """What is missing for OCR, as the advice a user needs; None when OCR can run."""
    if not (shutil.which("tesseract") and shutil.which("pdftoppm")):
        return f"scanned PDF (no text layer): to read it, install Tesseract ({INSTALL})"
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, timeout=30, text=True)
    except (OSError, subprocess.TimeoutExpired):
        return f"scanned PDF (no text layer): Tesseract does not run; reinstall it ({INSTALL})"
    langs = set(out.stdout.split())
    absent = [code for code in ("fas", "ara") if code not in langs]
    if absent:
        return (f"scanned PDF (no text layer): Tesseract lacks its {' and '.join(absent)} model "
                f"({INSTALL})")
    return None


def _run(args: list[str], deadline: float) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(args, capture_output=True, timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise Skip("scanned PDF not read in time by OCR (too many pages?)") from None


def read_pages(pdf_path: str, numbers: list[int], deadline: float) -> list[str]:
    """The text Tesseract reads on pages ``numbers`` (1-based) of the PDF."""
    texts = []
    with tempfile.TemporaryDirectory(prefix="kavosh-ocr-") as tmp:
        for number in numbers:
            stem = os.path.join(tmp, f"p{number}")
            _run(["pdftoppm", "-r", str(DPI), "-gray", "-png", "-singlefile", "-f", str(number),
                  "-l", str(number), pdf_path, stem], deadline)
            image = stem + ".png"
            if not os.path.exists(image):
                texts.append("")
                continue
            out = _run(["tesseract", image, "-", "-l", "fas+ara", "--psm", "3"], deadline)
            texts.append(out.stdout.decode("utf-8", "replace") if out.returncode == 0 else "")
            os.unlink(image)
    return texts
