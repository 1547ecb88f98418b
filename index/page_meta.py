"""What an HTML page says about itself: its publication date, its site's name, its address.

Saved news pages carry these in ``<meta>`` tags (Open Graph, Dublin Core,
``pubdate``), in JSON-LD (``datePublished``, ``publisher.name``) and in
``<link rel=canonical>``.  The first date that parses wins, in the order of
``DATE_NAMES``; a page without one falls back to its file's mtime (ingest).
"""

from __future__ import annotations

import json

from .dates import document_date

# <meta name|property|itemprop=...> naming the publication date, most specific first.
DATE_NAMES = ("article:published_time", "og:published_time", "datepublished", "pubdate",
              "publishdate", "publish_date", "publication_date", "dc.date.issued", "dc.date",
              "dcterms.created", "date", "sailthru.date", "parsely-pub-date")
SITE_NAMES = ("og:site_name", "application-name")
MAX_LD_CHARS = 200_000  # a JSON-LD block bigger than this is not worth parsing


class PageMeta:
    """Collects metadata while _VisibleText parses a page."""

    def __init__(self):
        self.found: dict[str, str] = {}
        self.canonical: str | None = None
        self.time_datetime: str | None = None  # the first <time datetime=...>
        self.ld_dates: list[str] = []
        self.ld_publishers: list[str] = []
        self._ld: list[str] | None = None

    def tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value for name, value in attrs if value is not None}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            content = values.get("content")
            if key and content and key not in self.found:
                self.found[key] = content.strip()
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = self.canonical or values.get("href")
        elif tag == "time" and self.time_datetime is None and values.get("datetime"):
            self.time_datetime = values["datetime"]
        elif tag == "script" and values.get("type", "").lower() == "application/ld+json":
            self._ld = []

    def script_data(self, data: str) -> None:
        if self._ld is not None:
            self._ld.append(data)

    def script_end(self) -> None:
        if self._ld is None:
            return
        text, self._ld = "".join(self._ld), None
        if len(text) > MAX_LD_CHARS:
            return
        try:
            self._walk(json.loads(text), depth=0)
        except (ValueError, RecursionError):
            pass  # a broken JSON-LD block is common and costs only itself

    def _walk(self, node, depth: int) -> None:
        if depth > 8:
            return
        if isinstance(node, list):
            for item in node:
                self._walk(item, depth + 1)
        elif isinstance(node, dict):
            if isinstance(node.get("datePublished"), str):
                self.ld_dates.append(node["datePublished"])
            publisher = node.get("publisher")
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                self.ld_publishers.append(publisher["name"])
            for key in ("@graph", "mainEntity", "mainEntityOfPage"):
                if isinstance(node.get(key), (list, dict)):
                    self._walk(node[key], depth + 1)

    @property
    def date(self) -> str | None:
        """The page's publication date, normalized (dates.document_date), or None."""
        candidates = [self.found.get(name) for name in DATE_NAMES[:3]] + self.ld_dates
        candidates += [self.found.get(name) for name in DATE_NAMES[3:]] + [self.time_datetime]
        for value in candidates:
            parsed = document_date(value) if value else None
            if parsed:
                return parsed
        return None

    @property
    def site_name(self) -> str | None:
        for value in [self.found.get(name) for name in SITE_NAMES] + self.ld_publishers:
            if value and value.strip():
                return " ".join(value.split())
        return None

    @property
    def url(self) -> str | None:
        for value in (self.found.get("og:url"), self.canonical):
            if value and value.strip().lower().startswith(("http://", "https://")):
                return value.strip()
        return None
