"""Shared fixtures: real on-disk indexes built through the real indexing code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


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
