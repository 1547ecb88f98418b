"""Ranking a reader expects, on top of BM25F: the query's language first, and words near each other.

Two rules, each applied to a score BM25F has already given (search/scoring.py):

**The query's language.**  A Persian query on an archive of Persian and Arabic news
should show Persian stories first when the scores are close: `ایران` matched 3,019
Persian and 1,767 Arabic articles, yet its top 20 were all Arabic (an Arabic article
matches both stems of the word, ایران for إيرانياً and ایر for إيران, and their
scores add up).  The query's language is **not** read from its letters: ي/ی, ك/ک, ى
and a final ة/ه only say which keyboard was at hand, and a query typed on either
keyboard must give the identical ranking.  It comes from the index instead: for
each word of the query, the share of Persian documents that contain it (any of its
analysed terms, in the body) against the share of Arabic documents.  ایران is in
33% of the Persian articles and 5.7% of the Arabic ones, السعودية in 0.2% and 29%;
a Persian-only letter (پ چ ژ گ) shows up the same way, as a word that only Persian
documents contain (ترامپ: 432 Persian, 0 Arabic); لبنان (1.7% and 3.1%) has none.
When the words' shares (their geometric mean) are ``LANGUAGE_RATIO`` times larger
in one language, that is the query's language, and every matching document in it
has its score multiplied by ``LANGUAGE_BOOST``: a
document of the other language still ranks first when it scores that much higher,
and is still found (the boost reorders, it never filters).  A query whose words are
about as common in both languages has no language, and no boost.  The factor
is applied to every match while it is scored (``AllScored``), so the top 10 is still
exhaustive scoring's, the export lists the same order, and the total and facets
are unchanged.

**Proximity.**  A two-word query's words next to each other, in the order typed,
is what the reader meant (`اینترنت ملی`: the two articles with the phrase ranked
39th and 91st, below articles with «اینترنت بین‌الملل» and «بانک ملی»).  The top
``PROXIMITY_WINDOW`` documents by that score are rescored: each pair of adjacent
query words (a stop word between them allowed, as a phrase allows it) gets a
closeness in [0, 1] from the nearest occurrence of the two in the document's
body (1 for the phrase itself, 1/2 one word off, ... 0 beyond ``NEAR`` words), and
the document's score is multiplied by ``1 + PROXIMITY_WEIGHT × mean closeness``.
Reading positions costs a block read per document and term, so only the window is
rescored (as Elasticsearch's rescore window and Vespa's second phase do): the
window itself is exactly exhaustive scoring's top documents, rescoring only
reorders inside it, and the documents below it keep their order, so every page is
one consistent list (and an export rescores the same window: the same order).
"""

from __future__ import annotations

import heapq
import math
import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass
from itertools import accumulate

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound
from whoosh.matching.wrappers import WrappingMatcher

from .list_scoring import _postings
from .matching import LANGUAGES, language_table

# A query is in one language when its words are this many times more common
# (share of documents) in that language's documents than in the other's.
LANGUAGE_RATIO = 2.0
# Score factor of a document in the query's language.  bench/eval.py with the news
# (MRR@10 arcd / parsinlu_rc, proximity on): 1.0 0.7217 / 0.5850, 1.3 0.7224 / 0.5856,
# 2.0 0.7224 / 0.5840; only 2.0 puts Persian stories first for ایران (top 20: 5 at
# 1.3), whose Arabic articles score higher by matching both of its stems.
LANGUAGE_BOOST = 2.0
# Documents rescored by proximity (per search: the top of the exhaustive ranking).
PROXIMITY_WINDOW = 50
# Score factor of a document whose every adjacent pair of query words is a phrase
# in it: 1 + PROXIMITY_WEIGHT.  MRR@10 arcd / parsinlu_rc own passages (base 0.8051 /
# 0.7250): 0.25 0.8084 / 0.7273, 0.5 0.8083 / 0.7255, 1.0 0.8067 / 0.7215; 0.5 with
# the news 0.7217 / 0.5850 (base 0.7174 / 0.5824).
PROXIMITY_WEIGHT = 0.5
NEAR = 8  # words apart (beyond the query's own gap) past which a pair is not near
PROXIMITY_FIELD = "body"
_WORD_CACHE = 50_000  # (a word's terms → documents per language) remembered per searcher
_FA, _AR = LANGUAGES.index("fa"), LANGUAGES.index("ar")
CACHED_BLOCKS = 2000  # postings blocks kept with their positions (~7 KB each on the archive: ~14 MB)
_VALUES: OrderedDict = OrderedDict()  # (postings file, block offset) -> (ids, encoded positions)
_VALUES_LOCK = threading.Lock()


