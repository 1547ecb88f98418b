"""The same word, typed differently, is found as one word.

Each table below is one equivalence class of the issue "One Persian + Arabic
analysis chain".  A row lists spellings of one word (or phrase) that a
reader takes for the same thing; the first spelling is the one found in
``seeds/`` (or in the cited peer test) wherever possible.  For every row:

* a query typed in any spelling runs the same search (the same terms at the
  same positions, in query mode, where no language is declared), and that
  search is not empty (so the row cannot pass vacuously);
* a document (a title, say) written in any spelling is found by a query typed
  in any other spelling: each query position shares a term with the
  document's word at that position, although the document is analysed in
  index mode with its own language cues (e.g. ة makes it Arabic).

The NEGATIVE tables list look-alikes that must stay apart: folding is not
allowed to merge different words.
"""

from __future__ import annotations

import itertools

import pytest

from kavosh.index.analysis import HAMZA, kavosh_analyzer, seat_form

ANALYZER = kavosh_analyzer()

ZWNJ, ZWJ, LRM, RLM, ALM, BOM = "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff"
TATWEEL = "\u0640"


def _grouped(text: str, mode: str) -> list[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for t in ANALYZER(text, positions=True, mode=mode):
        groups.setdefault(t.pos, set()).add(t.text)
    return [frozenset(g) for _, g in sorted(groups.items())]


def query_terms(text: str) -> list[frozenset[str]]:
    """What a query typed as ``text`` searches for: one set of terms per word."""
    return _grouped(text, "query")


def own_query_terms(text: str) -> list[frozenset[str]]:
    """``query_terms`` without the extra terms a ZWNJ-joined word adds for its parts,
    nor the seat term a word with a hamza seat adds (index.analysis.seat_form).

    آتش‌سوزی also searches آتش and سوز, so that the compound typed with a
    space finds it; the word's own terms are what must equal آتشسوزی's.
    """
    groups: dict[int, set[str]] = {}
    for t in ANALYZER(text, positions=True, mode="query"):
        groups.setdefault(t.pos, set()).add(t.text)
        if ZWNJ in t.surface:  # the parts' terms, unless the joined word has them too
            joined = {term for g in query_terms(t.surface.replace(ZWNJ, "")) for term in g}
            groups.setdefault(-1 - t.pos, set()).update(
                term for part in t.surface.split(ZWNJ) for g in query_terms(part) for term in g
                if term not in joined)
        if seat_form(t.surface) is not None and HAMZA in t.text and HAMZA not in t.normalized:
            groups.setdefault(-1 - t.pos, set()).add(t.text)  # a seat term (مسئول ~ مسؤول)
    return [frozenset(g - groups.get(-1 - p, set())) for p, g in sorted(groups.items()) if p >= 0]


def document_terms(text: str) -> list[frozenset[str]]:
    """What indexing ``text`` as a document stores: one set of terms per word."""
    return _grouped(text, "index")


def finds(query: str, document: str) -> bool:
    """Does a query typed as ``query`` meet every word of ``document``, in order?"""
    q, d = query_terms(query), document_terms(document)
    return len(q) == len(d) and all(a & b for a, b in zip(q, d))


def assert_equivalent(variants: tuple[str, ...]) -> None:
    reference = own_query_terms(variants[0])
    assert reference and all(reference), f"{variants[0]!r} analyses to nothing: the row proves nothing"
    for v in variants[1:]:
        assert own_query_terms(v) == reference, f"query {v!r} differs from {variants[0]!r}"
    for doc, query in itertools.permutations(variants, 2):
        assert finds(query, doc), f"query {query!r} does not find document {doc!r}"


def assert_distinct(a: str, b: str) -> None:
    assert query_terms(a) and query_terms(b)
    assert query_terms(a) != query_terms(b)
    assert not finds(a, b), f"query {a!r} wrongly finds {b!r}"
    assert not finds(b, a), f"query {b!r} wrongly finds {a!r}"


# --- (1) letter variants -------------------------------------------------

LETTER_VARIANTS = [
    # ك / ک  (seed 001 writes Kyiv كييف, seed 000 writes کییف)
    ("كييف", "کییف"),
    ("موسكو", "موسکو"),
    ("العسكري", "العسکری", "العسكرى"),
    ("كوريا", "کوریا", "کوريا"),
    # ي / ی / ى  (seed 001-004; ى at the end of أخرى, الأولى, كبرى)
    ("الياباني", "الیابانی"),
    ("أخرى", "أخري", "اخری"),
    ("الأولى", "الاولي", "الاولی"),
    ("كبرى", "کبری", "كبري"),
    # ئ / ی  (seed 000: رئیس, جزئیات, ارائه; Persian writes رییس, جزییات, ارایه too)
    ("رئیس", "رییس", "رئيس"),
    ("جزئیات", "جزییات"),
    ("ارائه", "ارایه"),
    ("الطائرات", "الطايرات"),
    ("مفاجئة", "مفاجیه"),
    # ة / ه  (seed 001-004)
    ("الشمالية", "الشمالیه"),
    ("منطقة", "منطقه"),
    ("وزارة", "وزاره"),
    ("مسيرة", "مسیره"),
    ("فاطمة", "فاطمه"),  # Lucene TestArabicNormalizationFilter
    # أ إ آ ٱ / ا  (seed 000: تأکید, آلمان; seeds 001-004: أوكرانيا, إسقاط, آلاف)
    ("أوكرانيا", "اوكرانيا", "اوکرانیا"),
    ("إسقاط", "اسقاط"),
    ("آلاف", "الاف"),
    ("تأکید", "تاکید"),
    ("آلمان", "المان"),
    ("ٱلرحمن", "الرحمن"),  # alef wasla, as Qur'anic text writes it
    # ؤ / و  (seed 001-004: مسؤولون, مؤتمر, سؤال)
    ("مسؤولون", "مسوولون"),
    ("مؤتمر", "موتمر"),
    ("سؤال", "سوال"),
    ("يؤكد", "یوکد"),
    ("بناؤها", "بناوها"),
    # ۀ and ه + hamza above (U+0654) / ه: the ezafe on a final heh (seed 000 words)
    ("روزنامۀ", "روزنامهٔ", "روزنامه"),
    ("برنامۀ", "برنامهٔ", "برنامه"),
    ("خانۀ", "خانهٔ", "خانه"),  # hazm Stemmer tests
    ("مسئلۀ", "مسئلهٔ", "مسئله"),
    ("حملۀ", "حملهٔ", "حمله"),
]

LETTER_NEGATIVES = [
    ("کرم", "گرم"),  # kaf vs gaf: worm / warm
    ("پول", "بول"),  # peh vs beh
    ("ژاله", "زاله"),  # jeh vs zain
    ("چین", "جین"),  # tcheh vs jeem: China / jeans
    ("حرم", "هرم"),  # hah vs heh: shrine / pyramid
    ("سوال", "سیال"),  # waw vs yeh
]


@pytest.mark.parametrize("variants", LETTER_VARIANTS, ids=lambda r: r[0])
def test_arabic_and_persian_letter_forms_meet(variants):
    """A query typed on an Arabic keyboard (ك ي ة أ ؤ ئ) finds the Persian spelling, and back."""
    assert_equivalent(variants)


@pytest.mark.parametrize("a,b", LETTER_NEGATIVES)
def test_different_letters_stay_different(a, b):
    assert_distinct(a, b)


# --- (2) diacritics ------------------------------------------------------

DIACRITICS = [
    # tanween fath (seeds 000-004 write it: مرتباً, جنوداً, أيضًا, رسميًا)
    ("مرتباً", "مرتبا"),
    ("جنوداً", "جنودا"),
    ("رسميًا", "رسميا"),
    ("هجومًا", "هجوما"),
    # damma (seed 002: سُمع)
    ("سُمع", "سمع"),
    # fatha, damma, kasra, sukun (Lucene TestArabicNormalizationFilter: مَبنا علِي بُوات نلْسون)
    ("مَبنا", "مبنا"),
    ("علِي", "علي"),
    ("بُوات", "بوات"),
    ("نلْسون", "نلسون"),
    # tanween kasr and damm (Lucene: ولدٍ ولدٌ)
    ("ولدٍ", "ولد", "ولدٌ"),
    # shadda (Lucene: هتميّ; seed words written fully vowelled)
    ("هتميّ", "هتمي"),
    ("القوّات", "القوات"),
    ("مسيّرة", "مسيرة"),
    # a fully vowelled phrase (the tokenizer must not cut it at the harakat)
    ("ذَهَبَ الوَلَدُ", "ذهب الولد"),
    ("حَذفِ اِعراب", "حذف اعراب"),  # hazm remove_diacritics test
    ("اِعلام بُزرگیِ", "اعلام بزرگی"),  # hazm normalize test
    # superscript (dagger) alef U+0670
    ("الرحمٰن", "الرحمن"),
    ("إلٰه", "اله"),
    # combining hamza above U+0654 over yeh and heh
    ("مسئلهٔ", "مسئله"),
    ("جزیٔیات", "جزییات"),
]

DIACRITICS_NEGATIVES = [
    ("مُدّ", "مدد"),  # shadda is not a second letter
    ("ولدًا", "ولدان"),  # tanween is not a nun
    ("حبّ", "حبب"),
]


@pytest.mark.parametrize("variants", DIACRITICS, ids=lambda r: r[0])
def test_diacritics_do_not_matter(variants):
    """Vowelled and unvowelled spellings (harakat, tanween, shadda, sukun, dagger alef) meet."""
    assert_equivalent(variants)


@pytest.mark.parametrize("a,b", DIACRITICS_NEGATIVES)
def test_diacritics_are_not_letters(a, b):
    assert_distinct(a, b)


# --- (3) tatweel ---------------------------------------------------------

TATWEEL_ROWS = [
    ("روبرـــــت", "روبرت"),  # Lucene TestArabicNormalizationFilter
    ("ســلام", "سلام"),  # hazm correct_spacing test
    ("دنیـــا", "دنیا"),  # hazm correct_spacing doctest
    ("موسـكو", "موسكو"),  # seed word, stretched
    ("كـيـيـف", "كييف"),
    ("الكـرمـلـيـن", "الكرملين"),
    ("مُسَيَّـرَة", "مسيرة"),  # tatweel between harakat
]

TATWEEL_NEGATIVES = [
    # a stretched letter glues nothing: two words with a tatweel-ended word between stay two
    ("كييفـ موسكو", "كييفموسكو"),
]


@pytest.mark.parametrize("variants", TATWEEL_ROWS, ids=lambda r: r[1])
def test_tatweel_does_not_matter(variants):
    assert_equivalent(variants)


@pytest.mark.parametrize("a,b", TATWEEL_NEGATIVES)
def test_tatweel_does_not_join_words(a, b):
    assert_distinct(a, b)


def test_a_lone_tatweel_is_not_a_word():
    """بـ"التصعيد" (seed 002): the stretched prefix is a stop word, the quoted word stays."""
    assert query_terms('بـ"التصعيد"') == query_terms('"التصعيد"')
    assert query_terms(TATWEEL * 3) == []


# --- (4) zero-width joiners, direction marks, BOM inside a word -----------

JOINER_ROWS = [
    # seed 000 writes these without ZWNJ; Persian typing puts one in
    ("آتشسوزی", f"آتش{ZWNJ}سوزی", f"آتشسو{ZWNJ}زی"),
    ("شدهاند", f"شده{ZWNJ}اند"),
    ("تیمهای", f"تیم{ZWNJ}های"),
    ("پیامرسان", f"پیام{ZWNJ}رسان"),
    ("بینالمللی", f"بین{ZWNJ}المللی"),
    ("کمکهای", f"کمک{ZWNJ}های", f"کمک{ZWJ}های"),
    ("غیرنظامی", f"غیر{ZWNJ}نظامی", f"غیر{ZWNJ}{ZWNJ}نظامی"),  # doubled, as hazm's tests type it
    # direction marks and BOM pasted inside or in front of a word
    ("اوکراین", f"اوکر{LRM}این", f"اوکر{RLM}اين", f"{BOM}اوکراین"),
    ("روسیه", f"روس{ALM}یه", f"{RLM}روسیه{LRM}"),
    ("Kyiv", f"Ky{ZWNJ}iv", f"{BOM}Kyiv"),
]

JOINER_NEGATIVES = [
    # a ZWNJ keeps one word; a space makes two
    (f"آتش{ZWNJ}سوزی", "آتش سوزی"),
    (f"پیام{ZWNJ}رسان", "پیام رسان"),
]


@pytest.mark.parametrize("variants", JOINER_ROWS, ids=lambda r: r[0])
def test_zero_width_and_direction_marks_do_not_matter(variants):
    """آتش‌سوزی typed with a ZWNJ, without one, or with a stray RLM is the same word."""
    assert_equivalent(variants)


@pytest.mark.parametrize("a,b", JOINER_NEGATIVES)
def test_zwnj_is_not_a_space(a, b):
    assert_distinct(a, b)


# --- (5) digits ----------------------------------------------------------

DIGIT_ROWS = [
    ("۲۰۲۴", "2024", "٢٠٢٤"),  # seed 000
    ("۲۹۶۰۰", "29600", "٢٩٦٠٠"),  # seed 000
    ("۱۸۵", "185", "١٨٥"),
    ("12", "۱۲", "١٢"),  # seed 001
    ("۱۴۰۳٫۵", "1403.5", "١٤٠٣٫٥"),  # Arabic decimal separator ٫
    ("۲۹٬۶۰۰", "29,600", "٢٩٬٦٠٠"),  # Arabic thousands separator ٬
    ("١٢٣٤", "1234", "۱۲۳۴"),  # Lucene TestArabicAnalyzer / TestPersianAnalyzer
    ("ساعت ۱۸", "ساعت 18"),  # hazm persian_number test
]

DIGIT_NEGATIVES = [
    ("۱۲", "۲۱"),
    ("1.5", "15"),
    ("۱۴۰۳٫۵", "۱۴۰۳۵"),
    ("۱۲", "۱۲۰"),
]


@pytest.mark.parametrize("variants", DIGIT_ROWS, ids=lambda r: r[1])
def test_persian_arabic_and_latin_digits_meet(variants):
    assert_equivalent(variants)


@pytest.mark.parametrize("a,b", DIGIT_NEGATIVES)
def test_numbers_keep_their_value(a, b):
    assert_distinct(a, b)


# --- (6) presentation forms and Latin case --------------------------------

PRESENTATION_ROWS = [
    # legacy PDF/Word exports write Arabic in presentation forms
    ("\ufedb\ufef4\ufef4\ufed2", "كييف", "کییف"),  # ﻛﻴﻴﻒ: ﻙ family kaf folds to Persian ک
    ("\ufee3\ufeee\ufeb3\ufedc\ufeee", "موسكو"),  # ﻣﻮﺳﻜﻮ
    ("\ufe8d\ufedf\ufedc\ufeae\ufee3\ufee0\ufef4\ufee6", "الكرملين"),  # ﺍﻟﻜﺮﻣﻠﻴﻦ
    ("\ufee3\ufeb4\ufef4\ufeae\ufe93", "مسيرة", "مسیره"),  # ﻣﺴﻴﺮﺓ
    ("\ufefb\ufecb\ufe92", "لاعب"),  # ﻻﻋﺐ: the lam-alef ligature ﻻ
    ("\ufe8d\ufedf\ufefc\ufe9f\ufe8c\ufef4\ufee6", "اللاجئين"),  # ﺍﻟﻼﺟﺌﻴﻦ: final ﻼ
    ("\ufdf2", "الله"),  # ﷲ
]

CASE_ROWS = [
    ("Kyiv", "KYIV", "kyiv"),  # seed 004
    ("Kremlin", "KREMLIN", "kremlin"),  # seed 004
    ("JavaScript", "javascript", "JAVASCRIPT"),  # seed 002
    ("NATO", "nato", "\uff2e\uff21\uff34\uff2f"),  # full-width ＮＡＴＯ
    ("Straße", "STRASSE", "strasse"),  # full case folding, not just lower()
    ("English text", "english TEXT"),  # Lucene TestArabicAnalyzer
]

PRESENTATION_NEGATIVES = [
    ("\ufedb\ufef4\ufef4\ufed2", "\ufe97\ufef4\ufef4\ufed2"),  # ﻛﻴﻴﻒ vs ﺗﻴﻴﻒ: kaf vs teh
    ("Kyiv", "Kiev"),
]


@pytest.mark.parametrize("variants", PRESENTATION_ROWS, ids=lambda r: r[1])
def test_presentation_forms_fold_to_letters(variants):
    assert_equivalent(variants)


@pytest.mark.parametrize("variants", CASE_ROWS, ids=lambda r: r[0])
def test_latin_case_does_not_matter(variants):
    assert_equivalent(variants)


@pytest.mark.parametrize("a,b", PRESENTATION_NEGATIVES)
def test_folding_keeps_different_words_apart(a, b):
    assert_distinct(a, b)


def test_lam_alef_with_madda_ligature_folds_like_its_letters():
    """ﻵ is ل + آ; آ folds to ا, so ﻵعب and لاعب are one word."""
    assert_equivalent(("\ufef5\ufecb\ufe92", "لآعب", "لاعب"))


# --- the classes combined, in one sentence ---------------------------------

def test_a_sentence_typed_on_an_arabic_keyboard_finds_the_persian_one():
    """Seed 000's first line, retyped with ك ي, Arabic-Indic digits and a ZWNJ-joined word."""
    persian = "ویتالی کلیچکو، شهردار کیف، روز ۴ نوامبر گفت که آتشسوزی شده است"
    arabic_keyboard = "ويتالي كليچكو، شهردار كيف، روز ٤ نوامبر گفت كه آتش\u200cسوزي شده است"
    assert own_query_terms(arabic_keyboard) == own_query_terms(persian)
    assert finds(arabic_keyboard, persian)
    assert finds(persian, arabic_keyboard)


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060", "\ufeff"], ids=["ZWSP", "WJ", "BOM"])
def test_a_zero_width_character_inside_a_word_leaves_it_findable(tmp_path, invisible):
    """Pasted web text hides zero-width spaces, word joiners and BOMs inside words: the
    words are still found, typed plainly, and a query that carries one finds the plain word."""
    import json

    from click.testing import CliRunner

    from kavosh.cli import main

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hidden.txt").write_text(
        f"خبر\nپه{invisible}پادها بر فراز کیف و الطا{invisible}ئرات المسيرة\n", encoding="utf-8")
    (docs / "plain.txt").write_text("گزارش\nزلزله در کرمان\n", encoding="utf-8")
    index = str(tmp_path / "ix")
    assert CliRunner().invoke(main, ["index", "--quiet", "--index", index, str(docs)]).exit_code == 0

    def found(query: str) -> list[str]:
        result = CliRunner().invoke(main, ["search", "--json", "--index", index, query])
        assert result.exit_code == 0, result.output
        return [h["id"] for h in json.loads(result.stdout)["hits"]]

    assert found("پهپاد") == ["hidden.txt"]
    assert found("الطائرات") == ["hidden.txt"]
    assert found(f"زل{invisible}زله") == ["plain.txt"]


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060"], ids=["ZWSP", "WJ"])
def test_a_zero_width_space_between_two_words_leaves_both_findable(tmp_path, invisible):
    """بلند<ZWSP>نامزدها (the archive has it): a space was meant; each word is still found."""
    import json

    from click.testing import CliRunner

    from kavosh.cli import main

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "list.txt").write_text(f"خبر\nفهرست بلند{invisible}نامزدهای جایزه اعلام شد\n", encoding="utf-8")
    index = str(tmp_path / "ix")
    assert CliRunner().invoke(main, ["index", "--quiet", "--index", index, str(docs)]).exit_code == 0
    for query in ("نامزدها", "بلند", "بلند نامزدها"):
        result = CliRunner().invoke(main, ["search", "--json", "--index", index, query])
        assert [h["id"] for h in json.loads(result.stdout)["hits"]] == ["list.txt"], query
