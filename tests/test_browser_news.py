"""The news page in a real browser: the interface switch, filters, facets, sort, similar stories
and downloads, against `kavosh serve` over a small dated news archive (tests/news_fixture.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest

from news_fixture import build_news_index
from serving import served
from test_browser import Page, browser  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def news_server(tmp_path_factory):
    index = build_news_index(tmp_path_factory.mktemp("news-docs"), tmp_path_factory.mktemp("news-index"))
    with served(index) as base:
        yield base


@pytest.fixture
def open_page(browser, news_server):  # noqa: F811
    pages = []

    def make(**context_args) -> Page:
        p = Page(browser, news_server, **context_args)
        pages.append(p)
        return p

    yield make
    for p in pages:
        errors = list(p.errors)
        p.close()
        assert not errors, f"console errors (CSP violations?): {errors}"


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
