"""An HTML news page is indexed by its article: a word of the site's menu, ticker,
"related" links or footer does not find every page of the site.  Real `kavosh
index` / `kavosh search` runs into a real on-disk index; the text is our own."""

from __future__ import annotations

from pathlib import Path

from test_formats import hits, kavosh  # the CLI helpers the format tests share

MENU = ["صفحه اصلی", "سیاسی", "اقتصادی", "ورزشی", "گردشگری", "چندرسانه‌ای", "آرشیو", "تماس با ما",
        "بین‌الملل", "فرهنگی", "اجتماعی", "استان‌ها", "عکس", "فیلم", "یادداشت", "گفتگو"]

ARTICLES = {
    "dam.html": ("کم‌آبی سد زاینده‌رود", [
        "مدیرعامل شرکت آب منطقه‌ای اصفهان روز دوشنبه گفت حجم آب پشت سد زاینده‌رود به کمترین "
        "اندازه در بیست سال گذشته رسیده است و کشاورزان شرق استان نگران کشت پاییزه هستند.",
        "او افزود که رهاسازی آب برای کشت پاییزه تنها با تصمیم شورای هماهنگی حوضه انجام می‌شود "
        "و تا پایان آبان هیچ برنامه‌ای برای بازگشایی دریچه‌های سد وجود ندارد.",
        "کارشناسان می‌گویند برداشت بی‌رویه از آب‌های زیرزمینی و کاهش بارش برف در ارتفاعات "
        "زردکوه دو علت اصلی این وضعیت است و بدون مدیریت مصرف بحران ادامه خواهد یافت.",
    ]),
    "port.html": ("توسعهٔ بندر چابهار", [
        "معاون وزیر راه و شهرسازی در سفر به سیستان و بلوچستان از آغاز فاز دوم توسعهٔ بندر "
        "شهید بهشتی چابهار خبر داد و گفت ظرفیت تخلیه و بارگیری این بندر دو برابر می‌شود.",
        "به گفتهٔ او اتصال ریلی چابهار به زاهدان تا دو سال آینده تکمیل خواهد شد و کالاهای "
        "ترانزیتی آسیای میانه از این مسیر به اقیانوس هند خواهند رسید.",
        "نمایندگان استان در مجلس خواستار تخصیص اعتبار بیشتر برای جاده‌های دسترسی بندر شدند "
        "و گفتند کمبود زیرساخت مانع جذب سرمایه‌گذار خارجی شده است.",
    ]),
}

# The "most read" box names a story that is not on the page: its words must not find it.
MOST_READ = ["برگزاری جشنواره بین‌المللی فیلم کودک در همدان", "افتتاح نمایشگاه کتاب تبریز"]


def news_page(title: str, paragraphs: list[str]) -> str:
    links = "".join(f'<li><a href="/s/{i}">{item}</a></li>' for i, item in enumerate(MENU))
    most_read = "".join(f'<li><a href="/n/{i}">{t}</a></li>' for i, t in enumerate(MOST_READ))
    body = (f"<p>{paragraphs[0]}</p><figure><img src='/1.jpg' alt=''><figcaption>عکس: بهرام کاظمی، "
            f"{title}</figcaption></figure>" + "".join(f"<p>{p}</p>" for p in paragraphs[1:]))
    card = ("<section class='related'><h3>اخبار مرتبط</h3><figure><a href='/n/9'><img src='/9.jpg' alt=''></a>"
            "<figcaption><a href='/n/9'>افتتاح موزهٔ فرش کاشان</a></figcaption></figure></section>")
    return (f'<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8">'
            f"<title>{title} | خبرگزاری نمونه</title><style>.menu li{{display:inline}}</style>"
            f"<script>var slots=['top','side'];</script></head><body>"
            f'<header><nav class="menu"><ul>{links}</ul></nav></header>'
            f'<div class="ticker">خبر فوری: {MOST_READ[1]}</div>'
            f'<main><article><h1>{title}</h1><div class="author">خبرنگار: شیرین توکلی</div>{body}'
            f'<div class="share"><a href="#">تلگرام</a> <a href="#">توییتر</a></div>{card}</article>'
            f'<aside><h3>پربازدیدترین‌ها</h3><ol>{most_read}</ol></aside></main>'
            f'<section class="comments"><div class="comment"><span class="comment-author">کامران</span>'
            f"<p>گزارش خوبی بود ولی آمار سال قبل را هم بنویسید</p></div></section>"
            f"<footer><p>تمامی حقوق برای خبرگزاری نمونه محفوظ است</p>"
            f"<p>نشانی: تهران، خیابان بهار، پلاک ۱۲</p></footer></body></html>")




def build(tmp_path: Path, pages: dict[str, str]) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    for name, html in pages.items():
        (folder / name).write_text(html, encoding="utf-8")
    index = tmp_path / "ix"
    result = kavosh("index", str(folder), index=index)
    assert result.exit_code == 0, result.output
    return index


def test_an_article_word_finds_its_page_and_a_menu_word_finds_none(tmp_path):
    index = build(tmp_path, {name: news_page(title, body) for name, (title, body) in ARTICLES.items()})

    found = hits(index, "زاینده‌رود")
    assert [h["id"] for h in found] == ["dam.html"]
    assert found[0]["title"] == "کم‌آبی سد زاینده‌رود"
    assert "زاینده‌رود" in found[0]["snippet"] and "گردشگری" not in found[0]["snippet"]
    assert [h["id"] for h in hits(index, "چابهار")] == ["port.html"]

    # Menu, ticker, "most read", share buttons and footer: on every page, in no article.
    for furniture in ("گردشگری", "آرشیو", "همدان", "تبریز", "تلگرام", "پربازدیدترین‌ها", "پلاک", "کاشان"):
        assert hits(index, furniture) == [], furniture


