"""Words from the index's own vocabulary: completions, "did you mean" and example queries.

The index stores *stems* in canonical letters (ک ی ه, no diacritics), which
are not always what a person types: الطائرات is indexed as طایر.  So every
word offered here is a *surface form*: how the documents themselves write a
word with that stem, read back through the postings' character offsets from
the stored text (cheap: a couple of documents per word), with diacritics and
tatweel dropped.  It is then shown in the user's script: typed on an Arabic
keyboard (ي ك) the kaf and yeh become Arabic, on a Persian one (ی ک) Persian.

Each offered word is checked to be one the query parser turns back into the
indexed stem, so picking a suggestion always finds what it promised.

A ``Vocabulary`` belongs to one ``Engine`` (``engine.vocabulary``): it reads
through the engine's own per-thread searchers and keeps its caches per index
generation, so nothing here opens the index or outlives a commit.  It is safe
to call from several threads at once.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter

from kavosh.index.analysis import kavosh_analyzer, word_spans
from kavosh.index.errors import QueryError
from kavosh.index.normalize import FORMAT_CHARS, MARKS, normalize_token, query_language
from kavosh.index.stemmers import strip_arabic_prefix

from . import snippets
from .matching import Deadline
from .prefix_terms import CommitCache, commit_key, prefix_frequencies
from .spelling import Neighbours, edit_distance

MAX_SUGGEST_CHARS = 100  # longer input gets no completions (it is a query, not a word)
MIN_PREFIX = 2  # normalized letters before completions start
SCAN_LIMIT = 4000  # vocabulary terms examined per prefix and field
SAMPLE_DOCS = 2  # documents read to learn how a stem is written
SAMPLE_PER_DOC = 4
FEW_RESULTS = 3  # "did you mean" is offered below this many hits
# A correction keeps the typed word's first letter, a long word its first two
# (Lucene's spell checker keeps one): fewer, closer candidates, and a small
# slice of the vocabulary to scan (search/spelling.py).
SHORT_WORD = 6  # letters; a longer word keeps two
FIELDS = ("body", "title")

_ANALYZER = kavosh_analyzer()
_STRIP = {ord(c): None for c in MARKS + "\u0640" + FORMAT_CHARS.replace("\u200c", "")}
_LAST_WORD = re.compile(r"^(?P<head>.*?)(?P<lead>[-(\"]*(?:(?:title|body):)?)(?P<word>[^\s\"()]+)$",
                        re.IGNORECASE | re.DOTALL)
_OPERATORS = {"OR", "AND", "NOT"}
_TO_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})
_TO_PERSIAN = str.maketrans({"ي": "ی", "ك": "ک"})

MAX_SUGGESTIONS = 20
SURFACE_CACHE = 20_000  # remembered stems' surface forms
COMPLETION_CACHE = 4096  # remembered (prefix, script, limit) answers of the latest commit


# --- scripts -----------------------------------------------------------------


def in_script(word: str, script: str | None) -> str:
    """``word`` with its kaf and yeh written as the user's keyboard writes them."""
    if script == "ar":
        return word.translate(_TO_ARABIC)
    if script == "fa":
        return word.translate(_TO_PERSIAN)
    return word


def display_form(surface: str) -> str:
    """A document's word as it is typed: no harakat, tatweel or direction marks (ZWNJ stays)."""
    return surface.translate(_STRIP).strip("\u200c")


def query_terms(word: str, analyzer=None) -> set[str]:
    """The index terms the query parser looks up for one typed word (``analyzer``: the index's chain)."""
    return {t.text for t in (analyzer or _ANALYZER)(word, mode="query", removestops=False)
            if not t.stopped}


# --- reading the vocabulary --------------------------------------------------


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _doc_frequency(reader, term: str) -> int:
    return max(reader.doc_frequency(f, term) for f in FIELDS)


def _best_form(forms: Counter, term: str, typed: str = "", *, closest_to: str | None = None,
               analyzer=None):
    """The form to offer for ``term``: it must start with ``typed`` (normalized) and find ``term``.

    Prefers the form closest to ``closest_to`` when given (corrections), else
    the base word itself when the documents use it, else the most frequent form.
    """
    usable = [f for f, _ in forms.most_common()
              if normalize_token(f).startswith(typed) and term in query_terms(f, analyzer)]
    if not usable:
        return None
    if closest_to is not None:
        return min(usable, key=lambda f: (edit_distance(normalize_token(f), closest_to), -forms[f]))
    for f in usable:
        if normalize_token(f) == term:
            return f
    return usable[0]


# --- did you mean ------------------------------------------------------------


def _max_distance(term: str) -> int:
    return 0 if len(term) < 3 else 1 if len(term) <= 5 else 2


