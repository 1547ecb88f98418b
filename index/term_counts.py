"""Term frequencies and positions straight from the analyzer's word cache.

whoosh's ``Frequency`` and ``Positions`` formats pull every term of a field
through the analyzer's token generator and count (or collect the positions
of) one ``Token`` at a time: about two tokens per word for the ``variant``
field (index/variants.py), one or two for title and body.  Here the words are
found with the same regex and each distinct word's terms (the chain's
outputs for it, kept in a cache of their own in ``MemoizingAnalyzer``'s
memo) are counted directly: the same terms, frequencies, positions and
weights, without a ``Token`` per term.  An index whose schema has the plain formats (built
before) is written the plain way; the postings are the same.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain, islice

from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from .analysis import MemoizingAnalyzer


# Words an index-time cache keeps (per analyzer and language).  A writer has
# two chains (title/body and variant) and mostly two languages: four caches,
# ~490 bytes a word on the news archive (100,000 words each: 196 MB).  At
# 500,000 a single writer of the archive peaked at 736 MB (491 MB at 100,000).
# The cost of a smaller one: a sub-writer of half the archive analysed 0.61
# million words at 500,000, 0.83 million at 100,000 and 1.37 million at
# 50,000, which made the single writer ~10% slower (``_CACHE_LIMIT`` still
# caps it: tests lower it).
INDEX_CACHE_WORDS = 100_000


def _word_terms(analyzer: MemoizingAnalyzer, value: str) -> tuple[list[str], dict]:
    """The value's matched words, and {word: its unstopped index-time terms} covering them.

    The word → terms cache (in the analyzer's memo, under its own key) fills
    up to ``INDEX_CACHE_WORDS`` words and then stops growing: words met after that
    are analysed again in each document that has them.  Words follow Zipf's
    law, so the words that fill it first are the frequent ones: at 60,000
    words, a sub-writer of half the news archive analysed 1.56 million words
    when the cache was emptied on filling up (the token path's rule), 1.17
    million now.
    """
    lang = analyzer.items[0].language(value)
    key = (lang, True, "index", "terms")
    terms = analyzer._memo.get(key)
    if terms is None:
        terms = analyzer._memo[key] = {}
    words = analyzer.items[0].pattern.findall(value)
    new = set(words).difference(terms)
    if not new:
        return words, terms
    found = {word: _unstopped_terms(analyzer, word, lang) for word in new}
    room = min(analyzer._CACHE_LIMIT, INDEX_CACHE_WORDS) - len(terms)
    if len(found) <= room:
        terms.update(found)
        return words, terms
    terms.update(islice(found.items(), max(room, 0)))  # fill it up; the rest only for this value
    found.update((word, terms[word]) for word in set(words).difference(found))
    return words, found


def _unstopped_terms(analyzer: MemoizingAnalyzer, word: str, lang: str) -> tuple[str, ...]:
    entry = analyzer._entry(word, lang, True, "index")
    return tuple(text for text, stopped, _normalized in entry[2] if not stopped)


def term_frequencies(analyzer: MemoizingAnalyzer, value: str) -> Counter:
    """{term: occurrences} of the unstopped terms ``analyzer`` yields for ``value`` at index time."""
    words, terms = _word_terms(analyzer, value)
    return Counter(chain.from_iterable(map(terms.__getitem__, words)))


def term_positions(analyzer: MemoizingAnalyzer, value: str) -> dict[str, list[int]]:
    """{term: its positions}, as the token path numbers them: one position per
    matched word, stop words included (their position stays empty), every
    term of a word (its stems) at the word's position."""
    words, terms = _word_terms(analyzer, value)
    poses: dict[str, list[int]] = {}
    for pos, word in enumerate(words):
        for text in terms[word]:
            if text in poses:
                poses[text].append(pos)
            else:
                poses[text] = [pos]
    return poses


def _fast_path(analyzer, value, kwargs) -> bool:
    """Whether a word_values call is the index-time one the caches can answer."""
    return (isinstance(analyzer, MemoizingAnalyzer) and isinstance(value, str)
            and kwargs.get("mode", "index") == "index" and not set(kwargs) - {"mode"})


class CountedFrequency(Frequency):
    """whoosh's ``Frequency`` format, counting through ``term_frequencies`` when it can."""

    def word_values(self, value, analyzer, **kwargs):
        if not _fast_path(analyzer, value, kwargs):
            return super().word_values(value, analyzer, **kwargs)
        fb = self.field_boost
        # Frequency sums a boost of 1.0 per token: float(freq), exactly.
        return [(w, freq, float(freq) * fb, pack_uint(freq))
                for w, freq in term_frequencies(analyzer, value).items()]


class CountedPositions(Positions):
    """whoosh's ``Positions`` format, positions found through ``term_positions`` when it can."""

    def word_values(self, value, analyzer, **kwargs):
        if not _fast_path(analyzer, value, kwargs):
            return super().word_values(value, analyzer, **kwargs)
        fb, encode = self.field_boost, self.encode
        # Positions sums a boost of 1.0 per token: float(len(poslist)), exactly.
        return [(w, len(poslist), float(len(poslist)) * fb, encode(poslist))
                for w, poslist in term_positions(analyzer, value).items()]


_COUNTED = {Frequency: CountedFrequency, Positions: CountedPositions}


def counted(field):
    """``field`` (a TEXT field, with or without positions) with its format counting
    through the analyzer's word cache: the same postings, without a Token per term."""
    counted_format = _COUNTED.get(type(field.format))
    if counted_format is None:
        raise TypeError(f"counted() needs a Frequency or Positions field, not {type(field.format).__name__}")
    field.format = counted_format(field_boost=field.format.field_boost, **field.format.options)
    return field
