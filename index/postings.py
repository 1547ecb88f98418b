"""The writer's posting buffer, grouped by term: whoosh's segment writer without its sort.

whoosh's ``PostingPool`` keeps every posting as a 5-tuple, sorts them all at
each spill, pickles them to a run file one call per posting and, at commit,
merges the runs back one posting at a time through ``heapq.merge``.  On the
news archive that was about a third of the indexing time (3.2 million
postings for 5,000 articles: 65% of them the variant field's), none of it
analysis.

A writer adds documents in docnum order, so a term's postings arrive already
in the order the segment stores them.  ``GroupedPostingPool`` appends each
posting to its term's list (a dict lookup, no tuple kept); a spill sorts the
*terms* (a tenth as many) and pickles them in chunks of lists; the commit
merges runs term by term, a run's postings of a term coming after the
earlier run's.  The postings written are the same, in the same order.

``KavoshSegmentWriter`` is whoosh's ``SegmentWriter`` with that pool, whose
commit writes each term's postings a block at a time (``write_terms``) with
the field lengths read once per field, instead of one ``add_posting`` call
and one length look-up per posting.
"""

from __future__ import annotations

import heapq
import pickle

from whoosh.util import random_name
from whoosh.writing import SegmentWriter

# whoosh's own estimate of a posting's memory, for ``limitmb``: the three list
# slots, a float weight, the value's bytes object; a new term costs its key,
# its list and its dict entry.
POSTING_BYTES = 8 * 3 + 24 + 33
TERM_BYTES = 56 + 33 + 56 + 100
# Terms pickled per chunk of a run file: big enough that pickling is one C
# call per chunk, small enough that a merge, holding one chunk of every run,
# reads little ahead of itself (2,048 added ~25 MB to the archive's commit).
TERMS_PER_CHUNK = 256


class GroupedPostingPool:
    """Postings buffered per (field, term), spilled to sorted runs when over ``limitmb``.

    The interface the segment writer uses of whoosh's PostingPool: ``add``,
    ``iter_postings``, ``save``, ``cleanup`` and ``fieldnames``.
    """

    def __init__(self, tempstore, limitmb: int = 128):
        self.tempstore = tempstore
        self.limit = limitmb * 1024 * 1024
        # {(fieldname, btext): [docnum, weight, value, docnum, ...]}
        self.buffer: dict[tuple[str, bytes], list] = {}
        # Terms whose postings did not arrive in docnum order (a writer that
        # merges segments adds them in order too; kept correct regardless).
        self.unordered: set[tuple[str, bytes]] = set()
        self.currentsize = 0
        self.fieldnames: set[str] = set()
        self.runs: list[str] = []

    def add(self, item) -> None:
        fieldname, btext, docnum, weight, value = item
        key = (fieldname, btext)
        postings = self.buffer.get(key)
        if postings is None:
            postings = self.buffer[key] = []
            self.fieldnames.add(fieldname)
            self.currentsize += TERM_BYTES + len(btext)
        elif postings[-3] >= docnum:
            self.unordered.add(key)
        postings += (docnum, weight, value)
        self.currentsize += POSTING_BYTES + (len(value) if value else 0)
        if self.currentsize > self.limit:
            self.save()

    def _sorted_terms(self):
        """(fieldname, btext, postings) of the buffer, in term order."""
        buffer, unordered = self.buffer, self.unordered
        for key in sorted(buffer):
            postings = buffer[key]
            if key in unordered:
                postings = _in_docnum_order(postings)
            yield key[0], key[1], postings

    def save(self) -> None:
        """Spill the buffer to a run file, its terms sorted."""
        if not self.buffer:
            return
        path = f"{random_name()}.run"
        f = self.tempstore.create_file(path)
        try:
            chunk = []
            for entry in self._sorted_terms():
                chunk.append(entry)
                if len(chunk) >= TERMS_PER_CHUNK:
                    pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                    chunk = []
            if chunk:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        finally:
            f.close()
        self.runs.append(path)
        self._clear()

    def _clear(self) -> None:
        self.buffer, self.unordered, self.currentsize = {}, set(), 0

    def _read_run(self, path: str, order: int):
        f = self.tempstore.open_file(path).raw_file()
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                for fieldname, btext, postings in chunk:
                    yield fieldname, btext, order, postings
        finally:
            f.close()
            self.tempstore.delete_file(path)

    def terms(self):
        """(fieldname, btext, postings) for every term in (field, term) order, its
        postings a flat [docnum, weight, value, ...] list in docnum order: the
        runs merged term by term, a term's postings from an earlier run (earlier
        documents) first."""
        if not self.runs:
            yield from self._sorted_terms()
        else:
            # The buffer becomes the last run: its memory is free for the
            # commit's own (whoosh's term table), which peaks while runs merge.
            self.save()
            # ``order`` makes every (field, term, order) distinct, so the lists
            # are never compared.
            sources = [self._read_run(path, n) for n, path in enumerate(self.runs)]
            self.runs = []
            merged = heapq.merge(*sources)
            entry = next(merged, None)
            while entry is not None:
                fieldname, btext, _order, postings = entry
                entry = next(merged, None)
                while entry is not None and entry[0] == fieldname and entry[1] == btext:
                    postings = postings + entry[3]
                    entry = next(merged, None)
                yield fieldname, btext, postings
        self._clear()

    def iter_postings(self):
        """Every posting as whoosh's (fieldname, btext, docnum, weight, value), in
        (field, term, docnum) order (what whoosh's own pool yields)."""
        for fieldname, btext, postings in self.terms():
            it = iter(postings)
            for docnum, weight, value in zip(it, it, it):
                yield fieldname, btext, docnum, weight, value

    def cleanup(self) -> None:
        for path in self.runs:
            try:
                self.tempstore.delete_file(path)
            except OSError:
                pass
        self.runs = []
        self._clear()


