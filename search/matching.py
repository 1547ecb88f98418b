"""Running a parsed query against one searcher, within a deadline.

Three things make a search slow or unbounded, and each is handled here once:

* **Expanding** prefixes, wildcards and fuzzy variant skeletons into index
  terms.  whoosh expands a ``MultiTerm`` every time something asks (to
  match, to estimate, to count, to highlight), with no clock.  ``expand()``
  does it once per query, between deadline checks, memoized per searcher,
  and hands the same term lists to matching and to highlighting.
* **Counting.**  The total and the per-language counts used to be two more
  unscored passes over the index.  ``TopAndCounts`` scores every match once
  (no block-quality pruning: whoosh's pruned top-N could miss the true best
  document when variant sub-queries were pruned), keeps the top N of the
  requested language and counts every language from a per-searcher
  docnum → language table.
* **Time.**  ``Deadline`` is one clock for the whole request; the collector
  checks it every few documents and raises whoosh's ``TimeLimit``.
"""

from __future__ import annotations

import time

from whoosh import query as Q
from whoosh.collectors import TopCollector
from whoosh.query.terms import MultiTerm
from whoosh.searching import TimeLimit

from kavosh.index.errors import QueryError

from .choices import LANGUAGES
from .list_scoring import AllScored, CollectsChunks, keep_best_scored
from .spelling import fuzzy_terms

# One pattern may stand for at most this many index terms: `ال*` on a news
# archive is tens of thousands of words, which no one means and no page can
# rank in time.  (Lucene refuses the same with TooManyClauses.)
MAX_EXPANSIONS = 10_000
# ... and all of a query's patterns together at most this many.
MAX_QUERY_EXPANSIONS = 20_000
# Remembered expansions per searcher (a searcher lives until the index changes).
EXPANSION_CACHE = 20_000
# ... and the candidates of fuzzy terms, by field and first letters (a few hundred
# words each; the largest a few thousand).
PREFIX_WORDS_CACHE = 64
CHECK_EVERY = 64  # documents (or expanded terms) between two looks at the clock


class Deadline:
    """When a request must stop; ``None`` seconds means never."""

    def __init__(self, seconds: float | None):
        self.at = None if not seconds else time.perf_counter() + seconds

    @property
    def passed(self) -> bool:
        return self.at is not None and time.perf_counter() >= self.at

    def check(self) -> None:
        if self.passed:
            raise TimeLimit


class _Expanded(MultiTerm):
    """A prefix, wildcard or fuzzy term whose index terms were already listed.

    Scores exactly as the original would (same terms, boost and
    constant-score setting); only the listing is not repeated.
    """

    def __init__(self, original: MultiTerm, btexts: tuple[bytes, ...], deadline: Deadline):
        self.original = original
        self.deadline = deadline
        self.fieldname = original.fieldname
        self.text = original.text
        self.boost = original.boost
        self.constantscore = original.constantscore
        self.btexts = btexts

    def _btexts(self, ixreader):
        return self.btexts

    def matcher(self, searcher, context=None):
        # Opening thousands of term matchers is the slow part of a pattern; whoosh
        # does it before the first document is collected, so look at the clock here.
        self.deadline.check()
        return super().matcher(searcher, context)

    def __eq__(self, other):
        return isinstance(other, _Expanded) and other.original == self.original

    def __hash__(self):
        return hash(self.original)

    def __repr__(self):
        return f"_Expanded({self.original!r}, {len(self.btexts)} terms)"


def _key(q: MultiTerm):
    return (type(q).__name__, q.fieldname, q.text,
            getattr(q, "maxdist", None), getattr(q, "prefixlength", None))


def _list_terms(q: MultiTerm, reader, deadline: Deadline, words_under: dict) -> tuple[bytes, ...]:
    found = []
    if isinstance(q, Q.FuzzyTerm):  # the same neighbours on one segment or several
        if len(words_under) >= PREFIX_WORDS_CACHE:
            words_under.clear()
        listed = fuzzy_terms(reader, q.fieldname, q.text, q.maxdist, q.prefixlength, words_under)
    else:
        listed = q._btexts(reader)
    for n, btext in enumerate(listed, 1):
        found.append(btext.encode("utf-8") if isinstance(btext, str) else btext)
        if len(found) > MAX_EXPANSIONS:
            raise QueryError(
                f"{q.text!r} matches more than {MAX_EXPANSIONS:,} words: type more letters"
            )
        if n % CHECK_EVERY == 0:
            deadline.check()
    return tuple(found)


def _text(btext) -> str:
    return btext.decode("utf-8") if isinstance(btext, bytes) else btext


