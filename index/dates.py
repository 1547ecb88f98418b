"""Dates: of documents when they are indexed, and of the date filters people type.

One parser serves both, so a date a document carries and a date a user types
mean the same thing.  A document's date becomes a normalized Gregorian
ISO-8601 string (``2024-11-03`` or ``2024-11-03T14:23:00``) and an integer
key (``20241103142300``) that sorts and range-filters; a filter such as
``2024``, ``2024-11``, ``1403/08/14`` or ``آبان ۱۴۰۳`` becomes the first and
last day of the period it names.

Accepted: ISO-8601 (``T`` or a space before the time; a time-zone offset is
dropped, the wall-clock time the source wrote is kept), ``Y/M/D`` and
``D/M/Y`` with ``/ - .`` separators, RFC 2822 (RSS ``pubDate``), Persian
(Jalali and Gregorian) and Arabic (Egyptian and Levantine) month names,
weekday names and ``ساعت``/``الساعة`` around them, and Persian or
Arabic-Indic digits.  **A year below 1700 is Jalali** (solar hijri, 1403 =
2024/25); above, Gregorian.  A lunar hijri date (Umm al-Qura, as Saudi papers
print it) is one marked ``هـ`` or ``ه.ق``, or written with a lunar month name
(``15 ربيع الأول 1446``), converted with hijridate (years 1343–1500).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime

import jdatetime
from hijridate import Hijri

from .normalize import DIGITS, normalize_token

JALALI_BEFORE = 1700  # a year below this is a Jalali year
MIN_YEAR, MAX_YEAR = 1800, 2200  # plausible Gregorian years; 0000-00-00 and typos are no date
FORMATS_HELP = "use e.g. 2024, 2024-11, 2024-11-03 or a Jalali date such as 1403/08/14"


@dataclass(frozen=True)
class Parsed:
    """A date as written: year (in its own calendar), month and day when given, and a time."""

    year: int
    month: int | None
    day: int | None
    time: tuple[int, int, int] | None
    calendar: str  # "gregorian", "jalali" or "hijri" (lunar, Umm al-Qura)


_DIGITS = DIGITS  # so ۱۴۰۳٫۰۸ is 1403.08
_TIME = r"(?:[T\s,،\-–]+(?:ساعت|الساعة|at)?\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
_ZONE = r"\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
_YMD = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?" + _TIME + _ZONE, re.IGNORECASE)
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})" + _TIME + _ZONE, re.IGNORECASE)
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_NUMBER = re.compile(r"\d+")
# Calendar markers after a number: ه.ش / هـ.ش / ش (solar hijri), م (Gregorian, in Arabic),
# هـ / ه / ه.ق (lunar hijri).
_SOLAR_MARK = re.compile(r"(?<=\d)\s*(?:هـ?\s?\.?\s?ش\.?|ش)(?=$|\s)")
_GREGORIAN_MARK = re.compile(r"(?<=\d)\s*(?:م|میلادی|ميلادي)\.?(?=$|\s)")
_LUNAR = re.compile(r"(?<=[\s\d])(?:هـ\s?\.?\s?ق|ه\s?\.?\s?ق|هـ|ه)\.?(?=\s|$)")

# The months as pages show them (web/date_display.py), January or Farvardin first.
JALALI_MONTH_NAMES = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
                      "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
GREGORIAN_MONTH_NAMES = {
    "fa": ("ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن",
           "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر"),
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
           "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"),
}


def _numbered(names) -> dict[str, int]:
    return {name: n for n, name in enumerate(names, start=1)}


# Every spelling a date may use: the shown names and the other ways they are written.
JALALI_MONTHS = {**_numbered(JALALI_MONTH_NAMES), "امرداد": 5}
GREGORIAN_MONTHS = {
    # Persian
    **_numbered(GREGORIAN_MONTH_NAMES["fa"]),
    "ژانویهٔ": 1, "آپریل": 4, "می": 5, "جولای": 7, "آگوست": 8,
    # Arabic (Egypt and the Gulf)
    **_numbered(GREGORIAN_MONTH_NAMES["ar"]),
    "إبريل": 4, "ابريل": 4, "يونيه": 6, "يوليه": 7, "اغسطس": 8, "اكتوبر": 10,
    # Arabic (the Levant and Iraq)
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7,
    "آب": 8, "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
LUNAR_MONTHS = {
    "محرم": 1, "صفر": 2, "ربيع الأول": 3, "ربيع الاول": 3, "ربيع الثاني": 4, "ربيع الآخر": 4,
    "جمادى الأولى": 5, "جمادى الاولى": 5, "جمادى الآخرة": 6, "جمادى الثانية": 6, "رجب": 7,
    "شعبان": 8, "رمضان": 9, "شوال": 10, "ذو القعدة": 11, "ذو الحجة": 12,
}


def _fold(text: str) -> str:
    return " ".join(normalize_token(word) for word in text.split())


# Folded month names, longest first so تشرين الثاني wins over a shorter name inside it.
_MONTH_NAMES = sorted(
    [(_fold(name), month, "jalali") for name, month in JALALI_MONTHS.items()]
    + [(_fold(name), month, "gregorian") for name, month in GREGORIAN_MONTHS.items()]
    + [(_fold(name), month, "hijri") for name, month in LUNAR_MONTHS.items()],
    key=lambda entry: -len(entry[0]))
_WORD = r"(?<![^\s\d,،\-–/.()]){}(?![^\s\d,،\-–/.()])"


def _clock(match_groups) -> tuple[int, int, int] | None:
    hour, minute, second = match_groups
    if hour is None:
        return None
    return int(hour), int(minute), int(second or 0)


def parse(text) -> Parsed | None:
    """What date ``text`` writes, in its own calendar; None when it is not a date."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = str(int(text)) if text == int(text) else ""
    if not isinstance(text, str):
        return None
    text = " ".join(text.translate(_DIGITS).replace("\u200f", " ").replace("\u200e", " ").split())
    if not text or len(text) > 100:
        return None
    if "الموافق" in text:  # "1 جمادى الأولى 1446هـ الموافق 3 نوفمبر 2024م": either half will do
        before, _, after = text.partition("الموافق")
        return parse(after) or parse(before)
    text, marks = _SOLAR_MARK.subn(" ", text)
    text = " ".join(_GREGORIAN_MARK.sub(" ", text).split())
    jalali_mark = marks > 0
    text, lunar = _LUNAR.subn(" ", " " + text + " ")
    text = " ".join(text.split())
    folded = _fold(text)

    def calendar(year: int) -> str:
        return "hijri" if lunar else "jalali" if jalali_mark or year < JALALI_BEFORE else "gregorian"
    if m := _YMD.fullmatch(text):
        year, month, day = int(m.group(1)), m.group(2), m.group(3)
        return Parsed(year, month and int(month), day and int(day), _clock(m.group(4, 5, 6)),
                      calendar(year))
    if m := _DMY.fullmatch(text):
        year = int(m.group(3))
        return Parsed(year, int(m.group(2)), int(m.group(1)), _clock(m.group(4, 5, 6)),
                      calendar(year))
    if re.fullmatch(r"\d{9,10}", text):  # Unix seconds
        moment = datetime.fromtimestamp(int(text))
        return Parsed(moment.year, moment.month, moment.day,
                      (moment.hour, moment.minute, moment.second), "gregorian")
    named = _named(text, folded)
    if named is not None:
        return named
    try:  # RFC 2822: "Sun, 03 Nov 2024 10:00:00 +0000"
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return Parsed(moment.year, moment.month, moment.day,
                  (moment.hour, moment.minute, moment.second), "gregorian")


