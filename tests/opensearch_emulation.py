"""A small stand-in for Lucene's analysis components, to run exported settings without Java.

Written from Lucene's documented behaviour, not from Kavosh's code, so that
the tests compare two implementations: MappingCharFilter, PatternTokenizer
(group 0), LowerCaseFilter, PatternReplaceFilter, PatternCaptureGroupTokenFilter,
StopFilter (positions kept), StemmerOverrideFilter and ArabicStemFilter
(both skip keyword tokens), LengthFilter, RemoveDuplicatesTokenFilter.
bench/opensearch_parity.py runs the real Lucene; this runs in every test run.
Terms and positions only: offsets are the bench's.
"""

from __future__ import annotations

import re

from kavosh.index.opensearch import parse_rule


def _python_regex(java: str) -> str:
    return (java.replace(r"[\p{L}\p{N}_]", r"\w").replace(r"[\p{L}\p{N}]", r"[^\W_]")
            .replace(r"\p{L}\p{N}_", r"\w").replace(r"\p{Nd}", r"\d"))


def _python_replacement(java: str) -> str:
    return re.sub(r"\$(\d)", r"\\\1", java.replace("\\", "\\\\"))


class Token:
    __slots__ = ("pos", "term", "keyword")

    def __init__(self, pos, term, keyword=False):
        self.pos, self.term, self.keyword = pos, term, keyword


# Lucene's ArabicStemmer (light10), on Arabic letters.
_AR_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
_AR_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def lucene_arabic_stem(word: str) -> str:
    for prefix in _AR_PREFIXES:
        if len(prefix) == 1 and len(word) < 4:
            continue
        if len(word) >= len(prefix) + 2 and word.startswith(prefix):
            word = word[len(prefix):]
            break
    for suffix in _AR_SUFFIXES:
        if len(word) >= len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
    return word


class Analyzers:
    def __init__(self, settings: dict):
        self.analysis = settings["index"]["analysis"]
        self._compiled: dict = {}

    def analyze(self, name: str, text: str) -> list[tuple[int, str]]:
        spec = self.analysis["analyzer"][name]
        for cf in spec["char_filter"]:
            text = text.translate(self._char_table(cf))
        tok = self.analysis["tokenizer"][spec["tokenizer"]]
        tokens = [Token(i, m.group()) for i, m in
                  enumerate(re.finditer(_python_regex(tok["pattern"]), text))]
        for f in spec["filter"]:
            tokens = self._filter(f, tokens)
        return [(t.pos, t.term) for t in tokens]

    def _char_table(self, name):
        if name not in self._compiled:
            table = {}
            for rule in self.analysis["char_filter"][name]["mappings"]:
                (key,), value = parse_rule(rule)
                table[ord(key)] = value
            self._compiled[name] = table
        return self._compiled[name]

    def _filter(self, name: str, tokens: list[Token]) -> list[Token]:
        if name == "lowercase":
            for t in tokens:
                t.term = t.term.lower()
            return tokens
        if name == "remove_duplicates":
            seen, out = set(), []
            for t in tokens:
                if (t.pos, t.term) not in seen:
                    seen.add((t.pos, t.term))
                    out.append(t)
            return out
        if name == "arabic_stem":
            for t in tokens:
                if not t.keyword:
                    t.term = lucene_arabic_stem(t.term)
            return tokens
        spec = self.analysis["filter"][name]
        kind = spec["type"]
        if kind == "pattern_replace":
            pattern = re.compile(spec["pattern"])
            repl = _python_replacement(spec.get("replacement", ""))
            for t in tokens:
                t.term = pattern.sub(repl, t.term, count=0 if spec.get("all", True) else 1)
            return tokens
        if kind == "pattern_capture":
            patterns = [re.compile(p) for p in spec["patterns"]]
            out = []
            for t in tokens:
                captures = [g for p in patterns for m in p.finditer(t.term) for g in m.groups()
                            if g and g != t.term]
                if spec.get("preserve_original", True) or not captures:
                    out.append(t)
                out.extend(Token(t.pos, c, t.keyword) for c in captures)
            return out
        if kind == "stop":
            stop = self._compiled.setdefault(name, frozenset(spec["stopwords"]))
            return [t for t in tokens if t.term not in stop]
        if kind == "stemmer_override":
            if name not in self._compiled:
                table = {}
                for rule in spec["rules"]:
                    keys, value = parse_rule(rule, escapes=False)
                    table.update((k, value) for k in keys)
                self._compiled[name] = table
            table = self._compiled[name]
            for t in tokens:
                if not t.keyword and t.term in table:
                    t.term, t.keyword = table[t.term], True
            return tokens
        if kind == "length":
            return [t for t in tokens if spec.get("min", 0) <= len(t.term) <= spec.get("max", 1 << 31)]
        raise AssertionError(f"no stand-in for filter type {kind!r}")
