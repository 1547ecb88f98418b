"""Kavosh's analysis chain, as whoosh composable parts.

    analyzer = KavoshTokenizer() | NormalizeFilter() | KavoshStopFilter() | LanguageStemFilter()

* ``KavoshTokenizer`` finds words in the *original* text, keeping harakat,
  tatweel and in-word ZWNJ/ZWJ/direction marks inside the token, so that
  ``startchar``/``endchar`` always cover the document's own word.  (whoosh's
  ``\\w``-based tokenizers split at harakat and ZWNJ: stock
  ``StandardAnalyzer`` turns ذَهَبَ الوَلَدُ into ``الو``.)  It also detects
  the language of the text it is given and tags every token with it.
* ``NormalizeFilter`` rewrites each token's text to its canonical form
  (``normalize.normalize_token``); offsets are untouched.
* ``KavoshStopFilter`` drops Persian and Arabic stop words but keeps the
  position gap, so a phrase still matches across a removed word.
* ``LanguageStemFilter`` stems with the token's language.  At query time a
  query has no language, so it yields the Persian and the Arabic stem at the
  same position and the query parser ORs them.

The same ``kavosh_analyzer()`` serves the index, the query parser and the
highlighter: one analyzer, everywhere.
"""

from __future__ import annotations

import re

from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.analysis.analyzers import CompositeAnalyzer

from .lexicon import persian_surnames, persian_verb_forms, stopwords
from .pickled import reduced
from .normalize import (FORMAT_CHARS, MARKS, PART_SEPARATORS, detect_language, normalize_token,
                        script_language, token_language)
from .stemmers import ARABIC_CLITICS, STEMMERS

# Version of what the chain produces: bump when a change alters index terms,
# so that an index built by an older chain is reported, not silently mixed.
# 4: script-tagged skeletons, Arabic guards and proclitics, hamza-seat terms,
# Persian verb stems.  5: the variant field's length counts loose keys only.
# 6: variant terms hold the written spelling (folded when compared); an
# article's bare form needs four letters.  7: a document's title and body are
# stemmed in the document's one language (declared or detected from both),
# not each alone.  8: a zero-width space or word joiner inside a word is
# removed like the other joiners, not a word break.  9: names stay names
# (surnames unstemmed, countries and capitals kept whole in Arabic, ب/ل/ک
# proclitics only before given names).  10: accented Latin letters fold to
# their base letters (İstanbul = istanbul, Erdoğan = erdogan).  11: a surname
# + ان (حسینیان) is a surname of its own, not stemmed to حسینی.  12: names
# read from the Arabic text's own use: a Persian surname Arabic inflects as an
# adjective (رئيسي "main") is stemmed there, and a country whose bare form is
# a person (الكاميرون/كاميرون) keeps its article; a compound surname
# (رئیسی‌کیا) does not index its surname part (رئیسی).
ANALYZER_VERSION = 12

_MARKS = re.escape(MARKS) + "\u0640"
_JOINERS = FORMAT_CHARS
# A word starts with a letter or digit and runs on through letters, digits,
# Arabic marks, tatweel and zero-width joiners/direction marks; a number
# keeps its inner separators (3.5, 1,234, ۱۴۰۳٫۵).  One character class
# keeps the regex at ~25 MB/s; a joiner left at the end of a word (a typo
# before a space) is trimmed from the span afterwards.
TOKEN_PATTERN = re.compile(
    rf"[^\W_][\w{_MARKS}{re.escape(_JOINERS)}]*(?:[.,\u066b\u066c]\d+)*"
)
# The verbatim chain's words: the same, except that a ZWNJ ends a word, so a
# compound's parts are words of their own at consecutive positions and a
# quoted "به عنوان" (space) meets به‌عنوان (ZWNJ) as a phrase.
ZWNJ = "\u200c"
VERBATIM_PATTERN = re.compile(
    rf"[^\W_][\w{_MARKS}{re.escape(_JOINERS.replace(ZWNJ, ''))}]*(?:[.,\u066b\u066c]\d+)*"
)


def word_spans(value, pattern=TOKEN_PATTERN):
    """(surface, startchar, endchar) of every word in ``value``: the tokenizer's core.

    ``findall`` hands over the words without a match object each; a word's
    offset is the first place it occurs from the end of the previous one (the
    regex starts each token at the first word character it reaches, and every
    occurrence of a word begins with one).  ``MemoizingAnalyzer`` inlines this.
    """
    find = value.find
    cursor = 0
    for word in pattern.findall(value):
        start = find(word, cursor)
        cursor = start + len(word)
        surface = word.rstrip(_JOINERS) if word[-1] in _JOINERS else word
        yield surface, start, start + len(surface)



