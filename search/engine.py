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
from whoosh.scoring import BM25F
from whoosh.searching import TimeLimit

from kavosh.index.errors import IncompatibleIndex, IndexNotFound, QueryError
from kavosh.index.schema import INDEX_NAME, read_meta

from . import snippets
from .matching import LANGUAGES, Deadline, TopAndCounts, expand, language_table
from .query import QueryParser

MAX_LIMIT = 100
MAX_OFFSET = 10_000
# BM25 parameters: k1 saturates repeated terms, b normalizes document length.
# b = 0.9 (not the usual 0.75): short passages meet long news articles, and
# stronger length normalization won +0.04 MRR@10 with news distractors on both
# dev sets without costing the passages alone (bench/eval.py).
BM25_B = 0.9
BM25_K1 = 1.2
# Seconds the highlighting of one whole document may spend listing what its
# query's prefixes and variants stand for.
DOCUMENT_TIME = 5.0


class Engine:
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

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.ix = open_index(self.index_dir)
        self.weighting = BM25F(B=BM25_B, K1=BM25_K1)
        self._parsers = {(mode, variants): QueryParser(mode, variants=variants)
                         for mode in ("all", "any") for variants in (True, False)}
        self._local = threading.local()
        self._lock = threading.Lock()
        self._users: dict = {}  # open searcher → threads using it now
        self._generation: dict = {}  # open searcher → the commit it reads
        self._latest = -1  # newest commit any searcher has opened

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
        try:
            searcher = self.ix.searcher(weighting=self.weighting)
        except Exception:
            # Removed, or replaced by another Kavosh version: open_index says which.
            self.ix = open_index(self.index_dir)
            searcher = self.ix.searcher(weighting=self.weighting)
        generation = searcher.reader().generation()
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

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- searching ------------------------------------------------------

    def parse(self, text: str, mode: str = "all", exact: bool = False):
        return self._parsers[(mode, not exact)].parse(text)

    def search(self, text: str, *, limit: int = 10, offset: int = 0, lang: str | None = None,
               mode: str = "all", exact: bool = False, time_limit: float | None = None,
               snippet_width: int = 240) -> dict:
        """Ranked hits for ``text`` as the JSON-ready object of `kavosh search --json`.

        ``exact`` turns off cross-script variants (ترامپ finding ترامب).
        ``time_limit`` (seconds) bounds the whole search: expanding patterns,
        matching, counting and snippets.  A search cut short says
        ``timed_out: true`` and returns what it found by then.
        """
        check_bounds(limit, offset, lang)
        started = time.perf_counter()
        deadline = Deadline(time_limit)
        parsed = self.parse(text, mode, exact)
        result = {
            "query": text, "total": 0, "took_ms": 0.0, "offset": offset, "limit": limit,
            "lang": lang, "exact": exact, "hits": [], "langs": {}, "timed_out": False,
            "ignored_words": parsed.dropped,
        }
        if parsed.empty:
            result["took_ms"] = _ms(started)
            return result
        want = offset + limit
        with self.searching() as searcher:
            collector = TopAndCounts(want, language_table(searcher), lang, deadline)
            terms, variant_keys = parsed.terms, parsed.variant_keys
            try:
                query, terms, variant_keys = expand(parsed, searcher, deadline)
                searcher.search_with_collector(query, collector)
            except TimeLimit:
                result["timed_out"] = True
            result["total"] = collector.matched
            result["langs"] = collector.counts()
            for hit in collector.results()[offset:want]:
                result["hits"].append(self._hit(hit, terms, variant_keys, snippet_width,
                                                marked=not deadline.passed))
        result["took_ms"] = _ms(started)
        return result

    def _hit(self, hit, terms, variant_keys, width, marked=True) -> dict:
        """One hit as JSON.  Past the deadline its snippet is the text's start, unmarked."""
        fields = hit.fields()
        body = fields.get("body", "")
        spans = snippets.match_spans(body, terms, variant_keys, limit=snippets.SCAN_CHARS) if marked else []
        out = {
            "id": fields["id"],
            "path": fields.get("path"),
            "title": fields.get("title", ""),
            "lang": fields.get("lang", "other"),
            "score": round(float(hit.score or 0.0), 4),
            "snippet": snippets.snippet_html(body, terms, width, spans=spans),
            # The document's spellings found only as cross-script variants (ترامب for ترامپ).
            "variants": snippets.variant_words(body, spans)[:5],
        }
        for name in ("url", "date", "source"):
            if fields.get(name):
                out[name] = fields[name]
        return out

    # --- documents ------------------------------------------------------

    def _lookup(self, doc_id: str, query: str | None, exact: bool):
        """(stored fields, terms, variant keys) of one document and a query; None if unknown."""
        with self.searching() as searcher:
            docnum = next(iter(searcher.document_numbers(id=doc_id)), None)
            if docnum is None:
                return None
            fields = searcher.stored_fields(docnum)
            terms, keys = set(), set()
            if query and query.strip():
                parsed = self.parse(query, exact=exact)
                try:
                    _q, terms, keys = expand(parsed, searcher, Deadline(DOCUMENT_TIME))
                except TimeLimit:  # mark the query's own words, not what its patterns stand for
                    terms, keys = parsed.terms, parsed.variant_keys
        return fields, terms, keys

    def document(self, doc_id: str, query: str | None = None, exact: bool = False) -> dict | None:
        """One whole document, with every match of ``query`` marked; None if unknown.

        A query that does not parse marks nothing: the document is still shown.
        """
        try:
            found = self._lookup(doc_id, query, exact)
        except QueryError:
            found = self._lookup(doc_id, None, exact)
        if found is None:
            return None
        fields, terms, keys = found
        body, title = fields.get("body", ""), fields.get("title", "")
        body_spans = snippets.match_spans(body, terms, keys)
        title_spans = snippets.match_spans(title, terms, keys)
        doc = {
            "id": fields["id"], "path": fields.get("path"), "title": title,
            "lang": fields.get("lang", "other"), "body": body,
            "title_html": snippets.to_html(snippets.segments(title, title_spans)),
            "body_html": snippets.to_html(snippets.segments(body, body_spans)),
            "matches": len(body_spans) + len(title_spans),
            "variants": snippets.variant_words(body, body_spans),
        }
        for name in ("url", "date", "source"):
            if fields.get(name):
                doc[name] = fields[name]
        return doc

    def body_segments(self, doc_id: str, query: str | None, exact: bool = False):
        """(fields, title segments, body segments) for the terminal view of `kavosh show`."""
        found = self._lookup(doc_id, query, exact)
        if found is None:
            return None
        fields, terms, keys = found
        title, body = fields.get("title", ""), fields.get("body", "")
        return (fields,
                snippets.segments(title, snippets.match_spans(title, terms, keys)),
                snippets.segments(body, snippets.match_spans(body, terms, keys)))

    # --- about the index ------------------------------------------------

    def health(self) -> dict:
        """What /healthz reports, found by a real search: the top document of every
        document, its stored fields read, through the same searcher a query uses."""
        started = time.perf_counter()
        with self.searching() as searcher:
            documents = searcher.doc_count()
            top = searcher.search(Q.Every(), limit=1)
            if documents and not (len(top.top_n) and top[0].fields().get("id")):
                raise IncompatibleIndex(f"the index at {self.index_dir} answers but returns no documents")
            generation = searcher.reader().generation()
        return {"documents": documents, "generation": generation, "search_ms": _ms(started)}

    def stats(self) -> dict:
        meta = read_meta(self.index_dir) or {}
        with self.searching() as searcher:
            reader = searcher.reader()
            langs: dict[str, int] = {}
            for stored in searcher.all_stored_fields():
                langs[stored.get("lang", "other")] = langs.get(stored.get("lang", "other"), 0) + 1
            terms = {f: sum(1 for _ in reader.lexicon(f)) for f in ("title", "body")}
            doc_count = searcher.doc_count()
        size = sum(p.stat().st_size for p in self.index_dir.iterdir() if p.is_file())
        return {
            "index": str(self.index_dir),
            "documents": doc_count,
            "languages": dict(sorted(langs.items())),
            "terms": terms,
            "size_bytes": size,
            "updated": meta.get("updated"),
            "created": meta.get("created"),
            "roots": meta.get("roots", []),
            "analyzer_version": meta.get("analyzer_version"),
        }


