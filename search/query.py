"""Kavosh's query language compiled into whoosh queries through the one analyzer.

The language itself (its grammar, its lenient reading, its errors) is
search/query_grammar.py, which yields the engine-neutral tree of
search/query_tree.py; this module turns that tree into whoosh queries:

    کیف پهپاد          all words must match (the default; ``any`` mode ORs them)
    کیف OR كييف        either word
    روسیه -اوکراین     -X and NOT X exclude everything X finds
    "حمله پهپادی"      the words as written, side by side (exact fields)
    title:موسکو        only in the title (also body:, and title:"…", title:(…))
    پهپاد*             prefix; w?rd and wo*d wildcards too
    ( … )              grouping

Why not whoosh's ``QueryParser``: each query word has no language, so it
becomes the OR of its Persian and Arabic stems at one position, which
whoosh's parser cannot express inside a phrase; and the tree must serve an
OpenSearch backend too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as Q

from kavosh import query_tree as T
from kavosh.dismax import BestOf
from kavosh.index.analysis import HAMZA, DocumentText, LanguageStemFilter, kavosh_analyzer
from kavosh.index.errors import QueryError
from kavosh.index.normalize import normalize_token
# Each search field's verbatim twin: normalized, unstemmed words with stop words
# kept (kavosh_analyzer(verbatim=True)), what quoted text and --exact search.
from kavosh.index.schema import EXACT_FIELDS
from kavosh.index.variants import LOOSE_TAG, OTHER_SCRIPT, SCRIPT_TAGS, TAG_CHARS, loose_key, query_variants, with_hamza
from kavosh.query_grammar import MAX_NESTING, parse_tree
from kavosh.query_language import query_script
from kavosh.query_nodes import Alternatives, AndNot, ExcludingMatcher, Near, VariantMatch
from kavosh.latin_names import latin_spellings

__all__ = ["MAX_NESTING", "MAX_QUERY_CHARS", "ExcludingMatcher", "ParsedQuery", "QueryParser",
           "VariantMatch", "exact_analyzer_of", "query_script"]

SEARCH_FIELDS = ("title", "body")
ZWNJ = "\u200c"
VARIANT_FIELD = "variant"
MAX_QUERY_CHARS = 1000
MIN_PREFIX_CHARS = 2
# Weights measured with bench/eval.py on the Arabic and Persian dev sets, with
# and without 40k news distractors (README, "Retrieval quality"):
# whoosh's BM25F scores each field as a separate BM25 and adds them, so one
# word in a short news headline counted as a second full match and outranked
# the passage that answers; title terms weigh a quarter (on top of the
# index-time field boost of 2: half a body match).
TITLE_WEIGHT = 0.25
# A query word's stem in the other language (its Arabic stem when the query's
# words say it is Persian: search/query_language.py) still matches, at this weight.
OTHER_LANGUAGE_WEIGHT = 0.3
# Cross-script variants count for less than the word itself: a document with
# the exact spelling ranks above one that only has the other script's.
VARIANT_BOOST = 0.3
# Ranked (any-word) mode only: the word's vowel-blind loose key (index/variants.py,
# ``loose_key``) at these weights, and one edit from it for long words.  Not a
# spelling variant, never shown as one, never used in all-words mode.
LOOSE_BOOST = 0.3
LOOSE_FUZZY_BOOST = 0.15
MIN_LOOSE_FUZZY = 5
# Two adjacent query words also search their joined form (آتش سوزی → آتشسوزی,
# the compound written without its ZWNJ), at this weight: below the words
# themselves, so documents with both words rank first.
JOINED_WEIGHT = 0.5
MIN_JOINED_CHARS = 5


@dataclass
class ParsedQuery:
    """A whoosh query plus what the highlighter and the UI need to know about it."""

    query: Q.Query | None
    text: str
    terms: set[str] = field(default_factory=set)  # analysed terms that may be highlighted
    patterns: list[Q.Query] = field(default_factory=list)  # prefix/wildcard queries to expand
    variant_keys: set[str] = field(default_factory=set)  # skeletons matched as variants
    fuzzy: list[Q.Query] = field(default_factory=list)  # variant-spelling queries to expand (VariantMatch)
    dropped: list[str] = field(default_factory=list)  # words removed as stop words
    # Normalized words matched as written (quoted, or --exact) in the exact fields,
    # and each quoted text's words in order (what search/snippets.py marks as one run).
    verbatim_terms: set[str] = field(default_factory=set)
    verbatim_phrases: list[tuple[str, ...]] = field(default_factory=list)
    tree: object = None  # the query tree (search/query_tree.py) this was compiled from
    # The words searched for, in order, without operators, field names or what is
    # excluded: what ranking re-analyses for the query's words and their distances.
    searched_text: str = ""

    @property
    def empty(self) -> bool:
        return self.query is None


class QueryParser:
    """Parses the query language (search/query_grammar.py) and compiles its tree for whoosh.

    ``mode`` 'all' ANDs bare words, 'any' ORs them (ranked).  With
    ``variants`` each bare word also matches the other script's spelling of
    it (index/variants.py) at a lower weight; ``variants=False`` is --exact.

    A parser holds only its configuration, so one instance may serve many
    threads at once: each ``parse()`` call keeps its findings in its own
    ``_Compile`` object.
    """

    def __init__(self, mode: str = "all", fields=SEARCH_FIELDS, variants: bool = True, *,
                 analyzer=None, exact_analyzer=None, other_language_weight: float = OTHER_LANGUAGE_WEIGHT,
                 in_query_language: bool = False):
        """``analyzer``: the chain words are analysed with — the engine passes
        its index's own, so queries meet the terms that index holds (default:
        the shipped chain).  ``exact_analyzer``: the chain of the index's
        exact fields (``exact_analyzer_of(schema)``), None for an index
        without them: quoted text and ``--exact`` then fall back to stems.
        ``other_language_weight``: the weight of a word's other-language stem
        when the query's letters tell its language.  ``in_query_language``:
        analyse every word in that language alone, one stem per word as in a
        document (an experiment; measured worse)."""
        if mode not in ("all", "any"):
            raise ValueError(f"mode must be 'all' or 'any', not {mode!r}")
        self.mode = mode
        self.variants = variants
        self.fields = tuple(fields)
        self.analyzer = analyzer if analyzer is not None else kavosh_analyzer()
        self.exact_analyzer = exact_analyzer
        self.other_language_weight = other_language_weight
        self.in_query_language = in_query_language
        stem_filter = next((f for f in getattr(self.analyzer, "items", ())
                            if isinstance(f, LanguageStemFilter)), LanguageStemFilter())
        self.stemmer = stem_filter._stemmer  # 'fa'/'ar' → the chain's stemmer

    def parse(self, text: str) -> ParsedQuery:
        if text is None or not text.strip():
            raise QueryError("empty query: type one or more words to search for")
        if len(text) > MAX_QUERY_CHARS:
            raise QueryError(f"query too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
        exact_words = not self.variants and self.exact_analyzer is not None
        return _Compile(self, text).run(parse_tree(text, verbatim=exact_words))


def exact_analyzer_of(schema):
    """The analyzer of ``schema``'s exact (verbatim) fields, None when it has none."""
    names = set(schema.names())
    if all(EXACT_FIELDS[f] in names for f in SEARCH_FIELDS):
        return schema[EXACT_FIELDS["body"]].analyzer
    return None


