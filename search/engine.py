"""Searching an index: the one place the CLI and the web ask questions of it.

``Engine.search`` returns the JSON object both `kavosh search --json` and
`/api/search` print, so the two can never drift apart.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.collectors import TimeLimitCollector
from whoosh.scoring import BM25F
from whoosh.searching import TimeLimit

from index.errors import IncompatibleIndex, IndexNotFound, QueryError
from index.roots import load_roots
from index.schema import INDEX_NAME, read_meta

from . import snippets
from .query import QueryParser

LANGUAGES = ("fa", "ar", "mixed", "other")
MAX_LIMIT = 100
MAX_OFFSET = 10_000
# BM25 parameters: k1 saturates repeated terms, b normalizes document length.
# b = 0.9 (not the usual 0.75): short passages meet long news articles, and
# stronger length normalization won +0.04 MRR@10 with news distractors on both
# dev sets without costing the passages alone (bench/eval.py).
BM25_B = 0.9
BM25_K1 = 1.2


class Engine:
    """An opened Kavosh index, safe to share between threads (the web server's).

    Each thread keeps one whoosh searcher and reuses it while the index is
    unchanged: opening one per search cost the web server half its throughput
    (every segment file opened and mapped per request); a new commit is
    picked up by ``refresh()`` on the next search.
    """

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.ix = open_index(self.index_dir)
        self.weighting = BM25F(B=BM25_B, K1=BM25_K1)
        self._parsers = {(mode, variants): QueryParser(mode, variants=variants)
                         for mode in ("all", "any") for variants in (True, False)}
        self._local = threading.local()
        self._searchers: list = []
        self._lock = threading.Lock()

    @contextmanager
    def _searching(self):
        """This thread's searcher, up to date with the index's latest commit."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None or not searcher.up_to_date():
            fresh = self.ix.searcher(weighting=self.weighting) if searcher is None else searcher.refresh()
            with self._lock:
                if searcher is not None and fresh is not searcher:
                    self._searchers.remove(searcher)
                    searcher.close()
                if fresh is not searcher:
                    self._searchers.append(fresh)
            self._local.searcher = searcher = fresh
        yield searcher

    def close(self):
        with self._lock:
            for searcher in self._searchers:
                searcher.close()
            self._searchers.clear()
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
        """
        check_bounds(limit, offset, lang)
        started = time.perf_counter()
        parsed = self.parse(text, mode, exact)
        result = {
            "query": text, "total": 0, "took_ms": 0.0, "offset": offset, "limit": limit,
            "lang": lang, "exact": exact, "hits": [], "langs": {}, "timed_out": False,
            "ignored_words": parsed.dropped,
        }
        if parsed.empty:
            result["took_ms"] = _ms(started)
            return result
        with self._searching() as searcher:
            terms, variant_keys = self._highlight_terms(parsed, searcher)
            filt = Q.Term("lang", lang) if lang else None
            want = offset + limit
            collector = searcher.collector(limit=want, filter=filt)
            if time_limit:
                collector = TimeLimitCollector(collector, timelimit=time_limit)
            try:
                searcher.search_with_collector(parsed.query, collector)
            except TimeLimit:
                result["timed_out"] = True
            results = collector.results()
            result["total"] = results.scored_length() if result["timed_out"] else len(results)
            for hit in results[offset:want]:
                result["hits"].append(self._hit(hit, terms, variant_keys, snippet_width))
            result["langs"] = self._language_counts(searcher, parsed.query)
        result["took_ms"] = _ms(started)
        return result

    def _highlight_terms(self, parsed, searcher) -> tuple[set[str], set[str]]:
        """(terms, variant skeletons) to mark: the query's own, plus what its prefixes,
        wildcards and fuzzy variants expand to in this index."""
        reader = searcher.reader()
        return (_expand(parsed.terms, parsed.patterns, reader),
                _expand(parsed.variant_keys, parsed.fuzzy, reader))

    def _language_counts(self, searcher, query) -> dict[str, int]:
        """How many documents match in each language (for the language filter)."""
        results = searcher.search(query, limit=None, scored=False, groupedby="lang")
        return {lang: len(docs) for lang, docs in sorted(results.groups("lang").items())}

    def _hit(self, hit, terms, variant_keys, width) -> dict:
        fields = hit.fields()
        body = fields.get("body", "")
        spans = snippets.match_spans(body, terms, variant_keys)
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
        with self._searching() as searcher:
            docnum = next(iter(searcher.document_numbers(id=doc_id)), None)
            if docnum is None:
                return None
            fields = searcher.stored_fields(docnum)
            terms, keys = set(), set()
            if query and query.strip():
                terms, keys = self._highlight_terms(self.parse(query, exact=exact), searcher)
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

    def stats(self) -> dict:
        meta = read_meta(self.index_dir) or {}
        with self._searching() as searcher:
            reader = searcher.reader()
            langs: dict[str, int] = {}
            per_root: dict[str, int] = {}
            for stored in searcher.all_stored_fields():
                langs[stored.get("lang", "other")] = langs.get(stored.get("lang", "other"), 0) + 1
                per_root[stored.get("root")] = per_root.get(stored.get("root"), 0) + 1
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
            # Every folder or file given to `kavosh index`, its documents and id prefix.
            "roots": [{"path": r.path, "kind": r.kind, "prefix": r.prefix,
                       "documents": per_root.get(r.path, 0), "exists": os.path.exists(r.path)}
                      for r in load_roots(meta)],
            "analyzer_version": meta.get("analyzer_version"),
        }


def _expand(words: set[str], patterns, reader, cap: int = 5000) -> set[str]:
    """``words`` plus the index terms that prefix/wildcard/fuzzy ``patterns`` stand for."""
    out = set(words)
    for pattern in patterns:
        for _field, text in pattern.existing_terms(reader, expand=True):
            out.add(text.decode("utf-8") if isinstance(text, bytes) else text)
            if len(out) > cap:
                return out
    return out


def open_index(index_dir: Path):
    """Open the index for reading, or raise a one-line error saying what to do."""
    index_dir = Path(index_dir)
    meta = read_meta(index_dir)
    if not index_dir.is_dir() or (meta is None and not any(index_dir.glob("*.toc"))):
        raise IndexNotFound(
            f"no index at {index_dir}: run `kavosh index PATH` first (or pass --index DIR)"
        )
    exists = whoosh_index.exists_in(str(index_dir), indexname=INDEX_NAME)
    if meta is None and exists:  # the metadata is written last: the first run was killed
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
