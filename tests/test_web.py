"""The web app through Flask's test client: every route, over real on-disk indexes."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kavosh.index.writer import index_paths
from kavosh.cli import main as cli
from kavosh.web import create_app

WEB = Path(__file__).resolve().parent.parent / "web"
PERSIAN_DOC = "000_91134593e6c4caae.txt"
XSS = "<script>alert('kavosh')</script>"


@pytest.fixture(scope="module")
def app(seeds_index):
    return create_app(seeds_index)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory):
    """Documents that try to inject markup, a javascript: URL, and ids with folders in them."""
    root = tmp_path_factory.mktemp("hostile-docs")
    (root / "sub" / "dir").mkdir(parents=True)
    (root / "xss.txt").write_text(
        f"{XSS} گزارش کیف\nمتن سند {XSS} دربارهٔ کیف و <b>پهپاد</b> & \"نقل‌قول\" است.\n",
        encoding="utf-8")
    (root / "sub" / "dir" / "nested.txt").write_text("سند تو در تو\nاین سند در پوشه‌ای دیگر دربارهٔ مسکو است.\n",
                                                     encoding="utf-8")
    records = [
        {"id": "rec/1", "title": "خبر کیف", "body": "متن خبر دربارهٔ کیف", "url": "javascript:alert(1)",
         "date": "2024-11-04", "source": f"{XSS}منبع"},
        {"id": "rec/2", "title": "خبر مسکو", "body": "متن خبر دربارهٔ مسکو", "url": "https://example.org/a?b=1&c=2",
         "date": "۱۴۰۳/۰۸/۱۴", "source": "رویترز"},
    ]
    (root / "feed.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                                     encoding="utf-8")
    target = tmp_path_factory.mktemp("hostile-index")
    index_paths(target, [root])
    return target


@pytest.fixture
def hostile(hostile_index):
    return create_app(hostile_index).test_client()


def html(response) -> str:
    return response.get_data(as_text=True)


def cli_json(index_dir, *args) -> dict:
    result = CliRunner().invoke(cli, ["search", "--json", "--index", str(index_dir), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def without_time(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "took_ms"}


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict]]:
    parser = TagCollector()
    parser.feed(page)
    return parser.tags


# --- the search page ---------------------------------------------------------


def test_home_page_is_rtl_with_an_autofocused_search_box_and_examples(client):
    r = client.get("/")
    assert r.status_code == 200
    page = html(r)
    assert '<html dir="rtl" lang="fa">' in page
    box = next(a for t, a in tags(page) if t == "input" and a.get("name") == "q")
    assert box["dir"] == "auto" and "autofocus" in box and box["type"] == "search"
    assert 'rel="search" type="application/opensearchdescription+xml"' in page
    examples = re.findall(r'<ul class="examples">(.*?)</ul>', page, re.S)[0]
    words = re.findall(r'<a href="/\?q=[^"]+" dir="auto">([^<]+)</a>', examples)
    assert len(words) >= 3
    for word in words:  # every example query finds something
        assert client.get("/api/search", query_string={"q": word}).get_json()["total"] >= 1


# Without Accept-Language the interface follows the query's script: Arabic words get an Arabic page.
@pytest.mark.parametrize("query, lang_label, words", [
    ("پهپاد کیف", "فارسی", ("نتیجه", "میلی‌ثانیه")),
    ("الطائرات المسيرة", "العربية", ("٣ نتائج", "ملي ث")),
    ("كييف", "العربية", ("٥ نتائج", "ملي ث")),
])
def test_results_have_marked_snippets_links_badges_and_totals(client, query, lang_label, words):
    r = client.get("/", query_string={"q": query})
    assert r.status_code == 200
    page = html(r)
    assert page.count('<li class="hit">') >= 1
    assert "<mark>" in page
    assert 'class="badge lang-' in page and lang_label in page
    assert re.search(r'href="/doc/[^"]+\?q=', page)
    assert all(word in page for word in words)
    box = next(a for t, a in tags(page) if t == "input" and a.get("name") == "q")
    assert box["value"] == query
    for tag, attrs in tags(page):
        if attrs.get("class") in ("snippet", "hit-title"):
            assert attrs.get("dir") == "auto"


def test_language_filter_counts_and_filtering(client):
    page = html(client.get("/", query_string={"q": "كييف"}, headers={"Accept-Language": "fa-IR"}))
    assert re.search(r'data-lang="all">همه <span class="count">۵</span>', page)
    assert re.search(r'data-lang="ar">عربی <span class="count">۴</span>', page)
    assert re.search(r'data-lang="fa">فارسی <span class="count">۱</span>', page)
    filtered = html(client.get("/", query_string={"q": "كييف", "lang": "fa"}))
    assert filtered.count('<li class="hit">') == 1 and 'class="badge lang-fa"' in filtered
    assert 'aria-current="page" data-lang="fa"' in filtered


def test_pagination_walks_every_hit_once(client):
    seen, offset = [], 0
    for _ in range(5):
        page = html(client.get("/", query_string={"q": "كييف", "limit": 2, "offset": offset}))
        seen += re.findall(r'<h2 class="hit-title"[^>]*><a href="/doc/([^"?]+)', page)
        nxt = re.search(r'<a href="([^"]+)" rel="next">', page)
        if offset:
            assert 'rel="prev"' in page
        if not nxt:
            break
        offset = int(re.search(r"offset=(\d+)", nxt.group(1).replace("&amp;", "&")).group(1))
    assert len(seen) == 5 == len(set(seen))
    assert offset == 4


def test_nothing_found_offers_did_you_mean_in_the_users_script(client):
    page = html(client.get("/", query_string={"q": "پپاد"}))  # ه left out
    assert "نتیجه‌ای برای" in page and "آیا منظورتان این بود" in page
    assert "<strong>پهپاد</strong>" in page
    link = re.search(r'آیا منظورتان این بود:\s*<a href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "<mark>پهپاد</mark>" in html(client.get(link))
    arabic = html(client.get("/", query_string={"q": "كيبف"}))
    assert "<strong>كييف</strong>" in arabic  # Arabic kaf and yeh, as typed
    persian = html(client.get("/", query_string={"q": "کییو"}))
    assert "<strong>کییف</strong>" in persian  # Persian kaf and yeh, as typed
    partly = html(client.get("/", query_string={"q": "الطائرات المسيرت"}))
    assert re.search(r"الطائرات <strong>المسيرة</strong>", partly)


def test_a_query_that_runs_out_of_time_says_so(app, client, monkeypatch):
    engine = app.extensions["kavosh"].get()
    real, seen = engine.search, {}

    def slow_search(text, **kw):
        seen.update(kw)
        result = real(text, **kw)
        result.timed_out = True
        return result

    monkeypatch.setattr(engine, "search", slow_search)
    page = html(client.get("/", query_string={"q": "كييف"}, headers={"Accept-Language": "fa"}))
    assert seen["time_limit"] == app.config["KAVOSH_TIME_LIMIT"] > 0
    assert "محدودیت زمان" in page
    assert client.get("/api/search", query_string={"q": "كييف"}).get_json()["timed_out"] is True


def test_variant_spellings_are_shown_and_can_be_turned_off(client):
    page = html(client.get("/", query_string={"q": "مسکو"}))
    assert 'class="variants"' in page and "موسكو" in page
    exact_link = re.search(r'<a href="([^"]*exact=1[^"]*)">', page).group(1).replace("&amp;", "&")
    exact = html(client.get(exact_link))
    assert 'class="variants"' not in exact and "فقط همان املای نوشته‌شده" in exact
    assert exact.count('<li class="hit">') < page.count('<li class="hit">')
    assert "exact=1" in re.search(r'<h2 class="hit-title"[^>]*><a href="([^"]+)"', exact).group(1)


def test_ignored_common_words_are_shown(client):
    page = html(client.get("/", query_string={"q": "در کیف"}))
    assert "نادیده گرفته شد" in page and "<bdi>در</bdi>" in page


# --- the document page -------------------------------------------------------


def test_document_page_marks_every_match(client, app):
    r = client.get(f"/doc/{PERSIAN_DOC}", query_string={"q": "کیف"})
    assert r.status_code == 200
    page = html(r)
    doc = app.extensions["kavosh"].get().document(PERSIAN_DOC, "کیف")
    assert doc.matches >= 3
    assert page.count("<mark>") == doc.matches
    assert '<article class="document" lang="fa">' in page
    assert PERSIAN_DOC in page and "بازگشت به نتایج" in page
    assert 'href="/?q=' in page
    assert all(a.get("dir") == "auto" for t, a in tags(page) if t == "p" and a.get("class") is None
               and a.get("dir"))


def test_document_without_query_has_no_marks(client):
    page = html(client.get(f"/doc/{PERSIAN_DOC}"))
    assert "<mark>" not in page and "بازگشت به جستجو" in page


@pytest.mark.parametrize("path", [
    "/doc/no-such-document.txt",
    "/doc/../../etc/passwd",
    "/doc/%2e%2e/%2e%2e/etc/passwd",
    "/doc/..%2F..%2Fsetup.cfg",
    "/doc//etc/passwd",
    "/doc/" + "../" * 10 + "etc/hostname",
    "/doc/seeds/" + PERSIAN_DOC,
])
def test_unknown_and_traversing_ids_are_a_404_page(client, path):
    r = client.get(path, follow_redirects=True)  # /doc//x is first redirected to /doc/x
    assert r.status_code == 404
    page = html(r)
    assert "text/html" in r.content_type and "پیدا نشد" in page
    assert "root:" not in page and "[metadata]" not in page


def test_ids_with_folders_work(hostile):
    r = hostile.get("/doc/sub/dir/nested.txt")
    assert r.status_code == 200 and "پوشه‌ای دیگر" in html(r)
    r = hostile.get("/doc/rec/2", query_string={"q": "مسکو"})
    page = html(r)
    assert r.status_code == 200 and "<mark>مسکو</mark>" in page
    assert 'href="https://example.org/a?b=1&amp;c=2"' in page and "رویترز" in page and "2024-11-04" in page  # ۱۴۰۳/۰۸/۱۴
    results = html(hostile.get("/", query_string={"q": "مسکو"}))
    assert 'href="/doc/sub/dir/nested.txt?q=' in results


# --- escaping ----------------------------------------------------------------


def _assert_no_live_script(page: str):
    assert "<script>alert" not in page and "<b>پهپاد" not in page
    scripts = [a for t, a in tags(page) if t == "script"]
    assert scripts and all(a.get("src", "").startswith("/static/") for a in scripts)


def test_markup_in_documents_shows_as_text(hostile):
    results = html(hostile.get("/", query_string={"q": "کیف"}))
    _assert_no_live_script(results)
    assert "&lt;script&gt;alert(" in results and "&lt;b&gt;" in results
    doc = html(hostile.get("/doc/xss.txt", query_string={"q": "پهپاد"}))
    _assert_no_live_script(doc)
    assert "&lt;b&gt;<mark>پهپاد</mark>&lt;/b&gt;" in doc and "&amp;" in doc


def test_javascript_urls_are_not_links(hostile):
    page = html(hostile.get("/doc/rec/1"))
    assert 'href="javascript:' not in page and "javascript:alert(1)" in page
    _assert_no_live_script(page)
    assert "&lt;script&gt;" in page  # the hostile source field, as text
    # The results page's address line and source facet too.
    results = html(hostile.get("/", query_string={"q": "خبر"}))
    assert 'href="javascript:' not in results and '<bdi class="url" dir="ltr">javascript:alert(1)</bdi>' in results
    assert 'data-source="&lt;script&gt;' in results and "<bdi>&lt;script&gt;" in results
    _assert_no_live_script(results)


def test_markup_in_queries_shows_as_text(client, hostile):
    for c in (client, hostile):
        for q in (XSS, f"کیف {XSS}", '"><img src=x onerror=alert(1)>'):
            for url in ("/", "/doc/" + PERSIAN_DOC, "/doc/xss.txt"):
                page = html(c.get(url, query_string={"q": q}))
                _assert_no_live_script(page)
                assert "<img" not in page
    data = client.get("/api/search", query_string={"q": XSS}).get_json()
    assert data["query"] == XSS


# --- the JSON API ------------------------------------------------------------


@pytest.mark.parametrize("args, params", [
    (["پهپاد", "کیف"], {"q": "پهپاد کیف"}),
    (["الطائرات", "المسيرة"], {"q": "الطائرات المسيرة"}),
    (["كييف", "--limit", "2", "--offset", "2"], {"q": "كييف", "limit": 2, "offset": 2}),
    (["كييف", "--lang", "fa"], {"q": "كييف", "lang": "fa"}),
    (["کیف", "مسکو", "--any"], {"q": "کیف مسکو", "mode": "any"}),
    (["پهپاد*"], {"q": "پهپاد*"}),
    (["zzzz"], {"q": "zzzz"}),
    (["ترامپ", "کیف", "--exact"], {"q": "ترامپ کیف", "exact": 1}),
    (["موسکو", "--exact"], {"q": "موسکو", "exact": "1"}),
])
def test_api_search_is_the_cli_json_object(client, seeds_index, args, params):
    r = client.get("/api/search", query_string=params)
    assert r.status_code == 200 and r.mimetype == "application/json"
    api = r.get_json()
    cli_result = cli_json(seeds_index, *args)
    assert without_time(api) == without_time(cli_result)
    assert list(api) == list(cli_result)  # same keys in the same order
    assert {"query", "total", "took_ms", "offset", "limit", "lang", "hits", "langs", "timed_out",
            "ignored_words"} <= set(api)
    for hit in api["hits"]:
        assert {"id", "path", "title", "lang", "score", "snippet"} <= set(hit)
    assert "\\u" not in r.get_data(as_text=True)  # UTF-8, like the CLI


@pytest.mark.parametrize("params, message", [
    ({"q": "کیف", "limit": 0}, "limit must be between 1 and 100"),
    ({"q": "کیف", "limit": 101}, "limit must be between 1 and 100"),
    ({"q": "کیف", "limit": "ten"}, "limit must be a whole number"),
    ({"q": "کیف", "offset": -1}, "offset must be between 0 and 10000"),
    ({"q": "کیف", "offset": 10001}, "offset must be between 0 and 10000"),
    ({"q": "کیف", "offset": "1e3"}, "offset must be a whole number"),
    ({"q": "کیف", "lang": "en"}, "unknown language"),
    ({"q": "کیف", "mode": "some"}, "mode must be 'all' or 'any'"),
    ({"q": "کیف", "exact": "maybe"}, "exact must be 1 or 0"),
    ({"q": "ک" * 1001}, "query too long"),
    ({"q": ""}, "empty query"),
    ({"q": "-کیف"}, "only excludes"),
    ({"q": "ک*"}, "matches too many words"),
])
def test_api_bounds_are_a_400_with_a_clear_message(client, params, message):
    r = client.get("/api/search", query_string=params)
    assert r.status_code == 400 and r.mimetype == "application/json"
    assert message in r.get_json()["error"] and r.get_json()["status"] == 400


@pytest.mark.parametrize("params, message", [
    ({"q": "کیف", "limit": 500}, "(limit) باید بین ۱ و ۱۰۰ باشد، نه ۵۰۰"),
    ({"q": "کیف", "offset": 99999}, "(offset) باید بین ۰ و ۱۰٬۰۰۰ باشد، نه ۹۹٬۹۹۹"),
    ({"q": "کیف", "offset": "x"}, "offset باید عددی درست باشد، نه «x»"),
    ({"q": "ک" * 1001}, "پرسش بیش از حد بلند است (۱٬۰۰۱ نویسه؛ حداکثر ۱٬۰۰۰)"),
])
def test_page_bounds_are_a_400_page_with_the_message(client, params, message):
    """The engine's English line, translated: a page shows no English error text."""
    r = client.get("/", query_string=params)
    assert r.status_code == 400 and "text/html" in r.content_type
    page = html(r)
    assert message in page and "درخواست نادرست" in page and "Traceback" not in page
    assert "must be" not in page and "too long" not in page
    r = client.get(f"/doc/{PERSIAN_DOC}", query_string={"q": "ک" * 1001})
    assert r.status_code == 400 and "پرسش بیش از حد بلند است" in html(r)


