"""The news page in a real browser: the interface switch, filters, facets, sort, similar stories
and downloads, against `kavosh serve` over a small dated news archive (tests/news_fixture.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest

from serving import served
from test_browser import browser, page_opener  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def news_server(news_index):
    with served(news_index) as base:
        yield base


@pytest.fixture
def open_page(browser, news_server):  # noqa: F811
    yield from page_opener(browser, news_server)


def query_of(page) -> dict:
    return parse_qs(urlsplit(page.url).query)


def test_the_switch_turns_the_interface_arabic_and_it_stays_so(open_page):
    p = open_page()  # a Persian browser (locale fa-IR)
    page = p.goto("/?q=" + quote("برف"))
    html = page.locator("html")
    assert html.get_attribute("lang") == "fa" and html.get_attribute("dir") == "rtl"
    assert page.locator("form.search button").inner_text() == "جستجو"
    assert "۱" in page.locator(".summary").inner_text()
    with page.expect_navigation():
        page.locator(".ui-switch a").click()
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    assert page.locator("form.search button").inner_text() == "بحث"
    summary = page.locator(".summary").inner_text()
    assert "نتائج" in summary and "١" in summary and not set("۰۱۲۳۴۵۶۷۸۹") & set(summary)
    assert page.locator(".langs a[data-lang=all]").inner_text().startswith("الكل")
    assert query_of(page)["q"] == ["برف"]  # the same search, in the other interface
    p.shot("news-arabic-interface")
    # A new search, typed: the cookie keeps the interface Arabic, whatever the browser says.
    box = page.locator("#q")
    box.fill("پهپاد")
    with page.expect_navigation():
        box.press("Enter")
    assert html.get_attribute("lang") == "ar" and "ui" not in query_of(page)
    with page.expect_navigation():
        page.locator(".ui-switch a").click()
    assert html.get_attribute("lang") == "fa" and page.locator("form.search button").inner_text() == "جستجو"


@pytest.mark.parametrize("locale, query, ui", [("ar-SA", "برف", "ar"), ("en-US", "الرياض", "ar"),
                                               ("en-US", "برف", "fa")])
def test_browser_language_then_query_script_choose_the_interface(open_page, locale, query, ui):
    p = open_page(locale=locale)
    page = p.goto("/?q=" + quote(query))
    assert page.locator("html").get_attribute("lang") == ui
    assert page.locator("li.hit").count() >= 1


def test_arabic_error_page(open_page):
    p = open_page(locale="ar-SA")
    page = p.goto("/?q=" + quote("برف") + "&limit=1000")
    text = page.locator("main").inner_text()
    assert "طلب غير صحيح" in text and "بين ١ و١٠٠" in text and "must be" not in text
    p.errors.clear()  # the browser logs the 400 answer itself


def api_json(base, **params) -> dict:
    import json
    import urllib.request
    from urllib.parse import urlencode

    with urllib.request.urlopen(f"{base}/api/search?{urlencode(params, doseq=True)}", timeout=20) as r:
        return json.loads(r.read().decode("utf-8"))


def ids_on(page) -> list[str]:
    from urllib.parse import unquote

    hrefs = page.locator("li.hit h2 a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return [unquote(urlsplit(h).path.removeprefix("/doc/")) for h in hrefs]


def western(text: str) -> int:
    return int(text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")).replace("٬", ""))


def test_facets_filter_sort_and_clear_in_the_browser(open_page, news_server):
    p = open_page()
    page = p.goto("/?q=" + quote("پالایشگاه") + "&collapse=0")
    source = page.locator(".facet.sources a[data-source='ایرنا']")
    count = western(source.locator(".count").inner_text())
    with page.expect_navigation():
        source.click()
    assert query_of(page)["source"] == ["ایرنا"]
    assert page.locator(".facet.sources a[data-source='ایرنا']").get_attribute("aria-current") == "true"
    assert page.locator("li.hit").count() == count
    assert page.locator(".active-filters a[data-filter=source]").inner_text().startswith("ایرنا")
    # Remove it again from its chip; then a year, its months, and newest first.
    with page.expect_navigation():
        page.locator(".active-filters a[data-filter=source]").click()
    assert "source" not in query_of(page)
    with page.expect_navigation():
        page.locator(".facet.years a[data-year='2020']").click()
    assert query_of(page)["since"] == ["2020"] and page.locator(".facet.months a").count() >= 1
    with page.expect_navigation():
        page.locator(".facet.sort a[data-sort=newest]").click()
    expected = api_json(news_server, q="پالایشگاه", collapse=0, since="2020", until="2020", sort="newest")
    assert ids_on(page) == [h["id"] for h in expected["hits"]]
    assert page.locator(".facet.sort a[data-sort=newest]").get_attribute("aria-current") == "true"
    p.shot("news-facets-sorted")
    with page.expect_navigation():
        page.locator(".active-filters a.clear").click()
    assert "since" not in query_of(page) and query_of(page)["sort"] == ["newest"]


def test_the_date_range_form_takes_a_jalali_date(open_page):
    p = open_page()
    page = p.goto("/?q=" + quote("پهپاد"))
    page.locator(".date-range input[name=since]").fill("1398/12/01")
    page.locator(".date-range input[name=until]").fill("1398/12/29")
    with page.expect_navigation():
        page.locator(".date-range button").click()
    assert query_of(page)["since"] == ["1398/12/01"] and query_of(page)["q"] == ["پهپاد"]
    assert page.locator("li.hit").count() >= 1
    times = page.locator("li.hit .meta time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    assert times and all("2020-02-20" <= t[:10] <= "2020-03-19" for t in times)
    assert "اسفند ۱۳۹۸" in page.locator(".active-filters").inner_text()


def test_similar_stories_open_in_place(open_page):
    p = open_page()
    page = p.goto("/?q=" + quote("پالایشگاه بندر عباس پهپاد"))
    similar = page.locator("details.similar").first
    assert similar.locator("summary").inner_text() == "و ۲ خبر مشابه"
    assert not similar.locator("ul").is_visible()
    similar.locator("summary").click()
    assert similar.locator("ul").is_visible() and similar.locator("li").count() == 2
    p.shot("news-similar-open", full_page=False)
    with page.expect_navigation():
        similar.locator("li a").first.click()
    assert urlsplit(page.url).path.startswith("/doc/w/")
    assert page.locator("article.document mark").count() >= 1


def test_the_original_address_under_the_title_leaves_for_the_paper(open_page):
    p = open_page()
    page = p.goto("/?q=" + quote("بارش برف تهران"))
    site = page.locator("li.hit .site").first
    assert site.locator(".source-name").inner_text() == "همشهری"
    link = site.locator("a.url")
    assert link.inner_text() == "hamshahrionline.ir › news › 1 › بارش-برف"
    assert link.get_attribute("href").startswith("https://www.hamshahrionline.ir/news/1/")
    assert link.evaluate("e => e.matches(':dir(ltr)')")
    title_box, site_box = page.locator("li.hit h2").first.bounding_box(), site.bounding_box()
    assert site_box["y"] >= title_box["y"] + title_box["height"] - 1  # under the title
    assert page.locator("li.hit h2 mark").count() >= 2


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_download_links_save_every_hit(open_page, news_server, fmt):
    p = open_page(accept_downloads=True)
    page = p.goto("/?q=" + quote("برف OR پهپاد OR الثلوج") + "&limit=2&collapse=0")
    with page.expect_download() as info:
        page.locator(f".downloads a[data-format={fmt}]").click()
    download = info.value
    assert download.suggested_filename == f"kavosh-search.{fmt}"
    data = open(download.path(), "rb").read().decode("utf-8")
    if fmt == "csv":
        import csv
        import io

        assert data.startswith("\ufeff")
        rows = list(csv.DictReader(io.StringIO(data.lstrip("\ufeff"))))
    else:
        rows = [line for line in data.splitlines() if line.strip()]
    total = api_json(news_server, q="برف OR پهپاد OR الثلوج", collapse=0)["total"]
    assert len(rows) == total > 2
