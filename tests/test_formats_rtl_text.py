"""The repair of extracted Persian/Arabic lines (index/formats/rtl_text.py): a line in
logical order is never turned around, a visual-order one always is, with its numbers and
Latin words as printed.  Lines written for these tests; visual forms made by python-bidi
and arabic-reshaper, as report generators make them."""

from __future__ import annotations

import arabic_reshaper
import pytest
from bidi.algorithm import get_display

from kavosh.index.formats.rtl_text import ligatures_reversed, repair_lines

LINES = [
    "رد الوزير على الأسئلة في المؤتمر الصحفي",
    "رب العالمين",
    "قال الوزير في مدينة الإسكندرية إن 1,250 طالبا من New York لا يزالون (هنا) على القائمة ۱۴۰۲.",
    "کتابخانه‌های عمومی در سال ۱۴۰۲ بیش از ۲۵۰ هزار کتاب را دریافت کردند",
    "کی به خانه برمی‌گردی؟",
    "مستشفى الجامعة يستقبل المرضى",
    "الاستقلال والسلام",
]


@pytest.mark.parametrize("line", LINES)
def test_a_logical_line_is_left_as_it_is(line):
    assert repair_lines([line]) == [line]


@pytest.mark.parametrize("line", LINES)
def test_a_visual_line_of_presentation_forms_is_put_back_in_logical_order(line):
    visual = get_display(arabic_reshaper.reshape(line))
    assert visual != line
    assert repair_lines([visual]) == [line.replace("\u200c", "")]  # python-bidi drops ZWNJ


def test_visual_plain_letters_are_recognised_by_their_common_words():
    line = "قال المدير إن المكتبة ستكون مفتوحة للطلاب على مدار الأسبوع"
    assert repair_lines([line[::-1]]) == [line]


def test_lam_alef_reversed_by_an_extractor_is_recognised():
    assert ligatures_reversed("في مدينة اإلسكندرية للطالب على مدار األسبوع")
    assert not ligatures_reversed("في مدينة الإسكندرية للطلاب على مدار الأسبوع")
