"""The vocabulary side index: every term of every analysed field with its document count.

Prefixes, other spellings (index/variants.py), Latin names, completions and
"did you mean" all read an index's vocabulary: its terms in order under a
prefix and each term's document frequency.  OpenSearch's ``_terms_enum``
lists terms but no frequencies (one ``_count`` per term would be needed), so
the indexer keeps a side index, ``<alias>-vocabulary``.  One document per
term cost 2 s per 5,000 terms to write (the archive has ~1.5 million over the
five fields); so terms are kept in **buckets**: one document per (field,
first ``BUCKET_CHARS`` letters) holding that bucket's sorted terms and counts
as text (``term\tdf`` lines, not indexed).  A prefix reads the bucket(s) it
falls in, a term's count is a look-up in its bucket, and a run rewrites only
the buckets its documents touched.

It is maintained by difference: a run adds the terms of the documents it
adds and subtracts those of the documents it replaces or removes
(re-analysed from their stored text with the same chain: the index's
analysis fingerprint is this code's).

``VocabularyReader`` answers the few whoosh reader calls Kavosh's own code
makes (``expand_prefix``, ``doc_frequency``, ``iter_prefix``…), so the
pattern lister, the Latin names, the spelling neighbours and the completions
run unchanged against OpenSearch.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left
from collections import Counter

BUCKET_CHARS = 2
GENERATION_ID = "\u0000generation"  # the vocabulary's change counter, one document
PAGE = 500


def vocabulary_alias(alias: str) -> str:
    return f"{alias}-vocabulary"


def bucket_of(term: str) -> str:
    return term[:BUCKET_CHARS]


def bucket_id(field: str, bucket: str) -> str:
    return f"{field}\u0000{bucket}"


def _decode(text: str) -> dict[str, int]:
    out = {}
    for line in text.split("\n"):
        if line:
            term, df = line.rsplit("\t", 1)
            out[term] = int(df)
    return out


def _encode(terms: dict[str, int]) -> str:
    return "\n".join(f"{t}\t{df}" for t, df in sorted(terms.items()) if df > 0)


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
        self._buckets: dict[tuple[str, str], tuple[list[str], dict[str, int]]] = {}
        self._under: dict[tuple[str, str], list[str]] = {}  # (field, short prefix) → its buckets

    def generation(self) -> int:
        return self._generation

    def leaf_readers(self):
        return [(self, 0)]

    def segment(self):
        return None

    def _bucket(self, field: str, bucket: str) -> tuple[list[str], dict[str, int]]:
        key = (field, bucket)
        with self._lock:
            found = self._buckets.get(key)
        if found is not None:
            return found
        doc = self.client.get(index=self.index, id=bucket_id(field, bucket), ignore=[404])
        terms = _decode(doc["_source"]["terms"]) if doc.get("found") else {}
        found = (sorted(terms), terms)
        with self._lock:
            if len(self._buckets) > 20_000:
                self._buckets.clear()
            self._buckets[key] = found
        return found

    def _buckets_under(self, field: str, prefix: str) -> list[str]:
        """The buckets of ``field`` starting with ``prefix`` (shorter than a bucket's key)."""
        key = (field, prefix)
        with self._lock:
            found = self._under.get(key)
        if found is not None:
            return found
        query = {"bool": {"filter": [{"term": {"field": field}}]}}
        if prefix:
            query["bool"]["filter"].append({"prefix": {"bucket": prefix}})
        found, after = [], None
        while True:
            body = {"query": query, "sort": [{"bucket": "asc"}], "size": PAGE, "_source": False}
            if after is not None:
                body["search_after"] = after
            hits = self.client.search(index=self.index, body=body)["hits"]["hits"]
            found.extend(h["sort"][0] for h in hits)
            if len(hits) < PAGE:
                break
            after = hits[-1]["sort"]
        with self._lock:
            self._under[key] = found
        return found

    def _terms(self, field: str, prefix: str):
        if len(prefix) >= BUCKET_CHARS:
            ordered, counts = self._bucket(field, bucket_of(prefix))
            for term in ordered[bisect_left(ordered, prefix):]:
                if not term.startswith(prefix):
                    break
                yield term, counts[term]
            return
        for bucket in self._buckets_under(field, prefix):
            ordered, counts = self._bucket(field, bucket)
            for term in ordered:
                yield term, counts[term]

    def expand_prefix(self, field: str, prefix: str):
        """The field's terms starting with ``prefix``, in order, as bytes (whoosh's answer)."""
        for term, _df in self._terms(field, prefix):
            yield term.encode("utf-8")

    def iter_prefix(self, field: str, prefix: str):
        for term, df in self._terms(field, prefix):
            yield term.encode("utf-8"), _Info(df)

    def lexicon(self, field: str):
        return self.expand_prefix(field, "")

    def iter_field(self, field: str):
        return self.iter_prefix(field, "")

    def doc_frequency(self, field: str, term) -> int:
        term = term.decode("utf-8") if isinstance(term, bytes) else term
        return self._bucket(field, bucket_of(term))[1].get(term, 0)

    def frequency(self, field: str, term) -> int:
        return self.doc_frequency(field, term)

    def __contains__(self, pair) -> bool:
        field, term = pair
        return self.doc_frequency(field, term) > 0


class CachedVocabulary:
    """One ``VocabularyReader`` per vocabulary generation, re-read at most once a second."""

    def __init__(self, client, alias: str, schema, every: float = 1.0, make=None):
        """``make(client, alias, schema, generation)``: the reader to build (a subclass's)."""
        self.client, self.alias, self.schema, self.every = client, alias, schema, every
        self.make = make or VocabularyReader
        self._reader: VocabularyReader | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def reader(self) -> VocabularyReader:
        now = time.monotonic()
        with self._lock:
            if self._reader is not None and now - self._checked < self.every:
                return self._reader
        generation = read_generation(self.client, vocabulary_alias(self.alias))
        with self._lock:
            self._checked = now
            if self._reader is None or self._reader.generation() != generation:
                self._reader = self.make(self.client, self.alias, self.schema, generation)
            return self._reader


def read_generation(client, index: str) -> int:
    """The change counter of the vocabulary index (or alias) ``index``."""
    found = client.get(index=index, id=GENERATION_ID, ignore=[404])
    return int(found["_source"]["terms"]) if found.get("found") else 0


def apply_changes(client, index: str, changes: Counter, generation: int) -> None:
    """Add ``changes`` ((field, term) → +/- documents) to the vocabulary index ``index``,
    rewriting the buckets they touch; one writer at a time (the indexer)."""
    from opensearchpy import helpers

    touched: dict[tuple[str, str], Counter] = {}
    for (field, term), delta in changes.items():
        if delta:
            touched.setdefault((field, bucket_of(term)), Counter())[term] += delta
    keys = list(touched)
    current: dict[tuple[str, str], dict[str, int]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found = client.mget(index=index, body={"ids": [bucket_id(f, b) for f, b in chunk]})
        for key, doc in zip(chunk, found["docs"]):
            current[key] = _decode(doc["_source"]["terms"]) if doc.get("found") else {}

    def actions():
        for key in keys:
            field, bucket = key
            terms = current[key]
            for term, delta in touched[key].items():
                terms[term] = terms.get(term, 0) + delta
            text = _encode(terms)
            if text:
                yield {"_op_type": "index", "_index": index, "_id": bucket_id(field, bucket),
                       "_source": {"field": field, "bucket": bucket, "terms": text}}
            else:
                yield {"_op_type": "delete", "_index": index, "_id": bucket_id(field, bucket)}
        yield {"_op_type": "index", "_index": index, "_id": GENERATION_ID,
               "_source": {"field": "", "bucket": "", "terms": str(generation)}}

    for ok, item in helpers.streaming_bulk(client, actions(), chunk_size=200, max_chunk_bytes=20 << 20,
                                           raise_on_error=False, max_retries=3):
        if not ok and next(iter(item.values())).get("status") != 404:
            raise RuntimeError(f"vocabulary update failed: {str(item)[:300]}")
