"""How one typed word, phrase or pattern becomes whoosh terms: the compile's word level.

Each typed word is analysed by the index's own chain (search/query.py passes
it) into positions of alternative terms (its Persian and Arabic stems); one
position is an OR of its terms, several are a sequence that allows exactly
the gaps its dropped stop words left.  Quoted text (and --exact) meets the
exact fields as written.  What else a word may match (other spellings,
joined forms, a compound's parts) is search/query_expansion.py.
"""

from __future__ import annotations

from whoosh import query as Q

from kavosh.dismax import BestOf
from kavosh.index.analysis import HAMZA, DocumentText
from kavosh.index.errors import QueryError
from kavosh.index.normalize import normalize_token
# Each search field's verbatim twin: normalized, unstemmed words with stop words
# kept (kavosh_analyzer(verbatim=True)), what quoted text and --exact search.
from kavosh.index.schema import EXACT_FIELDS
from kavosh.query_nodes import Alternatives, Near

SEARCH_FIELDS = ("title", "body")
ZWNJ = "\u200c"
MIN_PREFIX_CHARS = 2
# Weights measured with bench/eval.py on the Arabic and Persian dev sets, with
# and without 40k news distractors (README, "Retrieval quality"):
# whoosh's BM25F scores each field as a separate BM25 and adds them, so one
# word in a short news headline counted as a second full match and outranked
# the passage that answers; title terms weigh a quarter (on top of the
# index-time field boost of 2: half a body match).
TITLE_WEIGHT = 0.25


def field_weight(field_name: str) -> float:
    return TITLE_WEIGHT if field_name in ("title", EXACT_FIELDS["title"]) else 1.0


