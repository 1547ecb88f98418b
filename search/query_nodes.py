"""The whoosh query classes Kavosh's query compiler (search/query.py) builds with.

whoosh's own classes with what Kavosh needs of them: the other script's
spellings of a word as one expandable query (``VariantMatch``), phrase spans
with a boost and per-position alternatives, and an AND-NOT that excludes from
the first match on.
"""

from __future__ import annotations

from whoosh import query as Q
from whoosh.matching import AndNotMatcher
from whoosh.query.spans import SpanNear2, SpanOr
from whoosh.query.terms import MultiTerm
from whoosh.util import make_binary_tree

from kavosh.index.variants import choose_spellings, same_word, term_script, term_spelling, term_written


class VariantMatch(MultiTerm):
    """The other script's spellings of one query word, in the variant field.

    Lists the indexed terms under ``prefix`` (the other script's tag and the
    word's consonant key) and keeps those ``index.variants.same_word`` admits:
    spellings that differ only in a few long vowels.  Expanded once per query
    by ``search.matching.expand``, like a prefix.
    """

    constantscore = False

    def __init__(self, fieldname, prefix, folded, script, boost=1.0, written=None, word=None,
                 evidence=None, rival=None):
        self.fieldname = fieldname
        self.prefix = prefix
        self.folded = folded
        self.written = folded if written is None else written  # this form as typed (normalized)
        self.word = word  # the whole typed word (a form may be it without an article)
        self.script = script
        # When the word's own letters do not say its script, ``script`` is an
        # assumption the index must bear out: ``evidence`` is the word's own term
        # in that script and ``rival`` in the other.  The word is taken as
        # written in ``script`` only where more documents of that script write
        # it than of the other (مسکو: Persian; الشعر, كيف: Arabic); otherwise it
        # is no one's spelling and meets only letter-exchanged ones (ترامب/ترامپ).
        self.evidence, self.rival = evidence, rival
        self.text = f"{prefix}{folded}#{script}#{self.written}#{word}#{evidence}#{rival}"
        self.boost = boost

    def __eq__(self, other):
        return (isinstance(other, VariantMatch) and self.fieldname == other.fieldname
                and self.text == other.text and self.boost == other.boost)

    def __hash__(self):
        return hash((self.fieldname, self.text, self.boost))

    def __repr__(self):
        return f"VariantMatch({self.fieldname!r}, {self.prefix!r}, {self.folded!r}, {self.script!r})"

    def _btexts(self, ixreader):
        script = self.script
        if self.evidence is not None:
            own = ixreader.doc_frequency(self.fieldname, self.evidence)
            other = ixreader.doc_frequency(self.fieldname, self.rival) if self.rival else 0
            if own <= other:
                script = None
        admitted = []
        for btext in ixreader.expand_prefix(self.fieldname, self.prefix):
            text = btext.decode("utf-8") if isinstance(btext, bytes) else btext
            if term_written(text) == self.word:
                continue  # the typed word itself, which its stems already match: not another spelling
            folded = term_spelling(text)
            if same_word(self.folded, folded, script, term_script(text)):
                admitted.append((text, folded, ixreader.doc_frequency(self.fieldname, text)))
        # A spelling the query word's own script writes as often is its own word
        # there, not this word's other spelling (index/variants.py, own_script_word).
        return choose_spellings(self.written, self.folded, admitted,
                                lambda term: ixreader.doc_frequency(self.fieldname, term))


class Near(SpanNear2):
    """whoosh's ``SpanNear2`` with the ``boost`` every other query has.

    Without it ``Or.normalize()`` fails on a phrase beside other words
    (AttributeError on النمسا-المجر in a ranked query).
    """

    boost = 1.0


class Alternatives(SpanOr):
    """One phrase position that any of several terms may fill (its Persian and Arabic stems).

    whoosh's ``SpanOr`` cannot estimate its size, which ``Or`` needs to order
    its sub-matchers; the estimate is the sum of the alternatives'.
    """

    boost = 1.0

    def estimate_size(self, ixreader):
        return sum(q.estimate_size(ixreader) for q in self.subqs)

    def estimate_min_size(self, ixreader):
        return min(q.estimate_min_size(ixreader) for q in self.subqs)

    def matcher(self, searcher, context=None):
        context = self._span_context(context)
        matchers = [q.matcher(searcher, context) for q in self.subqs]
        return make_binary_tree(_AlternativesMatcher, matchers)


class _AlternativesMatcher(SpanOr.SpanOrMatcher):
    """whoosh's ``SpanOrMatcher`` without its merging of adjacent spans.

    whoosh merges the spans of its alternatives when they touch: a document
    saying «الرحلات رحلة» had its stem رحل at positions 1 and 2 joined into one
    span 1–2, so a phrase whose two words share a stem ("الرحلات رحلة",
    "دانشجویان دانشجو") never found a position for its second word.  Here each
    alternative stays one word at one position.
    """

    def _get_spans(self):
        a, b = self.a, self.b
        if a.is_active() and b.is_active() and a.id() == b.id():
            return sorted(set(a.spans()) | set(b.spans()))
        if a.is_active() and (not b.is_active() or a.id() < b.id()):
            return a.spans()
        return b.spans()


class ExcludingMatcher(AndNotMatcher):
    """whoosh's ``AndNotMatcher``, which skips the excluded documents from the first
    match on.  whoosh's looks at the excluded side at the start only when both
    begin on the same document: when the excluded list begins earlier, a first
    match it contains was kept (`a -b` counted and showed a document with b)."""

    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class AndNot(Q.AndNot):
    """``a ANDNOT b`` with the matcher above."""

    def matcher(self, searcher, context=None):
        scored = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        return ExcludingMatcher(scored, excluded)
