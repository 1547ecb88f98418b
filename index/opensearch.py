"""OpenSearch index settings that reproduce Kavosh's analysis with built-in components.

Generated from the chain's own tables, so the two cannot drift: the
normalization table becomes a ``mapping`` char filter, the tokenizer's
regular expression a ``pattern`` tokenizer, the stop list a ``stop`` filter,
light10 Lucene's ``arabic_stem``, ZWNJ compound parts a ``pattern_capture``,
hamza seats and the cross-script skeletons chains of ``pattern_replace``.

What no rule can say — the Persian stemmer guarded by hazm's lexicon and its
verb table, the Arabic stemmer's protected words and proclitic guard — comes
as ``stemmer_override`` rules computed by Kavosh's own stemmers over the
index's vocabulary (index/opensearch_rules.py): a word the export has not seen
gets the rule-based part only (Persian: a plural off an unknown word; Arabic:
plain light10).
``bench/opensearch_parity.py`` runs these settings on real Lucene.
"""

from __future__ import annotations

import re
from functools import cache

from .analysis import ANALYZER_VERSION
from .lexicon import stopwords
from .normalize import (FORMAT_CHARS, MARKS, NORMALIZATION_TABLE, PART_SEPARATORS, detect_language,
                        normalize_token)
from .ranking import BM25_B, BM25_K1
from .stemmers import ARABIC_CLITICS as CLITICS
from .stemmers import ARABIC_PREFIXES, PERSIAN_PLURALS
from .variants import (_LONG_VOWELS, _LOOSE_FOLD, _LOOSE_VOWELS, _SPELLING_FOLD, KEY_END,
                       LOOSE_TAG, MIN_BARE_FORM, MIN_SKELETON, MIN_WORD, SCRIPT_TAGS)

LANGS = ("fa", "ar")
ZWNJ = "\u200c"
SEATS = "\u0626\u0624\u0623"  # ئ ؤ أ: kept by the char filter, the seat filters need them
# The char filter keeps these: ZWNJ for the compound parts, seats for the seat terms.
KEPT_BY_CHAR_FILTER = frozenset(FORMAT_CHARS + SEATS)
_JOINERS = "".join(f"\\u{ord(c):04x}" for c in FORMAT_CHARS)  # as a Java character class body
_OTHER_JOINERS = "".join(c for c in FORMAT_CHARS if c != ZWNJ)
# Clitics after which أ starts the word proper (analysis.seat_form), longest first.
_CLITICS = tuple(sorted(CLITICS, key=lambda c: (-len(c), c)))
# Java regular expression of KavoshTokenizer's TOKEN_PATTERN, on the char-filtered text
# (marks and tatweel are gone, digits are ASCII): a word starts with a letter or digit and
# runs through letters, digits and _, with zero-width joiners and direction marks inside
# it (they stay for the token filters: ZWNJ splits compounds, and a mark between "92." and
# "54" ends a number in Kavosh too); a number keeps its separators.  Python's \w is
# Unicode letters and numbers, Java's \p{L}\p{N}.
TOKEN_REGEX = (rf"[\p{{L}}\p{{N}}](?:[\p{{L}}\p{{N}}_]|[{_JOINERS}]+(?=[\p{{L}}\p{{N}}_]))*"
               rf"(?:[{_JOINERS}]*[.,]\p{{Nd}}+(?:[.,]\p{{Nd}}+)*)?")
ARABIC_BLOCK = "[\u0600-\u06ff]"
_M1, _M2, _M3 = "\ue001", "\ue002", "\ue003"  # skeleton copies: script-tagged, bare, loose
_SEP = "#"  # never inside a token: the tokenizer takes letters, digits, _ and joiners only
# Letters (to the tokenizer) that normalize to nothing: tatweel, isolated harakat forms.
EMPTY_LETTERS = "".join(sorted(chr(c) for c, v in NORMALIZATION_TABLE.items()
                               if not v and chr(c).isalnum()))