@dataclass(frozen=True)
class QueryWord:
    """One word the query searches for: its place among the query's words and its
    analysed terms (a Persian and an Arabic stem, say), any of which may match."""

    position: int
    terms: tuple[str, ...]


def query_words(parsed, analyzer) -> tuple[tuple[QueryWord, ...], frozenset[int]]:
    """(the words ``parsed`` searches for, in order; the positions of its stop words).

    Re-analyses the query's text with the index's chain in query mode and keeps the
    positions whose terms the query highlights (``parsed.terms``): words after a
    ``-``/NOT, field names and operators are not searched for, so they drop out.
    (ParsedQuery could carry this list itself: the words it searches for, each its
    position and terms.)
    """
    by_position: dict[int, list[str]] = {}
    stopped: set[int] = set()
    text = getattr(parsed, "searched_text", None) or parsed.text  # without -X, NOT X, fields
    for token in analyzer(text, mode="query", positions=True, removestops=False):
        if token.stopped:
            stopped.add(token.pos)
            continue
        by_position.setdefault(token.pos, [])
        if token.text not in by_position[token.pos]:
            by_position[token.pos].append(token.text)
    words = tuple(QueryWord(pos, tuple(terms)) for pos, terms in sorted(by_position.items())
                  if terms and all(term in parsed.terms for term in terms))
    return words, frozenset(stopped)


# --- the query's language ------------------------------------------------


def _top(searcher):
    return searcher.get_parent() if searcher.has_parent() else searcher


def _leaf_ids(reader, term: str):
    """The body postings' document numbers (whole-index numbering) of ``term``, a block
    at a time, through the scoring's block cache (search/list_scoring.py): the search
    that follows reads the same blocks."""
    for leaf_reader, offset in reader.leaf_readers():
        if (PROXIMITY_FIELD, term) not in leaf_reader:
            continue
        matcher = leaf_reader.postings(PROXIMITY_FIELD, term)
        if type(matcher) is W3LeafMatcher:
            blocks = (ids for ids, _weights in _postings(matcher, leaf_reader.doc_count_all()))
        else:
            blocks = [list(matcher.all_ids())]
        for ids in blocks:
            yield [offset + d for d in ids] if offset else ids


def word_languages(searcher, terms: tuple[str, ...]) -> tuple[int, int]:
    """(Persian, Arabic) documents whose body holds any of ``terms`` (one query word's),
    counted once per searcher."""
    searcher = _top(searcher)
    cache = getattr(searcher, "_kavosh_word_languages", None)
    if cache is None:
        cache = searcher._kavosh_word_languages = {}
    found = cache.get(terms)
    if found is None:
        table = language_table(searcher)
        docs: set[int] = set()
        for term in terms:
            for ids in _leaf_ids(searcher.reader(), term):
                docs.update(ids)
        # Each document's language code, looked up and counted in C: a frequent word's
        # thousands of documents counted one by one in Python were ~2 ms of a query.
        codes = bytes(map(table.__getitem__, docs))
        found = (codes.count(_FA), codes.count(_AR))
        if len(cache) >= _WORD_CACHE:
            cache.clear()
        cache[terms] = found
    return found


