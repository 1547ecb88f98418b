"""What the engine answers: plain data, with marked text as segments.

The engine decides *what* matched; how a mark looks is the caller's business:
the web wraps marked segments in ``<mark>`` (a Jinja filter), the CLI colours
them, and ``to_json()`` writes the JSON object `kavosh search --json` and
`/api/search` have always printed (snippets as HTML-escaped text with
``<mark>``), so the two outputs still cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import snippets
from .snippets import Segment, to_html

METADATA = ("url", "date", "date_origin", "source")  # stored fields passed through when present


def plain(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments)


def _metadata(fields: dict) -> dict:
    return {name: fields[name] for name in METADATA if fields.get(name)}


class _Stored:
    """What a hit and a whole document share: a marked title, and url, date and source
    (None when absent, in JSON only when present)."""

    title: list[Segment]
    url: str | None
    date: str | None
    date_origin: str | None
    source: str | None

    @property
    def title_text(self) -> str:
        return plain(self.title)

    def _metadata_json(self) -> dict:
        return {name: getattr(self, name) for name in METADATA if getattr(self, name)}


@dataclass
class Similar:
    """A hit folded into a better-ranked near-duplicate: enough to list and link it."""

    id: str
    title: str
    source: str | None = None
    date: str | None = None
    date_origin: str | None = None
    url: str | None = None

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title,
                **{name: getattr(self, name) for name in METADATA if getattr(self, name)}}


@dataclass
class Hit(_Stored):
    id: str
    path: str | None
    title: list[Segment]
    lang: str
    score: float
    snippet: list[Segment]
    variants: list[str]  # the document's spellings found only as cross-script variants
    url: str | None = None
    date: str | None = None  # normalized Gregorian ISO-8601 (index/dates.py); never formatted here
    date_origin: str | None = None  # "document", or "mtime": the file's time stands in
    source: str | None = None
    similar: list[Similar] = field(default_factory=list)  # near-duplicates folded into this hit
    page: int | None = None  # the page the snippet is on, in a document with pages (a PDF)

    def to_json(self) -> dict:
        return {"id": self.id, "path": self.path, "title": self.title_text,
                "title_html": to_html(self.title), "lang": self.lang,
                "score": self.score, "snippet": to_html(self.snippet), "variants": self.variants,
                **self._metadata_json(), **({"page": self.page} if self.page else {}),
                "similar": [s.to_json() for s in self.similar]}


@dataclass
class SearchResult:
    query: str
    offset: int
    limit: int
    lang: str | None
    exact: bool
    ignored_words: list[str]
    total: int = 0
    took_ms: float = 0.0
    hits: list[Hit] = field(default_factory=list)
    langs: dict[str, int] = field(default_factory=dict)  # = facets["lang"], kept for compatibility
    timed_out: bool = False
    since: str | None = None  # the filters as the engine understood them: ISO days
    until: str | None = None
    sources: list[str] = field(default_factory=list)
    unknown_sources: list[str] = field(default_factory=list)  # asked for, but no document has them
    sort: str = "relevance"
    # {"lang": {code: n}, "source": [[name, n]…] (top 20), "year": {"2020": n},
    #  "month": {"2020-02": n} (only when since and until fall in one year)}; each facet's
    # counts ignore that facet's own filter (search/facets.py).
    facets: dict = field(default_factory=lambda: {"lang": {}, "source": [], "year": {}})
    collapse: bool = True  # near-duplicates folded into the hit they resemble
    folded: int = 0  # hits folded into this page's hits (each listed in its hit's `similar`)
    # per Latin name of the query: {"word", "spellings": searched as, "hints": to try when
    # none was sure} (search/latin_names.py)
    latin_names: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"query": self.query, "total": self.total, "took_ms": self.took_ms,
                "offset": self.offset, "limit": self.limit, "lang": self.lang, "exact": self.exact,
                "since": self.since, "until": self.until, "sources": self.sources,
                "unknown_sources": self.unknown_sources,
                "sort": self.sort, "collapse": self.collapse, "folded": self.folded,
                "hits": [hit.to_json() for hit in self.hits],
                "langs": self.langs, "facets": self.facets,
                "timed_out": self.timed_out, "ignored_words": self.ignored_words,
                "latin_names": self.latin_names}


@dataclass
class Document(_Stored):
    id: str
    path: str | None
    lang: str
    title: list[Segment]
    body: list[Segment]
    matches: int  # marked words in title and body
    variants: list[str]
    url: str | None = None
    date: str | None = None  # normalized Gregorian ISO-8601 (index/dates.py); never formatted here
    date_origin: str | None = None  # "document", or "mtime": the file's time stands in
    source: str | None = None

    def to_json(self) -> dict:
        return {"id": self.id, "path": self.path, "title": self.title_text, "lang": self.lang,
                "body": plain(self.body), "title_html": to_html(self.title),
                "body_html": to_html(self.body), "matches": self.matches,
                "variants": self.variants, **self._metadata_json()}


def document_from(fields: dict, title: list[Segment], body: list[Segment], matches: int,
                  variants: list[str]) -> Document:
    return Document(id=fields["id"], path=fields.get("path"), lang=fields.get("lang", "other"),
                    title=title, body=body, matches=matches, variants=variants, **_metadata(fields))


def marked_document(fields: dict, terms, keys, phrases, analyzer) -> Document:
    """A stored document with every match of the query's ``terms``, variant ``keys`` and
    verbatim ``phrases`` marked, its text re-analysed as ``analyzer`` indexed it."""
    body, title = fields.get("body", ""), fields.get("title", "")
    as_indexed = {"lang": fields.get("lang"), "analyzer": analyzer, "phrases": phrases}
    body_spans = snippets.match_spans(body, terms, keys, **as_indexed)
    title_spans = snippets.match_spans(title, terms, keys, **as_indexed)
    return document_from(fields, snippets.segments(title, title_spans),
                         snippets.segments(body, body_spans),
                         matches=len(body_spans) + len(title_spans),
                         variants=snippets.variant_words(body, body_spans))


def hit_from(fields: dict, score: float, title: list[Segment], snippet: list[Segment],
             variants: list[str], page: int | None = None) -> Hit:
    return Hit(id=fields["id"], path=fields.get("path"), title=title,
               lang=fields.get("lang", "other"), score=score, snippet=snippet, variants=variants,
               page=page, **_metadata(fields))


def similar_from(fields: dict) -> Similar:
    return Similar(id=fields["id"], title=fields.get("title", ""), **_metadata(fields))
