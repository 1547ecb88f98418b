"""The rules Kavosh's analysis needs beyond OpenSearch's built-in filters, from an index's words.

Kavosh's Persian stemmer is guarded by hazm's lexicon and a verb table, its
Arabic stemmer protects a few words and strips ب ل ک only before known words;
no built-in filter can say that.  ``Vocabulary`` collects the words each
language's fields see (with their counts) and runs Kavosh's own stemmers over
them: every word the rule-based part of the settings (Persian: a plural off
an unknown word; Arabic: light10) would get wrong becomes a
``stemmer_override`` rule.  A word with a ZWNJ that Kavosh keeps whole (a verb
form, a stop word) becomes a rule of the *joined* filter, which runs before
the compound is split.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .analysis import word_stems, seat_form
from .lexicon import persian_lexicon, persian_verb_forms, stopwords
from .normalize import normalize_token
from .opensearch import LANGS, MIN_PLURAL_REST, SEAT_MARK, SEAT_MARK_YEH, ZWNJ, stage_form
from .stemmers import (ARABIC_PREFIXES, ARABIC_PROTECTED, PERSIAN_PLURALS, stem_arabic,
                       stem_arabic_with, stem_persian)


def light10(word: str) -> str:
    """What Lucene's arabic_stem makes of a normalized word (light10, no guards)."""
    return stem_arabic_with(word, protected={}, proclitics=False)


def persian_plural(word: str) -> str:
    """What the settings' rule-based Persian part makes of a word: a plural off, 3 letters left."""
    for suffix in PERSIAN_PLURALS:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_PLURAL_REST:
            return word[: -len(suffix)]
    return word


_FALLBACK = {"fa": persian_plural, "ar": light10}
_STEM = {"fa": stem_persian, "ar": stem_arabic}


def _ruleable(word: str) -> bool:
    return bool(word) and "," not in word and "=>" not in word and not any(c.isspace() for c in word)


class Vocabulary:
    """The distinct words each language's fields see, and the override rules they need."""

    def __init__(self):
        self.words: dict[str, Counter] = {lang: Counter() for lang in LANGS}

    def add(self, text: str, langs: Iterable[str]) -> None:
        from .analysis import word_spans

        surfaces = Counter(surface for surface, _s, _e in word_spans(text))
        for lang in langs:
            self.words[lang].update(surfaces)

    def rules(self) -> dict[str, dict[str, dict[str, str]]]:
        return {lang: self._rules(lang) for lang in LANGS}

    def _rules(self, lang: str) -> dict[str, dict[str, str]]:
        stems: dict[str, str] = {}
        joined: dict[str, str] = {}
        stoplist = stopwords()
        verbs = persian_verb_forms()
        fallback, stem = _FALLBACK[lang], _STEM[lang]

        def word(norm: str, surface: str) -> None:
            if norm in stoplist or not _ruleable(norm) or norm.isascii():
                return
            stems.setdefault(norm, stem(norm))
            seat = seat_form(surface)
            if seat is None or len(seat) != len(norm) or seat == norm or not _ruleable(seat):
                return
            terms = word_stems(norm, surface, lang)
            stems.setdefault(_marked(seat, norm), terms[1] if len(terms) > 1 else terms[0])

        # Most frequent first: where two spellings share a rule's key (بدأ and بدئ are
        # both بدء in the seat copy) the commoner one's term wins.
        for surface, _n in self.words[lang].most_common():
            norm = normalize_token(surface)
            if not norm:
                continue
            if ZWNJ in surface:
                key = stage_form(surface)
                if norm in stoplist:
                    joined.setdefault(key, norm)  # the whole is a stop word: no parts either
                    continue
                if lang == "fa" and norm in verbs:
                    joined.setdefault(key, stem(norm))  # a verb form is one word, not parts
                    continue
                for part in surface.split(ZWNJ):
                    pnorm = normalize_token(part)
                    if len(pnorm) >= 2:
                        word(pnorm, part)
            word(norm, surface)
        for stop in stoplist:
            # A stop word typed with a ZWNJ (آن‌ها, می‌توان) is dropped whole: no parts.
            for i in range(1, len(stop)):
                joined.setdefault(stop[:i] + ZWNJ + stop[i:], stop)
        if lang == "fa":
            # Closed tables, whatever the index holds: every verb form (and where its
            # ZWNJ goes: می‌روم, رفته‌اند) and the lemmas the plural rule would cut.
            for form, past in verbs.items():
                if form not in stoplist and past != fallback(form):
                    stems.setdefault(form, past)
                for joined_form in _zwnj_spellings(form):
                    joined.setdefault(joined_form, form if form in stoplist else past)
            for lemma in persian_lexicon():
                if stem(lemma) != fallback(lemma) and lemma not in stoplist:
                    stems.setdefault(lemma, stem(lemma))
        if lang == "ar":
            for kept in ARABIC_PROTECTED:
                for prefix in ("", "و", "ف", "ب", "ل", "ک") + ARABIC_PREFIXES:
                    w = prefix + kept
                    if stem_arabic(w) != light10(w):
                        stems.setdefault(w, stem_arabic(w))
        # Every word claimed its key above (the commonest spelling first); only those the
        # rule-based part would get wrong need a rule.
        return {"joined": {k: v for k, v in joined.items() if _ruleable(k)},
                "stems": {k: v for k, v in stems.items() if v != fallback(_unmarked(k))}}


def _marked(seat: str, norm: str) -> str:
    """The seat copy as the rules see it: each seat as its mark (ئ's own), not yet ء."""
    return "".join(SEAT_MARK_YEH if s == "\u0621" and n == "\u06cc" else
                   SEAT_MARK if s == "\u0621" and n != "\u0621" else s
                   for s, n in zip(seat, norm))


def _unmarked(word: str) -> str:
    return word.replace(SEAT_MARK_YEH, "\u0621").replace(SEAT_MARK, "\u0621")


_PERFECT_ENDINGS = ("ام", "ای", "ایم", "اید", "اند")


def _zwnj_spellings(form: str) -> list[str]:
    """A verb form as typed with its ZWNJ: after می/نمی, before a perfect's ending."""
    heads = [form]
    for prefix in ("نمی", "می"):
        if form.startswith(prefix) and len(form) > len(prefix) + 1:
            heads.append(prefix + ZWNJ + form[len(prefix):])
            break
    out = []
    for head in heads:
        for ending in _PERFECT_ENDINGS:
            if head.endswith("\u0647" + ending):
                out.append(head[: -len(ending)] + ZWNJ + ending)
                break
        if head != form:
            out.append(head)
    return out
