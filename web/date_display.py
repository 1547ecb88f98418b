"""Dates as a reader expects them: Jalali in Persian digits on Persian pages, Gregorian in
Arabic-Indic digits on Arabic pages.

The index stores a document's date as text: ISO-8601 (``2024-11-03``,
``2024-11-03T14:23:00+03:30``) or the news corpora's ``2020-02-08 14:23:00``.
The wall-clock time is shown as written (no time-zone conversion: a paper's
"14:23" is its readers' 14:23).  Anything else is shown exactly as stored.
"""

from __future__ import annotations

import datetime as dt
import re

import jdatetime
from markupsafe import Markup

from kavosh.index.dates import GREGORIAN_MONTH_NAMES, JALALI_MONTH_NAMES

from .i18n import digits, text

# One list of month names: what dates are read with (index/dates.py) is what pages show.
JALALI_MONTHS = JALALI_MONTH_NAMES
GREGORIAN_MONTHS = GREGORIAN_MONTH_NAMES
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_HAS_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def parse_date(value) -> tuple[dt.datetime, bool] | None:
    """(the date, whether it has a time of day) of a stored date, or None if it is not ISO-8601."""
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if not re.match(r"\d{4}-\d{2}", raw):
        return None
    try:
        if _DATE_ONLY.match(raw):
            return dt.datetime.combine(dt.date.fromisoformat(raw), dt.time()), False
        parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed, bool(_HAS_TIME.match(raw))


def jalali(day: dt.date) -> tuple[int, int, int]:
    j = jdatetime.date.fromgregorian(date=day)
    return j.year, j.month, j.day


def format_date(value, ui: str, with_time: bool = False) -> str:
    """The date as words in the interface's calendar and digits; the stored text if unparseable."""
    parsed = parse_date(value)
    if parsed is None:
        return str(value)
    moment, has_time = parsed
    if ui == "fa":
        year, month, day = jalali(moment.date())
        shown = f"{day} {JALALI_MONTHS[month - 1]} {year}"
    else:
        shown = f"{moment.day} {GREGORIAN_MONTHS['ar'][moment.month - 1]} {moment.year}"
    if with_time and has_time:
        shown += f"، {moment:%H:%M}"
    return digits(shown, ui)


def gregorian(value, ui: str) -> str:
    """The Gregorian date and time in the interface's words and digits (the title of a Jalali date)."""
    moment, has_time = parse_date(value)
    shown = f"{moment.day} {GREGORIAN_MONTHS[ui][moment.month - 1]} {moment.year}"
    if has_time:
        shown += f"، {moment:%H:%M}"
    return digits(shown, ui)


def date_html(value, ui: str, origin: str | None = None, with_time: bool = False) -> Markup:
    """A ``<time>`` element: Jalali (Persian pages) or Gregorian (Arabic pages), the Gregorian date
    in its title on Persian pages, and a note when the date is only the file's modification time."""
    if not value:
        return Markup("")
    parsed = parse_date(value)
    if parsed is None:
        return Markup('<span class="date"><bdi>%s</bdi></span>') % value
    moment, has_time = parsed
    machine = moment.isoformat() if has_time else moment.date().isoformat()
    title = ""
    if ui == "fa":
        title = f"{text('gregorian', ui)}: {gregorian(value, ui)}"
    elif has_time and not with_time:
        title = format_date(value, ui, with_time=True)
    if origin == "mtime":
        note = text("file_date_note", ui)
        title = f"{title} — {note}" if title else note
    out = Markup('<time class="date" datetime="%s"%s>%s</time>') % (
        machine, Markup(' title="%s"') % title if title else "", format_date(value, ui, with_time))
    if origin == "mtime":
        out += Markup(' <span class="date-origin">(%s)</span>') % text("file_date", ui)
    return out
