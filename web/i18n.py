"""The page's interface language, Persian or Arabic: choosing it, its words, digits and plurals.

Chosen per request, in order: ``?ui=fa|ar`` (remembered in a cookie), the
cookie, ``Accept-Language``, the script of the query (Arabic-only letters with
no Persian-only ones: Arabic), else Persian.  Everything a page writes itself
goes through ``text``, ``number`` and ``count`` so that an Arabic reader gets
Arabic words and Arabic-Indic digits, never half a Persian page.
"""

from __future__ import annotations

from flask import g, request
from markupsafe import Markup, escape

from kavosh.index.normalize import query_language

UI_LANGS = ("fa", "ar")
DEFAULT_UI = "fa"
UI_PARAM = "ui"
UI_COOKIE = "kavosh_ui"
UI_COOKIE_AGE = 365 * 24 * 3600

# Persian pages write Persian digits (۰–۹), Arabic pages Arabic-Indic (٠–٩); both
# write the Arabic thousands and decimal separators (٬ ٫).
_DIGITS = {
    "fa": str.maketrans("0123456789,.", "۰۱۲۳۴۵۶۷۸۹٬٫"),
    "ar": str.maketrans("0123456789,.", "٠١٢٣٤٥٦٧٨٩٬٫"),
}


def current_ui() -> str:
    """This request's interface language (decided once per request)."""
    ui = getattr(g, "kavosh_ui", None)
    if ui is None:
        ui = g.kavosh_ui = choose_ui(request.args.get(UI_PARAM), request.cookies.get(UI_COOKIE),
                                     request.accept_languages, request.args.get("q", ""))
    return ui


def choose_ui(param: str | None, cookie: str | None, accept_languages, query: str) -> str:
    """The switch, else the remembered switch, else the browser's languages, else the query's script."""
    for explicit in (param, cookie):
        if explicit in UI_LANGS:
            return explicit
    best = accept_languages.best_match(UI_LANGS) if accept_languages else None
    if best in UI_LANGS:
        return best
    if query and query_language(query) == "ar":
        return "ar"
    return DEFAULT_UI


def digits(value, ui: str | None = None) -> str:
    """Text with its Latin digits and separators written as the interface writes them."""
    return str(value).translate(_DIGITS[ui or current_ui()])


def number(value, ui: str | None = None) -> str:
    """A number the page itself writes (counts, times, page numbers), grouped, in the interface's digits."""
    if isinstance(value, float):
        text = f"{value:,.0f}" if value >= 10 else f"{value:,.1f}"
    else:
        text = f"{value:,}"
    return digits(text, ui)


def text(key: str, ui: str | None = None, **values) -> str:
    """The catalog's phrase ``key`` in the interface language, ``{name}`` filled from ``values``."""
    phrase = CATALOG[key][ui or current_ui()]
    return phrase.format(**values) if values else phrase


def markup(key: str, ui: str | None = None, **values) -> Markup:
    """``text`` for templates: the phrase escaped, each value escaped unless it is already Markup
    (a ``<bdi>`` around the user's own words)."""
    return Markup(escape(CATALOG[key][ui or current_ui()])).format(**values)


def count(n: int, noun: str, ui: str | None = None) -> str:
    """``n`` and a counted noun, as the language says it: Persian keeps the singular
    ("۵ نتیجه"); Arabic has its six plural forms (نتيجة واحدة، نتيجتان، ٣ نتائج، ١١ نتيجة)."""
    ui = ui or current_ui()
    forms = COUNTED[noun][ui]
    if isinstance(n, float) and n >= 10:
        n = round(n)  # as ``number`` shows it, so the noun agrees with the digits shown
    if ui == "fa":
        return forms["other"].format(n=number(n, ui))
    return forms[arabic_plural(n)].format(n=number(n, ui))


def arabic_plural(n: int) -> str:
    """CLDR's plural category of ``n`` in Arabic: zero, one, two, few (3–10), many (11–99), other."""
    if isinstance(n, float) and not n.is_integer():
        return "other"
    n = int(n)
    if n == 0:
        return "zero"
    if n == 1:
        return "one"
    if n == 2:
        return "two"
    if 3 <= n % 100 <= 10:
        return "few"
    if 11 <= n % 100 <= 99:
        return "many"
    return "other"


