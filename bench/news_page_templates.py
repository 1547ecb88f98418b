"""News pages around an article, modelled on Persian and Arabic news sites' templates.

Used by bench/bench_html_main.py at run time, with articles of the archive:
no corpus text is written to the repository.  Each template wraps one article
(title, paragraphs) with what such sites put around it: a header menu of 15-30
links, a breaking-news ticker, a "most read" sidebar and "related" links made of
OTHER articles' titles, share buttons, a comment form, tags, a footer with
copyright and address, and scripts/styles.  Three layouts, as met in the wild:
semantic HTML5 (<main>/<article>), div soup with class names (older CMSes), and
a table layout with <font> and <br> paragraphs (the oldest sites).
"""

from __future__ import annotations

from html import escape

CHROME = {
    "fa": {
        "site": "خبرگزاری نمونه",
        "menu": ["صفحه اصلی", "سیاسی", "اقتصادی", "اجتماعی", "فرهنگی", "ورزشی", "بین‌الملل",
                 "استان‌ها", "عکس", "فیلم", "اینفوگرافیک", "یادداشت", "گفتگو", "آرشیو",
                 "دانش و فناوری", "سلامت", "حوادث", "بازار", "بورس", "خودرو", "مسکن",
                 "پادکست", "چندرسانه‌ای", "ویژه‌نامه", "خبرنامه"],
        "ticker": "خبر فوری",
        "most_read": "پربازدیدترین‌ها",
        "related": "اخبار مرتبط",
        # The article's own: a photo caption naming who took it and what it shows.
        "caption": "عکس: مهدی قاسمی، نمایی از نشست خبری روز دوشنبه در ساختمان وزارتخانه",
        "byline": "خبرنگار: مریم صادقی",
        "share": ["اشتراک‌گذاری", "تلگرام", "توییتر", "واتس‌اپ", "لینک کوتاه", "چاپ"],
        "tags": "برچسب‌ها",
        "meta_line": "کد خبر: ۴۵۶۷۸۹ | تاریخ انتشار: ۱۴۰۲/۰۵/۱۲ - ۱۰:۳۵ | بازدید: ۱۲۴۵",
        "comments": ["نظر شما", "نام", "ایمیل", "ارسال نظر",
                     "نظرات حاوی توهین و هرگونه نسبت ناروا به اشخاص منتشر نمی‌شود"],
        "footer": ["درباره ما", "تماس با ما", "آگهی", "قوانین و مقررات", "حریم خصوصی",
                   "© ۱۴۰۲ تمامی حقوق مادی و معنوی این سایت متعلق به خبرگزاری نمونه است",
                   "نشانی: تهران، خیابان ولیعصر، کوچه بهار، پلاک ۱۲ - تلفن: ۸۸۸۸۸۸۸۸-۰۲۱",
                   "استفاده از مطالب با ذکر منبع بلامانع است"],
    },
    "ar": {
        "site": "صحيفة المثال",
        "menu": ["الرئيسية", "سياسة", "اقتصاد", "رياضة", "ثقافة وفنون", "منوعات", "تكنولوجيا",
                 "صحة", "العالم", "عربي ودولي", "محليات", "مقالات", "رأي", "فيديو", "صور",
                 "إنفوغراف", "أرشيف", "حوادث", "برلمان", "تعليم", "سيارات", "بورصة", "طقس",
                 "ملفات خاصة", "النشرة البريدية"],
        "ticker": "عاجل",
        "most_read": "الأكثر قراءة",
        "related": "أخبار ذات صلة",
        "caption": "تصوير: أحمد الشريف، جانب من المؤتمر الصحفي يوم الاثنين في مقر الوزارة",
        "byline": "كتب: محمود عبد الله",
        "share": ["شارك", "فيسبوك", "تويتر", "واتساب", "تيليجرام", "طباعة"],
        "tags": "الكلمات المفتاحية",
        "meta_line": "نشر في: الاثنين 12 أغسطس 2023 - 10:35 ص | آخر تحديث: منذ ساعة",
        "comments": ["أضف تعليقك", "الاسم", "البريد الإلكتروني", "إرسال",
                     "التعليقات المنشورة لا تعبر عن رأي الصحيفة"],
        "footer": ["من نحن", "اتصل بنا", "أعلن معنا", "سياسة الخصوصية", "شروط الاستخدام",
                   "جميع الحقوق محفوظة © 2023 صحيفة المثال",
                   "العنوان: القاهرة، شارع الجلاء، مبنى رقم 12 - هاتف: 0225555555",
                   "يحظر نسخ أو إعادة نشر المحتوى دون إذن مسبق"],
    },
}

