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

from .lexicon import persian_lexicon, persian_verb_forms

# --- Arabic (light10), in Kavosh's canonical letters: ک ی ه ---------------

ARABIC_PREFIXES = ("ال", "وال", "بال", "کال", "فال", "لل", "و")
# Lucene's order: ها ان ات ون ين يه ية ه ة ي; ة has already become ه, so
# ية/يه and ة/ه collapse to one entry each.
ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ین", "یه", "ه", "ی")

# Very frequent words light10 destroys, with the stem they keep (normalized,
# after any article/conjunction prefix): الله → له, القرآن → قر, القرية and
# القرى → قر, إليك → یک, إله → ال.  Checked before stripping, also behind the
# prefixes light10 knows (والله, بالقرآن, للقرية).
ARABIC_PROTECTED = {
    "الله": "الله", "لله": "الله", "اله": "اله", "الهه": "اله",
    "قران": "قران", "القران": "قران",
    "قریه": "قریه", "القریه": "قریه", "قری": "قریه", "القری": "قریه",
    "الیک": "الیک",
    "اللهم": "اللهم",
}
# One-letter proclitics light10 leaves on: ب (with), ل (for), ک (like).
ARABIC_PROCLITICS = ("ب", "ل", "ک")
# A proclitic comes off only when at least this many letters remain (ببدر →
# بدر), and only when the rest is a known word and the whole is not one: the
# lexicon (hazm's, which holds most Arabic nouns Persian borrowed, and
# names) is the evidence, so کتاب, لبنان, بیان, کبیر stay whole.
MIN_PROCLITIC_REST = 3
# Everything that may stand before an Arabic word proper: the article and
# conjunction prefixes, the one-letter proclitics, and a conjunction before
# a proclitic (وب, فل).  Where a word proper starts (hamza seats: لأبيه).
ARABIC_CLITICS = frozenset(ARABIC_PREFIXES) | {"ف", *ARABIC_PROCLITICS} | {
    conjunction + clitic for conjunction in ("و", "ف") for clitic in ARABIC_PROCLITICS}


def strip_arabic_prefix(word: str) -> str:
    """At most one Arabic article/conjunction prefix, with light10's length guards.

    The one prefix routine: the stemmer, the cross-script skeletons and the
    suggester share it.
    """
    n = len(word)
    for prefix in ARABIC_PREFIXES:
        p = len(prefix)
        if p == 1 and n < 4:
            continue  # Lucene: the و prefix needs at least three letters after it
        if n >= p + 2 and word.startswith(prefix):
            return word[p:]
    return word


def _light10_suffixes(word: str) -> str:
    n = len(word)
    for suffix in ARABIC_SUFFIXES:
        s = len(suffix)
        if n >= s + 2 and word.endswith(suffix):
            word = word[:-s]
            n -= s
    return word


_PROTECTED_PREFIXES = ("و", "ف", "ب", "ل", "ک") + ARABIC_PREFIXES
_PROTECTED_PREFIX_LENGTHS = sorted({len(p) for p in _PROTECTED_PREFIXES})


def _protected(word: str, protected) -> str | None:
    if word in protected:
        return protected[word]
    if not any(word[n:] in protected for n in _PROTECTED_PREFIX_LENGTHS):
        return None  # no prefix's rest is protected: the loop below would find nothing
    for prefix in _PROTECTED_PREFIXES:
        if len(word) > len(prefix) + 1 and word.startswith(prefix):
            rest = word[len(prefix):]
            if rest in protected:
                return protected[rest]
    return None


def _strip_proclitic(word: str, lexicon) -> str | None:
    """ب/ل/ک before a noun (ببدر → بدر, بعیسی → عیسی), when the evidence says so."""
    if word[0] not in ARABIC_PROCLITICS or len(word) < MIN_PROCLITIC_REST + 1:
        return None
    if word in lexicon or _light10_suffixes(word) in lexicon:
        return None
    rest = word[1:]
    stem = _light10_suffixes(rest)
    if rest in lexicon or (len(stem) >= MIN_PROCLITIC_REST and stem in lexicon):
        return stem  # what the bare word stems to: بعیسی meets عیسی
    return None


@lru_cache(maxsize=262144)
def stem_arabic(word: str) -> str:
    """Larkey's light10 stem of a normalized Arabic word, with Kavosh's guards.

    Over light10 (Lucene's ArabicStemmer): a protected list of the few very
    frequent words it destroys, and the one-letter proclitics ب ل ک (also
    before ال, as light10's بال لل کال) taken off a noun when the rest is a
    known word.
    """
    return stem_arabic_with(word, ARABIC_PROTECTED, True)


def stem_arabic_with(word: str, protected=ARABIC_PROTECTED, proclitics: bool = True) -> str:
    """``stem_arabic`` with its data as parameters (experiments, other configurations)."""
    kept = _protected(word, protected) if protected else None
    if kept is not None:
        return kept
    rest = strip_arabic_prefix(word)
    if proclitics and rest == word and len(word) >= MIN_PROCLITIC_REST + 1:
        bare = _strip_proclitic(word, persian_lexicon())
        if bare is not None:
            return bare
    return _light10_suffixes(rest)


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
    """Lexicon-guarded light stem of a normalized Persian word (at most two suffixes).

    A verb form (می‌روم, می‌رفتند, رفته‌اند, نرفت) becomes its verb's past stem
    (رفت), from hazm's verb list and conjugation rules (``persian_verb_forms``;
    forms the lexicon lists as words of their own stay nouns).
    """
    verb = persian_verb_forms().get(word)
    if verb is not None:
        return verb
    return stem_persian_light(word)


def stem_persian_light(word: str) -> str:
    """``stem_persian`` without the verb table: suffixes only."""
    lexicon = persian_lexicon()
    for attempt in range(2):
        if attempt and word in lexicon:
            break  # کتابها → کتاب stops; شادمانی → شادمان does not go on to شاد
        rest = _persian_strip_once(word, lexicon)
        if rest is None:
            break
        word = rest
    return word


def no_stem(word: str) -> str:
    return word


STEMMERS = {"fa": stem_persian, "ar": stem_arabic}
