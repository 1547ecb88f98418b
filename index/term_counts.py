"""Term frequencies for a frequency-only field straight from the analyzer's word cache.

The ``variant`` field (index/variants.py) keeps no positions, only how often
each cross-script key occurs in a document, yet whoosh's ``Frequency`` format
pulls every key through the analyzer's token generator (about two tokens per
word of title and body) and counts them one ``Token`` at a time.  Here the
words are found with the same regex and each distinct word's cached outputs
(``MemoizingAnalyzer``'s memo, shared with the token path) are counted
directly: the same terms, frequencies and weights, without a ``Token`` per key.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain

from whoosh.formats import Frequency
from whoosh.system import pack_uint

from .analysis import TOKEN_PATTERN, MemoizingAnalyzer


def term_frequencies(analyzer: MemoizingAnalyzer, value: str) -> Counter:
    """{term: occurrences} of the unstopped terms ``analyzer`` yields for ``value`` at index time."""
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
    try:
        return Counter(chain.from_iterable(map(terms.__getitem__, words)))
    except KeyError:  # words not seen before: analyse each once, then count in one pass
        pass
    for word in set(words).difference(terms):
        entry = memo.get(word)
        if entry is None:
            entry = memo[word] = analyzer._entry(word, lang, True, "index")
        terms[word] = tuple(text for text, stopped, _normalized in entry[2] if not stopped)
    return Counter(chain.from_iterable(map(terms.__getitem__, words)))


class CountedFrequency(Frequency):
    """whoosh's ``Frequency`` format, counting through ``term_frequencies`` when it can."""

    def word_values(self, value, analyzer, **kwargs):
        if (not isinstance(analyzer, MemoizingAnalyzer) or not isinstance(value, str)
                or kwargs.get("mode", "index") != "index" or set(kwargs) - {"mode"}):
            return super().word_values(value, analyzer, **kwargs)
        fb = self.field_boost
        # Frequency sums a boost of 1.0 per token: float(freq), exactly.
        return [(w, freq, float(freq) * fb, pack_uint(freq))
                for w, freq in term_frequencies(analyzer, value).items()]


def counted(field):
    """``field`` (a frequency-only TEXT field) with its format counting through ``term_frequencies``."""
    if type(field.format) is not Frequency:
        raise TypeError(f"counted() needs a Frequency field, not {type(field.format).__name__}")
    field.format = CountedFrequency(field_boost=field.format.field_boost, **field.format.options)
    return field
