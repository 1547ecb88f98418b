"""Mistakes at the edges: mistyped options, a busy port, a foreign Host header, a huge document."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from kavosh.cli import main
from serving import ROOT, STARTUP, fetch, served, wait_for_url, wait_until_healthy


def invoke(*args):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("args, suggestion", [
    (["--limt", "3"], "--limit"), (["--josn"], "--json"), (["--order", "date"], None),
])
def test_a_mistyped_option_is_an_error_not_a_search_word(seeds_index, args, suggestion):
    result = invoke("search", "--index", str(seeds_index), *args, "کیف")
    assert result.exit_code == 2
    assert f"No such option '{args[0]}'" in result.stderr
    if suggestion:
        assert suggestion in result.stderr
    assert result.stdout == ""


def test_dash_words_still_exclude_and_double_dash_ends_the_options(seeds_index):
    with_minus = invoke("search", "--index", str(seeds_index), "--json", "روسیه", "-اوکراین")
    plain = invoke("search", "--index", str(seeds_index), "--json", "روسیه")
    assert with_minus.exit_code == 0 and plain.exit_code == 0
    assert json.loads(with_minus.stdout)["total"] < json.loads(plain.stdout)["total"]
    # After `--` nothing is an option: "--json" is a (negated) word, so the output is text.
    after = invoke("search", "--index", str(seeds_index), "--", "کیف", "--json")
    assert after.exit_code == 0 and not after.stdout.startswith("{")


def _serve(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kavosh", "serve", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_a_busy_port_is_one_line_not_a_traceback(seeds_index):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _serve("--index", str(seeds_index), "--port", str(port))
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"port {port}" in lines[0] and "--port" in lines[0], done.stderr


def test_serving_every_interface_warns(seeds_index):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _serve("--index", str(seeds_index), "--host", "0.0.0.0", "--port", str(port))
    assert "warning: --host 0.0.0.0 serves every network" in done.stderr
    assert "in use" in done.stderr


def test_a_loopback_server_refuses_foreign_host_names(seeds_index):
    with served(seeds_index) as base:
        port = base.rsplit(":", 1)[1]
        assert fetch(base + "/healthz")[0] == 200
        assert fetch(base + "/healthz", {"Host": f"localhost:{port}"})[0] == 200
        status, body = fetch(f"{base}/api/search?q={quote('کیف')}", {"Host": "attacker.example"})
        assert status == 400 and "--allow-host" in json.loads(body)["error"]
        status, page = fetch(f"{base}/?q={quote('کیف')}", {"Host": f"rebind.example:{port}"})
        assert status == 400 and "<mark>" not in page.decode()
        # A name that starts like a loopback address is somebody's DNS name (rebinding).
        for suffixed in (f"127.0.0.1.attacker.example:{port}", "localhost.attacker.example", "127.0.0.1x"):
            assert fetch(base + "/healthz", {"Host": suffixed})[0] == 400, suffixed
    with served(seeds_index, "--allow-host", "kavosh.internal") as base:
        assert fetch(base + "/healthz", {"Host": "kavosh.internal"})[0] == 200
        assert fetch(base + "/healthz", {"Host": "other.internal"})[0] == 400


def test_create_app_on_its_own_answers_only_loopback_names(seeds_index):
    """Whoever serves create_app() (gunicorn, a WSGI host) gets the rebinding guard by default."""
    from kavosh.web import create_app

    client = create_app(seeds_index).test_client()
    for host in ("127.0.0.1:5000", "localhost", "LOCALHOST:80", "[::1]:5000"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
    for host in ("attacker.example", "127.0.0.1.attacker.example", "127.0.0.1.attacker.example:5000",
                 "localhost.attacker.example", "[::2]"):
        r = client.get("/api/search?q=x", headers={"Host": host})
        assert r.status_code == 400 and "--allow-host" in r.get_json()["error"], host
    anyone = create_app(seeds_index, {"KAVOSH_ALLOWED_HOSTS": None}).test_client()
    assert anyone.get("/healthz", headers={"Host": "search.example"}).status_code == 200


def test_a_hit_in_a_huge_one_line_document_is_a_small_answer(tmp_path):
    docs = tmp_path / "d"
    docs.mkdir()
    line = " ".join(["واژه"] * 400_000 + ["کهکشان"] + ["واژه"] * 400_000)  # ~7 MB, one line
    (docs / "big.txt").write_text(line + "\n", encoding="utf-8")  # its only line: the title too
    (docs / "small.txt").write_text("کهکشان راه شیری\nکهکشان ما\n", encoding="utf-8")
    assert invoke("index", str(docs), "--index", str(tmp_path / "ix")).exit_code == 0
    result = invoke("search", "--index", str(tmp_path / "ix"), "--json", "واژه")
    assert result.exit_code == 0
    assert len(result.stdout) < 5_000
    hit = json.loads(result.stdout)["hits"][0]
    assert "<mark>واژه</mark>" in hit["snippet"]


def _children(pid: int) -> set[int]:
    text = open(f"/proc/{pid}/task/{pid}/children").read()
    return {int(p) for p in text.split()}


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads /proc to find the workers")
def test_worker_processes_are_supervised_and_stopped(seeds_index):
    proc = subprocess.Popen(
        [sys.executable, "-m", "kavosh", "serve", "--index", str(seeds_index), "--port", "0",
         "--workers", "2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        base = wait_for_url(proc, timeout=STARTUP)
        wait_until_healthy(base, timeout=STARTUP)
        workers = _children(proc.pid)
        assert len(workers) == 2
        os.kill(next(iter(workers)), signal.SIGKILL)  # a worker dies: another takes its place
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline and (len(_children(proc.pid)) < 2
                                                or _children(proc.pid) == workers):
            time.sleep(0.1)
        assert len(_children(proc.pid)) == 2 and _children(proc.pid) != workers
        for _ in range(10):
            assert fetch(f"{base}/api/search?q={quote('کیف')}")[0] == 200
        last = _children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=STARTUP) == 0
        assert not [p for p in last if os.path.exists(f"/proc/{p}") and
                    open(f"/proc/{p}/stat").read().split()[2] != "Z"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("command", ["search", "analyze", "show"])
def test_bytes_that_are_not_utf8_on_the_command_line_are_one_line(seeds_index, command):
    done = subprocess.run([sys.executable, "-m", "kavosh", command, "--index", str(seeds_index),
                           "ربات".encode() + b"\xff\xed\xb2\x80"] if command != "analyze" else
                          [sys.executable, "-m", "kavosh", command, "ربات".encode() + b"\xff"],
                          cwd=ROOT, capture_output=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
                          timeout=60)
    assert done.returncode == 2
    err = done.stderr.decode("utf-8")
    assert "Traceback" not in err and "not UTF-8" in err and len(err.strip().splitlines()) == 1


def test_a_served_app_is_warmed_before_its_first_visitor(seeds_index, tmp_path):
    """warm_up answers a first page itself: templates compiled, facet tables read."""
    from kavosh.web import create_app
    from kavosh.web.app import warm_analysis, warm_up

    warm_analysis()
    app = create_app(seeds_index)
    assert not app.jinja_env.cache
    assert warm_up(app) is app
    assert any("results" in str(key) or "search" in str(key) for key in app.jinja_env.cache)
    engine = app.extensions["kavosh"].get()
    with engine.searching() as searcher:
        assert getattr(searcher, "_kavosh_tables", None) is not None  # the facet tables are read
    # No index yet: warming is quiet, and the page still says what to do.
    empty = warm_up(create_app(tmp_path / "none"))
    r = empty.test_client().get("/?q=x")
    assert r.status_code in (404, 503) and "kavosh index" in r.get_data(as_text=True)