class DocumentText(str):
    """A field's text that carries its document's language (``lang``).

    whoosh hands an analyzer nothing but the field's value, so the language a
    document was given once (declared in its JSONL record, else detected from
    its title and body together) travels with the value: the title and body
    are stemmed in the document's language, not each re-detected alone (a
    short title often tells nothing).  A plain ``str`` is detected as before.
    It pickles, so ``--procs`` sub-writers get it too; the writer stores the
    plain text beside it (whoosh's ``_stored_<field>``).
    """

    lang: str

    def __new__(cls, text: str, lang: str):
        value = super().__new__(cls, text)
        value.lang = lang
        return value

    def __reduce__(self):
        return (DocumentText, (str(self), self.lang))


class KavoshTokenizer(Tokenizer):
    """Words and numbers of Persian, Arabic and Latin text, with exact spans.

    Each token also carries ``surface`` (the document's own characters) and
    ``lang`` (the language of the whole value analysed: 'fa', 'ar', 'mixed'
    or 'other'; 'query' at query time, where no language is declared).
    """

    script_only = False
    verbatim = False

    def __init__(self, script_only: bool = False, verbatim: bool = False):
        # script_only: a text's language from script-only letters (پ چ ژ گ vs ة),
        # not the keyboard's yeh/kaf: what the variant field tags words by.
        # verbatim: a ZWNJ ends a word (VERBATIM_PATTERN), for the exact fields.
        self.script_only = script_only
        self.verbatim = verbatim

    def __eq__(self, other):
        return (self.__class__ is other.__class__
                and self.script_only == getattr(other, "script_only", False)
                and self.verbatim == getattr(other, "verbatim", False))

    @property
    def pattern(self):
        """The regex that finds this tokenizer's words."""
        return VERBATIM_PATTERN if getattr(self, "verbatim", False) else TOKEN_PATTERN

    def language(self, value: str, mode: str = "") -> str:
        """The language the text's words are stemmed in.

        A ``DocumentText`` says its document's; otherwise a query's words have
        none ('query': both stems) and a document's text is detected.  The
        variant field keeps its own rule: it tags words by the script they are
        spelled in, which a declared language says nothing about.
        """
        if getattr(self, "script_only", False):
            return "query" if mode == "query" else script_language(value)
        declared = getattr(value, "lang", None)
        if declared:
            return declared
        return "query" if mode == "query" else detect_language(value)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        lang = self.language(value, mode)
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = t.surface = value
            t.lang = lang
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        pos = start_pos
        for surface, start, end in word_spans(value, self.pattern):
            t.text = t.surface = surface
            if keeporiginal:
                t.original = surface
            t.lang = lang
            t.stopped = False
            t.boost = 1.0
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


class NormalizeFilter(Filter):
    """Canonical letters, no marks/tatweel/joiners, ASCII digits, case-folded.

    Tokens that normalize to nothing (a lone tatweel) are dropped.  The
    normalized text is also kept as ``t.normalized`` for ``kavosh analyze``.
    """

    def __call__(self, tokens):
        for t in tokens:
            text = normalize_token(t.text)
            if not text:
                continue
            t.text = t.normalized = text
            yield t


class KavoshStopFilter(Filter):
    """Removes Persian and Arabic stop words, keeping their positions empty.

    ``stoplist`` replaces the default list and ``extra`` adds words to it
    (normalized here), as whoosh's ``StopFilter(stoplist=…)`` and Lucene's
    ``PersianAnalyzer(stopwords)``.  The default list is loaded lazily from
    hazm's data and ours (``lexicon.stopwords``) rather than stored in the
    filter, so it is not pickled into every index's schema.  With
    ``removestops=False`` stop words pass through marked ``stopped`` (whoosh's
    convention), which ``kavosh analyze`` shows.
    """

    def __init__(self, stoplist=None, extra=()):
        self._own = None if stoplist is None else frozenset(normalize_token(w) for w in stoplist)
        self._extra = frozenset(normalize_token(w) for w in extra)

    def __eq__(self, other):
        return (self.__class__ is other.__class__
                and getattr(self, "_own", None) == getattr(other, "_own", None)
                and getattr(self, "_extra", frozenset()) == getattr(other, "_extra", frozenset()))

    def stoplist(self) -> frozenset[str]:
        own, extra = getattr(self, "_own", None), getattr(self, "_extra", frozenset())
        base = stopwords() if own is None else own
        return base | extra if extra else base

    def __call__(self, tokens):
        stoplist = self.stoplist()
        for t in tokens:
            if t.text in stoplist:
                if t.removestops:
                    continue
                t.stopped = True
            else:
                t.stopped = False
            yield t


