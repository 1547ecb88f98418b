"""PDF (ReportLab, Chromium, LibreOffice), DOCX, ODT, EPUB and Markdown files made from
Persian and Arabic text, indexed by the real `kavosh index` into a real index, and found
by words typed on a standard keyboard, on the right page.

The producers are real programs; where one is missing the tests that need it
skip with a reason, except under CI (CI=true), where .ci/run installs them
and a missing one is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import format_samples as fs
from kavosh.cli import main

IN_CI = os.environ.get("CI") == "true"


def need(available, what: str) -> None:
    if not available:
        (pytest.fail if IN_CI else pytest.skip)(f"{what} is not installed (.ci/run installs it)")


def kavosh(*args, index: Path):
    result = CliRunner().invoke(main, [*args, "--index", str(index)])
    assert "Traceback" not in result.output, result.output
    return result


def search(index: Path, query: str) -> list[dict]:
    result = kavosh("search", "--json", "--no-collapse", "--limit", "100", query, index=index)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["hits"]


def has_reportlab() -> bool:
    try:
        import reportlab  # noqa: F401
    except ImportError:
        return False
    return fs.ARABIC_FONT.exists()


# --- one library of every producer's files, indexed once -------------------------

PRODUCERS = {  # file name → how it is made; pages: whether its pages are the sample's
    "reportlab.pdf": (lambda s, out: fs.reportlab_pdf(s, out), True),
    "chromium.pdf": (lambda s, out: fs.chromium_pdf(s, out), True),
    "twocol.pdf": (lambda s, out: fs.chromium_pdf(s, out, columns=2, running_header=True), True),
    "libreoffice.pdf": (lambda s, out: fs.libreoffice_convert(
        fs.docx(s, out.parent / f"lo-{out.stem}.docx"), "pdf", out.parent).rename(out), True),
    "docx": (lambda s, out: fs.docx(s, out), False),
    "odt": (lambda s, out: fs.odt(s, out), False),
    "epub": (lambda s, out: fs.epub(s, out), True),
    "md": (lambda s, out: fs.markdown(s, out), False),
}
TOOLS = {"reportlab.pdf": (has_reportlab, "ReportLab with fonts-noto-core"),
         "chromium.pdf": (fs.chromium, "Chromium"), "twocol.pdf": (fs.chromium, "Chromium"),
         "libreoffice.pdf": (fs.soffice, "LibreOffice (libreoffice-writer-nogui)")}


def _file_name(sample, kind: str) -> str:
    return f"{sample.name}-{kind}" if kind.endswith(".pdf") else f"{sample.name}.{kind}"


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """Every producer's file of both samples that can be made here, indexed once."""
    need(shutil.which("pdftotext"), "poppler-utils (pdftotext)")
    folder = tmp_path_factory.mktemp("library")
    build = tmp_path_factory.mktemp("build")
    made = set()
    for kind, (make, _pages) in PRODUCERS.items():
        check = TOOLS.get(kind)
        if check and not check[0]():
            continue
        for sample in fs.SAMPLES:
            out = build / _file_name(sample, kind)
            make(sample, out)
            shutil.copy(out, folder / out.name)
            made.add(kind)
    index = tmp_path_factory.mktemp("ix")
    result = kavosh("index", str(folder), index=index)
    assert result.exit_code == 0, result.output
    return index, made, result


CASES = [(kind, sample, word, page) for kind in PRODUCERS for sample in fs.SAMPLES
         for word, page in sample.probes]


@pytest.mark.parametrize("kind,sample,word,page", CASES,
                         ids=[f"{k}-{s.name}-{w}" for k, s, w, _ in CASES])
def test_probe_word_finds_its_file_on_its_page(library, kind, sample, word, page):
    index, made, _ = library
    if kind not in made:
        check = TOOLS[kind]
        need(False, check[1])
    name = _file_name(sample, kind)
    hits = {h["id"]: h for h in search(index, word)}
    assert name in hits, f"{word!r} did not find {name}; found {sorted(hits)}"
    if PRODUCERS[kind][1]:
        assert hits[name].get("page") == page, (word, hits[name])
    else:
        assert "page" not in hits[name]


def test_every_file_of_the_library_is_indexed_and_none_skipped(library):
    index, made, result = library
    assert "skipped" not in result.stderr, result.stderr
    assert f"{2 * len(made)} added" in result.stdout


def test_snippets_read_in_logical_order_with_digits_as_printed(library):
    index, made, _ = library
    for hit in search(index, "الزيتون"):
        plain = re.sub("</?mark>", "", hit["snippet"])
        assert "مهرجان الزيتون الذي يقام كل خريف" in " ".join(plain.split()), hit
    for hit in search(index, "کتابخانه‌های"):
        if hit["id"].endswith(".pdf"):
            assert "در سال ۱۴۰۲ بیش از ۲۵۰ هزار" in hit["snippet"], hit


