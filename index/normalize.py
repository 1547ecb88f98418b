"""Character-level normalization and script-based language detection.

Everything here works on one token's text (or counts characters of a whole
document); nothing changes the length of a document before its offsets are
taken.  The equivalences are the ones a Persian or Arabic reader relies on:
the same word typed on an Arabic or a Persian keyboard, with or without
diacritics, tatweel, ZWNJ or presentation forms, and with Persian,
Arabic-Indic or Latin digits, normalizes to one string.

Canonical forms are Persian (ک ی ه), as hazm writes them; digits are ASCII.

Why a table and not ``hazm.Normalizer().normalize`` or pyarabic's
``normalize_*`` calls: hazm's normalizer rewrites spacing (inserts ZWNJ, joins
words) and converts digits to Persian, costs ~1.5 s to construct and runs at
~1 MB/s; pyarabic's functions each make a pass over the string.  We build one
``str.translate`` table from pyarabic's and Unicode's own character data and
apply it per distinct token (results are cached), which is exact and fast.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from pyarabic import araby

__all__ = [
    "NORMALIZATION_TABLE",
    "normalize_token",
    "detect_language",
    "FORMAT_CHARS",
    "MARKS",
]

# Zero-width and direction-control characters that can sit inside a word.
FORMAT_CHARS = (
    "\u200c"  # ZWNJ (نیم‌فاصله)
    "\u200d"  # ZWJ
    "\u200e\u200f"  # LRM, RLM
    "\u061c"  # ARABIC LETTER MARK
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # isolates
    "\ufeff"  # BOM / ZWNBSP
    "\u00ad"  # soft hyphen
    "\u200b"  # ZERO WIDTH SPACE: pasted from web pages inside words
    "\u2060"  # WORD JOINER
)

# Of those, the ones that stand between a compound's parts (ZWNJ) or, pasted
# from web pages, between two words (a zero-width space or word joiner where a
# space belonged: بلند<ZWSP>نامزدها): a word with one is indexed whole and by
# its parts.  (In Arabic it mostly splits a proclitic off, و<ZWSP>التجربة:
# the whole word is the right one there.)
PART_SEPARATORS = "\u200c\u200b\u2060"

# Combining marks of the Arabic script: harakat, tanween, shadda, sukun
# (pyarabic's TASHKEEL), the rest of U+064B–U+065F (maddah, hamza above and
# below, …), superscript alef and the Quranic annotation marks.
MARKS = "".join(
    sorted(
        set(araby.TASHKEEL)
        | {chr(c) for c in range(0x064B, 0x0660)}
        | {"\u0670"}
        | {chr(c) for c in range(0x06D6, 0x06EE) if unicodedata.category(chr(c)) == "Mn"}
    )
)

_LETTER_VARIANTS = {
    # Kaf: Arabic ك and swash kaf → Persian ک
    araby.KAF: "\u06a9",
    "\u06aa": "\u06a9",
    # Yeh: Arabic ي, alef maksura ى, yeh with hamza ئ, Urdu/Pashto yehs → Persian ی
    araby.YEH: "\u06cc",
    araby.ALEF_MAKSURA: "\u06cc",
    araby.YEH_HAMZA: "\u06cc",
    "\u06d2": "\u06cc",  # yeh barree (Lucene maps هاے → هاي)
    "\u06d0": "\u06cc",
    "\u06cd": "\u06cc",
    # Heh: teh marbuta ة, heh with yeh above ۀ, heh goal forms, ae → ه
    araby.TEH_MARBUTA: "\u0647",
    "\u06c0": "\u0647",
    "\u06c1": "\u0647",
    "\u06c2": "\u0647",
    "\u06c3": "\u0647",
    "\u06be": "\u0647",
    "\u06d5": "\u0647",
    # Alef: madda, hamza above/below, wasla, wavy hamza → bare alef
    araby.ALEF_MADDA: araby.ALEF,
    araby.ALEF_HAMZA_ABOVE: araby.ALEF,
    araby.ALEF_HAMZA_BELOW: araby.ALEF,
    "\u0671": araby.ALEF,
    "\u0672": araby.ALEF,
    "\u0673": araby.ALEF,
    # Waw with hamza → waw
    araby.WAW_HAMZA: araby.WAW,
    "\u0676": araby.WAW,
}


# Persian ۰–۹ and Arabic-Indic ٠–٩ digits as ASCII, and their separators: the
# decimal ٫ (what a Persian keyboard types for ".") and the thousands ٬.  Dates
# (index/dates.py) read numbers through the same table.
DIGITS: dict[int, str] = {
    **{0x06F0 + i: str(i) for i in range(10)},
    **{0x0660 + i: str(i) for i in range(10)},
    0x066B: ".",
    0x066C: ",",
}


def _base_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for ch in FORMAT_CHARS + MARKS + araby.TATWEEL:
        table[ord(ch)] = None
    for src, dst in _LETTER_VARIANTS.items():
        table[ord(src)] = dst
    table.update(DIGITS)
    return table


def _build_table() -> dict[int, str | None]:
    """Base table plus compatibility forms folded through it.

    Arabic presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFF) and full-width
    Latin decompose under NFKC to base letters (ﻻ → لا); the result is passed
    through the base table so that e.g. ﻙ ends as Persian ک.  Multi-word
    ligatures such as ﷺ lose their spaces: a token stays a token.
    """
    table = _base_table()
    ranges = [range(0xFB50, 0xFE00), range(0xFE70, 0xFEFF), range(0xFF10, 0xFF5B)]
    for rng in ranges:
        for cp in rng:
            ch = chr(cp)
            if unicodedata.category(ch) == "Cn":
                continue
            folded = unicodedata.normalize("NFKC", ch)
            if folded == ch:
                continue
            table[cp] = folded.translate(table).replace(" ", "") or None
    return table


NORMALIZATION_TABLE = _build_table()


@lru_cache(maxsize=262144)
def normalize_token(text: str) -> str:
    """Canonical form of one token's text (may be empty: e.g. a lone tatweel)."""
    return text.translate(NORMALIZATION_TABLE).casefold()