# Hamza seats: مسئول (Persian) and مسؤول (Arabic), مسأله and مسئله write one
# word with the hamza on different seats; normalization turns the seats into
# different letters (ی, و, ا).  A word with a hamza seat inside it also
# indexes a *seat term*, its stem with that letter as ء, so the spellings
# meet; words without a hamza there are untouched, so nothing else merges.
_SEATS = "\u0626\u0624\u0623"  # ئ ؤ أ
HAMZA = "\u0621"


def seat_form(surface: str) -> str | None:
    """The normalized word with every hamza seat inside it as ء, or None.

    أ right after a proclitic or the article (لأبيه, الأمم) starts the word
    proper: not a seat.
    """
    chars = list(surface)
    found = False
    for i, c in enumerate(chars):
        if c not in _SEATS or i == 0:
            continue
        if c == "\u0623" and normalize_token(surface[:i]) in ARABIC_CLITICS:
            continue
        chars[i] = HAMZA
        found = True
    return normalize_token("".join(chars)) if found else None


class LanguageStemFilter(Filter):
    """Persian words get Persian stems, Arabic words Arabic stems.

    A text's language comes from the tokenizer.  A token in mixed or
    unmarked text is stemmed by its own letters' cues when it has them, and
    otherwise both ways, like a query token: several stems at one position
    (as synonyms are indexed), so a query in either language meets it.

    Options, with today's defaults (``kavosh_analyzer`` passes them on):
    ``stemmers`` maps 'fa'/'ar' to a function of a normalized word
    (``index.stemmers``); ``protected`` words are never stemmed (Lucene's
    ``stemExclusionSet``); ``compounds=False`` leaves out the parts of
    ZWNJ-joined words (what the peer conformance tables compare); ``seats``
    adds hamza-seat terms; ``keep_unstemmed`` also emits the unstemmed word
    at the same position (Lucene's ``KeywordRepeatFilter``; measured and left
    out of the shipped chain, see the README).
    """

    compounds = True
    keep_unstemmed = False

    def __init__(self, compounds: bool = True, stemmers=None, protected=(), seats: bool = True,
                 keep_unstemmed: bool = False):
        self.compounds = compounds
        self.stemmers = None if stemmers is None else dict(stemmers)
        self.protected = frozenset(normalize_token(w) for w in protected)
        self.seats = seats
        self.keep_unstemmed = keep_unstemmed

    def __eq__(self, other):
        return self.__class__ is other.__class__ and self.__dict__ == other.__dict__

    def _stemmer(self, lang):
        stemmers = getattr(self, "stemmers", None)
        return (stemmers or STEMMERS)[lang]

    def word_stems(self, text: str, surface: str, lang: str) -> tuple[str, ...]:
        """The stem(s) of one word: Persian first, then Arabic, when both apply (query mode)."""
        if text.isascii() or text in getattr(self, "protected", ()):
            return (text,)
        if lang == "mixed" or lang == "other":
            lang = token_language(surface) or "query"
        if lang == "query":
            fa, ar = self._stemmer("fa")(text), self._stemmer("ar")(text)
            # A surname typed as it is means the person, whichever keyboard typed it:
            # not the Arabic adjective the same letters spell (رئيسي "main" → رئيس,
            # the president; lexicon.arabic_adjectives).
            stems = (fa,) if fa == ar or text in persian_surnames() else (fa, ar)
        else:
            stems = (self._stemmer(lang)(text),)
        if getattr(self, "seats", True):
            seat = seat_form(surface)
            if seat is not None and len(seat) == len(text) and seat != text:
                extra = []
                for stem in stems:
                    at = text.find(stem)
                    if at >= 0:
                        key = seat[at:at + len(stem)]
                        if key != stem and key not in extra:
                            extra.append(key)
                stems += tuple(extra)
        return stems

    def stems_for(self, text: str, surface: str, lang: str) -> tuple[str, ...]:
        """Distinct terms to emit for one normalized token in a text of language ``lang``.

        In a document, a word joined by ZWNJ (آسمان‌خراش, کتاب‌ها) also yields
        the stems of its parts at the same position, because people type such
        compounds with a space as often as with the ZWNJ: "آسمان خراش" and
        "کتاب ها" then find them.  Measured with bench/eval.py: +0.02 MRR@10
        on the Persian dev set, Arabic unchanged; keeping affix parts (ها) too
        beat leaving them out by 0.003, since questions type "فعالیت ها" with a
        space.  A verb form (می‌روم, رفته‌اند) is one word, not a compound: its
        parts (روم "Rome") are not indexed, nor is a surname part of a compound
        surname (رئیسی‌کیا, احمدی‌نژاد, گل‌محمدی are other people than رئیسی,
        احمدی, محمدی); "احمدی نژاد" typed with a space still finds it through the
        parser's joined form of two adjacent words.  A query word keeps its own stems:
        the parser searches a typed compound as itself or as the phrase of its
        parts, not as any one part.
        """
        stems = self.word_stems(text, surface, lang)
        if getattr(self, "keep_unstemmed", False) and text not in stems:
            stems += (text,)
        if not self.compounds or lang == "query" or not any(c in surface for c in PART_SEPARATORS):
            return stems
        if lang != "ar" and text in persian_verb_forms():
            return stems
        out = list(stems)
        stoplist = stopwords()
        surnames = persian_surnames()
        for part in _PARTS.split(surface):
            norm = normalize_token(part)
            if len(norm) < 2 or norm in stoplist or norm in surnames:
                continue  # a surname inside a compound (رئیسی‌کیا, احمدی‌نژاد) is another person's name
            out.extend(s for s in self.word_stems(norm, part, lang) if s not in out)
        return tuple(out)

    def __call__(self, tokens):
        stems_for = self.stems_for
        for t in tokens:
            if t.stopped:
                yield t
                continue
            stems = stems_for(t.text, t.surface, t.lang)
            for stem in stems:
                t.text = stem
                yield t