LANG_NAMES = {
    "fa": {"fa": "فارسی", "ar": "عربی", "mixed": "چندزبانه", "other": "دیگر"},
    "ar": {"fa": "الفارسية", "ar": "العربية", "mixed": "متعدد اللغات", "other": "أخرى"},
}


def lang_name(lang: str | None, ui: str | None = None) -> str:
    """A document language's name in the interface language (the code itself if unknown)."""
    return LANG_NAMES[ui or current_ui()].get(lang, lang or "")


def _arabic(one, two, few, many):
    return {"zero": many, "one": one, "two": two, "few": few, "many": many, "other": many}


COUNTED = {
    "result": {"fa": {"other": "{n} نتیجه"},
               "ar": _arabic("نتيجة واحدة", "نتيجتان", "{n} نتائج", "{n} نتيجة")},
    "match": {"fa": {"other": "{n} مورد"},
              "ar": _arabic("تطابق واحد", "تطابقان", "{n} تطابقات", "{n} تطابقًا")},
    "document": {"fa": {"other": "{n} سند"},
                 "ar": _arabic("وثيقة واحدة", "وثيقتان", "{n} وثائق", "{n} وثيقة")},
    "similar": {"fa": {"other": "و {n} خبر مشابه"},
                "ar": _arabic("وخبر مشابه واحد", "وخبران مشابهان", "و{n} أخبار مشابهة", "و{n} خبرًا مشابهًا")},
    "duplicate": {"fa": {"other": "{n} خبر تکراری"},
                  "ar": _arabic("خبر مكرر واحد", "خبران مكرران", "{n} أخبار مكررة", "{n} خبرًا مكررًا")},
    "ms": {"fa": {"other": "{n} میلی‌ثانیه"},
           "ar": _arabic("{n} ملي ثانية", "{n} ملي ثانية", "{n} ملي ثوانٍ", "{n} ملي ثانية")},
}

