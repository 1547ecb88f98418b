"""A name typed in Latin letters finds how the archive writes it in Persian and Arabic.

A journalist types ``Trump``, ``Putin`` or ``Tehran``; the archive says
ترامپ/ترامب, پوتین/بوتين, تهران/طهران.  No table of names could keep up with
the news, so the Latin word is *transliterated against the index's own
spellings*:

1. The word is cut into sounds (``units``): consonants and digraphs (sh, kh,
   th…) each with the Persian/Arabic letters that write them (t → ت ط, p →
   پ ب, g → گ غ ج ق…), and runs of vowels with how a Persian or Arabic
   spelling renders them: a long-vowel letter (a → ا, e/i → ی, o/u → و), an
   unwritten short vowel, or a looser letter (English u as ا in ترامپ).
2. Those give the few consonant keys the word can have (``consonant_key`` of
   index/variants.py: first letter and consonants, پ چ ژ گ ط folded).  The
   ``variant`` field already lists every indexed spelling under its
   script tag and key (``f``/``a`` + key + ``|`` + spelling), so each key is
   one prefix of that field; keys no indexed spelling starts with are pruned
   letter by letter.
3. Every spelling listed there is aligned with the units (``cost``): a
   consonant must be one of its letters; a vowel costs nothing written as its
   own long vowel, a little unwritten, more as another vowel letter.  A
   spelling is admitted (``choose``) when its cost is close to the best
   spelling's in either script, it has a tenth of the documents of its
   script's most frequent spelling, and, if it is a Persian dictionary word,
   it is its script's closest spelling: پوتین and بوتين (cost 0) keep باطن
   ("inner", a-for-u and i unwritten) out, حماس keeps هامس out.

On the news archive's 51 names of bench/latin_precision.py, 96 of the 97
admitted spellings are the name (the other: Zelinsky for Zelensky).

Common English words (the, new, oil…) are never transliterated, nor words of
fewer than three letters or two consonants (US, UN, F-35), and a spelling's
consonant key needs three letters (Gaza's two meet غذا "food" and گاز "gas").
ISIS, NATO and a few Arabic places whose Latin spelling writes the short
vowels Arabic leaves out (Qatar قطر, not قطار "train") are in an alias table.

The admitted spellings are terms of the ``variant`` field, so the engine
reports and highlights them exactly as it does the other script's spellings
("also as ترامپ").
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

from kavosh.query_nodes import VariantMatch
from kavosh.index.variants import KEY_END, SCRIPT_TAGS, SPELLING_FOLD, term_written

VARIANT_FIELD = "variant"
# The weight of a Latin word's Persian/Arabic spellings: the same as the word
# itself, since they are what the user asked for.
LATIN_BOOST = 1.0
MIN_LETTERS = 3
MIN_CONSONANTS = 2
# A spelling's consonant key needs this many letters: with two, Gaza (غز)
# meets غذا "food", گاز "gas", قضا "judgement".
MIN_KEY = 3

# Consonants and digraphs, longest first, with the letters that write them:
# the first the usual one, the others (Arabic's emphatic ط ص ض ظ, ق for k,
# ج for g) cost ``SECONDARY``, so that بوتن (Putin) is preferred to بطین.
CONSONANTS = {
    "sch": "ش", "tch": "چ", "sh": "ش", "ch": "چشک", "kh": "خ", "gh": "غقگ", "zh": "ژ",
    "th": "ثتذ", "dh": "ذدض", "ph": "ف", "ck": "ک", "qu": "ق",
    "b": "ب", "c": "ک", "d": "دض", "f": "ف", "g": "گغجق", "h": "هح", "j": "جژ",
    "k": "کق", "l": "ل", "m": "م", "n": "ن", "p": "پب", "q": "قک", "r": "ر",
    "s": "سصث", "t": "تط", "v": "وف", "w": "و", "x": ("کس", "خ"), "y": "ی", "z": "زذظض",
}
SOFT_C = "س"  # c before e, i, y (Francis, Nice)
SECONDARY = 0.2
RARE = {("s", "ث"): 0.4}  # s as ث: ریثی is not Raisi
_PRIMARY = {"ch": "چش", "gh": "غق", "th": "ثت", "g": "گغ", "h": "هح", "j": "جژ", "p": "پب",
            "x": ("کس", "خ")}
_DIGRAPHS = sorted(CONSONANTS, key=len, reverse=True)
VOWELS = "aeiou"

# Costs of a vowel's rendering.
OWN = 0.0  # its long-vowel letter: a ا, e/i ی, o/u و
UNWRITTEN = 0.4  # a short vowel Persian and Arabic leave out
# ... by vowel: an a is more often written (ا) than an e (Khamenei خامنه‌ای,
# not Khomeini's خمینی, which leaves out the a and writes the e)
_UNWRITTEN = {"a": 0.6, "e": 0.3, "o": 0.3, "u": 0.35}
RUN_UNWRITTEN = 0.8  # a diphthong (ei, ou) is long: written (Soleimani سلیمانی, not سلمانی)
LOOSE = 0.5  # another long vowel an English spelling hides: Trump ترامپ, Biden بایدن, Facebook فیسبوک
FINAL_HEH = 0.45  # a final a/e as ه (Persian: کره, Arabic ة)
GLOTTAL = 0.3  # ع in a run of vowels (Saudi سعودی) or for a first vowel (Abbas عباس)
HAMZA_COST = 0.1  # ء in a run of vowels (Raisi رئیسی)
FINAL_UNWRITTEN = 0.8  # a name's last vowel is written: Moscow مسکو, not ماسک "mask"
_OWN = {"a": "ا", "e": "ی", "i": "ی", "o": "و", "u": "و"}
_OWN_COST = {"e": 0.25}  # e as ی is Arabic's habit (میرکل), not always Persian's (مرکل)
_LOOSE = {"a": "ی", "i": "ای", "o": "ا", "u": "ا"}
# a as ی (Facebook فیسبوک) is rarer than unwritten (Assad is اسد, not اسید
# "acid"); i as ای more common (Biden بایدن, not بدین "to this")
_LOOSE_COST = {"a": 1.0, "i": 0.3}
SILENT_E = 0.5  # a final e written (Google is گوگل; گوگلی is "Google's")
DOUBLED = 0.1  # a doubled consonant written twice (Nasrallah نصرالله)
# Vowel pairs written as one letter or two.
_PAIRS = {"ou": ("و",), "oo": ("و",), "ee": ("ی",), "ea": ("ی",), "ie": ("ی",),
          "ai": ("ی", "ای"), "ei": ("ی", "ای"), "ay": ("ی", "ای"), "ey": ("ی", "ای"),
          "au": ("و", "او"), "aw": ("و", "او"), "ow": ("و",), "ia": ("یا",)}

# How much a spelling may cost: a base, and a little more per vowel run (an
# Arabic name leaves its short vowels unwritten: محمد for Mohammad).
BASE_BUDGET = 0.5
PER_VOWEL_BUDGET = 0.35
# Spellings within this much of the best one (in either script) are all
# admitted (ترامپ, ترامب, ترمب and ترومب are all Trump).
MARGIN = 0.35
# ... and each needs this share of the documents of its script's most frequent
# one: حماس has 238 Arabic documents, هامس ("whisperer") 4, بیروت 212 and بیرت
# (of روبیرتا, Roberta) 6.
MIN_SHARE = 0.1

# Not names: the commonest English words of news text, which a Persian or
# Arabic spelling would only ever match by accident (oil → ایل "tribe").
ENGLISH_WORDS = frozenset("""
the and for are but not you all any can had her was one our out day get has him his how man
new now old see two way who boy did its let put say she too use oil gas war law tax car bus
from that this with have they will your what when them than then been were there their which
about would these other into more some time very after most also made many over such only
year news said like just make know take come good well back much even want give first last
world state city north south east west bank film radio club team game oil power party
""".split())

# Names that are not transliterations: an acronym and the Arabic one, and
# Arabic place names whose Latin spelling writes the short vowels Arabic
# leaves out (Qatar is قطر, and قطار is "train") or has too few consonants.
ALIASES = {"isis": ("داعش",), "isil": ("داعش",), "daesh": ("داعش",),
           "qatar": ("قطر",), "iraq": ("عراق",), "gaza": ("غزه",), "dubai": ("دبی",),
           "mosul": ("موصل",), "riyadh": ("ریاض",), "nato": ("ناتو",)}

_LATIN_WORD = re.compile(r"^[a-z]+$")


def is_latin_name(word: str) -> bool:
    """Could this normalized word be a name to transliterate?"""
    if word in ALIASES:
        return True
    if not _LATIN_WORD.match(word) or len(word) < MIN_LETTERS or word in ENGLISH_WORDS:
        return False
    return sum(1 for u in units(word) if not u.vowel) >= MIN_CONSONANTS


class Unit:
    """One sound of the Latin word: its renderings as (letters, cost)."""

    __slots__ = ("text", "vowel", "options")

    def __init__(self, text: str, vowel: bool, options: dict[str, float]):
        self.text, self.vowel, self.options = text, vowel, options

    def __repr__(self):
        return f"Unit({self.text!r}, {self.options})"


@lru_cache(maxsize=4096)
def units(word: str) -> tuple[Unit, ...]:
    """The word cut into consonants and vowel runs, each with its renderings."""
    out: list[Unit] = []
    i = 0
    while i < len(word):
        if word[i] in VOWELS or (word[i] == "y" and i > 0 and word[i - 1] not in VOWELS
                                 and (i + 1 == len(word) or word[i + 1] not in VOWELS)):
            j = i + 1
            while j < len(word) and (word[j] in VOWELS or (j > i and word[j] in "yw"
                                                          and (j + 1 == len(word) or word[j + 1] not in VOWELS))):
                j += 1
            run = word[i:j].replace("y", "i") if word[i] == "y" else word[i:j]
            out.append(Unit(run, True, _vowel_options(run, first=i == 0, last=j == len(word))))
            i = j
            continue
        digraph = next(d for d in _DIGRAPHS if word.startswith(d, i))
        options = _consonant_options(digraph, word[i + len(digraph):i + len(digraph) + 1])
        if out and not out[-1].vowel and out[-1].text == digraph:
            # a doubled consonant is its usual letter, once (Assad اسد, not آزاد) or twice
            usual = [k for k, c in out[-1].options.items() if c == 0.0]
            out[-1] = Unit(digraph, False, {**{k: OWN for k in usual}, **{k * 2: DOUBLED for k in usual}})
            i += len(digraph)
            continue
        out.append(Unit(digraph, False, options))
        i += len(digraph)
    return tuple(out)


def _consonant_options(digraph: str, following: str) -> dict[str, float]:
    if digraph == "c" and following and following in "eiy":
        return {SOFT_C: 0.0}
    primary = _PRIMARY.get(digraph, CONSONANTS[digraph][:1])
    return {letters: (0.0 if letters in primary else RARE.get((digraph, letters), SECONDARY))
            for letters in CONSONANTS[digraph]}


def _vowel_options(run: str, first: bool, last: bool) -> dict[str, float]:
    """How a run of Latin vowels may be written, and what each costs."""
    options: dict[str, float] = {}

    def add(letters: str, cost: float) -> None:
        if letters not in options or cost < options[letters]:
            options[letters] = cost

    if last and run == "e" and not first:  # English's silent final e
        return {"": OWN, "ی": SILENT_E, "ه": FINAL_HEH}
    if last:
        unwritten = FINAL_UNWRITTEN
    else:
        unwritten = _UNWRITTEN.get(run, UNWRITTEN) if len(run) == 1 else RUN_UNWRITTEN
    add("", unwritten)
    # each vowel written: its own letter or a looser one (a pair is written
    # whole or not at all: Raisi is not راسی)
    per_vowel = [[(_OWN[v], _OWN_COST.get(v, OWN))] + ([(_LOOSE[v], _LOOSE_COST.get(v, LOOSE))] if v in _LOOSE else [])
                 for v in run if v in _OWN]
    for combo in product(*per_vowel):
        add("".join(letters for letters, _c in combo), sum(c for _l, c in combo))
    for letters in _PAIRS.get(run, ()):
        add(letters, OWN)
    if last and run[-1] in "ae":
        add("ه", FINAL_HEH)
    if len(run) > 1:  # Saudi سعودی, Raisi رئیسی: a glottal stop between two vowels
        second = _OWN.get(run[1], "")
        for glottal, c in (("ء", HAMZA_COST), ("ع", GLOTTAL)):
            for before in (_OWN.get(run[0], ""), ""):
                for after in (second, ""):
                    add(before + glottal + after, c + (0.0 if after else UNWRITTEN))
    if first:
        # A word's first vowel is written with a seat: ا (آ normalizes to it) or ع
        initial: dict[str, float] = {}
        for letters, cost in options.items():
            for seat in ("ا", "ع"):
                seated = letters if letters.startswith("ا") else seat + letters.lstrip("ا")
                if seat == "ع" and letters.startswith("ا"):
                    seated = "ع" + letters[1:]
                extra = GLOTTAL if seat == "ع" else 0.0
                if seated not in initial or cost + extra < initial[seated]:
                    initial[seated] = cost + extra
        options = initial
    return options


def budget(word_units) -> float:
    return BASE_BUDGET + PER_VOWEL_BUDGET * sum(1 for u in word_units if u.vowel)


def cost(word_units, written: str) -> float | None:
    """The cheapest alignment of ``written`` (a normalized spelling) with the units, or None."""
    inf = float("inf")
    best = [inf] * (len(written) + 1)
    best[0] = 0.0
    for unit in word_units:
        nxt = [inf] * (len(written) + 1)
        for j, so_far in enumerate(best):
            if so_far == inf:
                continue
            for letters, c in unit.options.items():
                if written.startswith(letters, j) and so_far + c < nxt[j + len(letters)]:
                    nxt[j + len(letters)] = so_far + c
        best = nxt
    return None if best[-1] == inf else best[-1]


def _fold(letters: str) -> str:
    return letters.translate(SPELLING_FOLD)


def _key_parts(word_units) -> list[set[str]]:
    """Per unit, what its renderings add to a consonant key (index/variants.consonant_key)."""
    parts = []
    for n, unit in enumerate(word_units):
        adds = set()
        for letters in unit.options:
            folded = _fold(letters)
            if n == 0 and folded:
                adds.add(folded[0] + "".join(c for c in folded[1:] if c not in "اوی"))
            else:
                adds.add("".join(c for c in folded if c not in "اوی"))
        parts.append(adds)
    return parts


def candidate_terms(reader, word: str, fieldname: str = VARIANT_FIELD):
    """(term, written spelling, cost) of every indexed spelling the units can make."""
    word_units = units(word)
    parts = _key_parts(word_units)
    found = []
    for tag in SCRIPT_TAGS.values():
        for key in _keys(reader, fieldname, tag, parts):
            for btext in reader.expand_prefix(fieldname, tag + key + KEY_END):
                term = btext.decode("utf-8") if isinstance(btext, bytes) else btext
                written = term_written(term)
                c = cost(word_units, written)
                if c is not None:
                    found.append((term, written, c))
    return found


def _keys(reader, fieldname: str, tag: str, parts: list[set[str]]):
    """The consonant keys the parts make that some indexed spelling of ``tag`` has,
    grown unit by unit and pruned as soon as no term starts with the key so far."""
    keys = {""}
    for adds in parts:
        grown = set()
        for key in keys:
            for add in adds:
                candidate = key + add
                if candidate in grown:
                    continue
                if add and not _has_prefix(reader, fieldname, tag + candidate):
                    continue
                grown.add(candidate)
        keys = grown
        if not keys:
            return set()
    return {key for key in keys if len(key) >= 2}


def _has_prefix(reader, fieldname: str, prefix: str) -> bool:
    for _ in reader.expand_prefix(fieldname, prefix):
        return True
    return False


def choose(word: str, candidates, doc_frequency) -> list[str]:
    """The admitted terms, most frequent first.

    A spelling is admitted when its cost is within the word's ``budget`` and
    within ``MARGIN`` of the best spelling (of either script) that more than
    one document uses; a spelling of one document only if it has that
    spelling's consonants (ترومب beside ترامب, not زریف beside ظریف); and
    every spelling needs ``MIN_SHARE`` of the documents of its script's most
    frequent admitted spelling.  A word of hazm's Persian lexicon is admitted
    only as the closest spelling of its script: ظرف ("container") is not
    Zarif beside ظریف, nor بدین ("to this") Biden beside بایدن.  The
    bar is set across scripts: Khamenei's Arabic خامنئي keeps the Persian
    خمینی (Khomeini) out, which is the best Persian spelling the sounds make.
    """
    from kavosh.index.lexicon import persian_lexicon

    limit = budget(units(word))
    kept = [(term, written, c) for term, written, c in candidates
            if c <= limit and len(_key(term)) >= MIN_KEY]
    if not kept:
        return []
    # the best spelling seen in more than one document (one document may have a typo)
    seen_twice = [(term, c) for term, _w, c in kept if doc_frequency(term) > 1] or \
        [(term, c) for term, _w, c in kept]
    best = min(c for _t, c in seen_twice)
    best_keys = {_key(term) for term, c in seen_twice if c == best}
    close = [(term, written, c) for term, written, c in kept if c <= best + MARGIN + 1e-9
             and (_key(term) in best_keys or doc_frequency(term) > 1)]
    most = {}
    for term, _w, _c in close:
        most[term[0]] = max(most.get(term[0], 0), doc_frequency(term))
    close = [(term, written, c) for term, written, c in close
             if doc_frequency(term) >= MIN_SHARE * most[term[0]]]
    lexicon = persian_lexicon()
    best_in = {}
    for term, _w, c in close:
        best_in[term[0]] = min(best_in.get(term[0], c), c)
    out = [term for term, written, c in close if written not in lexicon or c <= best_in[term[0]]]
    return sorted(out, key=lambda t: -doc_frequency(t))


def _key(term: str) -> str:
    """A variant term's consonant key (without its script tag)."""
    return term.partition(KEY_END)[0][1:]


