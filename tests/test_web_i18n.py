"""The page in Persian or Arabic, dates as readers expect them, and the document and stats JSON.

Everything through Flask's test client over a real on-disk index of a small
news fixture (dated, with sources) plus the seeds.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from click.testing import CliRunner

from kavosh.cli import main as cli
from kavosh.web import create_app
from kavosh.web.date_display import date_html, format_date
from kavosh.web.i18n import arabic_plural, count
from kavosh.web.messages import translate_error
from news_fixture import NEWS

PERSIAN_DIGITS, ARABIC_DIGITS = set("۰۱۲۳۴۵۶۷۸۹"), set("٠١٢٣٤٥٦٧٨٩")


@pytest.fixture(scope="module")
def app(news_index):
    return create_app(news_index)


@pytest.fixture
def client(app):
    return app.test_client()


def page(client, path="/", headers=None, **params):
    r = client.get(path, query_string=params, headers=headers or {})
    return r, r.get_data(as_text=True)


def main_text(html: str) -> str:
    """The visible text of <main>, tags removed."""
    body = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body.split(">", 1)[1]))


def summary(html: str) -> str:
    return re.sub(r"<[^>]+>", "", re.search(r'<p id="summary".*?</p>', html, re.S).group(0))


# --- choosing the interface language ------------------------------------------


def test_persian_is_the_default_interface(client):
    r, html = page(client)
    assert '<html dir="rtl" lang="fa">' in html and "جستجو در اسناد" in html
    assert 'data-ui="ar"' in html and ">العربية<" in html  # the switch offers the other one


def test_the_switch_turns_the_page_arabic_and_a_cookie_remembers_it(client):
    r, html = page(client, q="برف", ui="ar")
    assert r.status_code == 200 and '<html dir="rtl" lang="ar">' in html
    assert "kavosh_ui=ar" in r.headers["Set-Cookie"] and "SameSite=Lax" in r.headers["Set-Cookie"]
    assert ">بحث<" in html and "جستجو" not in main_text(html)
    # The next page, without the parameter: still Arabic, from the cookie, even for a Persian query.
    r, html = page(client, q="برف")
    assert '<html dir="rtl" lang="ar">' in html and "Set-Cookie" not in r.headers
    # The switch back is a link on the page, and it wins over the cookie.
    back = re.search(r'<a href="([^"]+)" lang="fa" hreflang="fa" data-ui="fa">فارسی</a>', html).group(1)
    r = client.get(back.replace("&amp;", "&"))
    html = r.get_data(as_text=True)
    assert '<html dir="rtl" lang="fa">' in html and "kavosh_ui=fa" in r.headers["Set-Cookie"]


@pytest.mark.parametrize("accept, query, ui", [
    ("ar-SA,ar;q=0.9", "برف", "ar"),          # the browser's language wins over the query's
    ("fa-IR,fa;q=0.9,en;q=0.5", "الثلوج", "fa"),
    ("en-US,en;q=0.9", "الرياض", "ar"),        # no Persian or Arabic asked for: the query decides
    ("en-US,en;q=0.9", "مدينة جدة", "ar"),
    ("en-US,en;q=0.9", "برف", "fa"),
    ("", "كييف", "ar"),                        # Arabic yeh and kaf, no Persian-only letter
    ("", "کیف", "fa"),
    ("", "Tehran", "fa"),                      # nothing to tell: Persian
])
def test_accept_language_then_the_querys_script_choose(client, accept, query, ui):
    _r, html = page(client, headers={"Accept-Language": accept} if accept else {}, q=query)
    assert f'<html dir="rtl" lang="{ui}">' in html


def test_an_unknown_interface_language_is_a_400_page_in_the_current_one(client):
    r, html = page(client, headers={"Accept-Language": "ar"}, q="برف", ui="en")
    assert r.status_code == 400 and '<html dir="rtl" lang="ar">' in html
    assert "لغة الواجهة (ui) يجب أن تكون fa أو ar، لا «en»" in html
    assert "Set-Cookie" not in r.headers


def test_pages_vary_by_the_cookie_and_accept_language(client):
    r, _ = page(client, q="برف")
    assert {"Cookie", "Accept-Language"} <= set(r.vary) and r.headers["Content-Language"] == "fa"
    r, _ = page(client, q="الرياض")
    assert r.headers["Content-Language"] == "ar"
    assert "Content-Language" not in client.get("/api/search", query_string={"q": "برف"}).headers


# --- labels, digits and counts --------------------------------------------------


def test_persian_page_labels_and_digits(client):
    _r, html = page(client, headers={"Accept-Language": "fa"}, q="برف OR الثلوج")
    text = summary(html)
    assert "۴ نتیجه" in text and "میلی‌ثانیه" in text and not ARABIC_DIGITS & set(text)
    assert 'data-lang="all">همه <span class="count">۴</span>' in html
    assert 'data-lang="ar">عربی <span class="count">۱</span>' in html
    assert "زبان سند" in html


def test_arabic_page_labels_digits_and_plural_forms(client):
    _r, html = page(client, headers={"Accept-Language": "ar"}, q="برف OR الثلوج")
    text = summary(html)
    assert "٤ نتائج" in text and "عرض ١ إلى ٤" in text
    assert 'data-lang="all">الكل <span class="count">٤</span>' in html
    assert 'data-lang="fa">الفارسية <span class="count">٣</span>' in html
    assert "لغة الوثيقة" in html and "نتیجه" not in html and "میلی" not in html
    assert not PERSIAN_DIGITS & set(text)
    # One hit: the singular phrase; two: the dual.
    assert "نتيجة واحدة" in summary(page(client, headers={"Accept-Language": "ar"}, q="تبریز")[1])
    assert "نتيجتان" in summary(page(client, headers={"Accept-Language": "ar"}, q="الرياض")[1])


@pytest.mark.parametrize("n, category", [(0, "zero"), (1, "one"), (2, "two"), (3, "few"), (10, "few"),
                                         (11, "many"), (99, "many"), (100, "other"), (102, "other"),
                                         (103, "few"), (111, "many"), (1000, "other"), (2.5, "other")])
def test_arabic_plural_categories(n, category):
    assert arabic_plural(n) == category


def test_counted_phrases_in_both_languages(app):
    with app.test_request_context("/"):
        assert count(1234, "result", "fa") == "۱٬۲۳۴ نتیجه"
        assert count(5, "result", "ar") == "٥ نتائج"
        assert count(11, "result", "ar") == "١١ نتيجة"
        assert count(1234, "document", "ar") == "١٬٢٣٤ وثيقة"
        assert count(2, "document", "ar") == "وثيقتان"


# --- error messages ---------------------------------------------------------------

ERRORS = [
    {"q": "برف", "limit": 500},
    {"q": "برف", "offset": 99999},
    {"q": "برف", "offset": "x"},
    {"q": "برف", "limit": "-"},
    {"q": "برف", "lang": "xx"},
    {"q": "برف", "mode": "some"},
    {"q": "برف", "exact": "maybe"},
    {"q": "ک" * 1001},
    {"q": "-برف"},
    {"q": "ک*"},
    {"q": "()"},
    {"q": "(" * 30 + "برف"},
]


@pytest.mark.parametrize("params", ERRORS)
@pytest.mark.parametrize("ui", ["fa", "ar"])
def test_every_api_error_has_a_translation_and_the_page_shows_it(client, params, ui):
    api = client.get("/api/search", query_string=params)
    assert api.status_code == 400
    english = api.get_json()["error"]
    translated = translate_error(english, ui)
    assert translated, f"no {ui} translation for: {english}"
    r, html = page(client, headers={"Accept-Language": ui}, **params)
    assert r.status_code == 400
    text = main_text(html)
    assert translated in text.replace("&#34;", '"').replace("&#39;", "'") or translated.split("«")[0] in text
    assert english not in html
    # No English sentence on the page: Latin words are only parameter names and values.
    latin = set(re.findall(r"[A-Za-z]{3,}", text)) - {"limit", "offset", "mode", "exact", "all", "any",
                                                        "lang", "mixed", "other", "some", "maybe"}
    assert not latin, latin


@pytest.mark.parametrize("ui, title, sentence", [
    ("fa", "پیدا نشد", "سندی با شناسهٔ «nope/x» در نمایه نیست."),
    ("ar", "غير موجود", "لا وثيقة بالمعرّف «nope/x» في الفهرس."),
])
def test_unknown_document_page_in_each_language(client, ui, title, sentence):
    r, html = page(client, "/doc/nope/x", headers={"Accept-Language": ui})
    assert r.status_code == 404 and title in html and sentence in html and "no document" not in html


def test_an_untranslated_message_shows_the_general_sentence_not_english(app, monkeypatch):
    from kavosh.index.errors import QueryError

    engine = app.extensions["kavosh"].get()

    def refuse(*args, **kwargs):
        raise QueryError("a brand-new problem nobody translated yet")

    monkeypatch.setattr(engine, "search", refuse)
    r = app.test_client().get("/", query_string={"q": "برف"}, headers={"Accept-Language": "ar"})
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "brand-new" not in html and "لا يمكن تنفيذ هذا الطلب" in html


def test_missing_index_page_in_arabic(tmp_path):
    r = create_app(tmp_path / "none").test_client().get("/", headers={"Accept-Language": "ar"})
    html = r.get_data(as_text=True)
    assert r.status_code == 503 and "الفهرس غير متاح" in html and "kavosh index" in html
    assert "no index at" not in html


# --- dates ----------------------------------------------------------------------------


def hit_meta(html: str, doc_id: str) -> str:
    item = re.search(r'<li class="hit">(?:(?!</li>).)*?' + re.escape(doc_id) + r".*?</li>", html, re.S)
    return item.group(0)


def test_persian_page_shows_jalali_dates_with_the_gregorian_in_the_title(client):
    _r, html = page(client, headers={"Accept-Language": "fa"}, q="برف")
    first = hit_meta(html, "n/fa-1")
    assert '<time class="date" datetime="2020-02-08T14:23:00" title="میلادی: ۸ فوریه ۲۰۲۰، ۱۴:۲۳">۱۹ بهمن ۱۳۹۸</time>' in first
    second = hit_meta(html, "n/fa-2")
    assert 'datetime="2024-11-03T09:05:00"' in second and ">۱۳ آبان ۱۴۰۳</time>" in second


def test_arabic_page_shows_gregorian_dates_in_arabic_indic_digits(client):
    _r, html = page(client, headers={"Accept-Language": "ar"}, q="مدينة")
    riyadh = hit_meta(html, "n/ar-1")
    assert '<time class="date" datetime="2015-07-21">٢١ يوليو ٢٠١٥</time>' in riyadh
    jeddah = hit_meta(html, "n/ar-2")  # "sometime in 2015" is no date: none is shown
    assert "<time" not in jeddah and "sometime" not in jeddah


def test_document_page_shows_the_time_too(client):
    _r, html = page(client, "/doc/n/fa-1", headers={"Accept-Language": "fa"})
    assert ">۱۹ بهمن ۱۳۹۸، ۱۴:۲۳</time>" in html
    _r, html = page(client, "/doc/n/fa-1", headers={"Accept-Language": "ar"})
    assert ">٨ فبراير ٢٠٢٠، ١٤:٢٣</time>" in html


@pytest.mark.parametrize("value, ui, shown", [
    ("2020-02-08 14:23:00", "fa", "۱۹ بهمن ۱۳۹۸"),
    ("2020-02-08T14:23:00Z", "fa", "۱۹ بهمن ۱۳۹۸"),
    ("2024-03-19", "fa", "۲۹ اسفند ۱۴۰۲"),   # the last day of the Jalali year 1402
    ("2024-03-20", "fa", "۱ فروردین ۱۴۰۳"),   # Nowruz
    ("2025-03-20", "fa", "۳۰ اسفند ۱۴۰۳"),   # 1403 is a leap year
    ("2024-03-20", "ar", "٢٠ مارس ٢٠٢٤"),
    ("2024-13-40", "fa", "2024-13-40"),
    ("۱۴۰۳/۰۸/۱۴", "ar", "۱۴۰۳/۰۸/۱۴"),
])
def test_date_formats(value, ui, shown):
    assert format_date(value, ui) == shown


def test_a_file_modification_date_is_marked_as_such(app):
    with app.test_request_context("/"):
        fa = date_html("2024-11-04T10:00:00", "fa", origin="mtime")
        ar = date_html("2024-11-04T10:00:00", "ar", origin="mtime")
        plain = date_html("2024-11-04T10:00:00", "fa", origin="document")
    assert "(تاریخ فایل)" in fa and "آخرین تغییر فایل" in fa
    assert "(تاريخ الملف)" in ar and "آخر تعديل للملف" in ar
    assert "فایل" not in plain


# --- the JSON twins: /api/doc and /api/stats -------------------------------------------


def cli_json(index_dir, *args):
    result = CliRunner().invoke(cli, [*args, "--json", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("doc_id, query", [("n/fa-1", None), ("n/fa-1", "برف"), ("n/ar-1", "الثلوج"),
                                           ("seeds/000_91134593e6c4caae.txt", "پهپاد")])
def test_api_doc_is_what_kavosh_show_prints(client, news_index, doc_id, query):
    r = client.get(f"/api/doc/{doc_id}", query_string={"q": query} if query else {})
    assert r.status_code == 200 and r.mimetype == "application/json"
    args = ["show", doc_id] + (["-q", query] if query else [])
    assert r.get_json() == cli_json(news_index, *args)
    if query:
        assert "<mark>" in r.get_json()["body_html"] and r.get_json()["matches"] >= 1


def test_api_doc_unknown_id_is_a_404_json(client):
    r = client.get("/api/doc/no/such")
    assert r.status_code == 404 and r.get_json() == {"error": "no document with id 'no/such' in the index",
                                                      "status": 404}


def test_api_stats_is_what_kavosh_stats_prints_with_sources_and_the_date_span(client, news_index):
    stats = client.get("/api/stats").get_json()
    assert stats == cli_json(news_index, "stats")
    # Plain files are named by their folder.
    assert stats["sources"] == dict(Counter(r["source"] for r in NEWS)) | {"seeds": 5, "notes": 1}
    assert list(stats["sources"])[:2] == ["seeds", "همشهری"]
    # The span is the documents' own dates; the files' times are only counted.
    assert stats["dates"] == {"earliest": "2015-07-21", "latest": "2024-11-03T09:05:00", "dated": 7,
                              "file_dated": 6}
    assert stats["documents"] == len(NEWS) + 5 + 1


def test_stats_command_prints_sources_and_dates(news_index):
    out = CliRunner().invoke(cli, ["stats", "--index", str(news_index)]).output
    assert ("dates:     2015-07-21 – 2024-11-03T09:05:00  (7 documents dated, 6 only by their file's time)"
            in out)
    assert "sources:   seeds: 5  همشهری: 3  notes: 1  الشرق الأوسط: 1  ایرنا: 1  ایسنا: 1  عكاظ: 1  مهر: 1" in out


@pytest.mark.parametrize("ui, labels", [
    ("fa", ("آمار نمایه", "به تفکیک منبع", "از ۲۱ ژوئیه", "۹ سند")),
    ("ar", ("إحصاءات الفهرس", "حسب المصدر", "من ٢١ يوليو ٢٠١٥ إلى ٣ نوفمبر ٢٠٢٤", "منها ٧ وثائق مؤرَّخة")),
])
def test_stats_page_in_each_language_links_its_json(client, ui, labels):
    r, html = page(client, "/stats", headers={"Accept-Language": ui})
    assert r.status_code == 200
    text = main_text(html)
    for label in labels[:2]:
        assert label in text
    assert 'href="/api/stats"' in html and '<link rel="alternate" type="application/json" href="/api/stats">' in html
    assert "همشهری" in text and "عكاظ" in text
    if ui == "ar":
        assert labels[2] in text and labels[3] in text


def test_document_and_search_pages_link_their_json(client):
    _r, html = page(client, "/doc/n/fa-1", q="برف")
    assert 'href="/api/doc/n/fa-1?q=%D8%A8%D8%B1%D9%81"' in html
    _r, html = page(client, q="برف", lang="fa")
    link = re.search(r'<a class="json-twin" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link.startswith("/api/search?")
    data = client.get(link).get_json()
    assert data["lang"] == "fa" and data["total"] == 3


@pytest.mark.parametrize("ui, sentence", [("fa", "روش POST اینجا مجاز نیست."),
                                          ("ar", "الطريقة POST غير مسموح بها هنا.")])
def test_a_wrong_method_page_in_each_language(client, ui, sentence):
    r = client.post("/", headers={"Accept-Language": ui})
    html = r.get_data(as_text=True)
    assert r.status_code == 405 and sentence in html and "not allowed" not in html


def test_api_stats_follows_the_index_after_a_new_commit(tmp_path):
    """The server keeps each commit's counts (reading every document is slow) but a
    re-index beside it shows at once: the new commit is counted afresh."""
    from kavosh.index.writer import index_paths

    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps({"id": "a", "title": "خبر", "body": "متن خبر اول", "source": "Alpha"},
                                ensure_ascii=False) + "\n", encoding="utf-8")
    index_paths(tmp_path / "ix", [first])
    client = create_app(tmp_path / "ix").test_client()
    before = client.get("/api/stats").get_json()
    assert before["documents"] == 1 and before["sources"] == {"Alpha": 1}
    assert client.get("/api/stats").get_json() == before  # the same commit, the same figures
    second = tmp_path / "second.jsonl"
    second.write_text(json.dumps({"id": "b", "title": "خبر", "body": "گزارش زلزله شدید", "source": "Beta"},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    index_paths(tmp_path / "ix", [second])
    after = client.get("/api/stats").get_json()
    assert after["documents"] == 2 and after["sources"] == {"Alpha": 1, "Beta": 1}
    assert after["terms"]["body"] > before["terms"]["body"]
