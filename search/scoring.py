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
from collections import OrderedDict

from whoosh.scoring import BM25F, BM25FScorer

_LOCK = threading.Lock()
MAX_TABLES = 96  # (segment, field) tables kept: a few fields of a few dozen segments
_TABLES: OrderedDict = OrderedDict()


def field_lengths(searcher, fieldname: str):
    """docnum → the length whoosh's scorer reads for ``fieldname`` in this segment searcher.

    Kept per segment (segments never change once written), so every thread's
    searcher and every generation that still holds the segment share one table.
    """
    reader = searcher.reader()
    segment = getattr(reader, "segment", None)
    if segment is None:  # not one segment's reader: nothing to share
        return None
    key = (segment().indexname, segment().segment_id(), fieldname)
    with _LOCK:
        table = _TABLES.get(key)
        if table is not None:
            _TABLES.move_to_end(key)
            return table
    lengths = reader.doc_field_length
    table = tuple([lengths(d, fieldname, 1) for d in range(reader.doc_count_all())])
    with _LOCK:
        _TABLES[key] = table
        while len(_TABLES) > MAX_TABLES:
            _TABLES.popitem(last=False)
    return table


class CachedLengthBM25F(BM25F):
    """``BM25F`` whose scorers look document lengths up in memory (``field_lengths``)."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, BM25FScorer) and hasattr(scorer, "dfl"):
            table = field_lengths(searcher, fieldname)
            if table is not None:
                scorer.dfl = table.__getitem__
        return scorer
