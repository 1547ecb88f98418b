"""The JSON API: /api/search (the object of `kavosh search --json`), /api/suggest, /healthz."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from kavosh.index.errors import IncompatibleIndex, IndexNotFound, KavoshError, QueryError
from kavosh import suggest
from kavosh.query import MAX_QUERY_CHARS

from .app import get_engine
from .params import int_arg, search_params

bp = Blueprint("api", __name__)

MAX_SUGGESTIONS = 20


@bp.get("/api/search")
def search_route():
    """Exactly ``Engine.search``'s object, as `kavosh search --json` prints it."""
    engine = get_engine()
    params = search_params(default_limit=10)  # the CLI's default
    result = engine.search(request.args.get("q", ""), time_limit=current_app.config["KAVOSH_TIME_LIMIT"],
                           **params)
    return jsonify(result)


@bp.get("/api/suggest")
def suggest_route():
    """Completions of the last word typed; ``format=opensearch`` gives [query, [completions]]."""
    engine = get_engine()
    q = request.args.get("q", "")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(q)} characters; at most {MAX_QUERY_CHARS})")
    limit = int_arg("limit", current_app.config["KAVOSH_SUGGESTIONS"])
    if not 1 <= limit <= MAX_SUGGESTIONS:
        raise QueryError(f"limit must be between 1 and {MAX_SUGGESTIONS}, not {limit}")
    items = suggest.completions(engine, q, limit)
    if request.args.get("format") == "opensearch":
        response = jsonify([q, items])
        response.mimetype = "application/x-suggestions+json"
        return response
    return jsonify({"query": q, "suggestions": items})


@bp.get("/healthz")
def healthz():
    """200 with the document count when a real search succeeds; 503 saying what to do when not."""
    try:
        engine = get_engine()
    except (IndexNotFound, IncompatibleIndex) as exc:
        response = jsonify({"status": "unavailable", "index_open": False, "error": str(exc)})
        response.status_code = 503
        return response
    try:
        health = engine.health()
    except KavoshError as exc:
        response = jsonify({"status": "unavailable", "index_open": False, "error": str(exc)})
        response.status_code = 503
        return response
    return jsonify({"status": "ok", "index_open": True, **health})
