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

**A variant is the other script's spelling of the same word, never another
word.**  Each indexed skeleton carries the script of the word it came from
(``SCRIPT_TAGS``: ``a`` for a word of an Arabic text, ``f`` of a Persian one;
a word of a mixed text tagged by its own letters, else both), and a query
word's variant clause only looks at the *other* script's skeletons: ترامپ
meets ترامب in Arabic documents, but پهپاد never meets بهبود, a different
Persian word with the same skeleton.  Within one script the exact word (its
stems) is the only match.
"""

from __future__ import annotations

from functools import lru_cache

from whoosh.analysis import Filter

from .normalize import token_language
from .stemmers import strip_arabic_prefix

_FOLD = str.maketrans({"پ": "ب", "چ": "ج", "ژ": "ز", "گ": "ک"})
_VOWELS = str.maketrans({"و": None, "ی": None})
# A skeleton shorter than this says too little (کف would join کیف, کاف, کوف…).
MIN_SKELETON = 2


# The script tag that starts every term of the variant field.
SCRIPT_TAGS = {"fa": "f", "ar": "a"}
OTHER_SCRIPT = {"fa": "ar", "ar": "fa"}
TAG_CHARS = 1


def word_script(lang: str, surface: str) -> str | None:
    """'fa' or 'ar': the script convention a word is written in, None when unknown.

    A word of a Persian or Arabic text follows its text; a word of a mixed or
    unmarked text only its own letters (پ چ ژ گ vs ة), when they tell.
    """
    if lang in SCRIPT_TAGS:
        return lang
    return token_language(surface)


def variant_keys(normalized: str, lang: str, surface: str) -> tuple[str, ...]:
    """The tagged skeleton terms one word indexes in the variant field (maybe none)."""
    key = skeleton(normalized)
    if key is None:
        return ()
    script = word_script(lang, surface)
    if script is None:
        return tuple(tag + key for tag in SCRIPT_TAGS.values())
    return (SCRIPT_TAGS[script] + key,)


def query_keys(normalized: str, script: str | None) -> tuple[str, ...]:
    """The variant terms a query word in ``script`` may match: the *other* script's.

    Without a script (a query word with no telling letters, such as ترامب)
    both scripts' skeletons are searched.
    """
    key = skeleton(normalized)
    if key is None:
        return ()
    if script is None:
        return tuple(tag + key for tag in SCRIPT_TAGS.values())
    return (SCRIPT_TAGS[OTHER_SCRIPT[script]] + key,)


def untag(term: str) -> str:
    return term[TAG_CHARS:]


@lru_cache(maxsize=1)
def dictionary_skeletons() -> frozenset[str]:
    """Skeletons of ordinary Persian words (hazm's lexicon): what a fuzzy variant may not reach.

    One edit from a name's skeleton is evidence of another spelling of it only
    when the candidate is not itself a common word's skeleton.
    """
    from .lexicon import persian_lexicon

    out = set()
    for word, freq in persian_lexicon().items():
        if freq >= MIN_DICTIONARY_FREQ:
            key = skeleton(word)
            if key is not None:
                out.add(key)
    return frozenset(out)


MIN_DICTIONARY_FREQ = 1


@lru_cache(maxsize=262144)
def skeleton(word: str) -> str | None:
    """The cross-script key of a normalized word, or None for Latin, digits and short words."""
    if len(word) < 3 or not ("\u0600" <= word[0] <= "\u06ff"):
        return None
    folded = strip_arabic_prefix(word).translate(_FOLD)
    key = folded[0] + folded[1:].translate(_VOWELS)
    return key if len(key) >= MIN_SKELETON else None


class SkeletonFilter(Filter):
    """Replaces each token's term by the script-tagged skeleton of its normalized form.

    Runs last in the chain (after stemming, which may yield several terms at
    one position); one skeleton per word (per script) is kept.  Words without
    a skeleton (Latin, digits, two letters) are dropped from this field.
    """

    def __call__(self, tokens):
        last = None
        for t in tokens:
            if t.stopped:
                yield t
                continue
            keys = variant_keys(t.normalized, t.lang, t.surface)
            if not keys or keys == last:
                continue
            last = keys
            for t.text in keys:
                yield t



def variant_analyzer():
    """The one chain, ending in skeletons: what the index's `variant` field holds."""
    from .analysis import kavosh_analyzer

    return kavosh_analyzer(skeletons=True)