def _named(text: str, folded: str) -> Parsed | None:
    """'۱۴ آبان ۱۴۰۳', 'الأحد 3 تشرين الثاني 2024 الساعة 10:30', 'November 3, 2024', 'آبان ۱۴۰۳'."""
    for name, month, calendar in _MONTH_NAMES:
        found = re.search(_WORD.format(re.escape(name)), folded)
        if not found:
            continue
        before, after = folded[:found.start()], folded[found.end():]
        clock = _CLOCK.search(after)
        if clock:
            after = after[:clock.start()] + " " + after[clock.end():]
        years = [int(n) for n in _NUMBER.findall(after) if len(n) == 4]
        days = [int(n) for n in _NUMBER.findall(before) if len(n) <= 2]
        if not days:  # "November 3, 2024"
            days = [int(n) for n in _NUMBER.findall(after) if len(n) <= 2][:1]
        if len(years) != 1 or len(days) > 1:
            return None
        return Parsed(years[0], month, days[0] if days else None,
                      _clock(clock.groups()) if clock else None, calendar)
    return None


def _gregorian(p: Parsed, day: int) -> date:
    """The Gregorian date of ``p``'s year and month on ``day``; raises ValueError."""
    if p.calendar == "jalali":
        return jdatetime.date(p.year, p.month, day).togregorian()
    if p.calendar == "hijri":
        return date(*Hijri(p.year, p.month, day).to_gregorian().datetuple())
    return date(p.year, p.month, day)


