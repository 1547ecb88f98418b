"""Highlighting: find the query's terms in a stored text and mark the document's own characters.

The stored text is re-analysed with the same chain the index used, so every
token's term is exactly what was indexed, and its ``startchar``/``endchar``
point at the original characters (diacritics, tatweel, ZWNJ and all).  The
marked span is therefore the document's own word, never a normalized copy.
"""

from __future__ import annotations

import html
import operator
import re
from dataclasses import dataclass
from functools import lru_cache

from kavosh.index.analysis import _SEATS, DocumentText, NormalizeFilter, kavosh_analyzer
from kavosh.index.normalize import FORMAT_CHARS as _JOINERS, normalize_token, script_language
from kavosh.index.variants import KEY_END, variant_keys, with_hamza

_ANALYZER = kavosh_analyzer()
# The exact fields' chain: a quoted phrase's words as the index holds them there.
_VERBATIM = kavosh_analyzer(verbatim=True)
# A pure function of the word, asked for every word of every snippet's text
# when the query has variant spellings (~8% of an any-word search): remembered.
_variant_keys = lru_cache(maxsize=100_000)(variant_keys)
_with_hamza = lru_cache(maxsize=100_000)(with_hamza)
_normalized = lru_cache(maxsize=100_000)(normalize_token)
_SEAT_LETTERS = frozenset(_SEATS)  # a word with one of them may be spelled with ء (with_hamza)
_SPACE = re.compile(r"\s+")
PAGE_BREAK = "\f"  # between the pages of a stored body (index/formats/base.py)
ELLIPSIS = "…"
# A hit's snippet is looked for in this many characters of its text: a news
# article is a few thousand, and re-analysing a 5 MB document for every hit
# would cost most of a second each.
SCAN_CHARS = 100_000


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool


def match_spans(text: str, terms: set[str], variant_keys: frozenset | set = frozenset(),
                limit: int | None = None, *, lang: str | None = None, analyzer=None,
                phrases=(), positions=None):
    """(start, end, term) of every word of ``text`` (of its first ``limit`` characters)
    that matches the query.

    A word matches when its indexed term is in ``terms``, or when its
    cross-script skeleton is in ``variant_keys`` (then ``term`` is the
    skeleton prefixed with "~", so callers can tell a variant match), or
    when it is part of a run of words equal to one of the verbatim
    ``phrases`` (quoted words, as tuples of exact-field words).

    ``positions``, if known, are the places (word numbers, as the index counts
    them) where the index holds one of ``terms`` in ``text``, a document's whole
    indexed body (search/ranking.py's ``term_places``).  Then only the words
    there, and the words that may be a variant, are re-analysed: the same spans,
    without running a hit's every word through the stemmers (half of a search's
    time when its hits' words were new to the analyzer's word cache).
    """
    if not text or not (terms or variant_keys or phrases):
        return []
    if phrases:
        if limit is not None and len(text) > limit:
            cut = text.rfind(" ", 0, limit)
            text, positions = text[:cut if cut > 0 else limit], None
        quoted = phrase_spans(text, phrases)
        if not (terms or variant_keys):
            return quoted
        return _merged(quoted, match_spans(text, terms, variant_keys, lang=lang, analyzer=analyzer,
                                           positions=positions))
    # the variant field tags a word by its whole text's script-only letters
    script = script_language(text) if variant_keys else None
    if limit is not None and len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        text, positions = text[:cut if cut > 0 else limit], None
    spans = []
    forms = _key_forms(variant_keys) if variant_keys else None
    analyzer = analyzer or _ANALYZER
    if positions is not None and lang and (forms is not None or not variant_keys) \
            and _words_alone(analyzer):
        words = _candidate_words(text, lang, analyzer, positions, forms)
    else:  # every word, as the index analysed it: the engine's chain, in the document's language
        words = (((0, analyzer(DocumentText(text, lang) if lang else text, chars=True,
                               positions=True, mode="index"))),)
    for start, tokens in words:
        for t in tokens:
            if spans and spans[-1][0] == t.startchar + start:
                continue
            if t.text in terms:
                spans.append((t.startchar + start, t.endchar + start, t.text))
            elif variant_keys and (forms is None or _with_hamza(t.normalized, t.surface).endswith(forms)):
                # the word's own script-tagged skeleton(s), as the variant field indexed them
                for key in _variant_keys(t.normalized, script, t.surface):
                    if key in variant_keys:
                        spans.append((t.startchar + start, t.endchar + start, "~" + key))
                        break
    return spans


