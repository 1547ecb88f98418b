"""The OpenSearch backend against the whoosh index, on a real OpenSearch node.

The same files (tests/news_fixture.py's small dated archive: the seeds, dated
articles from several sources in both languages, one wire story reprinted three
times, an undated note) are indexed into whoosh and into OpenSearch, and the
same questions must get the same answers: totals, ids, snippets and marks,
facets, filters, sorts, folded near-duplicates, documents, suggestions.  Then
the lifecycle: an unchanged re-run sends nothing, a changed file replaces its
documents, a deleted one removes them, `remove` drops a root, and a rebuild
swaps the alias to a new index in one step and keeps the old one.

The node: $KAVOSH_TEST_OPENSEARCH_URL, else the ``opensearch_url`` fixture of
tests/opensearch_nodes.py (the project's launcher of real nodes).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid

import pytest

from news_fixture import build_news_tree

from kavosh.engine import Engine
from kavosh.index.errors import KavoshError, QueryError
from kavosh.index.writer import index_paths as whoosh_index_paths

pytest.importorskip("opensearchpy")

from kavosh.opensearch import AliasMissing, NodeUnreachable  # noqa: E402
from kavosh.opensearch.engine import OpenSearchEngine  # noqa: E402
from kavosh.opensearch.indexer import index_paths, remove_paths  # noqa: E402


@pytest.fixture(scope="module")
def node_url(request) -> str:
    url = os.environ.get("KAVOSH_TEST_OPENSEARCH_URL")
    if url:
        return url
    try:
        return request.getfixturevalue("opensearch_url")
    except pytest.FixtureLookupError:
        pytest.skip("no OpenSearch node: set KAVOSH_TEST_OPENSEARCH_URL or build tests/opensearch_node")


@pytest.fixture(scope="module")
def both(node_url, tmp_path_factory):
    """(whoosh engine, OpenSearch engine) over the same news tree."""
    tree = build_news_tree(tmp_path_factory.mktemp("news") / "archive")
    whoosh_dir = tmp_path_factory.mktemp("whoosh")
    whoosh_index_paths(whoosh_dir, [tree])
    alias = f"test-{uuid.uuid4().hex[:8]}"
    summary = index_paths(node_url, [tree], alias=alias)
    assert summary.added == summary.documents > 0
    whoosh, opensearch = Engine(whoosh_dir), OpenSearchEngine(node_url, alias=alias)
    yield whoosh, opensearch
    whoosh.close()
    _drop(opensearch.client, alias)
    opensearch.close()


def _drop(client, alias: str) -> None:
    """Delete the indexes a test made under its own alias (the node is shared)."""
    client.indices.delete(index=f"{alias}-*", ignore=[404])


QUERIES = [
    ("پهپاد", {}),
    ("روسیه", {}),
    ("برف", {}),
    ("الثلوج", {}),
    ("مدينة", {}),
    ("پهپاد پالایشگاه", {}),
    ("پهپاد -پالایشگاه", {}),
    ("پهپاد NOT انتحاری", {}),
    ("برف OR الثلوج", {}),
    ("برف سرما", {"mode": "any"}),
    # Phrases with stop words in two places: the old export's span_near found none.
    ('"بقایای یک پهپاد که از روسیه"', {}),
    ('"یک فروند پهپاد انتحاری"', {}),
    ('"به مخزن سوخت"', {}),
    ("پالایش*", {}),
    ("پهپا*", {}),
    ("title:پهپاد", {}),
    ('title:"حمله پهپادی"', {}),
    ("ترامپ", {}),
    ("ترامب", {}),
    ("Trump", {}),
    ("آتش سوزی", {}),
    ("آتش‌سوزی", {}),
    ("پهپاد", {"exact": True}),
    ("پهپاد", {"lang": "fa"}),
    ("مدينة", {"lang": "ar"}),
    ("پهپاد", {"sort": "newest"}),
    ("برف", {"sort": "oldest"}),
    ("برف", {"since": "2020", "until": "2020"}),
    ("برف", {"since": "2016"}),
    ("پهپاد", {"sources": ["ایرنا", "مهر"], "collapse": False}),  # which reprint leads: a near-tie
    ("پهپاد", {"sources": ["www.IRNA"]}),
    ("پهپاد", {"collapse": False}),
    ("برف", {"offset": 1, "limit": 2}),
]


def _answer(engine, text, options):
    result = engine.search(text, **{"limit": 10, **options}).to_json()
    result.pop("took_ms")
    for hit in result["hits"]:
        hit.pop("score")
    return result


@pytest.mark.parametrize("text,options", QUERIES, ids=[f"{q} {o}" for q, o in QUERIES])
def test_same_answer_as_whoosh(both, text, options):
    """Totals, hits, snippets with their marks, facets, folded duplicates: the same JSON object
    on both backends.  Hits by date in the same order; by relevance the same hits (this
    archive is smaller than a page), ordered by each engine's scores (ties and one-byte
    lengths may differ)."""
    whoosh, opensearch = both
    expected, got = _answer(whoosh, text, options), _answer(opensearch, text, options)
    assert got["total"] == expected["total"]
    if options.get("sort", "relevance") == "relevance" and "offset" not in options:
        for answer in (expected, got):  # folded duplicates too are listed by their rank
            answer["hits"].sort(key=lambda h: h["id"])
            for hit in answer["hits"]:
                hit["similar"].sort(key=lambda s: s["id"])
    assert got == expected


def test_a_phrase_with_stop_words_in_two_places_is_found(both):
    _whoosh, opensearch = both
    result = opensearch.search('"بقایای یک پهپاد که از روسیه"')
    assert result.total == 1
    assert "<mark>" in result.hits[0].to_json()["snippet"]


def test_bad_queries_are_one_line_errors(both):
    _whoosh, opensearch = both
    with pytest.raises(QueryError):
        opensearch.search("-پهپاد")
    with pytest.raises(QueryError):
        opensearch.search("پ*")
    with pytest.raises(QueryError):
        opensearch.search("پهپاد", limit=1000)


def test_documents_and_suggestions_as_whoosh(both):
    whoosh, opensearch = both
    doc_id = whoosh.search("پهپاد").hits[0].id
    assert opensearch.document(doc_id, "پهپاد").to_json() == whoosh.document(doc_id, "پهپاد").to_json()
    assert opensearch.document("no/such/id") is None
    assert opensearch.vocabulary.completions("پهپ") == whoosh.vocabulary.completions("پهپ")
    assert (opensearch.vocabulary.did_you_mean("پهپاذ", 0)
            == whoosh.vocabulary.did_you_mean("پهپاذ", 0))
    assert opensearch.vocabulary.examples() == whoosh.vocabulary.examples()


def test_export_rows_as_whoosh(both):
    whoosh, opensearch = both
    rows = lambda engine: [{k: v for k, v in r.items() if k != "score"}  # noqa: E731
                           for r in engine.export("پهپاد", sort="newest")]
    assert rows(opensearch) == rows(whoosh)
    # By relevance, an export lists the hits in the search's order (proximity rescoring included).
    searched = [h.id for h in opensearch.search("پهپاد پالایشگاه", collapse=False).hits]
    assert [r["id"] for r in opensearch.export("پهپاد پالایشگاه")][:len(searched)] == searched


def test_health_and_stats(both):
    whoosh, opensearch = both
    assert opensearch.health()["documents"] == whoosh.health()["documents"]
    ours, theirs = opensearch.stats(), whoosh.stats()
    for key in ("documents", "languages", "sources", "analysis_fingerprint"):
        assert ours[key] == theirs[key], key
    assert [r["documents"] for r in ours["roots"]] == [r["documents"] for r in theirs["roots"]]


def test_unreachable_node_and_missing_alias_are_one_line_errors(node_url):
    with pytest.raises(NodeUnreachable) as err:
        OpenSearchEngine("http://127.0.0.1:9")
    assert "\n" not in str(err.value)
    with pytest.raises(AliasMissing) as err:
        OpenSearchEngine(node_url, alias=f"nothing-{uuid.uuid4().hex[:8]}")
    assert "kavosh index" in str(err.value)
    assert isinstance(err.value, KavoshError)


def test_updates_deletes_removal_and_alias_swap(node_url, tmp_path):
    """Only new, changed and deleted documents are sent; a rebuild swaps the alias in one
    step and keeps the old index."""
    from kavosh.opensearch.connection import alias_target, connect

    tree = build_news_tree(tmp_path / "archive")
    alias = f"test-{uuid.uuid4().hex[:8]}"
    first = index_paths(node_url, [tree], alias=alias)
    again = index_paths(node_url, [tree], alias=alias)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, first.added)
    records = [json.loads(line) for line in (tree / "news.jsonl").read_text(encoding="utf-8").splitlines()]
    records[0]["body"] += " کبوتر"
    del records[1]
    (tree / "news.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                     encoding="utf-8")
    shutil.rmtree(tree / "notes")
    changed = index_paths(node_url, [tree], alias=alias)
    assert (changed.added, changed.updated, changed.removed) == (0, len(records), 2)
    with OpenSearchEngine(node_url, alias=alias) as engine:
        assert [h.id for h in engine.search("کبوتر").hits] == [records[0]["id"]]
        assert engine.search("تبریز").total == 0  # the deleted record's only word
        assert engine.vocabulary.completions("کبوت") == ["کبوتر"]
    client = connect(node_url)
    before = alias_target(client, alias)
    rebuilt = index_paths(node_url, [tree], alias=alias, rebuild=True)
    after = alias_target(client, alias)
    assert after != before and client.indices.exists(index=before)
    assert rebuilt.documents == changed.documents
    removed, left = remove_paths(node_url, [tree], alias=alias)
    assert [r.what for r in removed] == ["root"] and left == 0
    with OpenSearchEngine(node_url, alias=alias) as engine:
        assert engine.search("پهپاد").total == 0
    _drop(client, alias)


def test_an_index_of_another_analysis_is_refused_one_of_the_same_terms_is_served(node_url, tmp_path):
    """As a whoosh folder: an index whose recorded analysis is not this code's is one line
    ("rebuild"), and `kavosh index` builds a new one beside it; an index recorded by a chain
    listed in ``SAME_TERMS_AS`` (an edit that changed no term) is searched and updated in place."""
    from kavosh.index.fingerprint import SAME_TERMS_AS
    from kavosh.opensearch import WrongAnalysis
    from kavosh.opensearch.connection import alias_target, connect, kavosh_meta
    from kavosh.opensearch.mapping import MAPPING_VERSION

    tree = build_news_tree(tmp_path / "archive")
    alias = f"test-{uuid.uuid4().hex[:8]}"
    index_paths(node_url, [tree], alias=alias)
    client = connect(node_url)
    index = alias_target(client, alias)

    def record(fingerprint: str) -> None:
        meta = dict(kavosh_meta(client, index), index_fingerprint=fingerprint)
        client.indices.put_mapping(index=index, body={"_meta": {"kavosh": meta}})

    assert SAME_TERMS_AS, "no earlier chain is listed: nothing to check the in-place case with"
    record(f"{sorted(SAME_TERMS_AS)[0]}m{MAPPING_VERSION}")
    with OpenSearchEngine(node_url, alias=alias) as engine:
        assert engine.search("پهپاد").total > 0
    assert index_paths(node_url, [tree], alias=alias).added == 0
    assert alias_target(client, alias) == index
    record(f"0123456789abcdefm{MAPPING_VERSION}")
    with pytest.raises(WrongAnalysis) as err:
        OpenSearchEngine(node_url, alias=alias)
    assert "another analysis" in str(err.value) and "\n" not in str(err.value)
    rebuilt = index_paths(node_url, [tree], alias=alias)
    assert alias_target(client, alias) != index and rebuilt.added == rebuilt.documents
    _drop(client, alias)


def test_a_cluster_keeps_answering_while_a_node_stops(opensearch_cluster, tmp_path):
    """Three real nodes, two shards with one replica each: while 8 clients search, node 1
    stops; no search fails and every answer is the whole one (dfs_query_then_fetch keeps
    the ranking one index's)."""
    import threading

    tree = build_news_tree(tmp_path / "archive")
    urls = ",".join(opensearch_cluster.urls)
    index_paths(urls, [tree], alias="cluster", shards=2, replicas=1)
    opensearch_cluster.wait_for_health("green")
    engine = OpenSearchEngine(urls, alias="cluster")
    assert engine.shards == 2
    expected = engine.search("پهپاد").to_json()
    failures, answers, stop = [], [], threading.Event()

    def client():
        while not stop.is_set():
            try:
                answers.append(engine.search("پهپاد").to_json()["total"])
            except Exception as exc:  # noqa: BLE001  (any failure is what this test counts)
                failures.append(repr(exc))

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    import time

    def wait_for(count):
        give_up = time.monotonic() + 120
        while len(answers) < count and time.monotonic() < give_up:
            stop.wait(0.05)

    try:
        wait_for(16)
        opensearch_cluster.stop(1)
        wait_for(len(answers) + 32)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert failures == []
    assert len(answers) >= 48 and set(answers) == {expected["total"]}


def test_rank_finds_what_whoosh_ranks(both):
    whoosh, opensearch = both
    for query in ("پهپاد", "برف سرما", "ترامپ"):
        assert ({i for i, _s in opensearch.rank(query, mode="all", limit=100)}
                == {i for i, _s in whoosh.rank(query, mode="all", limit=100)})


def test_scores_are_whooshs(both):
    """The scripted similarity is whoosh's BM25F (its idf, b, k1 and title frequencies), so a
    hit scores as in whoosh, not only ranks: Lucene's own BM25 scored these 3-4.5 times lower.
    Within 10%: document lengths are one byte on both sides, rounded differently.  A pattern
    adds the scores of the words it stands for, on both."""
    whoosh, opensearch = both
    for query in ("پهپاد", "برف سرما", "ترامپ", "مدينة", "title:پهپاد", "پالایش*", "روس*"):
        expected = dict(whoosh.rank(query, mode="all", limit=100))
        got = dict(opensearch.rank(query, mode="all", limit=100))
        assert expected and got.keys() == expected.keys()
        for doc_id, score in expected.items():
            assert got[doc_id] == pytest.approx(score, rel=0.1), (query, doc_id)


def test_a_failed_rebuild_leaves_the_alias_and_no_half_index(node_url, tmp_path, monkeypatch):
    """An error mid-rebuild (here: a document the analysis cannot take) deletes the new index
    beside the alias's; searches keep the old one."""
    from kavosh.opensearch import indexer
    from kavosh.opensearch.connection import alias_target, connect

    tree = build_news_tree(tmp_path / "archive")
    alias = f"test-{uuid.uuid4().hex[:8]}"
    index_paths(node_url, [tree], alias=alias)
    client = connect(node_url)
    before = sorted(client.indices.get(index=f"{alias}-*"))

    def broken(item):
        raise RuntimeError("analysis failed")

    monkeypatch.setattr(indexer, "_analysed", broken)
    with pytest.raises(RuntimeError):
        index_paths(node_url, [tree], alias=alias, rebuild=True)
    assert sorted(client.indices.get(index=f"{alias}-*")) == before
    assert alias_target(client, alias) in before
    with OpenSearchEngine(node_url, alias=alias) as engine:
        assert engine.search("پهپاد").total > 0
    _drop(client, alias)
