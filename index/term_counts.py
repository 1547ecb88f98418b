"""Term frequencies and positions straight from the analyzer's word cache.

whoosh's ``Frequency`` and ``Positions`` formats pull every term of a field
through the analyzer's token generator and count (or collect the positions
of) one ``Token`` at a time: about two tokens per word for the ``variant``
field (index/variants.py), one or two for title and body.  Here the words are
found with the same regex and each distinct word's cached outputs
(``MemoizingAnalyzer``'s memo, shared with the token path) are counted
directly: the same terms, frequencies, positions and weights, without a
``Token`` per term.  An index whose schema has the plain formats (built
before) is written the plain way; the postings are the same.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain

from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from .analysis import TOKEN_PATTERN, MemoizingAnalyzer


def _word_terms(analyzer: MemoizingAnalyzer, value: str) -> tuple[list[str], dict]:
    """The value's matched words, and {word: its unstopped index-time terms} covering them."""
    lang = analyzer.items[0].language(value)
    key = (lang, True, "index")
    memo = analyzer._memo.get(key)
    if memo is None or len(memo) > analyzer._CACHE_LIMIT:  # the token path's rule, so both share one cache
        memo = analyzer._memo[key] = {}
    # word → its unstopped terms, beside the token path's memo (and dropped with it).
    terms = analyzer._memo.get(key + ("terms",))
    if terms is None or len(terms) > analyzer._CACHE_LIMIT:
        terms = analyzer._memo[key + ("terms",)] = {}
    words = TOKEN_PATTERN.findall(value)
    for word in set(words).difference(terms):  # words not seen before: analyse each once
        entry = memo.get(word)
        if entry is None:
            entry = memo[word] = analyzer._entry(word, lang, True, "index")
        terms[word] = tuple(text for text, stopped, _normalized in entry[2] if not stopped)
    return words, terms


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
