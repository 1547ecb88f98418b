"""One file's documents in the index: added, replaced, kept as they are, or removed.

``index_paths`` (index/writer.py) decides which files a run reads; here each
file's documents are decided: an unchanged file costs a stat (or a hash), a
changed one has its old documents deleted and its new ones written, and a
record whose id another file already holds is skipped, its file read again
by later runs (the other holder may have gone).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

from .analysis import DocumentText
from .dates import date_key
from .ingest import MAX_DOC_BYTES, Skip, open_source
from .near_dup import signature as near_dup_signature
from .normalize import detect_language
from .run_report import IndexSummary, ProgressCounter


@dataclass
class Holder:
    """Who holds an id in the index: a document's source file and shown path."""

    source_file: str
    path: str


class IdHolders:
    """Every id in the index → its holder, looked up in the index as needed and
    kept up to date with this run's changes (``None``: freed in this run)."""

    def __init__(self, searcher=None):
        self.searcher = searcher
        self.local: dict[str, Holder | None] = {}

    def get(self, doc_id: str) -> Holder | None:
        if doc_id not in self.local:
            holder = self._lookup(doc_id)
            if holder is None:
                return None
            self.local[doc_id] = holder
        return self.local[doc_id]

    def _lookup(self, doc_id: str) -> Holder | None:
        """The committed index's holder of ``doc_id`` (the OpenSearch backend's is its own)."""
        docnum = self.searcher.document_number(id=doc_id) if self.searcher else None
        if docnum is None:
            return None
        stored = self.searcher.stored_fields(docnum)
        return Holder(stored["source_file"], stored.get("path") or stored["source_file"])

    def __setitem__(self, doc_id: str, holder: Holder) -> None:
        self.local[doc_id] = holder

    def release(self, doc_id: str, source_file: str) -> None:
        holder = self.get(doc_id)
        if holder is not None and holder.source_file == source_file:
            self.local[doc_id] = None


def index_file(writer, sf, old: dict | None, summary: IndexSummary,
                ids: IdHolders, recheck: set[str], max_doc_bytes: int = MAX_DOC_BYTES,
                counter: ProgressCounter | None = None, ready: Future | None = None) -> bool:
    """Add, replace or skip one file's documents; returns whether the index changed.

    ``ids`` (every id in the index → its holder) is kept up to date: a record
    whose id another file already holds is skipped and reported, and its file
    goes into ``recheck`` so that later runs read it again (the other holder
    may have gone).  A .jsonl file's documents arrive as a stream (read as
    they are indexed), so its warnings are complete only after the loop.
    """
    if not sf.problem and old and old["size"] == sf.size and old["mtime"] == sf.mtime:
        summary.unchanged += len(old["keys"])
        return False
    try:
        if ready is not None:  # read ahead in a thread (index/read_ahead.py): its Skip is raised here
            source, parsed = ready.result()
        else:
            source = open_source(sf, max_doc_bytes)  # checked and hashed, in bounded memory
        summary.bytes_read += source.size
        if counter is not None:
            counter.opened(source.lines)
        if old and old["sha1"] == source.sha1:
            summary.unchanged += len(old["keys"])
            return False
        if ready is None:
            parsed = source.parse()
    except Skip as skip:
        summary.skipped.append(f"{sf.rel}: {skip}")
        if old:  # the file was indexed before and is now unusable: its old text goes
            writer.delete_by_term("source_file", sf.text_path)
            summary.removed += len(old["keys"])
            release_ids(ids, old, sf.text_path)
            return True
        return False
    sha1 = source.sha1
    path = sf.text_path
    if old:
        release_ids(ids, old, path)
    if old and old.get("rechecked_sha1") == sha1:
        # Read again only because some of its ids were taken: unchanged if they still are.
        if kept_keys(source.parse().documents, sf, ids, path, summary) == old["keys"]:
            summary.unchanged += len(old["keys"])
            hold_again(ids, old, sf, recheck)
            return False
        parsed = source.parse()
    if old:
        writer.delete_by_term("source_file", path)
    new_keys = set()
    for doc in parsed.documents:
        if counter is not None:
            counter.tick()
        if not claim(ids, doc, sf, summary, recheck):
            continue
        key = f"{path}#{doc.id}"
        new_keys.add(key)
        fields = document_fields(doc, sf, key, sha1)
        writer.add_document(**fields)
    summary.warnings.extend(parsed.warnings)
    summary.skipped.extend(parsed.skipped)
    old_keys = old["keys"] if old else set()
    summary.updated += len(new_keys & old_keys)
    summary.added += len(new_keys - old_keys)
    summary.removed += len(old_keys - new_keys)
    return True


def kept_keys(documents, sf, ids: IdHolders, path: str, summary: IndexSummary) -> set[str]:
    """The keys a file's documents would get, without writing them; ids taken elsewhere
    are left out and reported again."""
    keys = set()
    for doc in documents:
        holder = ids.get(doc.id)
        if holder is None or holder.source_file == path:
            keys.add(f"{path}#{doc.id}")
        else:
            summary.skipped.append(taken(sf, doc.id, holder))
    return keys


def claim(ids: IdHolders, doc, sf, summary: IndexSummary, recheck: set[str]) -> bool:
    """Give ``doc`` of file ``sf`` its id, unless another file's document holds it: then
    the record is skipped with ``taken``'s line and the file read again by later runs
    (the holder may go).  Both backends' indexers decide a record's id here."""
    holder = ids.get(doc.id)
    if holder is not None and holder.source_file != sf.text_path:
        summary.skipped.append(taken(sf, doc.id, holder))
        recheck.add(sf.text_path)
        return False
    ids[doc.id] = Holder(sf.text_path, sf.rel)
    return True


def hold_again(ids: IdHolders, old: dict, sf, recheck: set[str]) -> None:
    """A file read again only for its taken ids, and found as it was: its documents keep
    their ids, and later runs read it again."""
    for doc_id in old.get("ids", ()):
        ids[doc_id] = Holder(sf.text_path, sf.rel)
    recheck.add(sf.text_path)


def release_ids(ids: IdHolders, old: dict, source_file: str) -> None:
    """The ids a file's old documents held are free again (they are being replaced)."""
    for doc_id in old.get("ids", ()):
        ids.release(doc_id, source_file)


def taken(sf, doc_id: str, holder: Holder) -> str:
    """The skip line of a record whose id another file's document already holds."""
    return (f"{sf.rel}: duplicate id {doc_id!r}, already the id of a document from "
            f"{holder.path}; record not indexed (give it an id of its own)")


def document_fields(doc, sf, key: str, sha1: str) -> dict:
    """What the index stores and analyses for one document of file ``sf``."""
    # The document's language, decided once: declared (JSONL `lang`) or
    # detected from title and body together; the analyzer stems both in it.
    lang = doc.lang or detect_language(doc.title + "\n" + doc.body)
    fields = dict(
        key=key,
        id=doc.id,
        path=sf.rel,
        root=sf.text_root,
        source_file=sf.text_path,
        title=DocumentText(doc.title, lang),
        _stored_title=doc.title,
        body=DocumentText(doc.body, lang),
        _stored_body=doc.body,
        variant=doc.title + "\n" + doc.body,
        title_exact=doc.title,
        body_exact=doc.body,
        lang=lang,
        near_dup=near_dup_signature(doc.body),
        size=sf.size,
        mtime=sf.mtime,
        sha1=sha1,
    )
    for name in ("url", "date", "source", "date_origin"):
        value = getattr(doc, name)
        if value:
            fields[name] = value
    fields["date_key"] = date_key(doc.date)
    return fields