def expand(parsed, searcher, deadline: Deadline):
    """(query, terms, variant keys): ``parsed.query`` with every pattern listed once
    and its matches scored list by list (search/list_scoring.py), and the
    highlight sets grown by what the highlighted patterns stand for.

    Raises ``TimeLimit`` if the deadline passes while listing.
    """
    cache = getattr(searcher, "_kavosh_expansions", None)
    if cache is None:
        cache = searcher._kavosh_expansions = {}
        searcher._kavosh_prefix_words = {}  # fuzzy terms' candidates, by field and first letters
    reader = searcher.reader()
    lists: dict[tuple, tuple[bytes, ...]] = {}

    def visit(q):
        if isinstance(q, MultiTerm) and not isinstance(q, _Expanded):
            key = _key(q)
            btexts = cache.get(key)
            if btexts is None:
                btexts = _list_terms(q, reader, deadline, searcher._kavosh_prefix_words)
                if len(cache) >= EXPANSION_CACHE:
                    cache.clear()
                cache[key] = btexts
            lists[key] = btexts
            if sum(len(b) for b in lists.values()) > MAX_QUERY_EXPANSIONS:
                raise QueryError(f"the query's patterns stand for more than {MAX_QUERY_EXPANSIONS:,} "
                                 "words: use fewer patterns, or more letters before each '*'")
            return _Expanded(q, btexts, deadline)
        # Rebuild only the branches that hold a pattern: whoosh's apply() does
        # not carry every node's boost (a phrase's title weight would be lost).
        if any(isinstance(leaf, MultiTerm) for leaf in q.leaves()):
            return q.apply(visit)
        return q

    query = (None if parsed.query is None
             else AllScored(visit(parsed.query), deadline, getattr(parsed, "words", ())))
    terms, keys = highlight_sets(parsed, lists)
    return query, terms, keys


def highlight_sets(parsed, lists: dict) -> tuple[set, set]:
    """(terms, variant keys) the highlighter marks for ``parsed``: its own, and the terms its
    listed patterns (``lists``: ``_key`` → terms) stand for, the fuzzy ones as variant keys.
    Both engines' ``expand`` end here, so they mark the same words."""
    terms, keys = set(parsed.terms), set(parsed.variant_keys)
    for highlighted, into in ((parsed.patterns, terms), (parsed.fuzzy, keys)):
        for q in highlighted:
            for leaf in ([q] if isinstance(q, MultiTerm) else q.leaves()):
                if isinstance(leaf, MultiTerm):
                    into.update(_text(b) for b in lists.get(_key(leaf), ()))
    return terms, keys


def language_table(searcher) -> bytearray:
    """docnum → index into LANGUAGES, built once per searcher from the `lang` postings."""
    table = getattr(searcher, "_kavosh_languages", None)
    if table is None:
        table = bytearray([LANGUAGES.index("other")]) * searcher.doc_count_all()
        for code, lang in enumerate(LANGUAGES):
            for docnum in searcher.docs_for_query(Q.Term("lang", lang)):
                table[docnum] = code
        searcher._kavosh_languages = table
    return table


class DeadlineChecks:
    """A collector that looks at the request's clock when a segment starts and
    every ``CHECK_EVERY`` documents it collects (``self.tick()``)."""

    deadline: Deadline
    seen = 0

    def set_subsearcher(self, subsearcher, offset):
        self.deadline.check()  # building a segment's matchers is work too
        super().set_subsearcher(subsearcher, offset)

    def tick(self) -> None:
        self.seen += 1
        if self.seen % CHECK_EVERY == 0:
            self.deadline.check()


class TopAndCounts(CollectsChunks, DeadlineChecks, TopCollector):
    """The top ``limit`` hits of one language (or all), and the count of every language.

    Every matching document is scored (``usequality=False, replace=0``): the
    counts need every match anyway, and exhaustive scoring is what makes the
    top N right.
    """

    def __init__(self, limit: int, languages: bytearray, only: str | None, deadline: Deadline):
        super().__init__(limit=limit, usequality=False, replace=0)
        self.languages = languages
        self.only = None if only is None else LANGUAGES.index(only)
        self.deadline = deadline
        self.per_language = [0] * len(LANGUAGES)

    def collect(self, sub_docnum):
        self.tick()
        code = self.languages[self.offset + sub_docnum]
        self.per_language[code] += 1
        if self.only is not None and code != self.only:
            return 0
        return super().collect(sub_docnum)

    def collect_chunk(self, ids, scores):
        """``collect`` for a chunk of matches at once (search/list_scoring.py)."""
        offset, languages, per_language, only = self.offset, self.languages, self.per_language, self.only
        kept = []
        for docnum in ids:
            code = languages[offset + docnum]
            per_language[code] += 1
            if only is None or code == only:
                kept.append(docnum)
        self.total += len(kept)
        keep_best_scored(self.items, self.limit, kept, scores, offset)

    def counts(self) -> dict[str, int]:
        return {LANGUAGES[i]: n for i, n in sorted(enumerate(self.per_language),
                                                    key=lambda kv: LANGUAGES[kv[0]]) if n}

    @property
    def matched(self) -> int:
        """Documents that matched in the requested language (all, without one)."""
        return sum(self.per_language) if self.only is None else self.per_language[self.only]

