"""Kavosh on a three-node OpenSearch cluster (the project's launcher, tests/opensearch_nodes.py),
searched the way `kavosh serve` searches: one engine shared by 8 threads.

* A node stops while 8 clients search: every search answers, and answers as before
  (one replica: each shard has a copy on another node; the clients know every node's URL).
* The index is rebuilt behind the alias while 8 clients search: no search fails,
  and each answer is wholly the old index's or wholly the new one's, never a mix
  (the new index differs from the old in one added and one re-titled document,
  so a mixed answer shows).

No timing is asserted: only that nothing fails and nothing is mixed.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from kavosh.backends import Backend
from kavosh.cli import main
from news_fixture import build_news_tree

CLIENTS = 8
# Each matches fewer than 10 documents, so an answer's hits are all of its matches.
QUERIES = ["پهپاد", "برف", "كييف", '"حمله پهپادی"', "پالایش*", "title:برف", "الثلوج OR برف",
           "موسکو -کیف"]
RETITLED = "n/fa-1"
NEW_TITLE = "برف سنگین و تعطیلی مدارس تهران"
ADDED = "یادداشت تازه\nبرف و پهپاد در یک یادداشت تازه که پس از بازسازی نمایه افزوده شد.\n"


@dataclass(frozen=True)
class Answer:
    total: int
    hits: tuple[tuple[str, str], ...]  # (id, title) in rank order


def answer(engine, query: str) -> Answer:
    result = engine.search(query, limit=10, collapse=False, time_limit=None)
    return Answer(result.total, tuple((h.id, h.title_text) for h in result.hits))


@dataclass
class Clients:
    """``CLIENTS`` threads asking ``QUERIES`` in turn through one engine until stopped."""

    engine: object
    answers: list = field(default_factory=list)  # (query, Answer)
    errors: list = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list = field(default_factory=list)

    def _run(self, offset: int) -> None:
        n = offset
        while not self._stop.is_set():
            query = QUERIES[n % len(QUERIES)]
            n += 1
            try:
                self.answers.append((query, answer(self.engine, query)))
            except Exception as exc:  # a failed search is what this test counts
                self.errors.append(f"{query}: {exc.__class__.__name__}: {exc}")

    def __enter__(self):
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(CLIENTS)]
        for t in self._threads:
            t.start()
        return self

    def wait_for(self, searches: int, timeout: float = 300) -> None:
        """Until ``searches`` more have answered (or failed)."""
        goal = len(self.answers) + len(self.errors) + searches
        end = time.monotonic() + timeout
        while len(self.answers) + len(self.errors) < goal and time.monotonic() < end:
            time.sleep(0.05)

    def __exit__(self, *exc):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=120)


def kavosh(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def backend_args(url: str, alias: str) -> list[str]:
    return ["--backend", "opensearch", "--opensearch-url", url, "--opensearch-alias", alias]


def shard_nodes(url: str, alias: str) -> set[str]:
    """The nodes holding a copy of a shard of the index behind ``alias``."""
    from opensearchpy import OpenSearch

    client = OpenSearch(hosts=[url])
    rows = client.cat.shards(index=alias, format="json")
    client.close()
    return {row["node"] for row in rows if row.get("node")}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return build_news_tree(tmp_path_factory.mktemp("cluster-docs"))


def test_a_node_stopping_while_8_clients_search_fails_no_search(opensearch_cluster, corpus):
    url = ",".join(opensearch_cluster.urls)  # the clients know every node, as a user's would
    alias = f"failover-{uuid.uuid4().hex[:8]}"
    kavosh("index", *backend_args(url, alias), "--quiet", "--shards", "3", "--replicas", "1", str(corpus))
    opensearch_cluster.wait_for_health("green", 120)  # every replica placed
    # The node the clients reach first, when it holds shards: it stops answering HTTP as
    # well as holding data.  Node names end in their number: kavosh-node-0.
    holders = shard_nodes(opensearch_cluster.urls[0], alias)
    victim = next(i for i in range(len(opensearch_cluster.urls)) if f"kavosh-node-{i}" in holders)
    with Backend("opensearch", url=url, alias=alias).open() as engine:
        expected = {q: answer(engine, q) for q in QUERIES}
        with Clients(engine) as clients:
            clients.wait_for(4 * CLIENTS)
            before = len(clients.answers)
            opensearch_cluster.stop(victim)
            clients.wait_for(20 * CLIENTS)
        assert clients.errors == []
        assert len(clients.answers) - before >= 20 * CLIENTS  # they went on searching
        wrong = [(q, got, expected[q]) for q, got in clients.answers if got != expected[q]]
        # no answer lost a hit or changed while the shards moved
        assert wrong == [], f"{len(wrong)} of {len(clients.answers)} answers differ: {wrong[:3]}"


def test_a_rebuild_behind_the_alias_while_8_clients_search_mixes_nothing(opensearch_cluster, corpus, tmp_path):
    url = opensearch_cluster.urls[0]
    alias = f"reindex-{uuid.uuid4().hex[:8]}"
    args = backend_args(url, alias)
    kavosh("index", *args, "--quiet", "--replicas", "1", str(corpus))
    with Backend("opensearch", url=url, alias=alias).open() as engine:
        old = {q: answer(engine, q) for q in QUERIES}
        # The new index: one document more and one re-titled, so a mixed answer shows.
        (corpus / "notes" / "added.txt").write_text(ADDED, encoding="utf-8")
        news = corpus / "news.jsonl"
        records = [json.loads(line) for line in news.read_text(encoding="utf-8").splitlines()]
        for record in records:
            if record["id"] == RETITLED:
                record["title"] = NEW_TITLE
        news.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        with Clients(engine) as clients:
            clients.wait_for(4 * CLIENTS)
            rebuilt = kavosh("index", *args, "--quiet", "--rebuild", "--replicas", "1", str(corpus))
            clients.wait_for(8 * CLIENTS)
        new = {q: answer(engine, q) for q in QUERIES}
    assert "15 documents in the index" in rebuilt
    assert any(new[q] != old[q] for q in QUERIES)  # the new index does answer differently
    assert clients.errors == []
    mixed = [(q, got) for q, got in clients.answers if got not in (old[q], new[q])]
    assert mixed == []
    assert any(got == new[q] != old[q] for q, got in clients.answers)  # the swap was seen live