class Vocabulary:
    """Completions, "did you mean" and example queries from one engine's index."""

    def __init__(self, engine):
        self._engine = engine
        self._analyzer = engine.analyzer  # the index's own chain
        self._lock = threading.Lock()
        self._surfaces: dict[tuple[int, str], Counter] = {}  # (generation, stem) → forms
        self._examples: tuple[int, list[str]] | None = None  # (generation, examples)
        self._neighbours = Neighbours()
        self._completed = CommitCache(COMPLETION_CACHE)

    def surface_forms(self, searcher, term: str) -> Counter:
        """How the documents write words indexed as ``term`` (display forms, counted in a sample)."""
        key = (searcher.reader().generation(), term)
        with self._lock:
            cached = self._surfaces.get(key)
        if cached is not None:
            return cached
        reader = searcher.reader()
        forms: Counter = Counter()
        # The sampled documents' stored text is analysed again to find the words:
        # the body postings keep no character offsets (storing them cost a fifth
        # of the indexing time, for this one use).
        for field_name in FIELDS:
            if forms or (field_name, term) not in reader:
                continue
            m = reader.postings(field_name, term)
            for _ in range(SAMPLE_DOCS):
                if not m.is_active():
                    break
                stored = searcher.stored_fields(m.id())
                text = stored.get(field_name, "")
                spans = snippets.match_spans(text, {term}, lang=stored.get("lang"),
                                             analyzer=self._analyzer)
                for start, end, _t in spans[:SAMPLE_PER_DOC]:
                    forms[display_form(text[start:end])] += 1
                m.next()
        forms.pop("", None)
        with self._lock:
            if len(self._surfaces) > SURFACE_CACHE:
                self._surfaces.clear()
            self._surfaces[key] = forms
        return forms

    def completions(self, text: str, limit: int = 8, *, cached: bool = True) -> list[str]:
        """Whole queries completing the last word of ``text`` with words of the index.

        The words typed before it are kept as typed; the completed word is a
        surface form from the documents, in the user's script, most frequent first.
        Answers are kept per commit of the index (``cached=False``: computed afresh).
        """
        if not 1 <= limit <= MAX_SUGGESTIONS:
            raise QueryError(f"limit must be between 1 and {MAX_SUGGESTIONS}, not {limit}")
        from .engine import check_request  # (the engine imports this module)

        check_request(query=text)
        if not text or len(text) > MAX_SUGGEST_CHARS or text[-1].isspace():
            return []
        m = _LAST_WORD.match(text)
        if not m or any(c in m.group("word") for c in "*?"):
            return []
        word = m.group("word")
        typed = normalize_token(word)
        if len(typed) < MIN_PREFIX or word in _OPERATORS:
            return []
        # An Arabic article or conjunction typed before a word whose stem the index
        # stores without it: complete the word after it too.
        bare = strip_arabic_prefix(typed)
        prefixes = [typed] + ([bare] if bare != typed and len(bare) >= MIN_PREFIX else [])
        script = query_language(text)
        with self._engine.searching() as searcher:
            commit = commit_key(searcher.reader())
            key = (typed, script, limit)
            words = self._completed.get(commit, key) if cached else None
            if words is None:
                words = self.completed_words(searcher, typed, prefixes, script, limit)
                if cached:
                    self._completed.put(commit, key, words)
        return [m.group("head") + m.group("lead") + word for word in words]

    def completed_words(self, searcher, typed: str, prefixes: list[str], script: str | None,
                        limit: int) -> tuple[str, ...]:
        """The words completing ``typed`` (most documents first), uncached: what ``completions`` keeps."""
        reader = searcher.reader()
        candidates = prefix_frequencies(reader, prefixes, FIELDS, SCAN_LIMIT)
        ranked = sorted(candidates.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
        out, seen = [], set()
        for term, _df in ranked[: limit * 3]:
            forms = self.surface_forms(searcher, term)
            if not forms and term.startswith(typed):
                forms = Counter({term: 1})
            form = _best_form(forms, term, typed, analyzer=self._analyzer)
            if form is None:
                continue
            form = in_script(form, script)
            if normalize_token(form) in seen:
                continue
            seen.add(normalize_token(form))
            out.append(form)
            if len(out) >= limit:
                break
        return tuple(out)

    def _correct_word(self, searcher, word: str, rare: bool, deadline) -> str | None:
        """A word of the index close to ``word``, in the user's script; None if none.

        Only a word the index does not know is corrected, or with ``rare`` one it
        knows in few documents when a neighbour is in many more.
        """
        reader = searcher.reader()
        stems = query_terms(word, self._analyzer)
        if not stems:
            return None  # a stop word: nothing to correct
        known = max(_doc_frequency(reader, s) for s in stems)
        if known and not rare:
            return None
        typed = normalize_token(word)
        candidates: dict[str, tuple[int, int]] = {}
        for stem in stems:
            maxdist = _max_distance(stem)
            if not maxdist:
                continue
            for field in FIELDS:
                kept = 1 if len(stem) <= SHORT_WORD else 2
                for cand in self._neighbours.within(reader, field, stem, maxdist, prefix=kept):
                    if deadline.passed:
                        return None
                    if cand in stems:
                        continue
                    # A neighbour of both stems counts by the nearer one (not by
                    # whichever stem the set happened to yield first).
                    if cand in candidates:
                        dist, minus_df = candidates[cand]
                        candidates[cand] = (min(dist, edit_distance(cand, stem)), minus_df)
                        continue
                    df = _doc_frequency(reader, cand)
                    # An unknown word takes any neighbour; a known but rare one only a far commoner one.
                    if (known == 0 and df > 0) or (known > 0 and df >= max(3, 5 * known)):
                        candidates[cand] = (edit_distance(cand, stem), -df)
        for cand, _ in sorted(candidates.items(), key=lambda kv: (kv[1], kv[0])):
            forms = self.surface_forms(searcher, cand) or Counter({cand: 1})
            form = _best_form(forms, cand, closest_to=typed, analyzer=self._analyzer)
            if form is None:
                continue
            if edit_distance(normalize_token(form), typed) > _max_distance(typed) + 1:
                form = next((f for f in forms if normalize_token(f) == cand), cand)
            return in_script(form, query_language(word) or query_language(form))
        return None

    def did_you_mean(self, text: str, total: int, *, few: int = FEW_RESULTS, **search_args) -> dict | None:
        """A corrected query when ``text`` found fewer than ``few`` hits and a correction finds more.

        Returns {"query": corrected text, "parts": [{"text", "changed"}], "total": its hits}
        or None.  Only words of the query are changed (not operators, field names,
        excluded words or wildcards), each to a word of the index's vocabulary.
        ``search_args`` (lang, mode, time_limit…) go to ``engine.search`` for the check;
        ``time_limit`` also bounds the looking: past it there is no suggestion.
        """
        if total >= few or not text or not text.strip():
            return None
        deadline = Deadline(search_args.get("time_limit"))
        words = []
        for surface, start, end in word_spans(text):
            before, after = text[start - 1:start] if start else "", text[end:end + 1]
            if not (surface in _OPERATORS or after in (":", "*", "?") or before in ("-", "*", "?")
                    or surface.isdigit()):
                words.append((surface, start, end))
        changes = []
        with self._engine.searching() as searcher:
            # Unknown words first; only when there are none, rare words with a far commoner neighbour.
            for rare in (False, True) if total == 0 else (False,):
                for surface, start, end in words:
                    if deadline.passed:
                        return None
                    better = self._correct_word(searcher, surface, rare, deadline)
                    if better and normalize_token(better) != normalize_token(surface):
                        changes.append((start, end, better))
                if changes:
                    break
        if not changes:
            return None
        parts, cursor = [], 0
        for start, end, better in changes:
            if start > cursor:
                parts.append({"text": text[cursor:start], "changed": False})
            parts.append({"text": better, "changed": True})
            cursor = end
        if cursor < len(text):
            parts.append({"text": text[cursor:], "changed": False})
        corrected = "".join(p["text"] for p in parts)
        if deadline.at is not None:
            search_args["time_limit"] = deadline.at - time.perf_counter()
            if search_args["time_limit"] <= 0:
                return None
        try:
            found = self._engine.search(corrected, **{**search_args, "limit": 1, "offset": 0})
        except QueryError:
            return None
        if found.timed_out or found.total <= total:
            return None
        return {"query": corrected, "parts": parts, "total": found.total}

    def examples(self, n: int = 6) -> list[str]:
        """A few words from the documents' titles to try, Persian and Arabic in turn.

        Title words that occur in the most documents' bodies, each shown as its
        title writes it; cached until the index changes.
        """
        by_lang: dict[str, list[tuple[int, str]]] = {}
        with self._engine.searching() as searcher:
            reader = searcher.reader()
            generation = reader.generation()
            with self._lock:
                cached = self._examples
            if cached and cached[0] == generation:
                return cached[1][:n]
            scored = []
            for i, (term, info) in enumerate(reader.iter_field("title")):
                if i >= 200_000:
                    break
                term = _text(term)
                if len(term) < 3 or term.isascii():
                    continue
                scored.append((reader.doc_frequency("body", term), info.doc_frequency(), term))
            scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
            for body_df, _title_df, term in scored[: n * 20]:
                m = reader.postings("title", term)
                fields = searcher.stored_fields(m.id())
                spans = snippets.match_spans(fields.get("title", ""), {term},
                                             lang=fields.get("lang"), analyzer=self._analyzer)
                if not spans:
                    continue
                form = display_form(fields["title"][spans[0][0]:spans[0][1]])
                if term not in query_terms(form, self._analyzer):
                    continue
                by_lang.setdefault(fields.get("lang", "other"), []).append((body_df, form))
        picked, seen = [], set()
        order = ["fa", "ar"] + sorted(k for k in by_lang if k not in ("fa", "ar"))
        queues = [iter(by_lang.get(lang, [])) for lang in order]
        while queues and len(picked) < n:
            for q in list(queues):
                item = next(q, None)
                if item is None:
                    queues.remove(q)
                    continue
                key = normalize_token(item[1])
                if key not in seen:
                    seen.add(key)
                    picked.append(item[1])
                if len(picked) >= n:
                    break
        with self._lock:
            self._examples = (generation, picked)
        return picked
