"""Exporting every hit of a search, in rank order, as CSV or JSON Lines, in bounded memory.

``Engine.export`` scores every match once into two compact arrays (score,
docnum: 12 bytes a match), sorts them as ``Engine.search`` ranks, and then
reads each document's stored fields only while its row is written, so an
export of the whole archive holds one document at a time, never all hits.
The CLI (`kavosh search --format csv --all`) and the API
(`/api/search.csv`, `/api/search.jsonl`) both write these rows.

Time: matching runs under the caller's time limit (the CLI's --time-limit,
the web's export limit), and a match list cut short is an error, not a
silently partial file.  Writing the rows has no limit: it takes as long as
the reader keeps reading.
"""

from __future__ import annotations

import csv
import io
import json
from array import array
from collections.abc import Iterator

from whoosh.collectors import ScoredCollector
from whoosh.searching import TimeLimit

from kavosh.index.errors import KavoshError, QueryError

from . import ranking, snippets
from .facets import Bounds, Filters, date_priority, tables
from .matching import Deadline, DeadlineChecks, expand
from .results import plain

COLUMNS = ("rank", "id", "title", "source", "date", "url", "lang", "score", "snippet")
FORMATS = ("csv", "jsonl")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
# Excel reads a CSV file as the machine's legacy code page unless it starts
# with a byte-order mark; LibreOffice takes the mark as "UTF-8" too.
BOM = "\ufeff"
ROWS_PER_CHUNK = 64  # rows written per piece of a streamed response


class ExportTooSlow(KavoshError):
    """Finding every match took longer than the export's time limit."""


class AllMatches(DeadlineChecks, ScoredCollector):
    """(score, docnum) of every match that passes the search's filters (language, sources,
    dates), scored as the search's collector scores.

    ``replace=0`` and no block quality, like the search's collector, so the
    scores (and so the order) are the search's.
    """

    def __init__(self, table, filters: Filters, deadline: Deadline):
        super().__init__(replace=0)
        self.table = table
        self.keeps = Bounds(table, filters).keeps
        self.deadline = deadline
        self.scores = array("d")
        self.docnums = array("q")

    def collect(self, sub_docnum):
        self.tick()
        if not self.keeps(self.offset + sub_docnum):
            return 0
        return super().collect(sub_docnum)

    def _collect(self, global_docnum, score):
        self.scores.append(score)
        self.docnums.append(global_docnum)
        return 0 - score

    def ranked(self, sort: str = "relevance") -> list[int]:
        """Positions into ``scores``/``docnums`` in the search's order: best first (ties in
        index order), or by date (``newest``/``oldest``, undated last) as the search sorts."""
        scores, docnums = self.scores, self.docnums
        if sort == "relevance":
            return sorted(range(len(scores)), key=lambda i: (-scores[i], docnums[i]))
        dates = self.table.dates
        return sorted(range(len(scores)),
                      key=lambda i: (-date_priority(dates[docnums[i]], sort), -scores[i], docnums[i]))

    def results(self):  # whoosh's interface; the export reads ``ranked()`` instead
        raise NotImplementedError


def check_range(offset: int, limit: int | None) -> None:
    """An export's rows start at ``offset`` and run ``limit`` long (None: to the end)."""
    if offset < 0:
        raise QueryError(f"offset must be 0 or more, not {offset}")
    if limit is not None and limit < 1:
        raise QueryError(f"limit must be 1 or more, not {limit} (leave it out to export every hit)")


def match_all(searcher, query, filters: Filters, deadline: Deadline, seconds: float | None) -> AllMatches:
    """Score every match of ``query``; an export cut short by the deadline is refused."""
    collector = AllMatches(tables(searcher), filters, deadline)
    try:
        searcher.search_with_collector(query, collector)
    except TimeLimit:
        raise ExportTooSlow(
            f"finding every match took longer than {seconds:g} s, so nothing was exported: "
            "narrow the query (more words, a language) or allow more time") from None
    return collector


