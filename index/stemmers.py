"""Light stemmers for Persian and Arabic, on normalized token text.

Both are *light*: they remove inflectional affixes and leave roots alone,
which is what information-retrieval studies found best for these languages
(Larkey, Ballesteros & Connell 2002, "light10"; Taghva et al. for Persian).
Written the way Lucene writes its stemmers: a small class per language whose
``stem()`` is a prefix part then a suffix part, each guard a named predicate,
the word lists passed in.  ``stem_arabic``/``stem_persian`` are the default
instances, built on first use from hazm's shipped data.

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

from .lexicon import (arabic_bare_names, arabic_names, given_names, persian_lexicon,
                      persian_surnames, persian_untagged_forms, persian_verb_forms, place_names)

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
# بدر).
MIN_PROCLITIC_REST = 3
# Everything that may stand before an Arabic word proper: the article and
# conjunction prefixes, the one-letter proclitics, and a conjunction before
# a proclitic (وب, فل).  Where a word proper starts (hamza seats: لأبيه).
ARABIC_CLITICS = frozenset(ARABIC_PREFIXES) | {"ف", *ARABIC_PROCLITICS} | {
    conjunction + clitic for conjunction in ("و", "ف") for clitic in ARABIC_PROCLITICS}

_PROTECTED_PREFIXES = ("و", "ف", "ب", "ل", "ک") + ARABIC_PREFIXES
_PROTECTED_PREFIX_LENGTHS = sorted({len(p) for p in _PROTECTED_PREFIXES})


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


def light10_suffixes(word: str) -> str:
    """light10's suffix part: each suffix tried once, in order, two letters always left."""
    n = len(word)
    for suffix in ARABIC_SUFFIXES:
        s = len(suffix)
        if n >= s + 2 and word.endswith(suffix):
            word = word[:-s]
            n -= s
    return word


class ArabicStemmer:
    """light10 with Kavosh's guards, over the word lists it is given.

    ``protected``: word → the stem it keeps (light10 would destroy it, or
    it is a country or capital: السعودية is not سعود);
    ``lexicon``: words known whole (a word found there keeps its proclitic);
    ``proclitic_evidence``: bare words a one-letter proclitic may be taken
    off to reach; ``proclitics=False`` is Lucene's light10 without that step;
    ``names``: names that keep their last letters when written without the
    article (سليماني, رئيسي: light10's ي would make them سلیمان, رییس).
    A protected country in ية also takes its adjective (السعودي, السعوديين →
    سعودية), whose light10 stem would be the name سعود.  ``kept_articles``:
    countries whose stem keeps the article because their bare form is a
    person (كاميرون, in ``names``); their adjective (الكاميروني, الكاميرونية)
    goes to the country, not to the person.
    """

    def __init__(self, *, lexicon=frozenset(), protected=None, proclitic_evidence=frozenset(),
                 proclitics: bool = True, names=frozenset(), kept_articles=frozenset()):
        self.lexicon = lexicon
        self.protected = ARABIC_PROTECTED if protected is None else protected
        self.proclitic_evidence = proclitic_evidence
        self.proclitics = proclitics
        self.names = names
        self.nisbas = {stem[:-2]: stem for stem in self.protected.values()
                       if stem.endswith("یه") and len(stem) > 4}
        self.nisbas.update({bare: "ال" + bare for bare in kept_articles})

    def stem(self, word: str) -> str:
        kept = self.protected_stem(word)
        if kept is not None:
            return kept
        rest = self.stem_prefix(word)
        if self.is_bare_name(word, rest):
            return rest
        stem = light10_suffixes(rest)
        if stem != rest and stem in self.nisbas:
            return self.nisbas[stem]  # السعودي → سعودیه, while the name سعود stays itself
        return stem

    def is_bare_name(self, word: str, rest: str) -> bool:
        # A name without the article (قاسم سليماني, وسليماني); with it, the
        # word is the ordinary adjective (الرئيسي "the main") and is stemmed.
        return rest in self.names and (rest == word or word == "و" + rest)

    def stem_prefix(self, word: str) -> str:
        """The word without its article/conjunction, or without a proclitic the evidence allows."""
        rest = strip_arabic_prefix(word)
        if rest == word and self.proclitics and self.may_have_proclitic(word):
            bare = self.proclitic_rest(word)
            if bare is not None:
                return bare
        return rest

    def protected_stem(self, word: str) -> str | None:
        """The stem a protected word keeps, also behind a prefix light10 knows (والله, للقرية)."""
        protected = self.protected
        if not protected:
            return None
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

    @staticmethod
    def may_have_proclitic(word: str) -> bool:
        # ب/ل/ک first and enough letters after it for a word of its own.
        return word[0] in ARABIC_PROCLITICS and len(word) >= MIN_PROCLITIC_REST + 1

    def known_whole(self, word: str) -> bool:
        # A word the lexicon knows (کتاب, لبنان, بیان, کبیر) keeps its first letter.
        return word in self.lexicon or light10_suffixes(word) in self.lexicon

    def proclitic_rest(self, word: str) -> str | None:
        """ب/ل/ک before a name (ببدر → بدر, بعیسی → عیسی), when the evidence says so.

        The evidence is Arabic given names, the rest itself (not its light10
        stem): with hazm's Persian lexicon as evidence, بطاقة became طاقة,
        بطولة طول, كاميرون أمير, كتبت تبت, كشفت شفت.
        """
        if self.known_whole(word):
            return None
        rest = word[1:]
        if rest in self.proclitic_evidence:
            return rest  # what the bare word's suffix part then stems: بعیسی meets عیسی
        return None


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
_MIN_PLURAL_REST = 3
_MIN_UNTAGGED_BASE = 5
# At most this many suffixes come off one word (کتابهایشان → کتاب is one).
_MAX_SUFFIXES = 2


