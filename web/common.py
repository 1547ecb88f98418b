"""What the pages and the API share: the engine of the request, errors, and how data is shown.

The blueprints import from here and app.py wires them together, so no module
of web/ imports the module that imports it.
"""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from markupsafe import Markup, escape

from kavosh.index.errors import IncompatibleIndex, IndexNotFound, KavoshError, QueryError

LANG_NAMES = {"fa": "فارسی", "ar": "عربی", "mixed": "چندزبانه", "other": "دیگر"}
_FA_DIGITS = str.maketrans("0123456789,.", "۰۱۲۳۴۵۶۷۸۹٬٫")


def get_engine():
    """The Engine of the app handling this request."""
    return current_app.extensions["kavosh"].get()


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path in ("/healthz",)


def error_status(exc: KavoshError) -> int:
    if isinstance(exc, QueryError):
        return 400
    if isinstance(exc, (IndexNotFound, IncompatibleIndex)):
        return 503
    return 400


def error_response(status: int, message: str, title: str | None = None):
    """A JSON error for the API, an HTML page with the search box for everything else."""
    if wants_json():
        response = jsonify({"error": message, "status": status})
        response.status_code = status
        return response
    return render_template("error.html", status=status, message=message,
                           title=title or ERROR_TITLES.get(status, "خطا"), q=request.args.get("q", "")), status


ERROR_TITLES = {
    400: "درخواست نادرست",
    404: "پیدا نشد",
    405: "روش درخواست مجاز نیست",
    413: "درخواست بیش از حد بزرگ",
    500: "خطای داخلی",
    503: "نمایه در دسترس نیست",
}


def fa_number(value) -> str:
    """A number the page itself writes (counts, times, page numbers) in Persian digits."""
    if isinstance(value, float):
        text = f"{value:,.0f}" if value >= 10 else f"{value:,.1f}"
    else:
        text = f"{value:,}"
    return text.translate(_FA_DIGITS)


def html_lang(lang: str | None) -> str:
    """The BCP 47 tag for an element holding a document of this language ('' = unknown)."""
    return lang if lang in ("fa", "ar") else ""




def marked(segments) -> Markup:
    """The engine's segments as HTML: text escaped, matches in <mark>."""
    return Markup("").join(Markup("<mark>%s</mark>") % s.text if s.marked else escape(s.text)
                           for s in segments)


def paragraphs(segments) -> list[list]:
    """Segments split into the non-empty lines of the text (a match never spans a line)."""
    out, current = [], []
    for segment in segments:
        lines = segment.text.split("\n")
        for i, line in enumerate(lines):
            if i:
                out.append(current)
                current = []
            if line:
                current.append(type(segment)(line, segment.marked))
    out.append(current)
    return [_strip(p) for p in out if "".join(s.text for s in p).strip()]


def _strip(paragraph: list) -> list:
    """A paragraph without the white space at its ends (marks are words, never white space)."""
    first, last = paragraph[0], paragraph[-1]
    paragraph[0] = type(first)(first.text.lstrip(), first.marked)
    paragraph[-1] = type(last)(paragraph[-1].text.rstrip(), last.marked)
    return [s for s in paragraph if s.text]
