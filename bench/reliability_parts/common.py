"""What every part of the reliability benchmark shares: the child processes and temp
folders it must clean up, the log lines, and `python -m kavosh` runs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "kavosh"]
TIME_LIMIT = 2.0  # web/app.py DEFAULTS["KAVOSH_TIME_LIMIT"]
OVER_LIMIT = TIME_LIMIT + 1.0
START = time.monotonic()

# --- bookkeeping: every child process and temp folder is cleaned up

_children: list[subprocess.Popen] = []
_tmpdirs: list[str] = []
workers: list = []  # multiprocessing children


def spawn(args, **kw) -> subprocess.Popen:
    kw.setdefault("cwd", ROOT)
    proc = subprocess.Popen(args, **kw)
    _children.append(proc)
    return proc


def reap(proc: subprocess.Popen) -> None:
    if proc in _children:
        _children.remove(proc)


def cleanup() -> None:
    for proc in list(_children):
        if proc.poll() is None:
            try:
                proc.kill()  # our own child, by its handle
                proc.wait(timeout=10)
            except Exception:
                pass
        reap(proc)
    for w in list(workers):
        if w.is_alive():
            w.kill()
            w.join(5)
        workers.remove(w)
    for d in list(_tmpdirs):
        shutil.rmtree(d, ignore_errors=True)
        _tmpdirs.remove(d)


def on_signal(signum, frame):
    raise KeyboardInterrupt


def tmpdir(prefix: str) -> Path:
    d = tempfile.mkdtemp(prefix=prefix)
    _tmpdirs.append(d)
    return Path(d)


def log(msg: str) -> None:
    print(f"[{time.monotonic() - START:6.1f}s] {msg}", flush=True)


def loud(msg: str) -> None:
    print(f"[{time.monotonic() - START:6.1f}s] !!! {msg}", flush=True)


def cli(*args, timeout=120, env=None) -> subprocess.CompletedProcess:
    """One real `python -m kavosh` run; bytes arguments pass through unchanged."""
    proc = spawn(CLI + [a if isinstance(a, bytes) else str(a) for a in args],
                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        err += b"\n[bench: killed after timeout]"
    finally:
        reap(proc)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def first_line(text: str, n=200) -> str:
    text = text.strip()
    if "Traceback" in text:  # the exception line, not the first frame
        lines = [ln for ln in text.splitlines() if ln.strip()]
        return ("Traceback … " + lines[-1])[:n]
    return (text.splitlines() or [""])[0][:n]


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def index_stats(index_dir: Path):
    """(documents or None, CompletedProcess) from `kavosh stats --json`."""
    r = cli("stats", "--json", "--index", index_dir, timeout=60)
    if r.returncode == 0:
        try:
            return json.loads(r.stdout)["documents"], r
        except (ValueError, KeyError):
            return None, r
    return None, r


def show_exists(index_dir: Path, doc_id: str):
    """True/False if `kavosh show ID --json` finds / cleanly does not find it; None on a crash."""
    r = cli("show", doc_id, "--json", "--index", index_dir, timeout=60)
    if r.returncode == 0:
        try:
            return json.loads(r.stdout)["id"] == doc_id
        except (ValueError, KeyError):
            return None
    if r.returncode == 1 and "no document with id" in r.stderr and "Traceback" not in r.stderr:
        return False
    return None
