"""Light stemmers for Persian and Arabic, on normalized token text.

Both are *light*: they remove inflectional affixes and leave roots alone,
which is what information-retrieval studies found best for these languages
(Larkey, Ballesteros & Connell 2002, "light10"; Taghva et al. for Persian).

* Arabic: light10 exactly as Lucene's ``ArabicStemmer`` implements it: at
  most one article/conjunction prefix, then each plural/feminine/pronoun
  suffix tried once, with minimum-length guards.  Written here because no
  well-kept Python package implements light10: Snowball's Arabic stemmer
  (PyStemmer, snowballstemmer) is heavier, leaves وال/فال and expects ة
  unnormalized; Tashaphyne is unmaintained.
* Persian: suffix stripping guarded by hazm's lexicon.  hazm's own
  ``Stemmer`` strips blindly (تلگرام → تلگرا, نجات → نج) and its
  ``Lemmatizer`` only knows forms in its word list (درختان, روزهای stay
  whole).  Here a suffix comes off only when what remains is a known lemma
  and the whole word is not itself one, so names and loanwords survive
  (تلگرام, ویتالی) while plurals, comparatives, the ezafe/indefinite ی and
  possessive clitics meet their base word.  Plural ها/های are safe enough to
  strip from unknown words too (پهپادها → پهپاد).
"""

from __future__ import annotations

from functools import lru_cache

from .lexicon import persian_lexicon

# --- Arabic (light10), in Kavosh's canonical letters: ک ی ه ---------------

ARABIC_PREFIXES = ("ال", "وال", "بال", "کال", "فال", "لل", "و")
# Lucene's order: ها ان ات ون ين يه ية ه ة ي; ة has already become ه, so
# ية/يه and ة/ه collapse to one entry each.
ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ین", "یه", "ه", "ی")


@lru_cache(maxsize=262144)
def stem_arabic(word: str) -> str:
    """Larkey's light10 stem of a normalized Arabic word."""
    n = len(word)
    for prefix in ARABIC_PREFIXES:
        p = len(prefix)
        if p == 1 and n < 4:
            continue
        if n >= p + 2 and word.startswith(prefix):
            word = word[p:]
            n -= p
            break
    for suffix in ARABIC_SUFFIXES:
        s = len(suffix)
        if n >= s + 2 and word.endswith(suffix):
            word = word[:-s]
            n -= s
    return word


# --- Persian -------------------------------------------------------------

# Plural suffixes (with following clitics): stripped from any word that is
# not itself a lemma, provided at least three letters remain (or two that
# form a lemma: روزها → روز).
PERSIAN_PLURALS = (
    "هایشان", "هایمان", "هایتان", "هایش", "هایم", "هایت", "هایی", "های", "ها",
)
# Suffixes that are also common word endings (ان in باران, ی in کشتی, تر in
# دختر): stripped only when the rest is a lemma and the word is not one.
# The relational ی may also come off a lemma whose base is far more frequent
# (اوکراینی → اوکراین); the Arabic plural ات may restore a final ه
# (حملات → حمله).
PERSIAN_GUARDED = (
    "ترین", "تر",
    "شان", "مان", "تان",
    "یی", "ان", "ات", "اش", "ام",
    "ی", "ش", "م", "ت",
)
_FREQUENCY_MARGIN = 5
_MIN_STEM = 2


def _persian_strip_once(word: str, lexicon: dict[str, int]) -> str | None:
    word_freq = lexicon.get(word)
    if word_freq is None and word.endswith("های") and len(word) >= 6:
        # Without its ZWNJ, ه + ای (رسانه‌ای, برنامه‌ای, خامنه‌ای) is spelled
        # like the plural ها + ی.  Read it so when the ه-word is a lemma and
        # the plural's base is not (رسانه, not رس).  When both are lemmas
        # (منطقه/منطق, دسته/دست) the plural reading stays: hazm's
        # frequencies are too uneven to choose (جوان 0, جوانه 452052).
        with_heh = word[:-2]
        if with_heh in lexicon and word[:-3] not in lexicon:
            return with_heh
    for suffix in PERSIAN_PLURALS:
        if word.endswith(suffix) and word_freq is None:
            rest = word[: -len(suffix)]
            if len(rest) >= 3 or (len(rest) >= _MIN_STEM and rest in lexicon):
                return rest
    for suffix in PERSIAN_GUARDED:
        if not word.endswith(suffix):
            continue
        rest = word[: -len(suffix)]
        if len(rest) < _MIN_STEM:
            continue
        if suffix == "ات" and word_freq is None and rest + "ه" in lexicon:
            return rest + "ه"
        rest_freq = lexicon.get(rest)
        if rest_freq is None:
            continue
        if word_freq is None:
            return rest
        if suffix == "ی" and rest_freq >= _FREQUENCY_MARGIN * max(word_freq, 1):
            return rest
    return None


@lru_cache(maxsize=262144)
def stem_persian(word: str) -> str:
    """Lexicon-guarded light stem of a normalized Persian word (at most two suffixes)."""
    lexicon = persian_lexicon()
    for attempt in range(2):
        if attempt and word in lexicon:
            break  # کتابها → کتاب stops; شادمانی → شادمان does not go on to شاد
        rest = _persian_strip_once(word, lexicon)
        if rest is None:
            break
        word = rest
    return word


STEMMERS = {"fa": stem_persian, "ar": stem_arabic}