def alias_terms(reader, word: str, fieldname: str = VARIANT_FIELD) -> list[str]:
    """The variant-field terms of an alias's spellings (ISIS → داعش)."""
    from kavosh.index.variants import consonant_key, spelling

    out = []
    for target in ALIASES.get(word, ()):
        for tag, script in (("f", "fa"), ("a", "ar")):
            prefix = tag + consonant_key(spelling(target, script)) + KEY_END
            for btext in reader.expand_prefix(fieldname, prefix):
                term = btext.decode("utf-8") if isinstance(btext, bytes) else btext
                if term_written(term) == target:
                    out.append(term)
    return out


def spellings(reader, word: str, fieldname: str = VARIANT_FIELD) -> list[str]:
    """The variant-field terms that are the Persian or Arabic spellings of a Latin word.

    Remembered per reader (a reader serves one commit): the search lists
    them, and the result reports them.
    """
    cache = getattr(reader, "_kavosh_latin", None)
    if cache is None:
        cache = {}
        try:
            reader._kavosh_latin = cache
        except AttributeError:
            pass
    key = (fieldname, word)
    if key not in cache:
        if word in ALIASES:
            cache[key] = alias_terms(reader, word, fieldname)
        else:
            cache[key] = choose(word, candidate_terms(reader, word, fieldname),
                                lambda term: reader.doc_frequency(fieldname, term))
    return cache[key]


