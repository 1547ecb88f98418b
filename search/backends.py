"""The backend seam: which engine the CLI, the web page and the JSON API talk to.

Two backends answer the same questions with the same JSON (the shape of
Django Haystack's or Wagtail's search backends):

* ``whoosh`` — an index folder on this machine (``kavosh.engine.Engine``), the
  embedded default;
* ``opensearch`` — an OpenSearch node or cluster, found by its URL and the
  alias Kavosh's versioned index sits behind
  (``kavosh.opensearch.engine.OpenSearchEngine``).

``Backend.choose`` is the one place the choice is made (``--backend``, else
``$KAVOSH_BACKEND``, else whoosh; ``--opensearch-url``/``$KAVOSH_OPENSEARCH_URL``;
``--opensearch-alias``/``$KAVOSH_OPENSEARCH_ALIAS``), and a ``Backend`` opens
its engine, indexes and removes.  Everything OpenSearch-specific is imported
lazily: the whoosh backend never needs the client installed.

A node that does not answer, or an alias that does not exist, is a
``KavoshError`` (kavosh.opensearch.errors; one line, exit non-zero in the CLI,
503 in the web), never a client library's traceback: the backend raises its
own, and ``_translated`` turns any client exception it left bare into one.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from urllib.parse import urlsplit

from kavosh.index.errors import IncompatibleIndex, IndexNotFound, KavoshError

BACKENDS = ("whoosh", "opensearch")
DEFAULT_BACKEND = "whoosh"
DEFAULT_URL = "http://127.0.0.1:9200"
DEFAULT_ALIAS = "kavosh"


@dataclass(frozen=True)
class Backend:
    """Where Kavosh's index lives: a whoosh folder, or an OpenSearch URL and alias."""

    name: str = DEFAULT_BACKEND
    index_dir: Path | None = None  # whoosh
    url: str = DEFAULT_URL  # opensearch
    alias: str = DEFAULT_ALIAS  # opensearch

    @classmethod
    def choose(cls, name: str | None = None, *, index_dir=None, url: str | None = None,
               alias: str | None = None, env=None) -> "Backend":
        """The backend asked for, else the one the environment names, else whoosh on the
        default index folder.  A bad name, URL or alias is a one-line KavoshError."""
        env = os.environ if env is None else env
        name = (name or env.get("KAVOSH_BACKEND") or DEFAULT_BACKEND).strip().lower()
        if name not in BACKENDS:
            raise KavoshError(f"no backend {name!r}: use one of {', '.join(BACKENDS)}")
        if name == "whoosh":
            from kavosh.index.schema import default_index_dir

            folder = index_dir if index_dir is not None else (env.get("KAVOSH_INDEX") or None)
            return cls("whoosh", index_dir=Path(folder) if folder else default_index_dir())
        url = _checked_url(url or env.get("KAVOSH_OPENSEARCH_URL") or DEFAULT_URL)
        alias = _checked_alias(alias or env.get("KAVOSH_OPENSEARCH_ALIAS") or DEFAULT_ALIAS)
        return cls("opensearch", url=url, alias=alias)

    @property
    def is_whoosh(self) -> bool:
        return self.name == "whoosh"

    @property
    def where(self) -> str:
        """The index as a user would name it in a message: its folder, or URL and alias."""
        return str(self.index_dir) if self.is_whoosh else f"{self.url} (alias {self.alias})"

    def require_whoosh(self, feature: str) -> None:
        """Refuse, in one line, a feature only an index folder has."""
        if not self.is_whoosh:
            raise KavoshError(f"{feature} works on a whoosh index folder only, not on OpenSearch "
                              "(use --backend whoosh)")

    # --- the engine ---------------------------------------------------------

    def open(self):
        """The engine: ``search``, ``export``, ``document``, ``vocabulary``, ``health``,
        ``stats``, ``documents``, ``close`` (and a context manager)."""
        if self.is_whoosh:
            from .engine import Engine

            return Engine(self.index_dir)
        with self._errors():
            from kavosh.opensearch.engine import OpenSearchEngine

            return _Translating(OpenSearchEngine(self.url, alias=self.alias), self)

    # --- indexing -----------------------------------------------------------

    def index_paths(self, paths, *, rebuild=False, wait=False, progress=None,
                    max_doc_bytes=None, procs=None, shards=None, replicas=None):
        """Index ``paths`` (new, changed and deleted files); the writer's summary.

        ``shards`` and ``replicas`` shape a new OpenSearch index; a folder has neither.
        ``wait`` is for the folder's writer lock, which OpenSearch does not have.
        """
        options = {"max_doc_bytes": max_doc_bytes, "shards": shards, "replicas": replicas}
        options = {k: v for k, v in options.items() if v is not None}
        if self.is_whoosh:
            from kavosh.index.writer import index_paths

            if shards is not None or replicas is not None:
                raise KavoshError("--shards and --replicas shape an OpenSearch index: "
                                  "give them with --backend opensearch")
            return index_paths(self.index_dir, list(paths), rebuild=rebuild, wait=wait,
                               progress=progress, procs=procs, **options)
        with self._errors():
            from kavosh.opensearch.indexer import index_paths

            return index_paths(self.url, list(paths), alias=self.alias, rebuild=rebuild,
                               procs=procs, progress=progress, **options)

    def remove_paths(self, paths, *, wait=False):
        """Drop roots, folders or files; ``(removed, documents left)``."""
        if self.is_whoosh:
            from kavosh.index.writer import remove_paths

            return remove_paths(self.index_dir, list(paths), wait=wait)
        with self._errors():
            from kavosh.opensearch.indexer import remove_paths

            return remove_paths(self.url, list(paths), alias=self.alias)

    # --- errors -------------------------------------------------------------

    def _errors(self):
        return _Guard(self)


