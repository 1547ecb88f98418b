"""Finding the files to index: regular files under a folder, and why the others are refused.

Nothing is opened here, only listed and stat()ed: pipes, devices, links that
leave the indexed folder, link loops and dangling links come back with a
``problem`` so the run reports them instead of hanging on or reading them.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .formats import SUPPORTED  # the suffixes some format reads (index/formats/)



def text_form(p) -> str:
    """A path as storable text: bytes that are not UTF-8 shown as \\xNN escapes.

    ``str(path)`` keeps such bytes as lone surrogates, which cannot be
    encoded, so storing or printing them failed the whole run.
    """
    return os.fsencode(p).decode("utf-8", errors="backslashreplace")


@dataclass
class SourceFile:
    path: Path  # absolute
    root: Path  # absolute folder it was found under (the file itself if given directly)
    rel: str  # path relative to root, with forward slashes, as storable text
    size: int
    mtime: float
    problem: str | None = None  # why it must not be read (found at discovery), or None
    unsupported: bool = False  # no format reads its type: counted by suffix, never opened

    @property
    def text_path(self) -> str:
        """The absolute path as storable text (``str(path)`` may hold undecodable bytes)."""
        return text_form(self.path)

    @property
    def text_root(self) -> str:
        return text_form(self.root)


_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _examine(full: str, root: str) -> tuple[os.stat_result | None, str | None]:
    """(stat of what would be read, why it must not be read or None), without opening it."""
    try:
        st = os.lstat(full)
    except OSError as exc:
        return None, f"cannot read ({exc.strerror})"
    if stat.S_ISLNK(st.st_mode):
        link = st
        try:
            st = os.stat(full)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return link, "symbolic link loop; not followed"
            if exc.errno == errno.ENOENT:
                return link, "dangling symbolic link (its target does not exist)"
            return link, f"cannot follow symbolic link ({exc.strerror})"
        target = os.path.realpath(full)
        if target != root and not target.startswith(root.rstrip(os.sep) + os.sep):
            return st, f"symbolic link to {text_form(target)}, outside the indexed folder; not followed"
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a file")
        return st, f"not a regular file ({kind})"
    return st, None


# Hidden entries (a name starting with "."): editors' backups, .git, a
# system's .Trash: not the archive.  Skipped, and said (one line for a hidden
# folder, not one per file in it); given by its own path, one is indexed.
HIDDEN_FOLDER = "hidden folder (its name starts with '.'); not searched: index it by its own path to include it"
HIDDEN_FILE = "hidden file (its name starts with '.'); not indexed: index it by its own path to include it"


def discover(path: Path) -> Iterator[SourceFile]:
    """Files under ``path`` (recursively), sorted.

    Files of a type no format reads come back with ``unsupported`` set and
    are neither stat()ed nor opened: the run counts them by suffix, so
    nothing is ignored silently.  Entries that must not be read (pipes,
    devices, links leaving the folder, folder links leaving it, loops,
    dangling links, unlistable folders) and hidden ones are yielded too, with
    ``problem`` set, so that the run reports them instead of hanging or
    silently ignoring them.  A folder link that stays inside the folder is
    passed over quietly: its files are indexed under their own path.  A
    hidden file of a type no format reads (.DS_Store) is not news: passed over.
    """
    path = path.resolve()
    if not path.is_dir():
        if not path.name.lower().endswith(SUPPORTED):
            yield SourceFile(path, path.parent, text_form(path.name), 0, 0.0, unsupported=True)
            return
        st, problem = _examine(str(path), str(path.parent))
        yield SourceFile(path, path.parent, text_form(path.name), st.st_size if st else 0,
                         st.st_mtime if st else 0.0, problem)
        return
    root = str(path)
    unlistable: list[OSError] = []

    def folder_problems():
        while unlistable:
            exc = unlistable.pop(0)
            where = Path(exc.filename or path)
            yield SourceFile(where, path, text_form(where.relative_to(path).as_posix()), 0, 0.0,
                             f"cannot list folder ({exc.strerror})")

    def refused(full: str, problem: str, st=None) -> SourceFile:
        return SourceFile(Path(full), path, text_form(Path(full).relative_to(path).as_posix()),
                          st.st_size if st else 0, st.st_mtime if st else 0.0, problem)

    for dirpath, dirnames, filenames in os.walk(path, onerror=unlistable.append):
        yield from folder_problems()
        kept = []
        for name in sorted(dirnames):
            full = os.path.join(dirpath, name)
            if name.startswith("."):
                yield refused(full, HIDDEN_FOLDER)
            elif os.path.islink(full):  # os.walk does not follow it: say why, unless it stays inside
                st, problem = _examine(full, root)
                if problem is not None and "(a folder)" not in problem:
                    yield refused(full, problem.replace("symbolic link", "folder link", 1), st)
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            supported = name.lower().endswith(SUPPORTED)
            if name.startswith("."):
                if supported:
                    yield refused(full, HIDDEN_FILE)
                continue
            if not supported:
                yield SourceFile(Path(full), path, text_form(Path(full).relative_to(path).as_posix()),
                                 0, 0.0, unsupported=True)
                continue
            st, problem = _examine(full, root)
            yield refused(full, problem, st) if problem else SourceFile(
                Path(full), path, text_form(Path(full).relative_to(path).as_posix()),
                st.st_size, st.st_mtime, None)
    yield from folder_problems()
