"""The JSON API: /api/search (the object of `kavosh search --json`), /api/doc/<id> (`kavosh show
--json`), /api/stats (`kavosh stats --json`), /api/suggest, /healthz."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from kavosh.index.errors import IncompatibleIndex, IndexNotFound, KavoshError

from .common import error_response, get_engine
from .params import bool_arg, int_arg, search_params

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search_route():
    """Exactly ``Engine.search``'s object, as `kavosh search --json` prints it."""
    engine = get_engine()
    params = search_params(default_limit=10)  # the CLI's default
    result = engine.search(request.args.get("q", ""), time_limit=current_app.config["KAVOSH_TIME_LIMIT"],
                           **params)
    return jsonify(result.to_json())


@bp.get("/api/doc/<path:doc_id>")
def document_route(doc_id):
    """The object of `kavosh show ID --json`; ``q`` marks its matches as the document page does."""
    q = request.args.get("q", "")
    doc = get_engine().document(doc_id, q if q.strip() else None, exact=bool_arg("exact"))
    if doc is None:
        return error_response(404, f"no document with id {doc_id!r} in the index")
    return jsonify(doc.to_json())


@bp.get("/api/stats")
def stats_route():
    """The object of `kavosh stats --json`: documents per language and source, the date span, roots."""
    return jsonify(get_engine().stats())


@bp.get("/api/suggest")
def suggest_route():
    """Completions of the last word typed; ``format=opensearch`` gives [query, [completions]]."""
    engine = get_engine()
    q = request.args.get("q", "")
    items = engine.vocabulary.completions(q, int_arg("limit", current_app.config["KAVOSH_SUGGESTIONS"]))
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