STYLE = "<style>body{font-family:Vazirmatn,Tahoma}.ticker{overflow:hidden}.menu li{display:inline}</style>"
SCRIPT = ('<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}'
          'gtag("js",new Date());var ads={"slot":"top","sizes":[[728,90]]};</script>')


def _links(titles, cls="") -> str:
    return "".join(f'<li{cls}><a href="/news/{i}">{escape(t)}</a></li>' for i, t in enumerate(titles))


def _head(title: str, c: dict, lang: str) -> str:
    return (f'<!DOCTYPE html><html lang="{lang}" dir="rtl"><head><meta charset="utf-8">'
            f"<title>{escape(title)} | {c['site']}</title>"
            f'<meta property="og:site_name" content="{c["site"]}">{STYLE}{SCRIPT}</head>')


def semantic(title, paragraphs, others, lang) -> str:
    """HTML5 with <header>/<nav>/<main>/<article>/<aside>/<footer>; a byline and a captioned
    photo in the article (the article's text) and "related" cards as <figure>s after it."""
    c = CHROME[lang]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs[:1])
    body += (f'<figure><img src="/img/1.jpg" alt=""><figcaption>{c["caption"]}</figcaption></figure>'
             + "".join(f"<p>{escape(p)}</p>" for p in paragraphs[1:]))
    cards = "".join(f'<figure class="card"><a href="/n/{i}"><img src="/t/{i}.jpg" alt=""></a>'
                    f'<figcaption><a href="/n/{i}">{escape(t)}</a></figcaption></figure>'
                    for i, t in enumerate(others[13:18]))
    return (_head(title, c, lang) + "<body>"
            f'<header><div class="logo"><a href="/">{c["site"]}</a></div>'
            f'<nav class="menu"><ul>{_links(c["menu"])}</ul></nav></header>'
            f'<div class="ticker"><strong>{c["ticker"]}</strong><ul>{_links(others[:5])}</ul></div>'
            "<main><article>"
            f'<div class="meta">{c["meta_line"]}</div><h1>{escape(title)}</h1>'
            f'<div class="author">{c["byline"]}</div>{body}'
            f'<div class="tags">{c["tags"]}: <a href="/tag/1">{c["menu"][1]}</a>'
            f' <a href="/tag/2">{c["menu"][2]}</a></div>'
            f'<div class="share">{"".join(f"<a href=#>{s}</a>" for s in c["share"])}</div>'
            f'<section class="related"><h3>{c["related"]}</h3>{cards}</section>'
            "</article>"
            f'<aside><h3>{c["most_read"]}</h3><ol>{_links(others[5:13])}</ol></aside></main>'
            f'<section class="comments"><h3>{c["comments"][0]}</h3><form>'
            f'<label>{c["comments"][1]}</label><input name="n"><label>{c["comments"][2]}</label>'
            f'<input name="e"><textarea></textarea><button>{c["comments"][3]}</button>'
            f'<p>{c["comments"][4]}</p></form></section>'
            f'<footer><ul>{_links(c["footer"][:5])}</ul>'
            + "".join(f"<p>{t}</p>" for t in c["footer"][5:]) + f"</footer>{SCRIPT}</body></html>")


