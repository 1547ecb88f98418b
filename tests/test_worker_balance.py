"""How `kavosh serve`'s workers share requests (web/worker_balance.py): a busy worker
lets go of kept-alive connections and leaves new ones to idle workers, without ever
leaving a connection unserved."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest

from kavosh.web.worker_balance import ACCEPT_DEFER, ACCEPT_GRACE, WorkerLoad, balanced_server

from serving import served


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_an_idle_worker_accepts_and_a_busy_one_waits_until_its_request_is_a_long_one():
    clock = Clock()
    load = WorkerLoad(clock)
    assert load.may_accept()
    load.accepted()  # a connection came, its request has not arrived yet
    assert not load.may_accept()
    clock.now += ACCEPT_GRACE * 2  # it never sent one (a browser's spare connection)
    assert load.may_accept()
    load.begin()
    assert not load.may_accept() and not load.others_running()
    load.begin()
    assert load.others_running()
    clock.now += ACCEPT_DEFER * 2  # both have run long: accept again
    assert load.may_accept()
    load.end()
    load.end()
    assert load.may_accept() and load.running == 0


@pytest.fixture
def slow_server():
    """A balanced waitress server on a real socket whose /slow answers only when released."""
    release = threading.Event()
    started = threading.Event()

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/slow":
            started.set()
            release.wait(30)
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    sock = socket.create_server(("127.0.0.1", 0))
    sock.setblocking(False)
    load = WorkerLoad()
    server = balanced_server(app, sock, threads=4, load=load)
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1], started, release, load
    finally:
        release.set()
        stop.set()
        thread.join(10)
        server.close()
        server.task_dispatcher.shutdown()


def get(conn, path="/"):
    conn.request("GET", path)
    response = conn.getresponse()
    return response, response.read()


def test_an_idle_worker_keeps_connections_alive(slow_server):
    port, _, _, _ = slow_server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(3):
        response, body = get(conn)
        assert (response.status, body) == (200, b"ok")
        assert not response.will_close and response.getheader("Connection") is None
    conn.close()


def test_a_busy_worker_closes_the_connection_it_answers_but_still_serves_every_one(slow_server):
    port, started, release, load = slow_server
    slow = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    slow.request("GET", "/slow")
    assert started.wait(10)
    # A new connection while /slow runs: it is accepted once /slow has run past the
    # accept delay (a long request never shuts the others out), and answered with
    # "Connection: close" so its client's next request can go to an idle worker.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    response, body = get(conn)
    assert (response.status, body) == (200, b"ok")
    assert response.will_close and response.getheader("Connection") == "close"
    conn.close()
    release.set()
    answer = slow.getresponse()
    assert (answer.status, answer.read()) == (200, b"ok")
    slow.close()
    # Idle again: keep-alive is back.  The client can read /slow's answer before the
    # server's thread has counted the request as ended (seen at load 12): wait for that.
    deadline = time.monotonic() + 30
    while load.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert load.running == 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(2):
        response, _ = get(conn)
        assert response.status == 200 and not response.will_close
    conn.close()


def test_two_workers_answer_eight_keep_alive_clients_on_a_real_index(seeds_index):
    """Eight clients, each on one connection it reopens when the server closes it, mixing
    pages, API searches and suggestions: every answer is right and none is lost."""
    paths = [("/?q=" + quote("پهپاد"), "text/html"), ("/api/search?q=" + quote("كييف"), "hits"),
             ("/api/suggest?q=" + quote("پهپ"), "suggestions")]

    with served(seeds_index, "--workers", "2") as base:
        port = int(base.rsplit(":", 1)[1])

        def client(n):
            conn, seen = None, []
            for i in range(30):
                path, expect = paths[(n + i) % len(paths)]
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                response, body = get(conn, path)
                if expect == "text/html":
                    assert response.getheader("Content-Type").startswith("text/html")
                    assert "پهپاد" in body.decode("utf-8")
                else:
                    assert expect in json.loads(body)
                seen.append(response.status)
                if response.will_close:
                    conn.close()
                    conn = None
            if conn is not None:
                conn.close()
            return seen

        with ThreadPoolExecutor(8) as pool:
            statuses = [s for seen in pool.map(client, range(8)) for s in seen]
    assert statuses == [200] * 240