def open_index(index_dir: Path):
    """Open the index for reading, or raise a one-line error saying what to do."""
    index_dir = Path(index_dir)
    meta = read_meta(index_dir)
    if not index_dir.is_dir() or (meta is None and not any(index_dir.glob("*.toc"))):
        raise IndexNotFound(
            f"no index at {index_dir}: run `kavosh index PATH` first (or pass --index DIR)"
        )
    if meta is None or not whoosh_index.exists_in(str(index_dir), indexname=INDEX_NAME):
        raise IncompatibleIndex(
            f"the index at {index_dir} was written by an incompatible Kavosh version: "
            "run `kavosh index --rebuild PATH` to rebuild it"
        )
    try:
        return whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME, readonly=True)
    except Exception as exc:  # a damaged or foreign index is the user's to fix, not a crash
        raise IncompatibleIndex(
            f"cannot open the index at {index_dir} ({exc.__class__.__name__}): "
            "run `kavosh index --rebuild PATH` to rebuild it"
        ) from None


def check_bounds(limit: int, offset: int, lang: str | None) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if not 0 <= offset <= MAX_OFFSET:
        raise QueryError(f"offset must be between 0 and {MAX_OFFSET}, not {offset}")
    if lang is not None and lang not in LANGUAGES:
        raise QueryError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
