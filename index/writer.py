"""Building and updating the index: incremental, atomic, one writer at a time.

Atomic: whoosh writes new segment files first and makes them visible by
writing a new table of contents at commit, so a run killed midway leaves
the previous index searchable.  ``--rebuild`` commits with whoosh's CLEAR
merge policy (or, across an incompatible version, writes a new index name
beside the old one) so the switch is again a single commit.
"""

from __future__ import annotations

import fcntl
import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import CLEAR

from .analysis import ANALYZER_VERSION
from .errors import IncompatibleIndex, IndexLocked, InputError
from .ingest import MAX_DOC_BYTES, Skip, discover, open_source, text_form
from .normalize import detect_language
from .schema import INDEX_NAME, SCHEMA_VERSION, build_schema, read_meta, write_meta

LOCK_FILE = "kavosh.lock"


@dataclass
class IndexSummary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # "file: reason"
    warnings: list[str] = field(default_factory=list)
    documents: int = 0  # in the index after the run
    bytes_read: int = 0
    seconds: float = 0.0

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


@contextmanager
def writer_lock(index_dir: Path, wait: bool = False):
    """One `kavosh index` per index at a time; the OS drops the lock if we die."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fh = open(index_dir / LOCK_FILE, "a+")
    try:
        flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(fh, flags)
        except BlockingIOError:
            raise IndexLocked(
                f"another `kavosh index` is writing to {index_dir}; "
                "wait for it to finish, or pass --wait to queue behind it"
            ) from None
        yield
    finally:
        fh.close()


def _open_or_create(index_dir: Path, rebuild: bool):
    """(index, fresh) for writing; refuses an incompatible index unless rebuilding."""
    meta = read_meta(index_dir)
    exists = whoosh_index.exists_in(str(index_dir), indexname=INDEX_NAME)
    if meta and not exists and not rebuild:
        raise IncompatibleIndex(
            f"the index in {index_dir} was built by another Kavosh version "
            f"(schema {meta.get('schema_version')}, analyzer {meta.get('analyzer_version')}); "
            "run `kavosh index --rebuild` to rebuild it"
        )
    if exists:
        return whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME), False
    if any(index_dir.glob("*.toc")) and not meta and not rebuild:
        raise IncompatibleIndex(
            f"{index_dir} holds a search index that Kavosh did not write; "
            "choose another --index folder, or pass --rebuild to replace it"
        )
    return whoosh_index.create_in(str(index_dir), build_schema(), indexname=INDEX_NAME), True


_INDEX_FILE = re.compile(r"^_?kavosh_s\d+_a\d+_")


def _remove_other_indexes(index_dir: Path) -> None:
    """After a committed rebuild, delete the files of older index versions in the folder."""
    for path in index_dir.iterdir():
        name = path.name
        if path.is_file() and _INDEX_FILE.match(name) and not name.lstrip("_").startswith(INDEX_NAME + "_"):
            try:
                path.unlink()
            except OSError:
                pass


def _file_state(searcher, roots: set[str]) -> dict[str, dict]:
    """source_file → {size, mtime, sha1, keys} for documents indexed from these roots."""
    state: dict[str, dict] = {}
    for stored in searcher.all_stored_fields():
        if stored.get("root") not in roots:
            continue
        entry = state.setdefault(
            stored["source_file"],
            {"size": stored.get("size"), "mtime": stored.get("mtime"),
             "sha1": stored.get("sha1"), "keys": set()},
        )
        entry["keys"].add(stored["key"])
    return state


def index_paths(index_dir: Path, paths: list[Path], *, rebuild: bool = False,
                wait: bool = False, progress=None,
                max_doc_bytes: int = MAX_DOC_BYTES) -> IndexSummary:
    """Index (or bring up to date) the documents under ``paths`` into ``index_dir``.

    ``progress``, if given, is called with (files_done, files_total, current_name).
    ``max_doc_bytes``: a .txt/.html file, or a JSONL record, bigger than this is skipped.
    """
    for p in paths:
        if not p.exists():
            raise InputError(f"{p}: no such file or folder")
        if not os.access(p, os.R_OK):
            raise InputError(f"{p}: permission denied")
    started = time.perf_counter()
    summary = IndexSummary()
    index_dir = Path(index_dir)
    with writer_lock(index_dir, wait=wait):
        ix, fresh = _open_or_create(index_dir, rebuild)
        roots = {text_form(p.resolve() if p.is_dir() else p.resolve().parent) for p in paths}
        with ix.searcher() as searcher:
            state = {} if (fresh or rebuild) else _file_state(searcher, roots)
        files = [sf for p in paths for sf in discover(p)]
        # compound=False: one file per part of a segment.  whoosh3 opens a
        # compound segment by copying it into memory (BytesIO over the mmap),
        # which cost every search 0.18 s on a 40k-article index.
        writer = ix.writer(limitmb=256, compound=False)
        changed = rebuild
        try:
            seen: set[str] = set()
            for n, sf in enumerate(files, 1):
                if progress:
                    progress(n, len(files), sf.rel)
                key = sf.text_path
                seen.add(key)
                changed |= _index_file(writer, sf, state.get(key), summary, max_doc_bytes)
            for source_file, entry in state.items():
                if source_file not in seen:
                    writer.delete_by_term("source_file", source_file)
                    summary.removed += len(entry["keys"])
                    changed = True
        except BaseException:
            writer.cancel()
            raise
        if changed:
            writer.commit(mergetype=CLEAR if rebuild else None)
        else:
            writer.cancel()
        if rebuild or fresh:
            _remove_other_indexes(index_dir)
        with ix.searcher() as searcher:
            summary.documents = searcher.doc_count()
        meta = read_meta(index_dir) or {}
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        meta.update(
            format="kavosh-index",
            schema_version=SCHEMA_VERSION,
            analyzer_version=ANALYZER_VERSION,
            index_name=INDEX_NAME,
            created=meta.get("created") if not (rebuild or fresh) else now,
            updated=now if changed else meta.get("updated", now),
            roots=sorted(set(meta.get("roots", [])) | roots) if not rebuild else sorted(roots),
        )
        write_meta(index_dir, meta)
    summary.seconds = time.perf_counter() - started
    return summary


def _index_file(writer, sf, old: dict | None, summary: IndexSummary,
                max_doc_bytes: int = MAX_DOC_BYTES) -> bool:
    """Add, replace or skip one file's documents; returns whether the index changed.

    A .jsonl file's documents arrive as a stream (``parsed.documents`` reads
    the file as it goes), so its warnings are complete only after the loop.
    """
    if not sf.problem and old and old["size"] == sf.size and old["mtime"] == sf.mtime:
        summary.unchanged += len(old["keys"])
        return False
    try:
        source = open_source(sf, max_doc_bytes)  # checked and hashed, in bounded memory
        summary.bytes_read += source.size
        if old and old["sha1"] == source.sha1:
            summary.unchanged += len(old["keys"])
            return False
        parsed = source.parse()
    except Skip as skip:
        summary.skipped.append(f"{sf.rel}: {skip}")
        if old:  # the file was indexed before and is now unusable: its old text goes
            writer.delete_by_term("source_file", sf.text_path)
            summary.removed += len(old["keys"])
            return True
        return False
    sha1 = source.sha1
    if old:
        writer.delete_by_term("source_file", sf.text_path)
    new_keys = set()
    for doc in parsed.documents:
        key = f"{sf.text_path}#{doc.id}"
        new_keys.add(key)
        fields = dict(
            key=key,
            id=doc.id,
            path=sf.rel,
            root=sf.text_root,
            source_file=sf.text_path,
            title=doc.title,
            body=doc.body,
            variant=doc.title + "\n" + doc.body,
            lang=doc.lang or detect_language(doc.title + "\n" + doc.body),
            size=sf.size,
            mtime=sf.mtime,
            sha1=sha1,
        )
        for name in ("url", "date", "source"):
            value = getattr(doc, name)
            if value:
                fields[name] = value
        writer.add_document(**fields)
    summary.warnings.extend(parsed.warnings)
    summary.skipped.extend(parsed.skipped)
    old_keys = old["keys"] if old else set()
    summary.updated += len(new_keys & old_keys)
    summary.added += len(new_keys - old_keys)
    summary.removed += len(old_keys - new_keys)
    return True
