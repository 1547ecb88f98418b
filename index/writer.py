"""Building and updating the index: incremental, atomic, one writer at a time.

Atomic: whoosh writes new segment files first and makes them visible by
writing a new table of contents at commit, so a run killed midway leaves
the previous index searchable.  ``--rebuild`` commits with whoosh's CLEAR
merge policy (or, across an incompatible version, writes a new index name
beside the old one) so the switch is again a single commit.

This module decides what a run covers (its roots, the files under the paths
given, what is gone) and commits it; what each file's documents become is
index/file_update.py, and what a run reports (progress, summary) is
index/run_report.py.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import CLEAR

from .analysis import ANALYZER_VERSION
from .errors import IndexNotFound, InputError
from .file_update import IdHolders, index_file, release_ids
from .ingest import MAX_DOC_BYTES, discover
from .parallel import ParallelWriter
from .read_ahead import ReadAhead
from .postings import KavoshSegmentWriter
from .roots import Root, absolute, dump_roots, is_under, load_roots, owner, root_for
from .fingerprint import schema_fingerprint
from .schema import INDEX_NAME, SCHEMA_VERSION, index_exists, read_meta, write_meta
from .run_report import IndexSummary, Progress, ProgressCounter
from .store import (LazyWriter, clean_leftovers, merge_dropping_empty, open_or_create,
                    remove_other_indexes, writer_lock)

# What callers of this module have always imported from it.
__all__ = ["IndexSummary", "Progress", "Removed", "index_paths", "index_procs", "remove_paths"]

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
            scopes.append((root_for(where, p, roots), where, p))
        # Open through the run: ids are looked up in the committed state as records come.
        searcher = None if (fresh or rebuild) else ix.searcher()
        state = _scan(searcher, scopes) if searcher else {}
        ids = IdHolders(searcher)
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
        counter = ProgressCounter(progress, files)
        changed = rebuild
        gone = [f for f in state if f not in listed]
        for source_file in gone:  # their ids are free now: a renamed JSONL file keeps its ids
            release_ids(ids, state[source_file], source_file)
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
                changed |= index_file(writer, sf, old, summary, ids, recheck, max_doc_bytes, counter,
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


