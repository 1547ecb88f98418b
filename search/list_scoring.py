"""Scoring every match of a query posting list by posting list, not document by document.

A search scores every matching document (search/matching.py: exhaustive
scoring keeps the top 10 right and gives the facet counts).  whoosh does it
by walking its matcher tree once per document: a word's stems in two fields,
its other spellings and its loose key make a tree of a dozen Union, BestOf
and Wrapping matchers, and every document costs a dozen ``is_active()``,
``id()``, ``next()`` and ``score()`` calls at each level (~80% of an
any-word search on the news archive went there).

``scores_of`` reads the same tree bottom-up instead: each term's postings
are read a block at a time and scored in one loop, and each node combines
its children's {docnum: score} tables exactly as its matcher would combine
their scores on one document (a union adds the sides present, an
intersection adds both, ``BestOf`` takes the larger, a wrapper multiplies by
its boost, an exclusion drops the other side's documents).  The tree is
whoosh's own, built by the query as before, so the sums are added in the
same order and every score is the same float, bit for bit.  A matcher this
module does not know (phrases) is walked document by document as before.  ``AllScored`` hands the collector the
result as a flat list, a chunk of document numbers at a time.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict
from heapq import heappush, heapreplace, nlargest
from itertools import accumulate

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import IntersectionMatcher, Matcher, NullMatcherClass, UnionMatcher
from whoosh.matching.wrappers import FilterMatcher, WrappingMatcher
from whoosh.query import Query
from whoosh.scoring import BM25FScorer, WeightLengthScorer

from .dismax import BestOfMatcher
from .query import ExcludingMatcher

# Documents scored at a time: a search past its deadline keeps the hits of the
# chunks already done, as a document-at-a-time search kept those it had seen.
CHUNK_DOCS = 8192
CACHED_POSTINGS = 1_500_000  # decoded postings kept per process (~18 MB)
_BLOCKS: OrderedDict = OrderedDict()  # (postings file, block offset) -> (ids, weights)
_BLOCKS_LOCK = threading.Lock()
_cached_postings = 0


def scores_of(matcher, below: int) -> dict[int, float]:
    """{docnum: score} of the documents numbered below ``below`` that ``matcher``
    has yet to match, each scored as ``matcher.score()`` would score it.
    Moves ``matcher`` (and its tree) to its first match at ``below`` or later."""
    kind = type(matcher)
    if kind is NullMatcherClass or not matcher.is_active():
        return {}
    if kind is W3LeafMatcher and _scores_in_bulk(matcher):
        return _leaf_scores(matcher, below)
    if kind is UnionMatcher:
        return _union(scores_of(matcher.a, below), scores_of(matcher.b, below))
    if kind is IntersectionMatcher:
        return _intersection(scores_of(matcher.a, below), scores_of(matcher.b, below))
    if kind is BestOfMatcher:
        return _best(scores_of(matcher.a, below), scores_of(matcher.b, below))
    if kind is WrappingMatcher:
        return _boosted(scores_of(matcher.child, below), matcher.boost)
    if kind is FilterMatcher:  # a segment's deleted documents left out
        kept = scores_of(matcher.child, below)
        ids, exclude = matcher._ids, matcher._exclude
        kept = {d: s for d, s in kept.items() if (d in ids) != exclude}
        return _boosted(kept, matcher.boost)
    if kind is ExcludingMatcher:  # `a -b`: a's scores, without b's documents
        kept = scores_of(matcher.a, below)
        excluded = ids_of(matcher.b, below)
        return {d: s for d, s in kept.items() if d not in excluded} if excluded else kept
    return _walked(matcher, below)


def ids_of(matcher, below: int) -> set[int]:
    """The documents below ``below`` that an unscored ``matcher`` (an excluded side)
    has yet to match.  Moves it as ``scores_of`` does."""
    kind = type(matcher)
    if kind is NullMatcherClass or not matcher.is_active():
        return set()
    if kind is W3LeafMatcher:
        return {d for ids, _weights in _postings(matcher, below) for d in ids}
    if kind is UnionMatcher or kind is BestOfMatcher:
        return ids_of(matcher.a, below) | ids_of(matcher.b, below)
    if kind is IntersectionMatcher:
        return ids_of(matcher.a, below) & ids_of(matcher.b, below)
    if kind is WrappingMatcher:
        return ids_of(matcher.child, below)
    found = set()
    while matcher.is_active() and matcher.id() < below:
        found.add(matcher.id())
        matcher.next()
    return found


def _scores_in_bulk(leaf) -> bool:
    """True when a term's scorer is the length-and-weight kind whose ``score()``
    this module can repeat from a posting's weight and document length."""
    scorer = leaf.scorer
    return (isinstance(scorer, WeightLengthScorer) and hasattr(scorer, "dfl")
            and type(scorer).score is WeightLengthScorer.score)


