"""Building and updating the index: incremental, atomic, one writer at a time.

Atomic: whoosh writes new segment files first and makes them visible by
writing a new table of contents at commit, so a run killed midway leaves
the previous index searchable.  ``--rebuild`` commits with whoosh's CLEAR
merge policy (or, across an incompatible version, writes a new index name
beside the old one) so the switch is again a single commit.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import CLEAR

from .analysis import ANALYZER_VERSION, DocumentText
from .errors import IndexNotFound, InputError
from .dates import date_key
from .formats import format_for, suffix_label
from .ingest import MAX_DOC_BYTES, Skip, discover, open_source
from .near_dup import signature as near_dup_signature
from .normalize import detect_language
from .parallel import ParallelWriter
from .read_ahead import ReadAhead
from .postings import KavoshSegmentWriter
from .roots import Root, absolute, dump_roots, is_under, load_roots, new_root, owner
from .fingerprint import schema_fingerprint
from .schema import INDEX_NAME, SCHEMA_VERSION, index_exists, read_meta, write_meta
from .store import (LazyWriter, clean_leftovers, merge_dropping_empty, open_or_create,
                    remove_other_indexes, writer_lock)

# Below this much input to (re)index, one process: starting the analysing
# processes costs more than they save.
PARALLEL_MIN_BYTES = 8 << 20
# Whether a run picks several processes by itself (else only when asked:
# `kavosh index --procs`, $KAVOSH_INDEX_PROCS).  A parallel build leaves one
# segment per process; since search/dismax.py and spelling.fuzzy_terms a
# several-segment index scores every document as one segment does
# (tests/test_segments.py).  Still off: its wall time and memory against the
# single writer are yet to be measured on a quiet machine.
AUTO_PARALLEL = False
# The posting buffers' budget (an estimate, MB) before a sorted run is spilled
# to disk, shared by the writer processes: the commit merges more runs, but
# several processes together stay near one's memory.  Runs are merged term by
# term (index/postings.py), so more of them cost little.  A single writer of
# the news archive peaked at 627 MB with 128, 491 MB with 64 (its word caches
# at 100,000 words each); the peak is in the commit, while runs are merged.
LIMIT_MB = 64
MIN_LIMIT_MB = 48


@dataclass
class Progress:
    """What ``index_paths`` tells its ``progress`` callback, after each document
    read and once more when the final commit starts."""

    phase: str  # "indexing", then "committing"
    docs: int  # documents read so far in this run (new or changed files only)
    docs_total: int  # an estimate: the records of the files read so far, plus a guess for the rest
    bytes_done: int  # of the input files, unchanged ones included
    bytes_total: int
    name: str  # the file being read


def index_procs(procs: int | None = None) -> int:
    """How many processes analyse documents: ``procs``, else $KAVOSH_INDEX_PROCS,
    else (or for 0) the CPUs this process may use."""
    if procs is None:
        env = os.environ.get("KAVOSH_INDEX_PROCS", "").strip()
        if env.isdigit():
            procs = int(env)
    if not procs:
        try:
            procs = len(os.sched_getaffinity(0))
        except AttributeError:
            procs = os.cpu_count() or 1
    return max(1, procs)


def _streamed(sf) -> bool:
    fmt = format_for(sf.path)
    return fmt is not None and fmt.stream is not None


class _Counter:
    """Turns the documents read into Progress calls (see ``Progress``)."""

    def __init__(self, callback, files):
        self.callback = callback
        self.sizes = [sf.size or 0 for sf in files]
        # A streamed format (JSONL) holds many documents a file; the others one each.
        self.streamed = [_streamed(sf) for sf in files]
        self.bytes_total = sum(self.sizes)
        self.before = 0  # bytes of the files finished
        self.docs = 0
        self.index = -1
        self.lines = 1
        self.in_file = 0
        self.name = ""

    def start(self, index: int, name: str) -> None:
        if self.index >= 0:
            self.before += self.sizes[self.index]
        self.index, self.name, self.lines, self.in_file = index, name, 1, 0

    def opened(self, lines: int) -> None:
        self.lines = max(1, lines)

    def tick(self) -> None:
        self.docs += 1
        self.in_file += 1
        self._call("indexing")

    def _call(self, phase: str) -> None:
        if self.callback is None:
            return
        size = self.sizes[self.index] if self.index >= 0 else 0
        done = self.before + (min(size, size * self.in_file // self.lines) if phase == "indexing" else size)
        later = range(self.index + 1, len(self.sizes))
        per_doc = done / self.docs if self.docs else 2000
        guess = sum(1 if not self.streamed[i] else round(self.sizes[i] / max(per_doc, 1)) for i in later)
        total = self.docs + max(0, self.lines - self.in_file) + guess
        self.callback(Progress(phase, self.docs, total if phase == "indexing" else self.docs,
                               done if phase == "indexing" else self.bytes_total,
                               self.bytes_total, self.name))

    def committing(self) -> None:
        self.index = len(self.sizes) - 1 if self.sizes else -1
        self._call("committing")


@dataclass
class IndexSummary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # "file: reason"
    unsupported: list[str] = field(default_factory=list)  # files of a type no format reads
    warnings: list[str] = field(default_factory=list)
    documents: int = 0  # in the index after the run
    bytes_read: int = 0
    seconds: float = 0.0
    cleaned: int = 0  # leftover files of interrupted runs deleted

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    def line(self) -> str:
        rate = self.indexed / self.seconds if self.seconds > 0 else 0.0
        return (
            f"{self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged, {len(self.skipped)} skipped; "
            f"{self.documents} documents in the index; "
            f"{self.seconds:.1f} s, {rate:.0f} docs/s"
        )

    def unsupported_line(self) -> str | None:
        """'12 files of unsupported types (.pptx 7, .xlsx 5)', most common type first; None if none."""
        if not self.unsupported:
            return None
        counts = Counter(suffix_label(name) for name in self.unsupported)
        n = len(self.unsupported)
        kinds = ", ".join(f"{suffix} {count}" for suffix, count in
                          sorted(counts.items(), key=lambda item: (-item[1], item[0])))
        return (f"{n} file{'s' if n > 1 else ''} of unsupported type{'s' if len(counts) > 1 else ''} "
                f"({kinds})")


@dataclass
class _Held:
    """Who holds an id in the index: a document's source file and shown path."""

    source_file: str
    path: str


