"""The web load benchmark (bench/bench_web_load.py): its mix of requests, its memory figures,
and one short real run against `kavosh serve`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from proc_memory import MB, memory_summary  # noqa: E402
from web_load_mix import kind_sequence, parse_mix, request_paths, typed_prefixes  # noqa: E402


def test_the_mix_is_read_as_weights_and_bad_ones_are_one_line():
    assert parse_mix("page=3,api=2,suggest=5") == {"page": 3, "api": 2, "suggest": 5}
    assert parse_mix(" suggest=1 , page=0 ") == {"suggest": 1}  # a weight of 0 leaves the kind out
    for bad, says in [("pages=3", "unknown kind 'pages'"), ("page=three", "whole number"),
                      ("page", "whole number"), ("page=-1", "whole number"), ("page=0", "at least one"),
                      ("page=1,page=2", "given twice"), ("", "at least one")]:
        with pytest.raises(ValueError, match=says):
            parse_mix(bad)


def test_the_kinds_come_in_their_proportions_spread_out():
    sequence = kind_sequence({"page": 3, "api": 2, "suggest": 5})
    assert Counter(sequence) == {"page": 3, "api": 2, "suggest": 5}
    doubled = "".join(k[0] for k in sequence * 2)
    assert "ppp" not in doubled and "sss" not in doubled  # never bunched, also across cycles
    assert kind_sequence({"api": 1}) == ["api"]


def test_suggest_calls_are_what_the_page_asks_while_a_query_is_typed():
    assert typed_prefixes("پهپاد کیف") == ["په", "پهپ", "پهپا", "پهپاد", "پهپاد ک", "پهپاد کی", "پهپاد کیف"]
    paths = request_paths()
    assert all(p.startswith("/api/suggest?q=") for p in paths["suggest"])
    assert all(p.startswith("/?q=") for p in paths["page"]) and all(p.startswith("/api/search?q=")
                                                                      for p in paths["api"])


def test_memory_growth_is_start_to_end_and_over_the_second_half():
    samples = [(0.0, 100 * MB, 80 * MB), (1.0, 120 * MB, 90 * MB), (2.0, 130 * MB, 95 * MB),
               (3.0, 131 * MB, 95 * MB), (4.0, 130 * MB, 96 * MB)]
    summary = memory_summary(samples)
    assert summary["rss"] == {"start_mb": 100.0, "max_mb": 131.0, "end_mb": 130.0, "growth_mb": 30.0,
                              "growth_pct": 30.0, "second_half_growth_mb": 0.0}
    assert summary["pss"]["growth_mb"] == 16.0 and summary["pss"]["second_half_growth_mb"] == 1.0
    assert memory_summary([]) is None


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps_rollup"), reason="reads the server's memory in /proc")
def test_a_short_run_reports_every_kind_and_the_server_trees_memory(seeds_index):
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_web_load.py"), "--index", str(seeds_index),
                          "--duration", "1", "--warmup", "0", "--clients", "4", "--server-workers", "2", "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result["kinds"]) == {"page", "api", "suggest"}
    assert sum(k["requests"] for k in result["kinds"].values()) == result["requests"] > 0
    assert result["non_2xx"] == 0 and result["transport_errors"] == 0
    # The tree of the server it started (the parent and its two workers), sampled each second.
    assert result["server_pid"] and result["memory"]["rss"]["start_mb"] > 0
    assert result["memory"]["samples"] >= 2
    assert result["server_cpu_s"] > 0 and result["server_cpu_ms_per_request"] > 0  # it did the work
    assert "2 processes" in result["server"]


def test_a_bad_mix_is_an_error_before_any_server_starts():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_web_load.py"), "--mix", "pages=2"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "unknown kind 'pages'" in out.stderr and "Traceback" not in out.stderr
