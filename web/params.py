"""Query-string parameters shared by the search page and the JSON API: text to values, or a clear 400."""

from __future__ import annotations

from flask import request

from kavosh.choices import DEFAULT_SORT
from kavosh.index.errors import QueryError

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def int_arg(name: str, default: int) -> int:
    """An integer parameter; anything else is a QueryError (400) naming it."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        shown = raw if len(raw) <= 20 else raw[:20] + "…"
        raise QueryError(f"{name} must be a whole number, not {shown!r}") from None


def search_params(default_limit: int) -> dict:
    """limit, offset, lang, mode, exact, since, until, source (repeatable) and sort for
    ``Engine.search``, which checks their values."""
    return {
        "limit": int_arg("limit", default_limit),
        "offset": int_arg("offset", 0),
        "lang": request.args.get("lang", "").strip() or None,
        "mode": request.args.get("mode", "").strip() or "all",
        "exact": bool_arg("exact"),
        # Dates and sort are checked by the engine (one parser for the CLI and the web).
        "since": request.args.get("since", "").strip() or None,
        "until": request.args.get("until", "").strip() or None,
        "sources": tuple(request.args.getlist("source")),
        "sort": request.args.get("sort", "").strip() or DEFAULT_SORT,
        "collapse": bool_arg("collapse", default=True),
    }


def bool_arg(name: str, default: bool = False) -> bool:
    raw = request.args.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise QueryError(f"{name} must be 1 or 0, not {raw[:20]!r}")
