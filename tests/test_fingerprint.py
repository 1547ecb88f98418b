"""The analysis chain's identity: recorded in every index, checked when it opens.

An edit of a stop list or a stemmer, made in a copy of the package, makes a
search of an index built before it say so (one line, exit 5) instead of
answering differently; an index's pickled schema names no module but
``kavosh.index.pickled``, so moving the analysis code breaks no index.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kavosh.cli import main
from kavosh.index import fingerprint
from kavosh.index.fingerprint import analysis_fingerprint, code_tokens
from kavosh.index.schema import INDEX_NAME, read_meta
from kavosh.index.writer import index_paths
from kavosh.web import create_app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# The shipped chain's fingerprint.  An edit of the analysis code, a stop list,
# a lexicon file or the normalization table changes it: that is the point.
# If index terms changed, bump ANALYZER_VERSION (index/analysis.py); then
# write the new value here.  If provably none changed, you may instead add
# the old value to fingerprint.SAME_TERMS_AS so existing indexes stay usable.
PINNED = "9ca73730c844bf90"


def test_the_shipped_chain_has_the_pinned_fingerprint():
    now = analysis_fingerprint()
    assert now == PINNED, (
        f"the analysis fingerprint is now {now} (was {PINNED}): an edit changed what decides "
        "index terms.  Bump ANALYZER_VERSION if terms changed, then set PINNED = "
        f'"{now}" in tests/test_fingerprint.py')


def test_comments_and_docstrings_are_not_the_chain_but_code_is():
    source = 'def f(x):\n    """Doc."""\n    return x + 1  # one\n'
    assert code_tokens(source) == code_tokens('def f(x):\n    """Other words."""\n\n    return x + 1\n')
    assert code_tokens(source) != code_tokens('def f(x):\n    """Doc."""\n    return x + 2\n')
    assert code_tokens(source) != code_tokens('def f(x):\n    return x + "1"\n')


def test_options_are_part_of_the_identity_in_any_order():
    assert analysis_fingerprint({}) == analysis_fingerprint(None) == analysis_fingerprint({"skeletons": True})
    assert analysis_fingerprint({"protected": ["کتاب", "دست"]}) != analysis_fingerprint()
    assert analysis_fingerprint({"protected": frozenset({"کتاب", "دست"})}) == \
        analysis_fingerprint({"protected": frozenset({"دست", "کتاب"})})


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """An index of the seeds built by this code (not shared: tests read its files)."""
    target = tmp_path_factory.mktemp("fingerprinted")
    index_paths(target, [SEEDS])
    return target


def test_an_index_records_its_fingerprint_and_stats_show_it(built):
    assert read_meta(built)["analysis_fingerprint"] == PINNED
    result = CliRunner().invoke(main, ["stats", "--index", str(built)])
    assert result.exit_code == 0, result.output
    assert f"fingerprint {PINNED}" in result.output


def _package_copy(tmp_path: Path) -> Path:
    """The package laid out as it imports (search/ is kavosh, index/ kavosh.index…), to edit."""
    import kavosh.index
    import kavosh.web

    pkg = tmp_path / "pkg"
    ignore = shutil.ignore_patterns("__pycache__")
    for module, where in ((kavosh, "kavosh"), (kavosh.index, "kavosh/index"), (kavosh.web, "kavosh/web")):
        shutil.copytree(Path(module.__file__).parent, pkg / where, ignore=ignore, dirs_exist_ok=True)
    return pkg


def _search_with(pkg: Path, index: Path, tmp_path: Path, query: str = "پهپاد"):
    env = dict(os.environ, PYTHONPATH=str(pkg), KAVOSH_CACHE=str(tmp_path / "cache"))
    code = ("import sys, kavosh; assert kavosh.__file__.startswith(sys.argv[1]), kavosh.__file__;"
            "from kavosh.cli import main; main(sys.argv[2:])")
    # --time-limit 0: no limit.  The copy's first search loads cold analysis tables, which
    # on a loaded machine outran the default 10 s and came back cut short with no hits.
    return subprocess.run([sys.executable, "-c", code, str(pkg), "search", "--json", query,
                           "--time-limit", "0", "--index", str(index)],
                          capture_output=True, text=True, env=env, timeout=600)


def _edit(path: Path, old: str | None, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text + new if old is None else text.replace(old, new, 1), encoding="utf-8")


REFUSAL = "was built by another analysis"


@pytest.mark.parametrize("what, file, old, new", [
    ("a stop list word added", "data/stopwords-ar.txt", None, "\nپهپاد\n"),
    ("a stemmer table entry", "stemmers.py", None, '\nEXTRA_SUFFIXES = ("های",)\n'),
    ("a normalization rule", "normalize.py", None,
     '\nNORMALIZATION_TABLE[ord("\\u0629")] = "\\u062a"\n'),
])
def test_an_analysis_edit_makes_a_search_of_an_old_index_say_so(built, tmp_path, what, file, old, new):
    pkg = _package_copy(tmp_path)
    pristine = _search_with(pkg, built, tmp_path)
    assert pristine.returncode == 0, pristine.stderr
    assert json.loads(pristine.stdout)["total"] >= 1
    _edit(pkg / "kavosh" / "index" / file, old, new)
    edited = _search_with(pkg, built, tmp_path)
    assert edited.returncode == 5, (what, edited.stdout, edited.stderr)
    assert REFUSAL in edited.stderr + edited.stdout and "kavosh index --rebuild" in edited.stderr + edited.stdout
    assert "Traceback" not in edited.stderr
    assert len((edited.stderr + edited.stdout).strip().splitlines()) == 1


def test_a_comment_edit_leaves_old_indexes_usable(built, tmp_path):
    pkg = _package_copy(tmp_path)
    _edit(pkg / "kavosh" / "index" / "stemmers.py", None, "\n# a note for readers, not for the chain\n")
    result = _search_with(pkg, built, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] >= 1


def test_healthz_and_updates_refuse_an_index_of_another_analysis(built, tmp_path, monkeypatch):
    """The same check, reached by the web's /healthz and by `kavosh index` (update)."""
    copy = tmp_path / "ix"
    shutil.copytree(built, copy)
    monkeypatch.setattr(fingerprint, "_code_and_data", lambda: "another chain's code and data")
    client = create_app(copy, {"KAVOSH_RETRY_OPEN": 0}).test_client()  # tries again at each request
    health = client.get("/healthz")
    assert health.status_code == 503 and REFUSAL in health.get_json()["error"]
    update = CliRunner().invoke(main, ["index", "--index", str(copy), str(SEEDS)])
    assert update.exit_code == 5 and REFUSAL in update.output
    rebuilt = CliRunner().invoke(main, ["index", "--rebuild", "--quiet", "--index", str(copy), str(SEEDS)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert client.get("/healthz").status_code == 200


class _OnlyStableNames(pickle.Unpickler):
    """Loads a pickle as if every Kavosh module but kavosh.index.pickled had moved away."""

    def find_class(self, module, name):
        if module.startswith("kavosh") and module != "kavosh.index.pickled":
            raise pickle.UnpicklingError(f"the index names {module}.{name}")
        return super().find_class(module, name)


def test_an_index_pickles_the_chain_options_not_class_paths(built):
    toc = next(built.glob(f"_{INDEX_NAME}_*.toc")).read_bytes()
    for moved in (b"kavosh.index.analysis", b"kavosh.index.variants", b"kavosh.index.term_counts"):
        assert moved not in toc
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(built), indexname=INDEX_NAME, readonly=True)
    try:
        schema = _OnlyStableNames(io.BytesIO(pickle.dumps(ix.schema, 2))).load()
    finally:
        ix.close()
    # The chain made again from its options analyses as the original does.
    original = ix.schema["body"].analyzer
    again = schema["body"].analyzer
    text = "پهپادهای روسیه در کیف؛ الطائرات المسيّرة"
    assert [t.text for t in again(text)] == [t.text for t in original(text)]
    assert schema["variant"].analyzer.options == {"skeletons": True}
