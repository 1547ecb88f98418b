"""The results page's news controls through Flask's test client, over the small news archive:
facets as filters with counts, the date range, sort, the source and URL line, marked titles,
folded near-duplicates, the download links and file-time dates; and the CLI's export keeping
the same filters and order."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

from kavosh.web import create_app
from news_fixture import NEWS

FA = {"Accept-Language": "fa"}
AR = {"Accept-Language": "ar"}


@pytest.fixture(scope="module")
def app(news_index):
    return create_app(news_index)


@pytest.fixture
def client(app):
    return app.test_client()


def get(client, url=None, headers=FA, **params):
    r = client.get(url, headers=headers) if url else client.get("/", query_string=params, headers=headers)
    return r, r.get_data(as_text=True)


def links(html: str, kind: str) -> list[dict]:
    """The facet links of one kind: value, url, count, selected."""
    out = []
    for m in re.finditer(rf'<a href="([^"]+)" data-{kind}="([^"]*)"( aria-current="true")?>(.*?)</a>', html, re.S):
        count = re.search(r'<span class="count">([^<]*)</span>', m.group(4))
        out.append({"url": unescape(m.group(1)), "value": unescape(m.group(2)), "current": bool(m.group(3)),
                    "count": int(count.group(1).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٬", "01234567890123456789 ")).replace(" ", "")) if count else None})
    return out


def hit_ids(html: str) -> list[str]:
    return [unescape(i) for i in re.findall(r'<h2 class="hit-title"[^>]*><a href="/doc/([^"?]+)', html)]


def api(client, **params) -> dict:
    return client.get("/api/search", query_string=params).get_json()


def by_id(doc_id: str) -> dict:
    return next(r for r in NEWS if r["id"] == doc_id)


# --- facets ---------------------------------------------------------------------------


def test_source_facet_links_count_what_following_them_finds(client):
    _r, html = get(client, q="پالایشگاه", collapse=0)
    sources = links(html, "source")
    expected = api(client, q="پالایشگاه", collapse=0)["facets"]["source"]
    assert [(s["value"], s["count"]) for s in sources] == [tuple(pair) for pair in expected]
    assert len(sources) >= 3 and not any(s["current"] for s in sources)
    for source in sources:  # facet counts equal the totals of the filtered searches
        _r, filtered = get(client, source["url"])
        selected = [s for s in links(filtered, "source") if s["current"]]
        assert [s["value"] for s in selected] == [source["value"]]
        total = int(re.search(r'data-lang="all">همه <span class="count">([^<]+)</span>', filtered).group(1)
                    .translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))
        assert total == source["count"]
        assert all(by_id(i)["source"] == source["value"] for i in hit_ids(filtered))
        # Following the selected source again removes the filter.
        _r, again = get(client, selected[0]["url"])
        assert not any(s["current"] for s in links(again, "source"))


def test_two_sources_at_once_and_their_removal_chips(client):
    _r, html = get(client, q="پالایشگاه", collapse=0)
    irna = next(s for s in links(html, "source") if s["value"] == "ایرنا")
    _r, one = get(client, irna["url"])
    isna = next(s for s in links(one, "source") if s["value"] == "ایسنا")
    _r, two = get(client, isna["url"])
    assert sorted(hit_ids(two)) == ["w/irna", "w/isna"]
    chips = re.findall(r'<a href="([^"]+)" data-filter="source"[^>]*><bdi>([^<]+)</bdi>', two)
    assert sorted(name for _u, name in chips) == ["ایرنا", "ایسنا"]
    url = unescape(next(u for u, name in chips if name == "ایرنا"))
    _r, back = get(client, url)
    assert hit_ids(back) == ["w/isna"]


def test_year_then_month_facets_narrow_by_date(client):
    _r, html = get(client, q="برف OR پهپاد OR الثلوج", collapse=0)
    years = {y["value"]: y for y in links(html, "year")}
    assert set(years) >= {"2015", "2020", "2024"} and years["2020"]["count"] >= 4  # and the seeds' file times
    assert ">۲۰۲۰ <" in html.replace("</bdi>", " <")  # years in the interface's digits
    _r, year = get(client, years["2020"]["url"])
    assert [y["value"] for y in links(year, "year") if y["current"]] == ["2020"]
    dated = [i for i in hit_ids(year)]
    assert dated and all(by_id(i)["date"].startswith("2020") for i in dated if not i.startswith("notes/"))
    months = {m["value"]: m for m in links(year, "month")}
    assert set(months) >= {"2020-02", "2020-03"}
    assert "فوریه ۲۰۲۰" in year and "مارس ۲۰۲۰" in year
    _r, march = get(client, months["2020-03"]["url"])
    assert set(hit_ids(march)) == {"w/irna", "w/isna", "w/mehr", "w/local"}
    assert "از ۱۱ اسفند ۱۳۹۸ تا ۱۲ فروردین ۱۳۹۹" in march  # the active date filter, in Jalali
    # The selected month's link goes back to its year, the year's link removes the dates.
    _r, back = get(client, next(m for m in links(march, "month") if m["current"])["url"])
    assert sorted(hit_ids(back)) == sorted(hit_ids(year))


def test_date_range_form_accepts_jalali_and_keeps_the_other_filters(client):
    _r, html = get(client, q="پهپاد", source="ایرنا", sort="newest", since="1398/12/01", until="1398/12/29")
    assert hit_ids(html) == ["w/irna"]
    form = re.search(r'<form class="date-range".*?</form>', html, re.S).group(0)
    assert 'name="source" value="ایرنا"' in form and 'name="sort" value="newest"' in form
    assert 'name="since" value="1398/12/01"' in form and 'name="until" value="1398/12/29"' in form


@pytest.mark.parametrize("headers, sentence", [
    (FA, "تاریخ آغاز (since): «دیروز» تاریخ نیست"),
    (AR, "تاريخ البداية (since): «دیروز» ليس تاريخًا"),
])
def test_a_bad_date_is_a_400_page_in_the_interface_language(client, headers, sentence):
    r, html = get(client, headers=headers, q="برف", since="دیروز")
    assert r.status_code == 400 and sentence in html and "not a date" not in html


def test_sort_links_order_newest_and_oldest_with_undated_last(client):
    _r, html = get(client, q="برف OR پهپاد OR الثلوج OR جدة", collapse=0)
    sorts = {s["value"]: s for s in links(html, "sort")}
    assert set(sorts) == {"relevance", "newest", "oldest"} and sorts["relevance"]["current"]
    _r, newest = get(client, sorts["newest"]["url"])
    assert [s["value"] for s in links(newest, "sort") if s["current"]] == ["newest"]
    data = api(client, q="برف OR پهپاد OR الثلوج OR جدة", collapse=0, sort="newest", limit=100)
    assert hit_ids(newest) == [h["id"] for h in data["hits"]][:10]
    dates = [h.get("date") for h in data["hits"]]
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True) and dates[-1] is None  # undated last
    _r, oldest = get(client, sorts["oldest"]["url"])
    assert hit_ids(oldest)[0] == "n/ar-1"


def test_a_source_no_document_has_is_said_not_hidden(client):
    r, html = get(client, q="برف", source="کیهان")
    assert r.status_code == 200
    chips = re.findall(r'data-filter="source"[^>]*><bdi>([^<]+)</bdi>', html)
    assert chips == ["کیهان"]
    assert "کیهان" in re.search(r'<p class="notice unknown-sources".*?</p>', html, re.S).group(0)


# --- each hit ---------------------------------------------------------------------------


def test_each_hit_shows_its_source_and_links_its_original_address(client):
    _r, html = get(client, q="بارش برف تهران")
    item = re.search(r'<li class="hit">.*?</li>', html, re.S).group(0)
    assert '<span class="source-name"><bdi>همشهری</bdi></span>' in item
    link = re.search(r'<a class="url" href="([^"]+)"[^>]*>([^<]+)</a>', item)
    assert link.group(1) == "https://www.hamshahrionline.ir/news/1/%D8%A8%D8%A7%D8%B1%D8%B4-%D8%A8%D8%B1%D9%81" \
        or unescape(link.group(1)) == by_id("n/fa-1")["url"]
    assert link.group(2) == "hamshahrionline.ir › news › 1 › بارش-برف"
    assert 'rel="noopener noreferrer nofollow"' in item
    # The title is marked like the snippet.
    title = re.search(r'<h2 class="hit-title".*?</h2>', item, re.S).group(0)
    assert "<mark>بارش</mark>" in title and "<mark>برف</mark>" in title


def test_a_file_date_is_marked_as_such(client):
    _r, html = get(client, q="یادداشت بی‌تاریخ")
    item = re.search(r'<li class="hit">.*?</li>', html, re.S).group(0)
    assert "notes/undated.txt" in item
    assert '<span class="date-origin">(تاریخ فایل)</span>' in item and "آخرین تغییر فایل" in item
    _r, html = get(client, headers=AR, q="یادداشت بی‌تاریخ")
    assert '<span class="date-origin">(تاريخ الملف)</span>' in html


def test_reprinted_stories_fold_into_one_hit_with_and_n_similar(client):
    _r, html = get(client, q="پالایشگاه بندر عباس پهپاد")
    ids = hit_ids(html)
    wire = {"w/irna", "w/isna", "w/mehr"}
    assert len(wire & set(ids)) == 1 and "w/local" in ids
    details = re.search(r'<details class="similar">(.*?)</details>', html, re.S).group(1)
    assert "و ۲ خبر مشابه" in details
    folded = {unescape(i) for i in re.findall(r'<a href="/doc/([^"?]+)', details)}
    assert folded | (wire & set(ids)) == wire
    note = re.search(r'<p class="collapse-note">(.*?)</p>', html, re.S).group(1)
    assert "۲ خبر تکراری" in note
    show_all = unescape(re.search(r'<a href="([^"]+)" data-collapse="0">', note).group(1))
    _r, every = get(client, show_all)
    assert wire <= set(hit_ids(every)) and "<details class=\"similar\">" not in every
    assert 'data-collapse="1"' in every
    _r, arabic = get(client, headers=AR, q="پالایشگاه بندر عباس پهپاد")
    assert "وخبران مشابهان" in arabic and "خبران مكرران" in arabic


# --- downloads --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_download_links_export_every_hit_of_the_same_filtered_search(client, fmt):
    _r, html = get(client, q="برف OR پهپاد OR الثلوج", source="همشهری", limit=2)
    url = unescape(re.search(rf'<a href="([^"]+)" download data-format="{fmt}">', html).group(1))
    assert url.startswith(f"/api/search.{fmt}?") and "limit" not in url and "offset" not in url
    r = client.get(url)
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    body = r.get_data(as_text=True)
    total = api(client, q="برف OR پهپاد OR الثلوج", source="همشهری", collapse=0)["total"]
    if fmt == "csv":
        assert body.startswith("\ufeff")
        rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    else:
        import json

        rows = [json.loads(line) for line in body.splitlines() if line.strip()]
    assert len(rows) == total == 3
    assert {row["source"] for row in rows} == {"همشهری"}


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_exports_keep_the_searchs_filters_and_order(client, news_index, sort):
    """CLI and API exports list exactly the filtered search's hits, in its order."""
    import json

    from click.testing import CliRunner

    from kavosh.cli import main as cli

    query = "برف OR پهپاد OR الثلوج OR جدة"
    shown = api(client, q=query, since="2015", until="2020", sort=sort, collapse=0, limit=100)
    expected = [h["id"] for h in shown["hits"]]
    assert 3 <= len(expected) == shown["total"]
    result = CliRunner().invoke(cli, ["search", "--index", str(news_index), "--format", "jsonl", "--all",
                                      "--since", "2015", "--until", "2020", "--sort", sort, query])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.output.splitlines()] == expected
    body = client.get("/api/search.jsonl", query_string={"q": query, "since": "2015", "until": "2020",
                                                         "sort": sort}).get_data(as_text=True)
    assert [json.loads(line)["id"] for line in body.splitlines()] == expected
    lang = client.get("/api/search.csv", query_string={"q": query, "lang": "ar", "source": ["عكاظ", "مهر"]})
    rows = list(csv.DictReader(io.StringIO(lang.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["id"] for row in rows] == ["n/ar-2"]


def test_did_you_mean_counts_its_correction_within_the_filters(client):
    def correction(**params) -> str:
        _r, html = get(client, **params)
        return re.sub(r"<[^>]+>", "", re.search(r'<p class="did-you-mean">.*?</p>', html, re.S).group(0))

    assert "(۴ نتیجه)" in correction(q="پالایشگا")
    narrowed = correction(q="پالایشگا", source="ایرنا")
    assert "پالایشگاه" in narrowed and "(۱ نتیجه)" in narrowed
