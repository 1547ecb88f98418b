"""The filters of the chain, one at a time, then the memoized analyzer as a whole.

    KavoshTokenizer | NormalizeFilter | KavoshStopFilter | LanguageStemFilter

Each filter is tested behind the tokenizer (whoosh filters take a token
stream) and in front of nothing else, with Lucene-style input → tokens
tables; the stemmers are tested as functions on normalized words.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from kavosh.index.analysis import (
    KavoshStopFilter,
    KavoshTokenizer,
    LanguageStemFilter,
    NormalizeFilter,
    kavosh_analyzer,
    plain_analyzer,
)
from kavosh.index.normalize import normalize_token
from kavosh.index.stemmers import stem_arabic, stem_persian

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
ZWNJ = "\u200c"

NORMALIZE = KavoshTokenizer() | NormalizeFilter()
STOP = KavoshTokenizer() | NormalizeFilter() | KavoshStopFilter()
STEM = KavoshTokenizer() | NormalizeFilter() | LanguageStemFilter()  # no stop words: see every stem


# --- NormalizeFilter -------------------------------------------------------

NORMALIZE_ROWS = [
    ("Kyiv KREMLIN JavaScript", ["kyiv", "kremlin", "javascript"]),  # Latin lower-cased (seeds 002, 004)
    ("Straße", ["strasse"]),  # case *folding*
    ("كييف", ["کییف"]),  # Arabic kaf and yeh → Persian
    ("وزارة الخارجية", ["وزاره", "الخارجیه"]),  # teh marbuta → heh
    ("أوكرانيا إسقاط آلاف", ["اوکرانیا", "اسقاط", "الاف"]),  # hamza/madda alefs → ا
    ("مسؤولون", ["مسوولون"]),
    ("رئیس خانۀ", ["رییس", "خانه"]),
    ("جنوداً سُمع", ["جنودا", "سمع"]),  # harakat removed
    ("روبرـــــت", ["روبرت"]),  # tatweel removed
    (f"آتش{ZWNJ}سوزی", ["اتشسوزی"]),  # ZWNJ removed inside the token
    ("۲۰۲۴ ٢٠٢٤ ۱۴۰۳٫۵ ۲۹٬۶۰۰", ["2024", "2024", "1403.5", "29,600"]),  # ASCII digits
    ("\ufefb\ufecb\ufe92", ["لاعب"]),  # presentation forms
]


@pytest.mark.parametrize("text,expected", NORMALIZE_ROWS)
def test_normalize_filter(text, expected):
    assert [t.text for t in NORMALIZE(text)] == expected


def test_normalize_filter_drops_tokens_that_normalize_to_nothing():
    """A lone tatweel is a \\w character but not a word; the next word keeps its position."""
    tokens = [(t.text, t.pos) for t in NORMALIZE("بـ ـــ كييف", positions=True)]
    assert tokens == [("ب", 0), ("کییف", 2)]


def test_normalize_filter_keeps_offsets_and_records_the_normalized_form():
    text = "ذَهَبَ الوَلَدُ"
    tokens = [(t.text, t.normalized, t.startchar, t.endchar) for t in NORMALIZE(text, chars=True)]
    assert tokens == [("ذهب", "ذهب", 0, 6), ("الولد", "الولد", 7, 15)]


# --- KavoshStopFilter --------------------------------------------------------

STOP_ROWS = [
    # seed 000: از, در, به, این, که are stop words; the position after each stays empty
    ("سقوط این پهپاد باعث آتشسوزی در پارک شد", [("سقوط", 0), ("پهپاد", 2), ("اتشسوزی", 4), ("پارک", 6)]),
    # seed 001: في, إلى, على are stop words whichever keyboard typed them
    ("جندي إلى روسيا", [("جندی", 0), ("روسیا", 2)]),
    ("جندي الی روسيا", [("جندی", 0), ("روسیا", 2)]),
    ("نشر القوات في روسيا", [("نشر", 0), ("القوات", 1), ("روسیا", 3)]),
    # a stop word written with diacritics is still a stop word
    ("ذهب فِي الصباح", [("ذهب", 0), ("الصباح", 2)]),
]


@pytest.mark.parametrize("text,expected", STOP_ROWS)
def test_stop_words_are_removed_but_keep_their_position(text, expected):
    """A phrase query still spans the removed word: positions have a gap, not a shift."""
    assert [(t.text, t.pos) for t in STOP(text, positions=True)] == expected


def test_stop_words_pass_through_marked_when_not_removed():
    tokens = [(t.text, t.stopped) for t in STOP("سقوط این پهپاد", removestops=False)]
    assert tokens == [("سقوط", False), ("این", True), ("پهپاد", False)]


def test_content_words_are_not_stop_words():
    """Words a reader searches for are kept (a stop list bug would silently lose them)."""
    words = "روسیه اوکراین پهپاد کیف تلگرام موسكو الطائرات الرئيس"
    assert len(list(STOP(words))) == len(words.split())


# --- LanguageStemFilter ------------------------------------------------------

def test_a_persian_text_gets_persian_stems_only():
    # seed 000; پ/گ make the text Persian: روزهای → روز, not the Arabic light10 cut
    text = "پهپادها در روزهای اخیر به کیف حمله کردند و سربازان اوکراینی"
    terms = [t.text for t in STEM(text)]
    assert "پهپاد" in terms and "روز" in terms and "سرباز" in terms and "اوکراین" in terms
    assert "روزها" not in terms  # what light10 would make of روزهای


def test_an_arabic_text_gets_arabic_stems_only():
    # seed 003; ة makes it Arabic
    text = "إسقاط طائرات مسيرة أوكرانية قرب موسكو والطائرات المسيرة"
    # طائرات has a hamza seat: it also indexes its seat term طاءر (issue 10)
    assert [t.text for t in STEM(text)] == [
        "اسقاط", "طایر", "طاءر", "مسیر", "اوکران", "قرب", "موسکو", "طایر", "طاءر", "مسیر",
    ]


def test_query_mode_yields_both_stems_at_one_position():
    """A query has no language: روزهای is searched as Persian روز OR Arabic روزها."""
    tokens = [(t.text, t.pos) for t in STEM("روزهای الطائرات", positions=True, mode="query")]
    assert tokens == [("روز", 0), ("روزها", 0), ("الطایرات", 1), ("طایر", 1),
                      ("الطاءرات", 1), ("طاءر", 1)]  # and the hamza-seat terms


def test_query_mode_yields_one_term_when_the_stems_agree():
    assert [(t.text, t.pos) for t in STEM("كتابها", positions=True, mode="query")] == [("کتاب", 0)]


def test_a_word_with_its_own_script_cue_in_mixed_text_uses_its_language():
    """In a short line neither Persian nor Arabic, گ marks گروهها Persian and ة marks الطائرة Arabic."""
    tokens = {t.text for t in STEM("گروهها الطائرة")}
    assert tokens == {"گروه", "طایر", "طاءر"}  # طاءر: الطائرة's hamza-seat term


def test_stop_words_and_latin_words_are_not_stemmed():
    tokens = [(t.text, t.stopped) for t in
              (KavoshTokenizer() | NormalizeFilter() | KavoshStopFilter() | LanguageStemFilter())(
                  "the Kyiv Independent هایی", removestops=False)]
    assert tokens == [("the", False), ("kyiv", False), ("independent", False), ("هایی", True)]


# --- Persian stemmer ---------------------------------------------------------

PERSIAN_STEMS = [
    # plural ها / های (seed 000 writes them without ZWNJ)
    ("پهپادها", "پهپاد"),
    ("روزهای", "روز"),
    ("تیمهای", "تیم"),
    ("کمکها", "کمک"),
    (f"کتاب{ZWNJ}ها", "کتاب"),  # hazm Stemmer test
    (f"کتاب{ZWNJ}هایی", "کتاب"),
    ("نیروگاههای", "نیروگاه"),
    # plural ان / ات
    ("سربازان", "سرباز"),
    ("داوطلبان", "داوطلب"),
    ("درختان", "درخت"),
    ("اطلاعات", "اطلاع"),
    ("انتخابات", "انتخاب"),
    ("حملات", "حمله"),  # ات restores the final ه
    ("جامدات", "جامد"),  # Lucene TestPersianStemFilter
    # comparative / superlative تر / ترین
    ("جدیدترین", "جدید"),
    ("بزرگتر", "بزرگ"),
    ("کوچکتر", "کوچک"),
    ("خوبترین", "خوب"),
    # relational / indefinite / ezafe ی
    ("اوکراینی", "اوکراین"),
    ("تحولی", "تحول"),
    ("کتابی", "کتاب"),
    ("شادمانی", "شادمان"),  # one suffix only, not on to شاد
    ("علیرضایی", "علیرضا"),
    # ه + ای without its ZWNJ is not the plural ها + ی
    ("رسانهای", "رسانه"),
    (f"برنامه{ZWNJ}ای", "برنامه"),
    ("خامنهای", "خامنه"),
    # possessive clitics
    ("کشورشان", "کشور"),
    ("کشورش", "کشور"),
    ("کتابم", "کتاب"),
    ("قدمش", "قدم"),
    (f"اندیشه{ZWNJ}اش", "اندیشه"),
    ("کتابهایشان", "کتاب"),
    ("تیمهایشان", "تیم"),
]

PERSIAN_UNCUT = [
    # names and loanwords from seed 000 keep their last letters
    "تلگرام", "ویتالی", "نجات", "کلیچکو", "زلنسکی", "تاماهاوک", "ایندیپندنت",
    "آمریکا", "پوتین", "برلین", "خارکف", "کورسک", "بائربوک",
    # words whose ending only looks like a suffix
    "باران", "کشتی", "دختر", "زمستان", "ایران", "تهران", "ساختمان", "ماهان", "میز", "کباب",
]


@pytest.mark.parametrize("word,base", PERSIAN_STEMS)
def test_persian_inflections_meet_their_base(word, base):
    stem = stem_persian(normalize_token(word))
    assert stem == normalize_token(base)
    assert stem_persian(normalize_token(base)) == stem  # the base word meets it too


@pytest.mark.parametrize("word", PERSIAN_UNCUT)
def test_persian_names_are_not_cut(word):
    assert stem_persian(normalize_token(word)) == normalize_token(word)


# --- Arabic light10 ----------------------------------------------------------

ARABIC_STEMS = [
    # one prefix: ال وال بال كال فال لل و (Lucene TestArabicStemFilter)
    ("الحسن", "حسن"),
    ("والحسن", "حسن"),
    ("بالحسن", "حسن"),
    ("كالحسن", "حسن"),
    ("فالحسن", "حسن"),
    ("للاخر", "اخر"),
    ("وحسن", "حسن"),
    # at most one prefix
    ("فبالكتاب", "فبالکتاب"),
    ("والكتاب", "کتاب"),
    # suffixes ها ان ات ون ين يه ية ه ة ي, each tried once, in order
    ("زوجها", "زوج"),
    ("ساهدان", "ساهد"),
    ("ساهدات", "ساهد"),
    ("ساهدون", "ساهد"),
    ("ساهدين", "ساهد"),
    ("ساهديه", "ساهد"),
    ("ساهدية", "ساهد"),
    ("ساهده", "ساهد"),
    ("ساهدة", "ساهد"),
    ("ساهدي", "ساهد"),
    ("ساهدهات", "ساهد"),  # ات, then ها
    ("وساهدون", "ساهد"),  # prefix and suffix
    # seed words
    ("الطائرات", "طایر"),
    ("والطائرة", "طایر"),
    ("مسؤولون", "مسوول"),
    ("مسؤولين", "مسوول"),
    ("المواطنون", "مواطن"),
    ("الشمالية", "شمال"),
    ("بلادها", "بلاد"),
    # minimum lengths: و needs three letters after it, other prefixes and suffixes two
    ("الو", "الو"),
    ("ولد", "ولد"),
    ("وطن", "وطن"),
    ("بها", "بها"),
    ("لها", "لها"),
    ("له", "له"),
    ("اله", "اله"),  # إله: protected (issue 10); light10 alone would leave ال
    ("بنا", "بنا"),
]


@pytest.mark.parametrize("word,stem", ARABIC_STEMS)
def test_arabic_light10(word, stem):
    assert stem_arabic(normalize_token(word)) == normalize_token(stem)


# --- the composed analyzer ----------------------------------------------------

def _tokens(analyzer, text, **kwargs):
    return [
        (t.text, t.pos, t.startchar, t.endchar, t.stopped)
        for t in analyzer(text, positions=True, chars=True, **kwargs)
    ]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
@pytest.mark.parametrize(
    "kwargs", [{}, {"mode": "query"}, {"removestops": False}, {"start_pos": 7, "start_char": 100}],
    ids=["index", "query", "keepstops", "offset"],
)
def test_memoized_analyzer_equals_the_plain_chain_on_every_seed(seed, kwargs):
    text = seed.read_text(encoding="utf-8")
    memoized = kavosh_analyzer()
    expected = _tokens(plain_analyzer(), text, **kwargs)
    assert len(expected) > 200
    assert _tokens(memoized, text, **kwargs) == expected  # cold cache
    assert _tokens(memoized, text, **kwargs) == expected  # warm cache


def test_one_analyzer_serves_documents_of_both_languages_in_turn():
    """The memo is per language: a word cached for a Persian text is not reused for an Arabic one."""
    memoized, plain = kavosh_analyzer(), plain_analyzer()
    texts = [seed.read_text(encoding="utf-8")[:2000] for seed in SEEDS] * 2
    for text in texts:
        assert _tokens(memoized, text) == _tokens(plain, text)


def test_a_cached_word_is_stemmed_again_for_a_text_of_the_other_language():
    """حملات in a Persian text is حمله; in an Arabic text light10 makes it حمل.

    The memo must not hand the Persian answer to the Arabic text (or back).
    """
    persian = "گزارش رویترز درباره حملات پهپادها به کیف"
    arabic = "حملات الطائرات المسيرة على المدينة"
    memoized, plain = kavosh_analyzer(), plain_analyzer()
    for text in (persian, arabic, persian, arabic):
        assert _tokens(memoized, text) == _tokens(plain, text)
    assert "حمله" in [t[0] for t in _tokens(memoized, persian)]
    assert "حمل" in [t[0] for t in _tokens(memoized, arabic)]


def test_analyzer_survives_pickling():
    analyzer = kavosh_analyzer()
    text = SEEDS[0].read_text(encoding="utf-8")
    before = _tokens(analyzer, text)  # fills the memo
    data = pickle.dumps(analyzer)
    assert len(data) < 2000, "the memo must not be pickled into the index schema"
    restored = pickle.loads(data)
    assert _tokens(restored, text) == before
    assert _tokens(restored, "كييف", mode="query") == _tokens(analyzer, "كييف", mode="query")


def test_an_index_reopened_from_storage_analyses_with_the_same_chain():
    """whoosh pickles the schema, analyzer included, into the index's table of contents."""
    storage = RamStorage()
    ix = storage.create_index(Schema(body=TEXT(analyzer=kavosh_analyzer(), stored=True)))
    with ix.writer() as writer:
        writer.add_document(body=SEEDS[0].read_text(encoding="utf-8"))
    reopened = storage.open_index()
    analyzer = reopened.schema["body"].analyzer
    assert _tokens(analyzer, "آتش‌سوزی كييف", mode="query") == _tokens(
        kavosh_analyzer(), "آتش‌سوزی كييف", mode="query"
    )
    with reopened.searcher() as searcher:
        terms = {t.decode("utf-8") for t in searcher.lexicon("body")}
    assert {"اتشسوزی", "پهپاد", "تلگرام", "کییف"} <= terms
