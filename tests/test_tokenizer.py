"""KavoshTokenizer alone: where words start and end, in the document's own characters.

Tables in Lucene's style: input → the tokens the tokenizer yields (their
``text`` before any filter, i.e. the document's own characters).  The
tokenizer does not normalize, lower-case, stem or drop stop words; the
filters do (tests/test_filters.py).
"""

from __future__ import annotations

import pytest

from kavosh.index.analysis import KavoshTokenizer

TOKENIZER = KavoshTokenizer()
ZWNJ, ZWJ, RLM = "\u200c", "\u200d", "\u200f"


def words(text: str) -> list[str]:
    return [t.text for t in TOKENIZER(text)]


def spans(text: str, **kwargs) -> list[tuple[str, int, int, int]]:
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in TOKENIZER(text, positions=True, chars=True, **kwargs)
    ]


# --- splitting on punctuation ---------------------------------------------

PUNCTUATION = [
    # Arabic comma, semicolon, question mark (seeds write ، after almost every clause)
    ("شهردار کیف، روز ۴ نوامبر", ["شهردار", "کیف", "روز", "۴", "نوامبر"]),
    ("كييف ، أوكرانيا", ["كييف", "أوكرانيا"]),
    ("اول؛ دوم", ["اول", "دوم"]),
    ("چرا؟نه", ["چرا", "نه"]),
    # guillemets and curly quotes (seed 000: «تیمهای امداد», seed 001: “دعم اليابان القوي”)
    ("«تیمهای امداد»", ["تیمهای", "امداد"]),
    ("“دعم اليابان القوي”", ["دعم", "اليابان", "القوي"]),
    ('و"الناتو" يصف', ["و", "الناتو", "يصف"]),
    # percent signs (Arabic ٪ and Latin %), parentheses, slash, dash
    ("۵۰٪ و ٪۲۰", ["۵۰", "و", "۲۰"]),
    ("10% off", ["10", "off"]),
    ("(رويترز)", ["رويترز"]),
    ("الأميركي/الأوكراني", ["الأميركي", "الأوكراني"]),
    ("خارجی-داخلی", ["خارجی", "داخلی"]),
    ("كييف – موسكو", ["كييف", "موسكو"]),
    # Latin punctuation
    ("Hello, world! (Kyiv.)", ["Hello", "world", "Kyiv"]),
    ("https://apnews.com/hub/russia", ["https", "apnews", "com", "hub", "russia"]),
    # Arabic full stop U+06D4 and the no-break space seed 002 contains
    ("پایان۔ آغاز", ["پایان", "آغاز"]),
    ("روسيا\u00a0اليوم", ["روسيا", "اليوم"]),
]


@pytest.mark.parametrize("text,expected", PUNCTUATION)
def test_splits_on_latin_and_arabic_punctuation(text, expected):
    assert words(text) == expected


# --- zero-width joiners ---------------------------------------------------

JOINERS = [
    # a ZWNJ (نیم‌فاصله) inside a word keeps it one word
    (f"آتش{ZWNJ}سوزی", [f"آتش{ZWNJ}سوزی"]),
    (f"می{ZWNJ}خورد", [f"می{ZWNJ}خورد"]),
    (f"کتاب{ZWNJ}های خوب", [f"کتاب{ZWNJ}های", "خوب"]),
    (f"کاروان{ZWNJ}{ZWNJ}سرا", [f"کاروان{ZWNJ}{ZWNJ}سرا"]),  # hazm's doubled ZWNJ
    (f"کمک{ZWJ}ها", [f"کمک{ZWJ}ها"]),
    (f"اوکر{RLM}این", [f"اوکر{RLM}این"]),
    # a ZWNJ typed next to a space belongs to neither word
    (f"سلام{ZWNJ} {ZWNJ}دنیا", ["سلام", "دنیا"]),
    (f"{ZWNJ}سلام{ZWNJ} به {ZWNJ}همه{ZWNJ}", ["سلام", "به", "همه"]),
]


@pytest.mark.parametrize("text,expected", JOINERS)
def test_zwnj_joined_words_stay_one_token(text, expected):
    assert words(text) == expected


# --- numbers ---------------------------------------------------------------

