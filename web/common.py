"""What the pages and the API share: the engine of the request, errors, and how data is shown.

The blueprints import from here and app.py wires them together, so no module
of web/ imports the module that imports it.
"""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from markupsafe import Markup

from kavosh.backends import unavailable
from kavosh.index.errors import KavoshError, QueryError
from kavosh.snippets import to_html

from .i18n import current_ui, text
from .messages import translate_error



def get_engine():
    """The engine of the app handling this request: whoosh's or OpenSearch's, whose answers
    are the same objects (kavosh.backends)."""
    return current_app.extensions["kavosh"].get()


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path in ("/healthz",)


def error_status(exc: KavoshError) -> int:
    if isinstance(exc, QueryError):
        return 400
    if unavailable(exc):  # no index yet, another analysis's, its server down
        return 503
    return 400


def error_response(status: int, message: str):
    """A JSON error for the API (English, like the CLI), an HTML page with the search box for
    everything else (in the interface language: the English line is never shown there)."""
    if wants_json():
        response = jsonify({"error": message, "status": status})
        response.status_code = status
        return response
    ui = current_ui()
    key = f"error_{status}" if f"error_{status}" in ERROR_KEYS else "error"
    return render_template("error.html", status=status, message=translate_error(message, ui),
                           title=text(key), q=request.args.get("q", "")), status


ERROR_KEYS = {"error_400", "error_404", "error_405", "error_413", "error_500", "error_503"}


def html_lang(lang: str | None) -> str:
    """The BCP 47 tag for an element holding a document of this language ('' = unknown)."""
    return lang if lang in ("fa", "ar") else ""




def marked(segments) -> Markup:
    """The engine's segments as HTML: text escaped, matches in <mark> (``snippets.to_html``,
    the JSON's ``snippet``/``title_html``: one rule for both)."""
    return Markup(to_html(segments))


def _split_at(segments, separator: str) -> list[list]:
    """Segments split into the runs of text between ``separator``s (a match never spans one)."""
    out, current = [], []
    for segment in segments:
        for i, part in enumerate(segment.text.split(separator)):
            if i:
                out.append(current)
                current = []
            if part:
                current.append(type(segment)(part, segment.marked))
    out.append(current)
    return out


def paragraphs(segments) -> list[list]:
    """Segments split into the non-empty lines of the text."""
    return [_strip(p) for p in _split_at(segments, "\n") if "".join(s.text for s in p).strip()]


def pages(segments) -> list[list]:
    """Segments split at the form feeds between a document's pages (a PDF's, an EPUB's
    chapters; index/formats/base.py): one list of segments per page."""
    return _split_at(segments, "\f")


def _strip(paragraph: list) -> list:
    """A paragraph without the white space at its ends (marks are words, never white space)."""
    first, last = paragraph[0], paragraph[-1]
    paragraph[0] = type(first)(first.text.lstrip(), first.marked)
    paragraph[-1] = type(last)(paragraph[-1].text.rstrip(), last.marked)
    return [s for s in paragraph if s.text]
