"""Sharing requests fairly between `kavosh serve`'s worker processes.

The workers share one listening socket, and a connection stays with the worker
that accepted it: with keep-alive, eight clients that happened to connect six
to one worker and two to the other stay so, and one core queues three times
the other's work while its threads share one GIL (a 75 ms search among four
threads takes 300 ms).  Two rules, both about this process alone, make the
kernel's accept queue the one queue all workers serve from:

* **A busy worker leaves new connections to the others.**  While a request
  is running here, or a connection it has just accepted has not sent its
  request yet, the listening socket is not watched, so an idle worker (or,
  when every worker is busy, the first to finish) takes the next connection:
  one at a time, not all that waited.  Once the newest running request is
  older than ``ACCEPT_DEFER`` (an export, a search near its time limit), the
  worker accepts again: a long request never holds back the others' traffic.
* **A busy worker lets go of the connection it answers.**  A response written
  while another request is running in this process ends with
  ``Connection: close``; the client's next request goes through the shared
  queue to whichever worker is free.  An idle server keeps connections alive.

Both rules subclass waitress's own classes (the server's ``readable`` and
``handle_accept``, the channel's ``task_class``, the task's response header):
waitress internals rather than its documented API, hence setup.cfg's
``waitress<4`` and tests/test_worker_balance.py, which runs them on real sockets.
"""

from __future__ import annotations

import socket
import threading
import time

from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import WSGITask

# Seconds a running request keeps this worker from accepting.  Most pages and
# API calls take 5–80 ms; past this the request is a long one and the worker
# should not hold up the others' new connections for it.
ACCEPT_DEFER = 0.1
# Seconds a just-accepted connection may take to send its request before this
# worker accepts another (a browser's speculative connection sends nothing).
ACCEPT_GRACE = 0.02


class WorkerLoad:
    """The requests running in this process, and when the newest began."""

    def __init__(self, clock=time.monotonic):
        self._lock = threading.Lock()
        self._clock = clock
        self.running = 0
        self.newest_start = 0.0
        self.accepted_at: float | None = None  # a connection accepted, its request not begun

    def accepted(self):
        self.accepted_at = self._clock()

    def begin(self):
        with self._lock:
            self.running += 1
            self.newest_start = self._clock()
            self.accepted_at = None

    def end(self):
        with self._lock:
            self.running -= 1

    def may_accept(self) -> bool:
        """Idle and not waiting for a new connection's request, or every running request
        has run longer than ACCEPT_DEFER."""
        now = self._clock()
        if self.running:
            return now - self.newest_start > ACCEPT_DEFER
        return self.accepted_at is None or now - self.accepted_at > ACCEPT_GRACE

    def others_running(self) -> bool:
        """Another request besides the caller's is running here."""
        return self.running > 1


def balanced_server(app, sock: socket.socket, *, threads: int, load: WorkerLoad | None = None):
    """A waitress server on ``sock`` that follows the two rules above."""
    load = load or WorkerLoad()

    class Task(WSGITask):
        def service(self):
            load.begin()
            try:
                super().service()
            finally:
                load.end()

        def build_response_header(self):
            if load.others_running():
                self.set_close_on_finish()
            return super().build_response_header()

    class Channel(HTTPChannel):
        task_class = Task

    class Server(TcpWSGIServer):
        channel_class = Channel

        def readable(self):
            # Always call waitress's own: it also runs its idle-connection cleanup.
            return super().readable() and load.may_accept()

        def handle_accept(self):
            before = len(self._map)
            super().handle_accept()
            if len(self._map) > before:  # not when another worker was quicker
                load.accepted()

    server = Server(app, _sock=sock, bind_socket=False,
                    sockinfo=(sock.family, sock.type, sock.proto, sock.getsockname()),
                    threads=threads, ident="kavosh")
    # The main loop wakes at least this often, so a worker whose requests have
    # grown long notices it may accept again even when nothing else happens.
    server.adj.asyncore_loop_timeout = ACCEPT_DEFER
    server.load = load
    return server