NUMBERS = [
    ("3.5", ["3.5"]),
    ("۱۴۰۳٫۵", ["۱۴۰۳٫۵"]),
    ("1,234", ["1,234"]),
    ("۲۹٬۶۰۰ سرباز", ["۲۹٬۶۰۰", "سرباز"]),
    ("١٢٣٤", ["١٢٣٤"]),
    # a sentence's full stop or comma after a number is not part of it
    ("کمتر از 10.", ["کمتر", "از", "10"]),
    ("3.5. بعد", ["3.5", "بعد"]),
    ("1,234, 5", ["1,234", "5"]),
    ("۳۱ اکتبر", ["۳۱", "اکتبر"]),
    # a date's dashes separate numbers
    ("2024-11-04", ["2024", "11", "04"]),
    # a digit glued to a word stays with it, as in UAX #29 (hazm's spacing would split it)
    ("مسافت۹", ["مسافت۹"]),
]


@pytest.mark.parametrize("text,expected", NUMBERS)
def test_numbers_are_kept_whole(text, expected):
    assert words(text) == expected


# --- offsets: the document's own word ---------------------------------------

OFFSETS = [
    # harakat stay inside the word: ذَهَبَ الوَلَدُ does not become الو
    ("ذَهَبَ الوَلَدُ", ["ذَهَبَ", "الوَلَدُ"]),
    ("حَذفِ اِعراب", ["حَذفِ", "اِعراب"]),
    ("جنوداً في روسيا", ["جنوداً", "في", "روسيا"]),  # seed 002
    ("مُسَيَّـرَة", ["مُسَيَّـرَة"]),  # shadda, tatweel, fatha
    ("روبرـــــت", ["روبرـــــت"]),
    ("الرحمٰن", ["الرحمٰن"]),  # dagger alef
    ("خانهٔ ما", ["خانهٔ", "ما"]),  # combining hamza above
    ("\ufedb\ufef4\ufef4\ufed2 و", ["\ufedb\ufef4\ufef4\ufed2", "و"]),  # presentation forms
    ("Kyiv, KYIV", ["Kyiv", "KYIV"]),  # case kept: lower-casing is the filter's job
]


@pytest.mark.parametrize("text,expected", OFFSETS)
def test_offsets_cover_the_documents_own_word(text, expected):
    """text[startchar:endchar] is exactly the word as written, marks and tatweel included."""
    tokens = spans(text)
    assert [text[start:end] for _, _, start, end in tokens] == expected
    assert [surface for surface, *_ in tokens] == expected


def test_offsets_and_positions_in_a_seed_sentence():
    text = "ويتالي كليتشكو، شهردار كييف"
    assert spans(text) == [
        ("ويتالي", 0, 0, 6),
        ("كليتشكو", 1, 7, 14),
        ("شهردار", 2, 16, 22),
        ("كييف", 3, 23, 27),
    ]


def test_start_pos_and_start_char_shift_everything():
    """whoosh passes them for multi-valued fields; highlighting relies on them."""
    assert spans("سلام دنیا", start_pos=10, start_char=100) == [
        ("سلام", 10, 100, 104),
        ("دنیا", 11, 105, 109),
    ]


def test_tokenize_false_yields_the_whole_value():
    """A wildcard or prefix's text comes through untouched, as one token."""
    (token,) = TOKENIZER("الكتا*", tokenize=False, positions=True, chars=True)
    assert (token.text, token.pos, token.startchar, token.endchar) == ("الكتا*", 0, 0, 6)


def test_surface_is_the_documents_characters():
    (token,) = TOKENIZER("كِتَابٌ")
    assert token.surface == "كِتَابٌ"


# --- the language every token is tagged with ---------------------------------

@pytest.mark.parametrize(
    "text,lang",
    [
        # seed 000: Persian-only letters (پ گ) decide
        ("پیش از این، مقامات اوکراینی نیروهای روسی را متهم کرده بودند", "fa"),
        # seed 001: ة decides
        ("وقالت وزارة الخارجية اليابانية إن تاكيشي إيوايا سيلتقي بنظيره", "ar"),
        # a short line with neither kind of letter cannot be told apart
        ("شهردار کیف", "mixed"),
        ("Sorry, you need to enable JavaScript", "other"),
    ],
)
def test_tokens_carry_the_language_of_the_text(text, lang):
    assert {t.lang for t in TOKENIZER(text)} == {lang}


def test_query_tokens_have_no_language():
    assert {t.lang for t in TOKENIZER("پیش روسيا", mode="query")} == {"query"}