def _leaf_scores(leaf, below: int) -> dict[int, float]:
    """One term's postings from the leaf's current position to ``below``, scored."""
    scorer = leaf.scorer
    norms = getattr(scorer, "length_norms", None) if type(scorer) is BM25FScorer else None
    if norms is not None:  # whoosh's bm25(), its length part read per document
        idf, k1_plus_1 = scorer.idf, scorer.K1 + 1
    else:
        score, length = scorer._score, scorer.dfl
    out: dict[int, float] = {}
    for ids, weights in _postings(leaf, below):
        if norms is not None:
            out.update({d: idf * ((tf * k1_plus_1) / (tf + norms[d])) for d, tf in zip(ids, weights)})
        else:
            out.update({d: score(tf, length(d)) for d, tf in zip(ids, weights)})
    return out


def _postings(leaf, below: int):
    """(document numbers, weights) of a term's postings, a block at a time, from the
    leaf's current position to ``below``; leaves the leaf on its first posting after."""
    while leaf.is_active():
        if leaf._ids is None or leaf._weights is None:
            leaf._ids, leaf._weights = _block(leaf)
        start, ids = leaf._i, leaf._ids
        whole = leaf.block_max_id() < below
        end = len(ids) if whole else bisect_left(ids, below, start)
        yield ids[start:end], leaf._weights[start:end]
        if not whole:
            leaf._i = end  # the first posting at ``below`` or later, in this block
            return
        leaf._i = leaf._blocklength - 1
        leaf.next()  # on to the next block (or the end)


def _block(leaf) -> tuple:
    """(document numbers, weights) of the leaf's current block, decoded once per process.

    A block is a zlib-compressed pickle of its ids, weights and positions, and
    decoding it was most of scoring a frequent word; the same words come back
    query after query.  Segment files never change once written and are named
    by their random segment id, so (file name, offset) names a block for good;
    at most ``CACHED_POSTINGS`` postings are kept (least recently used first
    out, 12 bytes each: ids and weights as C arrays, the same numbers).
    """
    name = getattr(leaf._postfile, "_name", None)
    key = (name, leaf._dataoffset)
    with _BLOCKS_LOCK:
        found = _BLOCKS.get(key) if name else None
        if found is not None:
            _BLOCKS.move_to_end(key)
            return found
    if leaf._data is None:
        leaf._read_data()
    raw = leaf._data[0]
    leaf._read_weights()
    if leaf._byteids:  # a term vector's postings (ids are terms): not a document list
        return raw, leaf._weights
    found = (array("I", accumulate(raw)), array("d", leaf._weights))
    if name:
        with _BLOCKS_LOCK:
            global _cached_postings
            _BLOCKS[key] = found
            _cached_postings += len(found[0])
            while _cached_postings > CACHED_POSTINGS and _BLOCKS:
                _cached_postings -= len(_BLOCKS.popitem(last=False)[1][0])
    return found


def _larger_copied(a: dict, b: dict) -> tuple[dict, dict]:
    """(a copy of the larger side, the smaller side): merging the smaller into the larger
    inserts fewest keys (a tie keeps ``a`` first, so the merged order is ``a``'s)."""
    return (dict(b), a) if len(a) < len(b) else (dict(a), b)


def _union(a: dict, b: dict) -> dict:
    """UnionMatcher: the sides present on a document, added (a + b == b + a in floats)."""
    out, smaller = _larger_copied(a, b)
    get = out.get
    for docnum, score in smaller.items():
        found = get(docnum)
        out[docnum] = score if found is None else found + score
    return out


def _intersection(a: dict, b: dict) -> dict:
    """IntersectionMatcher: documents on both sides, their scores added."""
    if len(a) > len(b):
        a, b = b, a
    return {docnum: score + b[docnum] for docnum, score in a.items() if docnum in b}


def _best(a: dict, b: dict) -> dict:
    """BestOfMatcher: the larger score of the sides present on a document."""
    out, smaller = _larger_copied(a, b)
    get = out.get
    for docnum, score in smaller.items():
        found = get(docnum)
        out[docnum] = score if found is None or score > found else found
    return out


def _boosted(scores: dict, boost: float) -> dict:
    if boost == 1.0:
        return scores
    return {docnum: score * boost for docnum, score in scores.items()}


def _walked(matcher, below: int) -> dict[int, float]:
    """Any other matcher, one document at a time through its own methods."""
    out: dict[int, float] = {}
    while matcher.is_active() and matcher.id() < below:
        out[matcher.id()] = matcher.score()
        matcher.next()
    return out