def _words_alone(analyzer) -> bool:
    """True when ``analyzer`` analyses a word the same alone as in its text: Kavosh's
    memoizing chain (its filters are functions of one word and the declared
    language), normalizing first as ``_candidate_words`` assumes."""
    items = getattr(analyzer, "items", ())
    return (len(items) > 1 and hasattr(analyzer, "_memo") and hasattr(items[0], "pattern")
            and isinstance(items[1], NormalizeFilter))


def _candidate_words(text: str, lang: str, analyzer, positions, forms):
    """(start character, tokens) of each word of ``text`` that may match: at one of
    ``positions`` (the index holds a query term there), or, with variant key
    ``forms``, one whose hamza-marked normalized spelling ends in one of them (what
    ``match_spans`` asks before making a word's keys).  Each word is analysed alone
    as a text in the same language, which gives its tokens as in the whole text.

    The words are found by the tokenizer's regex in C; Python touches only the
    candidates (and each distinct word once, when variants are asked for)."""
    matches = list(analyzer.items[0].pattern.finditer(text))
    wanted = {pos for pos in positions if pos < len(matches)}
    if forms is not None:
        words = list(map(_GROUP, matches))
        maybe = _maybe_variants(set(words), forms)
        if maybe:
            wanted.update(pos for pos, word in enumerate(words) if word in maybe)
    for pos in sorted(wanted):
        match = matches[pos]
        yield match.start(), analyzer(DocumentText(match.group(), lang), chars=True, positions=True,
                                      mode="index")


_GROUP = operator.methodcaller("group")


def _maybe_variants(words: set[str], forms: tuple[str, ...]) -> set[str]:
    """The ``words`` whose hamza-marked normalized spelling (``with_hamza``) may end in
    one of ``forms``: without a hamza seat that spelling is the normalized word, so
    most words are decided by one ``endswith``; a word with a seat is asked in full.
    (A word kept here is only analysed: ``match_spans`` decides.)"""
    distinct = list(words)
    surfaces = list(map(_STRIP_JOINERS, distinct))
    maybe = {word for word, normalized in zip(distinct, map(_normalized, surfaces))
             if normalized.endswith(forms)}
    for word, surface in zip(distinct, surfaces):
        if word not in maybe and not _SEAT_LETTERS.isdisjoint(surface) \
                and _with_hamza(_normalized(surface), surface).endswith(forms):
            maybe.add(word)
    return maybe


_STRIP_JOINERS = operator.methodcaller("rstrip", _JOINERS)


