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
from whoosh.fields import TEXT

from .normalize import token_language
from .stemmers import strip_arabic_prefix

# A skeleton shorter than this says too little (کف would join کیف, کاف, کوف…).
MIN_SKELETON = 2
# A word without its Arabic article or conjunction keeps a variant term only
# with this many letters left (``_forms``).
MIN_BARE_FORM = 4


# The script tag that starts every term of the variant field.
SCRIPT_TAGS = {"fa": "f", "ar": "a"}
OTHER_SCRIPT = {"fa": "ar", "ar": "fa"}
TAG_CHARS = 1
KEY_END = "|"

# Letters one language writes where the other writes another for the same
# sound in a borrowed name: پ چ ژ گ (Persian only) fold to ب ج ز ک, and
# Arabic's ط for a name's t to ت (بریتانیا = بريطانيا).  Not ص ح ذ ظ ض ث:
# names rarely take them, ordinary words do (سیاه is not صحية, جوزپه not جذابة).
SPELLING_FOLD = str.maketrans({"پ": "ب", "چ": "ج", "ژ": "ز", "گ": "ک", "ط": "ت"})
LONG_VOWELS = frozenset("اوی")
# How many long vowels (ا و ی) two spellings may differ by: 1 for a name of
# up to three consonants (مسکو/موسكو, کیف/كييف), 2 for a longer one
# (زلنسکی/زيلينسكي).  An Arabic final ا that the Persian lacks (آلمان/ألمانيا,
# اوکراین/أوكرانيا) is not counted.
def max_vowel_difference(consonants: int) -> int:
    return 1 if consonants <= 3 else 2


def word_script(lang: str, surface: str) -> str | None:
    """'fa' or 'ar': the script convention a word is written in, None when unknown.

    A word of a Persian or Arabic text (by its script-only letters:
    ``normalize.script_language``) follows its text; a word of a mixed or
    unmarked text only its own letters (پ چ ژ گ vs ة), when they tell.
    """
    if lang in SCRIPT_TAGS:
        return lang
    return token_language(surface)


def spelling(word: str, script: str | None = None) -> str:
    """A normalized word with the cross-script letter correspondences folded.

    Persian country names end in -یه where Arabic writes -يا (سوریه/سوريا):
    a Persian word's final یه reads as یا.  Not an Arabic word's: its ية is
    the feminine ending of ordinary words (صحية), not a name's.
    """
    folded = word.translate(SPELLING_FOLD)
    if script == "fa" and folded.endswith("یه") and len(folded) > 3:
        folded = folded[:-1] + "ا"
    return folded


def consonant_key(folded: str) -> str:
    """The first letter and every later consonant: what two spellings must share."""
    return folded[0] + "".join(c for c in folded[1:] if c not in LONG_VOWELS)


def _forms(word: str, script: str | None) -> list[str]:
    """The word, and without an Arabic article/conjunction when it may have one.

    The bare form needs ``MIN_BARE_FORM`` letters: the article before a
    three-letter word makes an Arabic noun (الإبل "the camels", التنس, الکف),
    while the borrowed names Arabic writes with it are longer (اليورو,
    البوليس, الكرملين).
    """
    forms = [word]
    if script != "fa":
        bare = strip_arabic_prefix(word)
        if bare != word and len(bare) >= MIN_BARE_FORM:
            forms.append(bare)
    return forms


def _terms(word: str, script: str | None) -> list[str]:
    """``key|spelling`` for each form: the spelling as written (normalized, hamza
    kept), so a query can tell a letter exchanged (پاریس for باريس) from the
    same letters (کیف, كيف); ``term_spelling`` folds it."""
    out = []
    for form in _forms(word, script):
        if len(form) < MIN_WORD or not ("\u0600" <= form[0] <= "\u06ff"):
            continue
        key = consonant_key(spelling(form, script))
        if len(key) < MIN_SKELETON:
            continue
        term = key + KEY_END + form
        if term not in out:
            out.append(term)
    return out


