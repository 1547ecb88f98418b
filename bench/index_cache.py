"""Benchmark indexes kept between runs: built atomically, the distractors built once.

bench/eval.py's Kavosh index and bench/plain_baseline.py's plain one are cached
the same way, here: a set's index is a copy of the distractor-only index (the
bulk, the same for every set) with the set's passages added, moved in place
only when complete.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")  # what a build_atomically fill answers


def layered_index(index_dir: Path, base: Path | None, marker: str,
                  build_base: Callable[[], None], build: Callable[[], None]) -> Path:
    """``index_dir`` as an earlier run left it (``marker``: its last file written), else built.

    ``base`` is the distractor-only index (None: no distractors), built once by
    ``build_base`` and copied by ``build`` as the start of each set's index: the
    distractors are the bulk, and are the same for every set and variant run.
    """
    if (index_dir / marker).exists():
        return index_dir
    if base is not None and not (base / marker).exists():
        build_base()
    build()
    return index_dir


def build_atomically(index_dir: Path, base: Path | None, drop: str, fill: Callable[[Path], T]) -> T:
    """``fill(folder)``'s answer, having built ``index_dir`` in a folder beside it that is
    moved in place only when ``fill`` is done: a run cut short leaves no half index.

    The folder starts as a copy of ``base`` without its ``drop`` file (a lock, a done
    mark), or, with no ``base``, does not exist yet.
    """
    tmp = index_dir.with_name(index_dir.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    if base is not None:
        shutil.copytree(base, tmp)
        (tmp / drop).unlink(missing_ok=True)
    answer = fill(tmp)
    shutil.rmtree(index_dir, ignore_errors=True)
    os.replace(tmp, index_dir)
    return answer