_EMPTY_WORD = "\ue005"  # a word of only those: a stop word here, its position kept
SEAT_MARK = "\ue006"  # a seat in the seat copy, ء once the rules have run
SEAT_MARK_YEH = "\ue007"  # the same for ئ
_KEPT = "\ue004"  # ends a Persian stem a rule gave, until the plural rule has run
MIN_PLURAL_REST = 3  # stemmers._persian_strip_once: a plural comes off an unknown word if 3 letters remain


def escape_rule_text(text: str) -> str:
    """Characters OpenSearch's rule parser reads back: invisible ones as \\uXXXX."""
    out = []
    for c in text:
        if c == "\\":
            out.append("\\\\")
        elif c.isprintable() and not c.isspace() and c not in "\u200c\u200d\u200e\u200f":
            out.append(c)
        else:
            out.append(f"\\u{ord(c):04x}")
    return "".join(out)


def char_filter_table() -> dict[str, str]:
    """The normalization table as char → replacement, minus what the token filters need.

    A zero-width space or word joiner becomes ZWNJ (Kavosh indexes the parts around
    any of them).  Left to the token filters: ZWNJ and the seats, and letters that normalize
    to nothing (tatweel, isolated harakat forms), because a word of only those
    still takes a position in Kavosh.  A sign that is no letter but folds to a
    word (﷼ → ریال) is left alone: Kavosh's tokenizer never reads it as one.
    """
    out = {}
    for code, value in sorted(NORMALIZATION_TABLE.items()):
        c = chr(code)
        if c in PART_SEPARATORS and c != ZWNJ:  # a word's parts around it are indexed, as around ZWNJ
            out[c] = ZWNJ
            continue
        if c in KEPT_BY_CHAR_FILTER or c in EMPTY_LETTERS:
            continue
        wordish = c.isalnum() or c in MARKS or c in FORMAT_CHARS
        if not wordish and any(v.isalnum() for v in value or ""):
            continue
        out[c] = value or ""
    return out


def stage_form(surface: str) -> str:
    """A word as the joined-word rules see it: char-filtered, lower-cased, only ZWNJ left."""
    table = {ord(k): v for k, v in char_filter_table_cached().items()}
    table.update({ord(c): None for c in EMPTY_LETTERS + _OTHER_JOINERS})
    return re.sub(f"{ZWNJ}+", ZWNJ, surface.translate(table).lower())


@cache
def char_filter_table_cached() -> dict[str, str]:
    return char_filter_table()


def _replace(pattern: str, replacement: str = "") -> dict:
    return {"type": "pattern_replace", "pattern": pattern, "replacement": replacement, "all": True}


def _seat_filters() -> dict[str, dict]:
    """A word with a hamza seat inside also yields its seat form (مسئول → مسیول, مسءول)."""
    clitics = "|".join(_CLITICS)
    return {
        # أ first in the word or right after a proclitic/article starts the word: a letter.
        "kavosh_seat_initial_alef": _replace(f"^((?:{clitics})?)\u0623", "$1\u0627"),
        "kavosh_seat_initial_yeh": _replace("^\u0626", "\u06cc"),
        "kavosh_seat_initial_waw": _replace("^\u0624", "\u0648"),
        # What is left is a seat: the word twice, as its letters and with the seats as ء.
        "kavosh_seat_copy": _replace(f"^(.*[{SEATS}].*)$", f"$1{_SEP}$1"),
        "kavosh_seat_mark_yeh": _replace(f"\u0626(?=.*{_SEP})", SEAT_MARK_YEH),
        "kavosh_seat_mark": _replace(f"[\u0624\u0623](?=.*{_SEP})", SEAT_MARK),
        "kavosh_seat_hamza": _replace(f"[{SEAT_MARK}{SEAT_MARK_YEH}]", "\u0621"),
        "kavosh_seat_yeh": _replace("\u0626", "\u06cc"),
        "kavosh_seat_waw": _replace("\u0624", "\u0648"),
        "kavosh_seat_alef": _replace("\u0623", "\u0627"),
        "kavosh_seat_split": {"type": "pattern_capture", "preserve_original": False,
                              "patterns": [f"([^{_SEP}]+)"]},
    }


SEAT_CHAIN = ["kavosh_seat_initial_alef", "kavosh_seat_initial_yeh", "kavosh_seat_initial_waw",
              "kavosh_seat_copy", "kavosh_seat_mark_yeh", "kavosh_seat_mark", "kavosh_seat_yeh",
              "kavosh_seat_waw", "kavosh_seat_alef", "kavosh_seat_split"]


