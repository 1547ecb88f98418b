"""Searching an index: the one place the CLI and the web ask questions of it.

``Engine.search`` returns the JSON object both `kavosh search --json` and
`/api/search` print, so the two can never drift apart.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.searching import TimeLimit

from kavosh.index.errors import IncompatibleIndex, IndexNotFound, QueryError
from kavosh.index.fingerprint import check as check_analysis
from kavosh.index.ranking import BM25_B, BM25_K1  # noqa: F401  (kavosh.engine.BM25_B: bench/)
from kavosh.index.schema import INDEX_NAME, index_exists, read_meta
from kavosh.index.store import writer_running

from . import collapse as near_dups
from . import export, latin_names, ranking, snippets
from .facets import FacetedTop, request_filters, tables
from .index_stats import describe
from .matching import Deadline, TopAndCounts, expand, language_table
from .query import exact_analyzer_of
from .request import (MAX_LIMIT, MAX_OFFSET, MODES, QueryEngine, check_request,  # noqa: F401
                      elapsed_ms, start_search)  # (MAX_*, MODES, check_request: kavosh.engine's API)
from .scoring import CachedLengthBM25F
from .vocabulary import Vocabulary
from .results import Document, Hit, SearchResult, hit_from, marked_document, similar_from

# Seconds the highlighting of one whole document may spend listing what its
# query's prefixes and variants stand for.
DOCUMENT_TIME = 5.0
OPEN_ATTEMPTS = 5  # tries to open a searcher while commits replace the files under it


class Engine(QueryEngine):
    """An opened Kavosh index, safe to share between threads (the web server's).

    Each thread keeps one whoosh searcher and reuses it while the index is
    unchanged: opening one per search cost the web server half its
    throughput (every segment file opened and mapped per request).  When
    the index has a newer commit the thread opens a *fresh* searcher, never
    ``refresh()``: whoosh's refresh reuses the unchanged segment readers, so
    closing the old searcher closed the new one's readers too (every search
    after a re-index failed with ReaderClosed), and after a ``--rebuild`` it
    could keep the old document count.  A searcher of an older commit is
    closed as soon as no thread is using it.
    """

    def __init__(self, index_dir: Path, weighting=None, *, parser_options: dict | None = None):
        """``weighting``: a whoosh scoring model instead of Kavosh's BM25F;
        ``parser_options``: ``QueryParser`` keywords (both for experiments)."""
        self.index_dir = Path(index_dir)
        self.ix = open_index(self.index_dir)
        self.weighting = weighting or CachedLengthBM25F(B=BM25_B, K1=BM25_K1)
        # The chain this index was built with (pickled in its schema): queries
        # and highlights are analysed exactly as its documents were, whatever
        # options built it.
        self.analyzer = self.ix.schema["body"].analyzer
        options = {"analyzer": self.analyzer, "exact_analyzer": exact_analyzer_of(self.ix.schema),
                   **(parser_options or {})}
        self._make_parsers(options)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._users: dict = {}  # open searcher → threads using it now
        self._generation: dict = {}  # open searcher → the commit it reads
        self._latest = -1  # newest commit any searcher has opened
        self.vocabulary = Vocabulary(self)

    @contextmanager
    def searching(self):
        """This thread's searcher, of the index's latest commit (suggestions use it too)."""
        local = self._local
        depth = getattr(local, "depth", 0)
        with self._lock:
            searcher = getattr(local, "searcher", None)
            if searcher not in self._users:
                searcher = None  # retired and closed while this thread was idle
            else:
                self._users[searcher] += 1
        if searcher is not None and depth == 0 and not self._is_latest(searcher):
            self._release(searcher)
            searcher = None
        if searcher is None:
            searcher = self._open_searcher()
        local.searcher, local.depth = searcher, depth + 1
        try:
            yield searcher
        finally:
            local.depth = depth
            self._release(searcher)

    def _is_latest(self, searcher) -> bool:
        try:
            return self.ix.latest_generation() == self._generation[searcher]
        except (OSError, KeyError):
            return False  # the folder changed under us: open afresh, which says what is wrong

    def _open_searcher(self):
        """A new searcher of the latest commit, registered as used by this thread."""
        for attempt in range(OPEN_ATTEMPTS):
            try:
                searcher = self.ix.searcher(weighting=self.weighting)
            except Exception:
                # Removed, or replaced by another Kavosh version: open_index says which.
                self.ix = open_index(self.index_dir)
                searcher = self.ix.searcher(weighting=self.weighting)
            try:
                _open_lazy_files(searcher)
                break
            except OSError:  # a commit deleted this generation's files as we opened them
                searcher.close()
                if attempt == OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.05)
        generation = searcher.reader().generation()
        if generation is None:  # an index with no segments: its reader has no generation
            generation = self.ix.latest_generation()
        with self._lock:
            self._users[searcher] = 1
            self._generation[searcher] = generation
            if generation > self._latest:
                self._latest = generation
                for other in [s for s, n in self._users.items() if n == 0]:
                    self._close(other)
        return searcher

    def _release(self, searcher) -> None:
        with self._lock:
            self._users[searcher] -= 1
            if self._users[searcher] == 0 and self._generation[searcher] < self._latest:
                self._close(searcher)

    def _close(self, searcher) -> None:
        """Close an unused searcher (the caller holds the lock)."""
        del self._users[searcher], self._generation[searcher]
        searcher.close()

    def close(self):
        with self._lock:
            for searcher in list(self._users):
                self._close(searcher)
        self.ix.close()

    # --- searching ------------------------------------------------------

    def search(self, text: str, *, limit: int = 10, offset: int = 0, lang: str | None = None,
               mode: str = "all", exact: bool = False, time_limit: float | None = None,
               snippet_width: int = 240, since=None, until=None, sources=(),
               sort: str = "relevance", collapse: bool = True) -> SearchResult:
        """Ranked hits for ``text``; ``.to_json()`` is the object of `kavosh search --json`.

        ``exact`` turns off cross-script variants (ترامپ finding ترامب).
        ``since``/``until``: dates, datetimes or text such as ``2024``,
        ``2024-11``, ``1403/08/14`` (index/dates.py: ``until`` includes its
        whole period); ``sources``: source names, any of which a hit may
        have; ``sort``: relevance, newest or oldest (undated hits last).
        ``collapse`` folds near-duplicates (search/collapse.py) into the best-
        ranked hit they resemble, listed in its ``similar``; ``offset`` and
        ``limit`` then count hits as shown, and ``total`` stays the number of
        matching documents (what the language counts add up to).
        ``time_limit`` (seconds) bounds the whole search: expanding patterns,
        matching, counting and snippets.  A search cut short says
        ``timed_out`` and returns what it found by then.
        """
        run = start_search(self, text, limit=limit, offset=offset, lang=lang, mode=mode,
                           exact=exact, time_limit=time_limit, since=since, until=until,
                           sources=sources, sort=sort, collapse=collapse)
        if run.parsed.empty:
            return run.done()
        parsed, filters, deadline, result = run.parsed, run.filters, run.deadline, run.result
        with self.searching() as searcher:
            collector = FacetedTop(run.fetch, tables(searcher), filters, deadline, sort)
            terms, variant_keys = parsed.terms, parsed.variant_keys
            try:
                query, terms, variant_keys = expand(parsed, searcher, deadline)
                result.latin_names = latin_names.report(parsed, searcher.reader())
                searcher.search_with_collector(query, collector)
            except TimeLimit:
                result.timed_out = True
            result.total = collector.matched
            result.facets = collector.facets()
            result.unknown_sources = [name for name in filters.sources
                                      if not collector.table.source_codes([name])]
            result.langs = result.facets["lang"]
            ranked = collector.results()
            if sort == "relevance" and not deadline.passed:  # past it, the hits as scored
                ranked.top_n = ranking.rescored(searcher, ranked.top_n, parsed.words, parsed.stopped)
            if collapse:
                column = near_dups.signatures(searcher)
                page = near_dups.page(lambda i: column[ranked.docnum(i)], ranked.scored_length(),
                                      offset, run.want)
            else:
                page = [(pos, []) for pos in range(offset, min(run.want, ranked.scored_length()))]
            marked = not deadline.passed
            places = (ranking.term_places(searcher, terms, [ranked.docnum(leader) for leader, _f in page])
                      if marked else None)
            for leader, folded in page:
                hit = self._hit(ranked[leader], terms, variant_keys, snippet_width,
                                marked=marked, phrases=parsed.verbatim_phrases, places=places)
                hit.similar = [similar_from(ranked[pos].fields()) for pos in folded]
                result.folded += len(folded)
                result.hits.append(hit)
        return run.done()

    def export(self, text: str, *, offset: int = 0, limit: int | None = None,
               lang: str | None = None, mode: str = "all", exact: bool = False,
               time_limit: float | None = None, snippet_width: int = 240, since=None, until=None,
               sources=(), sort: str = "relevance") -> export.Export:
        """Every hit of ``text`` (from ``offset``, ``limit`` of them; None: all), in
        ``search``'s rank order, as rows read one at a time (search/export.py).

        The same arguments as ``search``; never collapsed (an export is every
        hit).  ``time_limit`` bounds finding the matches, not writing the rows.
        The searcher stays open until the rows are read or ``close()``d.
        """
        check_request(query=text, lang=lang, mode=mode, sort=sort)
        export.check_range(offset, limit)
        filters = request_filters(lang, since, until, sources)
        parsed = self.parse(text, mode, exact)
        return export.start(self.searching(), parsed, filters=filters, sort=sort, offset=offset,
                            limit=limit, time_limit=time_limit, snippet_width=snippet_width,
                            analyzer=self.analyzer)

    def rank(self, text: str, *, mode: str = "any", limit: int = 100, exact: bool = False,
             rewrite=None) -> list[tuple[str, float]]:
        """(id, score) of the top ``limit`` documents, nothing else: what evaluation needs.

        The same parse, expansion and exhaustive scoring as ``search``, without
        snippets or a time limit; ``rewrite`` (an experiment) may change the
        whoosh query before it runs.
        """
        check_request(query=text, mode=mode)
        parsed = self.parse(text, mode, exact)
        if parsed.empty:
            return []
        with self.searching() as searcher:
            query, _terms, _keys = expand(parsed, searcher, Deadline(None))
            if rewrite is not None:
                query = query.rewritten(rewrite)  # the whoosh query inside AllScored
            collector = TopAndCounts(max(limit, ranking.PROXIMITY_WINDOW), language_table(searcher),
                                     None, Deadline(None))
            searcher.search_with_collector(query, collector)
            ids = _id_table(searcher)
            top = ranking.rescored(searcher, collector.results().top_n, parsed.words, parsed.stopped)
            return [(ids[docnum], float(score)) for score, docnum in top[:limit]]

    def _hit(self, hit, terms, variant_keys, width, marked=True, phrases=(), places=None) -> Hit:
        """One hit.  Past the deadline its snippet is the text's start, unmarked.
        ``phrases``: the query's verbatim (quoted) words, marked where they stand together;
        ``places``: docnum → where the index holds ``terms`` in the body (ranking.term_places)."""
        fields = hit.fields()
        body, title = fields.get("body", ""), fields.get("title", "")
        as_indexed = dict(self._as_indexed(fields), phrases=phrases)
        positions = None if places is None else places.get(hit.docnum)
        spans = snippets.match_spans(body, terms, variant_keys, limit=snippets.SCAN_CHARS,
                                     positions=positions, **as_indexed) if marked else []
        title_spans = snippets.match_spans(title, terms, variant_keys, **as_indexed) if marked else []
        return hit_from(fields, round(float(hit.score or 0.0), 4),
                        snippets.segments(title, title_spans),
                        snippets.snippet_segments(body, terms, width, spans=spans),
                        snippets.variant_words(body, spans)[:5],
                        page=snippets.snippet_page(body, spans, width))

    # --- documents ------------------------------------------------------

    def document(self, doc_id: str, query: str | None = None, exact: bool = False) -> Document | None:
        """One whole document, with every match of ``query`` marked; None if unknown.

        A query that does not parse marks nothing: the document is still shown
        (only a query over the length limit is refused, like a search's).
        """
        if query is not None:
            check_request(query=query)
        with self.searching() as searcher:
            docnum = next(iter(searcher.document_numbers(id=doc_id)), None)
            if docnum is None:
                return None
            fields = searcher.stored_fields(docnum)
            terms, keys, phrases = self._marking(searcher, query, exact)
        return marked_document(fields, terms, keys, phrases, self.analyzer)

    def _as_indexed(self, fields: dict) -> dict:
        """How to re-analyse a document's stored text to find the terms it was indexed by."""
        return {"lang": fields.get("lang"), "analyzer": self.analyzer}

    def _marking(self, searcher, query: str | None, exact: bool) -> tuple[set, set, list]:
        """(terms, variant keys, verbatim phrases) to mark for ``query`` in one document;
        empty if it does not parse."""
        if not query or not query.strip():
            return set(), set(), []
        try:
            parsed = self.parse(query, exact=exact)
        except QueryError:
            return set(), set(), []
        try:
            _query, terms, keys = expand(parsed, searcher, Deadline(DOCUMENT_TIME))
        except (TimeLimit, QueryError):  # mark the query's own words, not what its patterns stand for
            terms, keys = parsed.terms, parsed.variant_keys
        return terms, keys, parsed.verbatim_phrases

    # --- about the index ------------------------------------------------

    def documents(self):
        """Every stored document's fields (a dict each), in index order: what an export reads."""
        with self.searching() as searcher:
            for fields in searcher.reader().all_stored_fields():
                yield fields

    def variant_spellings(self, query) -> list[str]:
        """The variant-field terms a ``VariantMatch`` admits in this index (exports list them)."""
        with self.searching() as searcher:
            return list(query._btexts(searcher.reader()))

    def health(self) -> dict:
        """What /healthz reports, found by a real search: the top document of every
        document, its stored fields read, through the same searcher a query uses."""
        started = time.perf_counter()
        with self.searching() as searcher:
            documents = searcher.doc_count()
            top = searcher.search(Q.Every(), limit=1)
            if documents and not (len(top.top_n) and top[0].fields().get("id")):
                raise IncompatibleIndex(f"the index at {self.index_dir} answers but returns no documents")
            generation = self._generation[searcher]
        return {"documents": documents, "generation": generation, "search_ms": elapsed_ms(started)}

    def stats(self) -> dict:
        """What `kavosh stats --json` and /api/stats print (search/index_stats.py)."""
        with self.searching() as searcher:
            return describe(self.index_dir, searcher)


def _open_lazy_files(searcher) -> None:
    """Open now the segment files whoosh opens on first use (field lengths, stored fields).

    A later commit may delete this generation's files (a merge, a --rebuild);
    what is open stays readable, what is not yet opened would be gone
    (FileNotFoundError on `_title_len.col` mid-search).
    """
    for leaf, _offset in searcher.leaf_searchers():
        reader = leaf.reader()
        if not reader.doc_count_all():
            continue
        for name, field in reader.schema.items():
            if field.scorable:
                reader.doc_field_length(0, name)
        reader.stored_fields(0)
    near_dups.signatures(searcher)


def _id_table(searcher) -> list[str]:
    """docnum → document id, read once per searcher (ranking many questions needs no bodies)."""
    table = getattr(searcher, "_kavosh_ids", None)
    if table is None:
        table = searcher._kavosh_ids = [fields.get("id") for fields in searcher.all_stored_fields()]
    return table


def open_index(index_dir: Path):
    """Open the index for reading, or raise a one-line error saying what to do."""
    index_dir = Path(index_dir)
    meta = read_meta(index_dir)
    if not index_dir.is_dir() or (meta is None and not any(index_dir.glob("*.toc"))):
        raise IndexNotFound(
            f"no index at {index_dir}: run `kavosh index PATH` first (or pass --index DIR)"
        )
    exists = index_exists(index_dir)
    if meta is None and exists:  # the metadata is written last: the first run is running or was killed
        if writer_running(index_dir):
            raise IndexNotFound(f"the first `kavosh index` run on {index_dir} is still running: "
                                "search again when it has finished")
        raise IndexNotFound(
            f"the first `kavosh index` run on {index_dir} did not finish: "
            "run `kavosh index PATH` again"
        )
    if meta is None or not exists:
        raise IncompatibleIndex(
            f"the index at {index_dir} was written by an incompatible Kavosh version: "
            "run `kavosh index --rebuild PATH` to rebuild it"
        )
    try:
        ix = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME, readonly=True)
    except Exception as exc:  # a damaged or foreign index is the user's to fix, not a crash
        raise IncompatibleIndex(
            f"cannot open the index at {index_dir} ({exc.__class__.__name__}): "
            "run `kavosh index --rebuild PATH` to rebuild it"
        ) from None
    try:  # built by another analysis: say so rather than answer differently
        check_analysis(index_dir, meta, ix.schema)
    except IncompatibleIndex:
        ix.close()
        raise
    return ix
