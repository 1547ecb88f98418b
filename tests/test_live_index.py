"""A live archive: a served index re-indexed under its readers, concurrent queries, bounded queries.

Each test drives the real thing: a `kavosh serve` subprocess over an on-disk
index that the real `kavosh index` changes while reader threads search it.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from kavosh.cli import main
from kavosh.engine import Engine
from kavosh.query import QueryParser
from serving import fetch, served


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def _article(word: str, n: int) -> str:
    return f"خبر شماره {n} درباره {word}\nمتن خبر {n} درباره {word} و پهپاد و کیف در روز {n}.\n"


# --- a served index, re-indexed while it is searched ---------------------------


class _Readers:
    """Threads that search a live server until stopped, keeping every failure."""

    def __init__(self, base: str, threads: int = 3):
        self.base, self.stop = base, threading.Event()
        self.requests, self.failures, self.lock = 0, [], threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                        for i in range(threads)]

    def _run(self, i: int):
        paths = [f"/api/search?q={quote('پهپاد')}", f"/?q={quote('کیف')}", "DOC", "/healthz",
                 f"/api/search?q={quote('خبر')}&mode=any&limit=20"]
        n = i
        while not self.stop.is_set():
            path = paths[n % len(paths)]
            n += 1
            if path == "DOC":  # a document that every state of the index has
                status, body = fetch(f"{self.base}/api/search?q={quote('آتش‌سوزی')}")
                path = f"/doc/{quote(json.loads(body)['hits'][0]['id'])}?q={quote('خبر')}"
            status, body = fetch(self.base + path)
            with self.lock:
                self.requests += 1
                if status != 200:
                    self.failures.append((path, status, body[:200]))

    def answer_more(self, n: int = 6, timeout: float = 300):
        """Wait until the readers have made ``n`` more requests (each sees the index as it is now)."""
        with self.lock:
            target = self.requests + n
        deadline = time.monotonic() + timeout
        while self.requests < target:
            assert time.monotonic() < deadline, f"the readers made no {n} requests in {timeout:.0f} s"
            assert not self.stop.is_set()
            time.sleep(0.05)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)


def _total(base: str, q: str) -> int:
    status, body = fetch(f"{base}/api/search?q={quote(q)}")
    assert status == 200, body[:300]
    return json.loads(body)["total"]


def test_a_served_index_keeps_answering_right_while_it_is_re_indexed(tmp_path, seeds_copy):
    # news/ first: its documents keep their bare ids when --rebuild drops the seeds root.
    ix = tmp_path / "ix"
    news = tmp_path / "news"
    news.mkdir()
    for n in range(20):
        (news / f"{n:03}.txt").write_text(_article("آتش‌سوزی", n), encoding="utf-8")
    assert invoke("index", str(news), str(seeds_copy), "--index", str(ix)).exit_code == 0
    server_log: list[str] = []
    with served(ix, log=server_log) as base, _Readers(base) as readers:
        assert _total(base, "زلزله") == 0
        # Add: the server finds the new documents at once.
        for n in range(20, 30):
            (news / f"{n:03}.txt").write_text(_article("زلزله", n), encoding="utf-8")
        assert invoke("index", str(news), str(seeds_copy), "--index", str(ix)).exit_code == 0
        assert _total(base, "زلزله") == 10
        readers.answer_more()
        # Change and delete.
        (news / "020.txt").write_text(_article("کهکشان", 20), encoding="utf-8")
        (news / "021.txt").unlink()
        assert invoke("index", str(news), str(seeds_copy), "--index", str(ix)).exit_code == 0
        assert _total(base, "زلزله") == 8
        assert _total(base, "کهکشان") == 1
        readers.answer_more()
        # Rebuild from scratch, twice: the old document count must not linger.
        for _ in range(2):
            result = invoke("index", "--rebuild", str(news), "--index", str(ix))
            assert result.exit_code == 0, result.output
            assert _total(base, "زلزله") == 8
            assert _total(base, "پهپاد") == 29  # the seeds are gone: only the news files have it
            readers.answer_more()
        status, body = fetch(base + "/healthz")
        assert status == 200 and json.loads(body)["documents"] == 29
        readers.answer_more()  # the readers met the last commit too
    assert readers.failures == [], (readers.failures[:5], server_log[-1][-3000:])


def test_an_engine_survives_many_commits_between_its_searches(tmp_path):
    """In-process: one thread's searcher retired by another thread's newer one."""
    docs = tmp_path / "d"
    docs.mkdir()
    ix = tmp_path / "ix"
    (docs / "a.txt").write_text(_article("باران", 0), encoding="utf-8")
    invoke("index", str(docs), "--index", str(ix))
    with Engine(ix) as engine:
        other = ThreadPoolExecutor(max_workers=1)
        assert other.submit(engine.search, "باران").result().total == 1
        for n in range(1, 6):
            (docs / f"{n}.txt").write_text(_article("باران", n), encoding="utf-8")
            invoke("index", str(docs), "--index", str(ix))
            assert engine.search("باران").total == n + 1  # this thread: a fresh searcher
        # The other thread's old searcher was closed while it was idle: it opens a new one.
        assert other.submit(engine.search, "باران").result().total == 6
        assert other.submit(engine.document, "3.txt", "باران").result().matches >= 1
        other.shutdown()
        assert len(engine._users) <= 2  # no searcher of an old commit is kept open


def test_healthz_fails_when_searching_fails(tmp_path, seeds_copy):
    ix = tmp_path / "ix"
    invoke("index", str(seeds_copy), "--index", str(ix))
    from kavosh.web import create_app

    client = create_app(ix).test_client()
    assert client.get("/healthz").status_code == 200
    for path in ix.iterdir():  # the index vanishes under a running server
        if path.is_file():
            path.unlink()
    r = client.get("/healthz")
    assert r.status_code == 503
    assert "kavosh index" in r.get_json()["error"]
    assert client.get("/api/search?q=" + quote("کیف")).status_code == 503


# --- concurrent queries give the sequential answers ---------------------------

QUERIES = ["پهپاد کیف", "کیف OR مسکو", "روسیه -اوکراین", '"حمله پهپادی"', "title:کیف",
           "پهپاد*", "الطائرات المسيرة", "ترامپ", "(کیف OR مسکو) پهپاد", "اوکراین روسیه",
           "كييف", "مسکو", "حمله", "آمریکا", "ایران"]


def _comparable(result) -> dict:
    return {k: v for k, v in result.to_json().items() if k != "took_ms"}


def test_concurrent_parses_equal_sequential_ones():
    parser = QueryParser("all")
    expected = {q: repr(parser.parse(q).query) for q in QUERIES}
    work = [q for _ in range(40) for q in QUERIES]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda q: (q, repr(parser.parse(q).query)), work))
    wrong = [q for q, r in got if r != expected[q]]
    assert wrong == []


def test_concurrent_searches_equal_sequential_ones(seeds_index):
    with Engine(seeds_index) as engine:
        args = [(q, mode) for q in QUERIES for mode in ("all", "any")]
        expected = {a: _comparable(engine.search(a[0], mode=a[1])) for a in args}
        work = args * 12
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = list(pool.map(lambda a: (a, _comparable(engine.search(a[0], mode=a[1]))), work))
    wrong = [a for a, r in got if r != expected[a]]
    assert wrong == []


# --- bounded queries ----------------------------------------------------------


def test_deeply_nested_parentheses_are_a_clear_error_everywhere(seeds_index):
    deep = "(" * 400 + "کیف" + ")" * 400
    result = invoke("search", "--index", str(seeds_index), deep)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "parentheses" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    from kavosh.web import create_app

    client = create_app(seeds_index).test_client()
    r = client.get("/api/search", query_string={"q": deep})
    assert r.status_code == 400 and "parentheses" in r.get_json()["error"]
    assert client.get("/", query_string={"q": deep}).status_code == 400
    # Moderate grouping still works.
    assert invoke("search", "--index", str(seeds_index), "((کیف))").exit_code == 0


def test_a_search_out_of_time_stops_and_says_so(seeds_index):
    with Engine(seeds_index) as engine:
        full = engine.search("په* OR کی* OR مس*", mode="any")
        cut = engine.search("په* OR کی* OR مس*", mode="any", time_limit=1e-6)
    assert not full.timed_out and full.total > 0
    assert cut.timed_out is True
    assert cut.total <= full.total


def test_the_page_and_api_say_timed_out_when_cut(seeds_index):
    from kavosh.web import create_app

    client = create_app(seeds_index, {"KAVOSH_TIME_LIMIT": 1e-6}).test_client()
    r = client.get("/api/search", query_string={"q": "په* OR کی*", "mode": "any"})
    assert r.status_code == 200 and r.get_json()["timed_out"] is True
    page = client.get("/", query_string={"q": "په* OR کی*", "mode": "any"})
    assert page.status_code == 200


@pytest.mark.parametrize("cap, value, query, message, smaller", [
    ("MAX_EXPANSIONS", 50, ["کتاب*"], "type more letters", ["کتاب1*"]),  # one pattern
    ("MAX_QUERY_EXPANSIONS", 60, ["--any", "کتاب* دفتر*"], "fewer patterns", ["کتاب*"]),  # all together
])
def test_patterns_standing_for_too_many_words_are_a_clear_error(tmp_path, monkeypatch, cap, value,
                                                                query, message, smaller):
    import kavosh.matching as matching

    docs = tmp_path / "d"
    docs.mkdir()
    words = " ".join(f"کتاب{n} دفتر{n}" for n in range(60))
    (docs / "a.txt").write_text(f"عنوان\n{words}\n", encoding="utf-8")
    invoke("index", str(docs), "--index", str(tmp_path / "ix"))
    monkeypatch.setattr(matching, cap, value)
    result = invoke("search", "--index", str(tmp_path / "ix"), *query)
    assert result.exit_code == 2 and message in result.stderr
    assert invoke("search", "--index", str(tmp_path / "ix"), *smaller).exit_code == 0