class PersianStemmer:
    """Lexicon-guarded light stemmer: a verb-form part, then at most two suffixes.

    ``lexicon``: lemma → corpus frequency (``lexicon.persian_lexicon``);
    ``verb_forms``: conjugated form → past stem (``persian_verb_forms``; empty
    for the suffix part alone); ``names``: words left whole, Lucene's
    ``stemExclusionSet`` (the surnames سلیمانی, رئیسی, ابراهیمی: the
    relational ی would make them سلیمان, رئیس, ابراهیم); ``untagged``: words
    hazm lists without a lemma (``persian_untagged_forms``), which the
    relational ی may reach (تروریستی → تروریست).
    """

    def __init__(self, *, lexicon: dict[str, int], verb_forms=None, names=frozenset(),
                 untagged=frozenset()):
        self.lexicon = lexicon
        self.verb_forms = verb_forms or {}
        self.names = names
        self.untagged = untagged

    def stem(self, word: str) -> str:
        if word in self.names or self.surname_of_a_surname(word):
            return word
        verb = self.verb_forms.get(word)
        if verb is not None:
            return verb  # می‌روم, رفته‌اند → رفت
        return self.stem_suffixes(word)

    def surname_of_a_surname(self, word: str) -> bool:
        """A surname + ان is a family name of its own, not the surname's plural:
        حسینیان is not حسینی, کریمیان not کریمی (a journalist's حسینی must not
        bring in Hosseinian)."""
        return word.endswith("ان") and word[:-2] in self.names

    def stem_suffixes(self, word: str) -> str:
        for attempt in range(_MAX_SUFFIXES):
            if attempt and word in self.lexicon:
                break  # کتابها → کتاب stops; شادمانی → شادمان does not go on to شاد
            rest = self.strip_once(word)
            if rest is None:
                break
            word = rest
        return word

    def strip_once(self, word: str) -> str | None:
        word_freq = self.lexicon.get(word)
        if word_freq is None:
            heh = self.heh_before_ye(word)
            if heh is not None:
                return heh
            for suffix in PERSIAN_PLURALS:
                if word.endswith(suffix) and self.plural_rest_ok(word[: -len(suffix)]):
                    return word[: -len(suffix)]
        for suffix in PERSIAN_GUARDED:
            if not word.endswith(suffix):
                continue
            rest = word[: -len(suffix)]
            if len(rest) < _MIN_STEM:
                continue
            if suffix == "ات" and word_freq is None and rest + "ه" in self.lexicon:
                return rest + "ه"  # حملات → حمله
            if self.guarded_suffix_comes_off(suffix, word_freq, self.lexicon.get(rest)):
                return rest
        return self.untagged_base(word, word_freq)

    def untagged_base(self, word: str, word_freq: int | None) -> str | None:
        """The relational/indefinite ی (یی after a vowel) off a word hazm does not list,
        when what remains is a noun hazm lists without a lemma: تروریستی →
        تروریست, پارلمانی → پارلمان, توییتری → توییتر, شرایطی → شرایط.

        The base needs ``_MIN_UNTAGGED_BASE`` letters and must not be cut
        further itself (لیستی stays: لیست would go on to لیس).
        """
        if word_freq is not None or word in self.untagged:
            return None
        suffix = "یی" if word.endswith("یی") else "ی"
        rest = word[: -len(suffix)]
        if (word.endswith(suffix) and len(rest) >= _MIN_UNTAGGED_BASE and rest in self.untagged
                and self.strip_once(rest) is None):
            return rest
        return None

    def heh_before_ye(self, word: str) -> str | None:
        """Without its ZWNJ, ه + ای (رسانه‌ای, خامنه‌ای) is spelled like the plural ها + ی.

        Read it so when the ه-word is a lemma and the plural's base is not
        (رسانه, not رس).  When both are lemmas (منطقه/منطق, دسته/دست) the
        plural reading stays: hazm's frequencies are too uneven to choose
        (جوان 0, جوانه 452052).
        """
        if word.endswith("های") and len(word) >= 6:
            with_heh = word[:-2]
            if with_heh in self.lexicon and word[:-3] not in self.lexicon:
                return with_heh
        return None

    def plural_rest_ok(self, rest: str) -> bool:
        # Three letters left, or two that form a lemma (روزها → روز).
        return len(rest) >= _MIN_PLURAL_REST or (len(rest) >= _MIN_STEM and rest in self.lexicon)

    @staticmethod
    def guarded_suffix_comes_off(suffix: str, word_freq: int | None, rest_freq: int | None) -> bool:
        # The rest is a lemma and the word is not; or the relational ی leaves a
        # base far more frequent than the word (اوکراینی → اوکراین).
        if rest_freq is None:
            return False
        if word_freq is None:
            return True
        return suffix == "ی" and rest_freq >= _FREQUENCY_MARGIN * max(word_freq, 1)


