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


def levenshtein_within(words: list[str], word: str, maxdist: int) -> list[str]:
    """The ``words`` at most ``maxdist`` Levenshtein edits from ``word``, in their own order."""
    found = process.extract(word, words, scorer=Levenshtein.distance, score_cutoff=maxdist, limit=None)
    return [words[i] for i in sorted(i for _w, _dist, i in found)]


def fuzzy_terms(reader, field: str, word: str, maxdist: int, prefix: int,
                words_under: dict | None = None) -> list[str]:
    """What a one-segment reader's ``terms_within`` lists, on any reader, in the terms' order.

    whoosh lists a several-segment index's neighbours with Damerau–Levenshtein
    (a swap is one edit) but one segment's with a plain Levenshtein automaton
    (a swap is two): the same documents gave other terms, totals and top 10s
    once an index had two segments.  This is the automaton's answer everywhere.
    ``words_under``: a dict that keeps the terms read under each prefix, for the
    next word with the same first letters (the caller's, for one reader; the
    caller bounds it).
    """
    if len(word) < prefix:
        return []
    key = (field, word[:prefix])
    words = None if words_under is None else words_under.get(key)
    if words is None:
        words = [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.expand_prefix(*key)]
        if words_under is not None:
            words_under[key] = words
    return levenshtein_within(words, word, maxdist)


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
            if any(k[0] > key[0] for k in self._buckets):
                return words  # a searcher of an older commit: not worth keeping
            for stale in [k for k in self._buckets if k[0] < key[0]]:  # an older commit's words
                del self._buckets[stale]
            self._buckets[key] = words
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
        return words

    def within(self, reader, field: str, word: str, maxdist: int, prefix: int = 0) -> list[str]:
        """Words of ``field`` at most ``maxdist`` Levenshtein edits from ``word``, sharing its first ``prefix`` letters."""
        if len(word) < prefix:
            return []
        return levenshtein_within(self._bucket(reader, field, word[:prefix]), word, maxdist)