def _prefix_regex() -> str:
    """light10's article/conjunction prefix (strip_arabic_prefix: the first that fits its
    length guard, never a later one), off the bare copy (②) when ``MIN_BARE_FORM`` letters
    remain and off the loose copy (③)."""
    markers = _M1 + _M2 + _M3

    def fits(prefix: str) -> str:  # at least two letters after it, three after و
        least = 3 if len(prefix) == 1 else 2
        return f"{prefix}(?=[^{markers}]{{{least},}}[{markers}]$)"

    alts = ["".join(f"(?!{fits(earlier)})" for earlier in ARABIC_PREFIXES[:i]) + fits(prefix)
            for i, prefix in enumerate(ARABIC_PREFIXES)]
    rest = f"(?=[^{markers}]{{{MIN_BARE_FORM},}}{_M2}$|[^{markers}]{{2,}}{_M3}$)"
    return f"^(?:{'|'.join(alts)}){rest}"


def _skeleton_filters() -> dict[str, dict]:
    """The variant field's terms (index/variants.py) built by regular expressions.

    Each word becomes up to three copies at one position, each ending in a
    marker: the script-tagged spelling (①), the same without an Arabic article
    (②, Arabic texts only) and the loose key (③); each copy is then folded,
    keyed and tagged like ``variant_keys`` does it.
    """
    m1, m2, m3 = _M1, _M2, _M3
    any_m = m1 + m2 + m3
    f = {
        "kavosh_skeleton_seats": _replace(f"[{SEATS}](?=[^{any_m}]*[{m1}{m2}])", "\u0621"),
        "kavosh_skeleton_split": {"type": "pattern_capture", "preserve_original": False,
                                  "patterns": [f"([^{any_m}]+[{any_m}])"]},
        "kavosh_loose_guard": _replace(f"^(?!{ARABIC_BLOCK}[^{m3}]{{2}})[^{m3}]*{m3}$"),
        "kavosh_skeleton_prefix": _replace(_prefix_regex()),
        "kavosh_skeleton_guard": _replace(
            f"^(?!{ARABIC_BLOCK}[^{m1}{m2}]{{{MIN_WORD - 1}}})[^{any_m}]*[{m1}{m2}]$"),
        # key|written: the written spelling is kept after KEY_END; the folds and
        # the key's vowel removal below touch only what stands before it.
        "kavosh_key_copy": _replace(f"^([^{any_m}]+)([{m1}{m2}])$", f"$1{KEY_END}$1$2"),
        # variants.spelling: a Persian name's final یه reads as یا (سوریه/سوريا).
        "kavosh_fold_country": _replace(f"^([^{KEY_END}]{{2,}})\u06cc\u0647(?=\\{KEY_END}[^{any_m}]*{m1}$)",
                                        "$1\u06cc\u0627"),
        "kavosh_key_vowels": _replace(
            f"(?<!^)[{''.join(sorted(_LONG_VOWELS))}](?=[^{KEY_END}]*\\{KEY_END})"),
        "kavosh_key_short": _replace(f"^[^{KEY_END}]{{1,{MIN_SKELETON - 1}}}\\{KEY_END}.*$"),
        "kavosh_loose_vowels": _replace(f"(?<!^)[{_loose_vowels()}](?=[^{m3}]*{m3}$)"),
        "kavosh_loose_short": _replace(f"^[^{m3}]{{1,{MIN_SKELETON - 1}}}{m3}$"),
        "kavosh_loose_tag": _replace(f"^(.+){m3}$", f"{LOOSE_TAG}$1"),
        "kavosh_nonempty": {"type": "length", "min": 1},
    }
    for lang in LANGS:
        tag = SCRIPT_TAGS[lang]
        copies = f"$1{m1}$1{m2}$1{m3}" if lang == "ar" else f"$1{m1}$1{m3}"
        f[f"kavosh_skeleton_copy_{lang}"] = _replace("^(.+)$", copies)
        f[f"kavosh_skeleton_tag_{lang}"] = _replace(f"^(.+)[{m1}{m2}]$", f"{tag}$1")
    f["kavosh_skeleton_copy_other"] = _replace("^(.+)$", f"$1{m3}")
    f.update(_fold_filters())
    return f