def language_of(searcher, words) -> str | None:
    """'fa' or 'ar' when the query's words are ``LANGUAGE_RATIO`` times more common
    in that language's documents, else None (also on an index of one language).

    Each word's share of a language's documents is the number of them holding any
    of its terms over that language's document count; the words' log ratios are
    averaged (a geometric mean of the ratios).
    """
    if not words:
        return None
    top = _top(searcher)
    table = language_table(top)
    n_fa, n_ar = table.count(_FA), table.count(_AR)
    if not n_fa or not n_ar:
        return None
    logs = []
    for word in words:
        fa, ar = word_languages(top, word.terms)
        logs.append(math.log(((fa + 0.5) / n_fa) / ((ar + 0.5) / n_ar)))
    mean = sum(logs) / len(logs)
    if mean >= math.log(LANGUAGE_RATIO):
        return "fa"
    if mean <= -math.log(LANGUAGE_RATIO):
        return "ar"
    return None


@dataclass(frozen=True)
class Preference:
    """Multiply the score of every document in ``lang`` by ``boost``."""

    lang: str
    boost: float = LANGUAGE_BOOST

    def apply(self, searcher, scores: dict[int, float]) -> dict[int, float]:
        """``scores`` ({docnum: score} of one segment searcher) with the boost applied."""
        table, code, boost = language_table(searcher), LANGUAGES.index(self.lang), self.boost
        return {d: s * boost if table[d] == code else s for d, s in scores.items()}


def preference(searcher, words) -> Preference | None:
    lang = language_of(searcher, words)
    return None if lang is None or LANGUAGE_BOOST == 1.0 else Preference(lang, LANGUAGE_BOOST)


# --- proximity -------------------------------------------------------------


def word_pairs(words, stopped) -> list[tuple[int, int, int]]:
    """(index of a word, index of the next, their distance in the query) for every two
    query words that stand together: adjacent, or with only stop words between."""
    pairs = []
    for i in range(len(words) - 1):
        a, b = words[i].position, words[i + 1].position
        if all(p in stopped for p in range(a + 1, b)):
            pairs.append((i, i + 1, b - a))
    return pairs


def closeness(first: list[int], second: list[int], gap: int) -> float:
    """1 when ``second`` holds a position ``gap`` after one in ``first`` (the phrase),
    1/(1 + k) when the nearest pair is k words off that, 0 beyond ``NEAR``; the
    words in the other order, ``second`` k words before ``first``, are k + gap off."""
    best = NEAR + 1
    for a in first:
        at = bisect_left(second, a - NEAR - gap)
        for b in second[at:]:
            if b > a + gap + NEAR:
                break
            off = b - a - gap if b > a else a - b + gap
            off = abs(off)
            if off < best:
                best = off
                if best == 0:
                    return 1.0
    return 0.0 if best > NEAR else 1.0 / (1 + best)


def _block_values(leaf) -> tuple:
    """(document numbers, encoded positions) of the leaf's current block, decoded once
    and kept (least recently used out past ``CACHED_BLOCKS``): the words people search
    for come back, and decoding a block is most of reading one document's positions."""
    key = (getattr(leaf._postfile, "_name", None), leaf._dataoffset)
    with _VALUES_LOCK:
        found = _VALUES.get(key) if key[0] else None
        if found is not None:
            _VALUES.move_to_end(key)
            return found
    if leaf._data is None:
        leaf._read_data()
    found = (array("I", accumulate(leaf._data[0])), leaf._data[2])
    if key[0]:
        with _VALUES_LOCK:
            _VALUES[key] = found
            while len(_VALUES) > CACHED_BLOCKS:
                _VALUES.popitem(last=False)
    return found


class _Unreadable(Exception):
    """A term's postings are not in whoosh's W3 format: its positions cannot be read here."""


def _positions(reader, term: str, docnums: list[int], strict: bool = False) -> dict[int, list[int]]:
    """docnum → positions of ``term`` in the body, for the (sorted) ``docnums`` holding it.
    Postings of another format are skipped, or with ``strict`` raise ``_Unreadable``."""
    out: dict[int, list[int]] = {}
    for leaf_reader, offset in reader.leaf_readers():
        end = offset + leaf_reader.doc_count_all()
        wanted = [d - offset for d in docnums if offset <= d < end]
        if not wanted:
            continue
        try:
            leaf = leaf_reader.postings(PROXIMITY_FIELD, term)
        except TermNotFound:
            continue
        while isinstance(leaf, WrappingMatcher):  # a segment's deleted documents filtered
            leaf = leaf.child
        if type(leaf) is not W3LeafMatcher:
            if strict:
                raise _Unreadable(term)
            continue
        decode = leaf.format.decode_positions
        for docnum in wanted:
            while leaf.is_active() and leaf.block_max_id() < docnum:
                leaf._next_block()
            if not leaf.is_active():
                break
            ids, values = _block_values(leaf)
            at = bisect_left(ids, docnum)
            if at < len(ids) and ids[at] == docnum:
                out[offset + docnum] = decode(values[at])
    return out