def test_titles_and_dates_come_from_the_metadata(library):
    index, made, _ = library
    hits = {h["id"]: h for h in search(index, "جرش")}
    for kind in made:
        assert hits[_file_name(fs.ARABIC, kind)]["title"] == fs.ARABIC.title
    assert hits["taqrir.docx"]["date"].startswith("2024-03-15")
    assert hits["taqrir.odt"]["date"].startswith("2023-11-04")
    assert hits["taqrir.epub"]["date"] == "2022-06-01"
    assert hits["taqrir.md"]["date"] == "2023-11-05"  # 1402/08/14, Jalali
    assert hits["taqrir.epub"]["lang"] == "ar"


def test_show_one_page_of_a_pdf(library):
    index, made, _ = library
    need("reportlab.pdf" in made, "ReportLab")
    result = kavosh("show", "taqrir-reportlab.pdf", "--page", "4", "--json", "-q", "الزيتون", index=index)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["page"] == 4 and doc["pages"] == 4
    assert "الزيتون" in doc["body"] and "الإسكندرية" not in doc["body"]
    assert "<mark>الزيتون</mark>" in doc["body_html"]
    missing = kavosh("show", "taqrir-reportlab.pdf", "--page", "9", index=index)
    assert missing.exit_code != 0 and "has 4 pages, no page 9" in missing.output


def test_running_headers_are_kept_once_not_on_every_page(library):
    index, made, _ = library
    need("twocol.pdf" in made, "Chromium")
    body = json.loads(kavosh("show", "--json", "taqrir-twocol.pdf", index=index).stdout)["body"]
    assert body.count(fs.ARABIC.title) == 2  # the header of page 1 and the page's own first line
    page3 = json.loads(kavosh("show", "--json", "--page", "3", "taqrir-twocol.pdf", index=index).stdout)
    assert fs.ARABIC.title not in page3["body"]


# --- PDFs that cannot be read, and the fallbacks ---------------------------------


@pytest.mark.parametrize("procs", ["1", "2"])  # 2: PDFs read ahead in threads
def test_broken_encrypted_and_fake_pdfs_are_skipped_with_a_reason(tmp_path, procs):
    need(has_reportlab(), "ReportLab with fonts-noto-core")
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    (folder / "notes.pdf").write_text("فقط متن ساده است", encoding="utf-8")
    c = canvas.Canvas(str(folder / "secret.pdf"), encrypt=StandardEncryption("user-pass", "owner-pass"))
    c.drawString(72, 720, "secret")
    c.save()
    fs.reportlab_pdf(fs.PERSIAN, folder / "good.pdf")
    fs.reportlab_pdf(fs.ARABIC, folder / "good2.pdf")
    index = tmp_path / "ix"
    result = kavosh("index", "--procs", procs, str(folder), index=index)
    assert result.exit_code == 0, result.output
    assert re.search(r"skipped: broken\.pdf: broken PDF \(.+\)", result.stderr), result.stderr
    assert "skipped: notes.pdf: not a PDF (no %PDF- header)" in result.stderr
    assert "skipped: secret.pdf: encrypted PDF (needs a password)" in result.stderr
    assert "2 added" in result.stdout and "3 skipped" in result.stdout
    assert [h["id"] for h in search(index, "جرش")] == ["good2.pdf"]
    assert [h["id"] for h in search(index, "زعفران")] == ["good.pdf"]


def test_max_file_size_applies_to_pdfs(tmp_path):
    need(has_reportlab(), "ReportLab with fonts-noto-core")
    folder = tmp_path / "in"
    folder.mkdir()
    fs.reportlab_pdf(fs.PERSIAN, folder / "big.pdf")
    result = kavosh("index", "--max-file-size", "5kB", str(folder), index=tmp_path / "ix")
    assert "skipped: big.pdf: the file is" in result.stderr and "--max-file-size" in result.stderr


def test_a_placeholder_metadata_title_gives_way_to_the_first_heading(tmp_path):
    need(has_reportlab(), "ReportLab with fonts-noto-core")
    folder = tmp_path / "in"
    folder.mkdir()
    fs.reportlab_pdf(fs.ARABIC, folder / "a.pdf", metadata_title="Microsoft Word - taqrir.docx")
    index = tmp_path / "ix"
    kavosh("index", str(folder), index=index)
    assert search(index, "جرش")[0]["title"] == fs.ARABIC.title