def variant_keys(normalized: str, lang: str, surface: str) -> tuple[str, ...]:
    """The tagged terms one word indexes in the variant field (maybe none).

    A term is ``tag + consonant key + "|" + the written spelling``; an Arabic word
    with an article or conjunction also indexes its bare form (الكرملين →
    کرملین).
    """
    loose = loose_key(normalized)
    extra = (LOOSE_TAG + loose,) if loose else ()
    script = word_script(lang, surface)
    if script is None:
        return extra  # whose spelling it is cannot be told: it is no one's variant
    word = with_hamza(normalized, surface)
    return tuple(SCRIPT_TAGS[script] + term for term in _terms(word, script)) + extra


def with_hamza(normalized: str, surface: str) -> str:
    """The normalized word with its hamza seats as ء: a hamza is a consonant, not the
    vowel its seat normalizes to (وسائل is not سیل's spelling)."""
    from .analysis import seat_form

    seat = seat_form(surface)
    return seat if seat is not None and len(seat) == len(normalized) else normalized


# --- the loose key: ranked mode's vowel-blind match, not a variant ------------

LOOSE_TAG = "s"
_LOOSE_BYTES = LOOSE_TAG.encode()
LOOSE_FOLD = str.maketrans({"پ": "ب", "چ": "ج", "ژ": "ز", "گ": "ک"})
LOOSE_VOWELS = str.maketrans({"و": None, "ی": None})


@lru_cache(maxsize=262144)
def loose_key(word: str) -> str | None:
    """The word without و/ی after its first letter, article removed, پ چ ژ گ folded.

    Not a spelling variant: a vowel-blind form in any script, which Arabic's
    broken plurals and long-vowel spellings share (کتاب/کتب), indexed under
    its own tag.  Only ranked (any-word) queries use it, at a low weight and
    never shown as another spelling; all-words queries never do.  (It is what
    the variant field held before issue 10, for both scripts at once.)
    """
    if len(word) < 3 or not ("\u0600" <= word[0] <= "\u06ff"):
        return None
    folded = strip_arabic_prefix(word).translate(LOOSE_FOLD)
    key = folded[0] + folded[1:].translate(LOOSE_VOWELS)
    return key if len(key) >= MIN_SKELETON else None


def _lcs(a: str, b: str) -> int:
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def same_word(query_folded: str, candidate_folded: str, query_script: str | None,
              candidate_script: str) -> bool:
    """Is the candidate (same consonant key) the other script's spelling of the query word?

    Spellings of one name differ only in long vowels (ا و ی), and by few of
    them (``max_vowel_difference``).  A query word whose letters do not tell
    its script (ترامب, دلار) only meets spellings that differ by letters
    (ترامپ), not by vowels: it might be either language's word, and a vowel
    more is how مصر becomes مصير.
    """
    if query_folded == candidate_folded:
        return True
    if query_script is None:
        return False
    if different_names(query_folded, candidate_folded):
        return False
    arabic = candidate_folded if candidate_script == "ar" else query_folded
    persian = query_folded if candidate_script == "ar" else candidate_folded
    if consonant_key(query_folded) in _bare_name_keys():
        return False
    diff = len(query_folded) + len(candidate_folded) - 2 * _lcs(query_folded, candidate_folded)
    if arabic.endswith("ا") and not persian.endswith("ا"):
        diff -= 1
    key = consonant_key(query_folded)
    if len(key) < MIN_SUBSTITUTION_KEY and _substitutes(query_folded, candidate_folded):
        # ا for و between the same consonants is another word (پهپاد/بهبود),
        # except in a long name (مایکروسافت/مايكروسوفت).
        return False
    if len(key) <= 2 and _vowels(arabic) < _vowels(persian):
        # A short name: Arabic writes the long vowels Persian leaves out
        # (کیف/كييف, مسی/ميسي), never fewer — سوریه is not سرية.
        return False
    return diff <= max_vowel_difference(len(key))


MIN_SUBSTITUTION_KEY = 5


@lru_cache(maxsize=1)
def _folded_names() -> frozenset[str]:
    from .lexicon import person_names

    return frozenset(name.translate(SPELLING_FOLD) for name in person_names())


@lru_cache(maxsize=1)
def _bare_name_keys() -> frozenset[str]:
    """The consonant keys of Arabic's bare person names of article countries (كاميرون is
    David Cameron, الكاميرون Cameroon: ``lexicon.arabic_bare_names``).  Nothing of such a
    key crosses scripts: Persian writes the man, the country and its adjective alike
    (کامرون: David or James Cameron, «وزنه‌بردارانی از کامرون»), so a bridge would bring
    the country in under the man's name, and the man under the country's."""
    from .lexicon import arabic_bare_names

    return frozenset(consonant_key(name.translate(SPELLING_FOLD)) for name in arabic_bare_names())


