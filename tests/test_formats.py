"""Every file type in a folder is either indexed by its format or reported: nothing is
ignored without a word.  Real `kavosh index` runs into real on-disk indexes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kavosh.cli import main
from kavosh.index.formats import FORMATS, SUPPORTED, format_for


def kavosh(*args, index: Path):
    result = CliRunner().invoke(main, [*args, "--index", str(index)])
    assert "Traceback" not in result.output, result.output
    return result


def hits(index: Path, query: str) -> list[dict]:
    result = kavosh("search", "--json", "--limit", "50", query, index=index)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["hits"]


def test_each_suffix_has_exactly_one_format():
    suffixes = [s for fmt in FORMATS for s in fmt.suffixes]
    assert len(suffixes) == len(set(suffixes))
    assert {".txt", ".html", ".htm", ".jsonl"} <= set(SUPPORTED)
    assert format_for(Path("a/Report.HTM")).name == "HTML"
    assert format_for(Path("slides.pptx")) is None


def test_unsupported_files_are_counted_by_type_and_listed_with_verbose(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "note.txt").write_text("یادداشت\nگزارش بودجه کشور", encoding="utf-8")
    for name in ("a.pptx", "b.pptx", "c.PPTX", "sheet.xlsx", "LICENSE"):
        (folder / name).write_bytes(b"PK\x03\x04 not really")
    index = tmp_path / "ix"
    result = kavosh("index", str(folder), index=index)
    assert result.exit_code == 0, result.output
    assert "skipped: 5 files of unsupported types (.pptx 3, (no suffix) 1, .xlsx 1)" in result.stderr
    assert "a.pptx" not in result.stderr  # the names only with --verbose
    assert "1 added" in result.stdout

    (folder / "more.txt").write_text("دیگر\nمتن دیگر", encoding="utf-8")
    verbose = kavosh("index", "--verbose", str(folder), index=index)
    assert "skipped: sheet.xlsx: unsupported type" in verbose.stderr
    assert "skipped: LICENSE: unsupported type" in verbose.stderr

    quiet = kavosh("index", "--quiet", str(folder), index=index)  # said even when quiet
    assert "5 files of unsupported types" in quiet.stderr


def test_a_single_unsupported_file_given_by_name_is_reported_not_read_as_text(tmp_path):
    deck = tmp_path / "deck.pptx"
    deck.write_text("این متن نباید خوانده شود", encoding="utf-8")
    index = tmp_path / "ix"
    result = kavosh("index", str(deck), index=index)
    assert result.exit_code == 0, result.output
    assert "1 file of unsupported type (.pptx 1)" in result.stderr
    assert hits(index, "خوانده") == []


def test_jsonl_titles_have_html_entities_unescaped(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    records = [
        {"id": "q1", "title": "وزير الخارجية: &quot;لا تفاوض&quot; مع الاحتلال",
         "body": "قال وزير الخارجية إنه لا تفاوض مع الاحتلال"},
        {"id": "q2", "title": "نفت &amp; گاز &#1575;یران", "body": "شرکت نفت و گاز"},
        {"id": "q3", "title": "AT&T و R&D بدون تغییر", "body": "متن"},
    ]
    (folder / "n.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records),
                                    encoding="utf-8")
    index = tmp_path / "ix"
    assert kavosh("index", str(folder), index=index).exit_code == 0
    titles = {h["id"]: h["title"] for h in hits(index, "تفاوض")}
    assert titles["q1"] == 'وزير الخارجية: "لا تفاوض" مع الاحتلال'
    assert hits(index, "گاز")[0]["title"] == "نفت & گاز ایران"
    assert hits(index, "title:تغییر")[0]["title"] == "AT&T و R&D بدون تغییر"


def test_html_titles_lose_the_site_name_only_on_evidence(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()

    def page(name, title, heading="", site=""):
        meta = f'<meta property="og:site_name" content="{site}">' if site else ""
        h1 = f"<h1>{heading}</h1>" if heading else ""
        (folder / name).write_text(f"<html><head><title>{title}</title>{meta}</head><body>{h1}"
                                   f"<p>متن خبر درباره {name[:-5]} و بازار نفت</p></body></html>",
                                   encoding="utf-8")

    page("a.html", "افزایش قیمت نفت | خبرگزاری نمونه", heading="افزایش قیمت نفت")
    page("b.html", "اخبار اقتصادی - صعود البورصة اليوم", site="اخبار اقتصادی")
    page("c.html", "ایران - آمریکا: مذاکره ادامه دارد")  # no evidence: kept whole
    page("d.html", "عنوان | سایت", heading="عنوان دیگر")  # the heading is no part of it
    index = tmp_path / "ix"
    assert kavosh("index", str(folder), index=index).exit_code == 0
    titles = {h["id"]: h["title"] for h in hits(index, "نفت")}
    assert titles == {"a.html": "افزایش قیمت نفت", "b.html": "صعود البورصة اليوم",
                      "c.html": "ایران - آمریکا: مذاکره ادامه دارد", "d.html": "عنوان | سایت"}
