"""The launcher of real OpenSearch nodes the backend tests stand on (tests/opensearch_nodes.py)."""

from __future__ import annotations

import json
import urllib.request

from opensearch_nodes import get_json


def put_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def test_a_node_answers_http_with_opensearch_and_the_stock_analysis(opensearch_url):
    about = get_json(opensearch_url)
    assert about["version"]["distribution"] == "opensearch"
    assert about["version"]["number"] == "2.19.6"
    # pattern_capture (analysis-common): captured parts share one position.
    request = urllib.request.Request(
        f"{opensearch_url}/_analyze", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"tokenizer": "whitespace", "text": "a|b c",
                         "filter": [{"type": "pattern_capture", "preserve_original": False,
                                     "patterns": ["([^|]+)"]}]}).encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        tokens = json.load(response)["tokens"]
    assert [(t["token"], t["position"]) for t in tokens] == [("a", 0), ("b", 0), ("c", 1)]


def test_three_nodes_form_one_cluster_that_survives_losing_one(opensearch_cluster):
    health = opensearch_cluster.wait_for_health("green")
    assert health["number_of_nodes"] == 3
    put_json(f"{opensearch_cluster.url}/replicated",
             {"settings": {"number_of_shards": 1, "number_of_replicas": 1}})
    opensearch_cluster.wait_for_health("green")
    primary = get_json(f"{opensearch_cluster.url}/_cat/shards/replicated?format=json")
    holder = next(s["node"] for s in primary if s["prirep"] == "p")
    opensearch_cluster.stop(int(holder.rsplit("-", 1)[1]))  # the primary's node goes down
    health = opensearch_cluster.wait_for_health("yellow")
    assert health["number_of_nodes"] == 2
    assert get_json(f"{opensearch_cluster.url}/replicated/_count")["count"] == 0  # still answers