def test_suggest_completes_the_last_word_in_the_users_script(client):
    persian = client.get("/api/suggest", query_string={"q": "کی"}).get_json()
    assert persian["query"] == "کی" and "کییف" in persian["suggestions"]
    arabic = client.get("/api/suggest", query_string={"q": "كي"}).get_json()["suggestions"]
    assert "كييف" in arabic and not any("ی" in s or "ک" in s for s in arabic)
    multi = client.get("/api/suggest", query_string={"q": "الطائرات المس"}).get_json()["suggestions"]
    assert "الطائرات المسيرة" in multi and all(s.startswith("الطائرات المس") for s in multi)
    # Arabic words typed with their article complete to the documents' own spelling.
    assert "الطائرات" in client.get("/api/suggest", query_string={"q": "الطا"}).get_json()["suggestions"]
    for s in persian["suggestions"] + arabic:
        assert client.get("/api/search", query_string={"q": s}).get_json()["total"] >= 1


def test_suggest_edges(client):
    assert client.get("/api/suggest", query_string={"q": "ک"}).get_json()["suggestions"] == []
    assert client.get("/api/suggest", query_string={"q": "کیف "}).get_json()["suggestions"] == []
    assert client.get("/api/suggest").get_json() == {"query": "", "suggestions": []}
    assert client.get("/api/suggest", query_string={"q": XSS}).status_code == 200
    r = client.get("/api/suggest", query_string={"q": "کی", "format": "opensearch"})
    assert r.mimetype == "application/x-suggestions+json"
    q, items = r.get_json()
    assert q == "کی" and "کییف" in items
    assert client.get("/api/suggest", query_string={"q": "کی", "limit": 1}).get_json()["suggestions"] == ["کییف"]
    assert client.get("/api/suggest", query_string={"q": "ک" * 1001}).status_code == 400
    assert client.get("/api/suggest", query_string={"q": "کی", "limit": 99}).status_code == 400