def _fold_pairs(table: dict) -> dict[str, str]:
    return {chr(k): v for k, v in table.items()}


def _fold_filters() -> dict[str, dict]:
    """variants' letter folds: shared ones for every copy, the rest for their copy only;
    in a script-tagged copy (key|written) only the key before KEY_END is folded."""
    spelling, loose = _fold_pairs(_SPELLING_FOLD), _fold_pairs(_LOOSE_FOLD)
    any_m = _M1 + _M2 + _M3
    in_key = f"(?=[^\\{KEY_END}{any_m}]*\\{KEY_END})"
    in_loose = f"(?=[^{any_m}]*{_M3}$)"
    out = {}
    for src in sorted(set(spelling) | set(loose)):
        if spelling.get(src) == loose.get(src):
            out[f"kavosh_fold_{ord(src):04x}"] = _replace(
                f"{src}(?=[^\\{KEY_END}{any_m}]*(?:\\{KEY_END}|{_M3}$))", spelling[src])
        if src in spelling and spelling[src] != loose.get(src):
            out[f"kavosh_fold_{ord(src):04x}_spelling"] = _replace(f"{src}{in_key}", spelling[src])
        if src in loose and spelling.get(src) != loose[src]:
            out[f"kavosh_fold_{ord(src):04x}_loose"] = _replace(f"{src}{in_loose}", loose[src])
    return out


def _loose_vowels() -> str:
    return "".join(sorted(chr(k) for k, v in _LOOSE_VOWELS.items() if v is None))


def _skeleton_chain(script: str) -> list[str]:
    chain = ["lowercase", "kavosh_empty_word", "kavosh_empty_remove", "kavosh_joiners_remove",
             "kavosh_zwnj_remove",
             "kavosh_seat_initial_alef",
             "kavosh_seat_initial_yeh", "kavosh_seat_initial_waw", "kavosh_stop",
             f"kavosh_skeleton_copy_{script}", "kavosh_skeleton_seats", "kavosh_seat_yeh",
             "kavosh_seat_waw", "kavosh_seat_alef", "kavosh_skeleton_split", "kavosh_loose_guard",
             "kavosh_skeleton_prefix", "kavosh_skeleton_guard"]
    if script != "other":
        chain += ["kavosh_key_copy"]
    folds = list(_fold_filters())
    chain += [f for f in folds if script != "other" or not f.endswith("_spelling")]
    if script != "other":
        chain += ["kavosh_fold_country"] if script == "fa" else []
        chain += ["kavosh_key_vowels", "kavosh_key_short", f"kavosh_skeleton_tag_{script}"]
    chain += ["kavosh_loose_vowels", "kavosh_loose_short", "kavosh_loose_tag", "kavosh_nonempty",
              "remove_duplicates"]
    return chain


def _mark(lang: str, kind: str, key: str, value: str) -> str:
    if lang != "fa" or (kind == "joined" and value == normalize_token(key)):
        return ""
    return _KEPT


def _text_chain(lang: str, query: bool) -> list[str]:
    chain = ["lowercase", "kavosh_empty_word", "kavosh_empty_remove", "kavosh_joiners_remove"]
    if not query:
        chain += ["kavosh_zwnj_collapse", f"kavosh_{lang}_joined", "kavosh_compound_parts"]
    chain += ["kavosh_zwnj_remove"] + SEAT_CHAIN
    if lang == "ar":
        chain += ["kavosh_seat_suffix"]
    # The seat copy keeps its marks through the rules (keyed by them: a seat copy never
    # meets a word written with ء itself, سيئة is not سيءة) and becomes ء after.
    chain += ["kavosh_stop", f"kavosh_{lang}_stems", "kavosh_seat_hamza"]
    if lang == "fa":
        chain += ["kavosh_fa_plurals", "kavosh_unmark"]
    if lang == "ar":
        chain += ["kavosh_to_arabic_yeh", "kavosh_to_arabic_kaf", "arabic_stem",
                  "kavosh_from_arabic_yeh", "kavosh_from_arabic_kaf"]
    return chain + ["remove_duplicates"]


