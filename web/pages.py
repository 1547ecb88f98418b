"""The HTML pages: search, document, OpenSearch description."""

from __future__ import annotations

import time
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, current_app, render_template, request, url_for

from kavosh.engine import MAX_OFFSET

from . import search_controls as controls
from .common import error_response, get_engine
from .i18n import current_ui
from .params import bool_arg, search_params
from .search_controls import search_url

bp = Blueprint("pages", __name__)

PAGE_WINDOW = 2  # page links shown either side of the current one
# What "did you mean" keeps of the search when it counts a correction's hits: its filters.
CORRECTION_PARAMS = ("lang", "mode", "exact", "since", "until", "sources")


@bp.get("/")
def search_page():
    engine = get_engine()
    q = request.args.get("q", "")
    if not q.strip():
        return render_template("search.html", q="", result=None, examples=engine.vocabulary.examples(),
                               autofocus=True)
    params = search_params(current_app.config["KAVOSH_PAGE_SIZE"])
    time_limit = current_app.config["KAVOSH_TIME_LIMIT"]
    started = time.perf_counter()
    result = engine.search(q, time_limit=time_limit, **params)
    correction = None
    # One time limit for the whole page: did-you-mean gets what the search left.
    left = time_limit - (time.perf_counter() - started) if time_limit else None
    if params["offset"] == 0 and not result.timed_out and (left is None or left > 0):
        correction = engine.vocabulary.did_you_mean(q, result.total, time_limit=left,
                                          **{k: v for k, v in params.items() if k in CORRECTION_PARAMS})
    return render_template(
        "search.html", q=q, result=result, params=params, correction=correction,
        all_count=sum(result.langs.values()), lang_urls=_lang_urls(q, params, result),
        pages=_pagination(q, params, result.total), examples=[],
        autofocus=False,  # on a results page, focus (and a phone's keyboard) would hide the results
        page_url=lambda **kw: search_url(q, params, **kw),
        json_url=search_url(q, params, _endpoint="api.search_route"),
        **_controls(q, params, result),
    )


def _controls(q, params, result) -> dict:
    """The page's filter, facet, sort and download links for this search."""
    ui = current_ui()
    return {"year_links": controls.year_links(q, params, result),
            "month_links": controls.month_links(q, params, result, ui),
            "source_links": controls.source_links(q, params, result),
            "sources_shown": controls.SOURCES_SHOWN,
            "sort_links": controls.sort_links(q, params),
            "active_filters": controls.active_filters(q, params, result, ui),
            "clear_url": search_url(q, params, offset=None, since=None, until=None, source=None, lang=None),
            "downloads": controls.downloads(q, params),
            "web_url": controls.web_url, "display_url": controls.display_url}


def _lang_urls(q, params, result):
    """(language or None for all, count, url, current) for the language filter."""
    langs = dict(result.langs)
    if params["lang"] and params["lang"] not in langs:
        langs[params["lang"]] = 0
    out = [(None, sum(result.langs.values()), search_url(q, params, lang=None, offset=None),
            params["lang"] is None)]
    for lang, count in langs.items():
        out.append((lang, count, search_url(q, params, lang=lang, offset=None), params["lang"] == lang))
    return out


def _pagination(q, params, total):
    """Previous/next and numbered page links; none past the offset bound."""
    limit, offset = params["limit"], params["offset"]
    if total <= limit and offset == 0:
        return None
    last = min(max(total - 1, 0) // limit * limit, MAX_OFFSET // limit * limit)
    current = offset // limit
    numbers = []
    for page in sorted({0, last // limit, *range(max(0, current - PAGE_WINDOW),
                                                  min(last // limit, current + PAGE_WINDOW) + 1)}):
        if numbers and page - numbers[-1][0] > 1:
            numbers.append((None, None, False))
        numbers.append((page, search_url(q, params, offset=page * limit or None), page == current))
    prev_url = search_url(q, params, offset=max(0, offset - limit) or None) if offset > 0 else None
    next_off = offset + limit
    next_url = search_url(q, params, offset=next_off) if next_off < total and next_off <= MAX_OFFSET else None
    return {"prev": prev_url, "next": next_url, "numbers": numbers}


@bp.get("/doc/<path:doc_id>")
def document(doc_id):
    """A whole document by its index id; the id is only ever looked up in the index."""
    engine = get_engine()
    q = request.args.get("q", "")
    exact = bool_arg("exact")
    doc = engine.document(doc_id, q if q.strip() else None, exact=exact)
    if doc is None:
        return error_response(404, f"no document with id {doc_id!r} in the index")
    safe_url = controls.web_url(doc.url)
    back = {"q": q or None, "lang": request.args.get("lang") or None,
            "offset": request.args.get("offset") or None, "exact": 1 if exact else None}
    marking = {"q": q or None, "exact": 1 if exact else None}
    return render_template("doc.html", doc=doc, q=q, safe_url=safe_url,
                           back_url=url_for("pages.search_page", **{k: v for k, v in back.items() if v}),
                           json_url=url_for("api.document_route", doc_id=doc_id,
                                            **{k: v for k, v in marking.items() if v}),
                           autofocus=False)


@bp.get("/stats")
def stats_page():
    """What the index holds: documents per language and source, the date span, the roots."""
    stats = get_engine().stats()
    return render_template("stats.html", stats=stats, q="", autofocus=False,
                           json_url=url_for("api.stats_route"))


@bp.get("/opensearch.xml")
def opensearch():
    """OpenSearch description, so a browser can add Kavosh as a search engine."""
    home = url_for("pages.search_page", _external=True)
    suggest_url = url_for("api.suggest_route", _external=True)
    icon = url_for("static", filename="favicon.svg", _external=True)
    self_url = url_for("pages.opensearch", _external=True)
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/" xmlns:moz="http://www.mozilla.org/2006/browser/search/">
  <ShortName>Kavosh کاوش</ShortName>
  <Description>{escape("جستجوی متن کامل در اسناد فارسی و عربی — Full-text search of Persian and Arabic documents")}</Description>
  <InputEncoding>UTF-8</InputEncoding>
  <OutputEncoding>UTF-8</OutputEncoding>
  <Language>fa</Language>
  <Language>ar</Language>
  <Image width="16" height="16" type="image/svg+xml">{escape(icon)}</Image>
  <Url type="text/html" method="get" template={quoteattr(home + "?q={searchTerms}")}/>
  <Url type="application/x-suggestions+json" method="get" template={quoteattr(suggest_url + "?format=opensearch&q={searchTerms}")}/>
  <Url type="application/opensearchdescription+xml" rel="self" template={quoteattr(self_url)}/>
  <moz:SearchForm>{escape(home)}</moz:SearchForm>
</OpenSearchDescription>
"""
    return current_app.response_class(body, mimetype="application/opensearchdescription+xml")