def test_opensearch_description(seeds_index):
    # Served under its own name (behind a proxy: `kavosh serve --allow-host kavosh.test`).
    client = create_app(seeds_index, {"KAVOSH_ALLOWED_HOSTS": ["kavosh.test"]}).test_client()
    r = client.get("/opensearch.xml", base_url="http://kavosh.test:8080")
    assert r.status_code == 200 and r.mimetype == "application/opensearchdescription+xml"
    root = ET.fromstring(r.data)
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    assert root.find("os:ShortName", ns).text
    urls = {u.get("type"): u.get("template") for u in root.findall("os:Url", ns)}
    assert urls["text/html"] == "http://kavosh.test:8080/?q={searchTerms}"
    assert urls["application/x-suggestions+json"] == \
        "http://kavosh.test:8080/api/suggest?format=opensearch&q={searchTerms}"


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.get_json()
    assert {k: body[k] for k in ("status", "index_open", "documents")} == {
        "status": "ok", "index_open": True, "documents": 5}
    assert body["generation"] >= 0 and body["search_ms"] >= 0


# --- errors and a missing index ----------------------------------------------


def test_missing_index_is_a_clear_503_until_it_is_built(tmp_path):
    target = tmp_path / "later"
    c = create_app(target, {"KAVOSH_RETRY_OPEN": 0}).test_client()
    r = c.get("/", query_string={"q": "کیف"})
    assert r.status_code == 503 and "kavosh index" in html(r) and "Traceback" not in html(r)
    assert c.get("/doc/x").status_code == 503
    r = c.get("/api/search", query_string={"q": "کیف"})
    assert r.status_code == 503 and "kavosh index" in r.get_json()["error"]
    r = c.get("/healthz")
    assert r.status_code == 503 and r.get_json()["index_open"] is False
    assert c.get("/static/style.css").status_code == 200
    index_paths(target, [Path(__file__).resolve().parent.parent / "seeds"])
    assert c.get("/healthz").get_json()["documents"] == 5
    assert c.get("/api/search", query_string={"q": "کیف"}).get_json()["total"] >= 1


