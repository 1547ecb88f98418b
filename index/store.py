"""The index folder itself: one writer at a time, opening or creating, and no leftovers.

What a writer run does to the folder before and after it writes documents:
take the lock, open (or start) the index, delete what killed runs left,
commit so that empty segments go, and remove older index versions.
"""

from __future__ import annotations

import fcntl
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import MERGE_SMALL

from .errors import IncompatibleIndex, IndexLocked
from .fingerprint import check as check_analysis
from .schema import INDEX_NAME, build_schema, index_exists, read_meta

LOCK_FILE = "kavosh.lock"


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


def writer_running(index_dir: Path) -> bool:
    """Whether a `kavosh index` holds this folder's writer lock now (it is running)."""
    try:
        with open(index_dir / LOCK_FILE, "rb") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(fh, fcntl.LOCK_UN)
    except OSError:  # no lock file: no run ever started here
        return False
    return False


def open_or_create(index_dir: Path, rebuild: bool, schema_options: dict | None = None):
    """(index, fresh) for writing; refuses an incompatible index unless rebuilding.

    ``schema_options`` (``build_schema``'s: an experiment's analysis chain or
    title boost) apply to a new index; an existing index built with another
    chain is refused rather than silently kept, even with --rebuild, whose
    commit keeps the folder's schema."""
    schema = build_schema(**(schema_options or {}))
    meta = read_meta(index_dir)
    exists = index_exists(index_dir)
    if meta and not exists and not rebuild:
        raise IncompatibleIndex(
            f"the index in {index_dir} was built by another Kavosh version "
            f"(schema {meta.get('schema_version')}, analyzer {meta.get('analyzer_version')}); "
            "run `kavosh index --rebuild` to rebuild it"
        )
    if exists and meta is not None:
        ix = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)
        if schema_options is not None and not _same_chain(ix.schema, schema):
            ix.close()
            raise IncompatibleIndex(
                f"the index in {index_dir} was built with another analysis chain or title "
                "boost; index into a new folder to use these options")
        if not rebuild:  # new documents analysed unlike the old ones would mix two chains
            try:
                check_analysis(index_dir, meta, ix.schema)
            except IncompatibleIndex:
                ix.close()
                raise
        return ix, False
    # No metadata beside our own index: the first run was killed before it
    # finished (the metadata is written last).  Start that run over.
    if not exists and any(index_dir.glob("*.toc")) and not meta and not rebuild:
        raise IncompatibleIndex(
            f"{index_dir} holds a search index that Kavosh did not write; "
            "choose another --index folder, or pass --rebuild to replace it"
        )
    return whoosh_index.create_in(str(index_dir), schema, indexname=INDEX_NAME), True


def _same_chain(old, new) -> bool:
    return all(old[name].analyzer == new[name].analyzer for name in ("title", "body", "variant", "title_exact", "body_exact")) \
        and old["title"].format.field_boost == new["title"].format.field_boost


_INDEX_FILE = re.compile(r"^_?kavosh_s\d+_a\d+_")


def remove_other_indexes(index_dir: Path) -> None:
    """After a committed rebuild, delete the files of older index versions in the folder."""
    for path in index_dir.iterdir():
        name = path.name
        if path.is_file() and _INDEX_FILE.match(name) and not name.lstrip("_").startswith(INDEX_NAME + "_"):
            try:
                path.unlink()
            except OSError:
                pass


def clean_leftovers(index_dir: Path, ix) -> int:
    """Delete files no committed table of contents refers to; returns how many.

    A run killed before its commit leaves the segment files it had written,
    whoosh's temporary pool folder and, killed inside a commit, a
    ``.toc.<time>`` temp file; whoosh's own clean-up at commit knows neither
    the temp files nor runs when nothing changes.  Called under the writer
    lock, so no other writer is producing files.
    """
    before = {p.name for p in index_dir.iterdir()}
    toc = ix._read_toc()
    whoosh_index.clean_files(ix.storage, INDEX_NAME, toc.generation, toc.segments)
    for path in index_dir.iterdir():
        name = path.name
        try:
            if name == f"{INDEX_NAME}.tmp" and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif (name.startswith(f"_{INDEX_NAME}_") and ".toc." in name) or (
                    name.startswith(".kavosh-meta-") and name.endswith(".tmp")):
                path.unlink()
        except OSError:
            pass
    return len(before - {p.name for p in index_dir.iterdir()})


def merge_dropping_empty(writer, segments):
    """whoosh's default merge policy, after dropping segments whose every document is
    deleted (it keeps those: removing a root would otherwise free no disk space)."""
    return MERGE_SMALL(writer, [s for s in segments if s.doc_count() > 0])


class LazyWriter:
    """Opens the whoosh writer on the first change, so a run that changes nothing
    writes nothing (a whoosh writer creates its segment files when it opens)."""

    def __init__(self, ix, factory=None, **kwargs):
        self._ix, self._kwargs, self.writer = ix, kwargs, None
        self._factory = factory or ix.writer

    def __getattr__(self, name):
        if self.writer is None:
            self.writer = self._factory(**self._kwargs)
        return getattr(self.writer, name)