class _Compile:
    """One compile of one query tree: what the whoosh query is, and what the highlighter needs."""

    def __init__(self, config: QueryParser, text: str):
        self.mode, self.variants, self.fields = config.mode, config.variants, config.fields
        self.config = config
        self.analyzer = config.analyzer
        self.exact = config.exact_analyzer
        self._parsed = ParsedQuery(None, text)
        self._lang = None

    def run(self, tree) -> ParsedQuery:
        self._parsed.tree = tree
        self._parsed.searched_text = " ".join(_searched_texts(tree))
        self._lang = _language_of(tree)
        q = self.node(tree, self.fields, True)
        if q is None and self._parsed.dropped and self.exact is not None and _only_bare_words(tree):
            q = self._name_of_common_words()
        self._parsed.query = _simplify(q)
        if self._parsed.query is None and not self._parsed.dropped:
            raise QueryError("the query has no words to search for (only punctuation or operators)")
        if self._parsed.query is not None and _only_negative(self._parsed.query):
            raise QueryError(
                "the query only excludes words: add at least one word to search for"
            )
        return self._parsed

    def _name_of_common_words(self):
        """A query of common words alone (بی بی سی, من و تو, في سبيل الله) is a name or a
        title, not a bag of words: its words as written, side by side (the exact
        fields keep stop words for this).  A bag-of-words query that has other
        words still ignores its common ones."""
        text = self._parsed.searched_text
        q = self._verbatim(text, self.fields, True)
        if q is not None:
            self._parsed.dropped.clear()
        return q

    # --- the tree ----------------------------------------------------------

    def node(self, n, fields, highlight):
        """The whoosh query of node ``n`` searched in ``fields`` (None: nothing to search).

        ``highlight`` is False under a negation: an excluded word is matched
        exactly as it would be searched (stems, other spellings, parts), so
        ``a -X`` leaves out every document ``X`` finds, but it is not marked.
        """
        if n is None:
            return None
        if isinstance(n, T.Word):
            if n.verbatim and self.exact is not None:
                return self._verbatim(n.text, fields, highlight, drop_stop_words=True)
            return self._words(n.text, fields, highlight)
        if isinstance(n, T.Phrase):
            if n.verbatim and self.exact is not None:
                return self._verbatim(n.text, fields, highlight)
            return self._phrase(n.text, fields, highlight)
        if isinstance(n, T.Pattern):
            exact = n.verbatim and self.exact is not None
            return self._pattern(n.text, tuple(EXACT_FIELDS[f] for f in fields) if exact else fields,
                                 highlight)
        if isinstance(n, T.Field):
            if n.name not in fields:
                raise QueryError(f"'{n.name}:' inside another field's group searches nothing: "
                                 "give the group one field")
            return self.node(n.child, (n.name,), highlight)
        if isinstance(n, T.Group):
            return self.node(n.child, fields, highlight)
        if isinstance(n, T.Not):
            excluded = self._excluded(n.child, fields)
            return None if excluded is None else Q.Not(excluded)
        if isinstance(n, T.Or):
            parts = [q for q in (self.node(c, fields, highlight) for c in n.children) if q is not None]
            if not parts:
                return None
            return parts[0] if len(parts) == 1 else Q.Or(parts)
        if isinstance(n, T.And):
            return self._and(n.children, fields, highlight)
        raise TypeError(f"not a query node: {n!r}")

    def _excluded(self, n, fields):
        """``n`` as it would be searched on its own, for ``-n``: the same words,
        spellings and language cue, so ``a -X`` leaves out exactly what ``X`` finds
        and the words excluded never change how ``a`` is read."""
        outer, self._lang = self._lang, _language_of(n)
        try:
            return self.node(n, fields, False)
        finally:
            self._lang = outer

    def _and(self, children, fields, highlight):
        positive, negative = [], []
        typed = []  # per positive node: (typed word, slot) when it is one bare word, else None
        for slot, child in enumerate(children):
            if isinstance(child, T.Not):
                excluded = self._excluded(child.child, fields)
                if excluded is not None:
                    negative.append(excluded)
                continue
            q = self.node(child, fields, highlight)
            if q is None:
                continue
            positive.append(q)
            typed.append((child.text, slot) if _is_bare_word(child) and fields == self.fields else None)
        if len(positive) > 1:
            positive = self._with_joined(positive, typed, highlight)
        if not positive and not negative:
            return None
        if self.mode == "all" or len(positive) < 2:
            pos = Q.And(positive) if len(positive) > 1 else (positive[0] if positive else None)
        else:
            pos = Q.Or(positive)
        if negative:
            neg = Q.Or(negative) if len(negative) > 1 else negative[0]
            if pos is None:
                return Q.Not(neg)
            return AndNot(pos, neg)
        return pos

    def _with_joined(self, positive, typed, highlight):
        """Adjacent bare words also match as one joined word (آتش سوزی → آتشسوزی).

        ``typed[i]`` is (the typed word, its slot in the query) for a positive
        node that is one bare word, else None; two nodes are adjacent when
        their slots are consecutive (a dropped stop word between breaks it).
        All-words mode: a pair becomes (both words) OR (the joined word at
        ``JOINED_WEIGHT``), pairs taken left to right without overlap; any-word
        mode adds the joined word as one more optional word.
        """
        out, extra, i = [], [], 0
        while i < len(positive):
            a = typed[i]
            b = typed[i + 1] if i + 1 < len(positive) else None
            if a is not None and b is not None and b[1] == a[1] + 1:
                joined = self._joined(a[0], b[0], highlight)
                if joined is not None:
                    if self.mode == "all":
                        out.append(Q.Or([Q.And([positive[i], positive[i + 1]]), joined]))
                        i += 2
                        continue
                    extra.append(joined)
            out.append(positive[i])
            i += 1
        return out + extra

    # --- words -------------------------------------------------------------

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
            own = [Q.Term(f, a, boost=w * _field_weight(f)) for f in fields for a, w in rest]
            seat = [Q.Term(f, a, boost=_field_weight(f)) for f in fields for a in seats]
            parts = [own[0] if len(own) == 1 else Q.Or(own), seat[0] if len(seat) == 1 else Q.Or(seat)]
            return BestOf(parts)
        subs = [Q.Term(f, a, boost=w * _field_weight(f)) for f in fields for a, w in zip(alts, weights)]
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

    def _or_parts(self, q, text, fields, highlight):
        """A compound typed with ZWNJ (آسمان‌خراش) also matches its parts as a phrase
        (آسمان خراش written with a space)."""
        spaced = text.replace(ZWNJ, " ")
        dropped = len(self._parsed.dropped)
        parts = self._analyse(spaced)
        stopped = self._parsed.dropped[dropped:]
        del self._parsed.dropped[dropped:]  # a compound's part is not a word the query ignored
        subs = list(q.subqueries) if isinstance(q, Q.Or) else [q]
        if len(parts) >= 2:
            subs.append(self._sequence(parts, fields, highlight))
        if stopped and self.exact is not None:
            # به‌عنوان, به‌دلیل: a part is a common word, which the stems leave out;
            # the exact fields keep it, so the parts as written meet "به عنوان" too.
            subs.append(self._verbatim(spaced, fields, highlight))
        return subs[0] if len(subs) == 1 else Q.Or(subs)

    def _with_variants(self, q, word, surface, highlight):
        """``q`` OR the other script's spellings of the word (index/variants.py).

        The word's script comes from its own Persian-only letters (never from
        the keyboard's yeh, kaf or teh marbuta, nor from the query's other
        words: adding a word never changes another's spellings).  A word
        without them (مسکو, ترامب) is taken as
        written in the script whose documents write it more, decided where the
        index is at hand (``VariantMatch.evidence``); written by neither, or as
        much by both, it meets only spellings that differ by letters, not vowels.
        An excluded word (not ``highlight``) matches the same spellings,
        unlisted for the highlighter.
        """
        latin = latin_spellings(word)
        if latin is not None:  # a Latin name: its Persian and Arabic spellings (search/latin_names.py)
            if highlight:
                self._parsed.fuzzy.append(latin)
            return Q.Or((list(q.subqueries) if isinstance(q, Q.Or) else [q]) + [latin])
        script = query_script(surface)
        typed = with_hamza(word, surface)
        assumed = (script,) if script else tuple(SCRIPT_TAGS)
        lookups = [(own, lookup) for own in assumed for lookup in query_variants(typed, own)]
        if not lookups and (self.mode != "any" or loose_key(word) is None):
            return q
        subs = list(q.subqueries) if isinstance(q, Q.Or) else [q]
        others = []
        # the word's own term in each script, by form: what says which script writes it
        own_terms = {(own, written): SCRIPT_TAGS[own] + prefix[TAG_CHARS:] + written
                     for own, (prefix, _folded, written) in lookups}
        for own, (prefix, folded, written) in lookups:
            evidence = rival = None
            if not script:
                evidence = own_terms[(own, written)]
                rival = own_terms.get((OTHER_SCRIPT[own], written))
            match = VariantMatch(VARIANT_FIELD, prefix, folded, own, boost=VARIANT_BOOST,
                                 written=written, word=typed, evidence=evidence, rival=rival)
            if highlight:
                self._parsed.fuzzy.append(match)
            others.append(match)
        loose = loose_key(word) if self.mode == "any" else None
        if loose is not None:
            others.append(Q.Term(VARIANT_FIELD, LOOSE_TAG + loose, boost=LOOSE_BOOST))
            if len(loose) >= MIN_LOOSE_FUZZY:
                others.append(Q.FuzzyTerm(VARIANT_FIELD, LOOSE_TAG + loose, boost=LOOSE_FUZZY_BOOST,
                                          maxdist=1, prefixlength=len(LOOSE_TAG) + 2))
        # A document another spelling matches counts once, by its best match:
        # a spelling variant that is also the loose key is not two matches.
        subs.append(others[0] if len(others) == 1 else BestOf(others))
        return Q.Or(subs)

    def _joined(self, first: str, second: str, highlight: bool):
        """The joined form of two adjacent typed words, as a low-weight query (or None)."""
        a, b = normalize_token(first), normalize_token(second)
        if (len(a) < 2 or len(b) < 2 or len(a) + len(b) < MIN_JOINED_CHARS
                or (a + b).isascii() or not (a + b).isalpha()):
            return None
        positions = self._analyse(first + second)
        if len(positions) != 1:
            return None
        _pos, alts = positions[0]
        if highlight:
            self._parsed.terms.update(alts)
        subs = [Q.Term(f, alt, boost=JOINED_WEIGHT * _field_weight(f))
                for f in self.fields for alt in alts]
        return subs[0] if len(subs) == 1 else Q.Or(subs)

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
            subs = [Q.Term(f, a, boost=_field_weight(f)) for f in exact_fields for a in ordered[0][1]]
            return subs[0] if len(subs) == 1 else Q.Or(subs)
        return self._sequence(ordered, exact_fields, highlight=False)

    def _sequence(self, positions, fields, highlight):
        """Words in order, allowing exactly the gaps left by removed stop words."""
        gaps = [b[0] - a[0] for a, b in zip(positions, positions[1:])]
        slop = max(gaps)
        per_field = []
        for f in fields:
            weight = _field_weight(f)
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
        if "*" not in stem and "?" not in stem:
            subs = [Q.Prefix(f, stem) for f in fields]
        else:
            subs = [Q.Wildcard(f, pattern) for f in fields]
        q = subs[0] if len(subs) == 1 else Q.Or(subs)
        if highlight:
            self._parsed.patterns.append(q)
        return q


