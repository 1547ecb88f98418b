"""Error messages in the page's language: the engine's one-line English errors, translated.

The engine, the CLI and the JSON API speak English (one line: what is wrong,
what to do).  A page must not: each known message is matched here and
rewritten in Persian or Arabic with its values (numbers in the interface's
digits, the user's own text as typed).  A message nobody has translated yet
gets the status's general sentence, never the English line.
"""

from __future__ import annotations

import re

from .i18n import digits, lang_name, number

_Q = r"(?P<{}>'.*'|\".*\")"  # a Python repr of the user's text


def _quoted(name: str) -> str:
    return _Q.format(name)


def _n(name: str) -> str:
    return rf"(?P<{name}>[\d,]+)"


# (pattern of the English message, Persian, Arabic).  {name} takes the group's value.
_RULES: list[tuple[re.Pattern, str, str]] = [(re.compile(p + r"\Z"), fa, ar) for p, fa, ar in [
    (r"empty query: type one or more words to search for",
     "پرسش خالی است: یک یا چند واژه برای جستجو بنویسید.",
     "الاستعلام فارغ: اكتب كلمة أو أكثر للبحث عنها."),
    (rf"query too long \({_n('n')} characters; at most {_n('max')}\)",
     "پرسش بیش از حد بلند است ({n} نویسه؛ حداکثر {max}).",
     "الاستعلام طويل جدًا ({n} حرفًا؛ الحد الأقصى {max})."),
    (r"the query has no words to search for \(only punctuation or operators\)",
     "پرسش واژه‌ای برای جستجو ندارد (فقط نشانه‌گذاری یا عملگر).",
     "لا كلمات للبحث في الاستعلام (علامات ترقيم أو عوامل فقط)."),
    (r"the query only excludes words: add at least one word to search for",
     "پرسش فقط واژه‌هایی را کنار می‌گذارد: دست‌کم یک واژه برای جستجو بیفزایید.",
     "الاستعلام يستبعد كلمات فقط: أضف كلمة واحدة على الأقل للبحث عنها."),
    (rf"the query nests parentheses more than {_n('n')} deep: remove some",
     "پرسش بیش از {n} پرانتز تودرتو دارد: چندتا را بردارید.",
     "في الاستعلام أقواس متداخلة أعمق من {n}: احذف بعضها."),
    (rf"unknown field {_quoted('field')}: the fields are title: and body:; "
     r"to search for the text itself, put it in quotes",
     "فیلد «{field}» شناخته نیست: فیلدها ‎title:‎ و ‎body:‎ هستند؛ برای جستجوی خودِ این متن آن را در گیومه \"…\" بگذارید.",
     "الحقل «{field}» غير معروف: الحقلان هما ‎title:‎ و‎body:‎؛ للبحث عن النص نفسه ضعه بين علامتي تنصيص \"…\"."),
    (r"(?P<op>OR|AND) needs a word on each side \(a (?:OR|AND) b\): add one, or remove (?:OR|AND)",
     "دو سوی {op} باید واژه‌ای باشد: واژه‌ای بیفزایید یا {op} را بردارید.",
     "يحتاج {op} إلى كلمة على كل جانب: أضف كلمة أو احذف {op}."),
    (r"NOT \(or -\) needs a word, a \"phrase\" or a \(group\) after it to exclude: add one, or remove it",
     "پس از NOT (یا -) باید واژه، \"عبارت\" یا (گروهی) بیاید که کنار گذاشته شود: آن را بیفزایید یا NOT را بردارید.",
     "يجب أن تلي NOT (أو -) كلمةٌ أو \"عبارة\" أو (مجموعة) لاستبعادها: أضفها أو احذف NOT."),
    (r"(?P<field>\S+:) needs a word, a \"phrase\" or a \(group\) right after it",
     "پس از ‎{field}‎ باید بی‌درنگ واژه، \"عبارت\" یا (گروهی) بیاید.",
     "يجب أن تلي ‎{field}‎ مباشرةً كلمةٌ أو \"عبارة\" أو (مجموعة)."),
    (r"a '-' at the end excludes nothing: write it before what it excludes "
     r"\(-word, -\"a phrase\", -\(a group\)\), or remove it",
     "«-» در پایان چیزی را کنار نمی‌گذارد: آن را بی‌فاصله پیش از آنچه باید کنار رود بنویسید یا بردارید.",
     "«-» في النهاية لا يستبعد شيئًا: اكتبه ملاصقًا قبل ما تريد استبعاده أو احذفه."),
    (r"'(?P<field>\w+:)' inside another field's group searches nothing: give the group one field",
     "‎{field}‎ درون گروهِ فیلدی دیگر چیزی نمی‌یابد: برای گروه یک فیلد بنویسید.",
     "‎{field}‎ داخل مجموعة حقل آخر لا يجد شيئًا: اختر للمجموعة حقلًا واحدًا."),
    (r"the query cannot be read: check its operators \(OR, AND, NOT, -\) and fields \(title:, body:\)",
     "پرسش خوانده نمی‌شود: عملگرها (OR، AND، NOT، -) و فیلدها (‎title:‎، ‎body:‎) را بررسی کنید.",
     "تعذرت قراءة الاستعلام: راجع العوامل (OR وAND وNOT و-) والحقول (‎title:‎ و‎body:‎)."),
    (rf"{_quoted('word')} matches too many words: give at least {_n('n')} letters before '\*'",
     "«{word}» با واژه‌های بسیار زیادی جور می‌شود: دست‌کم {n} حرف پیش از * بنویسید.",
     "«{word}» يطابق كلمات كثيرة جدًا: اكتب {n} أحرف على الأقل قبل *."),
    (rf"{_quoted('word')} matches more than {_n('n')} words: type more letters",
     "«{word}» با بیش از {n} واژه جور می‌شود: حرف‌های بیشتری بنویسید.",
     "«{word}» يطابق أكثر من {n} كلمة: اكتب أحرفًا أكثر."),
    (rf"the query's patterns stand for more than {_n('n')} words: use fewer patterns, "
     r"or more letters before each '\*'",
     "الگوهای پرسش بیش از {n} واژه را در بر می‌گیرند: الگوی کمتر یا حرف‌های بیشتری پیش از هر * بنویسید.",
     "أنماط الاستعلام تشمل أكثر من {n} كلمة: استعمل أنماطًا أقل أو أحرفًا أكثر قبل كل *."),
    (rf"limit must be between 1 and {_n('max')}, not (?P<value>-?\d+)",
     "تعداد نتایج هر صفحه (limit) باید بین ۱ و {max} باشد، نه {value}.",
     "عدد النتائج في الصفحة (limit) يجب أن يكون بين ١ و{max}، لا {value}."),
    (rf"offset must be between 0 and {_n('max')}, not (?P<value>-?\d+)",
     "جای آغاز نتایج (offset) باید بین ۰ و {max} باشد، نه {value}.",
     "موضع بداية النتائج (offset) يجب أن يكون بين ٠ و{max}، لا {value}."),
    (rf"unknown language {_quoted('value')}: use one of (?P<langs>[\w, ]+)",
     "زبان «{value}» شناخته نیست: یکی از این‌ها را بنویسید: {langs}.",
     "اللغة «{value}» غير معروفة: اختر إحدى هذه: {langs}."),
    (rf"mode must be 'all' or 'any', not {_quoted('value')}",
     "حالت (mode) باید all یا any باشد، نه «{value}».",
     "الوضع (mode) يجب أن يكون all أو any، لا «{value}»."),
    (rf"(?P<name>\w+) must be a whole number, not {_quoted('value')}",
     "{name} باید عددی درست باشد، نه «{value}».",
     "{name} يجب أن يكون عددًا صحيحًا، لا «{value}»."),
    (rf"(?P<name>\w+) must be 1 or 0, not {_quoted('value')}",
     "{name} باید ۱ یا ۰ باشد، نه «{value}».",
     "{name} يجب أن يكون ١ أو ٠، لا «{value}»."),
    (rf"(?P<bound>since|until): not a date: {_quoted('typed')} \(.*\)",
     "{bound}: «{typed}» تاریخ نیست؛ مثلاً 2024، 2024-11، 2024-11-03 یا خورشیدی ۱۴۰۳/۰۸/۱۴ بنویسید.",
     "{bound}: «{typed}» ليس تاريخًا؛ اكتب مثلًا 2024 أو 2024-11 أو 2024-11-03 أو تاريخًا شمسيًا مثل 1403/08/14."),
    (rf"(?P<bound>since|until): no such date: {_quoted('typed')} \(.*\)",
     "{bound}: روز «{typed}» وجود ندارد؛ مثلاً 2024-11-03 یا خورشیدی ۱۴۰۳/۰۸/۱۴ بنویسید.",
     "{bound}: لا يوجد يوم «{typed}»؛ اكتب مثلًا 2024-11-03 أو تاريخًا شمسيًا مثل 1403/08/14."),
    (rf"(?P<bound>since|until): date out of range: {_quoted('typed')} \(years (?P<low>\d+)–(?P<high>\d+), "
     rf"or Jalali years below (?P<jalali>\d+)\)",
     "{bound}: تاریخ «{typed}» بیرون از بازه است (سال‌های {low} تا {high} میلادی، یا سال خورشیدی کمتر از {jalali}).",
     "{bound}: التاريخ «{typed}» خارج النطاق (السنوات {low} إلى {high} ميلاديًا، أو سنة شمسية دون {jalali})."),
    (r"since \((?P<since>.*)\) is after until \((?P<until>.*)\): swap them",
     "تاریخ آغاز ({since}) پس از تاریخ پایان ({until}) است: جای آن دو را عوض کنید.",
     "تاريخ البداية ({since}) بعد تاريخ النهاية ({until}): بدّل بينهما."),
    (rf"sort must be one of (?P<sorts>[\w, ]+), not {_quoted('value')}",
     "ترتیب (sort) باید یکی از این‌ها باشد: {sorts}؛ نه «{value}».",
     "الترتيب (sort) يجب أن يكون أحد هذه: {sorts}؛ لا «{value}»."),
    (rf"at most {_n('max')} sources at once, not {_n('value')}",
     "حداکثر {max} منبع در یک جستجو، نه {value}.",
     "{max} مصدرًا على الأكثر في بحث واحد، لا {value}."),
    (rf"ui must be fa or ar, not {_quoted('value')}",
     "زبان رابط (ui) باید fa یا ar باشد، نه «{value}».",
     "لغة الواجهة (ui) يجب أن تكون fa أو ar، لا «{value}»."),
    (rf"no document with id {_quoted('id')} in the index",
     "سندی با شناسهٔ «{id}» در نمایه نیست.",
     "لا وثيقة بالمعرّف «{id}» في الفهرس."),
    (r"no such page or document",
     "چنین صفحه یا سندی نیست.",
     "لا توجد صفحة أو وثيقة كهذه."),
    (r"(?P<method>[A-Z]+) is not allowed here",
     "روش {method} اینجا مجاز نیست.",
     "الطريقة {method} غير مسموح بها هنا."),
    (rf"this server does not answer to the host name {_quoted('host')}: .*",
     "این کارساز به نام میزبان «{host}» پاسخ نمی‌دهد: آن را با http://127.0.0.1/ باز کنید "
     "یا کارساز را با ‎--allow-host NAME‎ راه بیندازید.",
     "هذا الخادم لا يجيب باسم المضيف «{host}»: افتحه عبر http://127.0.0.1/ "
     "أو شغّل الخادم مع ‎--allow-host NAME‎."),
    (r"something went wrong on our side; the error has been logged",
     "مشکلی از سوی ما پیش آمد؛ خطا ثبت شد.",
     "حدثت مشكلة من جهتنا؛ وسُجّل الخطأ."),
    (r"no index at (?P<path>.+?): run `kavosh index PATH` first \(or pass --index DIR\)",
     "در {path} نمایه‌ای نیست: نخست ‎kavosh index PATH‎ را اجرا کنید.",
     "لا فهرس في {path}: شغّل أولًا ‎kavosh index PATH‎."),
    (r"the first `kavosh index` run on (?P<path>.+?) did not finish: run `kavosh index PATH` again",
     "نخستین اجرای ‎kavosh index‎ روی {path} تمام نشد: ‎kavosh index PATH‎ را دوباره اجرا کنید.",
     "لم يكتمل أول تشغيل لـ‎kavosh index‎ على {path}: شغّل ‎kavosh index PATH‎ مرة أخرى."),
    (r"the first `kavosh index` run on (?P<path>.+?) is still running: search again when it has finished",
     "نخستین اجرای ‎kavosh index‎ روی {path} هنوز در جریان است: پس از پایانش دوباره جست‌وجو کنید.",
     "أول تشغيل لـ‎kavosh index‎ على {path} ما زال جاريًا: ابحث مجددًا بعد انتهائه."),
    (r"the index at (?P<path>.+?) was built by another analysis \(fingerprint \w+, this Kavosh's is \w+\): "
     r"run `kavosh index --rebuild PATH` to rebuild it",
     "نمایهٔ {path} با تحلیل دیگری ساخته شده است: با ‎kavosh index --rebuild PATH‎ آن را از نو بسازید.",
     "بُني الفهرس {path} بتحليل آخر: أعد بناءه بـ‎kavosh index --rebuild PATH‎."),
    (r"(the index at (?P<path>.+?) was written by an incompatible Kavosh version"
     r"|cannot open the index at (?P<path2>.+?) \(\w+\)): run `kavosh index --rebuild PATH` to rebuild it",
     "نمایهٔ {path}{path2} با این نسخهٔ کاوش خوانده نمی‌شود: با ‎kavosh index --rebuild PATH‎ آن را از نو بسازید.",
     "لا يمكن لهذه النسخة من كاوش قراءة الفهرس {path}{path2}: أعد بناءه بـ‎kavosh index --rebuild PATH‎."),
    (r"the index at (?P<path>.+?) answers but returns no documents",
     "نمایهٔ {path} پاسخ می‌دهد اما سندی برنمی‌گرداند: آن را با ‎kavosh index --rebuild PATH‎ از نو بسازید.",
     "الفهرس {path} يجيب لكنه لا يعيد أي وثيقة: أعد بناءه بـ‎kavosh index --rebuild PATH‎."),
]]