def test_unexpected_errors_are_a_generic_500_without_a_traceback(app, client, monkeypatch):
    engine = app.extensions["kavosh"].get()

    def boom(*a, **kw):
        raise RuntimeError("secret internals /etc/kavosh")

    monkeypatch.setattr(engine, "search", boom)
    for url, is_json in (("/?q=کیف", False), ("/api/search?q=کیف", True)):
        r = client.get(url)
        assert r.status_code == 500
        body = html(r)
        assert "secret internals" not in body and "Traceback" not in body
        assert (r.mimetype == "application/json") is is_json


def test_unknown_pages_and_methods(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "text/html" in r.content_type
    r = client.get("/api/nothing")
    assert r.status_code == 404 and r.get_json()["status"] == 404
    assert client.post("/", data={"q": "x"}).status_code == 405
    assert client.post("/api/search").get_json()["status"] == 405


# --- headers, static files, no inline code -----------------------------------


@pytest.mark.parametrize("url", ["/", "/?q=کیف", f"/doc/{PERSIAN_DOC}", "/doc/nope", "/api/search?q=کیف",
                                 "/api/search?limit=0", "/api/suggest?q=کی", "/opensearch.xml", "/healthz",
                                 "/static/style.css"])
def test_security_headers_on_every_answer(client, url):
    r = client.get(url)
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")


@pytest.mark.parametrize("url", ["/", "/?q=كييف&limit=2", f"/doc/{PERSIAN_DOC}?q=کیف", "/doc/nope"])
def test_pages_have_no_inline_script_or_style(client, url):
    page = html(client.get(url))
    assert "<style" not in page
    for tag, attrs in tags(page):
        assert "style" not in attrs, tag
        assert not any(name.startswith("on") for name in attrs), tag
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/")
    assert not re.search(r"<script[^>]*>[^<]+</script>", page)


def test_static_assets_are_local_and_small(client):
    for path in ("style.css", "suggest.js", "favicon.svg", "fonts/Vazirmatn-Variable.woff2"):
        r = client.get(f"/static/{path}")
        assert r.status_code == 200, path
    fonts = list((WEB / "static" / "fonts").glob("*.woff2"))
    assert fonts and sum(f.stat().st_size for f in fonts) <= 250_000
    assert (WEB / "static" / "fonts" / "OFL.txt").is_file()
    text = "".join(p.read_text(encoding="utf-8") for p in [*(WEB / "templates").glob("*.html"),
                                                            *(WEB / "static").glob("*.css"),
                                                            *(WEB / "static").glob("*.js")])
    assert not re.search(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//""", text)


# --- any query text: an answer, never a crash ----------------------------------

QUERY_TEXT = st.lists(
    st.sampled_from(list("کیفپهادمسكيالطئرةو ") + ['"', "(", ")", "-", "*", "?", ":", "<", ">", "&",
                                                  "\u200c", "\u064e", "۱", "1", "é"])
    | st.sampled_from(["OR ", "AND ", "NOT ", "title:", "body:", "<script>"]),
    max_size=30,
).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=QUERY_TEXT)
def test_any_query_text_is_answered_not_crashed(client, q):
    for url in ("/", "/api/search", "/api/suggest", f"/doc/{PERSIAN_DOC}"):
        r = client.get(url, query_string={"q": q})
        assert r.status_code in (200, 400), (url, q, r.status_code)
        if r.mimetype == "text/html":
            assert "<script>alert" not in html(r) and "Traceback" not in html(r)