def _in(words, folded: str) -> bool:
    """Is this folded spelling one of ``words``?  A hamza seat (ء in ``with_hamza``'s
    form) is tried as each letter normalization makes of it."""
    if "ء" not in folded:
        return folded in words
    return any(folded.replace("ء", letter) in words for letter in "یاو")


def different_names(query_folded: str, candidate_folded: str) -> bool:
    """A name and any other spelling, however close their letters: سلیمان/سلمان,
    حسین/حسن, سلیمانی/سلمان, ابراهیمی/ابراهیم, رئیسی/رئیس, سلیمانی/سلمني.

    The names are pyarabic's given names and the archive's surnames
    (``lexicon.persian_surnames``), Arabic names both scripts write with the
    same letters (حسین/حسين, سلیمانی/سليماني), so a spelling that differs is
    another word.  pyarabic itself lists حسن, حسين and حسان as three names.
    """
    if query_folded == candidate_folded:
        return False
    names = _folded_names()
    return _in(names, query_folded) or _in(names, candidate_folded)


# A spelling the query word's own script also writes in at least this share of
# the documents the query word itself is in is that script's own word too:
# another word, not the other script's spelling of this one.  Persian writes
# رئیس (1,679 documents of the archive) far more than رئیسی (63), کیفی (68)
# more than کیف (32); ترامب (0 beside ترامپ's 434) and کییف (5 beside 32) stay
# the Arabic spellings they are.
OWN_SCRIPT_SHARE = 1.0
MIN_OWN_SCRIPT_DF = 3


def own_script_word(written: str, candidate_term: str, doc_frequency) -> bool:
    """Is the candidate's written form also a word of the query's own script in this index?

    ``doc_frequency(term)`` is the variant field's document frequency (the
    index reader's); the query's own script is the one the candidate is not
    tagged with.
    """
    own = OTHER_SCRIPT[term_script(candidate_term)]
    tag = SCRIPT_TAGS[own]

    def own_df(word: str) -> int:
        terms = _terms(word, own)
        return max((doc_frequency(tag + term) for term in terms[:1]), default=0)

    candidate_df = own_df(term_written(candidate_term))
    return candidate_df >= MIN_OWN_SCRIPT_DF and candidate_df >= OWN_SCRIPT_SHARE * own_df(written)


def _slots(folded: str) -> list[str]:
    """The long vowels after each letter of the consonant key."""
    slots = [""]
    for c in folded[1:]:
        if c in LONG_VOWELS:
            slots[-1] += c
        else:
            slots.append("")
    return slots


def _substitutes(a: str, b: str) -> bool:
    """Does some slot hold different vowels in both (not one a part of the other)?"""
    for x, y in zip(_slots(a), _slots(b)):
        if x and y and _lcs(x, y) == 0:
            return True
    return False


def _vowels(folded: str) -> int:
    return sum(c in "وی" for c in folded[1:])


def choose_spellings(written: str, folded: str, candidates: list[tuple[str, str, int]],
                     doc_frequency=None) -> list[str]:
    """Of the other script's spellings ``same_word`` admitted, the ones that are the query word's.

    ``candidates`` are (term, its folded spelling, document frequency).  With
    ``doc_frequency`` (the index's, of a variant term) a spelling the query's
    own script also writes often is left out (``own_script_word``: رئیسی does
    not take الرئيس).  When several spellings are admitted, the closest says
    which is the word's:

    * a spelling that differs from the query word only by exchanged letters
      (پاریس for باريس: the same letters after ``spelling``'s folds, not the
      same written word) is its spelling there, and those that differ in
      vowels are other words (پارس, "Pars");
    * an ordinary word (a lemma of hazm's lexicon) that drops one of the
      query word's letters is another word when a spelling that keeps every
      letter is as frequent in the index (توییتر for تويتر, not تیتر,
      "headline"); a dictionary word that is the more frequent spelling
      stays (کیف for كييف beside a rare کییف).
    """
    if doc_frequency is not None:
        candidates = [c for c in candidates if not own_script_word(written, c[0], doc_frequency)]
    if len(candidates) < 2:
        return [term for term, _f, _df in candidates]
    if any(f == folded and term_written(term) != written for term, f, _df in candidates):
        return [term for term, f, _df in candidates if f == folded]
    from .lexicon import persian_lexicon

    lexicon = persian_lexicon()
    whole = [(f, df) for _term, f, df in candidates if _lcs(folded, f) == len(folded)]
    kept = []
    for term, f, df in candidates:
        if (_lcs(folded, f) < len(folded) and term_written(term) in lexicon
                and any(df_other >= df for f_other, df_other in whole if f_other != f)):
            continue
        kept.append(term)
    return kept


