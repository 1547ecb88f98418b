"""``OpenSearchEngine``: ``kavosh.engine.Engine``'s public API, answered by an OpenSearch cluster.

The query is parsed and compiled by Kavosh's own parser (search/query.py)
and translated to the DSL (search/opensearch/dsl.py); filters go into a
``post_filter`` and each facet is an aggregation under the *other* filters
(search/facets.py's rule: a facet's counts ignore its own filter); hits come
back with their stored texts, and snippets, marks, near-duplicate folding and
the result object are made by the same code as the whoosh engine's
(search/snippets.py, search/collapse.py, search/results.py), so
``SearchResult.to_json()`` has the same shape on both backends.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from whoosh.searching import TimeLimit

from kavosh import collapse as near_dups
from kavosh import export, latin_names, ranking, snippets
from kavosh.facets import request_filters
from kavosh.index.errors import IncompatibleIndex, QueryError
from kavosh.index.sources import source_key
from kavosh.index_stats import stats_object
from kavosh.matching import Deadline
from kavosh.request import QueryEngine, check_request, elapsed_ms, start_search
from kavosh.results import SearchResult, hit_from, marked_document, similar_from
from kavosh.vocabulary import Vocabulary

from . import dsl, mapping
from .facets import SORTS, facet_aggregations, facets_from, filters_clauses, filter_of
from . import ranking as os_ranking
from .connection import DEFAULT_ALIAS, connect, opened_index
from .errors import OpenSearchError, refused
from .vocabulary import CachedVocabulary
from .views import STORED, Matches, Reader, Searcher, fields_of

EXPORT_PAGE = 2_000
SEARCH_ATTEMPTS = 4


class OpenSearchEngine(QueryEngine):
    """The index behind ``alias`` on the cluster at ``url``; safe to share between threads."""

    def __init__(self, url: str, *, alias: str = DEFAULT_ALIAS, client=None):
        from kavosh.index.schema import build_schema

        self.url, self.alias = url, alias
        self.client = client or connect(url)
        self.fingerprint = mapping.fingerprint()
        self.index, self.meta = opened_index(self.client, alias, self.fingerprint, url)
        settings = self.client.indices.get_settings(index=self.index)[self.index]["settings"]["index"]
        self.shards = int(settings.get("number_of_shards", 1))
        self.schema = build_schema()
        self.analyzer = self.schema["body"].analyzer
        options = {"analyzer": self.analyzer, "exact_analyzer": self.schema["body_exact"].analyzer}
        self._make_parsers(options)
        self._vocabularies = CachedVocabulary(self.client, alias, self.schema,
                                              make=lambda *args: Reader(self, *args))
        self._stored: dict = {}
        self._languages: dict = {}
        self._lock = threading.Lock()
        self.vocabulary = Vocabulary(self)

    # --- plumbing ----------------------------------------------------------

    def _search(self, body: dict, index: str | None = None) -> dict:
        """One search request.  A shard whose node stops mid-request fails its phase (an
        error, or an answer missing that shard's hits): a partial answer is never shown,
        the request is sent again and the shard's copy on another node answers."""
        from opensearchpy.exceptions import ConnectionError as OSConnectionError, TransportError

        from .errors import unreachable

        extra = {"search_type": "dfs_query_then_fetch"} if self.shards > 1 else {}
        for attempt in range(SEARCH_ATTEMPTS):
            last = attempt == SEARCH_ATTEMPTS - 1
            try:
                answer = self.client.search(index=index or self.alias, body=body, **extra)
            except OSConnectionError as exc:
                raise unreachable(self.url, exc) from None
            except TransportError as exc:
                if not _node_left(exc) or last:
                    raise refused("the search", exc) from None
            else:
                if not answer.get("_shards", {}).get("failed"):
                    return answer
                if last:
                    raise OpenSearchError("OpenSearch answered without some of the index's shards: "
                                          "is a node down with no replica of them?")
            time.sleep(0.2 * (attempt + 1))

    def _reader(self) -> Reader:
        return self._vocabularies.reader()

    def _fields(self, doc_id) -> dict:
        with self._lock:
            cached = self._stored.get(doc_id)
        if cached is not None:
            return cached
        found = self.client.get(index=self.alias, id=doc_id, ignore=[404], _source_includes=STORED)
        fields = fields_of(found["_source"]) if found.get("found") else {}
        with self._lock:
            if len(self._stored) > 10_000:
                self._stored.clear()
            self._stored[doc_id] = fields
        return fields

    @contextmanager
    def searching(self):
        """A searcher-like view (vocabulary and stored fields): what Vocabulary reads."""
        yield Searcher(self, self._reader())

    def close(self):
        self.client.close()

    # --- searching ---------------------------------------------------------

    def _language(self, words) -> str | None:
        """The query's language (search/ranking.py's rule), kept per vocabulary generation."""
        key = (self._reader().generation(), tuple(w.terms for w in words))
        with self._lock:
            if key in self._languages:
                return self._languages[key]
        lang = os_ranking.query_language(self._search, words)
        with self._lock:
            if len(self._languages) > 10_000:
                self._languages.clear()
            self._languages[key] = lang
        return lang

    def compiled(self, parsed, deadline: Deadline | None = None) -> tuple[dict, set, set]:
        """(DSL query, highlight terms, variant keys) of a parsed query."""
        lists, terms, keys = dsl.expand(parsed, self._reader(), deadline)
        return dsl.compile_query(parsed.query, lists), terms, keys

    def search(self, text: str, *, limit: int = 10, offset: int = 0, lang: str | None = None,
               mode: str = "all", exact: bool = False, time_limit: float | None = None,
               snippet_width: int = 240, since=None, until=None, sources=(),
               sort: str = "relevance", collapse: bool = True) -> SearchResult:
        """``kavosh.engine.Engine.search``, on OpenSearch."""
        run = start_search(self, text, limit=limit, offset=offset, lang=lang, mode=mode,
                           exact=exact, time_limit=time_limit, since=since, until=until,
                           sources=sources, sort=sort, collapse=collapse)
        parsed, filters, deadline, result = run.parsed, run.filters, run.deadline, run.result
        if parsed.empty:
            return run.done()
        terms, keys = parsed.terms, parsed.variant_keys
        try:
            query, terms, keys = self.compiled(parsed, deadline)
            result.latin_names = latin_names.report(parsed, self._reader())
        except TimeLimit:
            result.timed_out = True
            return run.done()
        if sort == "relevance":
            query = os_ranking.preferred(query, self._language(parsed.words))
        body = {"query": query, "size": run.fetch, "track_total_hits": True, "track_scores": True,
                "_source": STORED, "post_filter": filter_of(filters_clauses(filters)),
                "aggs": facet_aggregations(filters), "sort": SORTS[sort]}
        if time_limit:
            body["timeout"] = f"{max(1, int(time_limit * 1000))}ms"
        answer = self._search(body)
        result.timed_out = bool(answer.get("timed_out"))
        hits = answer["hits"]["hits"]
        result.total = answer["hits"]["total"]["value"]
        result.facets = facets_from(answer["aggregations"], filters)
        result.langs = result.facets["lang"]
        known = {b["key"] for b in answer["aggregations"]["known_sources"]["f"]["k"]["buckets"]}
        result.unknown_sources = [n for n in filters.sources if source_key(n) not in known]
        fields = [fields_of(h["_source"]) for h in hits]
        if sort == "relevance" and not deadline.passed:
            order = os_ranking.proximity_order(self.analyzer, hits, fields, parsed.words, parsed.stopped)
            hits, fields = [hits[i] for i in order], [fields[i] for i in order]
        if collapse:
            page = near_dups.page(lambda i: bytes.fromhex(fields[i].get("near_dup") or ""), len(hits),
                                  offset, run.want)
        else:
            page = [(pos, []) for pos in range(offset, min(run.want, len(hits)))]
        for leader, folded in page:
            hit = self._hit(fields[leader], hits[leader].get("_score"), terms, keys, snippet_width,
                            phrases=parsed.verbatim_phrases, marked=not deadline.passed)
            hit.similar = [similar_from(fields[pos]) for pos in folded]
            result.folded += len(folded)
            result.hits.append(hit)
        return run.done()

    def _hit(self, fields, score, terms, keys, width, phrases=(), marked=True):
        body, title = fields.get("body", ""), fields.get("title", "")
        as_indexed = {"lang": fields.get("lang"), "analyzer": self.analyzer, "phrases": phrases}
        spans = snippets.match_spans(body, terms, keys, limit=snippets.SCAN_CHARS,
                                     **as_indexed) if marked else []
        title_spans = snippets.match_spans(title, terms, keys, **as_indexed) if marked else []
        return hit_from(fields, round(float(score or 0.0), 4), snippets.segments(title, title_spans),
                        snippets.snippet_segments(body, terms, width, spans=spans),
                        snippets.variant_words(body, spans)[:5],
                        page=snippets.snippet_page(body, spans, width))

    def export(self, text: str, *, offset: int = 0, limit: int | None = None,
               lang: str | None = None, mode: str = "all", exact: bool = False,
               time_limit: float | None = None, snippet_width: int = 240, since=None, until=None,
               sources=(), sort: str = "relevance") -> export.Export:
        """Every hit of ``text`` in ``search``'s order, as search/export.py's rows."""
        check_request(query=text, lang=lang, mode=mode, sort=sort)
        export.check_range(offset, limit)
        filters = request_filters(lang, since, until, sources)
        parsed = self.parse(text, mode, exact)
        matches, terms, keys = Matches(), parsed.terms, parsed.variant_keys
        if not parsed.empty:
            query, terms, keys = self.compiled(parsed, Deadline(time_limit))
            if sort == "relevance":
                query = os_ranking.preferred(query, self._language(parsed.words))
            clauses = filters_clauses(filters)
            body = {"query": {"bool": {"must": [query], "filter": clauses}} if clauses else query,
                    "size": EXPORT_PAGE, "track_scores": True, "_source": STORED,
                    "sort": SORTS[sort] + [{"id": "asc"}]}
            end = None if limit is None else offset + limit
            while end is None or len(matches.ids) < end:
                found = self._search(body)["hits"]["hits"]
                for h in found:
                    matches.add(h["_id"], h.get("_score") or 0.0)
                    self._stored[h["_id"]] = fields_of(h["_source"])
                if len(found) < EXPORT_PAGE:
                    break
                body["search_after"] = found[-1]["sort"]
            if sort == "relevance":  # the search's proximity rescoring of its top hits
                matches.rescore(self, parsed.words, parsed.stopped)
        return export.Export(Searcher(self, None), matches, offset, limit, terms, keys, snippet_width,
                             sort, release=lambda: None, analyzer=self.analyzer,
                             phrases=parsed.verbatim_phrases)

    def rank(self, text: str, *, mode: str = "any", limit: int = 100, exact: bool = False,
             rewrite=None) -> list[tuple[str, float]]:
        """(id, score) of the top ``limit`` documents (``Engine.rank``: what evaluation reads);
        ``rewrite`` (a whoosh-query experiment) has no OpenSearch form."""
        if rewrite is not None:
            raise QueryError("rewrite= rewrites a whoosh query: use the whoosh engine")
        check_request(query=text, mode=mode)
        parsed = self.parse(text, mode, exact)
        if parsed.empty:
            return []
        query, _terms, _keys = self.compiled(parsed)
        query = os_ranking.preferred(query, self._language(parsed.words))
        size = min(max(limit, ranking.PROXIMITY_WINDOW), 10_000)
        hits = self._search({"query": query, "size": size, "_source": STORED})["hits"]["hits"]
        fields = [fields_of(h["_source"]) for h in hits]
        order = os_ranking.proximity_order(self.analyzer, hits, fields, parsed.words, parsed.stopped)
        return [(hits[i]["_id"], float(hits[i]["_score"] or 0.0)) for i in order[:limit]]

    def variant_spellings(self, query) -> list[str]:
        """The variant-field terms a ``VariantMatch`` admits in this index."""
        return list(query._btexts(self._reader()))

    # --- documents ---------------------------------------------------------

    def document(self, doc_id: str, query: str | None = None, exact: bool = False):
        if query is not None:
            check_request(query=query)
        found = self.client.get(index=self.alias, id=doc_id, ignore=[404], _source_includes=STORED)
        if not found.get("found"):
            return None
        fields = fields_of(found["_source"])
        terms, keys, phrases = set(), set(), []
        if query and query.strip():
            try:
                parsed = self.parse(query, exact=exact)
                _q, terms, keys = self.compiled(parsed, Deadline(5.0))
                phrases = parsed.verbatim_phrases
            except (QueryError, TimeLimit):
                terms, keys, phrases = set(), set(), []
        return marked_document(fields, terms, keys, phrases, self.analyzer)

    def documents(self):
        from opensearchpy import helpers

        for hit in helpers.scan(self.client, index=self.alias, query={"_source": STORED}, size=1_000,
                                preserve_order=False):
            yield fields_of(hit["_source"])

    # --- about the index ---------------------------------------------------

    def health(self) -> dict:
        started = time.perf_counter()
        answer = self._search({"query": {"match_all": {}}, "size": 1, "_source": ["id"],
                               "track_total_hits": True})
        documents = answer["hits"]["total"]["value"]
        if documents and not answer["hits"]["hits"][0]["_source"].get("id"):
            raise IncompatibleIndex(f"the index behind {self.alias} at {self.url} returns no documents")
        return {"documents": documents, "generation": self._reader().generation(),
                "search_ms": elapsed_ms(started)}

    def stats(self) -> dict:
        from .connection import alias_target, kavosh_meta

        target = alias_target(self.client, self.alias)
        meta = kavosh_meta(self.client, target)
        aggs = {"lang": {"terms": {"field": "lang", "size": 50}},
                "root": {"terms": {"field": "root", "size": 1000}},
                "source": {"terms": {"field": "source", "size": 1000}},
                # The span of the documents' own dates, as stored (search/index_stats.py's
                # DateSpan): a file's modification time says nothing about the archive.
                "dated": {"filter": {"bool": {"must": [{"exists": {"field": "date"}}],
                                              "must_not": [{"term": {"date_origin": "mtime"}}]}},
                          "aggs": {end: {"top_hits": {"size": 1, "sort": [{"date": order}],
                                                      "_source": {"includes": ["date"]}}}
                                   for end, order in (("earliest", "asc"), ("latest", "desc"))}},
                "file_dated": {"filter": {"term": {"date_origin": "mtime"}}}}
        answer = self._search({"size": 0, "track_total_hits": True, "aggs": aggs})
        a = answer["aggregations"]
        per_root = {b["key"]: b["doc_count"] for b in a["root"]["buckets"]}
        size = self.client.indices.stats(index=target, metric="store")["_all"]["primaries"]["store"]
        vocab = self._reader()
        return stats_object(
            index=f"{self.url} {self.alias} -> {target}",
            documents=answer["hits"]["total"]["value"],
            languages=dict(sorted((b["key"], b["doc_count"]) for b in a["lang"]["buckets"])),
            sources={b["key"]: b["doc_count"] for b in
                     sorted(a["source"]["buckets"], key=lambda b: (-b["doc_count"], b["key"]))},
            dates={"earliest": _stored_date(a["dated"]["earliest"]),
                   "latest": _stored_date(a["dated"]["latest"]),
                   "dated": a["dated"]["doc_count"], "file_dated": a["file_dated"]["doc_count"]},
            terms={f: _count_terms(self.client, vocab.index, f) for f in ("title", "body")},
            size_bytes=size["size_in_bytes"], meta=meta, per_root=per_root)


def _node_left(exc) -> bool:
    """Whether a refused search is one a stopping node caused, worth sending again: a 5xx,
    or the 404 of a search context that node held between the query and fetch phases
    (``search_context_missing_exception``, seen once in a three-node test at load 10)."""
    status = exc.status_code
    if isinstance(status, int) and status >= 500:
        return True
    return "search_context_missing" in f"{getattr(exc, 'error', '')} {exc.info}"


def _stored_date(top_hits: dict) -> str | None:
    """The stored date text of a ``top_hits`` aggregation's one hit (None: no dated document)."""
    hits = top_hits["hits"]["hits"]
    return hits[0]["_source"].get("date") if hits else None


def _count_terms(client, index: str, field: str) -> int:
    return client.count(index=index, body={"query": {"term": {"field": field}}})["count"]