class WordQueries:
    """The word-level half of one compile (search/query.py's ``_Compile``).

    It reads the compile's state: ``config`` (the QueryParser), ``analyzer``,
    ``exact`` (the exact fields' chain or None), ``variants``, ``fields``,
    ``_lang`` (the query's language cue) and ``_parsed`` (the ParsedQuery
    being filled with what the highlighter needs).
    """

    def _analyse(self, text: str, normalized: dict | None = None):
        """Positions of ``text``, each the set of alternative terms (Persian/Arabic stems).

        ``normalized``, if given, receives each position's normalized word.
        """
        positions: dict[int, list[str]] = {}
        stopped: list[str] = []
        if self.config.in_query_language and self._lang:
            text = DocumentText(text, self._lang)
        for t in self.analyzer(text, mode="query", positions=True, removestops=False):
            if t.stopped:
                stopped.append(t.surface)
                continue
            alts = positions.setdefault(t.pos, [])
            if t.text not in alts:
                alts.append(t.text)
            if normalized is not None:
                normalized[t.pos] = t.normalized
        self._parsed.dropped.extend(stopped)
        return sorted(positions.items())

    def _weights(self, alts, word):
        """Weight of each alternative term: the other language's stem counts less."""
        if not self._lang or word is None or len(alts) < 2:
            return [1.0] * len(alts)
        stemmer, weight = self.config.stemmer, self.config.other_language_weight
        own = stemmer(self._lang)(word)
        other = stemmer("ar" if self._lang == "fa" else "fa")(word)
        return [weight if a == other and a != own else 1.0 for a in alts]

    def _terms_query(self, alts, fields, highlight, word=None):
        if highlight:
            self._parsed.terms.update(alts)
        weights = self._weights(alts, word)
        seats = [a for a in alts if HAMZA in a and (word is None or HAMZA not in word)]
        if seats:
            # A hamza-seat term (مسءول) stands for the same word as the stems
            # beside it: a document with both counts once (the better), so a
            # word with a hamza does not weigh double.
            rest = [(a, w) for a, w in zip(alts, weights) if a not in seats]
            own = [Q.Term(f, a, boost=w * field_weight(f)) for f in fields for a, w in rest]
            seat = [Q.Term(f, a, boost=field_weight(f)) for f in fields for a in seats]
            parts = [own[0] if len(own) == 1 else Q.Or(own), seat[0] if len(seat) == 1 else Q.Or(seat)]
            return BestOf(parts)
        subs = [Q.Term(f, a, boost=w * field_weight(f)) for f in fields for a, w in zip(alts, weights)]
        return subs[0] if len(subs) == 1 else Q.Or(subs)

    def _words(self, text, fields, highlight):
        normalized: dict[int, str] = {}
        positions = self._analyse(text, normalized)
        if not positions:
            return None  # punctuation or stop words only
        if len(positions) == 1:
            pos, alts = positions[0]
            q = self._terms_query(alts, fields, highlight, normalized[pos])
            if self.variants and fields == SEARCH_FIELDS:
                q = self._with_variants(q, normalized[pos], text, highlight)
            if ZWNJ in text:
                q = self._or_parts(q, text, fields, highlight)
            return q
        # One typed "word" that analyses to several (COVID-19, a/b): a phrase.
        return self._sequence(positions, fields, highlight)

    def _phrase(self, text, fields, highlight):
        normalized: dict[int, str] = {}
        positions = self._analyse(text, normalized)
        if not positions:
            return None
        if len(positions) == 1:
            pos, alts = positions[0]
            return self._terms_query(alts, fields, highlight, normalized[pos])
        return self._sequence(positions, fields, highlight)

    def _verbatim(self, text, fields, highlight, drop_stop_words=False):
        """``text`` as written, in the exact fields: its normalized words side by side,
        unstemmed, stop words and all, no other spellings.

        ``drop_stop_words``: a bare word under --exact is still a bag-of-words
        word, so a lone common word (از) is ignored as it is without --exact.
        """
        if drop_stop_words:
            stopped = [t.surface for t in self.analyzer(text, mode="query", removestops=False)
                       if t.stopped]
            if stopped:
                self._parsed.dropped.extend(stopped)
                return None
        positions: dict[int, list[str]] = {}
        for t in self.exact(text, positions=True):
            alts = positions.setdefault(t.pos, [])
            if t.text not in alts:
                alts.append(t.text)
        if not positions:
            return None
        exact_fields = tuple(EXACT_FIELDS[f] for f in fields)
        ordered = sorted(positions.items())
        if highlight:
            for _pos, alts in ordered:
                self._parsed.verbatim_terms.update(alts)
            phrase = tuple(alts[0] for _pos, alts in ordered)
            if phrase not in self._parsed.verbatim_phrases:
                self._parsed.verbatim_phrases.append(phrase)
        if len(ordered) == 1:
            subs = [Q.Term(f, a, boost=field_weight(f)) for f in exact_fields for a in ordered[0][1]]
            return subs[0] if len(subs) == 1 else Q.Or(subs)
        return self._sequence(ordered, exact_fields, highlight=False)

    def _sequence(self, positions, fields, highlight):
        """Words in order, allowing exactly the gaps left by removed stop words."""
        gaps = [b[0] - a[0] for a, b in zip(positions, positions[1:])]
        slop = max(gaps)
        per_field = []
        for f in fields:
            weight = field_weight(f)
            if all(len(alts) == 1 for _, alts in positions) and slop == 1:
                per_field.append(Q.Phrase(f, [alts[0] for _, alts in positions], boost=weight))
            else:
                spans = [
                    Alternatives([Q.Term(f, a) for a in alts]) if len(alts) > 1 else Q.Term(f, alts[0])
                    for _, alts in positions
                ]
                per_field.append(Near(spans, slop=slop, ordered=True).with_boost(weight))
        if highlight:
            for _, alts in positions:
                self._parsed.terms.update(alts)
        return per_field[0] if len(per_field) == 1 else Q.Or(per_field)

    def _pattern(self, tok, fields, highlight):
        pattern = normalize_token(tok)
        stem = pattern.rstrip("*")
        literal = pattern.replace("*", "").replace("?", "")
        if len(literal) < MIN_PREFIX_CHARS:
            raise QueryError(
                f"{tok!r} matches too many words: give at least {MIN_PREFIX_CHARS} letters before '*'"
            )
        # Scored, not whoosh's default constant score: whoosh scores a constant pattern
        # as a constant only on a segment of at most 5,000 documents (its ``Or`` of the
        # listed terms adds their scores on a larger one), so the same story ranked by
        # which segment held it.  Scored, a pattern adds its listed words' BM25F
        # scores on every segment and on OpenSearch alike (search/opensearch/dsl.py).
        if "*" not in stem and "?" not in stem:
            subs = [Q.Prefix(f, stem, constantscore=False) for f in fields]
        else:
            subs = [Q.Wildcard(f, pattern, constantscore=False) for f in fields]
        q = subs[0] if len(subs) == 1 else Q.Or(subs)
        if highlight:
            self._parsed.patterns.append(q)
        return q
