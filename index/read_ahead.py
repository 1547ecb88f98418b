"""Reading slow files ahead of indexing them, in threads, under --procs."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from .formats import format_for
from .ingest import open_source


class ReadAhead:
    """Files of a format that waits on other programs (PDF: pdftotext, Tesseract) read in
    ``procs`` threads ahead of the loop that indexes them, so that --procs N keeps N such
    programs running.  At most 2×procs files are in memory at once; a file unchanged by
    size and time is never read ahead (it is skipped without reading, as before)."""

    def __init__(self, files, state: dict, max_doc_bytes: int, procs: int):
        self.files, self.state, self.max_doc_bytes = files, state, max_doc_bytes
        self.wanted = [i for i, sf in enumerate(files) if procs > 1 and self._worth(sf)]
        self.pool = ThreadPoolExecutor(procs, thread_name_prefix="kavosh-read") if self.wanted else None
        self.window = 2 * procs
        self.futures: dict[int, Future] = {}
        self.cursor = 0  # into self.wanted

    def _worth(self, sf) -> bool:
        fmt = format_for(sf.path)
        old = self.state.get(sf.text_path)
        unchanged = old and old["size"] == sf.size and old["mtime"] == sf.mtime
        return bool(fmt and fmt.read_ahead and not sf.problem and not unchanged)

    def _read(self, sf):
        source = open_source(sf, self.max_doc_bytes)
        parsed = source.parse()
        parsed.documents = list(parsed.documents)
        return source, parsed

    def take(self, n: int) -> Future | None:
        """The read of file ``n`` if it was read ahead; keeps the window filled."""
        if self.pool is None:
            return None
        while self.cursor < len(self.wanted) and len(self.futures) < self.window:
            i = self.wanted[self.cursor]
            if i >= n:
                self.futures[i] = self.pool.submit(self._read, self.files[i])
            self.cursor += 1
        return self.futures.pop(n, None)

    def close(self) -> None:
        if self.pool is not None:
            for future in self.futures.values():
                future.cancel()
            self.pool.shutdown(wait=True)