def build_settings(rules: dict[str, dict[str, dict[str, str]]] | None = None) -> dict:
    """The ``settings`` object of the index: similarity and analysis.

    ``rules``: {'fa'|'ar': {'joined': {token: term}, 'stems': {word: stem}}},
    from ``opensearch_rules.Vocabulary.rules()``.  OpenSearch refuses an empty rule list, so an
    empty one is one harmless identity rule.
    """
    rules = rules or {}
    filters: dict[str, dict] = {
        "kavosh_compound_parts": {"type": "pattern_capture", "preserve_original": True,
                                  "patterns": [f"([^{ZWNJ}]{{2,}})"]},
        "kavosh_zwnj_remove": _replace(ZWNJ),
        "kavosh_joiners_remove": _replace(f"[{_OTHER_JOINERS}]"),
        "kavosh_zwnj_collapse": _replace(f"{ZWNJ}+", ZWNJ),  # a doubled ZWNJ is one
        "kavosh_empty_word": _replace(f"^[{EMPTY_LETTERS}]+$", _EMPTY_WORD),
        "kavosh_empty_remove": _replace(f"[{EMPTY_LETTERS}]"),
        "kavosh_stop": {"type": "stop", "stopwords": stop_spellings(), "ignore_case": False},
        # A word a rule stemmed carries _KEPT until here, so the plural rule leaves it alone.
        "kavosh_fa_plurals": _replace(f"^(?!.*{_KEPT})(.{{{MIN_PLURAL_REST},}}?)(?:{'|'.join(PERSIAN_PLURALS)})$", "$1"),
        "kavosh_unmark": _replace(_KEPT),
        # ئية: light10 strips the seat's ی with the ending, so the seat copy has no term of its own.
        "kavosh_seat_suffix": _replace(f"{SEAT_MARK_YEH}(?=\u06cc\u0647$)", "\u06cc"),
        "kavosh_to_arabic_yeh": _replace("\u06cc", "\u064a"),
        "kavosh_to_arabic_kaf": _replace("\u06a9", "\u0643"),
        "kavosh_from_arabic_yeh": _replace("\u064a", "\u06cc"),
        "kavosh_from_arabic_kaf": _replace("\u0643", "\u06a9"),
    }
    filters.update(_seat_filters())
    filters.update(_skeleton_filters())
    for lang in LANGS:
        mine = rules.get(lang, {})
        for kind in ("joined", "stems"):
            table = mine.get(kind) or {"kavosh": "kavosh"}
            # A Persian rule's stem carries _KEPT past the stop filter (Kavosh drops stop
            # words before stemming: می‌دهیم stays داد) and the plural rule; a compound
            # that is itself a stop word (می‌شود) is rewritten unmarked, for the stop filter.
            # OpenSearch reads these rules literally (only the mapping char filter reads
            # \uXXXX escapes): the ZWNJ of a joined word is the character itself.
            filters[f"kavosh_{lang}_{kind}"] = {
                "type": "stemmer_override",
                "rules": [f"{k} => {v}{_mark(lang, kind, k, v)}" for k, v in sorted(table.items())],
            }
    analyzers = {}
    for lang in LANGS:
        for query in (False, True):
            analyzers[f"kavosh_{lang}" + ("_query" if query else "")] = {
                "type": "custom", "char_filter": ["kavosh_normalize"],
                "tokenizer": "kavosh_words", "filter": _text_chain(lang, query)}
    for script in ("fa", "ar", "other"):
        analyzers[f"kavosh_variant_{script}"] = {
            "type": "custom", "char_filter": ["kavosh_normalize"], "tokenizer": "kavosh_words",
            "filter": _skeleton_chain(script)}
    mapping_rules = [f"{escape_rule_text(k)} => {escape_rule_text(v)}"
                     for k, v in char_filter_table_cached().items()]
    return {"index": {
        "similarity": {"default": {"type": "BM25", "b": BM25_B, "k1": BM25_K1}},
        "analysis": {
            "char_filter": {"kavosh_normalize": {"type": "mapping", "mappings": mapping_rules}},
            "tokenizer": {"kavosh_words": {"type": "pattern", "pattern": TOKEN_REGEX, "group": 0}},
            "filter": filters,
            "analyzer": analyzers,
        },
    }}


