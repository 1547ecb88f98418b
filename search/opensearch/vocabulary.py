"""The vocabulary side index: every term of every analysed field with its document count.

Prefixes, other spellings (index/variants.py), Latin names, completions and
"did you mean" all read an index's vocabulary: its terms in order under a
prefix and each term's document frequency.  OpenSearch's ``_terms_enum``
lists terms but no frequencies (one ``_count`` per term would be needed), so
the indexer keeps a side index, ``<alias>-vocabulary``, with one document per
(field, term): ``{"field", "term", "df"}``.  It is maintained by difference:
a run adds the terms of the documents it adds and subtracts those of the
documents it replaces or removes (re-analysed from their stored text, with
the same chain, since the index's analysis fingerprint is this code's).

``VocabularyReader`` answers the few whoosh reader calls Kavosh's own code
makes (``expand_prefix``, ``doc_frequency``, ``iter_prefix``…), so the
pattern lister, the Latin names, the spelling neighbours and the completions
run unchanged against OpenSearch.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

PAGE = 5_000
# A pattern that could not start with a prefix (``*ab``) scans at most this many terms.
MAX_SCAN = 200_000
GENERATION_ID = "\u0000generation"  # the vocabulary's change counter, one document


def vocabulary_alias(alias: str) -> str:
    return f"{alias}-vocabulary"


def term_id(field: str, term: str) -> str:
    return f"{field}\u0000{term}"


class _Info:
    def __init__(self, df: int):
        self._df = df

    def doc_frequency(self) -> int:
        return self._df


class VocabularyReader:
    """The whoosh reader calls Kavosh's vocabulary code makes, answered by the side index."""

    def __init__(self, client, alias: str, schema, generation: int = 0):
        self.client = client
        self.index = vocabulary_alias(alias)
        self.schema = schema
        self._generation = generation
        self._lock = threading.Lock()
        self._df: dict[tuple[str, str], int] = {}
        self._prefixes: dict[tuple[str, str], list[tuple[str, int]]] = {}

    def generation(self) -> int:
        return self._generation

    def leaf_readers(self):
        return [(self, 0)]

    def segment(self):
        return None

    def _scan(self, field: str, prefix: str, limit: int | None = None) -> list[tuple[str, int]]:
        """(term, df) of ``field``'s terms under ``prefix`` in order (the first ``limit``)."""
        want = limit or MAX_SCAN
        key = (field, prefix)
        with self._lock:
            cached = self._prefixes.get(key)
        if cached is not None and (cached[1] or len(cached[0]) >= want):
            return cached[0][:want]
        found: list[tuple[str, int]] = []
        after = None
        filters = [{"term": {"field": field}}]
        if prefix:
            filters.append({"prefix": {"term": prefix}})
        complete = False
        while len(found) < want:
            body = {"query": {"bool": {"filter": filters}}, "sort": [{"term": "asc"}],
                    "size": min(PAGE, want - len(found)), "_source": ["term", "df"]}
            if after is not None:
                body["search_after"] = after
            hits = self.client.search(index=self.index, body=body)["hits"]["hits"]
            found.extend((h["_source"]["term"], h["_source"]["df"]) for h in hits)
            if len(hits) < body["size"]:
                complete = True
                break
            after = hits[-1]["sort"]
        with self._lock:
            for term, df in found:
                self._df[(field, term)] = df
            if len(self._prefixes) > 4096:
                self._prefixes.clear()
            self._prefixes[key] = (found, complete)
        return found

    def expand_prefix(self, field: str, prefix: str):
        """The field's terms starting with ``prefix``, in order, as bytes (whoosh's answer)."""
        for term, _df in self._scan(field, prefix):
            yield term.encode("utf-8")

    def iter_prefix(self, field: str, prefix: str):
        for term, df in self._scan(field, prefix):
            yield term.encode("utf-8"), _Info(df)

    def lexicon(self, field: str):
        return self.expand_prefix(field, "")

    def iter_field(self, field: str):
        return self.iter_prefix(field, "")

    def doc_frequency(self, field: str, term) -> int:
        term = term.decode("utf-8") if isinstance(term, bytes) else term
        key = (field, term)
        with self._lock:
            if key in self._df:
                return self._df[key]
        found = self.client.get(index=self.index, id=term_id(field, term), ignore=[404],
                                _source_includes=["df"])
        df = found["_source"]["df"] if found.get("found") else 0
        with self._lock:
            if len(self._df) > 500_000:
                self._df.clear()
            self._df[key] = df
        return df

    def frequency(self, field: str, term) -> int:
        return self.doc_frequency(field, term)

    def __contains__(self, pair) -> bool:
        field, term = pair
        return self.doc_frequency(field, term) > 0


class CachedVocabulary:
    """One ``VocabularyReader`` per vocabulary generation, re-read at most once a second."""

    def __init__(self, client, alias: str, schema, every: float = 1.0):
        self.client, self.alias, self.schema, self.every = client, alias, schema, every
        self._reader: VocabularyReader | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def reader(self) -> VocabularyReader:
        now = time.monotonic()
        with self._lock:
            if self._reader is not None and now - self._checked < self.every:
                return self._reader
        generation = read_generation(self.client, self.alias)
        with self._lock:
            self._checked = now
            if self._reader is None or self._reader.generation() != generation:
                self._reader = VocabularyReader(self.client, self.alias, self.schema, generation)
            return self._reader


def read_generation(client, alias: str) -> int:
    found = client.get(index=vocabulary_alias(alias), id=GENERATION_ID, ignore=[404])
    return found["_source"]["df"] if found.get("found") else 0


def apply_changes(client, index: str, changes: Counter, generation: int) -> None:
    """Add ``changes`` ((field, term) → +/- documents) to the vocabulary index ``index``;
    a term whose count falls to 0 is deleted.  One writer at a time (the indexer)."""
    from opensearchpy import helpers

    keys = list(changes)
    current: dict[tuple[str, str], int] = {}
    for start in range(0, len(keys), 2_000):
        chunk = keys[start:start + 2_000]
        found = client.mget(index=index, body={"ids": [term_id(f, t) for f, t in chunk]},
                            _source_includes=["df"])
        for key, doc in zip(chunk, found["docs"]):
            if doc.get("found"):
                current[key] = doc["_source"]["df"]

    def actions():
        for key in keys:
            field, term = key
            df = current.get(key, 0) + changes[key]
            if df > 0:
                yield {"_op_type": "index", "_index": index, "_id": term_id(field, term),
                       "_source": {"field": field, "term": term, "df": df}}
            elif key in current:
                yield {"_op_type": "delete", "_index": index, "_id": term_id(field, term)}
        yield {"_op_type": "index", "_index": index, "_id": GENERATION_ID,
               "_source": {"field": "", "term": "", "df": generation}}

    for ok, item in helpers.streaming_bulk(client, actions(), chunk_size=5_000, raise_on_error=False,
                                           max_retries=3):
        if not ok and next(iter(item.values())).get("status") != 404:
            raise RuntimeError(f"vocabulary update failed: {item}")