_DEFAULT_STEMS = LanguageStemFilter()


def word_stems(text: str, surface: str, lang: str) -> tuple[str, ...]:
    """The shipped chain's stems of one word (``LanguageStemFilter.word_stems``).

    Unused since the OpenSearch export's generated rules were retired (the backend
    sends Kavosh's own terms); removing it changes the analysis fingerprint, so it
    goes with the next change that changes terms anyway."""
    return _DEFAULT_STEMS.word_stems(text, surface, lang)


_PARTS = re.compile(f"[{PART_SEPARATORS}]")


class MemoizingAnalyzer(CompositeAnalyzer):
    """``KavoshTokenizer`` followed by filters that are pure functions of one token.

    Words follow Zipf's law: a news article repeats a few thousand distinct
    words.  Every filter here depends only on the token's surface text, the
    text's language and ``removestops``, so the filters run once per distinct
    word and their output is replayed from a cache afterwards.  The tokenizer's
    loop is inlined, so a repeated word costs one regex match and one dict
    look-up, and a stop word nothing more: the chain runs near the regex's
    speed instead of paying a Python generator per filter per token.  The
    output equals the plain ``tokenizer | filters`` chain (tested).
    """

    _CACHE_LIMIT = 500_000

    def __init__(self, *composables, options: dict | None = None):
        super().__init__(*composables)
        if not isinstance(self.items[0], KavoshTokenizer):
            raise TypeError("MemoizingAnalyzer needs a KavoshTokenizer first")
        self._memo = {}
        # The ``kavosh_analyzer`` options that made this chain: what an index
        # pickles (index/pickled.py) and what its fingerprint covers.
        self.options = options

    def __reduce__(self):
        if getattr(self, "options", None) is None:
            return (self.__class__, tuple(self.items))
        return reduced("analysis_chain", self.options)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_memo", None)  # a cache is not part of an index's schema
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._memo = {}

    def _entry(self, matched, lang, removestops, mode):
        """What the hot loop replays for one matched word: (surface, length, outputs)."""
        surface = matched.rstrip(_JOINERS) if matched[-1] in _JOINERS else matched
        return surface, len(surface), self._run_filters(surface, lang, removestops, mode)

    def _run_filters(self, surface, lang, removestops, mode):
        """What the filters yield for one token: ((text, stopped, normalized), ...)."""
        probe = Token(removestops=removestops, mode=mode)
        probe.text = probe.surface = surface
        probe.lang = lang
        stream = iter((probe,))
        for item in self.items[1:]:
            stream = item(stream)
        return tuple((o.text, o.stopped, getattr(o, "normalized", o.text)) for o in stream)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        if not tokenize:  # a prefix or wildcard's text: one token, the plain way
            yield from super().__call__(
                value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                removestops=removestops, start_pos=start_pos, start_char=start_char,
                tokenize=False, mode=mode, **kwargs,
            )
            return
        lang = self.items[0].language(value, mode)
        memo = self._memo.get((lang, removestops, mode))
        if memo is None or len(memo) > self._CACHE_LIMIT:
            memo = self._memo[(lang, removestops, mode)] = {}
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.lang = lang
        pos = start_pos - 1
        memo_get = memo.get
        find = value.find
        cursor = 0
        # word_spans(), inlined: the hot loop.
        for word in self.items[0].pattern.findall(value):
            pos += 1
            start = find(word, cursor)
            cursor = start + len(word)
            entry = memo_get(word)
            if entry is None:
                entry = memo[word] = self._entry(word, lang, removestops, mode)
            surface, length, outputs = entry
            if not outputs:
                continue  # a stop word: its position stays empty
            t.surface = surface
            if keeporiginal:
                t.original = surface
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + start + length
            for t.text, t.stopped, t.normalized in outputs:
                yield t


