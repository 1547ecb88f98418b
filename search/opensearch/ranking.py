"""search/ranking.py's two rules on OpenSearch: the query's language ×2, and proximity.

* **The query's language** is decided exactly as the whoosh engine decides it
  (``ranking.language_of``'s rule: each word's share of Persian against Arabic
  documents holding any of its terms in the body, their geometric mean against
  ``LANGUAGE_RATIO``); the counts come from one ``filter`` aggregation per word.
  The boost is a ``function_score`` weight on the documents of that language, so
  totals and facets are untouched and the order is exhaustive scoring's.
* **Proximity** rescoring of the top ``PROXIMITY_WINDOW`` hits: the positions of
  the query's words come from re-analysing each hit's stored body with the
  index's chain (the streams are not stored), and ``ranking.closeness`` and
  ``ranking.word_pairs`` give the factor, as in whoosh.
"""

from __future__ import annotations

import math

from kavosh import ranking
from kavosh.index.analysis import DocumentText
from kavosh.matching import LANGUAGES

from . import mapping


def query_language(search, words) -> str | None:
    """'fa' or 'ar' (``ranking.language_of``'s rule) from the cluster's counts; ``search``
    runs a request body against the alias."""
    if not words:
        return None
    aggs = {"all": {"terms": {"field": "lang", "size": len(LANGUAGES)}}}
    for i, word in enumerate(words):
        aggs[f"w{i}"] = {"filter": {"terms": {"body": list(word.terms)}},
                         "aggs": {"l": {"terms": {"field": "lang", "size": len(LANGUAGES)}}}}
    answer = search({"size": 0, "query": {"match_all": {}}, "aggs": aggs})["aggregations"]
    per_lang = lambda buckets: {b["key"]: b["doc_count"] for b in buckets}  # noqa: E731
    totals = per_lang(answer["all"]["buckets"])
    n_fa, n_ar = totals.get("fa", 0), totals.get("ar", 0)
    if not n_fa or not n_ar:
        return None
    logs = []
    for i in range(len(words)):
        counts = per_lang(answer[f"w{i}"]["l"]["buckets"])
        logs.append(math.log(((counts.get("fa", 0) + 0.5) / n_fa) / ((counts.get("ar", 0) + 0.5) / n_ar)))
    mean = sum(logs) / len(logs)
    if mean >= math.log(ranking.LANGUAGE_RATIO):
        return "fa"
    if mean <= -math.log(ranking.LANGUAGE_RATIO):
        return "ar"
    return None


def preferred(query: dict, lang: str | None) -> dict:
    """``query`` with the documents of ``lang`` scored ``LANGUAGE_BOOST`` times higher."""
    if lang is None or ranking.LANGUAGE_BOOST == 1.0:
        return query
    return {"function_score": {"query": query, "boost_mode": "multiply", "score_mode": "first",
                               "functions": [{"filter": {"term": {"lang": lang}},
                                              "weight": ranking.LANGUAGE_BOOST}]}}


def _body_positions(analyzer, body: str, lang: str) -> dict[str, list[int]]:
    at: dict[str, list[int]] = {}
    for pos, terms in mapping.positions(analyzer, DocumentText(body, lang or "other")):
        for term in terms:
            at.setdefault(term, []).append(pos)
    return at


def proximity_order(analyzer, hits: list[dict], fields: list[dict], words, stopped,
                    window: int = ranking.PROXIMITY_WINDOW) -> list[int]:
    """The hits' indexes, the first ``window`` reordered by score × proximity factor
    (ties by their OpenSearch rank), the rest as they came."""
    order = list(range(len(hits)))
    pairs = ranking.word_pairs(words, stopped)
    if len(words) < 2 or not pairs or ranking.PROXIMITY_WEIGHT == 0:
        return order
    head, tail = order[:window], order[window:]
    scored = []
    for i in head:
        at = _body_positions(analyzer, fields[i].get("body", ""), fields[i].get("lang"))
        where = [sorted(p for term in word.terms for p in at.get(term, ())) for word in words]
        total = sum(ranking.closeness(where[a], where[b], gap) for a, b, gap in pairs
                    if where[a] and where[b])
        factor = 1.0 + ranking.PROXIMITY_WEIGHT * total / len(pairs)
        scored.append(((hits[i].get("_score") or 0.0) * factor, i))
    scored.sort(key=lambda si: (-si[0], si[1]))
    for score, i in scored:
        hits[i]["_score"] = score
    return [i for _s, i in scored] + tail