def test_without_poppler_pdfminer_reads_visual_order_pdfs(tmp_path, monkeypatch):
    need(has_reportlab(), "ReportLab with fonts-noto-core")
    monkeypatch.setenv("KAVOSH_PDF_EXTRACTOR", "pdfminer")
    folder = tmp_path / "in"
    folder.mkdir()
    for sample in fs.SAMPLES:
        fs.reportlab_pdf(sample, folder / f"{sample.name}.pdf")
    index = tmp_path / "ix"
    assert kavosh("index", str(folder), index=index).exit_code == 0
    for sample in fs.SAMPLES:
        for word, page in sample.probes:
            hits = {h["id"]: h for h in search(index, word)}
            assert hits[f"{sample.name}.pdf"]["page"] == page, word


# --- scanned PDFs ----------------------------------------------------------------


def _scanned_pdf(sample, folder: Path, build: Path) -> Path:
    """The sample rendered at 300 dpi (pdftoppm) and wrapped in a PDF with no text layer."""
    import subprocess

    from reportlab.pdfgen import canvas

    src = fs.reportlab_pdf(sample, build / f"{sample.name}-src.pdf")
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-f", "4", "-l", "4", str(src),
                    str(build / "scan")], check=True)
    out = folder / f"{sample.name}-scan.pdf"
    c = canvas.Canvas(str(out))
    width, height = c._pagesize
    for image in sorted(build.glob("scan*.png")):
        c.drawImage(str(image), 0, 0, width, height)
        c.showPage()
    c.save()
    return out


def test_a_scanned_pdf_is_read_by_ocr(tmp_path):
    need(has_reportlab(), "ReportLab with fonts-noto-core")
    need(shutil.which("tesseract") and shutil.which("pdftoppm"), "Tesseract (tesseract-ocr-fas/-ara)")
    folder, build = tmp_path / "in", tmp_path / "build"
    folder.mkdir(), build.mkdir()
    _scanned_pdf(fs.ARABIC, folder, build)
    index = tmp_path / "ix"
    result = kavosh("index", str(folder), index=index)
    assert "1 added" in result.stdout, result.output
    for word in ("الزيتون", "مهرجان", "مسابقة"):  # Tesseract drops the short line «في مدينة جرش.»
        assert [h["id"] for h in search(index, word)] == ["taqrir-scan.pdf"], word


def test_without_tesseract_a_scanned_pdf_is_skipped_saying_what_to_install(tmp_path, monkeypatch):
    need(has_reportlab(), "ReportLab with fonts-noto-core")
    need(shutil.which("pdftoppm"), "poppler-utils")
    folder, build = tmp_path / "in", tmp_path / "build"
    folder.mkdir(), build.mkdir()
    _scanned_pdf(fs.PERSIAN, folder, build)
    bin_dir = tmp_path / "bin"  # a machine with poppler but no Tesseract
    bin_dir.mkdir()
    for tool in ("pdftotext", "pdfinfo", "pdftoppm"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    monkeypatch.setenv("PATH", str(bin_dir))
    result = kavosh("index", str(folder), index=tmp_path / "ix")
    assert ("skipped: gozaresh-scan.pdf: scanned PDF (no text layer): to read it, install Tesseract "
            "(apt-get install tesseract-ocr tesseract-ocr-fas tesseract-ocr-ara poppler-utils)") in result.stderr


def test_the_web_page_says_on_which_page_a_hit_is_and_the_document_shows_its_pages(library):
    from kavosh.web import create_app

    index, made, _ = library
    need("reportlab.pdf" in made, "ReportLab")
    client = create_app(index).test_client()
    page = client.get("/", query_string={"q": "جرش", "ui": "ar", "collapse": "0"}).get_data(as_text=True)
    assert 'الصفحة ٤' in page
    assert "taqrir-reportlab.pdf?q=" in page and "#page-4" in page
    doc = client.get("/doc/taqrir-reportlab.pdf", query_string={"q": "جرش", "ui": "fa"}).get_data(as_text=True)
    assert 'id="page-4"' in doc and "صفحهٔ ۴" in doc
    assert doc.index('id="page-4"') < doc.index("<mark>جرش</mark>")


def test_max_file_size_applies_to_the_text_a_packed_file_unpacks_to(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    long = fs.Sample("long", "fa", "گزارش بلند", (("گزارش بلند", "کتابخانه عمومی " * 100_000),), ())
    fs.docx(long, folder / "long.docx")  # 2.8 MB of text in a small zip
    assert (folder / "long.docx").stat().st_size < 100_000
    result = kavosh("index", "--max-file-size", "1MB", str(folder), index=tmp_path / "ix")
    assert re.search(r"skipped: long\.docx: its text is 2\.\d MB, over the per-document limit of 1 MB", result.stderr)