def _in_docnum_order(postings: list) -> list:
    it = iter(postings)
    triples = sorted(zip(it, it, it), key=lambda p: p[0])  # stable: equal docnums keep their order
    return [x for triple in triples for x in triple]


def _field_lengths(perdoc, fieldname: str) -> list:
    """Every document's length in ``fieldname`` (what the codec's per-posting
    accessor returns), read once for the field instead of once per posting."""
    get = perdoc.doc_field_length_reader(fieldname, 0)
    return [get(docnum) for docnum in range(perdoc.doc_count_all())]


def write_terms(fieldwriter, schema, perdoc, terms) -> None:
    """Write grouped postings through whoosh3's field writer, a block at a time.

    What whoosh's ``FieldWriter.add_postings`` does one posting at a time (an
    ``add_posting`` call with its type checks per posting), done per block of
    ``blocklimit`` postings with the same block contents and statistics:
    a block is written when full, its ids/weights/values in docnum order, its
    maximum weight and its shortest and longest (non-zero) document length.
    Tied to whoosh3's W3PostingsWriter (the version setup.cfg pins);
    tests/test_postings.py compares the index with whoosh's own writer's.
    """
    lastfn = None
    lengths: list = []
    for fieldname, btext, postings in terms:
        if fieldname != lastfn:
            if lastfn is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            lengths = _field_lengths(perdoc, fieldname) if perdoc is not None else []
            lastfn = fieldname
        fieldwriter.start_term(btext)
        block = fieldwriter._postwriter
        limit = block._blocklimit
        docnums, weights, values = postings[0::3], postings[1::3], postings[2::3]
        for start in range(0, len(docnums), limit):
            if start:
                block._write_block()  # full: add_posting writes it before the next posting
            ids = docnums[start:start + limit]
            block._ids.extend(ids)
            some_weights = weights[start:start + limit]
            block._weights.extend(some_weights)
            block._maxweight = max(block._maxweight, max(some_weights))
            block._values.extend(v for v in values[start:start + limit] if v)
            if lengths:
                known = [n for n in map(lengths.__getitem__, ids) if n]
                if known:
                    shortest = min(known)
                    if block._minlength is None or shortest < block._minlength:
                        block._minlength = shortest
                    block._maxlength = max(block._maxlength, max(known))
        fieldwriter.finish_term()
    if lastfn is not None:
        fieldwriter.finish_field()


class GroupedPostingsWriter:
    """Gives a whoosh segment writer (the single one, or the parallel one's
    parent) the grouped posting pool and the block-at-a-time term writer."""

    def __init__(self, ix, *args, limitmb: int = 128, **kwargs):
        super().__init__(ix, *args, limitmb=limitmb, **kwargs)
        self.pool = GroupedPostingPool(self._tempstorage, limitmb)

    def _flush_segment(self):
        self.perdocwriter.close()
        perdoc = self.per_document_reader() if self.codec.length_stats else None
        write_terms(self.fieldwriter, self.schema, perdoc, self.pool.terms())
        self.fieldwriter.close()
        if perdoc is not None:
            perdoc.close()


class KavoshSegmentWriter(GroupedPostingsWriter, SegmentWriter):
    """whoosh's segment writer with the grouped posting pool and block-at-a-time term writer."""