def _checked_url(urls: str) -> str:
    """One node's URL, or several separated by commas (the client moves to the next
    node when one stops answering), each http(s)://HOST[:PORT]."""
    checked = []
    for url in [u.strip() for u in urls.split(",") if u.strip()] or [urls]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise KavoshError(f"the OpenSearch URL {url!r} is not http(s)://HOST[:PORT] "
                              f"(e.g. {DEFAULT_URL}, or several separated by commas)")
        try:
            parts.port  # noqa: B018  (a port that is not a number raises here)
        except ValueError:
            raise KavoshError(f"the OpenSearch URL {url!r} has a port that is not a number") from None
        checked.append(url.rstrip("/"))
    return ",".join(checked)


def _checked_alias(alias: str) -> str:
    """OpenSearch's rules for index names, which the alias follows."""
    alias = alias.strip()
    bad = set('\\/*?"<>| ,#:') & set(alias)
    if not alias or alias != alias.lower() or alias[0] in "-_+" or bad or alias in (".", ".."):
        raise KavoshError(f"{alias!r} cannot be an OpenSearch alias: lower case, no spaces or "
                          '\\/*?"<>|,#:, not starting with - _ +')
    return alias


# --- the client's exceptions as Kavosh's one-line errors ----------------------


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` means "the index cannot be searched now" (no index yet, another
    analysis's, its server down): a 503 in the web, and a reason to try opening it again,
    rather than a bad request."""
    if isinstance(exc, (IndexNotFound, IncompatibleIndex)):
        return True
    # The OpenSearch backend's own "no node answers" (only loaded once that backend was used).
    errors = sys.modules.get("kavosh.opensearch.errors")
    return errors is not None and isinstance(exc, getattr(errors, "NodeUnreachable", ()))


def _translated(exc: BaseException, backend: Backend) -> KavoshError | None:
    """The KavoshError a client exception means for a user, or None (a bug: let it show)."""
    missing = getattr(exc, "name", None) or ""
    if isinstance(exc, ImportError) and missing.split(".")[0] == "opensearchpy":
        return KavoshError("the OpenSearch backend needs its client: pip install opensearch-py")
    if isinstance(exc, ImportError) and missing.startswith("kavosh.opensearch"):
        return KavoshError("this Kavosh was installed without its OpenSearch backend "
                           f"({missing} is missing): use --backend whoosh")
    try:
        from opensearchpy import exceptions as os_errors

        from kavosh.opensearch import errors
    except ImportError:  # pragma: no cover - then no client call could have raised
        return None
    # The backend's own errors (kavosh.opensearch.errors), for a client call it left bare.
    if isinstance(exc, (os_errors.ConnectionError, os_errors.ConnectionTimeout)):
        return errors.unreachable(backend.url, exc)
    if isinstance(exc, os_errors.NotFoundError):
        return errors.AliasMissing(f"no Kavosh index behind the alias {backend.alias!r} at "
                                   f"{backend.url}: run `kavosh index --backend opensearch PATH` first")
    if isinstance(exc, os_errors.TransportError) and str(exc.status_code) in ("429", "502", "503", "504"):
        return errors.NodeUnreachable(f"OpenSearch at {backend.url} cannot answer now "
                                      f"({exc.status_code} {str(exc.error)[:120]}): try again when "
                                      "the cluster is healthy")
    if isinstance(exc, os_errors.TransportError):
        return errors.refused("the request", exc)
    return None


class _Guard:
    """``with backend._errors():`` — client exceptions leave as one-line KavoshErrors."""

    def __init__(self, backend: Backend):
        self.backend = backend

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or isinstance(exc, KavoshError) or not isinstance(exc, Exception):
            return False
        error = _translated(exc, self.backend)
        if error is None:
            return False
        raise error from None


class _Translating:
    """An engine (or its vocabulary) whose every call answers client exceptions with
    KavoshErrors: the CLI, the pages and the API need no OpenSearch-specific code."""

    _NESTED = ("vocabulary",)

    def __init__(self, target, backend: Backend):
        self._target, self._backend = target, backend

    def __getattr__(self, name):
        value = getattr(self._target, name)
        if name in self._NESTED:
            return _Translating(value, self._backend)
        if not callable(value):
            return value

        @wraps(value)
        def call(*args, **kwargs):
            with _Guard(self._backend):
                return value(*args, **kwargs)
        return call

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# --- the command line's options -------------------------------------------------


def backend_options(command):
    """``--index``, ``--backend``, ``--opensearch-url``, ``--opensearch-alias`` on a command,
    handed to it as one ``backend`` argument (a ``Backend``).

    ``--index`` given on the command line with the OpenSearch backend is refused
    (it names a folder that backend does not read); ``$KAVOSH_INDEX`` is not,
    so one shell can hold both settings.
    """
    import click
    from click.core import ParameterSource

    @wraps(command)
    def with_backend(*args, index_dir, backend_name, opensearch_url, opensearch_alias, **kwargs):
        ctx = click.get_current_context()
        backend = Backend.choose(backend_name, index_dir=index_dir, url=opensearch_url,
                                 alias=opensearch_alias)
        if not backend.is_whoosh and ctx.get_parameter_source("index_dir") is ParameterSource.COMMANDLINE:
            raise KavoshError("--index names a whoosh index folder; with --backend opensearch "
                              "give --opensearch-url and --opensearch-alias instead")
        return command(*args, backend=backend, **kwargs)

    options = [
        click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
                     envvar="KAVOSH_INDEX", show_envvar=True, default=None,
                     help="Index folder (whoosh backend). Default: $KAVOSH_INDEX, else the "
                          "per-user data folder (~/.local/share/kavosh/index on Linux)."),
        click.option("--backend", "backend_name", type=click.Choice(BACKENDS), default=None,
                     help="Where the index lives: a folder on this machine (whoosh) or an "
                          "OpenSearch node or cluster.  [default: $KAVOSH_BACKEND, else whoosh]"),
        click.option("--opensearch-url", "opensearch_url", default=None, metavar="URL",
                     help=f"The OpenSearch node, or several nodes of a cluster separated by "
                          f"commas (--backend opensearch).  "
                          f"[default: $KAVOSH_OPENSEARCH_URL, else {DEFAULT_URL}]"),
        click.option("--opensearch-alias", "opensearch_alias", default=None, metavar="NAME",
                     help="The alias Kavosh's index sits behind in OpenSearch.  "
                          f"[default: $KAVOSH_OPENSEARCH_ALIAS, else {DEFAULT_ALIAS}]"),
    ]
    for option in reversed(options):
        with_backend = option(with_backend)
    return with_backend
