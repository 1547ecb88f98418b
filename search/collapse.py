"""Folding near-duplicate hits: a wire story reprinted by several papers is shown once.

Each document's MinHash signature was computed when it was indexed
(``index/near_dup.py``) and lives in the ``near_dup`` column, so this reads
256 bytes a hit and no stored body.  Only a bounded window of the top hits is
looked at (``window_size``, widened within ``most_fetched`` when a page would
fall short), and within it a hit is compared only with the
group leaders it shares an LSH band with: no pairwise work over the result set.

Folding is greedy in rank order: a hit joins the first (best-ranked) group
whose leader it resembles, otherwise it leads a new group.  Because a
group's leader depends only on the hits ranked above it, page 2 computed
with a larger window starts exactly where page 1 ended.
"""

from __future__ import annotations

from bisect import bisect_right

from kavosh.index.near_dup import band_keys, similarity

FIELD = "near_dup"
# Estimated Jaccard similarity of 4-word shingles at or above which two hits
# are the same story (bench/bench_collapse.py measures what this folds).
THRESHOLD = 0.5
# The window: this many times the hits a page needs, plus a few; a page of 10
# looks at the top 50.  Only when the window runs out of distinct stories (one
# story printed dozens of times) does it grow, up to ``MAX_EXTRA`` beyond the page.
WINDOW_FACTOR = 4
WINDOW_EXTRA = 10
MAX_EXTRA = 400


def window_size(want: int) -> int:
    """How many top hits to fold so that ``want`` collapsed groups are usually filled."""
    return min(want * WINDOW_FACTOR + WINDOW_EXTRA, most_fetched(want))


def most_fetched(want: int) -> int:
    """How many top hits a collapsed search keeps ranked (scoring costs the same; the
    heap of a few hundred more is cheap, and a short page needs no second search)."""
    return want + MAX_EXTRA


def page(signature_of, available: int, offset: int, want: int) -> list[tuple[int, list[int]]]:
    """The groups ``offset``–``want`` of the top ``available`` ranked hits (``signature_of(i)``
    reads the i-th hit's signature), folding a wider window only if the first falls short."""
    size = window_size(want)
    while True:
        n = min(size, available)
        grouped = groups([signature_of(i) for i in range(n)])
        if len(grouped) >= want or n == available:
            return grouped[offset:want]
        size *= WINDOW_FACTOR


def signatures(searcher) -> "Signatures":
    """docnum → signature (b"" for none) for this searcher, opened once and kept with it.

    Opened when the searcher is (engine._open_lazy_files): a later commit may
    delete this generation's column files.
    """
    column = getattr(searcher, "_kavosh_near_dup", None)
    if column is None:
        column = searcher._kavosh_near_dup = Signatures(searcher)
    return column


class Signatures:
    """The ``near_dup`` column of every segment, by global docnum.

    Per segment, not whoosh's MultiColumnReader: that one skips a segment
    without the column and then maps the next documents to the wrong one.
    """

    def __init__(self, searcher):
        self._starts, self._columns = [], []
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            has = FIELD in reader.schema and reader.doc_count_all() and reader.has_column(FIELD)
            self._starts.append(offset)
            self._columns.append(reader.column_reader(FIELD) if has else None)

    def __getitem__(self, docnum: int) -> bytes:
        i = bisect_right(self._starts, docnum) - 1
        column = self._columns[i] if i >= 0 else None
        return (column[docnum - self._starts[i]] or b"") if column is not None else b""


def groups(sigs: list[bytes], threshold: float = THRESHOLD) -> list[tuple[int, list[int]]]:
    """(leader position, [folded positions]) for hits given in rank order by signature."""
    out: list[tuple[int, list[int]]] = []
    by_band: dict[str, list[int]] = {}  # band key → groups whose leader has it
    for pos, sig in enumerate(sigs):
        keys = band_keys(sig) if sig else []
        home = None
        candidates = sorted({g for key in keys for g in by_band.get(key, ())})
        for g in candidates:
            if similarity(sig, sigs[out[g][0]]) >= threshold:
                home = g
                break
        if home is not None:
            out[home][1].append(pos)
            continue
        out.append((pos, []))
        for key in keys:
            by_band.setdefault(key, []).append(len(out) - 1)
    return out
