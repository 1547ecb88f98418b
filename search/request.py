"""What a search request may ask, and the first steps every backend takes with it.

The whoosh engine (search/engine.py) and the OpenSearch one
(search/opensearch/engine.py) answer the same requests with the same
``SearchResult``: checking the values, reading the filters, parsing the query
and choosing how many hits to fetch live here once, so the two cannot drift.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from kavosh.index.errors import QueryError

from . import collapse as near_dups
from . import ranking
from .facets import SORTS, Filters, request_filters, result_day
from .matching import LANGUAGES, Deadline
from .query import MAX_QUERY_CHARS, QueryParser
from .results import SearchResult

MODES = ("all", "any")
MAX_LIMIT = 100
MAX_OFFSET = 10_000


def check_request(*, query: str | None = None, limit: int | None = None,
                  offset: int | None = None, lang: str | None = None, mode: str | None = None,
                  sort: str | None = None) -> None:
    """Refuse out-of-bounds request values with a QueryError saying the allowed range.

    The one place the CLI's options and the web's parameters are checked: each
    edge only turns text into values and this error into its exit code or 400.
    """
    if query is not None and len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset is not None and not 0 <= offset <= MAX_OFFSET:
        raise QueryError(f"offset must be between 0 and {MAX_OFFSET}, not {offset}")
    if lang is not None and lang not in LANGUAGES:
        raise QueryError(f"unknown language {str(lang)[:20]!r}: use one of {', '.join(LANGUAGES)}")
    if mode is not None and mode not in MODES:
        raise QueryError(f"mode must be 'all' or 'any', not {str(mode)[:20]!r}")
    if sort is not None and sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {str(sort)[:20]!r}")


class QueryEngine:
    """What both engines share around their searches: parsing a query exactly as the
    index analysed its documents, and ``with engine:`` calling the engine's ``close``."""

    analyzer = None  # the index's body analyzer, set by the engine

    def _make_parsers(self, options: dict) -> None:
        """One parser per mode and per cross-script variants on or off (``exact``);
        ``options``: QueryParser keywords (the index's analyzers, experiments' settings)."""
        self._parsers = {(mode, variants): QueryParser(mode, variants=variants, **options)
                         for mode in MODES for variants in (True, False)}

    def parse(self, text: str, mode: str = "all", exact: bool = False):
        """The parsed query, with the words it searches for (``words``: search/ranking.py's
        ``QueryWord``s) and its stop words' positions (``stopped``) that ranking reads."""
        parsed = self._parsers[(mode, not exact)].parse(text)
        parsed.words, parsed.stopped = ranking.query_words(parsed, self.analyzer)
        return parsed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@dataclass
class Search:
    """One search under way: its parsed query, filters, deadline and the result it fills."""

    parsed: object  # the engine's ``parse``: a ParsedQuery with ``words`` and ``stopped``
    filters: Filters
    deadline: Deadline
    result: SearchResult
    started: float  # time.perf_counter() when it began
    want: int  # offset + limit: hits as shown, up to the end of the page
    fetch: int  # ranked hits to fetch: enough to fold near-duplicates and rescore proximity

    def done(self) -> SearchResult:
        """The result, with the time the whole search took."""
        self.result.took_ms = elapsed_ms(self.started)
        return self.result


def start_search(engine, text: str, *, limit: int, offset: int, lang: str | None, mode: str,
                 exact: bool, time_limit: float | None, since, until, sources, sort: str,
                 collapse: bool) -> Search:
    """Check and parse one ``search`` request of either engine (their arguments)."""
    check_request(limit=limit, offset=offset, lang=lang, mode=mode, sort=sort)
    filters = request_filters(lang, since, until, sources)
    started = time.perf_counter()
    deadline = Deadline(time_limit)
    parsed = engine.parse(text, mode, exact)
    result = SearchResult(query=text, offset=offset, limit=limit, lang=lang, exact=exact,
                          ignored_words=parsed.dropped, since=result_day(filters.since),
                          until=result_day(filters.until), sources=list(filters.sources), sort=sort,
                          collapse=collapse)
    want = offset + limit
    fetch = near_dups.most_fetched(want) if collapse else want
    if sort == "relevance" and len(parsed.words) > 1:
        fetch = max(fetch, ranking.PROXIMITY_WINDOW)
    return Search(parsed, filters, deadline, result, started, want, fetch)


def elapsed_ms(started: float) -> float:
    """Milliseconds since ``started`` (a time.perf_counter() reading), as results report them."""
    return round((time.perf_counter() - started) * 1000, 1)
