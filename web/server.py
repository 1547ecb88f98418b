"""`kavosh serve`: waitress in one process, or in several that share one listening socket.

Searching is CPU-bound Python, so one process serves one core's worth of
queries however many threads it has (the GIL).  With ``workers`` > 1 the
parent binds the socket, then forks that many children; each opens its own
``Engine`` and runs waitress on the inherited socket, and a worker that is
busy leaves new connections, and lets go of its kept-alive ones, to the idle
ones (worker_balance.py): the accept queue is the one queue they all serve.  waitress stays the server (pure Python,
and it buffers slow clients so a worker thread is never held by one).  The
parent only supervises: a child that dies is replaced, Ctrl-C or SIGTERM
stops them all.
"""

from __future__ import annotations

import errno
import logging
import os
import signal
import socket
import sys
import time

from kavosh.index.errors import KavoshError

log = logging.getLogger("kavosh.web")

RESTARTS_PER_MINUTE = 10  # a child that keeps dying is a bug to report, not to loop on


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket, or a one-line KavoshError saying what to do."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host, port), family=family, backlog=1024)
    except OSError as exc:
        reason = "is in use by another program" if exc.errno == errno.EADDRINUSE else (
            f"cannot be used ({exc.strerror or exc})")
        raise KavoshError(f"port {port} on {host} {reason}: pick another with --port, "
                          "or stop the other server") from None
    sock.setblocking(False)
    return sock


def run(make_app, sock: socket.socket, *, threads: int, workers: int) -> None:
    """Serve ``make_app()`` on ``sock`` until interrupted; ``make_app`` runs in each worker."""
    if workers <= 1 or not hasattr(os, "fork"):
        _serve(make_app, sock, threads)
        return
    children: dict[int, int] = {}  # pid → worker number
    restarts: list[float] = []

    def stop(signum, frame):
        raise _Stop

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for n in range(workers):
            children[_fork(make_app, sock, threads, previous)] = n
        while children:
            try:
                pid, status = os.waitpid(-1, 0)
            except ChildProcessError:
                break
            n = children.pop(pid, None)
            if n is None:
                continue
            now = time.monotonic()
            restarts = [t for t in restarts if now - t < 60] + [now]
            if len(restarts) > RESTARTS_PER_MINUTE:
                log.error("kavosh: workers keep dying (last status %s); stopping", status)
                break
            log.warning("kavosh: worker %d ended (status %s); starting another", n, status)
            children[_fork(make_app, sock, threads, previous)] = n
    except _Stop:
        pass
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        for s, handler in previous.items():
            signal.signal(s, handler)


class _Stop(Exception):
    """Ctrl-C or SIGTERM reached the supervising parent."""


def _fork(make_app, sock, threads, handlers) -> int:
    pid = os.fork()
    if pid:
        return pid
    # The child: default signal handling (SIGTERM ends it), then serve until told to stop.
    for s, handler in handlers.items():
        signal.signal(s, handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    code = 0
    try:
        _serve(make_app, sock, threads, balanced=True)
    except (KeyboardInterrupt, SystemExit):
        pass
    except BaseException:
        log.exception("kavosh: worker failed")
        code = 1
    finally:
        os._exit(code)


def _serve(make_app, sock, threads: int, balanced: bool = False) -> None:
    if balanced:  # one of several workers: leave requests to the idle ones (worker_balance.py)
        from .worker_balance import balanced_server

        server = balanced_server(make_app(), sock, threads=threads)
    else:
        from waitress import create_server

        server = create_server(make_app(), sockets=[sock], threads=threads, ident="kavosh")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