def phrase_spans(text: str, phrases) -> list[tuple[int, int, str]]:
    """(start, end, "=" + phrase) of every run of ``text``'s words that is one of
    ``phrases``, one span a run: a quoted "من و تو" marks those three words where
    they stand together (as one mark), not every و of the text."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        if phrase:
            by_first.setdefault(phrase[0], []).append(tuple(phrase))
    if not by_first:
        return []
    tokens = [(t.text, t.startchar, t.endchar) for t in _VERBATIM(text, chars=True)]
    words = [w for w, _s, _e in tokens]
    found: dict[int, tuple[int, int, str]] = {}
    for i, word in enumerate(words):
        for phrase in by_first.get(word, ()):
            if tuple(words[i:i + len(phrase)]) == phrase:
                start, end = tokens[i][1], tokens[i + len(phrase) - 1][2]
                if start not in found or found[start][1] < end:
                    found[start] = (start, end, "=" + " ".join(phrase))
    return _merged(sorted(found.values()), [])


def _merged(first, second):
    """Two span lists as one, in text order, a span overlapping an earlier one left out."""
    out = []
    for span in sorted(first + second):
        if out and span[0] < out[-1][1]:
            continue
        out.append(span)
    return out


def _key_forms(keys) -> tuple[str, ...] | None:
    """The written forms that end the variant keys (``tag + key + "|" + form``), or None
    when a key has none.

    A word indexes only keys whose form is its own hamza-marked spelling or that
    spelling without an Arabic prefix (index/variants.py), so a word that ends
    in none of these forms indexes none of the keys: its keys need not be made
    (most of a snippet's words, whose keys cost more than their analysis).
    """
    forms = set()
    for key in keys:
        _head, sep, form = key.partition(KEY_END)
        if not sep or not form:
            return None
        forms.add(form)
    return tuple(forms)


def variant_words(text: str, spans) -> list[str]:
    """The document's own spellings that matched only as cross-script variants."""
    seen = []
    for s, e, term in spans:
        word = text[s:e]
        if term.startswith("~") and word not in seen:
            seen.append(word)
    return seen


def segments(text: str, spans, start: int = 0, end: int | None = None):
    """Split ``text[start:end]`` into plain and marked segments at the ``spans``."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for s, e, *_ in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, cursor), min(e, end)  # a mark never runs past the passage shown
        if s > cursor:
            out.append(Segment(text[cursor:s], False))
        out.append(Segment(text[s:e], True))
        cursor = e
    if cursor < end:
        out.append(Segment(text[cursor:end], False))
    return out


def _best_window(text, spans, width):
    """Start and end of the ``width``-character window with the most distinct matched terms."""
    best, best_score = (0, min(len(text), width)), (-1, -1, -1)
    for i, (s, _, _) in enumerate(spans[:500]):  # bounded on a huge document
        win_start = max(0, s - width // 4)
        win_end = min(len(text), win_start + width)
        inside = []
        for span in spans[i:]:
            if span[1] > win_end:
                break
            inside.append(span)
        # Exact matches outrank cross-script variants ("~" terms) in choosing the passage.
        exact = {term for _, _, term in inside if not term.startswith("~")}
        score = (len(exact), len({term for _, _, term in inside}), len(inside))
        if score > best_score:
            best, best_score = (win_start, win_end), score
    return best


def _snap(text, start, end):
    """Move a window's edges to white space so it neither starts nor ends mid-word."""
    if start > 0:
        ws = text.rfind(" ", max(0, start - 20), start)
        nl = text.rfind("\n", max(0, start - 20), start)
        cut = max(ws, nl)
        start = cut + 1 if cut >= 0 else start
    if end < len(text):
        ws = [p for p in (text.find(" ", end, end + 20), text.find("\n", end, end + 20)) if p >= 0]
        end = min(ws) if ws else end
    return start, end


def snippet_segments(text: str, terms: set[str], width: int = 240, variant_keys=frozenset(),
                     spans=None, phrases=()) -> list[Segment]:
    """A short passage around the best cluster of matches, as segments; white space folded."""
    if not text:
        return []
    if spans is None:
        spans = match_spans(text, terms, variant_keys, phrases=phrases)
    if spans:
        start, end = _best_window(text, spans, width)
    else:
        start, end = 0, min(len(text), width)
    start, end = _snap(text, start, end)
    segs = segments(text, spans, start, end)
    folded = [Segment(_SPACE.sub(" ", s.text), s.marked) for s in segs]
    if folded and start > 0:
        folded.insert(0, Segment(ELLIPSIS + " ", False))
    if folded and end < len(text):
        folded.append(Segment(" " + ELLIPSIS, False))
    if folded and not folded[0].marked:
        folded[0] = Segment(folded[0].text.lstrip(), False)
    if folded and not folded[-1].marked:
        folded[-1] = Segment(folded[-1].text.rstrip(), False)
    return [s for s in folded if s.text]


def snippet_page(text: str, spans, width: int = 240) -> int | None:
    """The page (1-based) a hit's passage is on, for a text whose pages are separated by
    form feeds (a PDF's, index/formats/base.py); None for a text without pages.

    The passage is the one ``snippet_segments`` picks; its page is that of its
    first match (of its start when nothing matched).
    """
    if PAGE_BREAK not in text:
        return None
    start = 0
    if spans:
        start, end = _snap(text, *_best_window(text, spans, width))
        start = next((s for s, e, *_ in spans if s >= start and e <= end), start)
    return text.count(PAGE_BREAK, 0, start) + 1


def page_segments(segs: list[Segment], number: int) -> list[Segment] | None:
    """The segments of page ``number`` (1-based) of a whole document's marked body; None
    if it has no such page."""
    out, page = [], 1
    for seg in segs:
        parts = seg.text.split(PAGE_BREAK)
        for i, part in enumerate(parts):
            if i:
                page += 1
            if page == number and part:
                out.append(Segment(part, seg.marked))
    return out if 1 <= number <= page else None


def to_html(segs: list[Segment]) -> str:
    """HTML-escaped text with matches wrapped in <mark>; nothing else reaches the page."""
    return "".join(
        f"<mark>{html.escape(s.text, quote=False)}</mark>" if s.marked else html.escape(s.text, quote=False)
        for s in segs
    )

