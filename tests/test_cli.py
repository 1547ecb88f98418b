"""The `kavosh` command line as a user meets it: outputs, exit codes, one-line errors."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kavosh.index.schema import INDEX_NAME, read_meta, write_meta
from kavosh.cli import main

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def one_line_error(result, code=None):
    assert result.exit_code != 0
    if code is not None:
        assert result.exit_code == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_json_output_is_exactly_one_object_of_the_documented_shape(seeds_index):
    result = invoke("search", "--json", "--index", str(seeds_index), "کیف")
    assert result.exit_code == 0
    assert "\\u" not in result.stdout  # UTF-8, not ASCII-escaped
    obj = json.loads(result.stdout)  # exactly one JSON document
    assert isinstance(obj["query"], str) and obj["query"] == "کیف"
    assert isinstance(obj["total"], int) and obj["total"] >= 1
    assert isinstance(obj["took_ms"], (int, float))
    for hit in obj["hits"]:
        assert isinstance(hit["id"], str)
        assert hit["path"] is None or isinstance(hit["path"], str)
        assert isinstance(hit["title"], str) and isinstance(hit["lang"], str)
        assert isinstance(hit["score"], (int, float)) and isinstance(hit["snippet"], str)


def test_snippet_html_escapes_document_text(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "x.txt").write_text("عنوان\nمتن <script>alert(1)</script> درباره پهپاد & کیف\n", encoding="utf-8")
    invoke("index", "--index", str(tmp_path / "ix"), str(docs))
    hit = json.loads(invoke("search", "--json", "--index", str(tmp_path / "ix"), "پهپاد").stdout)["hits"][0]
    assert "<script>" not in hit["snippet"]
    assert "&lt;script&gt;" in hit["snippet"] and "&amp;" in hit["snippet"]
    assert "<mark>پهپاد</mark>" in hit["snippet"]


def test_human_output_lists_ranked_hits_and_total(seeds_index):
    result = invoke("search", "--index", str(seeds_index), "--no-color", "بمباران")
    assert result.exit_code == 0
    out = result.stdout
    assert "  1. " in out and "[fa]" in out and "score" in out
    assert re.fullmatch(r"1 result, showing 1–1 \(\d+ ms\)", out.splitlines()[-1])
    assert "\x1b[" not in out  # plain when not a terminal


def test_color_marks_matches(seeds_index):
    out = invoke("search", "--index", str(seeds_index), "--color", "پهپاد").stdout
    assert "\x1b[" in out and "پهپاد" in out


def test_bidi_flag_reorders_for_dumb_terminals(seeds_index):
    plain = invoke("search", "--index", str(seeds_index), "--no-color", "پهپاد").stdout
    visual = invoke("search", "--index", str(seeds_index), "--no-color", "--bidi", "پهپاد").stdout
    title = "روسیه چندین نقطه در اوکراین را بمباران کرد"
    assert title in plain and title not in visual  # logical order vs visual order


def test_paging_with_offset(seeds_index):
    first = json.loads(invoke("search", "--json", "--index", str(seeds_index), "-n", "2", "كييف").stdout)
    second = json.loads(invoke("search", "--json", "--index", str(seeds_index), "-n", "2", "--offset", "2", "كييف").stdout)
    assert first["total"] == second["total"] >= 3
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}


def test_no_index_yet(tmp_path):
    line = one_line_error(invoke("search", "--index", str(tmp_path / "none"), "کیف"), code=3)
    assert "run `kavosh index" in line


def test_empty_query(seeds_index):
    line = one_line_error(invoke("search", "--index", str(seeds_index), "   "), code=2)
    assert "empty query" in line


def test_query_of_only_operators_is_explained(seeds_index):
    line = one_line_error(invoke("search", "--index", str(seeds_index), '""'), code=2)
    assert "no words" in line


def test_query_of_only_stop_words_is_not_an_error(seeds_index):
    result = invoke("search", "--json", "--index", str(seeds_index), "از به در")
    assert result.exit_code == 0
    obj = json.loads(result.stdout)
    # Common words alone are searched as written, side by side (a name such as بی بی سی);
    # the seeds never say "از به در".
    assert obj["total"] == 0 and obj["ignored_words"] == []
    result = invoke("search", "--json", "--index", str(seeds_index), "از به در پهپاد")
    assert json.loads(result.stdout)["ignored_words"] == ["از", "به", "در"]


@pytest.mark.parametrize("query", ['"حمله پهپادی', "(پهپاد OR کیف", "پهپاد)"])
def test_unbalanced_quotes_and_parentheses_are_read_leniently(seeds_index, query):
    result = invoke("search", "--json", "--index", str(seeds_index), query)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total"] >= 1


def test_only_excluded_words(seeds_index):
    line = one_line_error(invoke("search", "--index", str(seeds_index), "-پهپاد"), code=2)
    assert "only excludes" in line


def test_too_short_prefix(seeds_index):
    line = one_line_error(invoke("search", "--index", str(seeds_index), "پ*"), code=2)
    assert "at least 2 letters" in line


def test_unknown_language(seeds_index):
    result = invoke("search", "--index", str(seeds_index), "--lang", "xx", "کیف")
    assert result.exit_code == 2 and "Invalid value for '--lang'" in result.output


def test_limit_out_of_bounds(seeds_index):
    line = one_line_error(invoke("search", "--index", str(seeds_index), "-n", "1000", "کیف"), code=2)
    assert "limit must be between 1 and 100" in line


def test_index_from_an_incompatible_version(tmp_path, seeds_copy):
    index = tmp_path / "ix"
    invoke("index", "--index", str(index), str(seeds_copy))
    meta = read_meta(index)
    meta["analyzer_version"] = 0
    write_meta(index, meta)
    for toc in index.glob("*.toc"):
        toc.rename(toc.with_name(toc.name.replace(INDEX_NAME, "kavosh_s0_a0")))
    line = one_line_error(invoke("search", "--index", str(index), "کیف"), code=5)
    assert "incompatible" in line and "--rebuild" in line
    line = one_line_error(invoke("index", "--index", str(index), str(seeds_copy)), code=5)
    assert "--rebuild" in line
    rebuilt = invoke("index", "--rebuild", "--index", str(index), str(seeds_copy))
    assert rebuilt.exit_code == 0 and "5 documents" in rebuilt.stdout
    assert not [p.name for p in index.iterdir() if "kavosh_s0_a0" in p.name]  # old files gone
    assert invoke("search", "--index", str(index), "کیف").exit_code == 0


def test_show_highlights_the_query(seeds_index):
    result = invoke("show", "--index", str(seeds_index), "--no-color", "-q", "پهپاد",
                    "000_91134593e6c4caae.txt")
    assert result.exit_code == 0
    assert result.stdout.startswith("روسیه چندین نقطه")
    assert "[پهپاد]" in result.stdout


def test_show_json_and_unknown_id(seeds_index):
    doc = json.loads(invoke("show", "--json", "--index", str(seeds_index), "-q", "كييف",
                            "001_703e47401cc806dd.txt").stdout)
    assert doc["lang"] == "ar" and "<mark>كييف</mark>" in doc["body_html"]
    line = one_line_error(invoke("show", "--index", str(seeds_index), "../../etc/passwd"))
    assert "no document with id" in line


def test_stats(seeds_index):
    stats = json.loads(invoke("stats", "--json", "--index", str(seeds_index)).stdout)
    assert stats["documents"] == 5 and stats["languages"] == {"ar": 4, "fa": 1}
    assert stats["terms"]["body"] > 500 and stats["size_bytes"] > 0 and stats["updated"]
    human = invoke("stats", "--index", str(seeds_index)).stdout
    assert "documents: 5" in human


def test_analyze_shows_span_surface_normalized_and_stem():
    result = invoke("analyze", "--json", "ذَهَبَ الوَلَدُ إلى المدرسة")
    tokens = json.loads(result.stdout)["tokens"]
    assert [t["surface"] for t in tokens] == ["ذَهَبَ", "الوَلَدُ", "إلى", "المدرسة"]
    assert tokens[1] == {"position": 1, "start": 7, "end": 15, "surface": "الوَلَدُ",
                         "normalized": "الولد", "terms": ["ولد"], "stopword": False}
    assert tokens[2]["stopword"] is True
    human = invoke("analyze", "آتش‌سوزی").stdout
    assert "آتش\u200cسوزی  →  اتشسوزی" in human


def test_analyze_query_mode_shows_both_stems():
    tokens = json.loads(invoke("analyze", "--json", "--query", "روزهای").stdout)["tokens"]
    assert tokens[0]["terms"] == ["روز", "روزها"]  # Persian plural; light10 takes only ی


def test_index_env_var_is_the_default_location(tmp_path, seeds_copy):
    env = {"KAVOSH_INDEX": str(tmp_path / "env-ix")}
    result = CliRunner(env=env).invoke(main, ["index", str(seeds_copy)])
    assert result.exit_code == 0 and str(tmp_path / "env-ix") in result.stdout
    result = CliRunner(env=env).invoke(main, ["search", "--json", "کیف"])
    assert json.loads(result.stdout)["total"] >= 1


def test_console_script_in_a_real_process(seeds_index):
    """The installed `kavosh` entry point, a real subprocess, piped output."""
    exe = Path(sys.executable).with_name("kavosh")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "kavosh"]
    proc = subprocess.run([*cmd, "search", "--json", "--index", str(seeds_index), "الكرملين"],
                          capture_output=True, cwd=ROOT, timeout=60,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert proc.returncode == 0, proc.stderr.decode()
    obj = json.loads(proc.stdout.decode("utf-8"))
    assert obj["total"] >= 3
    missing = subprocess.run([*cmd, "search", "--index", "/nonexistent/kavosh", "x"],
                             capture_output=True, timeout=60)
    assert missing.returncode == 3
    assert missing.stderr.decode().count("\n") == 1 and b"Traceback" not in missing.stderr


def test_an_index_whose_pickled_classes_are_gone_is_a_clear_error(tmp_path, monkeypatch):
    """An index written by a Kavosh whose modules had other names (before the kavosh
    namespace) cannot be unpickled: that is an incompatible index, not a traceback."""
    import importlib
    import sys as _sys

    from whoosh import index as whoosh_index
    from whoosh.fields import TEXT, Schema

    (tmp_path / "gone_module.py").write_text(
        "from whoosh.analysis import RegexTokenizer\nclass Tok(RegexTokenizer):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    gone = importlib.import_module("gone_module")
    ix_dir = tmp_path / "ix"
    ix_dir.mkdir()
    whoosh_index.create_in(str(ix_dir), Schema(body=TEXT(analyzer=gone.Tok())), indexname=INDEX_NAME).close()
    write_meta(ix_dir, {"format": "kavosh-index", "roots": []})
    monkeypatch.delitem(_sys.modules, "gone_module")
    (tmp_path / "gone_module.py").unlink()
    for args in (["stats"], ["search", "کیف"]):
        line = one_line_error(invoke(*args, "--index", str(ix_dir)), code=5)
        assert "--rebuild" in line