# --- the default instances, from the shipped data ---------------------------

_DEFAULTS: dict[str, object] = {}


def default_stemmer(kind: str):
    """The stemmer ``stem_persian``/``stem_arabic``/… use, built once from the shipped data."""
    stemmer = _DEFAULTS.get(kind)
    if stemmer is None:
        stemmer = _DEFAULTS[kind] = _build(kind)
    return stemmer


def _build(kind: str):
    if kind == "fa":
        return PersianStemmer(lexicon=persian_lexicon(), verb_forms=persian_verb_forms(),
                              names=persian_surnames(), untagged=persian_untagged_forms())
    if kind == "fa-light":
        return PersianStemmer(lexicon=persian_lexicon(), names=persian_surnames(),
                              untagged=persian_untagged_forms())
    if kind == "ar":
        return ArabicStemmer(lexicon=persian_lexicon(), protected=place_names() | ARABIC_PROTECTED,
                             proclitic_evidence=given_names(), names=arabic_names(),
                             kept_articles=arabic_bare_names())
    raise KeyError(kind)


@lru_cache(maxsize=262144)
def stem_arabic(word: str) -> str:
    """Larkey's light10 stem of a normalized Arabic word, with Kavosh's guards.

    Over light10 (Lucene's ArabicStemmer): a protected list of the few very
    frequent words it destroys, and the one-letter proclitics ب ل ک (also
    before ال, as light10's بال لل کال) taken off a noun when the evidence
    says the rest is a word.
    """
    return default_stemmer("ar").stem(word)


def stem_arabic_with(word: str, protected=ARABIC_PROTECTED, proclitics: bool = True) -> str:
    """``stem_arabic`` with its protected list and proclitic step as parameters
    (Lucene's bare light10 is ``protected={}, proclitics=False``; tests/test_stemmers.py
    compares against it)."""
    default = default_stemmer("ar")
    return ArabicStemmer(lexicon=default.lexicon, protected=protected,
                         proclitic_evidence=default.proclitic_evidence,
                         proclitics=proclitics).stem(word)


@lru_cache(maxsize=262144)
def stem_persian(word: str) -> str:
    """Lexicon-guarded light stem of a normalized Persian word (at most two suffixes).

    A verb form (می‌روم, می‌رفتند, رفته‌اند, نرفت) becomes its verb's past stem
    (رفت), from hazm's verb list and conjugation rules (``persian_verb_forms``;
    forms the lexicon lists as words of their own stay nouns).
    """
    return default_stemmer("fa").stem(word)


def stem_persian_light(word: str) -> str:
    """``stem_persian`` without the verb table: suffixes only."""
    return default_stemmer("fa-light").stem(word)


def no_stem(word: str) -> str:
    return word


STEMMERS = {"fa": stem_persian, "ar": stem_arabic}
