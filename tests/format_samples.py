"""Persian and Arabic sample documents (written for these tests) and the real programs
that make files of them: ReportLab, Chromium, LibreOffice, plain zip+XML for DOCX/ODT/EPUB.

Each sample has pages and probe words: how a user would type a word of it on
a standard Persian or Arabic keyboard (ZWNJ or none, ي/ك or ی/ک), and the
one page each is on.  Tests and bench/bench_formats.py share them.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    name: str
    lang: str
    title: str
    pages: tuple[tuple[str, ...], ...]  # paragraphs per page
    probes: tuple[tuple[str, int], ...]  # (what a user types, the page it must be found on)

    @property
    def text(self) -> str:
        return "\n".join(p for page in self.pages for p in page)


PERSIAN = Sample(
    "gozaresh", "fa", "گزارش سالانه کتابخانه ملی",
    (
        ("گزارش سالانه کتابخانه ملی",
         "کتابخانه‌های عمومی کشور در سال ۱۴۰۲ بیش از ۲۵۰ هزار کتاب تازه دریافت کردند و شمار اعضای آنها افزایش یافت.",
         "مدیران می‌خواهند خدمات دیجیتال را گسترش دهند تا دانشجویان بتوانند از خانه به منابع دسترسی داشته باشند."),
        ("سازمان اسناد با همکاری دانشگاه تهران برنامه‌ای برای اسکن نسخه‌های خطی آغاز کرده است.",
         "این طرح با بودجه ۱۲ میلیارد ریال اجرا می‌شود و تا پایان سال آینده ادامه دارد.",
         "پژوهشگران تاریخ اسلامی از این مجموعه برای بررسی اسناد دوره صفوی استفاده خواهند کرد."),
        ("در بخش کودکان، کارگاه‌های قصه‌گویی در بیست استان برگزار شد.",
         "کتابداران جوان برای آموزش سواد رسانه‌ای به مدارس روستایی سفر کردند."),
        ("در پایان، گزارش به صادرات زعفران و فرش دستباف اشاره می‌کند که موضوع کتاب‌های تازه بودند.",
         "نمایشگاه کتاب تهران در اردیبهشت با حضور ناشران خارجی برگزار خواهد شد."),
    ),
    (("کتابخانه", 1), ("كتابخانه", 1), ("کتابخانه‌های", 1), ("میخواهند", 1), ("دانشجویان", 1),
     ("اسلامی", 2), ("اسلامي", 2), ("صفوی", 2), ("قصه‌گویی", 3), ("روستایی", 3),
     ("زعفران", 4), ("دستباف", 4)),
)

ARABIC = Sample(
    "taqrir", "ar", "التقرير السنوي لوزارة الثقافة",
    (
        ("التقرير السنوي لوزارة الثقافة",
         "أعلنت الوزارة عن افتتاح مكتبة جديدة في مدينة الإسكندرية، وهي تضم أكثر من ٣٠٠ ألف كتاب.",
         "وقال المدير إن المكتبة ستكون مفتوحة للطلاب على مدار الأسبوع، مجانا لكل القراء."),
        ("وفي ذكرى الاستقلال نظمت الجامعة معرضا للمخطوطات النادرة بالتعاون مع المتحف الوطني.",
         "ولا تزال أعمال الترميم جارية في المستشفى القديم الذي تحول إلى مركز للفنون."),
        ("وأكد الباحثون أن الاقتصاد الثقافي يوفر فرص عمل للشباب في القرى البعيدة.",
         "وشارك في الندوة خبراء من مصر والمغرب ولبنان."),
        ("وفي الختام أشار التقرير إلى مهرجان الزيتون الذي يقام كل خريف في مدينة جرش.",
         "وتستعد الوزارة لإطلاق مسابقة للشعر العربي في العام المقبل."),
    ),
    (("مكتبة", 1), ("الاسكندرية", 1), ("الإسكندرية", 1), ("للطلاب", 1), ("مجانا", 1),
     ("الاستقلال", 2), ("المستشفى", 2), ("المستشفي", 2), ("تزال", 2), ("الاقتصاد", 3),
     ("الزيتون", 4), ("جرش", 4)),
)

SAMPLES = (PERSIAN, ARABIC)

FONT_DIR = Path("/usr/share/fonts/truetype/noto")
ARABIC_FONT = FONT_DIR / "NotoNaskhArabic-Regular.ttf"


# --- HTML (Chromium and LibreOffice read it) ---------------------------------------


def sample_html(sample: Sample, *, columns: int = 1, running_header: bool = False) -> str:
    """One HTML page per sample page (CSS page breaks), right to left; optionally two
    columns and a running header line repeated on every page."""
    pages = []
    for number, paragraphs in enumerate(sample.pages, 1):
        header = (f'<div class="rh">{html.escape(sample.title)} — {number}</div>'
                  if running_header else "")
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        pages.append(f'<section>{header}<div class="cols">{body}</div></section>')
    return f"""<!doctype html><html lang="{sample.lang}" dir="rtl"><head><meta charset="utf-8">
