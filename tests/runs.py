"""A real `kavosh index` process for tests that interrupt it at a point they observe.

No fixed sleeps: a test waits (with a generous deadline) until the run has
reached the point it wants, by what the run writes (a new segment file, its
progress line), then signals it; the run's exit status then proves the
signal came before the run ended.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Long enough for a loaded machine; a condition met sooner ends the wait sooner.
DEADLINE = 300.0


def start_index(index: Path, *args: str, progress: bool = False) -> subprocess.Popen:
    """`kavosh index --index INDEX ARGS…` in its own process.

    ``progress``: its stderr is a terminal (a pty), so it prints its progress
    line, which ``read_progress_until`` reads; otherwise it runs ``--quiet``.
    """
    cmd = [sys.executable, "-m", "kavosh", "index", "--index", str(index), *args]
    if not progress:
        return subprocess.Popen(cmd + ["--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    leader, follower = pty.openpty()
    # Its own process group, as a shell gives a command: Ctrl-C reaches the whole group.
    # And SIGINT at its default, as a shell starts a foreground command: a suite started
    # in the background by a script (`nohup make test &`) inherits SIGINT ignored, which
    # a child keeps across exec, so the run would shrug off the Ctrl-C these tests send.
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=follower,
                            process_group=0, preexec_fn=_sigint_default)
    os.close(follower)
    proc.progress_fd = leader
    return proc


def _sigint_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_until(proc: subprocess.Popen, condition, what: str) -> None:
    """Return once ``condition()`` holds; fail if the run ends first or the deadline passes."""
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert proc.poll() is None, f"the run ended (exit {proc.returncode}) before {what}; grow its input"
        assert time.monotonic() < deadline, f"no sign of {what} after {DEADLINE:.0f} s"
        time.sleep(0.01)


def read_progress_until(proc: subprocess.Popen, text: str) -> str:
    """What the run's progress line printed, read until ``text`` appears in it."""
    seen, deadline = "", time.monotonic() + DEADLINE
    while text not in seen:
        assert time.monotonic() < deadline, f"no {text!r} in the progress after {DEADLINE:.0f} s: {seen[-300:]!r}"
        ready, _, _ = select.select([proc.progress_fd], [], [], 0.1)
        if not ready:
            assert proc.poll() is None, f"the run ended (exit {proc.returncode}) before printing {text!r}"
            continue
        try:
            chunk = os.read(proc.progress_fd, 4096)
        except OSError:  # the run closed the terminal: it ended
            chunk = b""
        assert chunk, f"the run ended before printing {text!r}: {seen[-300:]!r}"
        seen += chunk.decode("utf-8", "replace")
    return seen


def drain_progress(proc: subprocess.Popen) -> str:
    """The rest of what the run printed on its terminal, once it has ended."""
    out = b""
    while True:
        try:
            chunk = os.read(proc.progress_fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(proc.progress_fd)
    return out.decode("utf-8", "replace")


def ctrl_c(proc: subprocess.Popen) -> bool:
    """What Ctrl-C on a terminal does: SIGINT to every process of the run's group.
    False if the run had already ended (nothing to interrupt)."""
    try:
        os.killpg(proc.pid, signal.SIGINT)
    except ProcessLookupError:
        return False
    return True


def kill_now(proc: subprocess.Popen) -> None:
    """kill -9 the run, and check that it was still running when it got the signal."""
    proc.kill()
    assert proc.wait(timeout=DEADLINE) == -signal.SIGKILL, "the run ended before it was killed"