MAX_HINTS = 4


def hints(reader, word: str, fieldname: str = VARIANT_FIELD) -> list[str]:
    """Spellings the archive has that the word's sounds make, though none was sure
    enough to search: what the result suggests trying (Kerry → کری, کیری)."""
    found = sorted(((c, -reader.doc_frequency(fieldname, term), term_written(term))
                    for term, _w, c in candidate_terms(reader, word, fieldname)
                    if c <= budget(units(word))))
    out: list[str] = []
    for _c, _df, written in found:
        if written not in out:
            out.append(written)
        if len(out) == MAX_HINTS:
            break
    return out


def report(parsed, reader) -> list[dict]:
    """What each Latin name of a parsed query was searched as: its admitted
    spellings, or (none admitted) the spellings to try."""
    out = []
    for q in parsed.fuzzy:
        if isinstance(q, LatinSpellings):
            found = [term_written(t) for t in spellings(reader, q.word, q.fieldname)]
            unique = list(dict.fromkeys(found))
            out.append({"word": q.word, "spellings": unique,
                        "hints": [] if unique else hints(reader, q.word, q.fieldname)})
    return out


class LatinSpellings(VariantMatch):
    """The Persian and Arabic spellings of one Latin word, in the variant field.

    A ``VariantMatch`` to everything that handles one: expanded once per query
    (``search.matching.expand``), its terms listed among the query's other
    spellings (a hit says "also as ترامپ"), exported to OpenSearch as the
    terms this index admits.
    """

    constantscore = False

    def __init__(self, word: str, fieldname: str = VARIANT_FIELD, boost: float = LATIN_BOOST):
        self.fieldname = fieldname
        self.word = self.written = self.folded = word
        self.prefix, self.script = "", None
        self.text = "latin:" + word
        self.boost = boost

    def __eq__(self, other):
        return (isinstance(other, LatinSpellings) and self.fieldname == other.fieldname
                and self.word == other.word and self.boost == other.boost)

    def __hash__(self):
        return hash((type(self).__name__, self.fieldname, self.word, self.boost))

    def __repr__(self):
        return f"LatinSpellings({self.word!r})"

    def _btexts(self, ixreader):
        return spellings(ixreader, self.word, self.fieldname)


def latin_spellings(word: str) -> LatinSpellings | None:
    """The query for a typed word's Persian and Arabic spellings, or None when it is not a Latin name.

    ``word`` is the normalized word (lower case, accents folded).
    """
    return LatinSpellings(word) if is_latin_name(word) else None
