"""One contract, two backends: the same `kavosh` commands, pages and JSON API on a whoosh
index folder and on a real OpenSearch node (the project's launcher, tests/opensearch_nodes.py).

Every test taking ``store`` runs once per backend with the same assertions; the
``both`` tests compare the two backends' answers to the same questions.  The
corpus is tests/news_fixture.py's: the bundled seeds, dated articles from
several sources in both languages, one wire story reprinted by three papers,
an undated note.
"""

from __future__ import annotations

import json
import re
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from kavosh.backends import Backend
from kavosh.cli import main
from kavosh.web import create_app
from news_fixture import build_news_tree

BACKENDS = ("whoosh", "opensearch")
DOCUMENTS = 14  # 5 seeds, 8 JSONL articles, 1 undated note
SEED_000 = "seeds/000_91134593e6c4caae.txt"  # Persian: کیف, پهپاد, "حمله پهپادی"
WIRE = {"w/irna", "w/isna", "w/mehr"}  # one story, three papers: folded into one hit


@dataclass
class Store:
    """An index of the corpus on one backend, and how the CLI and the app reach it."""

    name: str
    args: list[str]  # the CLI options that name it
    backend: Backend  # what create_app is given
    indexed: str  # what `kavosh index` printed


def invoke(store: Store, command: str, *args: str):
    return CliRunner().invoke(main, [command, *store.args, *args])


