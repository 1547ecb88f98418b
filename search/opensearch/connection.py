"""Reaching the cluster and the index behind the alias, with one-line errors."""

from __future__ import annotations

from .errors import AliasMissing, WrongAnalysis, refused, unreachable
from .mapping import serves

DEFAULT_ALIAS = "kavosh"
TIMEOUT = 60
POOL = 32  # connections per node: the web server's threads search at once


def hosts(url: str) -> list[str]:
    """``url``, or several nodes' URLs separated by commas: the client tries the next
    node when one stops answering (a cluster keeps serving while a node is down)."""
    return [u.strip() for u in url.split(",") if u.strip()]


def connect(url: str, *, timeout: int = TIMEOUT):
    """An opensearch-py client for ``url`` that has answered once (else NodeUnreachable)."""
    from opensearchpy import OpenSearch
    from opensearchpy.exceptions import ConnectionError as OSConnectionError, TransportError

    client = OpenSearch(hosts=hosts(url), timeout=timeout, retry_on_timeout=True, max_retries=3,
                        http_compress=False, pool_maxsize=POOL)
    try:
        client.info()
    except (OSConnectionError, OSError) as exc:
        raise unreachable(url, exc) from None
    except TransportError as exc:
        raise refused("the first request", exc) from None
    return client


def alias_target(client, alias: str) -> str | None:
    """The concrete index ``alias`` points at, None when there is none."""
    if not client.indices.exists_alias(name=alias):
        return None
    found = client.indices.get_alias(name=alias)
    names = sorted(found)
    return names[-1] if names else None


def kavosh_meta(client, index: str) -> dict:
    """The ``_meta.kavosh`` object the indexer writes into an index's mapping."""
    mapping = client.indices.get_mapping(index=index)[index]["mappings"]
    return mapping.get("_meta", {}).get("kavosh", {})


def opened_index(client, alias: str, fingerprint: str, url: str) -> tuple[str, dict]:
    """(index name, its meta) behind ``alias``; a one-line error when there is none or
    it was built by another analysis."""
    target = alias_target(client, alias)
    if target is None:
        raise AliasMissing(f"no Kavosh index behind the alias {alias!r} at {url}: "
                           "run `kavosh index PATH` with this backend first")
    meta = kavosh_meta(client, target)
    recorded = meta.get("index_fingerprint")
    if not serves(recorded):
        raise WrongAnalysis(f"the index {target} at {url} was built by another analysis "
                            f"(fingerprint {recorded}, this Kavosh's is {fingerprint}): run "
                            "`kavosh index --rebuild PATH` to build one beside it")
    return target, meta