def stop_spellings() -> list[str]:
    """The stop words, also as the filters see them with a hamza seat still in place.

    Kavosh drops a word whose *normalized* form is a stop word (هؤلاء, فئة); at
    the stop filter a seat is still ئ ؤ أ (or a mark in the seat copy), so each
    stop word is listed with up to two of its ی و ا written as a seat.
    """
    seats = {"\u06cc": "\u0626" + SEAT_MARK_YEH, "\u0648": "\u0624" + SEAT_MARK,
             "\u0627": "\u0623" + SEAT_MARK}
    out = set(stopwords()) | {_EMPTY_WORD}
    for word in stopwords():
        spots = [i for i, c in enumerate(word) if i and c in seats]
        for i in spots:
            for a in seats[word[i]]:
                one = word[:i] + a + word[i + 1:]
                out.add(one)
                for j in spots:
                    if j > i:
                        for b in seats[word[j]]:
                            out.add(one[:j] + b + one[j + 1:])
    return sorted(out)


TEXT_FIELDS = ("title", "body")
VARIANT_FIELDS = ("variant_fa", "variant_ar", "variant_other")


def language_fields() -> list[str]:
    return [f"{field}_{lang}" for field in TEXT_FIELDS for lang in LANGS]


def build_mappings() -> dict:
    """Stored fields as Kavosh stores them; the analysed copies left out of _source."""
    props: dict[str, dict] = {
        "id": {"type": "keyword"},
        "title": {"type": "text", "index": False},
        "body": {"type": "text", "index": False},
        "lang": {"type": "keyword"},
        "date": {"type": "keyword"},
        "source": {"type": "keyword"},
        "url": {"type": "keyword", "index": False, "doc_values": False},
    }
    for field in TEXT_FIELDS:
        for lang in LANGS:
            props[f"{field}_{lang}"] = {"type": "text", "analyzer": f"kavosh_{lang}",
                                        "search_analyzer": f"kavosh_{lang}_query"}
    for name in VARIANT_FIELDS:
        script = name.split("_", 1)[1]
        props[name] = {"type": "text", "analyzer": f"kavosh_variant_{script}",
                       "search_analyzer": "keyword", "index_options": "freqs"}
    return {"dynamic": "strict", "_source": {"excludes": language_fields() + list(VARIANT_FIELDS)},
            "_meta": {"kavosh_analyzer_version": ANALYZER_VERSION},
            "properties": props}


def text_languages(text: str, lang: str | None = None) -> tuple[str, ...]:
    """Which language fields one text goes to: its language's, or both when it is mixed.

    ``lang``: the document's language as Kavosh decided it once (declared or
    detected from title and body together); else the text's own is detected."""
    lang = lang or detect_language(text)
    return (lang,) if lang in LANGS else LANGS


def parse_rule(rule: str, escapes: bool = True) -> tuple[list[str], str]:
    """(keys, value) of a rule as OpenSearch reads it: a ``mapping`` rule "a => b" with
    \\uXXXX escapes, or (``escapes=False``) a ``stemmer_override`` rule "a, b => c",
    read literally and trimmed of ASCII space."""
    parts = rule.split("=>")
    if len(parts) != 2:
        raise ValueError(f"not a rule: {rule!r}")
    read = unescape_rule_text if escapes else (lambda text: text)
    keys = [read(k.strip(" \t")) for k in parts[0].split(",")] if not escapes else [read(parts[0].strip())]
    value = read(parts[1].strip(" \t") if not escapes else parts[1].strip())
    if not all(keys) or not (value or escapes) or (not escapes and "," in value):
        raise ValueError(f"not a rule: {rule!r}")
    return keys, value


def unescape_rule_text(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            n = text[i + 1]
            if n == "u":
                out.append(chr(int(text[i + 2:i + 6], 16)))
                i += 6
                continue
            out.append({"n": "\n", "t": "\t", "r": "\r"}.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)
