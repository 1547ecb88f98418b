"""Memory and CPU time of a server's whole process tree, sampled while a benchmark runs (Linux /proc).

`kavosh serve --workers N` is a parent and N forked children, and a worker that
dies is replaced: a leak shows in the tree, not in one pid.  RSS counts the pages
the children share with the parent once per process; PSS (smaps_rollup) divides
them among their sharers, so the PSS sum is what the tree really costs.
"""

from __future__ import annotations

import os
import threading
import time

MB = 1024 * 1024


def tree_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes of ``pid`` and all its descendants; (0, 0) once it is gone."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for proc, parts in _stats(lambda parts: (int(parts[1]), int(parts[21]))):
        ppid, pages = parts
        children.setdefault(ppid, []).append(proc)
        rss[proc] = pages * page
    total_rss, total_pss, todo = 0, 0, [pid]
    while todo:
        p = todo.pop()
        total_rss += rss.get(p, 0)
        total_pss += _pss(p)
        todo.extend(children.get(p, ()))
    return total_rss, total_pss


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used by ``pid``, its live descendants and the children
    it has reaped (a replaced worker's time stays counted); 0.0 once it is gone.

    A server's CPU time per request hardly depends on what else runs on the machine,
    where its latency does: compare two versions by this when the machine is shared."""
    parents: dict[int, int] = {}
    times: dict[int, tuple[int, int]] = {}
    # utime stime cutime cstime, in clock ticks
    read = lambda parts: (int(parts[1]), int(parts[11]) + int(parts[12]), int(parts[13]) + int(parts[14]))  # noqa: E731
    for proc, (ppid, own, reaped) in _stats(read):
        parents[proc] = ppid
        times[proc] = (own, reaped)
    if pid not in times:
        return 0.0
    ticks, todo = times[pid][1], [pid]  # the root's reaped children, then every live process
    while todo:
        p = todo.pop()
        ticks += times[p][0]
        todo.extend(c for c, parent in parents.items() if parent == p)
    return ticks / os.sysconf("SC_CLK_TCK")


def _stats(read):
    """(pid, ``read(fields)``) of every process, ``fields`` its /proc/PID/stat after the
    command name (the state first); a process gone meanwhile, or unreadable, is passed over."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                parts = fh.read().rsplit(")", 1)[1].split()
            yield int(entry), read(parts)
        except (OSError, IndexError, ValueError):
            continue


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def listening_pid(port: int) -> int | None:
    """The topmost process holding the TCP socket listening on ``port`` (the parent that
    forked the workers sharing it), or None when /proc does not show one we may read."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as fh:
                next(fh)
                for line in fh:
                    fields = line.split()
                    local, state, inode = fields[1], fields[3], fields[9]
                    if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                        inodes.add(f"socket:[{inode}]")
        except (OSError, StopIteration, IndexError, ValueError):
            continue
    if not inodes:
        return None
    holders: dict[int, int] = {}  # pid -> ppid
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fds = os.listdir(f"/proc/{entry}/fd")
            if not any(os.readlink(f"/proc/{entry}/fd/{fd}") in inodes for fd in fds):
                continue
            with open(f"/proc/{entry}/stat") as fh:
                holders[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
    roots = [pid for pid, ppid in holders.items() if ppid not in holders]
    return min(roots) if roots else None


class MemorySampler:
    """Samples ``tree_memory(pid)`` every ``interval`` seconds in a thread, from start() to stop()."""

    def __init__(self, pid: int, interval: float = 1.0):
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int, int]] = []  # (seconds since start, rss, pss)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "MemorySampler":
        self._started = time.perf_counter()
        self._thread.start()
        return self

    def stop(self) -> list[tuple[float, int, int]]:
        self._stop.set()
        self._thread.join()
        self._take()  # the end of the run, however the interval fell
        return self.samples

    def _take(self):
        rss, pss = tree_memory(self.pid)
        if rss:
            self.samples.append((time.perf_counter() - self._started, rss, pss))

    def _run(self):
        while True:
            self._take()
            if self._stop.wait(self.interval):
                return


def memory_summary(samples: list[tuple[float, int, int]]) -> dict | None:
    """Start, max, end and growth (MB) of RSS and PSS, and the growth over the second half
    of the run: a tree that only warms its caches grows early and then stays flat."""
    if not samples:
        return None
    half = samples[-1][0] / 2
    second = [s for s in samples if s[0] >= half] or samples[-1:]
    out = {"samples": len(samples), "interval_s": round(samples[-1][0] / max(len(samples) - 1, 1), 2)}
    for i, name in ((1, "rss"), (2, "pss")):
        values = [s[i] for s in samples]
        out[name] = {
            "start_mb": round(values[0] / MB, 1),
            "max_mb": round(max(values) / MB, 1),
            "end_mb": round(values[-1] / MB, 1),
            "growth_mb": round((values[-1] - values[0]) / MB, 1),
            "growth_pct": round((values[-1] - values[0]) / values[0] * 100, 1) if values[0] else 0.0,
            "second_half_growth_mb": round((second[-1][i] - second[0][i]) / MB, 1),
        }
    return out