def start(held, parsed, *, filters: Filters, sort: str, offset, limit, time_limit,
          snippet_width, analyzer=None) -> "Export":
    """Find every match of ``parsed`` on the searcher ``held`` (an ``Engine.searching()``
    context, entered here and left when the export is closed) and return its rows."""
    searcher = held.__enter__()
    try:
        matches, terms, keys = None, parsed.terms, parsed.variant_keys
        if not parsed.empty:
            deadline = Deadline(time_limit)
            try:
                query, terms, keys = expand(parsed, searcher, deadline)
            except TimeLimit:
                raise ExportTooSlow(
                    f"listing the words the query's patterns stand for took longer than "
                    f"{time_limit:g} s: use more letters before each '*'") from None
            matches = match_all(searcher, query, filters, deadline, time_limit)
            if sort == "relevance":  # the search's proximity rescoring of its top hits
                ranking.rescore_matches(searcher, matches, getattr(parsed, "words", ()),
                                        getattr(parsed, "stopped", frozenset()))
    except BaseException:
        held.__exit__(None, None, None)
        raise
    return Export(searcher, matches, offset, limit, terms, keys, snippet_width, sort,
                  release=lambda: held.__exit__(None, None, None), analyzer=analyzer,
                  phrases=parsed.verbatim_phrases)


class Export:
    """The rows of one export, read from the searcher it was matched on.

    Iterate once; ``close()`` (also at the end of iteration, and by the web
    server when a download is cut off) lets the searcher go.
    """

    def __init__(self, searcher, matches: AllMatches | None, offset: int, limit: int | None,
                 terms, variant_keys, snippet_width: int, sort: str, release, analyzer=None,
                 phrases=()):
        self.searcher = searcher
        self.analyzer = analyzer  # the index's own chain, to find the words as indexed
        order = matches.ranked(sort) if matches is not None else []
        self.total = len(order)
        end = None if limit is None else offset + limit
        self._order = order[offset:end]
        self._matches = matches
        self.offset = offset
        self.terms, self.variant_keys = terms, variant_keys
        self.phrases = phrases  # the query's quoted words: the snippet is where they stand
        self.snippet_width = snippet_width
        self._release = release

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[dict]:
        try:
            for rank, i in enumerate(self._order, self.offset + 1):
                yield self._row(rank, self._matches.scores[i], self._matches.docnums[i])
        finally:
            self.close()

    def _row(self, rank: int, score: float, docnum: int) -> dict:
        fields = self.searcher.stored_fields(docnum)
        body = fields.get("body", "")
        # The snippet is plain text, so which words are variants does not show: look for
        # cross-script variants (the costly part) only where the words themselves are not.
        as_indexed = {"lang": fields.get("lang"), "analyzer": self.analyzer, "phrases": self.phrases}
        spans = snippets.match_spans(body, self.terms, limit=snippets.SCAN_CHARS, **as_indexed)
        if not spans and self.variant_keys:
            spans = snippets.match_spans(body, self.terms, self.variant_keys, limit=snippets.SCAN_CHARS,
                                         **as_indexed)
        snippet = plain(snippets.snippet_segments(body, self.terms, self.snippet_width, spans=spans))
        return {"rank": rank, "id": fields["id"], "title": fields.get("title", ""),
                "source": fields.get("source"), "date": fields.get("date"), "url": fields.get("url"),
                "lang": fields.get("lang", "other"), "score": round(float(score), 4),
                "snippet": snippet}

    def close(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def csv_chunks(rows, bom: bool = True) -> Iterator[str]:
    """The header, then every row, as CSV text (the BOM first); a few rows per piece."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write(BOM)
    writer.writerow(COLUMNS)
    for n, row in enumerate(rows, 1):
        writer.writerow([_cell(row[c]) for c in COLUMNS])
        if n % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def jsonl_chunks(rows) -> Iterator[str]:
    """One JSON object (UTF-8, the columns as keys) per line; a few rows per piece."""
    lines = []
    for row in rows:
        lines.append(json.dumps(row, ensure_ascii=False) + "\n")
        if len(lines) == ROWS_PER_CHUNK:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def chunks(fmt: str, rows) -> Iterator[str]:
    if fmt == "csv":
        return csv_chunks(rows)
    if fmt == "jsonl":
        return jsonl_chunks(rows)
    raise QueryError(f"unknown export format {str(fmt)[:20]!r}: use csv or jsonl")


def _cell(value) -> str | int | float:
    """A CSV cell.  Text that a spreadsheet would run as a formula (a document titled
    ``=HYPERLINK(…)``) gets a leading apostrophe, as OWASP advises: the documents are
    not ours, and opening an export must not run what they say."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return "'" + value
    return value


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