def ok(result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def search_json(store: Store, *args: str) -> dict:
    return json.loads(ok(invoke(store, "search", "--json", *args)))


def one_line_error(result) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def ids(result: dict) -> list[str]:
    return [hit["id"] for hit in result["hits"]]


def every_id(result: dict) -> set[str]:
    """Shown hits and the near-duplicates folded under them."""
    return {hit["id"] for hit in result["hits"]} | {s["id"] for hit in result["hits"] for s in hit["similar"]}


# --- the two stores -------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return build_news_tree(tmp_path_factory.mktemp("contract-docs"))


def _indexed(name: str, args: list[str], backend: Backend, corpus: Path) -> Store:
    store = Store(name, args, backend, "")
    store.indexed = ok(invoke(store, "index", "--quiet", str(corpus)))
    return store


@pytest.fixture(scope="module")
def whoosh_store(corpus, tmp_path_factory) -> Store:
    folder = tmp_path_factory.mktemp("contract-index")
    return _indexed("whoosh", ["--index", str(folder)], Backend("whoosh", index_dir=folder), corpus)


def opensearch_args(url: str, alias: str) -> list[str]:
    return ["--backend", "opensearch", "--opensearch-url", url, "--opensearch-alias", alias]


@pytest.fixture(scope="module")
def opensearch_store(corpus, opensearch_url) -> Store:
    alias = f"contract-{uuid.uuid4().hex[:8]}"
    return _indexed("opensearch", opensearch_args(opensearch_url, alias),
                    Backend("opensearch", url=opensearch_url, alias=alias), corpus)


@pytest.fixture(scope="module", params=BACKENDS)
def store(request) -> Store:
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture(scope="module")
def client(store):
    return create_app(store.backend).test_client()


# --- indexing, stats, health ------------------------------------------------------


def test_index_reports_what_it_added_and_where(store):
    assert f"{DOCUMENTS} added" in store.indexed and f"{DOCUMENTS} documents in the index" in store.indexed
    if store.name == "opensearch":
        assert store.backend.url in store.indexed and store.backend.alias in store.indexed


def test_stats_count_documents_languages_sources_and_dates(store):
    stats = json.loads(ok(invoke(store, "stats", "--json")))
    assert stats["documents"] == DOCUMENTS
    assert stats["languages"]["fa"] >= 6 and stats["languages"]["ar"] >= 6
    assert {"همشهری", "ایرنا", "الشرق الأوسط"} <= set(stats["sources"])
    assert stats["dates"]["earliest"].startswith("2015") and stats["dates"]["dated"] >= 7
    text = ok(invoke(store, "stats"))
    assert f"documents: {DOCUMENTS}" in text


def test_healthz_and_api_stats(client):
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["status"] == "ok" and health.get_json()["documents"] == DOCUMENTS
    assert client.get("/api/stats").get_json()["documents"] == DOCUMENTS
    page = client.get("/stats")
    assert page.status_code == 200 and "همشهری" in page.get_data(as_text=True)


# --- searching --------------------------------------------------------------------


def test_all_words_must_match_and_snippets_mark_them(store):
    result = search_json(store, "پهپاد", "کیف")
    assert ids(result) == [SEED_000] and result["total"] == 1
    snippet = result["hits"][0]["snippet"]
    assert "<mark>پهپاد</mark>" in snippet or "<mark>کیف</mark>" in snippet


def test_phrase_exclusion_field_and_prefix(store):
    phrase = search_json(store, '"حمله پهپادی"')
    assert phrase["total"] == 3 and SEED_000 in ids(phrase)
    excluded = search_json(store, "پهپاد", "-کیف")
    assert SEED_000 not in every_id(excluded) and "w/local" in ids(excluded)
    titles = search_json(store, "title:پالایشگاه")
    assert every_id(titles) == WIRE  # w/local has it in its body only
    prefix = search_json(store, "پالایش*")
    assert every_id(prefix) == WIRE | {"w/local"}


def test_other_spellings_are_found_and_named(store):
    result = search_json(store, "كييف")  # Arabic spelling: the Persian کیف document too
    hit = next(h for h in result["hits"] if h["id"] == SEED_000)
    assert hit["variants"] == ["کیف"]
    exact = search_json(store, "--exact", "كييف")  # only its own کییف, no کیف
    assert all(not h["variants"] for h in exact["hits"])


def test_reprints_fold_into_one_hit(store):
    folded = search_json(store, "پالایشگاه", "بندر", "عباس")
    wire = [h for h in folded["hits"] if h["id"] in WIRE]
    assert len(wire) == 1 and {s["id"] for s in wire[0]["similar"]} | {wire[0]["id"]} == WIRE
    assert folded["folded"] == 2
    assert WIRE <= set(ids(search_json(store, "--no-collapse", "پالایشگاه", "بندر", "عباس")))


def test_filters_sort_and_facets(store):
    snow = search_json(store, "برف")
    assert snow["facets"]["lang"]["fa"] >= 2
    assert {h["lang"] for h in search_json(store, "--lang", "ar", "کیف")["hits"]} == {"ar"}
    dated = search_json(store, "--since", "2020", "--until", "2020", "--no-collapse", "پهپاد")
    # the three papers, w/local, and the note whose file is dated 2020-09
    assert dated["total"] == 5 and all(h["date"].startswith("2020") for h in dated["hits"])
    source = search_json(store, "--source", "ایرنا", "پهپاد")
    assert ids(source) == ["w/irna"] and source["sources"] == ["ایرنا"]
    newest = search_json(store, "--sort", "newest", "--no-collapse", "پهپاد")
    dates = [h["date"] for h in newest["hits"] if h.get("date_origin") == "document"]
    assert dates == sorted(dates, reverse=True) and len(dates) >= 4
    sources = dict(map(tuple, search_json(store, "--no-collapse", "پهپاد")["facets"]["source"]))
    assert sources["همشهری"] == 1 and sources["ایرنا"] == 1


def test_text_and_export_formats(store):
    text = ok(invoke(store, "search", "--no-color", "پهپاد", "کیف"))
    assert re.search(r"^1 result, showing 1–1 \(\d+ ms\)$", text, re.M)
    jsonl = ok(invoke(store, "search", "--format", "jsonl", "--all", "پالایش*")).splitlines()
    assert {json.loads(line)["id"] for line in jsonl} == WIRE | {"w/local"}


def test_unknown_source_is_said(store):
    result = invoke(store, "search", "--source", "هیچ‌کس", "پهپاد")
    assert result.exit_code == 0 and "no document in the index has the source" in result.stderr


# --- documents ----------------------------------------------------------------------


def test_show_marks_a_documents_matches(store):
    doc = json.loads(ok(invoke(store, "show", "n/fa-1", "-q", "برف", "--json")))
    assert doc["title"] == "بارش برف در تهران" and doc["source"] == "همشهری"
    assert "<mark>برف</mark>" in doc["body_html"] and doc["matches"] >= 2
    missing = one_line_error(invoke(store, "show", "n/none"))
    assert "no document with id 'n/none'" in missing


def test_document_page_and_api(client):
    page = client.get("/doc/n/fa-1", query_string={"q": "برف"})
    assert page.status_code == 200 and "<mark>برف</mark>" in page.get_data(as_text=True)
    assert client.get("/api/doc/n/fa-1").get_json()["title"] == "بارش برف در تهران"
    assert client.get("/api/doc/n/none").status_code == 404


# --- the page's helpers: suggestions, did-you-mean ---------------------------------------


def test_suggest_completes_from_the_documents(client):
    suggestions = client.get("/api/suggest", query_string={"q": "پالا"}).get_json()["suggestions"]
    assert "پالایشگاه" in suggestions
    assert "كييف" in client.get("/api/suggest", query_string={"q": "كي"}).get_json()["suggestions"]


def test_did_you_mean_and_the_results_page(client):
    page = client.get("/", query_string={"q": "پپاد"}).get_data(as_text=True)  # ه left out
    assert "<strong>پهپاد</strong>" in page
    results = client.get("/", query_string={"q": "پهپاد کیف"}).get_data(as_text=True)
    assert "<mark>" in results and "روسیه چندین نقطه در اوکراین" in results
    home = client.get("/").get_data(as_text=True)
    assert 'autofocus' in home


def test_api_search_is_the_cli_object(client, store):
    api = client.get("/api/search", query_string={"q": "برف", "lang": "fa"}).get_json()
    cli = search_json(store, "--lang", "fa", "برف")
    for result in (api, cli):
        result.pop("took_ms")
        for hit in result["hits"]:
            hit.pop("score")
    assert api == cli


# --- the same answers on both ----------------------------------------------------------

QUERIES = [
    ["پهپاد", "کیف"], ['"حمله پهپادی"'], ["پهپاد", "-کیف"], ["title:پالایشگاه"], ["پالایش*"],
    ["كييف"], ["--exact", "كييف"], ["--any", "برف", "الثلوج"], ["کیف", "OR", "موسکو"],
    ["--lang", "ar", "کیف"], ["--since", "2020", "--until", "2020-03", "پهپاد"],
    ["--source", "همشهری", "برف"], ["--sort", "oldest", "پهپاد"], ["--no-collapse", "پهپاد"],
    ["الطائرات", "المسيرة"], ['"بقایای یک پهپاد که از روسیه"'],
]


def _shape(value):
    """The keys of a JSON value, all the way down (a list: its items' shapes)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else type(value).__name__


def _by_id(result: dict) -> dict:
    """Each hit as the page shows it, by id (scores and rank are each engine's own: BM25
    in whoosh and in Lucene differ in scale and, on ties, in order)."""
    return {h["id"]: {**{k: v for k, v in h.items() if k not in ("score", "similar")},
                      "similar": sorted(s["id"] for s in h["similar"])} for h in result["hits"]}


@pytest.mark.parametrize("query", QUERIES, ids=" ".join)
def test_both_backends_answer_with_the_same_keys_and_hits(whoosh_store, opensearch_store, query):
    mine, theirs = search_json(whoosh_store, *query), search_json(opensearch_store, *query)
    assert list(mine) == list(theirs)  # the same keys in the same order
    assert {k: _shape(v) for k, v in mine.items() if k != "hits"} == \
        {k: _shape(v) for k, v in theirs.items() if k != "hits"}
    assert {k: v for k, v in mine.items() if k not in ("hits", "took_ms")} == \
        {k: v for k, v in theirs.items() if k not in ("hits", "took_ms")}  # totals, facets, filters
    assert _by_id(mine) == _by_id(theirs)  # the same hits, each with the same snippet and fields


def test_both_backends_show_and_count_the_same(whoosh_store, opensearch_store):
    for args in (["show", "n/fa-1", "-q", "برف", "--json"], ["show", SEED_000, "--json"]):
        assert json.loads(ok(invoke(whoosh_store, *args))) == json.loads(ok(invoke(opensearch_store, *args)))
    mine = json.loads(ok(invoke(whoosh_store, "stats", "--json")))
    theirs = json.loads(ok(invoke(opensearch_store, "stats", "--json")))
    assert set(mine) == set(theirs)
    for key in ("documents", "languages", "sources", "dates"):
        assert mine[key] == theirs[key], key


# --- remove, on a private index --------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def private_store(request, corpus, tmp_path) -> Store:
    if request.param == "whoosh":
        return _indexed("whoosh", ["--index", str(tmp_path / "ix")],
                        Backend("whoosh", index_dir=tmp_path / "ix"), corpus)
    url = request.getfixturevalue("opensearch_url")
    alias = f"private-{uuid.uuid4().hex[:8]}"
    return _indexed("opensearch", opensearch_args(url, alias), Backend("opensearch", url=url, alias=alias),
                    corpus)


def test_remove_drops_a_folder_and_search_no_longer_finds_it(private_store, corpus):
    assert search_json(private_store, "یادداشت")["total"] == 1
    removed = ok(invoke(private_store, "remove", str(corpus / "notes")))
    assert "removed folder" in removed and ": 1 documents" in removed
    assert f"{DOCUMENTS - 1} documents in the index" in removed
    assert search_json(private_store, "یادداشت")["total"] == 0
    unknown = one_line_error(invoke(private_store, "remove", str(corpus / "nowhere")))
    assert "not an indexed root, folder or file" in unknown
    again = ok(invoke(private_store, "index", "--quiet", str(corpus)))
    assert "1 added" in again and f"{DOCUMENTS} documents in the index" in again



# --- an id repeated across files, on a private index ---------------------------------------


def _jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _titles(store: Store, query: str) -> dict[str, str]:
    return {hit["id"]: hit["title"] for hit in search_json(store, "--limit", "50", query)["hits"]}


@pytest.fixture(params=BACKENDS)
def empty_store(request, tmp_path) -> Store:
    if request.param == "whoosh":
        return Store("whoosh", ["--index", str(tmp_path / "ix")], Backend("whoosh", index_dir=tmp_path / "ix"), "")
    url = request.getfixturevalue("opensearch_url")
    alias = f"dup-{uuid.uuid4().hex[:8]}"
    return Store("opensearch", opensearch_args(url, alias), Backend("opensearch", url=url, alias=alias), "")


def test_an_id_another_file_holds_is_skipped_and_the_first_document_stays(empty_store, tmp_path):
    """Bad input loses nothing: the second file's record does not replace the first's."""
    folder = tmp_path / "docs"
    folder.mkdir()
    _jsonl(folder / "a.jsonl", {"id": "n1", "title": "اول", "body": "خبر درباره ونزوئلا"})
    _jsonl(folder / "b.jsonl", {"id": "n1", "title": "دوم", "body": "خبر درباره کاراکاس"},
           {"id": "n2", "title": "سوم", "body": "خبر درباره بوگوتا"})
    line = "b.jsonl: duplicate id 'n1', already the id of a document from a.jsonl; record not indexed"
    first = invoke(empty_store, "index", str(folder))
    assert line in ok(first) + first.stderr
    assert _titles(empty_store, "ونزوئلا") == {"n1": "اول"}
    assert _titles(empty_store, "کاراکاس") == {}
    assert _titles(empty_store, "بوگوتا") == {"n2": "سوم"}
    assert search_json(empty_store, "خبر")["total"] == 2
    again = invoke(empty_store, "index", str(folder))  # a re-run changes nothing
    assert "0 added" in ok(again) and "0 removed" in again.stdout and line in again.stderr
    assert _titles(empty_store, "ونزوئلا") == {"n1": "اول"} and _titles(empty_store, "کاراکاس") == {}
    # The holder renamed (read before b.jsonl): the id is its own again, not a duplicate of itself.
    (folder / "a.jsonl").rename(folder / "a0.jsonl")
    renamed = invoke(empty_store, "index", str(folder))
    assert "1 added" in ok(renamed) and "1 removed" in renamed.stdout
    assert "a0.jsonl: duplicate" not in renamed.stderr
    assert line.replace("a.jsonl", "a0.jsonl") in renamed.stderr
    assert _titles(empty_store, "ونزوئلا") == {"n1": "اول"} and _titles(empty_store, "کاراکاس") == {}
    assert search_json(empty_store, "خبر")["total"] == 2
    # The holder gone: the record it kept out gets the id.
    (folder / "a0.jsonl").unlink()
    ok(invoke(empty_store, "index", str(folder)))
    assert _titles(empty_store, "کاراکاس") == {"n1": "دوم"} and _titles(empty_store, "ونزوئلا") == {}


# --- a node that does not answer, an alias that does not exist -----------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def nowhere() -> Store:
    url = f"http://127.0.0.1:{_closed_port()}"
    return Store("opensearch", opensearch_args(url, "kavosh"), Backend("opensearch", url=url), "")


@pytest.mark.parametrize("command", [["search", "پهپاد"], ["show", "x"], ["stats"], ["remove", "x"],
                                     ["index", "--quiet"]])
def test_a_node_that_does_not_answer_is_one_line_and_a_non_zero_exit(nowhere, command, corpus):
    args = command + ([str(corpus / "notes")] if command[0] == "index" else [])
    line = one_line_error(invoke(nowhere, *args))
    assert nowhere.backend.url in line


def test_a_node_that_does_not_answer_is_a_503_page_and_api(nowhere):
    client = create_app(nowhere.backend, {"KAVOSH_RETRY_OPEN": 0}).test_client()
    for url in ("/healthz", "/api/search?q=x", "/api/stats", "/?q=x", "/api/suggest?q=پا"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert "Traceback" not in response.get_data(as_text=True)
    assert nowhere.backend.url in client.get("/healthz").get_json()["error"]


def test_a_missing_alias_says_to_index_first(opensearch_url):
    store = Store("opensearch", opensearch_args(opensearch_url, f"none-{uuid.uuid4().hex[:8]}"),
                  Backend("opensearch", url=opensearch_url), "")
    line = one_line_error(invoke(store, "search", "پهپاد"))
    assert "kavosh index" in line
    client = create_app(Backend("opensearch", url=opensearch_url, alias="never-made"),
                        {"KAVOSH_RETRY_OPEN": 0}).test_client()
    assert client.get("/healthz").status_code == 503 and client.get("/?q=x").status_code == 503


# --- options that belong to one backend ------------------------------------------------------


def test_backend_options_are_checked_in_one_line(tmp_path):
    runner = CliRunner()
    for args, words in [
        (["stats", "--backend", "opensearch", "--index", str(tmp_path)], "--index names a whoosh index"),
        (["stats", "--backend", "opensearch", "--opensearch-url", "ftp://x"], "is not http(s)://"),
        (["stats", "--backend", "opensearch", "--opensearch-alias", "Big Name"], "cannot be an OpenSearch alias"),
        (["index", "--index", str(tmp_path / "ix"), "--replicas", "1"], "--shards and --replicas"),
        (["export", "opensearch", "--backend", "opensearch", "--out", str(tmp_path / "o")],
         "whoosh index folder only"),
    ]:
        result = runner.invoke(main, args)
        assert words in one_line_error(result), args
    env = runner.invoke(main, ["stats"], env={"KAVOSH_BACKEND": "solr"})
    assert "no backend 'solr'" in one_line_error(env)
    # The chain OpenSearch is sent is the shipped one: analyze needs no node for it.
    analysed = runner.invoke(main, ["analyze", "--backend", "opensearch", "--json", "پهپادها"])
    assert analysed.exit_code == 0 and json.loads(analysed.stdout)["tokens"][0]["terms"] == ["پهپاد"]


def test_the_environment_chooses_the_backend(tmp_path):
    chosen = Backend.choose(env={"KAVOSH_BACKEND": "opensearch", "KAVOSH_OPENSEARCH_URL": "http://h:9201/",
                                 "KAVOSH_OPENSEARCH_ALIAS": "news", "KAVOSH_INDEX": str(tmp_path)})
    assert (chosen.name, chosen.url, chosen.alias) == ("opensearch", "http://h:9201", "news")
    assert Backend.choose(env={"KAVOSH_INDEX": str(tmp_path)}) == Backend("whoosh", index_dir=tmp_path)
    cluster = Backend.choose("opensearch", url="http://a:9200/, https://b:9201", env={})
    assert cluster.url == "http://a:9200,https://b:9201"
    assert Backend.choose("whoosh", index_dir=tmp_path, env={"KAVOSH_BACKEND": "opensearch"}).is_whoosh