def _filters(stemmers=None, stoplist=None, extra_stopwords=(), protected=(), compounds=True,
             seats=True, keep_unstemmed=False, skeletons=False):
    filters = [NormalizeFilter(), KavoshStopFilter(stoplist=stoplist, extra=extra_stopwords),
               LanguageStemFilter(compounds=compounds, stemmers=stemmers, protected=protected,
                                  seats=seats, keep_unstemmed=keep_unstemmed)]
    if skeletons:
        from .variants import SkeletonFilter

        filters.append(SkeletonFilter())
    return filters


def kavosh_analyzer(*, stemmers=None, stoplist=None, extra_stopwords=(), protected=(),
                    compounds=True, seats=True, keep_unstemmed=False, skeletons=False,
                    verbatim=False):
    """The one analysis chain used at index time, query time and for highlighting.

    Every option defaults to today's chain, in whoosh's and Lucene's style
    (``StopFilter(stoplist=…)``, ``PersianAnalyzer(stopwords, stemExclusionSet)``):

    * ``stemmers``: {'fa': f, 'ar': g}, functions of a normalized word
      (default ``index.stemmers.STEMMERS``; ``stemmers.no_stem`` turns one off);
    * ``stoplist`` replaces the stop words, ``extra_stopwords`` adds to them;
    * ``protected``: words never stemmed;
    * ``compounds``: ZWNJ-joined words also index their parts;
    * ``seats``: words with a hamza seat also index a seat term;
    * ``keep_unstemmed``: the unstemmed word beside its stem(s);
    * ``skeletons``: end in cross-script skeletons — the index's ``variant``
      field is this same chain with ``skeletons=True``;
    * ``verbatim``: the words as written, folded by the same normalization but
      neither stemmed nor stopped, a ZWNJ compound's parts at consecutive
      positions — the ``title_exact``/``body_exact`` fields that quoted
      phrases, ``--exact`` and names made of stop words (بی بی سی) search.

    The chain remembers the options that differ from the defaults: an index
    pickles them, not the classes (index/pickled.py).
    """
    if verbatim:
        return MemoizingAnalyzer(KavoshTokenizer(verbatim=True), NormalizeFilter(),
                                 options={"verbatim": True})
    given = dict(stemmers=stemmers, stoplist=stoplist, extra_stopwords=extra_stopwords,
                 protected=protected, compounds=compounds, seats=seats,
                 keep_unstemmed=keep_unstemmed, skeletons=skeletons)
    options = {k: v for k, v in given.items() if v != CHAIN_DEFAULTS[k]}
    return MemoizingAnalyzer(KavoshTokenizer(script_only=skeletons), *_filters(**given),
                             options=options)


# kavosh_analyzer's options as the shipped chain has them.
CHAIN_DEFAULTS = dict(stemmers=None, stoplist=None, extra_stopwords=(), protected=(),
                      compounds=True, seats=True, keep_unstemmed=False, skeletons=False,
                      verbatim=False)


def plain_analyzer(**options):
    """The same chain without memoizing: the reference the memoized one must equal."""
    if options.pop("verbatim", False):
        return KavoshTokenizer(verbatim=True) | NormalizeFilter()
    analyzer = KavoshTokenizer(script_only=options.get("skeletons", False))
    for f in _filters(**options):
        analyzer = analyzer | f
    return analyzer