def query_variants(normalized: str, script: str | None) -> list[tuple[str, str, str]]:
    """(term prefix, folded spelling, written form) to look up for a query word in ``script``.

    The prefix is the *other* script's tag and the consonant key; every
    indexed term under it is a candidate, admitted by ``same_word``.  Without
    a script (no telling letters) both scripts are searched.
    """
    scripts = (OTHER_SCRIPT[script],) if script else tuple(SCRIPT_TAGS)
    out = []
    for target in scripts:
        for term in _terms(normalized, script):
            key, _sep, form = term.partition(KEY_END)
            entry = (SCRIPT_TAGS[target] + key + KEY_END, spelling(form, script), form)
            if entry not in out:
                out.append(entry)
    return out


def term_written(term: str) -> str:
    """The spelling inside a variant term as its document writes it (normalized)."""
    return term.partition(KEY_END)[2]


def term_spelling(term: str) -> str:
    """The folded spelling inside a variant term (what ``same_word`` compares)."""
    return spelling(term_written(term), term_script(term))


def term_script(term: str) -> str:
    return "ar" if term.startswith(SCRIPT_TAGS["ar"]) else "fa"


MIN_WORD = 3


@lru_cache(maxsize=262144)
def skeleton(word: str) -> str | None:
    """The consonant key of a normalized word (article removed), or None for Latin, digits, short words."""
    terms = _terms(word, None)
    return terms[-1].partition(KEY_END)[0] if terms else None


def is_variant(query: str, candidate: str, candidate_lang: str) -> bool:
    """Would the query word (as typed) meet the candidate word of a ``candidate_lang`` document
    as a cross-script variant?  (What the index and the query parser do, as one function.)"""
    from .normalize import normalize_token, query_language

    q, c = normalize_token(query), normalize_token(candidate)
    script = token_language(query) or query_language(query)
    if script == candidate_lang:
        return False
    indexed = set(variant_keys(c, candidate_lang, candidate))
    for prefix, folded, _written in query_variants(with_hamza(q, query), script):
        for term in indexed:
            if term.startswith(prefix) and same_word(folded, term_spelling(term), script,
                                                     term_script(term)):
                return True
    return False


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



class VariantField(TEXT):
    """The ``variant`` field: its length is the document's count of loose keys (one per word).

    BM25 normalizes a match by its field's length.  Each word also indexes
    one or two script-tagged spellings here; counted, they made a document's
    length depend on how many of its words have an article (two spellings)
    or no telling script (none), and the loose key then scored unlike the
    one-term-per-word field it was measured in.
    """

    def index(self, value, **kwargs):
        # The writer adds ``freq`` to the length; the posting's own frequency
        # and weight (what BM25 scores) are in ``vbytes`` and ``weight``.
        loose = _LOOSE_BYTES
        return [(btext, (freq if btext.startswith(loose) else 0), weight, vbytes)
                for btext, freq, weight, vbytes in super().index(value, **kwargs)]


def variant_analyzer(**options):
    """The one chain, ending in skeletons: what the index's `variant` field holds."""
    from .analysis import kavosh_analyzer

    return kavosh_analyzer(**options, skeletons=True)


# The underscored names the retired index/opensearch.py imported before these were
# public.  Nothing imports them now; removing them changes the analysis fingerprint,
# so they go with the next change that changes terms anyway.
_SPELLING_FOLD, _LONG_VOWELS, _LOOSE_FOLD, _LOOSE_VOWELS = SPELLING_FOLD, LONG_VOWELS, LOOSE_FOLD, LOOSE_VOWELS