def _searched_texts(tree) -> list[str]:
    """The texts of the words, phrases and patterns a tree searches for, in order:
    not those it excludes, nor operators or field names."""
    texts = []

    def visit(n):
        if isinstance(n, (T.Word, T.Phrase, T.Pattern)):
            texts.append(n.text)
        elif isinstance(n, (T.And, T.Or)):
            for child in n.children:
                visit(child)
        elif isinstance(n, (T.Field, T.Group)):
            visit(n.child)

    visit(tree)
    return texts


def _language_of(tree) -> str | None:
    """``query_script`` of the words a tree searches for, not those it excludes."""
    return query_script(" ".join(_searched_texts(tree)))


def _only_bare_words(tree) -> bool:
    """Whether a tree is one word or words side by side (no operator, field, group
    or pattern; --exact's words count): what a name typed as it is looks like."""
    if isinstance(tree, T.And):
        return all(_only_bare_words(c) for c in tree.children)
    return isinstance(tree, T.Word)


def _is_bare_word(node) -> bool:
    """One plain typed word, as stemmed: not quoted, a pattern, a field, a group, or a ZWNJ compound."""
    return isinstance(node, T.Word) and not node.verbatim and ZWNJ not in node.text


def _field_weight(field_name: str) -> float:
    return TITLE_WEIGHT if field_name in ("title", EXACT_FIELDS["title"]) else 1.0


def _simplify(q):
    if q is None:
        return None
    return q.normalize()


def _only_negative(q) -> bool:
    if isinstance(q, Q.Not):
        return True
    if isinstance(q, Q.Or):
        return all(_only_negative(s) for s in q.subqueries)
    return False
