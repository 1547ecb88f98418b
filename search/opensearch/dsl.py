"""A Kavosh query as the OpenSearch Query DSL.

The query language is compiled once, by search/query.py's ``QueryParser``:
the grammar's tree with each word analysed by the index's chain, its stems,
other-language stems at their weight, other script's spellings, Latin names,
joined compounds, the verbatim fields for quoted text, exclusions.  That
compiled query is what whoosh runs; here the same object is translated node
by node into the DSL, so the two backends cannot read a query differently.
Only its patterns (prefixes, wildcards, other spellings) need the index's
vocabulary: they are listed once per query from the vocabulary index
(search/opensearch/vocabulary.py) with the very code whoosh's engine lists
them with (``matching._list_terms``), and are scored as whoosh scores them: the
listed terms' scores added (OpenSearch's own ``prefix`` is one constant per
document: ``پالایش*`` kept 0.2 of Kavosh's top 10).

Phrases: whoosh's ``Near`` (search/query_nodes.py) lets each adjacent pair of
words stand at most ``slop`` positions apart.  One Lucene ``span_near`` counts
its slop over the whole phrase, so a phrase with stop words in two places
found nothing (27 of 30 real titles in the old export); here the spans nest
pair by pair, left to right, each pair with the whoosh slop less one (Lucene
counts the words between, whoosh the distance).
"""

from __future__ import annotations

from whoosh import query as Q
from whoosh.query.terms import MultiTerm

from kavosh.dismax import BestOf
from kavosh.index.errors import QueryError
from kavosh.matching import MAX_QUERY_EXPANSIONS, Deadline, _key, _list_terms, _text, highlight_sets
from kavosh.query_nodes import Alternatives, Near

# whoosh multiplies a title term's frequency by the field boost at index time; the
# title streams carry each term that many times (mapping.TITLE_REPEAT), so no query boost.
FIELD_BOOSTS: dict[str, float] = {}
MATCH_NONE = {"match_none": {}}
# The most listed terms a query's patterns may have and still be scored term by term: a
# pattern's terms are one clause each, the rest of the query fits under 1,024 beside them.
PATTERN_CLAUSES = 800


def expand(parsed, reader, deadline: Deadline | None = None) -> tuple[dict, set, set]:
    """(terms by pattern, highlight terms, variant keys): every pattern of ``parsed.query``
    listed once against the vocabulary ``reader``, and what the highlighter marks
    (search/matching.py ``expand`` does the same for whoosh)."""
    deadline = deadline or Deadline(None)
    lists: dict[tuple, tuple] = {}
    words_under: dict = {}

    def visit(q):
        if isinstance(q, MultiTerm):
            key = _key(q)
            if key not in lists:
                lists[key] = _list_terms(q, reader, deadline, words_under)
                if sum(len(b) for b in lists.values()) > MAX_QUERY_EXPANSIONS:
                    raise QueryError(f"the query's patterns stand for more than {MAX_QUERY_EXPANSIONS:,} "
                                     "words: use fewer patterns, or more letters before each '*'")
            return
        for sub in _children(q):
            visit(sub)

    if parsed.query is not None:
        visit(parsed.query)
    terms, keys = highlight_sets(parsed, lists)
    return lists, terms, keys


def _children(q) -> list:
    if isinstance(q, Q.CompoundQuery):
        return list(q.subqueries)
    if isinstance(q, (Q.Not,)):
        return [q.query]
    if isinstance(q, Q.AndNot):
        return [q.a, q.b]
    if isinstance(q, (Near, Alternatives)) or hasattr(q, "qs") or hasattr(q, "subqs"):
        return list(getattr(q, "qs", None) or getattr(q, "subqs", None) or [])
    if isinstance(q, Q.Phrase):
        return []
    return []


def compile_query(q, lists: dict) -> dict:
    """The DSL of a compiled whoosh query ``q``; ``lists``: ``expand``'s terms by pattern."""
    return _pruned(_Translate(lists).query(q))


def _pruned(node: dict) -> dict:
    """Without the branches that can match nothing (a pattern or spelling the index lacks):
    the same matches and scores, a shorter request."""
    if "bool" in node:
        b = dict(node["bool"])
        for part in ("should", "must", "must_not"):
            if part in b:
                b[part] = [c for c in map(_pruned, b[part])
                           if part == "must" or c != MATCH_NONE]
        if any(c == MATCH_NONE for c in b.get("must", ())) or ("should" in b and not b["should"]):
            return dict(MATCH_NONE)
        if not b.get("must_not", True):
            del b["must_not"]
        return {"bool": b}
    if "dis_max" in node:
        d = dict(node["dis_max"])
        d["queries"] = [c for c in map(_pruned, d["queries"]) if c != MATCH_NONE]
        return {"dis_max": d} if d["queries"] else dict(MATCH_NONE)
    return node


