"""Analysis in several processes: whoosh's MpWriter, made safe for `kavosh index`.

The parent reads the input, checks ids and deletes old documents (as the
single writer does); batches of documents go, pickled into job files, to
``procs`` forked sub-writers, each of which analyses its share and writes a
segment of its own.  Their segments join the index in the parent's one
commit (a new table of contents), so the commit stays atomic.

What whoosh's MpWriter leaves out, added here:

* a sub-writer dies with the parent (``PR_SET_PDEATHSIG``): after a kill -9
  no orphan keeps analysing, or holds the inherited writer lock;
* a sub-writer that fails or dies makes the commit fail (whoosh waits one
  second for each result and then commits without the missing segment:
  documents silently lost);
* the documents are counted back, so the commit can say how far it got.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import queue
import signal
import warnings

from whoosh.multiproc import MpWriter

from .postings import GroupedPostingsWriter, KavoshSegmentWriter

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the job queue's end still stops it
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


# Each sub-writer's analyzers keep word caches per language, both capped at
# this many words in a sub-writer: index/term_counts.py's (which stops growing
# there; 100,000 in a single writer) and the token path's memo, which an index
# made before counted positions still writes through (emptied when it
# outgrows the cap; at the default 500,000 words the caches of two analyzers
# were ~290 MB of each 420 MB sub-writer).  With several sub-writers they are
# paid several times, so each keeps fewer (the output is the same, only the
# hit rate moves).
SUBWRITER_CACHE_WORDS = 60_000


def _run(parent, storage, indexname, jobqueue, resultqueue, kwargs):
    _die_with_parent(parent)
    from .analysis import MemoizingAnalyzer

    MemoizingAnalyzer._CACHE_LIMIT = SUBWRITER_CACHE_WORDS  # in this child process only
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        _write_segment(storage, indexname, jobqueue, resultqueue, kwargs)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails
        resultqueue.put(("error", f"{type(exc).__name__}: {exc}"))
        raise


def _write_segment(storage, indexname, jobqueue, resultqueue, kwargs):
    """A sub-writer: whoosh's SubWriterTask loop (multisegment), with Kavosh's
    segment writer.  Each job is a file of pickled (0, fields) documents; at
    the end (a None job) the segment is finished and handed to the parent."""
    writer = KavoshSegmentWriter(storage.open_index(indexname), _lk=False, **kwargs)
    tempstorage = writer.temp_storage()
    while (job := jobqueue.get()) is not None:
        _add_job_file(writer, tempstorage, *job)
    fieldnames = writer.pool.fieldnames
    resultqueue.put((None, fieldnames, writer._finalize_segment()), timeout=5)


def _add_job_file(writer, tempstorage, filename: str, doc_count: int) -> None:
    """Add the documents of one job file (the parent's pickled batch), then remove it."""
    with tempstorage.open_file(filename).raw_file() as f:
        for _ in range(doc_count):
            code, fields = pickle.load(f)
            assert code == 0, code  # whoosh's job files hold add_document calls only
            writer.add_document(**fields)
    tempstorage.delete_file(filename)


class SubWriterFailed(RuntimeError):
    pass


class ParallelWriter(GroupedPostingsWriter, MpWriter):
    """An MpWriter with multisegment=True whose sub-writers are forked, die with
    the parent, and whose failures fail the commit."""

    def __init__(self, ix, procs: int, batchsize: int = 64, **kwargs):
        ctx = multiprocessing.get_context("fork")
        super().__init__(ix, procs=procs, batchsize=batchsize, multisegment=True,
                         start_method="fork", **kwargs)
        self._ctx = ctx

    def _new_task(self):
        task = self._ctx.Process(
            target=_run, daemon=True,
            args=(os.getpid(), self.storage, self.indexname, self.jobqueue,
                  self.resultqueue, self.subargs))
        self.tasks.append(task)
        with warnings.catch_warnings():
            # Python warns about fork() in a process with threads (a test runner's,
            # a web server's); the child only runs the sub-writer loop.
            warnings.simplefilter("ignore", DeprecationWarning)
            task.start()
        return task

    def send_pending(self):
        """Hand the last documents to the sub-writers now (before the commit starts)."""
        if self.docbuffer:
            self._enqueue()

    def cancel(self):
        try:
            for task in self.tasks:
                if task.is_alive():
                    task.kill()
                task.join()
        finally:
            super().cancel()

    def _commit(self, mergetype, optimize, merge):
        try:
            self._commit_parts(mergetype, optimize, merge)
        except BaseException:
            if not self.is_closed:
                self.cancel()
            raise

    def _commit_parts(self, mergetype, optimize, merge):
        if self.docbuffer:
            self._enqueue()
        for _task in self.tasks:
            self.jobqueue.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        segments = []
        while len(segments) < len(self.tasks):
            try:
                result = self.resultqueue.get(timeout=1)
            except queue.Empty:
                dead = [t for t in self.tasks if t.exitcode not in (None, 0)]
                if dead or all(t.exitcode is not None for t in self.tasks):
                    # Every live one may still report; give them a moment, then fail.
                    try:
                        result = self.resultqueue.get(timeout=2)
                    except queue.Empty:
                        raise SubWriterFailed(
                            f"an indexing process ended without its documents "
                            f"(exit code {dead[0].exitcode if dead else 0})") from None
                else:
                    continue
            if result[0] == "error":
                raise SubWriterFailed(f"an indexing process failed: {result[1]}")
            segments.append(result[2])
        for task in self.tasks:
            task.join()
        finalsegments += segments
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()