def div_soup(title, paragraphs, others, lang) -> str:
    """Nothing but <div>s with class names, text paragraphs split by <br>."""
    c = CHROME[lang]
    body = "<br><br>".join(escape(p) for p in paragraphs)
    anchors = lambda titles: "".join(  # noqa: E731
        f'<div class="item"><a href="/fa/news/{i}">{escape(t)}</a></div>' for i, t in enumerate(titles))
    return (_head(title, c, lang) + "<body>"
            '<div id="wrapper"><div class="header"><div class="top-menu">'
            + "".join(f'<a class="menu-item" href="/s/{i}">{m}</a>' for i, m in enumerate(c["menu"]))
            + f'</div></div><div class="breaking-news"><span>{c["ticker"]}</span>{anchors(others[:5])}</div>'
            f'<div class="row"><div class="col-md-8"><div class="news-content">'
            f'<div class="news-info">{c["meta_line"]}</div><div class="news-title">{escape(title)}</div>'
            f'<span class="news-byline">{c["byline"]}</span><div class="news-body" id="content">{body}</div>'
            f'<div class="news-share">{" ".join(c["share"])}</div>'
            f'<div class="news-related"><div class="title">{c["related"]}</div>{anchors(others[13:18])}</div>'
            f'<div class="comment-box"><div>{c["comments"][0]}</div><div>{c["comments"][4]}</div>'
            f'<input placeholder="{c["comments"][1]}"><span>{c["comments"][3]}</span></div>'
            f'</div></div><div class="col-md-4"><div class="most-visited"><div class="title">'
            f'{c["most_read"]}</div>{anchors(others[5:13])}</div></div></div>'
            f'<div class="footer">' + "".join(f"<div>{t}</div>" for t in c["footer"])
            + f"</div></div>{SCRIPT}</body></html>")


def table_layout(title, paragraphs, others, lang) -> str:
    """A 2000s site: nested tables, <font>, menu and sidebar in cells."""
    c = CHROME[lang]
    body = "".join(f"<font size=2>{escape(p)}</font><br><br>" for p in paragraphs)
    rows = lambda titles: "".join(  # noqa: E731
        f'<tr><td><a href="/n.asp?id={i}">{escape(t)}</a></td></tr>' for i, t in enumerate(titles))
    return (_head(title, c, lang) + '<body><table width="100%"><tr><td colspan=3 class="top">'
            + " | ".join(f'<a href="/c{i}.asp">{m}</a>' for i, m in enumerate(c["menu"]))
            + f'</td></tr><tr><td colspan=3><marquee>{c["ticker"]}: '
            + " ... ".join(escape(t) for t in others[:5]) + "</marquee></td></tr>"
            f'<tr><td width="20%" valign=top><table><tr><td><b>{c["most_read"]}</b></td></tr>'
            f'{rows(others[5:13])}</table></td><td valign=top>'
            f'<font size=1>{c["meta_line"]}</font><br><font size=4><b>{escape(title)}</b></font><br>'
            f'{body}<table><tr><td><b>{c["related"]}</b></td></tr>{rows(others[13:18])}</table>'
            f'</td><td width="15%" valign=top>{"<br>".join(c["share"])}</td></tr>'
            f'<tr><td colspan=3 align=center>' + "<br>".join(c["footer"])
            + "</td></tr></table></body></html>")


def section_page(titles_and_leads, lang) -> str:
    """A section's front page: no article, a list of headlines with their leads (the page's content)."""
    c = CHROME[lang]
    items = "".join(f'<div class="news-item"><h3><a href="/n/{i}">{escape(t)}</a></h3><p>{escape(lead)}</p></div>'
                    for i, (t, lead) in enumerate(titles_and_leads))
    return (_head(c["menu"][1], c, lang) + "<body>"
            f'<nav>{_links(c["menu"])}</nav><main><h1>{c["menu"][1]}</h1>{items}</main>'
            f'<footer>{"".join(f"<p>{t}</p>" for t in c["footer"])}</footer></body></html>')


TEMPLATES = {"semantic": semantic, "div-soup": div_soup, "table": table_layout}