class ChunkScored(Matcher):
    """A matcher tree's matches in document order, scored ``CHUNK_DOCS`` documents at a time.

    ``reweigh``, if given, takes each chunk's {docnum: score} and returns it with
    the ranking's per-document factors applied (search/ranking.py: the query's
    language), so every collector sees the final scores."""

    def __init__(self, tree, documents: int, deadline, chunk: int = CHUNK_DOCS, reweigh=None):
        self._tree, self._documents, self._deadline, self._chunk = tree, documents, deadline, chunk
        self._reweigh = reweigh
        self._below = 0
        self._ids: list[int] = []
        self._scores: dict[int, float] = {}
        self._i = 0
        self._fill()

    def _fill(self) -> None:
        """Score chunks until one has a match or the tree has none left."""
        self._i = 0
        self._ids = []
        # The tree's own id() is not asked: its unions remember an id their leaves,
        # moved here, have left behind.
        while not self._ids and self._below < self._documents and self._tree.is_active():
            self._deadline.check()
            self._below += self._chunk
            self._scores = scores_of(self._tree, self._below)
            if self._reweigh is not None and self._scores:
                self._scores = self._reweigh(self._scores)
            self._ids = sorted(self._scores)

    def chunks(self):
        """(document numbers, {docnum: score}) of each chunk still to come, for
        collectors that take a chunk at a time (``CollectsChunks``)."""
        while self.is_active():
            ids = self._ids[self._i:] if self._i else self._ids
            self._i = len(self._ids)
            yield ids, self._scores
            self._fill()

    def is_active(self):
        return self._i < len(self._ids)

    def id(self):
        return self._ids[self._i]

    def score(self):
        return self._scores[self._ids[self._i]]

    def next(self):
        self._i += 1
        if self._i == len(self._ids):
            self._fill()

    def supports_block_quality(self):
        return False

    def replace(self, minquality=0):
        return self


class CollectsChunks:
    """A collector mixin: a ``ChunkScored`` matcher's matches go to ``collect_chunk(ids,
    scores)`` a chunk at a time, not to one ``collect()`` call per document."""

    def collect_matches(self):
        chunks = getattr(self.matcher, "chunks", None)
        if chunks is None or getattr(self, "final_fn", None):
            return super().collect_matches()
        for ids, scores in chunks():
            self.collect_chunk(ids, scores)

    def collect_chunk(self, ids: list[int], scores: dict[int, float]) -> None:
        """Take one chunk's matches (each collector does it its own way:
        FacetedTop, TopAndCounts); a collector without it cannot mix this in."""
        raise NotImplementedError


def keep_best(heap: list, limit: int, items) -> None:
    """Keep in ``heap`` the ``limit`` largest of its items and ``items``.

    whoosh's TopCollector pushes one (score, -docnum) at a time and replaces
    its smallest only by a larger score; documents arrive in docnum order, so
    what it keeps is the ``limit`` largest by (score, -docnum), which is what
    this keeps too.
    """
    _offer(heap, limit, nlargest(limit, items))


def keep_best_scored(heap: list, limit: int, ids: list[int], scores: dict[int, float],
                     offset: int) -> None:
    """``keep_best`` of (score, -(offset + docnum)) for ``ids`` (in docnum order), made
    only for the ``limit`` best: ``nlargest`` by score keeps the earlier of equal
    scores, the lower docnum, as (score, -docnum) does."""
    score = scores.__getitem__
    _offer(heap, limit, [(score(d), -(offset + d)) for d in nlargest(limit, ids, key=score)])


def _offer(heap: list, limit: int, best_first) -> None:
    for item in best_first:
        if len(heap) < limit:
            heappush(heap, item)
        elif item > heap[0]:
            heapreplace(heap, item)
        else:
            break  # the rest are smaller still


class AllScored(Query):
    """``query`` whose matches are scored all at once (``scores_of``) when a search scores them.

    Unscored uses (counting, filtering) get the query's own matcher.  ``words``
    (search/ranking.py's ``QueryWord``s) are what the query searches for: the
    query's language is found from them (once per searcher) and its documents'
    scores raised (``ranking.Preference``).
    """

    def __init__(self, query: Query, deadline, words=()):
        self.query = query
        self.deadline = deadline
        self.words = tuple(words)
        self.boost = 1.0
        self._preferences: dict = {}  # top searcher's id → its Preference (or None)

    def preference(self, searcher):
        """The language preference of this query on ``searcher``'s index (None: none)."""
        from . import ranking  # ranking imports matching, which imports this module

        top = searcher.get_parent() if searcher.has_parent() else searcher
        key = id(top)
        if key not in self._preferences:
            self._preferences = {key: ranking.preference(top, self.words)}
        return self._preferences[key]

    def matcher(self, searcher, context=None):
        inner = self.query.matcher(searcher, context)
        if context is not None and context.weighting is None:
            return inner
        prefer = self.preference(searcher)
        reweigh = None if prefer is None else (lambda scores: prefer.apply(searcher, scores))
        return ChunkScored(inner, searcher.doc_count_all(), self.deadline, reweigh=reweigh)

    def rewritten(self, fn) -> "AllScored":
        """The same, around ``fn(query)`` (an experiment's change to the whoosh query)."""
        return AllScored(fn(self.query), self.deadline, self.words)

    def leaves(self):
        return self.query.leaves()

    def children(self):
        return [self.query]

    def estimate_size(self, ixreader):
        return self.query.estimate_size(ixreader)

    def __eq__(self, other):
        return isinstance(other, AllScored) and other.query == self.query

    def __hash__(self):
        return hash(("AllScored", self.query))

    def __repr__(self):
        return f"AllScored({self.query!r})"
