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
from kavosh.index.analysis import LanguageStemFilter, kavosh_analyzer
from kavosh.index.errors import QueryError
from kavosh.index.schema import EXACT_FIELDS
from kavosh.query_expansion import (JOINED_WEIGHT, LOOSE_BOOST, LOOSE_FUZZY_BOOST, MIN_JOINED_CHARS,  # noqa: F401
                                    MIN_LOOSE_FUZZY, VARIANT_BOOST, VARIANT_FIELD, Expansions)
from kavosh.query_grammar import MAX_NESTING, parse_tree
from kavosh.query_language import query_script
from kavosh.query_nodes import AndNot, ExcludingMatcher, VariantMatch
from kavosh.query_words import (MIN_PREFIX_CHARS, SEARCH_FIELDS, TITLE_WEIGHT, ZWNJ,  # noqa: F401
                                WordQueries, field_weight)

# The tree's compile is three modules: this one (the parser, the tree's nodes
# and operators), search/query_words.py (a word, phrase or pattern as terms)
# and search/query_expansion.py (other spellings, joined words, a compound's
# parts).  Every name callers and the OpenSearch backend use stays importable
# from here.
__all__ = ["JOINED_WEIGHT", "LOOSE_BOOST", "LOOSE_FUZZY_BOOST", "MAX_NESTING", "MAX_QUERY_CHARS",
           "MIN_JOINED_CHARS", "MIN_LOOSE_FUZZY", "MIN_PREFIX_CHARS", "OTHER_LANGUAGE_WEIGHT",
           "SEARCH_FIELDS", "TITLE_WEIGHT", "VARIANT_BOOST", "VARIANT_FIELD", "ZWNJ",
           "ExcludingMatcher", "ParsedQuery", "QueryParser", "VariantMatch", "exact_analyzer_of",
           "field_weight", "query_script"]

MAX_QUERY_CHARS = 1000
# A query word's stem in the other language (its Arabic stem when the query's
# words say it is Persian: search/query_language.py) still matches, at this weight.
OTHER_LANGUAGE_WEIGHT = 0.3


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


class _Compile(Expansions, WordQueries):
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
