"""Source names: which paper, site or folder a document comes from, as people read it.

A news archive's JSONL often names its feeds by slug (``asriran_1``,
``asriran_2``: two crawls of one site).  A slug is no name to show or to
filter by, so when a record's ``source`` is a slug and the record has a URL,
the source is the URL's site (``asriran.com``, without ``www.``); a written
name (``BBC Persian``, ``عصر ایران``) is kept as it is.  HTML pages give
``og:site_name``; plain files are named by their folder.  Filters compare
sources by ``source_key`` (case-folded, ``www.`` dropped), so ``--source
ASRIRAN.COM`` and ``--source www.asriran.com`` find ``asriran.com``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_SOURCE_CHARS = 100
_SLUG = re.compile(r"[a-z0-9]+(?:[_\-.][a-z0-9]+)*")


def url_site(url: str | None) -> str | None:
    """The host of ``url`` without ``www.``; None for no URL or one without a host."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def readable_source(source: str | None, url: str | None) -> str | None:
    """The name to show for a record's ``source`` and ``url`` (see the module's docstring)."""
    name = " ".join(source.split())[:MAX_SOURCE_CHARS] if source else ""
    site = url_site(url)
    if name and not (site and _SLUG.fullmatch(name) and "." not in name):
        return name
    return site or name or None


def source_key(name: str) -> str:
    """What filters compare: case-folded, white space collapsed, a leading ``www.`` dropped."""
    key = " ".join(name.split()).casefold()
    return key[4:] if key.startswith("www.") else key


def folder_source(rel: str, root_name: str) -> str:
    """A plain file's source: its folder's name, or the indexed folder's for a file at the top."""
    parts = rel.split("/")
    return parts[-2] if len(parts) > 1 else root_name