class _Ids:
    """Every id in the index → its holder, looked up in the index as needed and
    kept up to date with this run's changes (``None``: freed in this run)."""

    def __init__(self, searcher=None):
        self.searcher = searcher
        self.local: dict[str, _Held | None] = {}

    def get(self, doc_id: str) -> _Held | None:
        if doc_id not in self.local:
            docnum = self.searcher.document_number(id=doc_id) if self.searcher else None
            if docnum is None:
                return None
            stored = self.searcher.stored_fields(docnum)
            self.local[doc_id] = _Held(stored["source_file"], stored.get("path") or stored["source_file"])
        return self.local[doc_id]

    def __setitem__(self, doc_id: str, holder: _Held) -> None:
        self.local[doc_id] = holder

    def release(self, doc_id: str, source_file: str) -> None:
        holder = self.get(doc_id)
        if holder is not None and holder.source_file == source_file:
            self.local[doc_id] = None


def _scan(searcher, scopes) -> dict[str, dict]:
    """source_file → {size, mtime, sha1, keys, ids} for the documents in the scopes
    being re-indexed.  A small root in a large index reads only its own documents'
    stored fields; when the scopes hold most of the index, one sequential pass over
    all stored fields is faster than a lookup per document."""
    wheres: dict[str, list[str]] = {}
    for root, where, _given in scopes:
        wheres.setdefault(root.path, []).append(where)
    docnums = [n for root_path in wheres for n in searcher.document_numbers(root=root_path)]
    if len(docnums) > searcher.doc_count() // 2:
        stored_docs = (d for d in searcher.all_stored_fields() if d.get("root") in wheres)
    else:
        stored_docs = (searcher.stored_fields(n) for n in docnums)
    state: dict[str, dict] = {}
    for stored in stored_docs:
        source_file = stored["source_file"]
        if not any(source_file == where or is_under(source_file, where)
                   for where in wheres[stored["root"]]):
            continue
        entry = state.setdefault(
            source_file,
            {"size": stored.get("size"), "mtime": stored.get("mtime"),
             "sha1": stored.get("sha1"), "keys": set(), "ids": set()},
        )
        entry["keys"].add(stored["key"])
        entry["ids"].add(stored["id"])
    return state


