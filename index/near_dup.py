"""Near-duplicate signatures: the same wire story reprinted by several papers.

Computed once per document at indexing time and stored with it, so the
clusters always follow from what the index holds: re-indexing a document
replaces its signature, removing it removes it, and no side table can go
stale.  At query time only the hits of one page window are compared
(``search/collapse.py``), through the band keys, never all pairs.

The measure is the Jaccard similarity of the documents' sets of 4-word
shingles, estimated by a MinHash signature.  Words are the analyzer's
tokens (the same tokenizer) in the analyzer's normalized form (letter
variants, diacritics, ZWNJ, digits), without stemming or stop words: a
reprint differs from its original by an edited sentence or a different
keyboard's ي/ی, not by inflection, and re-running the whole stemming chain
would cost indexing a second analysis of every body.  4-word shingles make
two articles on the same event, in their own words, share few shingles even
when they share most of their vocabulary.

The signature uses one hash per shingle (one-permutation MinHash, Li, Owen
and Zhang 2012): the 32-bit hash space is cut into ``BINS`` bins and each
bin keeps its smallest value; empty bins borrow the next filled bin's
value (rotation densification, Shrivastava and Li 2014).  Two signatures'
share of equal bins estimates the Jaccard similarity, at ~1 µs a shingle in
pure Python instead of ``BINS`` hashes each.
"""

from __future__ import annotations

import zlib
from array import array

from .analysis import TOKEN_PATTERN
from .normalize import normalize_token

SHINGLE = 4  # words per shingle
BINS = 64  # signature length
BAND_ROWS = 3  # bins per LSH band: 21 bands; a pair at similarity 0.5 shares one with p ≈ 0.94
MIN_SHINGLES = 12  # shorter texts get no signature: a few shared phrases are not a reprint
SCAN_CHARS = 100_000  # a signature reads this much of the text (a news story is a few thousand)
_EMPTY = 0xFFFFFFFF
_BIN_BITS = BINS.bit_length() - 1
_VALUE_BITS = 32 - _BIN_BITS  # a bin keeps the hash's other bits...
_BORROWED = 1 << _VALUE_BITS  # ...and a borrowed value carries its distance above them


def signature(text: str) -> bytes:
    """The MinHash signature of ``text`` (``BINS`` 32-bit values), or b"" when too short."""
    words = [w for w in map(normalize_token, TOKEN_PATTERN.findall(text[:SCAN_CHARS])) if w]
    if len(words) - SHINGLE + 1 < MIN_SHINGLES:
        return b""
    shingles = map(" ".join, zip(*(words[k:] for k in range(SHINGLE))))
    hashes = sorted(map(zlib.crc32, map(str.encode, shingles)), reverse=True)
    # Within a bin (the low bits), a larger hash has a larger value (the high
    # bits): filled from the largest down, each bin ends with its smallest.
    mask = BINS - 1
    filled = {h & mask: h >> _BIN_BITS for h in hashes}
    mins = [filled.get(b, _EMPTY) for b in range(BINS)]
    for b in range(BINS):  # densify: an empty bin takes the next filled bin's value, marked by distance
        if mins[b] == _EMPTY:
            for step in range(1, BINS):
                other = mins[(b + step) % BINS]
                if other < _BORROWED:  # a bin's own value, not one borrowed already
                    mins[b] = other | (step << _VALUE_BITS)
                    break
    return array("I", mins).tobytes()


def band_keys(sig: bytes) -> list[str]:
    """The LSH band keys of a signature: two documents are compared only if they share one."""
    if not sig:
        return []
    values = array("I")
    values.frombytes(sig)
    return [f"{band:x}:{zlib.crc32(sig[band * BAND_ROWS * 4:(band + 1) * BAND_ROWS * 4]):08x}"
            for band in range(len(values) // BAND_ROWS)]


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two texts' shingles (0.0 if either has no signature)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    x, y = array("I"), array("I")
    x.frombytes(a)
    y.frombytes(b)
    return sum(1 for p, q in zip(x, y) if p == q) / len(x)