def _month_days(p: Parsed) -> int:
    if p.calendar == "hijri":
        return Hijri(p.year, p.month, 1).month_length()
    if p.calendar == "jalali":
        if p.month <= 6:
            return 31
        if p.month <= 11:
            return 30
        return 30 if jdatetime.date(p.year, 1, 1).isleap() else 29
    following = date(p.year + (p.month == 12), p.month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _plausible(day: date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def document_date(value) -> str | None:
    """A document's date as normalized Gregorian ISO-8601, or None if it does not name a day.

    A year or a month alone is no document date (it would sort as the 1st).
    """
    p = parse(value)
    if p is None or p.month is None or p.day is None:
        return None
    try:
        day = _gregorian(p, p.day)
        if p.time is None:
            return day.isoformat() if _plausible(day) else None
        moment = datetime(day.year, day.month, day.day, *p.time)
    except (ValueError, OverflowError):
        return None
    return moment.isoformat() if _plausible(day) else None


def mtime_date(mtime: float) -> str:
    """A file's modification time (local time) as a document date."""
    return datetime.fromtimestamp(mtime).replace(microsecond=0).isoformat()


def date_key(iso: str | None) -> int:
    """``2024-11-03T14:23:00`` → 20241103142300, a sortable integer; 0 for no date."""
    if not iso:
        return 0
    digits = re.sub(r"\D", "", iso)
    return int(digits.ljust(14, "0")[:14])


def period(text) -> tuple[date, date]:
    """The first and last day of the period ``text`` names: a year, a month or a day.

    Raises ValueError with a one-line message saying what is accepted.
    """
    shown = str(text)[:40]
    p = parse(text)
    if p is None or (p.month is None and p.day is not None):
        raise ValueError(f"not a date: {shown!r} ({FORMATS_HELP})")
    try:
        if p.month is None:
            first = _gregorian(Parsed(p.year, 1, 1, None, p.calendar), 1)
            last_month = Parsed(p.year, 12, None, None, p.calendar)
            last = _gregorian(last_month, _month_days(last_month))
        elif p.day is None:
            first, last = _gregorian(p, 1), _gregorian(p, _month_days(p))
        else:
            first = last = _gregorian(p, p.day)
    except (ValueError, OverflowError):
        raise ValueError(f"no such date: {shown!r} ({FORMATS_HELP})") from None
    if not (_plausible(first) and _plausible(last)):
        raise ValueError(f"date out of range: {shown!r} (years {MIN_YEAR}–{MAX_YEAR}, "
                         f"or Jalali years below {JALALI_BEFORE})")
    return first, last


def bound_key(value, *, end: bool) -> int:
    """A filter bound as a date key: the start of ``since``'s period, the end of ``until``'s.

    ``value`` is a date, a datetime or text ``period`` accepts; raises ValueError.
    """
    if isinstance(value, datetime):
        return date_key(value.replace(microsecond=0, tzinfo=None).isoformat())
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        first, last = period(value)
        day = last if end else first
    else:
        raise ValueError(f"not a date: {str(value)[:40]!r} ({FORMATS_HELP})")
    return date_key(day.isoformat()) + (235959 if end else 0)


def single_year(since_key: int, until_key: int) -> int | None:
    """The Gregorian year both bounds fall in, when a filter selects within one year."""
    if since_key and until_key and since_key // 10**10 == until_key // 10**10:
        return since_key // 10**10
    return None