# A snippet reads its terms' places from the index for at most this many terms
# (a prefix may stand for thousands: those hits' words are analysed instead).
PLACES_TERMS = 64


def term_places(searcher, terms, docnums) -> dict[int, set[int]] | None:
    """docnum → the places (word numbers) in its body where the index holds one of
    ``terms``, for each of ``docnums``; None when they cannot be read (too many
    terms, postings of another format).

    What a hit's snippet marks (search/snippets.py, ``positions``): the index
    analysed the body with the same chain, so only the words at these places
    can be one of the terms.  The blocks are those proximity reads (kept decoded).
    """
    if len(terms) > PLACES_TERMS:
        return None
    reader = _top(searcher).reader()
    ordered = sorted(set(docnums))
    places: dict[int, set[int]] = {d: set() for d in ordered}
    try:
        for term in sorted(terms):
            for docnum, positions in _positions(reader, term, ordered, strict=True).items():
                places[docnum].update(positions)
    except _Unreadable:
        return None
    return places


def proximity_factors(searcher, words, stopped, docnums) -> dict[int, float]:
    """docnum → the proximity factor (1 + weight × mean closeness of the query's word pairs)."""
    pairs = word_pairs(words, stopped)
    if not pairs or PROXIMITY_WEIGHT == 0:
        return {d: 1.0 for d in docnums}
    reader = _top(searcher).reader()
    ordered = sorted(docnums)
    used = sorted({i for pair in pairs for i in pair[:2]})
    where: dict[int, dict[int, list[int]]] = {}
    for i in used:
        merged: dict[int, list[int]] = {}
        for term in words[i].terms:
            for docnum, positions in _positions(reader, term, ordered).items():
                merged.setdefault(docnum, []).extend(positions)
        where[i] = {d: sorted(p) for d, p in merged.items()}
    factors = {}
    for docnum in docnums:
        total = 0.0
        for i, j, gap in pairs:
            first, second = where[i].get(docnum), where[j].get(docnum)
            if first and second:
                total += closeness(first, second, gap)
        factors[docnum] = 1.0 + PROXIMITY_WEIGHT * total / len(pairs)
    return factors


def rescored(searcher, top_n: list[tuple[float, int]], words, stopped,
             window: int = PROXIMITY_WINDOW) -> list[tuple[float, int]]:
    """``top_n`` ((score, docnum), best first) with its first ``window`` entries rescored
    by proximity and reordered (equal scores: lower docnum first, as whoosh ranks);
    the entries below the window keep their place."""
    if len(words) < 2 or not top_n:
        return top_n
    head, tail = top_n[:window], top_n[window:]
    factors = proximity_factors(searcher, words, stopped, [d for _s, d in head])
    head = sorted(((score * factors[d], d) for score, d in head), key=lambda sd: (-sd[0], sd[1]))
    return head + tail


def rescore_matches(searcher, matches, words, stopped, window: int = PROXIMITY_WINDOW) -> None:
    """``rescored`` for an export's every match (``matches.scores``/``docnums``, search/export.py):
    the top ``window`` by score get their proximity factor, in place, so sorting them all
    by score gives the search's order."""
    if len(words) < 2 or not len(matches.scores):
        return
    scores, docnums = matches.scores, matches.docnums
    head = heapq.nsmallest(window, range(len(scores)), key=lambda i: (-scores[i], docnums[i]))
    factors = proximity_factors(searcher, words, stopped, [docnums[i] for i in head])
    for i in head:
        scores[i] = scores[i] * factors[docnums[i]]
