"""What can go wrong between Kavosh and an OpenSearch cluster, one line each.

Each is a ``KavoshError`` (index/errors.py), so the CLI prints it and exits
non-zero and the web answers 4xx/5xx, exactly as for the whoosh index.
"""

from __future__ import annotations

from kavosh.index.errors import IncompatibleIndex, IndexNotFound, KavoshError


class OpenSearchError(KavoshError):
    """The cluster refused a request (its reason is in the message)."""

    exit_code = 6


class NodeUnreachable(OpenSearchError):
    """No node answers at the URL."""


class AliasMissing(IndexNotFound):
    """The alias names no index: nothing was indexed into this cluster yet."""


class WrongAnalysis(IncompatibleIndex):
    """The alias's index was built by another analysis chain than this Kavosh's."""


def unreachable(url: str, exc: Exception) -> NodeUnreachable:
    return NodeUnreachable(f"no OpenSearch node answers at {url} ({exc.__class__.__name__}): "
                           "start one, or pass another --opensearch-url")


def refused(what: str, exc: Exception) -> OpenSearchError:
    info = getattr(exc, "info", None)
    reason = None
    if isinstance(info, dict):
        error = info.get("error")
        if isinstance(error, dict):
            reason = (error.get("root_cause") or [error])[0].get("reason") or error.get("reason")
    reason = reason or getattr(exc, "error", None) or str(exc)
    return OpenSearchError(f"OpenSearch refused {what}: {str(reason)[:300]}")