_NUMERIC = ("n", "max", "value")  # counts: grouped, in the interface's digits
_YEARS = ("low", "high", "jalali")  # years: the interface's digits, not grouped
_BOUNDS = {"fa": {"since": "تاریخ آغاز (since)", "until": "تاریخ پایان (until)"},
           "ar": {"since": "تاريخ البداية (since)", "until": "تاريخ النهاية (until)"}}


def translate_error(message: str, ui: str) -> str | None:
    """The message in the interface language, or None when it has no translation yet."""
    message = message.strip()
    for pattern, fa, ar in _RULES:
        m = pattern.match(message)
        if m is None:
            continue
        values = {}
        for name, value in m.groupdict().items():
            value = value or ""
            if value[:1] in ("'", '"') and value[-1:] == value[:1] and len(value) >= 2:
                values[name] = value[1:-1]  # the user's own text, as typed
                continue
            if name in _NUMERIC and value.lstrip("-").replace(",", "").isdigit():
                value = number(int(value.replace(",", "")), ui)
            elif name in _NUMERIC or name in _YEARS:
                value = digits(value, ui)
            if name == "bound":
                value = _BOUNDS[ui][value]
            if name == "sorts":
                value = "، ".join(value.split(", "))
            if name == "langs":
                value = "، ".join(f"{code} ({lang_name(code, ui)})" for code in value.split(", "))
            values[name] = value
        return (fa if ui == "fa" else ar).format(**values)
    return None
