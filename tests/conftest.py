"""Shared fixtures: real on-disk indexes built through the real indexing code."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
ARCHIVE_FILES = ("news-fa.jsonl.gz", "news-ar.jsonl.gz")


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory) -> Path:
    """An index of the bundled seeds/ corpus, built once per test session. Do not modify it."""
    from kavosh.index.writer import index_paths

    target = tmp_path_factory.mktemp("seeds-index")
    index_paths(target, [SEEDS])
    return target


@pytest.fixture(scope="session")
def news_index(tmp_path_factory) -> Path:
    """An index of tests/news_fixture.py's small dated archive, built once per test session.
    Do not modify it."""
    from news_fixture import build_news_index

    return build_news_index(tmp_path_factory.mktemp("news-docs"), tmp_path_factory.mktemp("news-index"))


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """A private copy of seeds/ a test may change."""
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


@pytest.fixture(scope="session")
def archive_index(tmp_path_factory) -> Path:
    """The 39,611 real news articles of ../shared/corpora, indexed once per test session
    (a few minutes on two cores): what a journalist's queries are judged on.  Do not modify it.

    Skipped where ../shared is not beside the checkout; in CI (CI=true) its absence fails.
    $KAVOSH_TEST_ARCHIVE_INDEX names one already built by this code, to reuse.
    """
    from kavosh.index.writer import index_paths

    prebuilt = os.environ.get("KAVOSH_TEST_ARCHIVE_INDEX")
    if prebuilt:  # an index of the archive built by this code, reused while writing tests
        return Path(prebuilt)
    missing = [name for name in ARCHIVE_FILES if not (CORPORA / name).is_file()]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the news archive is missing from {CORPORA}: {', '.join(missing)}")
        pytest.skip(f"the news archive is not available ({CORPORA})")
    docs = tmp_path_factory.mktemp("archive-docs")
    for name in ARCHIVE_FILES:
        with gzip.open(CORPORA / name, "rb") as src, open(docs / name.removesuffix(".gz"), "wb") as dst:
            shutil.copyfileobj(src, dst)
    target = tmp_path_factory.mktemp("archive-index")
    index_paths(target, [docs], procs=2)
    return target