# Every phrase a page writes, in both interface languages.
CATALOG = {
    # the frame of every page
    "brand": {"fa": "کاوش", "ar": "كاوش"},
    "brand_label": {"fa": "کاوش: صفحهٔ اصلی", "ar": "كاوش: الصفحة الرئيسية"},
    "skip": {"fa": "پرش به محتوا", "ar": "انتقل إلى المحتوى"},
    "search_label": {"fa": "جستجو در اسناد", "ar": "البحث في الوثائق"},
    "placeholder": {"fa": "جستجو در اسناد فارسی و عربی…", "ar": "ابحث في الوثائق العربية والفارسية…"},
    "suggestions": {"fa": "پیشنهادها", "ar": "اقتراحات"},
    "search_button": {"fa": "جستجو", "ar": "بحث"},
    "footer": {"fa": "کاوش — جستجوی متن کامل فارسی و عربی", "ar": "كاوش — بحث في النصوص الكاملة بالعربية والفارسية"},
    "help_link": {"fa": "راهنمای جستجو", "ar": "دليل البحث"},
    "stats_link": {"fa": "آمار نمایه", "ar": "إحصاءات الفهرس"},
    "ui_switch_label": {"fa": "زبان رابط", "ar": "لغة الواجهة"},
    "ui_name": {"fa": "فارسی", "ar": "العربية"},
    # the home page
    "welcome": {"fa": "در اسناد فارسی و عربی جستجو کنید", "ar": "ابحث في الوثائق العربية والفارسية"},
    "welcome_text": {
        "fa": "با صفحه‌کلید فارسی یا عربی بنویسید؛ اعراب، کشیده، نیم‌فاصله، شکل حروف (ي/ی، ك/ک) "
              "و ارقام (۲۰۲۴ = 2024) تفاوتی نمی‌کنند.",
        "ar": "اكتب بلوحة مفاتيح عربية أو فارسية؛ لا فرق في التشكيل والتطويل ونصف المسافة وأشكال الحروف "
              "(ي/ی، ك/ک) والأرقام (٢٠٢٤ = 2024)."},
    "examples": {"fa": "نمونه‌هایی از همین نمایه", "ar": "أمثلة من هذا الفهرس"},
    "help_all": {"fa": "سندهایی که همهٔ واژه‌ها را دارند", "ar": "الوثائق التي تحوي كل الكلمات"},
    "help_or": {"fa": "یکی از دو واژه", "ar": "إحدى الكلمتين"},
    "help_not": {"fa": "بدون واژهٔ پس از منها", "ar": "دون الكلمة التي بعد علامة الطرح"},
    "help_phrase": {"fa": "عبارت دقیق", "ar": "العبارة بعينها"},
    "help_title": {"fa": "فقط در عنوان", "ar": "في العنوان فقط"},
    "help_prefix": {"fa": "واژه‌هایی که با «پهپاد» آغاز می‌شوند", "ar": "الكلمات التي تبدأ بـ«مسير»"},
    # the results page
    "showing": {"fa": "، نمایش {first} تا {last}", "ar": "، عرض {first} إلى {last}"},
    "nothing_found": {"fa": "نتیجه‌ای برای «{q}» پیدا نشد", "ar": "لا نتائج لـ«{q}»"},
    "timed_out": {
        "fa": "جستجو به دلیل محدودیت زمان زودتر متوقف شد؛ شاید همهٔ نتایج نشان داده نشده باشند. "
              "پرسش دقیق‌تری بنویسید (مثلاً پیشوند بلندتر پیش از *).",
        "ar": "توقّف البحث مبكرًا لتجاوزه الوقت المسموح؛ ربما لم تُعرض كل النتائج. "
              "اكتب استعلامًا أدق (مثلًا بادئة أطول قبل *)."},
    "did_you_mean": {"fa": "آیا منظورتان این بود:", "ar": "هل تقصد:"},
    "ignored": {"fa": "واژه‌های پرکاربرد نادیده گرفته شد:", "ar": "أُهملت الكلمات الشائعة:"},
    "langs_label": {"fa": "زبان اسناد", "ar": "لغة الوثائق"},
    "all": {"fa": "همه", "ar": "الكل"},
    "exact_only": {"fa": "فقط همان املای نوشته‌شده.", "ar": "الإملاء المكتوب فقط."},
    "with_variants": {"fa": "با املاهای دیگر نام‌ها (مثلاً ترامپ/ترامب)",
                      "ar": "مع الإملاءات الأخرى للأسماء (مثل ترامب/ترامپ)"},
    "some_variants": {"fa": "برخی نتایج املای دیگری از واژه را دارند.",
                      "ar": "في بعض النتائج إملاء آخر للكلمة."},
    "exact_link": {"fa": "فقط همان املای نوشته‌شده", "ar": "الإملاء المكتوب فقط"},
    "doc_lang": {"fa": "زبان سند", "ar": "لغة الوثيقة"},
    "variants": {"fa": "املاهای دیگر:", "ar": "إملاءات أخرى:"},
    "empty_page": {"fa": "این صفحه از نتایج خالی است.", "ar": "هذه الصفحة من النتائج فارغة."},
    "first_page": {"fa": "بازگشت به صفحهٔ نخست", "ar": "العودة إلى الصفحة الأولى"},
    "pages_label": {"fa": "صفحه‌های نتایج", "ar": "صفحات النتائج"},
    "prev": {"fa": "قبلی", "ar": "السابق"},
    "next": {"fa": "بعدی", "ar": "التالي"},
    "json_twin": {"fa": "همین به صورت JSON", "ar": "الصفحة نفسها بصيغة JSON"},
    # filters, facets, sort, similar stories, downloads
    "filters_label": {"fa": "پالایش نتایج", "ar": "تصفية النتائج"},
    "facet_source": {"fa": "منبع", "ar": "المصدر"},
    "facet_year": {"fa": "سال (میلادی)", "ar": "السنة"},
    "facet_month": {"fa": "ماه (میلادی)", "ar": "الشهر"},
    "more_sources": {"fa": "منابع دیگر", "ar": "مصادر أخرى"},
    "sort_label": {"fa": "ترتیب", "ar": "الترتيب"},
    "sort_relevance": {"fa": "مرتبط‌ترین", "ar": "الأكثر صلة"},
    "sort_newest": {"fa": "تازه‌ترین", "ar": "الأحدث"},
    "sort_oldest": {"fa": "قدیمی‌ترین", "ar": "الأقدم"},
    "active_filters": {"fa": "فیلترهای فعال", "ar": "عوامل التصفية الحالية"},
    "remove_filter": {"fa": "برداشتن فیلتر", "ar": "إزالة عامل التصفية"},
    "clear_filters": {"fa": "برداشتن همهٔ فیلترها", "ar": "إزالة كل عوامل التصفية"},
    "date_from_to": {"fa": "از {since} تا {until}", "ar": "من {since} إلى {until}"},
    "date_range": {"fa": "بازهٔ تاریخ", "ar": "نطاق التاريخ"},
    "since_label": {"fa": "از", "ar": "من"},
    "until_label": {"fa": "تا", "ar": "إلى"},
    "date_example": {"fa": "۱۴۰۳/۰۸/۱۴", "ar": "2024-11-03"},
    "date_hint": {"fa": "سال، ماه یا روز: 2024، 2024-11، 2024-11-03 یا خورشیدی ۱۴۰۳/۰۸/۱۴",
                  "ar": "سنة أو شهر أو يوم: 2024 أو 2024-11 أو 2024-11-03"},
    "apply": {"fa": "اعمال", "ar": "تطبيق"},
    "unknown_sources": {"fa": "هیچ سندی در نمایه از این منبع نیست:", "ar": "لا وثيقة في الفهرس من هذا المصدر:"},
    "download": {"fa": "دریافت همهٔ نتایج:", "ar": "تنزيل كل النتائج:"},
    "folded": {"fa": "{count} در خبرهای مشابه جمع شد.", "ar": "طُوي {count} في الأخبار المشابهة."},
    "show_duplicates": {"fa": "نمایش همه، بدون جمع کردن", "ar": "عرض الكل دون طيّ"},
    "collapse_off": {"fa": "همهٔ نتایج، بدون جمع کردن خبرهای مشابه.", "ar": "كل النتائج دون طيّ الأخبار المشابهة."},
    "collapse_on": {"fa": "جمع کردن خبرهای مشابه", "ar": "طيّ الأخبار المشابهة"},
    "original_at": {"fa": "خبر اصلی در {host}", "ar": "الخبر الأصلي في {host}"},
    # dates
    "file_date": {"fa": "تاریخ فایل", "ar": "تاريخ الملف"},
    "file_date_note": {"fa": "سند تاریخی نداشت؛ این زمان آخرین تغییر فایل است",
                       "ar": "لا تاريخ في الوثيقة؛ هذا وقت آخر تعديل للملف"},
    "gregorian": {"fa": "میلادی", "ar": "ميلادي"},
    # the document page
    "back_results": {"fa": "بازگشت به نتایج", "ar": "العودة إلى النتائج"},
    "back_search": {"fa": "بازگشت به جستجو", "ar": "العودة إلى البحث"},
    "doc_id": {"fa": "شناسه", "ar": "المعرّف"},
    # a PDF's page, an EPUB's chapter: where a hit's passage is, and a heading in the document
    "page_n": {"fa": "صفحهٔ {n}", "ar": "الصفحة {n}"},
    "language": {"fa": "زبان", "ar": "اللغة"},
    "date": {"fa": "تاریخ", "ar": "التاريخ"},
    "source": {"fa": "منبع", "ar": "المصدر"},
    "url": {"fa": "نشانی", "ar": "الرابط"},
    "other_spellings": {"fa": "املاهای دیگر", "ar": "إملاءات أخرى"},
    "matches": {"fa": "تطابق‌ها", "ar": "التطابقات"},
    "matches_for": {"fa": "{count} برای «{q}»", "ar": "{count} لـ«{q}»"},
    # the stats page
    "stats_title": {"fa": "آمار نمایه", "ar": "إحصاءات الفهرس"},
    "documents": {"fa": "سندها", "ar": "الوثائق"},
    "by_language": {"fa": "به تفکیک زبان", "ar": "حسب اللغة"},
    "by_source": {"fa": "به تفکیک منبع", "ar": "حسب المصدر"},
    "date_span": {"fa": "بازهٔ تاریخ", "ar": "نطاق التواريخ"},
    "date_span_value": {"fa": "از {earliest} تا {latest}", "ar": "من {earliest} إلى {latest}"},
    "dated": {"fa": "{count} تاریخ‌دار", "ar": "منها {count} مؤرَّخة"},
    "file_dated": {"fa": "{count} فقط با زمان فایل", "ar": "{count} بوقت الملف فقط"},
    "no_dates": {"fa": "هیچ سندی تاریخ ندارد", "ar": "لا تاريخ لأي وثيقة"},
    "updated": {"fa": "آخرین به‌روزرسانی", "ar": "آخر تحديث"},
    "roots": {"fa": "پوشه‌ها و فایل‌های نمایه‌شده", "ar": "المجلدات والملفات المفهرسة"},
    "root_gone": {"fa": "دیگر روی دیسک نیست", "ar": "لم يعد على القرص"},
    "size": {"fa": "حجم روی دیسک", "ar": "الحجم على القرص"},
    "megabytes": {"fa": "{n} مگابایت", "ar": "{n} ميغابايت"},
    "terms": {"fa": "واژه‌های متمایز", "ar": "الكلمات المميزة"},
    "terms_value": {"fa": "عنوان {title}، متن {body}", "ar": "العناوين {title}، المتون {body}"},
    "unknown": {"fa": "نامعلوم", "ar": "غير معروف"},
    # errors
    "error": {"fa": "خطا", "ar": "خطأ"},
    "error_400": {"fa": "درخواست نادرست", "ar": "طلب غير صحيح"},
    "error_404": {"fa": "پیدا نشد", "ar": "غير موجود"},
    "error_405": {"fa": "روش درخواست مجاز نیست", "ar": "طريقة الطلب غير مسموح بها"},
    "error_413": {"fa": "درخواست بیش از حد بزرگ", "ar": "الطلب أكبر من اللازم"},
    "error_500": {"fa": "خطای داخلی", "ar": "خطأ داخلي"},
    "error_503": {"fa": "نمایه در دسترس نیست", "ar": "الفهرس غير متاح"},
    "explain_400": {"fa": "این درخواست را نمی‌توان اجرا کرد:", "ar": "لا يمكن تنفيذ هذا الطلب:"},
    "explain_400_plain": {"fa": "این درخواست را نمی‌توان اجرا کرد؛ نشانی را بررسی کنید.",
                          "ar": "لا يمكن تنفيذ هذا الطلب؛ تحقّق من العنوان."},
    "explain_404": {"fa": "صفحه یا سندی با این نشانی در نمایه نیست.",
                    "ar": "لا توجد في الفهرس صفحة أو وثيقة بهذا العنوان."},
    "explain_500": {"fa": "مشکلی در کارساز پیش آمد. لطفاً دوباره تلاش کنید.",
                    "ar": "حدثت مشكلة في الخادم. يُرجى المحاولة مرة أخرى."},
    "explain_503": {"fa": "هنوز نمایه‌ای برای جستجو ساخته نشده است یا قابل خواندن نیست. ابتدا ‎kavosh index‎ را اجرا کنید.",
                    "ar": "لم يُبنَ فهرس للبحث بعد أو تتعذّر قراءته. شغّل أولًا ‎kavosh index‎."},
}


def check_ui_param() -> None:
    """A ``ui`` parameter that is neither fa nor ar is a 400 saying so, not silently ignored."""
    raw = request.args.get(UI_PARAM)
    if raw is not None and raw not in UI_LANGS:
        from kavosh.index.errors import QueryError

        raise QueryError(f"ui must be fa or ar, not {raw[:20]!r}")


def switch_url(ui: str) -> str:
    """This page's address with the interface switched to ``ui`` (the cookie then remembers it)."""
    from urllib.parse import urlencode

    args = [(k, v) for k, v in request.args.items(multi=True) if k != UI_PARAM]
    return request.path + "?" + urlencode(args + [(UI_PARAM, ui)])


def remember_ui(response):
    """Keep an explicit switch in a cookie; pages that follow the browser's language vary by it."""
    chosen = request.args.get(UI_PARAM)
    if chosen in UI_LANGS and request.cookies.get(UI_COOKIE) != chosen:
        response.set_cookie(UI_COOKIE, chosen, max_age=UI_COOKIE_AGE, samesite="Lax", httponly=True)
    if response.mimetype == "text/html":
        response.vary.update(("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", current_ui())
    return response