class _Translate:
    def __init__(self, lists: dict):
        self.lists = lists
        # Lucene counts every clause of a query against ``indices.query.bool.max_clause_count``
        # (1,024 by default): a query whose patterns list more terms than PATTERN_CLAUSES in all
        # has each pattern of several terms score one constant per document, its terms in one
        # ``terms`` filter (the same matches; whoosh adds the listed terms' scores).
        listed = sum(len(terms) for terms in lists.values())
        self.scored_terms = 1 if listed > PATTERN_CLAUSES else PATTERN_CLAUSES

    def query(self, q, boost: float = 1.0) -> dict:
        boost *= getattr(q, "boost", 1.0) or 1.0
        if isinstance(q, Q.Term):
            return _term(q.fieldname, _text(q.text), boost)
        if isinstance(q, MultiTerm):
            terms = self.lists.get(_key(q), ())
            if not terms:
                return dict(MATCH_NONE)
            weight = boost * FIELD_BOOSTS.get(q.fieldname, 1.0)
            if len(terms) > 1 and (q.constantscore or len(terms) > self.scored_terms):
                # One constant per document: a pattern whoosh scores so (a fuzzy term's
                # neighbours are scored), or one too large to score here (PATTERN_CLAUSES).
                return {"constant_score": {"filter": {"terms": {q.fieldname: [_text(t) for t in terms]}},
                                           "boost": weight}}
            clauses = [{"term": {q.fieldname: {"value": _text(t)}}} for t in terms]
            return {"bool": {"should": clauses, "minimum_should_match": 1, "boost": weight}}
        if isinstance(q, BestOf) or isinstance(q, Q.DisjunctionMax):
            return {"dis_max": {"queries": [self.query(s) for s in q.subqueries], "boost": boost,
                                "tie_breaker": getattr(q, "tiebreak", 0.0)}}
        if isinstance(q, Q.Or):
            return {"bool": {"should": [self.query(s) for s in q.subqueries],
                             "minimum_should_match": 1, "boost": boost}}
        if isinstance(q, Q.And):
            must, must_not = [], []
            for s in q.subqueries:
                if isinstance(s, Q.Not):
                    must_not.append(self.query(s.query))
                else:
                    must.append(self.query(s))
            body = {"must": must or [{"match_all": {}}], "boost": boost}
            if must_not:
                body["must_not"] = must_not
            return {"bool": body}
        if isinstance(q, Q.AndNot):
            return {"bool": {"must": [self.query(q.a)], "must_not": [self.query(q.b)], "boost": boost}}
        if isinstance(q, Q.Not):
            return {"bool": {"must": [{"match_all": {}}], "must_not": [self.query(q.query)]}}
        if isinstance(q, Q.Phrase):
            spans = [{"span_term": {q.fieldname: _text(w)}} for w in q.words]
            return _pairwise(spans, q.slop, boost * FIELD_BOOSTS.get(q.fieldname, 1.0))
        if isinstance(q, Near):
            field = _span_field(q)
            spans = [self.span(s) for s in q.qs]
            return _pairwise(spans, q.slop, boost * FIELD_BOOSTS.get(field, 1.0))
        if isinstance(q, type(Q.NullQuery)):
            return dict(MATCH_NONE)
        if isinstance(q, Q.Every):
            return {"match_all": {}}
        raise TypeError(f"no OpenSearch form for {q!r}")

    def span(self, q) -> dict:
        if isinstance(q, Q.Term):
            return {"span_term": {q.fieldname: _text(q.text)}}
        if isinstance(q, Alternatives):
            return {"span_or": {"clauses": [self.span(s) for s in q.subqs]}}
        raise TypeError(f"no OpenSearch span for {q!r}")


def _term(field: str, text: str, boost: float) -> dict:
    return {"term": {field: {"value": text, "boost": round(boost * FIELD_BOOSTS.get(field, 1.0), 6)}}}


def _span_field(q) -> str:
    for leaf in q.leaves():
        if getattr(leaf, "fieldname", None):
            return leaf.fieldname
    return ""


def _pairwise(spans: list[dict], slop: int, boost: float) -> dict:
    """whoosh's ordered span chain: each next span at most ``slop`` positions after the
    previous one's end (Lucene's slop counts the positions between: whoosh's less one)."""
    gap = max(0, slop - 1)
    nested = spans[0]
    for span in spans[1:]:
        nested = {"span_near": {"clauses": [nested, span], "slop": gap, "in_order": True}}
    if len(spans) == 1:
        nested = {"span_near": {"clauses": [nested], "slop": 0, "in_order": True}}
    nested["span_near"]["boost"] = round(boost, 6)
    return nested