def _gone_error(path: Path, roots: list[Root]) -> InputError:
    """The error for a path that does not exist, naming `kavosh remove` if it was indexed."""
    where = absolute(path)
    known = next((r for r in roots if r.path == where), None)
    if known is not None:
        return InputError(
            f"{path}: this indexed {known.kind} is gone; its documents are still in the index: "
            f"run `kavosh remove {path}` to drop them")
    if owner(where, roots) is not None:
        return InputError(f"{path}: no such file or folder; if it was indexed, "
                          f"`kavosh remove {path}` drops its documents")
    return InputError(f"{path}: no such file or folder")


def index_paths(index_dir: Path, paths: list[Path], *, rebuild: bool = False,
                wait: bool = False, progress=None,
                max_doc_bytes: int = MAX_DOC_BYTES, procs: int | None = None,
                schema_options: dict | None = None) -> IndexSummary:
    """Index (or bring up to date) the documents under ``paths`` into ``index_dir``.

    Each path becomes a root of the index (index/roots.py) unless it lies in
    one already; only the documents under the given paths are touched.
    ``progress``, if given, is called with a ``Progress`` after each document
    read and when the final commit starts.
    ``max_doc_bytes``: a .txt/.html file, or a JSONL record, bigger than this is skipped.
    ``procs``: processes that analyse documents (0: one per CPU); given (or
    $KAVOSH_INDEX_PROCS), it applies to any run; else one, or with AUTO_PARALLEL
    the CPUs when there are at least PARALLEL_MIN_BYTES of new or changed files.
    ``schema_options``: ``build_schema``'s keywords for a new index (experiments).
    """
    index_dir = Path(index_dir)
    for p in paths:
        if not p.exists():
            raise _gone_error(p, [] if rebuild else load_roots(read_meta(index_dir)))
        if not os.access(p, os.R_OK):
            raise InputError(f"{p}: permission denied")
    started = time.perf_counter()
    summary = IndexSummary()
    with writer_lock(index_dir, wait=wait):
        ix, fresh = open_or_create(index_dir, rebuild, schema_options)
        fingerprint = schema_fingerprint(ix.schema)  # of the code this run loaded, read now
        summary.cleaned = clean_leftovers(index_dir, ix)
        old_meta = {} if fresh else (read_meta(index_dir) or {})
        roots = [] if (fresh or rebuild) else load_roots(old_meta)
        recheck = set() if (fresh or rebuild) else set(old_meta.get("recheck", []))
        scopes: list[tuple[Root, str, Path]] = []  # (root, the path given inside it, as text and on disk)
        for p in paths:
            where = absolute(p)
            root = owner(where, roots)
            if root is None:
                root = new_root(where, "folder" if Path(p).is_dir() else "file", roots)
                roots.append(root)
            scopes.append((root, where, p))
        # Open through the run: ids are looked up in the committed state as records come.
        searcher = None if (fresh or rebuild) else ix.searcher()
        state = _scan(searcher, scopes) if searcher else {}
        ids = _Ids(searcher)
        files, listed, left_to = [], set(), {}
        for root, _where, given in scopes:
            for sf in discover(given):
                if sf.unsupported:
                    summary.unsupported.append(root.prefix + root.rel(sf.text_path))
                    continue
                path = sf.text_path
                holder = owner(path, roots)
                if holder is not root:  # inside an older root given on its own
                    left_to[holder.path] = left_to.get(holder.path, 0) + 1
                    continue
                if path not in listed:
                    listed.add(path)
                    files.append(replace(sf, root=Path(root.path), rel=root.prefix + root.rel(path)))
        for path, n in left_to.items():
            summary.warnings.append(f"{n} files under {path} belong to that root, indexed on its own; left as they are")
        # compound=False: one file per part of a segment.  whoosh3 opens a
        # compound segment by copying it into memory (BytesIO over the mmap),
        # which cost every search 0.18 s on a 40k-article index.
        to_read = sum(sf.size or 0 for sf in files
                      if not (state.get(sf.text_path) and state[sf.text_path]["size"] == sf.size
                              and state[sf.text_path]["mtime"] == sf.mtime))
        explicit = procs is not None or os.environ.get("KAVOSH_INDEX_PROCS", "").strip().isdigit()
        procs = index_procs(procs) if explicit or (AUTO_PARALLEL and to_read >= PARALLEL_MIN_BYTES) else 1
        factory = lambda **kw: KavoshSegmentWriter(ix, **kw)  # noqa: E731
        if procs > 1:  # analysis in `procs` processes, one segment each (index/parallel.py)
            factory = lambda **kw: ParallelWriter(ix, procs=procs, **kw)  # noqa: E731
        writer = LazyWriter(ix, factory, limitmb=max(MIN_LIMIT_MB, LIMIT_MB // procs), compound=False)
        counter = _Counter(progress, files)
        changed = rebuild
        gone = [f for f in state if f not in listed]
        for source_file in gone:  # their ids are free now: a renamed JSONL file keeps its ids
            _release(ids, state[source_file], source_file)
        in_scope = lambda f: any(f == where or is_under(f, where) for _root, where, _given in scopes)  # noqa: E731
        recheck = {f for f in recheck if f in listed or not in_scope(f)}
        ahead = ReadAhead(files, state, max_doc_bytes, procs)
        try:
            for n, sf in enumerate(files):
                counter.start(n, sf.rel)
                key = sf.text_path
                old = state.get(key)
                if old and key in recheck:  # it had records skipped for a taken id: read it again
                    old = dict(old, size=None, sha1=None, rechecked_sha1=old["sha1"])
                recheck.discard(key)
                changed |= _index_file(writer, sf, old, summary, ids, recheck, max_doc_bytes, counter,
                                       ahead.take(n))
            for source_file in gone:
                writer.delete_by_term("source_file", source_file)
                summary.removed += len(state[source_file]["keys"])
                changed = True
        except BaseException:
            if writer.writer is not None:
                writer.cancel()
            raise
        finally:
            ahead.close()
            if searcher is not None:
                searcher.close()
        if changed:
            if isinstance(writer.writer, ParallelWriter):
                writer.writer.send_pending()  # every fork before the progress line's thread
            counter.committing()
            writer.commit(mergetype=CLEAR if rebuild else merge_dropping_empty)
        if rebuild or fresh:
            remove_other_indexes(index_dir)
        with ix.searcher() as searcher:
            summary.documents = searcher.doc_count()
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        meta = dict(old_meta)
        meta.update(
            format="kavosh-index",
            schema_version=SCHEMA_VERSION,
            analyzer_version=ANALYZER_VERSION,
            analysis_fingerprint=fingerprint,
            index_name=INDEX_NAME,
            created=old_meta.get("created") if not (rebuild or fresh) else now,
            updated=now if changed else old_meta.get("updated", now),
            roots=dump_roots(roots),
            recheck=sorted(recheck),
        )
        if meta != old_meta:
            write_meta(index_dir, meta)
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass
class Removed:
    path: str  # as given
    what: str  # "root", "file" or "folder"
    documents: int


def remove_paths(index_dir: Path, paths: list[Path], *, wait: bool = False) -> tuple[list[Removed], int]:
    """Drop roots, files or folders from the index in one commit, even if gone from disk.

    Returns what was removed and the documents left.  Every path is checked
    before anything is deleted: an unknown one removes nothing.
    """
    from kavosh.engine import open_index

    index_dir = Path(index_dir)
    open_index(index_dir).close()  # no index, or one this run cannot write: its error says so
    with writer_lock(index_dir, wait=wait):
        meta = read_meta(index_dir)
        if meta is None or not index_exists(index_dir):
            raise IndexNotFound(f"no index at {index_dir}")
        ix = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)
        clean_leftovers(index_dir, ix)
        roots = load_roots(meta)
        per_root: dict[str, int] = {}
        per_file: dict[str, int] = {}
        with ix.searcher() as searcher:
            for stored in searcher.all_stored_fields():
                per_root[stored.get("root")] = per_root.get(stored.get("root"), 0) + 1
                per_file[stored["source_file"]] = per_file.get(stored["source_file"], 0) + 1
        plan: list[tuple[Removed, list[tuple[str, str]], Root | None]] = []
        for p in paths:
            where = absolute(p)
            root = next((r for r in roots if r.path == where), None)
            if root is not None:
                plan.append((Removed(str(p), "root", per_root.get(where, 0)), [("root", where)], root))
            elif where in per_file:
                plan.append((Removed(str(p), "file", per_file[where]), [("source_file", where)], None))
            else:
                inside = [f for f in per_file if is_under(f, where)]
                if not inside:
                    raise InputError(f"{p}: not an indexed root, folder or file "
                                     "(`kavosh stats` lists the roots)")
                plan.append((Removed(str(p), "folder", sum(per_file[f] for f in inside)),
                             [("source_file", f) for f in inside], None))
        writer = LazyWriter(ix)
        try:
            for _removed, terms, _root in plan:
                for field_name, text in terms:
                    writer.delete_by_term(field_name, text)
        except BaseException:
            if writer.writer is not None:
                writer.cancel()
            raise
        if writer.writer is not None:
            writer.commit(mergetype=merge_dropping_empty)
        dropped = {root.path for _r, _t, root in plan if root is not None}
        meta["roots"] = dump_roots([r for r in roots if r.path not in dropped])
        gone = [where for _r, terms, _root in plan for _f, where in terms]
        meta["recheck"] = [f for f in meta.get("recheck", [])
                           if not any(f == g or is_under(f, g) for g in gone)]
        meta["updated"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        write_meta(index_dir, meta)
        with ix.searcher() as searcher:
            left = searcher.doc_count()
    return [removed for removed, _t, _r in plan], left


def _index_file(writer, sf, old: dict | None, summary: IndexSummary,
                ids: _Ids, recheck: set[str], max_doc_bytes: int = MAX_DOC_BYTES,
                counter: _Counter | None = None, ready: Future | None = None) -> bool:
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
            _release(ids, old, sf.text_path)
            return True
        return False
    sha1 = source.sha1
    path = sf.text_path
    if old:
        _release(ids, old, path)
    if old and old.get("rechecked_sha1") == sha1:
        # Read again only because some of its ids were taken: unchanged if they still are.
        if _kept_keys(source.parse(), sf, ids, path, summary) == old["keys"]:
            summary.unchanged += len(old["keys"])
            for doc_id in old.get("ids", ()):
                ids[doc_id] = _Held(path, sf.rel)
            recheck.add(path)
            return False
        parsed = source.parse()
    if old:
        writer.delete_by_term("source_file", path)
    new_keys = set()
    for doc in parsed.documents:
        if counter is not None:
            counter.tick()
        holder = ids.get(doc.id)
        if holder is not None and holder.source_file != path:
            summary.skipped.append(
                f"{sf.rel}: duplicate id {doc.id!r}, already the id of a document from "
                f"{holder.path}; record not indexed (give it an id of its own)")
            recheck.add(path)
            continue
        ids[doc.id] = _Held(path, sf.rel)
        key = f"{path}#{doc.id}"
        new_keys.add(key)
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
        writer.add_document(**fields)
    summary.warnings.extend(parsed.warnings)
    summary.skipped.extend(parsed.skipped)
    old_keys = old["keys"] if old else set()
    summary.updated += len(new_keys & old_keys)
    summary.added += len(new_keys - old_keys)
    summary.removed += len(old_keys - new_keys)
    return True


def _kept_keys(parsed, sf, ids: _Ids, path: str, summary: IndexSummary) -> set[str]:
    """The keys a file's documents would get, without writing them; ids taken elsewhere
    are left out and reported again."""
    keys = set()
    for doc in parsed.documents:
        holder = ids.get(doc.id)
        if holder is None or holder.source_file == path:
            keys.add(f"{path}#{doc.id}")
        else:
            summary.skipped.append(
                f"{sf.rel}: duplicate id {doc.id!r}, already the id of a document from "
                f"{holder.path}; record not indexed (give it an id of its own)")
    return keys


def _release(ids: _Ids, old: dict, source_file: str) -> None:
    """The ids a file's old documents held are free again (they are being replaced)."""
    for doc_id in old.get("ids", ()):
        ids.release(doc_id, source_file)
