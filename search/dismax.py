"""A DisjunctionMax that scores each document by its own best clause.

whoosh's ``DisjunctionMaxMatcher.score`` returns the larger of its two
sides' scores without looking at where each side stands: when only one side
is on the current document, the other side's score *for the next document it
matches* can win.  A word's other spellings are a DisjunctionMax (variant
matches, the loose key, hamza seats), so documents took scores that were not
theirs (a document matching only a seat term at 1.50 scored 2.59 on one
index and 7.19 on the same documents in two segments), and the order of the
top 10 depended on how the index was split into segments; a Persian article
matched only by a word's loose key took the score of a rare Arabic spelling
in another article (most of parsinlu_rc + news's MRR@10 loss in issue 10).
Here a side counts only on the document it is on, as in whoosh's own
``UnionMatcher``.  The query parser builds every DisjunctionMax as ``BestOf``.
"""

from __future__ import annotations

from whoosh import query as Q
from whoosh.matching import DisjunctionMaxMatcher


class BestOfMatcher(DisjunctionMaxMatcher):
    """The max of the sides that are on the current document."""

    def score(self):
        a, b = self.a, self.b
        if not a.is_active():
            return b.score()
        if not b.is_active():
            return a.score()
        id_a, id_b = a.id(), b.id()
        if id_a < id_b:
            return a.score()
        if id_b < id_a:
            return b.score()
        return max(a.score(), b.score())


class BestOf(Q.DisjunctionMax):
    """``DisjunctionMax`` whose matcher is ``BestOfMatcher``."""

    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()
        return self._tree_matcher(subs, BestOfMatcher, searcher, context,
                                  lambda q: q.estimate_size(reader), tiebreak=self.tiebreak)
