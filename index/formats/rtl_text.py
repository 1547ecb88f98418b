"""Repairing Persian and Arabic text as PDF extractors return it.

PDFs record glyphs, not text.  What comes back from an extractor may hold
**presentation forms** (U+FB50–U+FDFF, U+FE70–U+FEFF: the letter's joined
shape instead of the letter, so nothing matches), and lines in **visual
order** (the glyphs left to right as printed: «ينهجاوي يذلا» for «الذي
يواجهني»), as PDFs made from pre-shaped, pre-reordered text are (ReportLab
with arabic-reshaper and python-bidi, many report generators).

The order is decided per line from evidence in the line itself: joined
shapes come in one order only (an initial form before a medial or final one
in logical order, after it in visual order), the commonest short words of
Persian and Arabic (از، به، في، على…) are recognisable written forwards and
not backwards, and ة/ى end words.  A visual line is reversed whole and then every run of
digits and Latin words is turned back, so «2024» and «New York» read as
printed; lam-alef ligatures are reversed as one glyph before they are
decomposed, so «لا» does not become «ال».
"""

from __future__ import annotations

import re
import unicodedata

_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")
_ARABIC_LETTERS = re.compile("[\u0620-\u065f\u0670\u066e-\u06d3\u06d5\u06fa-\u06ff\ufb50-\ufdff\ufe70-\ufefc]+")
# What keeps left-to-right order inside a right-to-left line: Latin words and
# numbers in any digits, with the separators that join them (1,250; 12.5;
# 2024-11-03; New York).
_LTR_TOKEN = "[0-9A-Za-z\u00c0-\u024f\u0660-\u0669\u06f0-\u06f9]+"
_LTR_RUN = re.compile(f"{_LTR_TOKEN}(?:[ .,:/\\-\u066b\u066c%]+{_LTR_TOKEN})*")
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat and tatweel: no cue either way
_MIRRORED = str.maketrans("()[]{}<>«»", ")(][}{><»«")

# The commonest short words, which are rarely words when reversed.  Those whose
# reversal is a word too (در/رد, بر/رب, یک/کی, مع/عم) say nothing either way.
_AMBIGUOUS = frozenset("در رد بر رب یک کی کي مع عم".split())
_COMMON = frozenset(
    "از به که این را با است برای آن می‌شود شده های ها خود تا نیز"  # Persian
    " في من على إلى الى أن عن التي الذي هذا كان قد بين بعد وقال ذلك هذه"  # Arabic
    .split()) - _AMBIGUOUS
_COMMON_REVERSED = frozenset(w[::-1] for w in _COMMON) - _COMMON - _AMBIGUOUS
# Joined shapes in order: a letter joined to the next is initial or medial and
# the next medial or final, so these pairs occur only in one order.
_LOGICAL_PAIRS = {("initial", "medial"), ("initial", "final"), ("medial", "final")}
_VISUAL_PAIRS = {(b, a) for a, b in _LOGICAL_PAIRS}


def fold_presentation_forms(text: str) -> str:
    """Presentation forms to the letters they show (NFKC on those ranges only).

    NFKC on the whole text would also change what the documents really say
    (superscripts, ligatures of Latin text, full-width digits); the forms
    never carry meaning beyond their letters.
    """
    return _FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _shape(ch: str) -> str:
    decomposition = unicodedata.decomposition(ch)
    return decomposition[1:decomposition.index(">")] if decomposition.startswith("<") else ""


def order_evidence(line: str) -> int:
    """Positive when ``line`` reads as visual order, negative as logical, 0 when it says nothing."""
    score = 0
    for word in _ARABIC_LETTERS.findall(line):
        if _FORMS.search(word):
            shapes = [_shape(ch) for ch in word]
            for pair in zip(shapes, shapes[1:]):
                score += (pair in _VISUAL_PAIRS) - (pair in _LOGICAL_PAIRS)
        plain = _MARKS.sub("", fold_presentation_forms(word))
        if len(plain) > 1:
            score += 2 * ((plain in _COMMON_REVERSED) - (plain in _COMMON))
            # ة and ى end words: at a word's start they say the word is reversed;
            # the article ال starts many Arabic words.  (A word ending in لا is
            # not counted as one reversed: Persian اصلا، بالا، مبتلا are too common.)
            score += (plain[0] in "ةى") - (plain[-1] in "ةى") - (len(plain) > 3 and plain[:2] == "ال")
    return score


def logical_from_visual(line: str | list[str]) -> str:
    """A visual-order right-to-left line in logical order: reversed, brackets mirrored,
    every Latin/digit run turned back the way it was printed.

    Given a list of glyphs' texts (pdfminer's characters) rather than a string,
    the glyphs are reversed but not the letters inside one glyph: a lam-alef
    ligature whose text is «لا» stays «لا».
    """
    units = list(line) if isinstance(line, str) else line
    reversed_line = "".join(reversed(units)).translate(_MIRRORED)
    return _LTR_RUN.sub(lambda m: m.group()[::-1], reversed_line)


# What pdftotext makes of a PDF whose lam-alef ligature glyphs say «لا» inside a
# visual-order run (LibreOffice's): the whole run reversed, the ligature too, so
# «الإسكندرية» reads «اإلسكندرية» and «للطلاب» «للطالب».  Two alefs before a lam and a
# lone «ال» never occur in correct text; «لا» occurs in nearly every Arabic page.
_LIGATURE_REVERSED = re.compile(r"\u0627[\u0627\u0623\u0625\u0622]\u0644|(?<!\w)\u0627\u0644(?!\w)")
_LAM_ALEF = re.compile(r"\u0644[\u0627\u0623\u0625\u0622]")


def ligatures_reversed(text: str) -> bool:
    """Whether an extractor reversed the letters inside lam-alef ligatures throughout ``text``."""
    wrong = len(_LIGATURE_REVERSED.findall(text))
    return wrong > len(_LAM_ALEF.findall(text))


def repair_lines(lines: list[str], default_visual: bool | None = None) -> list[str]:
    """Each line in logical order and with letters instead of presentation forms.

    Lines without evidence either way follow the majority of the lines around
    them (``default_visual``, else the majority of these lines).
    """
    evidence = [order_evidence(line) for line in lines]
    if default_visual is None:
        votes = sum((e > 0) - (e < 0) for e in evidence)
        default_visual = votes > 0
    out = []
    for line, e in zip(lines, evidence):
        visual = e > 0 or (e == 0 and default_visual and _ARABIC_LETTERS.search(line) is not None)
        out.append(fold_presentation_forms(logical_from_visual(line) if visual else line))
    return out


def repair_text(text: str) -> str:
    return "\n".join(repair_lines(text.split("\n")))
