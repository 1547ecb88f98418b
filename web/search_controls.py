"""The results page's controls: links that change one thing of the current search.

Facets (language, source, year, month) are links with counts, as the
language filter always was: following one filters, following the selected
one again removes it.  Sort links, the date-range form's values, the active
filters with their remove links, and the CSV/JSONL downloads are built here
too, so the template only lays them out.  Every control is a plain link or
a GET form: the page needs no JavaScript.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from flask import current_app, url_for

from kavosh.choices import DEFAULT_SORT, SORTS

from .date_display import GREGORIAN_MONTHS, format_date
from .i18n import digits, text

SOURCES_SHOWN = 8  # source facet values shown before "more"


@dataclass
class Link:
    label: str
    count: int | None
    url: str
    current: bool
    value: str = ""


def search_url(query, params, _endpoint="pages.search_page", **changes) -> str:
    """This search's address with ``changes`` (None removes a parameter); ``_endpoint`` gives its
    JSON twin or its downloads the same parameters."""
    args = {"q": query, "lang": params.get("lang"), "offset": params.get("offset") or None,
            "mode": None if params.get("mode", "all") == "all" else params["mode"],
            "limit": None if params.get("limit") == current_app.config["KAVOSH_PAGE_SIZE"] else params.get("limit"),
            "exact": 1 if params.get("exact") else None,
            "since": params.get("since"), "until": params.get("until"),
            "source": list(params.get("sources") or ()) or None,
            "sort": None if params.get("sort", DEFAULT_SORT) == DEFAULT_SORT else params.get("sort"),
            "collapse": 0 if params.get("collapse") is False else None}
    args.update(changes)
    return url_for(_endpoint, **{k: v for k, v in args.items() if v is not None})


def _page_url(q, params, **changes) -> str:
    return search_url(q, params, offset=None, **changes)


def year_links(q, params, result) -> list[Link]:
    """One link per year with matches; the selected year's link removes the date filter."""
    years = (getattr(result, "facets", None) or {}).get("year") or {}
    out = []
    for year, n in sorted(years.items(), reverse=True):
        current = result_since(result) == f"{year}-01-01" and result_until(result) == f"{year}-12-31"
        url = _page_url(q, params, since=None, until=None) if current else _page_url(q, params, since=year, until=year)
        out.append(Link(digits(year), n, url, current, year))
    return out


def month_links(q, params, result, ui) -> list[Link]:
    """Months of the selected year (the engine counts them only then); the selected one goes back to its year."""
    months = (getattr(result, "facets", None) or {}).get("month") or {}
    out = []
    for month, n in sorted(months.items()):
        year, number = int(month[:4]), int(month[5:7])
        last = calendar.monthrange(year, number)[1]
        current = (result_since(result) == f"{month}-01" and result_until(result) == f"{month}-{last:02d}")
        url = (_page_url(q, params, since=str(year), until=str(year)) if current
               else _page_url(q, params, since=month, until=month))
        label = f"{GREGORIAN_MONTHS[ui][number - 1]} {digits(year, ui)}"
        out.append(Link(label, n, url, current, month))
    return out


def source_links(q, params, result) -> list[Link]:
    """The top sources with counts; following one adds it to (or removes it from) the sources searched."""
    facet = (getattr(result, "facets", None) or {}).get("source") or []
    chosen = list(params.get("sources") or ())
    out = []
    names = {name for name, _n in facet}
    for name, n in facet:
        current = name in chosen
        sources = [s for s in chosen if s != name] if current else chosen + [name]
        out.append(Link(name, n, _page_url(q, params, source=sources or None), current, name))
    for name in chosen:  # a source asked for with no matches still shows, to be removed
        if name not in names:
            out.append(Link(name, 0, _page_url(q, params, source=[s for s in chosen if s != name] or None),
                            True, name))
    return out


def sort_links(q, params) -> list[Link]:
    current = params.get("sort") or DEFAULT_SORT
    return [Link(text(f"sort_{key}"), None, _page_url(q, params, sort=None if key == DEFAULT_SORT else key),
                 key == current, key) for key in SORTS]


def active_filters(q, params, result, ui) -> list[Link]:
    """What narrows this search besides the query, each with the link that removes it."""
    out = []
    since, until = result_since(result), result_until(result)
    if since or until:
        shown = text("date_from_to", ui, since=format_date(since, ui) if since else "…",
                     until=format_date(until, ui) if until else "…")
        out.append(Link(shown, None, _page_url(q, params, since=None, until=None), True, "date"))
    chosen = list(params.get("sources") or ())
    for name in chosen:
        out.append(Link(name, None, _page_url(q, params, source=[s for s in chosen if s != name] or None),
                        True, "source"))
    return out


def downloads(q, params) -> list[Link]:
    """Every hit of this search (not just this page) as CSV and as JSON Lines."""
    if "api.export_route" not in current_app.view_functions:
        return []
    return [Link(label, None, search_url(q, params, _endpoint="api.export_route", fmt=fmt,
                                         offset=None, limit=None, collapse=None), False, fmt)
            for fmt, label in (("csv", "CSV"), ("jsonl", "JSONL"))]


def result_since(result):
    return getattr(result, "since", None)


def result_until(result):
    return getattr(result, "until", None)


def web_url(url) -> str | None:
    """The document's own address if it is one a browser may follow (http or https), else None."""
    if not url or not isinstance(url, str):
        return None
    try:
        return url if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc else None
    except ValueError:
        return None


def display_url(url: str, width: int = 70) -> str:
    """A URL as a reader scans it under a title: host › path › parts, percent-escapes decoded."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = host[4:] if host.startswith("www.") else host
    segments = [unquote(s) for s in parts.path.split("/") if s]
    shown = " › ".join([host, *segments])
    return shown if len(shown) <= width else shown[:width - 1].rstrip() + "…"
