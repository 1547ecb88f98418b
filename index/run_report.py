"""What an indexing run tells its caller: its progress while it reads, and its summary.

``index_paths`` (index/writer.py) calls a ``progress`` callback with a
``Progress`` after each document read and once more when the final commit
starts (``kavosh index`` draws its progress line and commit ticker from
them), and returns an ``IndexSummary`` whose counts the CLI prints.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .formats import format_for, suffix_label


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


def streamed(sf) -> bool:
    fmt = format_for(sf.path)
    return fmt is not None and fmt.stream is not None


class ProgressCounter:
    """Turns the documents read into Progress calls (see ``Progress``)."""

    def __init__(self, callback, files):
        self.callback = callback
        self.sizes = [sf.size or 0 for sf in files]
        # A streamed format (JSONL) holds many documents a file; the others one each.
        self.streamed = [streamed(sf) for sf in files]
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
