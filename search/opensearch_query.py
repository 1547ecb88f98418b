"""Kavosh's query language as OpenSearch Query DSL, for an index `kavosh export` wrote.

The query is parsed by Kavosh's own parser (search/query.py) and its whoosh
query tree translated node by node, so the words are analysed exactly as
Kavosh analyses them (the OR of their Persian and Arabic stems, the other
language's at 0.3, hamza-seat terms counted once), and a Kavosh field becomes
its language fields: ``body`` → ``body_fa`` and ``body_ar``.  Other spellings
(variants) are the index's own words: the engine lists which the query admits,
as the search would, and the DSL asks for those terms at their lower weight.
"""

from __future__ import annotations

from whoosh import query as Q
from whoosh.query.spans import SpanNear2, SpanOr

from kavosh.index.errors import QueryError
from kavosh.index.opensearch import LANGS, VARIANT_FIELDS
from kavosh.index.schema import TITLE_BOOST
from kavosh.index.variants import LOOSE_TAG, SCRIPT_TAGS

from .query import VARIANT_FIELD, VariantMatch, QueryParser

_VARIANT_BY_TAG = {tag: f"variant_{lang}" for lang, tag in SCRIPT_TAGS.items()}


def to_dsl(text: str, *, mode: str = "all", exact: bool = False, engine=None) -> dict:
    """``{"query": …}`` for Kavosh query ``text``.

    ``engine`` (an opened index) lists the other-script spellings a word
    admits; without one, ``exact=True`` is required.
    """
    parsed = QueryParser(mode, variants=not exact).parse(text)
    if parsed.empty:
        return {"query": {"match_none": {}}}
    if parsed.fuzzy and engine is None:
        raise QueryError("other spellings come from an index: pass --index DIR, or --exact "
                         "for the query without them")
    return {"query": _Translator(engine).node(parsed.query)}


def _boosted(body: dict, boost: float) -> dict:
    if boost != 1.0:
        body["boost"] = round(boost, 6)
    return body


def _should(clauses: list[dict], boost: float = 1.0) -> dict:
    if len(clauses) == 1 and boost == 1.0:
        return clauses[0]
    return {"bool": _boosted({"should": clauses, "minimum_should_match": 1}, boost)}


def _fields(kavosh_field: str) -> list[tuple[str, float]]:
    """(OpenSearch field, index-time weight) for one Kavosh field."""
    weight = TITLE_BOOST if kavosh_field == "title" else 1.0
    return [(f"{kavosh_field}_{lang}", weight) for lang in LANGS]


def _variant_fields(term: str) -> list[str]:
    if term.startswith(LOOSE_TAG):
        return list(VARIANT_FIELDS)
    return [_VARIANT_BY_TAG[term[0]]]


class _Translator:
    def __init__(self, engine):
        self.engine = engine

    def node(self, q) -> dict:
        if isinstance(q, VariantMatch):
            return self.variants(q)
        if isinstance(q, Q.FuzzyTerm):
            return _should([{"fuzzy": {f: _boosted({"value": q.text, "fuzziness": q.maxdist,
                                                     "prefix_length": q.prefixlength,
                                                     "transpositions": False}, q.boost)}}
                            for f in _variant_fields(q.text)])
        if isinstance(q, Q.Term):
            return self.term(q)
        if isinstance(q, Q.Phrase):
            spans = [Q.Term(q.fieldname, w) for w in q.words]
            return self.spans(q.fieldname, spans, q.slop, q.boost)
        if isinstance(q, SpanNear2):
            field = _span_field(q.qs[0])
            return self.spans(field, q.qs, q.slop, getattr(q, "boost", 1.0))
        if isinstance(q, Q.Prefix):
            return _should([{"prefix": {f: _boosted({"value": q.text}, w * q.boost)}}
                            for f, w in _fields(q.fieldname)])
        if isinstance(q, Q.Wildcard):
            return _should([{"wildcard": {f: _boosted({"value": q.text}, w * q.boost)}}
                            for f, w in _fields(q.fieldname)])
        if isinstance(q, Q.AndNot):
            return {"bool": {"must": [self.node(q.a)], "must_not": [self.node(q.b)]}}
        if isinstance(q, Q.Not):
            return {"bool": {"must": [{"match_all": {}}], "must_not": [self.node(q.query)]}}
        if isinstance(q, Q.DisjunctionMax):
            return {"dis_max": _boosted({"queries": [self.node(s) for s in q.subqueries],
                                         "tie_breaker": q.tiebreak}, q.boost)}
        if isinstance(q, Q.And):
            return {"bool": _boosted({"must": [self.node(s) for s in q.subqueries]}, q.boost)}
        if isinstance(q, Q.Or):
            return _should([self.node(s) for s in q.subqueries], q.boost)
        raise QueryError(f"cannot express {type(q).__name__} in OpenSearch's Query DSL")

    def term(self, q: Q.Term) -> dict:
        if q.fieldname == VARIANT_FIELD:
            return _should([{"term": {f: _boosted({"value": q.text}, q.boost)}}
                            for f in _variant_fields(q.text)])
        return _should([{"term": {f: _boosted({"value": q.text}, w * q.boost)}}
                        for f, w in _fields(q.fieldname)])

    def spans(self, field: str, parts, slop: int, boost: float) -> dict:
        """Words in order with whoosh's slop (1 = adjacent), per language field."""
        out = []
        for name, weight in _fields(field):
            clauses = [_span_clause(name, p) for p in parts]
            out.append({"span_near": _boosted({"clauses": clauses, "slop": max(slop - 1, 0),
                                               "in_order": True}, weight * boost)})
        return _should(out)

    def variants(self, q: VariantMatch) -> dict:
        terms = self.engine.variant_spellings(q)
        by_field: dict[str, list[str]] = {}
        for term in terms:
            for field in _variant_fields(term):
                by_field.setdefault(field, []).append(term)
        if not by_field:
            return {"match_none": {}}
        return _should([{"terms": _boosted({f: sorted(ts)}, q.boost)} for f, ts in by_field.items()])


def _span_field(part) -> str:
    if isinstance(part, SpanOr):
        return _span_field(part.subqs[0])
    return part.fieldname


def _span_clause(field: str, part) -> dict:
    if isinstance(part, SpanOr):
        return {"span_or": {"clauses": [_span_clause(field, s) for s in part.subqs]}}
    return {"span_term": {field: part.text}}
