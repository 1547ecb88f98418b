"""The whoosh-shaped views Kavosh's own code reads, answered from OpenSearch.

search/vocabulary.py (completions, did-you-mean, examples) reads a searcher's
reader, postings and stored fields; search/export.py reads a match list and
stored fields.  These small classes give them that shape over the cluster, so
that code runs unchanged on both backends.
"""

from __future__ import annotations

from array import array

from kavosh import ranking

from . import mapping
from . import ranking as os_ranking
from .vocabulary import VocabularyReader

STORED = [mapping.TEXT, "id", "path", "lang", "url", "date", "date_origin", "source", "near_dup", "root",
          "source_file"]


def fields_of(source: dict) -> dict:
    """A hit's ``_source`` as the stored fields the whoosh engine's code reads."""
    fields = {k: v for k, v in source.items() if k != mapping.TEXT}
    texts = source.get(mapping.TEXT) or {}
    fields["title"], fields["body"] = texts.get("title", ""), texts.get("body", "")
    return fields


class Reader(VocabularyReader):
    """The vocabulary reader, plus the few posting samples Vocabulary reads (surface forms)."""

    def __init__(self, engine, *args):
        super().__init__(*args)
        self.engine = engine

    def postings(self, field: str, term: str):
        body = {"query": {"term": {field: term}}, "size": 20, "_source": STORED,
                "sort": ["_doc"]}
        hits = self.engine._search(body)["hits"]["hits"]
        for h in hits:
            self.engine._stored[h["_id"]] = fields_of(h["_source"])
        return Postings([h["_id"] for h in hits])


class Postings:
    def __init__(self, ids):
        self.ids, self.at = ids, 0

    def is_active(self):
        return self.at < len(self.ids)

    def id(self):
        return self.ids[self.at]

    def next(self):
        self.at += 1


class Searcher:
    """What Kavosh's vocabulary and export code ask of a whoosh searcher."""

    def __init__(self, engine, reader):
        self.engine, self._reader = engine, reader

    def reader(self):
        return self._reader

    def stored_fields(self, doc_id):
        return self.engine._fields(doc_id)


class Matches:
    """search/export.py's match list: ids in the search's order (OpenSearch sorted them)."""

    def __init__(self):
        self.ids: list[str] = []
        self.scores = array("d")

    def add(self, doc_id: str, score: float) -> None:
        self.ids.append(doc_id)
        self.scores.append(score)

    @property
    def docnums(self):
        return self.ids

    def ranked(self, sort: str = "relevance") -> list[int]:
        return list(range(len(self.ids)))

    def rescore(self, engine, words, stopped) -> None:
        """The first ``PROXIMITY_WINDOW`` reordered by proximity, as ``search`` orders them."""
        head = min(len(self.ids), ranking.PROXIMITY_WINDOW)
        hits = [{"_score": self.scores[i]} for i in range(head)]
        fields = [engine._fields(self.ids[i]) for i in range(head)]
        order = os_ranking.proximity_order(engine.analyzer, hits, fields, words, stopped)
        ids, scores = [self.ids[i] for i in order], [hits[i]["_score"] for i in order]
        self.ids[:head] = ids
        self.scores[:head] = array("d", scores)