def test_a_photo_caption_and_the_byline_are_the_articles_text(tmp_path):
    """trafilatura drops <figure> whole and bylines (to its metadata); names in them are searched for.
    A comment's author and text are not the article's."""
    index = build(tmp_path, {"dam.html": news_page(*ARTICLES["dam.html"])})
    found = hits(index, "کاظمی")
    assert [h["id"] for h in found] == ["dam.html"]
    assert "بهرام" in found[0]["snippet"]
    assert [h["id"] for h in hits(index, '"شیرین توکلی"')] == ["dam.html"]
    assert hits(index, "کامران") == [] and hits(index, "آمار") == []


def test_half_space_words_of_the_article_stay_whole(tmp_path):
    """The extractor drops U+200C; «زیرزمینی» words with it must come back as typed."""
    index = build(tmp_path, {"dam.html": news_page(*ARTICLES["dam.html"])})
    found = hits(index, '"آب‌های زیرزمینی"')
    assert [h["id"] for h in found] == ["dam.html"]
    assert "آب‌های" in found[0]["snippet"]
    shown = kavosh("show", "dam.html", index=index)
    assert "برداشت بی‌رویه از آب‌های زیرزمینی" in shown.output


def test_a_page_without_an_article_is_indexed_whole(tmp_path):
    """A menu and a one-line notice in a footer <div>: no prose for the extractor to keep,
    so the whole visible text is indexed rather than the menu alone."""
    links = "".join(f'<a href="/s/{i}">{item}</a> ' for i, item in enumerate(MENU))
    notice = (f"<html><body><div class='menu'>{links}</div>"
              "<div class='footer'><p>اطلاعیه: کتابخانه مرکزی روز جمعه تعطیل است.</p></div></body></html>")
    files = ("<html><body><h1>پرونده‌ها</h1><ul>"
             + "".join(f'<li><a href="r{i}.pdf">گزارش سالانه {i}</a></li>' for i in range(1, 6))
             + "</ul></body></html>")
    index = build(tmp_path, {"notice.html": notice, "files.html": files})
    assert [h["id"] for h in hits(index, "کتابخانه")] == ["notice.html"]
    assert [h["id"] for h in hits(index, "تعطیل")] == ["notice.html"]
    assert [h["id"] for h in hits(index, "سالانه")] == ["files.html"]


def test_what_a_browser_hides_is_not_indexed_and_a_broken_page_says_so(tmp_path):
    pages = {
        # Never rendered, or only with scripts off: not the page's text.
        "hidden.html": news_page(*ARTICLES["port.html"]).replace("</article>", "<template><p>قالب پنهان واژهٔ نهفته</p></template>"
                                       "<noscript>لطفاً جاوااسکریپت مرورگر را روشن کنید</noscript></article>"),
        # A browser shows nothing after an unclosed comment or <script>: neither do we, with a word.
        "comment.html": news_page(*ARTICLES["dam.html"]).replace("</footer>", "</footer><!-- <p>یادداشت ویراستار برای حذف</p>"),
        "script.html": news_page("بازار خرمای بوشهر", [
            "قیمت خرمای صادراتی در بازار بوشهر این هفته ده درصد افزایش یافت و بازرگانان "
            "می‌گویند تقاضای کشورهای همسایه بیشتر از سال گذشته است."])
        .replace("</article>", "<script>var ad = 1;<p>ادامهٔ گزارش دربارهٔ اسکلهٔ نفتی</p></article>"),
    }
    folder = tmp_path / "site"
    folder.mkdir()
    for name, html in pages.items():
        (folder / name).write_text(html, encoding="utf-8")
    index = tmp_path / "ix"
    result = kavosh("index", str(folder), index=index)
    assert result.exit_code == 0, result.output
    assert "3 added" in result.stdout
    for word in ("نهفته", "جاوااسکریپت", "ویراستار", "اسکلهٔ"):
        assert hits(index, word) == [], word
    assert [h["id"] for h in hits(index, "زاینده‌رود")] == ["comment.html"]
    assert [h["id"] for h in hits(index, "چابهار")] == ["hidden.html"]
    assert [h["id"] for h in hits(index, "خرمای")] == ["script.html"]
    assert "warning: comment.html: an unclosed <!-- hides the 4 words after it" in result.stderr
    assert "warning: script.html: an unclosed <script> hides the" in result.stderr
    assert "hidden.html" not in result.stderr


def test_a_table_layout_page_loses_its_menu_and_most_read_cells(tmp_path):
    """Old sites put the menu, the "most read" list and the article in cells of one table."""
    title, paragraphs = ARTICLES["port.html"]
    menu = " | ".join(f'<a href="/c{i}.asp">{item}</a>' for i, item in enumerate(MENU))
    most_read = "".join(f'<tr><td><a href="/n.asp?id={i}">{t}</a></td></tr>' for i, t in enumerate(MOST_READ))
    page = (f"<html><head><title>{title}</title></head><body><table width='100%'>"
            f"<tr><td colspan=2>{menu}</td></tr><tr><td valign=top><table>{most_read}"
            f"<tr><td><a href='/a'>آرشیو</a></td></tr></table></td><td valign=top>"
            f"<font size=4><b>{title}</b></font><br>"
            + "".join(f"<font size=2>{p}</font><br><br>" for p in paragraphs)
            + "</td></tr></table></body></html>")
    index = build(tmp_path, {"port.html": page})
    found = hits(index, "چابهار")
    assert [h["id"] for h in found] == ["port.html"]
    for furniture in ("گردشگری", "آرشیو", "همدان", "تبریز"):
        assert hits(index, furniture) == [], furniture
