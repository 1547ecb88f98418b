"""Vocabulary words within a few edits of a typed word, for "did you mean".

whoosh's ``reader.terms_within`` walks a Levenshtein automaton over the terms
file, one seek and read per step: ~0.5 s per unknown word on the 39,611-article
index, and it cannot be stopped midway.  Here the terms that share the kept
first letters are read once per index generation (one sequential read of that
part of the terms file, ~50 ms for the largest letter) and kept in memory, and
rapidfuzz's C edit distance scans them in a few milliseconds.  The answer is
the same set of words: plain Levenshtein distance (no transpositions) with the
first ``prefix`` letters equal, as the automaton.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein, OSA

MAX_BUCKETS = 256  # (generation, field, prefix) word lists remembered; the archive's largest is ~22,000 words


def edit_distance(a: str, b: str) -> int:
    """Damerau–Levenshtein distance (optimal string alignment): a swap costs one."""
    return OSA.distance(a, b)


class Neighbours:
    """Per-engine cache of vocabulary slices, safe to use from several threads."""

    def __init__(self, max_buckets: int = MAX_BUCKETS):
        self._lock = threading.Lock()
        self._buckets: OrderedDict[tuple, list[str]] = OrderedDict()
        self._max = max_buckets

    def _bucket(self, reader, field: str, prefix: str) -> list[str]:
        key = (reader.generation(), field, prefix)
        with self._lock:
            words = self._buckets.get(key)
            if words is not None:
                self._buckets.move_to_end(key)
                return words
        words = [t.decode("utf-8") if isinstance(t, bytes) else t
                 for t in reader.expand_prefix(field, prefix)]
        with self._lock:
            self._buckets[key] = words
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
        return words

    def within(self, reader, field: str, word: str, maxdist: int, prefix: int = 0) -> list[str]:
        """Words of ``field`` at most ``maxdist`` Levenshtein edits from ``word``, sharing its first ``prefix`` letters."""
        if len(word) < prefix:
            return []
        words = self._bucket(reader, field, word[:prefix])
        found = process.extract(word, words, scorer=Levenshtein.distance, score_cutoff=maxdist, limit=None)
        return [w for w, _dist, _i in found]

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()