<title>{html.escape(sample.title)}</title><style>
body {{ font-family: 'Noto Naskh Arabic', serif; font-size: 14pt; }}
section {{ break-after: page; page-break-after: always; }}
.cols {{ column-count: {columns}; column-gap: 2em; }}
.rh {{ font-size: 9pt; border-bottom: 1px solid; margin-bottom: 1em; }}
</style></head><body>{''.join(pages)}</body></html>"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def chromium_pdf(sample: Sample, out: Path, **layout) -> Path:
    """Chromium's print-to-PDF of the sample's HTML."""
    src = out.with_suffix(".html")
    src.write_text(sample_html(sample, **layout), encoding="utf-8")
    subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={out}", src.as_uri()], check=True, capture_output=True, timeout=120)
    return out


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_convert(src: Path, to: str, outdir: Path) -> Path:
    """LibreOffice's headless conversion of ``src`` (to "pdf", "docx", "odt"…)."""
    profile = outdir / ".lo-profile"
    subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", to, "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=180)
    return outdir / (src.stem + "." + to.split(":")[0])


# --- ReportLab: pre-shaped glyphs in visual order (the hard case) -----------------


def reportlab_pdf(sample: Sample, out: Path, *, metadata_title: str | None = None) -> Path:
    """Each line shaped by arabic-reshaper and reordered by python-bidi, then drawn
    left to right: the PDF holds presentation forms in visual order."""
    import arabic_reshaper
    from bidi.algorithm import get_display
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Naskh", str(ARABIC_FONT)))
    c = canvas.Canvas(str(out))
    c.setTitle(metadata_title if metadata_title is not None else sample.title)
    c.setCreator("Kavosh tests")
    width, height = c._pagesize
    for paragraphs in sample.pages:
        c.setFont("Naskh", 13)
        y = height - 72
        for paragraph in paragraphs:
            for line in _wrap(paragraph, 60):
                c.drawRightString(width - 60, y, get_display(arabic_reshaper.reshape(line)))
                y -= 22
            y -= 10
        c.showPage()
    c.save()
    return out


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


# --- DOCX, ODT, EPUB, Markdown, written as their specifications say --------------

def _zip(out: Path, members: dict[str, str], first: tuple[str, str] | None = None) -> Path:
    import zipfile

    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        if first:  # ODT and EPUB: the mimetype member first and stored
            zf.writestr(zipfile.ZipInfo(first[0]), first[1], compress_type=zipfile.ZIP_STORED)
        for name, text in members.items():
            zf.writestr(name, text)
    return out


