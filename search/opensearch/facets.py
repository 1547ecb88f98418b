"""Filters, sorts and facets as the Query DSL, by search/facets.py's rules.

The request's filters go into a ``post_filter`` (they narrow the hits, not the
counts), and each facet is an aggregation under the *other* filters: a
facet's counts ignore its own filter, so each count is the total the search
would have with that one value selected instead.  Languages, sources (compared
by ``source_key``: case and ``www.`` aside), years and months (counted from
``month``, year × 12 + month − 1, as whoosh's ``Tables`` counts them).
"""

from __future__ import annotations

from kavosh.index.dates import single_year
from kavosh.index.sources import source_key
from kavosh.matching import LANGUAGES

TOP_SOURCES = 20

SORTS = {
    "relevance": [{"_score": "desc"}],
    "newest": [{"date_key": {"order": "desc", "missing": "_last"}}, {"_score": "desc"}],
    "oldest": [{"date_key": {"order": "asc", "missing": "_last"}}, {"_score": "desc"}],
}


def filter_of(clauses: list) -> dict:
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


def filters_clauses(filters, *, without: str | None = None) -> list:
    """The request's filters as DSL clauses (``without``: leave that facet's own out)."""
    clauses = []
    if filters.lang is not None and without != "lang":
        clauses.append({"term": {"lang": filters.lang}})
    if filters.sources and without != "source":
        clauses.append({"terms": {"source_key": sorted({source_key(n) for n in filters.sources})}})
    if filters.dated and without != "date":
        bounds = {"gte": filters.since or 1}
        if filters.until:
            bounds["lte"] = filters.until
        clauses.append({"range": {"date_key": bounds}})
    return clauses


def facet_aggregations(filters) -> dict:
    """Each facet counted under the other filters (search/facets.py's rule)."""
    keys = sorted({source_key(n) for n in filters.sources}) or ["\u0000"]
    return {
        "lang": {"filter": filter_of(filters_clauses(filters, without="lang")),
                 "aggs": {"v": {"terms": {"field": "lang", "size": 50}}}},
        "source": {"filter": filter_of(filters_clauses(filters, without="source")),
                   "aggs": {"v": {"terms": {"field": "source_key", "size": 200},
                                  "aggs": {"name": {"terms": {"field": "source", "size": 1}}}}}},
        # Years and months count inside and outside a date range (the facet ignores it).
        "month": {"filter": filter_of(filters_clauses(filters, without="date")),
                  "aggs": {"v": {"terms": {"field": "month", "size": 5000}}}},
        "known_sources": {"global": {}, "aggs": {"f": {"filter": {"terms": {"source_key": keys}},
                                                       "aggs": {"k": {"terms": {"field": "source_key",
                                                                                "size": 50}}}}}},
    }


def facets_from(aggs: dict, filters) -> dict:
    """search/facets.py's facet object from the aggregations."""
    langs: dict[str, int] = {}
    for b in aggs["lang"]["v"]["buckets"]:
        name = b["key"] if b["key"] in LANGUAGES else "other"
        langs[name] = langs.get(name, 0) + b["doc_count"]
    sources = []
    for b in aggs["source"]["v"]["buckets"]:
        names = b["name"]["buckets"]
        sources.append((names[0]["key"] if names else b["key"], b["doc_count"]))
    sources = sorted(sources, key=lambda item: (-item[1], item[0]))[:TOP_SOURCES]
    years: dict[str, int] = {}
    months: dict[str, int] = {}
    year = single_year(filters.since, filters.until)
    for b in sorted(aggs["month"]["v"]["buckets"], key=lambda b: b["key"]):
        if not b["key"]:
            continue
        y, m = divmod(int(b["key"]), 12)
        years[str(y)] = years.get(str(y), 0) + b["doc_count"]
        if y == year:
            months[f"{y:04d}-{m + 1:02d}"] = b["doc_count"]
    result = {"lang": dict(sorted(langs.items())), "source": [[n, c] for n, c in sources], "year": years}
    if year is not None:
        result["month"] = months
    return result
