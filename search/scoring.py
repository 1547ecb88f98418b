"""BM25F with each field's document lengths read once per segment, not once per scored posting.

whoosh's ``BM25FScorer`` asks the segment for a document's field length on
every score: a seek and a one-byte read of the length column on disk, ~14%
of an any-word search on the 39,611-article index (1.5 million calls per 200
queries).  The lengths are one byte per document and field, so a segment's
whole column is read once through whoosh's own ``doc_field_length`` into a
tuple, kept per segment: the same numbers, so the same scores and the same
ranking, bit for bit.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict

from whoosh.scoring import BM25F, BM25FScorer

_LOCK = threading.Lock()
NAN = float("nan")
MAX_TABLES = 96  # length and norm tables kept: a few fields of a few dozen segments
_TABLES: OrderedDict = OrderedDict()


def _segment_key(searcher):
    """(index name, segment id) of a one-segment searcher, else None."""
    segment = getattr(searcher.reader(), "segment", None)
    return None if segment is None else (segment().indexname, segment().segment_id())


def _kept(key, make):
    """The table under ``key``, made by ``make()`` the first time (an LRU of MAX_TABLES)."""
    with _LOCK:
        table = _TABLES.get(key)
        if table is not None:
            _TABLES.move_to_end(key)
            return table
    table = make()
    with _LOCK:
        _TABLES[key] = table
        while len(_TABLES) > MAX_TABLES:
            _TABLES.popitem(last=False)
    return table


def field_lengths(searcher, fieldname: str):
    """docnum → the length whoosh's scorer reads for ``fieldname`` in this segment searcher.

    Kept per segment (segments never change once written), so every thread's
    searcher and every generation that still holds the segment share one table.
    """
    segment = _segment_key(searcher)
    if segment is None:  # not one segment's reader: nothing to share
        return None
    reader = searcher.reader()
    lengths = reader.doc_field_length
    return _kept((*segment, fieldname),
                 lambda: tuple([lengths(d, fieldname, 1) for d in range(reader.doc_count_all())]))


def length_norms(searcher, scorer: BM25FScorer, table) -> array:
    """docnum → the length part of whoosh's ``bm25()`` for this scorer's field:
    ``K1 * ((1 - B) + B * fl / avgfl)``, the same expression on the same numbers,
    so a score made with it is whoosh's float.  Kept per segment, field and
    parameters (the average length is the whole index's, so a new commit has its own).
    A document without a length (an empty title) has no posting in the field: NaN.
    """
    K1, B, avgfl = scorer.K1, scorer.B, scorer.avgfl
    key = (*_segment_key(searcher), scorer.fieldname, "norms", K1, B, avgfl)
    return _kept(key, lambda: array("d", [NAN if fl is None else K1 * ((1 - B) + B * fl / avgfl)
                                          for fl in table]))


class CachedLengthBM25F(BM25F):
    """``BM25F`` whose scorers look document lengths up in memory (``field_lengths``),
    and carry each document's length norm (``length_norms``) for scoring whole
    posting lists (search/list_scoring.py)."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, BM25FScorer) and hasattr(scorer, "dfl"):
            table = field_lengths(searcher, fieldname)
            if table is not None:
                scorer.dfl = table.__getitem__
                scorer.fieldname = fieldname
                scorer.length_norms = length_norms(searcher, scorer, table)
        return scorer
