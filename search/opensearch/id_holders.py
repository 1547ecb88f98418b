"""Which file holds each document id, for the OpenSearch indexer: whoosh's rule.

An OpenSearch document's ``_id`` is its Kavosh id, so a record whose id another
file's document holds would silently replace that document.  As on whoosh
(index/file_update.py, whose ``IdHolders``, ``claim``, ``hold_again`` and
``kept_keys`` are used here), the record is skipped and reported instead, and its file goes into
``recheck`` (kept in the index's meta) so that later runs read it again: the
other holder may have gone.  Holders are looked up with one ``mget`` per
file's batch of ids, not one request per record.
"""

from __future__ import annotations

from kavosh.index.file_update import Holder, IdHolders, claim, hold_again, kept_keys, release_ids
from kavosh.index.roots import is_under

MGET_CHUNK = 1_000


class IndexIdHolders(IdHolders):
    """Every id in the index behind a run (``client`` None: a new, empty index) → its holder."""

    def __init__(self, client=None, index: str | None = None):
        super().__init__(None)
        self.client, self.index = client, index
        self.absent: set[str] = set()  # looked up, in no document of the index

    def prefetch(self, doc_ids) -> None:
        """Look up, in batches, the ids neither this run nor an earlier lookup knows."""
        if self.client is None:
            return
        unknown = sorted({i for i in doc_ids if i not in self.local and i not in self.absent})
        for start in range(0, len(unknown), MGET_CHUNK):
            found = self.client.mget(index=self.index, body={"ids": unknown[start:start + MGET_CHUNK]},
                                     _source=["source_file", "path"])
            for doc in found["docs"]:
                if doc.get("found"):
                    src = doc["_source"]
                    self.local[doc["_id"]] = Holder(src["source_file"], src.get("path") or src["source_file"])
                else:
                    self.absent.add(doc["_id"])

    def _lookup(self, doc_id: str) -> Holder | None:
        self.prefetch([doc_id])
        return self.local.get(doc_id)

    def free(self, old: dict, source_file: str) -> None:
        """A file's old documents are replaced or deleted: the ids they held are free again."""
        self.prefetch(old.get("ids", ()))
        release_ids(self, old, source_file)


def claimed(ids: IndexIdHolders, documents: list, sf, summary, recheck: set[str]) -> list:
    """The documents of ``sf`` that get their ids; one whose id another file holds is
    skipped with whoosh's line, and the file rechecked by later runs."""
    ids.prefetch(doc.id for doc in documents)
    return [doc for doc in documents if claim(ids, doc, sf, summary, recheck)]


def still_kept_out(ids: IndexIdHolders, documents: list, sf, old: dict | None, sha1: str,
                   summary, recheck: set[str]) -> bool:
    """Whether a file read again only for its taken ids (``rechecked_sha1``) is as it was:
    its ids still taken (said again), its documents left as they are."""
    if not old or old.get("rechecked_sha1") != sha1:
        return False
    path, said = sf.text_path, len(summary.skipped)
    ids.prefetch(doc.id for doc in documents)
    if kept_keys(documents, sf, ids, path, summary) != old["keys"]:
        del summary.skipped[said:]  # the file is indexed again: its lines come from that
        return False
    hold_again(ids, old, sf, recheck)
    return True


def to_recheck(meta: dict, listed: set[str], given: list[str]) -> set[str]:
    """The index's ``recheck`` files still to read again: those this run lists, and those
    out of its reach (under no path given); a file gone from a given path is gone."""
    return {f for f in meta.get("recheck", [])
            if f in listed or not any(f == g or is_under(f, g) for g in given)}


def reread(old: dict | None, path: str, recheck: set[str]) -> dict | None:
    """A file's indexed state, as ``_actions`` compares it: a file in ``recheck`` (records
    kept out by a taken id) is read again, as if changed, and checked by ``still_kept_out``."""
    if old and path in recheck:
        old = dict(old, size=None, sha1=None, rechecked_sha1=old["sha1"])
    recheck.discard(path)
    return old
