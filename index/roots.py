"""The roots of an index: every folder or single file given to `kavosh index`.

A root is kept in the index's metadata (kavosh.json) as ``{path, kind,
prefix}``.  Documents found under a root get ids ``prefix + relative path``:

* the first folder indexed keeps bare relative paths (``x.txt``), so the
  common one-archive index has short ids (a root added when no root has
  bare ids, e.g. after `kavosh remove` of the first, gets bare ids again);
* every later root gets the name of its folder as a prefix (``B/x.txt``;
  ``seeds-2/…`` when that name is taken), assigned once when the root is first
  indexed and kept, so ids never change on re-indexing;
* a single file is relative to its folder and shares that folder's prefix
  with other single files from the same folder, so ``kavosh index d/x.txt``
  then ``kavosh index d/y.txt`` gives ``x.txt`` and ``y.txt``.

A file or folder inside an existing root belongs to that root (no second
copy); a new folder that contains an older root leaves that root's files to
it.  In short: a file belongs to the innermost root that contains it.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .discovery import text_form


@dataclass
class Root:
    path: str  # absolute
    kind: str  # "folder" or "file"
    prefix: str = ""  # "" or "name/"

    @property
    def base(self) -> str:
        """The folder its documents' ids are relative to."""
        return self.path if self.kind == "folder" else os.path.dirname(self.path)

    def contains(self, path: str) -> bool:
        return path == self.path or (self.kind == "folder" and is_under(path, self.path))

    def rel(self, path: str) -> str:
        return Path(os.path.relpath(path, self.base)).as_posix()


def is_under(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def absolute(path: Path) -> str:
    """The path as the index names it: absolute, symlinks resolved where they exist,
    as storable text (``text_form``)."""
    return text_form(Path(path).expanduser().resolve())


def load_roots(meta: dict | None) -> list[Root]:
    """The roots recorded in the metadata; older indexes kept bare folder strings."""
    roots = []
    for entry in (meta or {}).get("roots", []):
        if isinstance(entry, str):  # before roots had kinds, every id was a bare path
            roots.append(Root(entry, "folder", ""))
        elif isinstance(entry, dict) and isinstance(entry.get("path"), str):
            roots.append(Root(entry["path"], entry.get("kind", "folder"), entry.get("prefix", "")))
    return roots


def dump_roots(roots: list[Root]) -> list[dict]:
    return [asdict(r) for r in sorted(roots, key=lambda r: r.path)]


def owner(path: str, roots: list[Root]) -> Root | None:
    """The innermost root containing ``path`` (a file or folder), if any."""
    found = [r for r in roots if r.contains(path)]
    return max(found, key=lambda r: len(r.path)) if found else None


def root_for(where: str, given: Path | str, roots: list[Root]) -> Root:
    """The root a path to index belongs to (``where``: its absolute text; ``given``: as
    given, to tell a folder from a file): the innermost known one, else a new root,
    appended to ``roots``.  Both indexers (index/writer.py, the OpenSearch one) ask here."""
    root = owner(where, roots)
    if root is None:
        root = new_root(where, "folder" if Path(given).is_dir() else "file", roots)
        roots.append(root)
    return root


def new_root(path: str, kind: str, roots: list[Root]) -> Root:
    """A root for ``path`` with its id prefix chosen against the existing roots."""
    root = Root(path, kind)
    for other in roots:
        if other.base == root.base:
            root.prefix = other.prefix
            return root
    if all(r.prefix for r in roots):  # the first root, or the bare one was removed
        return root
    name = os.path.basename(root.base.rstrip(os.sep)) or "root"
    taken = {r.prefix for r in roots}
    candidate, n = name, 1
    while candidate + "/" in taken:
        n += 1
        candidate = f"{name}-{n}"
    root.prefix = candidate + "/"
    return root
