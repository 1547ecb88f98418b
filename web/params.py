"""Query-string parameters shared by the search page and the JSON API, with clear 400s."""

from __future__ import annotations

import inspect

from flask import request

from kavosh.index.errors import QueryError
from kavosh.engine import Engine

MODES = ("all", "any")
# Cross-script variants (ترامپ finding ترامب) can be turned off with exact=1 where the engine has them.
ENGINE_HAS_EXACT = "exact" in inspect.signature(Engine.search).parameters
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
    """limit, offset, lang and mode for ``Engine.search`` (which checks their bounds)."""
    mode = request.args.get("mode", "").strip() or "all"
    if mode not in MODES:
        raise QueryError(f"mode must be 'all' or 'any', not {mode[:20]!r}")
    params = {
        "limit": int_arg("limit", default_limit),
        "offset": int_arg("offset", 0),
        "lang": request.args.get("lang", "").strip() or None,
        "mode": mode,
    }
    if ENGINE_HAS_EXACT:
        params["exact"] = bool_arg("exact")
    return params


def bool_arg(name: str) -> bool:
    raw = request.args.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise QueryError(f"{name} must be 1 or 0, not {raw[:20]!r}")
