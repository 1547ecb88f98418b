"""Dates, sources, filters, sorting and facets (issue 11, items 1–5) on real indexes.

One small archive holds every date format Kavosh reads (JSONL fields in
ISO, Jalali, Persian and Arabic month names; HTML meta and JSON-LD; a .txt
file dated by its mtime) and is searched through the engine, the real CLI
and the real Flask app.  Every document contains the word ``kavoshtest``,
so one query sees them all.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kavosh.cli import main as cli
from kavosh.engine import Engine
from kavosh.index.dates import document_date, period
from kavosh.index.errors import QueryError
from kavosh.index.writer import index_paths
from kavosh.web import create_app

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
WORD = "kavoshtest"
MTIME = 1_600_000_000  # 2020-09-13 (UTC): the .txt file's modification time

RECORDS = [
    # id, date as written, source, url, language text
    ("iso-space", "2020-02-08 14:23:00", "asriran_1", "https://www.asriran.com/fa/news/1", "fa"),
    ("iso-zone", "2024-11-03T10:00:00+03:30", "BBC Persian", None, "fa"),
    ("jalali-digits", "۱۴۰۳/۰۸/۱۴", "asriran_2", "https://www.asriran.com/fa/news/2", "fa"),
    ("jalali-latin", "1402/01/05", "رویترز", None, "fa"),
    ("jalali-named", "پنجشنبه ۱۴ آبان ۱۴۰۳ - ساعت ۱۰:۳۰", "tabnak", "https://www.tabnak.ir/x", "fa"),
    ("arabic-named", "الأحد 3 نوفمبر 2024", "okaz", "https://www.okaz.com.sa/news/1", "ar"),
    ("arabic-levant", "٣ تشرين الثاني ٢٠٢٣", "okaz", "https://www.okaz.com.sa/news/2", "ar"),
    ("arabic-dmy", "21/07/2015", None, "https://aawsat.com/home/article/1", "ar"),
    ("undated", "", "BBC Persian", None, "fa"),
    ("unreadable", "سال گذشته", "bbc persian", None, "fa"),
]
EXPECTED_DATES = {
    "iso-space": "2020-02-08T14:23:00", "iso-zone": "2024-11-03T10:00:00",
    "jalali-digits": "2024-11-04", "jalali-latin": "2023-03-25",
    "jalali-named": "2024-11-04T10:30:00", "arabic-named": "2024-11-03",
    "arabic-levant": "2023-11-03", "arabic-dmy": "2015-07-21", "undated": None, "unreadable": None,
    "page-meta.html": "2021-05-01T08:00:00", "page-ld.html": "2022-12-24", "folder/note.txt": None,
}
BODIES = {"fa": "گزارش خبرنگار درباره بازار تهران", "ar": "تقرير المراسل عن السوق في الرياض"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("news-archive")
    lines = [json.dumps({"id": rid, "title": f"{BODIES[lang]} {rid}", "body": f"{BODIES[lang]} {WORD}",
                         "date": written, "source": source, "url": url, "lang": lang},
                        ensure_ascii=False) for rid, written, source, url, lang in RECORDS]
    (root / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "page-meta.html").write_text(
        '<html><head><title>صفحه خبر</title>'
        '<meta property="article:published_time" content="2021-05-01T08:00:00Z">'
        '<meta property="og:site_name" content="Hamshahri Online">'
        '<link rel="canonical" href="https://www.hamshahrionline.ir/news/9"></head>'
        f'<body><p>{BODIES["fa"]} {WORD}</p></body></html>', encoding="utf-8")
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "datePublished": "2022-12-24", "publisher": {"name": "الجزيرة"}}]}
    (root / "page-ld.html").write_text(
        f'<html><head><title>صفحة</title><script type="application/ld+json">{json.dumps(ld)}</script>'
        f'</head><body><p>{BODIES["ar"]} {WORD}</p></body></html>', encoding="utf-8")
    (root / "folder").mkdir()
    note = root / "folder" / "note.txt"
    note.write_text(f"یادداشت\n{BODIES['fa']} {WORD}\n", encoding="utf-8")
    os.utime(note, (MTIME, MTIME))
    return root


@pytest.fixture(scope="module")
def news_index(archive, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("news-index")
    summary = index_paths(target, [archive])
    assert any("1 record with a date Kavosh cannot read" in w for w in summary.warnings)
    return target


@pytest.fixture(scope="module")
def engine(news_index):
    with Engine(news_index) as e:
        yield e


def everything(engine, **kwargs):
    return engine.search(WORD, limit=100, **kwargs)


def ids(result) -> list[str]:
    return [hit.id for hit in result.hits]


# --- parsing ---------------------------------------------------------------

@pytest.mark.parametrize("written,expected", [
    ("2020-02-08 14:23:00", "2020-02-08T14:23:00"),
    ("2024-11-03T14:23:00Z", "2024-11-03T14:23:00"),
    ("۱۴۰۳/۰۸/۱۴", "2024-11-04"),
    ("1403-08-14", "2024-11-04"),
    ("۱۴۰۳/۰۸/۱۴ هـ.ش", "2024-11-04"),
    ("۱۴ آبان ۱۴۰۳", "2024-11-04"),
    ("۴ نوامبر ۲۰۲۴", "2024-11-04"),  # a Gregorian month in Persian
    ("3 نوفمبر 2024م", "2024-11-03"),
    ("٣ تشرين الثاني ٢٠٢٤ الساعة ١٠:٣٠", "2024-11-03T10:30:00"),
    ("03/11/2024", "2024-11-03"),  # day first, as Arabic papers write it
    ("November 3, 2024", "2024-11-03"),
    ("Sun, 03 Nov 2024 10:00:00 +0000", "2024-11-03T10:00:00"),  # RSS pubDate
    ("0000-00-00 00:00:00", None),
    ("2024-02-30", None),
    ("١٤٤٦/٠٥/٠١ هـ", "2024-11-03"),  # lunar hijri (Umm al-Qura), as Saudi papers print it
    ("15 ربيع الأول 1446", "2024-09-18"),
    ("الأحد 1 جمادى الأولى 1446هـ الموافق 3 نوفمبر 2024م", "2024-11-03"),
    ("1200/01/01 هـ", None),  # outside the Umm al-Qura tables: undated, not misdated
    ("2024", None),  # a year alone is no document date
    ("", None),
])
def test_document_dates_in_every_accepted_format(written, expected):
    assert document_date(written) == expected


@pytest.mark.parametrize("typed,first,last", [
    ("2024", date(2024, 1, 1), date(2024, 12, 31)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2024-11-03", date(2024, 11, 3), date(2024, 11, 3)),
    ("1403/08/14", date(2024, 11, 4), date(2024, 11, 4)),
    ("۱۴۰۳", date(2024, 3, 20), date(2025, 3, 20)),  # a year below 1700 is Jalali
    ("1402", date(2023, 3, 21), date(2024, 3, 19)),  # 1402 is not a leap year: Esfand has 29 days
    ("1403/08", date(2024, 10, 22), date(2024, 11, 20)),
    ("1403.08", date(2024, 10, 22), date(2024, 11, 20)),
    ("۱۴۰۳٫۰۸", date(2024, 10, 22), date(2024, 11, 20)),  # a Persian keyboard's "." is ٫
    ("۲۰۲۴٫۱۱٫۰۳", date(2024, 11, 3), date(2024, 11, 3)),
    ("آبان ۱۴۰۳", date(2024, 10, 22), date(2024, 11, 20)),
    ("رمضان 1446", date(2025, 3, 1), date(2025, 3, 29)),  # a lunar month
    ("1446 هـ", date(2024, 7, 7), date(2025, 6, 25)),
])
def test_filter_dates_name_a_whole_year_month_or_day(typed, first, last):
    assert period(typed) == (first, last)


@pytest.mark.parametrize("since,until,message", [
    ("2024-13", None, "since: no such date: '2024-13'"),
    ("yesterday", None, "since: not a date: 'yesterday'"),
    (None, "1403/13/01", "until: no such date"),
    ("2025", "2024", "since (2025) is after until (2024)"),
    ("0999", None, "date out of range"),
])
def test_a_bad_date_is_a_request_error_saying_what_is_accepted(engine, since, until, message):
    with pytest.raises(QueryError) as err:
        engine.search(WORD, since=since, until=until)
    assert message in str(err.value) and "\n" not in str(err.value)


# --- what indexing stores --------------------------------------------------

def test_every_document_gets_its_normalized_date_origin_and_readable_source(engine):
    hits = {hit.id: hit for hit in everything(engine).hits}
    assert len(hits) == len(RECORDS) + 3
    for doc_id, expected in EXPECTED_DATES.items():
        if doc_id != "folder/note.txt":
            assert hits[doc_id].date == expected, doc_id
            assert hits[doc_id].date_origin == ("document" if expected else None), doc_id
    note = hits["folder/note.txt"]
    assert note.date_origin == "mtime" and note.date.startswith("2020-09-1")
    sources = {doc_id: hit.source for doc_id, hit in hits.items()}
    assert sources["iso-space"] == sources["jalali-digits"] == "asriran.com"  # slugs → the site
    assert sources["iso-zone"] == "BBC Persian" and sources["jalali-latin"] == "رویترز"
    assert sources["arabic-dmy"] == "aawsat.com"  # no source: the URL's site
    assert sources["page-meta.html"] == "Hamshahri Online" and sources["page-ld.html"] == "الجزيرة"
    assert sources["folder/note.txt"] == "folder"
    assert hits["page-meta.html"].url == "https://www.hamshahrionline.ir/news/9"
    doc = engine.document("folder/note.txt").to_json()
    assert doc["date_origin"] == "mtime" and doc["source"] == "folder"


# --- sorting ---------------------------------------------------------------

@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sorting_by_date_keeps_undated_documents_last(engine, sort):
    hits = everything(engine, sort=sort).hits
    dated = [hit.date for hit in hits if hit.date]
    assert dated == sorted(dated, reverse=sort == "newest")
    assert {hit.id for hit in hits[len(dated):]} == {"undated", "unreadable"}
    assert len(hits) == len(RECORDS) + 3


def test_paging_through_a_date_sort_gives_each_document_once(engine):
    pages = [ids(engine.search(WORD, limit=4, offset=offset, sort="newest")) for offset in (0, 4, 8, 12)]
    flat = list(itertools.chain(*pages))
    assert flat == ids(everything(engine, sort="newest"))


# --- filters ---------------------------------------------------------------

def test_since_and_until_take_years_months_days_and_jalali(engine):
    assert set(ids(everything(engine, since="2024"))) == {"iso-zone", "jalali-digits", "jalali-named",
                                                         "arabic-named"}
    assert set(ids(everything(engine, since="2024-11-04", until="2024-11-04"))) == {
        "jalali-digits", "jalali-named"}
    assert set(ids(everything(engine, since="1403/08/14", until="۱۴۰۳/۰۸/۱۴"))) == {
        "jalali-digits", "jalali-named"}
    assert set(ids(everything(engine, until="2015"))) == {"arabic-dmy"}
    assert set(ids(everything(engine, since="1402", until="1402"))) == {"jalali-latin", "arabic-levant"}
    assert set(ids(everything(engine, since=date(2022, 12, 24), until=date(2022, 12, 24)))) == {"page-ld.html"}


def test_sources_filter_by_name_in_any_case_and_repeat(engine):
    assert set(ids(everything(engine, sources=["bbc persian"]))) == {"iso-zone", "undated", "unreadable"}
    assert set(ids(everything(engine, sources=["WWW.ASRIRAN.COM", "folder"]))) == {
        "iso-space", "jalali-digits", "folder/note.txt"}
    result = everything(engine, sources=["no such paper", "okaz.com.sa"])
    assert result.total == 2 and result.unknown_sources == ["no such paper"]


def test_filters_combine_with_the_language_filter_and_the_query(engine):
    result = engine.search(f"{WORD} تقرير", limit=100, lang="ar", since="2023", sources=["okaz.com.sa"])
    assert set(ids(result)) == {"arabic-named", "arabic-levant"} and result.total == 2


# --- facets ----------------------------------------------------------------

def test_facets_count_the_whole_result_set(engine):
    facets = engine.search(WORD, limit=1).facets
    assert facets["lang"] == {"ar": 4, "fa": 9}
    assert facets["source"] == [  # by count, then name; "bbc persian" counts as BBC Persian
        ["BBC Persian", 3], ["asriran.com", 2], ["okaz.com.sa", 2], ["Hamshahri Online", 1],
        ["aawsat.com", 1], ["folder", 1], ["tabnak.ir", 1], ["الجزيرة", 1], ["رویترز", 1]]
    assert facets["year"] == {"2015": 1, "2020": 2, "2021": 1, "2022": 1, "2023": 2, "2024": 4}
    assert "month" not in facets


def test_a_selected_year_adds_month_counts(engine):
    facets = engine.search(WORD, limit=1, since="2024", until="2024").facets
    assert facets["month"] == {"2024-11": 4}


@pytest.mark.parametrize("selection", [{}, {"lang": "fa"}, {"since": "2023"},
                                       {"sources": ["okaz.com.sa", "BBC Persian"]}])
def test_facet_counts_equal_the_totals_of_the_filtered_searches(engine, selection):
    """Each count is the total with that value selected instead (a facet ignores its own filter)."""
    facets = engine.search(WORD, limit=1, **selection).facets
    others = {k: v for k, v in selection.items() if k != "lang"}
    for code, n in facets["lang"].items():
        assert engine.search(WORD, limit=1, **others, lang=code).total == n
    others = {k: v for k, v in selection.items() if k != "sources"}
    for name, n in facets["source"]:
        assert engine.search(WORD, limit=1, **others, sources=[name]).total == n
    others = {k: v for k, v in selection.items() if k != "since"}
    for year, n in facets["year"].items():
        assert engine.search(WORD, limit=1, **others, since=year, until=year).total == n
    assert engine.search(WORD, limit=1, **selection).total == sum(
        n for code, n in facets["lang"].items() if selection.get("lang") in (None, code))


def test_langs_stays_the_language_facet_for_compatibility(engine):
    result = engine.search(WORD, limit=1, lang="ar").to_json()
    assert result["langs"] == result["facets"]["lang"] == {"ar": 4, "fa": 9}
    assert result["total"] == 4


# --- the CLI ---------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_filters_sort_and_prints_facets_in_json(news_index):
    result = run("search", "--index", news_index, "--json", "--since", "2023", "--until", "2024",
                 "--source", "okaz.com.sa", "--source", "BBC Persian", "--sort", "oldest", WORD)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [h["id"] for h in data["hits"]] == ["arabic-levant", "arabic-named", "iso-zone"]
    assert (data["since"], data["until"], data["sort"]) == ("2023-01-01", "2024-12-31", "oldest")
    assert data["sources"] == ["okaz.com.sa", "BBC Persian"]
    assert data["hits"][0]["date"] == "2023-11-03" and data["hits"][0]["date_origin"] == "document"
    # the source facet ignores the source filter: every source's count for these dates
    assert data["facets"]["source"] == [["okaz.com.sa", 2], ["BBC Persian", 1], ["asriran.com", 1],
                                        ["tabnak.ir", 1], ["رویترز", 1]]


def test_cli_takes_a_date_typed_on_a_persian_keyboard(news_index):
    typed = run("search", "--index", news_index, "--json", "--since", "۱۴۰۳٫۰۸", WORD)
    latin = run("search", "--index", news_index, "--json", "--since", "1403.08", WORD)
    assert typed.exit_code == 0, typed.output
    assert json.loads(typed.output)["since"] == "2024-10-22" and json.loads(typed.output)["hits"]
    assert [h["id"] for h in json.loads(typed.output)["hits"]] == [h["id"] for h in json.loads(latin.output)["hits"]]


def test_cli_shows_each_hits_source_and_date(news_index):
    out = run("search", "--index", news_index, "--no-color", "--source", "folder",
              "--source", "asriran.com", "--sort", "newest", WORD).output
    assert "asriran.com  2024-11-04  jalali-digits" in out
    assert "folder  2020-09-1" in out and "(file date)" in out


@pytest.mark.parametrize("args,message", [
    (["--since", "2024-13"], "since: no such date"),
    (["--until", "فردا"], "until: not a date"),
    (["--since", "2025", "--until", "2024"], "is after until"),
])
def test_cli_bad_date_is_one_line_and_exit_2(news_index, args, message):
    result = run("search", "--index", news_index, *args, WORD)
    assert result.exit_code == 2 and message in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_cli_says_when_no_document_has_a_source(news_index):
    result = run("search", "--index", news_index, "--json", "--source", "Reuters", WORD)
    assert result.exit_code == 0 and json.loads(result.stdout)["total"] == 0
    assert "no document in the index has the source 'Reuters'" in result.stderr


def test_cli_unknown_sort_is_a_usage_error_naming_the_choices(news_index):
    result = run("search", "--index", news_index, "--sort", "date", WORD)
    assert result.exit_code == 2 and "'date' is not one of 'relevance', 'newest', 'oldest'" in result.output


# --- the JSON API --------------------------------------------------------------

@pytest.fixture(scope="module")
def client(news_index):
    return create_app(news_index).test_client()


def test_api_filters_sort_and_facets_match_the_cli(client, news_index):
    query = f"q={WORD}&since=1403&until=1403&source=asriran.com&source=okaz.com.sa&sort=newest&limit=100"
    data = client.get(f"/api/search?{query}").get_json()
    assert [h["id"] for h in data["hits"]] == ["jalali-digits", "arabic-named"]
    cli_data = json.loads(run("search", "--index", news_index, "--json", "-n", 100, "--since", 1403,
                              "--until", 1403, "--source", "asriran.com", "--source", "okaz.com.sa",
                              "--sort", "newest", WORD).output)
    for key in ("total", "hits", "facets", "since", "until", "sources"):
        assert data[key] == cli_data[key], key


@pytest.mark.parametrize("params,message", [
    ("since=2024-13", "since: no such date"),
    ("until=abc", "until: not a date"),
    ("sort=random", "sort must be one of relevance, newest, oldest"),
])
def test_api_bad_date_or_sort_is_a_400_with_the_reason(client, params, message):
    r = client.get(f"/api/search?q={WORD}&{params}")
    assert r.status_code == 400 and message in r.get_json()["error"]


# --- the real corpus -----------------------------------------------------------

@pytest.mark.skipif(not (SHARED / "news-fa.jsonl.gz").exists(), reason="no shared corpus")
def test_real_news_facets_equal_filtered_totals(tmp_path):
    """150 real articles of each language: real slugs, real dates, one empty date field."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for lang in ("fa", "ar"):
        with gzip.open(SHARED / f"news-{lang}.jsonl.gz", "rt", encoding="utf-8") as fh:
            (docs / f"{lang}.jsonl").write_text("".join(itertools.islice(fh, 150)), encoding="utf-8")
    index_paths(tmp_path / "ix", [docs])
    with Engine(tmp_path / "ix") as engine:
        result = engine.search("ایران OR السعودية", limit=100, sort="newest")
        assert result.total > 10 and all(s for s, _ in result.facets["source"])
        assert not any("_" in name for name, _ in result.facets["source"])  # no asriran_1 slugs
        dated = [hit.date for hit in result.hits if hit.date]
        assert dated == sorted(dated, reverse=True) and len(dated) > 5
        for name, n in result.facets["source"]:
            assert engine.search("ایران OR السعودية", limit=1, sources=[name]).total == n
        for year, n in result.facets["year"].items():
            assert engine.search("ایران OR السعودية", limit=1, since=year, until=year).total == n


def test_dates_sources_and_facets_hold_across_segments(archive, tmp_path):
    """A second root indexed later is a second segment: the tables use global document numbers."""
    index_paths(tmp_path / "ix", [archive])
    later = tmp_path / "later"
    later.mkdir()
    (later / "late.jsonl").write_text(json.dumps(
        {"id": "late", "title": "خبر تازه", "body": f"{BODIES['fa']} {WORD}", "date": "2026-01-01",
         "source": "BBC Persian"}, ensure_ascii=False) + "\n", encoding="utf-8")
    index_paths(tmp_path / "ix", [later])
    with Engine(tmp_path / "ix") as engine:
        with engine.searching() as searcher:
            assert len(searcher.reader().leaf_readers()) == 2
        result = everything(engine, sort="newest")
        assert ids(result)[0] == "late" and result.total == len(RECORDS) + 4
        facets = result.facets
        assert facets["source"][0] == ["BBC Persian", 4] and facets["year"]["2026"] == 1
        assert everything(engine, sources=["bbc persian"], since="2026").total == 1