def docx(sample: Sample, out: Path, *, title: str | None = None, date: str = "2024-03-15T09:30:00Z") -> Path:
    """A Word document: right-to-left paragraphs (w:bidi), a page break between pages,
    title and date in docProps/core.xml."""
    e = html.escape
    body = []
    for n, paragraphs in enumerate(sample.pages):
        for i, p in enumerate(paragraphs):
            brk = '<w:r><w:br w:type="page"/></w:r>' if n and not i else ""
            body.append(f'<w:p><w:pPr><w:bidi/></w:pPr>{brk}<w:r><w:rPr><w:rtl/></w:rPr>'
                        f'<w:t xml:space="preserve">{e(p)}</w:t></w:r></w:p>')
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    members = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>',
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>{"".join(body)}</w:body></w:document>',
        "docProps/core.xml": f'<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{e(title if title is not None else sample.title)}</dc:title><dc:language>{sample.lang}</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created></cp:coreProperties>',
    }
    return _zip(out, members)


def odt(sample: Sample, out: Path, *, date: str = "2023-11-04T10:00:00") -> Path:
    """An OpenDocument text: paragraphs with text:s space runs, title/date/language in meta.xml."""
    e = html.escape
    paras = "".join(f"<text:p>{e(p).replace('  ', ' <text:s/>')}</text:p>"
                    for page in sample.pages for p in page)
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    members = {
        "META-INF/manifest.xml": '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/></manifest:manifest>',
        "content.xml": f'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="{office}" xmlns:text="{text_ns}" office:version="1.2"><office:body><office:text>{paras}</office:text></office:body></office:document-content>',
        "meta.xml": f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta xmlns:office="{office}" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2"><office:meta><dc:title>{e(sample.title)}</dc:title><dc:language>{sample.lang}</dc:language><meta:creation-date>{date}</meta:creation-date></office:meta></office:document-meta>',
    }
    return _zip(out, members, first=("mimetype", "application/vnd.oasis.opendocument.text"))


def epub(sample: Sample, out: Path, *, date: str = "2022-06-01") -> Path:
    """An EPUB 3 book, one chapter per sample page, dc:title/dc:date/dc:language in the OPF."""
    e = html.escape
    chapters = {f"OEBPS/ch{n}.xhtml": (
        f'<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml" dir="rtl" lang="{sample.lang}">'
        f'<head><title>{n}</title></head><body>{"".join(f"<p>{e(p)}</p>" for p in page)}</body></html>')
        for n, page in enumerate(sample.pages, 1)}
    items = "".join(f'<item id="c{n}" href="ch{n}.xhtml" media-type="application/xhtml+xml"/>'
                    for n in range(1, len(sample.pages) + 1))
    spine = "".join(f'<itemref idref="c{n}"/>' for n in range(1, len(sample.pages) + 1))
    members = {
        "META-INF/container.xml": '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/book.opf" media-type="application/oebps-package+xml"/></rootfiles></container>',
        "OEBPS/book.opf": f'<?xml version="1.0" encoding="UTF-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">kavosh-test</dc:identifier><dc:title>{e(sample.title)}</dc:title><dc:language>{sample.lang}</dc:language><dc:date>{date}</dc:date></metadata><manifest>{items}</manifest><spine page-progression-direction="rtl">{spine}</spine></package>',
        **chapters,
    }
    return _zip(out, members, first=("mimetype", "application/epub+zip"))


def markdown(sample: Sample, out: Path, *, date: str = "1402/08/14") -> Path:
    """Markdown with YAML front matter, a heading, emphasis and a link."""
    first, *rest = [p for page in sample.pages for p in page]
    paras = [f"**{rest[0]}**", f"[{rest[1]}](https://example.org/a)"] + [f"- {p}" for p in rest[2:]]
    text = (f"---\ntitle: \"{sample.title}\"\ndate: {date}\nlang: {sample.lang}\n---\n\n# {first}\n\n"
            + "\n\n".join(paras) + "\n")
    out.write_text(text, encoding="utf-8")
    return out
