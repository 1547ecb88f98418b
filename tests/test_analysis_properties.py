"""Properties of the analysis chain on arbitrary text (hypothesis).

The strategies mix any Unicode with text biased towards what the chain must
handle: the Arabic block U+0600–U+06FF, the presentation forms
U+FB50–U+FEFF, ZWNJ/ZWJ and direction marks, tatweel, harakat, Persian,
Arabic-Indic and Latin digits with their separators, Latin letters and
punctuation, and whole words from the seeds.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kavosh.index.analysis import kavosh_analyzer, plain_analyzer, seat_form
from kavosh.index.normalize import normalize_token

ANALYZER = kavosh_analyzer()
PLAIN = plain_analyzer()

SEED_WORDS = sorted(
    {
        word
        for path in (Path(__file__).resolve().parent.parent / "seeds").glob("*.txt")
        for word in path.read_text(encoding="utf-8").split()
    }
)[:3000]

SPECIAL = (
    "\u200c\u200d\u200e\u200f\u061c\u202b\u202c\u2067\u2069\ufeff\u00ad"  # joiners, marks, BOM
    "\u0640"  # tatweel
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0654\u0655\u0670"  # harakat, hamza, dagger alef
    "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩0123456789٫٬.,"  # digits and separators
    "،؛؟«»“”٪%()-_/:!?\"' \n\t\u00a0"  # punctuation and spaces
    "ﻻﻙﻛﺓﷲﷺ﷽"  # presentation forms and ligatures
    "كيىةۀأإآٱؤئکیهاوپچژگ"  # the letters that fold
    "AbZßİǰ"
)

arabic_block = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
presentation = st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF)
special = st.sampled_from(SPECIAL)
latin = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
any_char = st.characters(blacklist_categories=("Cs",))

fragments = st.one_of(
    st.text(st.one_of(arabic_block, special), max_size=12),
    st.text(st.one_of(presentation, arabic_block, special), max_size=8),
    st.text(st.one_of(latin, special), max_size=8),
    st.text(any_char, max_size=6),
    st.sampled_from(SEED_WORDS),
)
texts = st.lists(fragments, max_size=12).map("".join)

MODES = st.sampled_from(["index", "query"])
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def analyse(text: str, mode: str, analyzer=ANALYZER):
    return [
        (t.text, t.pos, t.startchar, t.endchar, t.surface, t.normalized)
        for t in analyzer(text, positions=True, chars=True, mode=mode)
    ]


@SETTINGS
@given(texts, MODES)
@example("ذَهَبَ الوَلَدُ", "index")
@example("\u0640\u200c\u064e", "query")
@example("1.\u06405", "index")
def test_never_raises_and_offsets_and_positions_are_sane(text, mode):
    """For any string: no exception; every token's span is a non-empty slice of the
    text equal to its ``surface``; spans start in order and positions never go back."""
    tokens = analyse(text, mode)
    last_start, last_pos = 0, 0
    for term, pos, start, end, surface, normalized in tokens:
        assert term and normalized
        assert 0 <= start < end <= len(text)
        assert text[start:end] == surface
        assert start >= last_start and pos >= last_pos
        last_start, last_pos = start, pos


@SETTINGS
@given(texts, MODES)
def test_memoized_analyzer_equals_the_plain_chain(text, mode):
    """The memoized analyzer (what indexing uses) yields exactly the plain chain's tokens."""
    assert analyse(text, mode) == analyse(text, mode, PLAIN)


# The substitution property.  Narrowed, each for a written reason:
#
# * Query mode only.  In index mode a token's stems depend on the language of
#   the whole text, and normalization erases the very letters that decide it
#   (ة → ه, ۀ → ه, ي → ی): "مدرسة" is Arabic, "مدرسه" is undecided and gets
#   both stems.  Query mode declares no language, so its terms are a function
#   of the normalized word alone, which is what this property is about.
# * Two kinds of token keep their surface; every other token is replaced.
#   (a) A token whose normalized form is not again exactly one word with
#   that form: case folding turns İ into i + U+0307 and ǰ into j + U+030C,
#   and a combining mark outside the Arabic block splits a word.
#   (b) A token that begins with a character normalization deletes (tatweel,
#   or an isolated-harakat presentation form such as U+FE70, both word
#   characters to the tokenizer): its digits could then join the number
#   before it, "1.ـ5" (the numbers 1 and 5) becoming "1.5".  Both are
#   artefacts of rewriting the text, not of analysing it.
def _stable(surface: str, normalized: str) -> bool:
    if normalize_token(surface[0]) == "":
        return False
    again = [(t.text, t.startchar, t.endchar) for t in PLAIN.items[0](normalized, chars=True)]
    return len(again) == 1 and again[0][1:] == (0, len(normalized))


def _substitute(text: str) -> tuple[str, int]:
    out, last, replaced = [], 0, 0
    seen_starts = set()
    for t in ANALYZER(text, chars=True, mode="query", removestops=False):
        if t.startchar in seen_starts:
            continue  # a second stem at the same position: same span
        seen_starts.add(t.startchar)
        out.append(text[last:t.startchar])
        if _stable(t.surface, t.normalized):
            out.append(t.normalized)
            replaced += 1
        else:
            out.append(text[t.startchar:t.endchar])
        last = t.endchar
    out.append(text[last:])
    return "".join(out), replaced


def _terms(text: str) -> list[tuple[tuple[str, ...], bool]]:
    """Query terms word by word, each with whether the word was joined by ZWNJ."""
    groups: dict[int, list[str]] = {}
    joined: dict[int, bool] = {}
    for t in ANALYZER(text, positions=True, mode="query"):
        groups.setdefault(t.pos, []).append(t.text)
        # a ZWNJ-joined word, or one with a hamza seat inside (its seat term)
        joined[t.pos] = "\u200c" in t.surface or seat_form(t.surface) is not None
    return [(tuple(g), joined[p]) for p, g in sorted(groups.items())]


def _same_own_terms(original, substituted) -> bool:
    """Word by word, the same terms; a ZWNJ-joined word of the original may add
    its parts' stems after its own (that is how "آسمان خراش" typed with a space
    finds آسمان‌خراش), which its normalized form, with no ZWNJ left to split
    at, cannot; likewise a word with a hamza seat adds its seat term (مسئول
    meets مسؤول), which its normalized form, the seat gone, cannot."""
    if len(original) != len(substituted):
        return False
    for (orig, joined), (subst, _) in zip(original, substituted):
        if orig != subst and not (joined and orig[: len(subst)] == subst):
            return False
    return True


@SETTINGS
@given(texts)
@example("كِتَابٌ ﻛﺘﺎﺏ ١٢٣ آتش\u200cسوزی KYIV")
@example("مدرسة")
@example("1.\u06405")
@example("İstanbul ǰ a\u0301b")
def test_normalizing_each_word_in_place_changes_no_query_term(text):
    """Let T' be T with every token's surface replaced, in place, by its
    normalized form (``t.normalized``), except the two kinds of token named
    above.  Then analysing T' in query mode gives
    the same terms, word by word and in the same order, as analysing T: typing
    a word already in canonical form (Persian letters, no marks, ASCII digits,
    lower case) runs the same search as typing it any other way."""
    substituted, _ = _substitute(text)
    assert _same_own_terms(_terms(text), _terms(substituted))


def test_the_substitution_property_is_not_vacuous():
    """On the seeds nearly every token is substituted, so the property above has teeth."""
    text = " ".join(SEED_WORDS[:1000])
    substituted, replaced = _substitute(text)
    assert substituted != text
    assert replaced >= 900
    assert _same_own_terms(_terms(text), _terms(substituted))
