"""The Flask application: one opened index, security headers, errors that never show a traceback.

``create_app(index_dir)`` opens the index once (one ``Engine``, shared by the
server's threads; each thread keeps its own whoosh searcher); ``create_app(backend)``
opens whichever engine a ``kavosh.backends.Backend`` names (an OpenSearch cluster), and
the pages and the API never know which.  When there is no index yet (or the
OpenSearch node does not answer) the app still starts: every page answers 503 with
the one-line message saying what to do, and the index is opened as soon as it can be.

`kavosh serve` runs the app under waitress: pure Python (no C build, works
on every platform the CLI does), multi-threaded, and it buffers slow clients
so a worker thread is never held by one.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path

from flask import Flask, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from kavosh.backends import Backend, unavailable
from kavosh.index.errors import KavoshError

from . import i18n
from .common import error_response, error_status, html_lang, marked, pages, paragraphs
from .date_display import date_html

log = logging.getLogger("kavosh.web")

# The names a server on this machine alone is reached by (exactly these: 127.0.0.1.attacker.example is not one).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

DEFAULTS = {
    "KAVOSH_TIME_LIMIT": 2.0,  # seconds a search may run before it is cut off
    "KAVOSH_PAGE_SIZE": 10,
    "KAVOSH_SUGGESTIONS": 8,
    "KAVOSH_RETRY_OPEN": 1.0,  # seconds between attempts to open a missing index
    # Host names the app answers to (None: any).  By default the loopback names,
    # so a rebinding DNS name cannot reach it from a browser, whoever serves it;
    # `kavosh serve --host ADDRESS` (not loopback) passes None, --allow-host adds.
    "KAVOSH_ALLOWED_HOSTS": LOOPBACK_HOSTS,
    "SEND_FILE_MAX_AGE_DEFAULT": 86400,
    "MAX_CONTENT_LENGTH": 64 * 1024,
}

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

class IndexHolder:
    """The app's one engine, opened at start-up or, if the index is missing (or its server
    down), when it can be."""

    def __init__(self, backend: Backend, retry: float = 1.0):
        self.backend = backend
        self.retry = retry
        self._engine = None
        self._error: KavoshError | None = None
        self._next_try = 0.0
        self._lock = threading.Lock()
        try:
            self.get()
        except KavoshError as exc:
            if not unavailable(exc):
                raise
            log.warning("kavosh: %s", exc)

    @property
    def index_dir(self) -> Path | None:
        return self.backend.index_dir

    def get(self):
        """The opened engine, or raise the one-line error saying why it cannot be opened now."""
        engine = self._engine
        if engine is not None:
            return engine
        with self._lock:
            if self._engine is None:
                now = time.monotonic()
                if self._error is None or now >= self._next_try:
                    try:
                        self._engine = self.backend.open()
                        self._error = None
                    except KavoshError as exc:
                        if not unavailable(exc):
                            raise
                        self._error, self._next_try = exc, now + self.retry
                if self._engine is None:
                    raise self._error
            return self._engine

    def close(self):
        if self._engine is not None:
            self._engine.close()
            self._engine = None


def create_app(index=None, config: dict | None = None) -> Flask:
    """The Kavosh web app over ``index``: an index folder, a ``Backend``, or (None) the
    one the environment names ($KAVOSH_BACKEND, $KAVOSH_INDEX, $KAVOSH_OPENSEARCH_URL)."""
    backend = index if isinstance(index, Backend) else Backend.choose(
        "whoosh" if index is not None else None, index_dir=index)
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    app.json.ensure_ascii = False  # Persian and Arabic as themselves, like `kavosh search --json`
    app.json.sort_keys = False  # the engine's own key order, like the CLI
    app.extensions["kavosh"] = IndexHolder(backend, app.config["KAVOSH_RETRY_OPEN"])

    from .api import bp as api_bp
    from .pages import bp as pages_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(api_bp)
    _register_errors(app)
    _register_template_helpers(app)

    @app.before_request
    def known_host():
        allowed = app.config["KAVOSH_ALLOWED_HOSTS"]
        if allowed is None:
            return None
        host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
        if host.strip("[]").lower() not in {h.strip("[]").lower() for h in allowed}:
            return error_response(400, f"this server does not answer to the host name "
                                       f"{request.host[:100]!r}: open it as http://127.0.0.1/…, "
                                       "or start it with --allow-host NAME")
        return None

    @app.before_request
    def known_interface_language():
        if not request.path.startswith("/api/"):
            i18n.check_ui_param()

    @app.after_request
    def security_headers(response):
        i18n.remember_ui(response)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.path.startswith("/api/") or request.path == "/healthz":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def _register_errors(app: Flask):
    @app.errorhandler(KavoshError)
    def kavosh_error(exc):
        return error_response(error_status(exc), str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc):
        messages = {
            404: "no such page or document",
            405: f"{request.method} is not allowed here",
        }
        return error_response(exc.code or 500, messages.get(exc.code, exc.description or exc.name))

    @app.errorhandler(Exception)
    def internal_error(exc):
        log.exception("kavosh: unexpected error on %s", request.path)
        return error_response(500, "something went wrong on our side; the error has been logged")


def _static_version(app: Flask) -> str:
    digest = hashlib.sha1()
    for path in sorted(Path(app.static_folder).rglob("*.*")):
        if path.suffix in (".css", ".js", ".svg"):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _register_template_helpers(app: Flask):
    version = _static_version(app)

    def static_url(filename: str) -> str:
        return url_for("static", filename=filename, v=version)

    app.jinja_env.globals.update(static_url=static_url, t=i18n.markup, count=i18n.count,
                                 lang_name=i18n.lang_name, switch_url=i18n.switch_url)

    @app.context_processor
    def interface_language():
        ui = i18n.current_ui()
        return {"ui": ui, "other_ui": "ar" if ui == "fa" else "fa"}

    def date_filter(value, origin=None, with_time=False):
        return date_html(value, i18n.current_ui(), origin, with_time)

    app.jinja_env.filters.update(
        # Numbers and dates the page writes, in the interface language's digits and calendar.
        number=i18n.number,
        bdi=lambda value: Markup("<bdi>%s</bdi>") % value,  # the user's words, isolated in a phrase
        date=date_filter,
        html_lang=html_lang,
        # The engine's snippets, titles and documents are segments; marks become <mark> here.
        marked=marked,
        paragraphs=paragraphs,
        pages=pages,
    )


# What a first visitor asks for: a Persian and an Arabic results page (the page
# and its templates, the facet tables, the analysis caches), a completion.
WARM_UP_PATHS = ("/?q=%D9%BE%D9%87%D9%BE%D8%A7%D8%AF",  # پهپاد
                 "/?q=%D8%A7%D9%84%D8%B3%D8%B9%D9%88%D8%AF%D9%8A%D8%A9&ui=ar",  # السعودية
                 "/api/suggest?q=%D9%BE%D9%87")  # په


def warm_analysis() -> None:
    """Load the analysis chain's tables (lexicon, verb forms, stop words) once, in the
    process that forks the workers: they share them instead of each building its own."""
    from kavosh.index.analysis import kavosh_analyzer

    for mode in ("index", "query"):
        list(kavosh_analyzer()("پهپادهای روسیه می‌روند؛ الطائرات المسيّرة", mode=mode))


def warm_up(app: Flask) -> Flask:
    """Answer the first pages once before any visitor does, so the first real page costs
    what the hundredth does (it cost 10x its CPU: templates compiled, facet tables read,
    bench/bench_first_page.py).  No index yet, or a broken one: the visitor's page says so."""
    client = app.test_client()
    for path in WARM_UP_PATHS:
        try:
            client.get(path, headers={"Host": "127.0.0.1"})
        except Exception:  # a warm-up is a courtesy: serving goes on, the real request reports
            log.debug("kavosh: warm-up of %s failed", path, exc_info=True)
    return app
