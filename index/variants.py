"""Cross-script spelling variants of names and loanwords.

Persian and Arabic write the same foreign name differently: Persian letters
in Persian text, Arabic letters (and more long vowels) in Arabic text —
ترامپ/ترامب, پوتین/بوتين, زلنسکی/زيلينسكي, مسکو/موسكو, کیف/كييف.  No
normalization can equate them, because پ and ب are different letters to a
Persian reader.  Instead every word also gets a *skeleton*: the four
Persian-only letters folded to their Arabic counterparts (پ→ب چ→ج ژ→ز گ→ک)
and the long vowels و ی dropped after the first letter (Arabic spells names
with more of them: موسكو, زيلينسكي, كييف).  Alef stays: dropping it too made
پهپاد (بهباد) meet بهبود.  Spellings of one name share a skeleton; the index keeps skeletons in a separate field, and
a query may match them at a lower weight than its exact words.

The skeleton is taken from the normalized word with only an Arabic article
or conjunction removed (الكرملين → کرملین), not from its stem: light10 would
cut بوتين to بوت, whose skeleton بت is also بيت's.
"""

from __future__ import annotations

from functools import lru_cache

from whoosh.analysis import Filter

from .stemmers import ARABIC_PREFIXES

_FOLD = str.maketrans({"پ": "ب", "چ": "ج", "ژ": "ز", "گ": "ک"})
_VOWELS = str.maketrans({"و": None, "ی": None})
# A skeleton shorter than this says too little (کف would join کیف, کاف, کوف…).
MIN_SKELETON = 2


def _strip_prefix(word: str) -> str:
    """At most one Arabic article/conjunction prefix, with light10's length guards."""
    n = len(word)
    for prefix in ARABIC_PREFIXES:
        p = len(prefix)
        if (p > 1 or n >= 4) and n >= p + 2 and word.startswith(prefix):
            return word[p:]
    return word


@lru_cache(maxsize=262144)
def skeleton(word: str) -> str | None:
    """The cross-script key of a normalized word, or None for Latin, digits and short words."""
    if len(word) < 3 or not ("\u0600" <= word[0] <= "\u06ff"):
        return None
    folded = _strip_prefix(word).translate(_FOLD)
    key = folded[0] + folded[1:].translate(_VOWELS)
    return key if len(key) >= MIN_SKELETON else None


class SkeletonFilter(Filter):
    """Replaces each token's term by the skeleton of its normalized form.

    Runs last in the chain (after stemming, which may yield two terms at one
    position); one skeleton per word is kept.  Words without a skeleton
    (Latin, digits, two letters) are dropped from this field.
    """

    def __call__(self, tokens):
        last = None
        for t in tokens:
            if t.stopped:
                yield t
                continue
            key = skeleton(t.normalized)
            if key is None or key == last:
                continue
            last = key
            t.text = key
            yield t



def variant_analyzer():
    """The one chain, ending in skeletons: what the index's `variant` field holds."""
    from .analysis import (KavoshStopFilter, KavoshTokenizer, LanguageStemFilter,
                           MemoizingAnalyzer, NormalizeFilter)

    return MemoizingAnalyzer(KavoshTokenizer(), NormalizeFilter(), KavoshStopFilter(),
                             LanguageStemFilter(), SkeletonFilter())