# Script cues.  Strong cues are letters the other language does not write:
# پ چ ژ گ (and ۀ) only in Persian, ة only in Arabic.  Weak cues are the
# keyboard's yeh and kaf forms: many Persian sites type Arabic ي and ك, so
# they only decide when strong cues are missing (a short title, say).
_PERSIAN_STRONG = "\u067e\u0686\u0698\u06af\u06c0"  # پ چ ژ گ ۀ
_ARABIC_STRONG = "\u0629"  # ة
_PERSIAN_WEAK = "\u06a9\u06cc" + "".join(chr(0x06F0 + i) for i in range(10))  # ک ی ۰–۹
_ARABIC_WEAK = "\u064a\u0643\u0649" + "".join(chr(0x0660 + i) for i in range(10))  # ي ك ى ٠–٩
_MIN_STRONG = 3
_MIN_WEAK = 40
_RATIO = 3


def _count(text: str, chars: str) -> int:
    return sum(text.count(c) for c in chars)


def _verdict(fa: int, ar: int) -> str:
    if fa >= _RATIO * ar:
        return "fa"
    if ar >= _RATIO * fa:
        return "ar"
    return "mixed"


def detect_language(text: str) -> str:
    """'fa', 'ar', 'mixed' (both, or too little to tell) or 'other' (no cues).

    Strong letters decide, by ratio, so that one پ in a long Arabic article
    keeps it Arabic.  Without them, the yeh/kaf forms decide only for a long
    text: a short title typed on an Arabic keyboard may well be Persian, and
    'mixed' makes each word get both stems rather than the wrong one.
    """
    fa, ar = _count(text, _PERSIAN_STRONG), _count(text, _ARABIC_STRONG)
    if fa or ar:
        if fa + ar < _MIN_STRONG:
            return "fa" if not ar else "ar" if not fa else "mixed"
        return _verdict(fa, ar)
    fa, ar = _count(text, _PERSIAN_WEAK), _count(text, _ARABIC_WEAK)
    if fa == 0 and ar == 0:
        return "other"
    if fa + ar < _MIN_WEAK:
        return "mixed"
    return _verdict(fa, ar)


def script_language(text: str) -> str:
    """'fa', 'ar', 'mixed' or 'other' from the script-only letters alone (پ چ ژ گ ۀ vs ة).

    The keyboard's yeh and kaf do not count: many Persian texts are typed with
    Arabic ي and ك, which says nothing about whose spelling a name follows.
    What the cross-script variant field tags its words by.
    """
    fa, ar = _count(text, _PERSIAN_STRONG), _count(text, _ARABIC_STRONG)
    if not fa and not ar:
        return "other"
    return _verdict(fa, ar)


def token_language(raw: str) -> str | None:
    """Language of a single raw token from its own letters, when they are decisive."""
    fa, ar = _count(raw, _PERSIAN_STRONG), _count(raw, _ARABIC_STRONG)
    if fa and not ar:
        return "fa"
    if ar and not fa:
        return "ar"
    return None


def query_language(text: str) -> str | None:
    """'fa' or 'ar' when a (short) query's own letters say which, else None.

    Unlike ``detect_language`` this trusts a few cues: a query is typed on one
    keyboard, so even one Persian-only or Arabic-only letter tells.
    """
    fa, ar = _count(text, _PERSIAN_STRONG), _count(text, _ARABIC_STRONG)
    if fa or ar:
        return "fa" if fa > ar else "ar" if ar > fa else None
    fa, ar = _count(text, _PERSIAN_WEAK), _count(text, _ARABIC_WEAK)
    if fa and not ar:
        return "fa"
    if ar and not fa:
        return "ar"
    return None
