"""The JSON API: /api/search (the object of `kavosh search --json`), its exports
/api/search.csv and /api/search.jsonl, /api/doc/<id> (`kavosh show --json`), /api/stats
(`kavosh stats --json`), /api/suggest, /healthz."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from kavosh import export
from kavosh.choices import DEFAULT_SORT
from kavosh.index.errors import KavoshError

from .common import error_response, get_engine
from .params import bool_arg, int_arg, search_params

bp = Blueprint("api", __name__)
# Seconds an export may spend finding its matches (writing the rows has no
# limit): a whole-archive export scores every document, which a page's 2 s
# would cut off.  Config: KAVOSH_EXPORT_TIME_LIMIT.
EXPORT_TIME_LIMIT = 30.0


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


@bp.get("/api/search.<fmt>")
def export_route(fmt: str):
    """Every hit (or ``limit`` from ``offset``) in rank order, streamed as CSV or JSON Lines.

    The same parameters as /api/search, but ``limit`` has no cap and, left
    out, means every hit; nothing is collapsed.  Bad parameters and a match
    list that would be cut by the time limit are a 400 before the first byte.
    """
    if fmt not in export.FORMATS:
        return jsonify({"error": f"no export format {fmt[:20]!r}: use /api/search.csv or "
                                 "/api/search.jsonl", "status": 404}), 404
    given = request.args.get("limit", "").strip()
    rows = get_engine().export(
        request.args.get("q", ""), offset=int_arg("offset", 0),
        limit=int_arg("limit", 0) if given else None, lang=request.args.get("lang", "").strip() or None,
        mode=request.args.get("mode", "").strip() or "all", exact=bool_arg("exact"),
        time_limit=current_app.config.get("KAVOSH_EXPORT_TIME_LIMIT", EXPORT_TIME_LIMIT),
        # The page's filters and order, so its download is the search it shows.
        since=request.args.get("since", "").strip() or None,
        until=request.args.get("until", "").strip() or None,
        sources=tuple(request.args.getlist("source")),
        sort=request.args.get("sort", "").strip() or DEFAULT_SORT)
    response = Response(_Stream(export.chunks(fmt, rows), rows), content_type=export.MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="kavosh-search.{fmt}"'
    response.headers["X-Total-Count"] = str(rows.total)
    return response


class _Stream:
    """The response body: the export's text pieces, and ``close()`` (which the WSGI
    server calls, also when a download is cut off) lets the export's searcher go."""

    def __init__(self, pieces, rows):
        self._pieces, self._rows = pieces, rows

    def __iter__(self):
        for piece in self._pieces:
            yield piece.encode("utf-8")

    def close(self):
        self._pieces.close()
        self._rows.close()


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
        health = get_engine().health()
    except KavoshError as exc:  # no index, another analysis's, its server down: say what to do
        response = jsonify({"status": "unavailable", "index_open": False, "error": str(exc)})
        response.status_code = 503
        return response
    return jsonify({"status": "ok", "index_open": True, **health})
