"""Completions are kept per commit and ranked from the prefix scan: the same answers, and a
re-index seen at once (search/prefix_terms.py, search/vocabulary.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kavosh.engine import Engine
from kavosh.index.normalize import normalize_token
from kavosh.index.stemmers import strip_arabic_prefix
from kavosh.index.writer import index_paths
from kavosh.prefix_terms import CommitCache, prefix_frequencies
from kavosh.vocabulary import FIELDS, SCAN_LIMIT
from kavosh.web import create_app

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def two_segment_index(tmp_path_factory) -> Path:
    """The seeds indexed as two roots in two runs: an index of two segments."""
    docs = tmp_path_factory.mktemp("suggest-docs")
    seeds = sorted(SEEDS.glob("*.txt"))
    for folder, part in (("a", seeds[:3]), ("b", seeds[3:])):
        (docs / folder).mkdir()
        for path in part:
            shutil.copy(path, docs / folder / path.name)
    target = tmp_path_factory.mktemp("suggest-index")
    index_paths(target, [docs / "a"])
    index_paths(target, [docs / "b"])
    return target


def _looked_up(reader, prefixes, scan_limit):
    """What completions ranked by before: each scanned term's frequency asked of the terms file."""
    out = {}
    for prefix in prefixes:
        for field in FIELDS:
            for i, term in enumerate(reader.expand_prefix(field, prefix)):
                if i >= scan_limit:
                    break
                term = term.decode("utf-8")
                out[term] = max(reader.doc_frequency(f, term) for f in FIELDS)
    return out


def _beginnings(reader, letters=(2, 3)) -> list[str]:
    words = {t.decode("utf-8") for f in FIELDS for t in reader.lexicon(f)}
    return sorted({w[:k] for w in words for k in letters if len(w) >= k and not w.isascii()})


def test_prefix_scan_frequencies_equal_the_terms_files_own(two_segment_index):
    with Engine(two_segment_index) as engine, engine.searching() as searcher:
        reader = searcher.reader()
        assert len(reader.leaf_readers()) == 2
        prefixes = _beginnings(reader)
        assert len(prefixes) > 200
        compared = 0
        # Small scan limits cut the scans short (of one field, or one segment, not the other).
        for limit in (2, SCAN_LIMIT):
            for prefix in prefixes:
                pair = [prefix] + [p for p in [strip_arabic_prefix(prefix)] if p != prefix and len(p) >= 2]
                for asked in ([prefix], pair):
                    assert prefix_frequencies(reader, asked, FIELDS, limit) == \
                        _looked_up(reader, asked, limit), (asked, limit)
                    compared += 1
        assert compared > 400


def test_cached_completions_equal_uncached_ones(two_segment_index):
    with Engine(two_segment_index) as engine:
        vocabulary = engine.vocabulary
        with engine.searching() as searcher:
            beginnings = _beginnings(searcher.reader(), letters=(2, 3))
        typed = beginnings + ["ال" + b for b in beginnings[:40]]
        # The same letters on the other keyboard, after words already typed, with a field.
        typed += [b.replace("ی", "ي").replace("ک", "ك") for b in beginnings if "ی" in b or "ک" in b]
        typed += ["پهپاد " + b for b in beginnings[:30]] + ["title:" + b for b in beginnings[:30]]
        offered = 0
        for text in typed:
            for limit in (8, 1):
                uncached = vocabulary.completions(text, limit, cached=False)
                assert vocabulary.completions(text, limit) == uncached, (text, limit)
                assert vocabulary.completions(text, limit) == uncached, (text, limit)  # now from the cache
                offered += bool(uncached)
        assert offered > 300


def test_a_reindex_is_seen_by_the_suggestions(seeds_copy, tmp_path):
    index = tmp_path / "index"
    index_paths(index, [seeds_copy])
    client = create_app(index).test_client()

    def suggest(q):
        response = client.get("/api/suggest", query_string={"q": q})
        assert response.status_code == 200
        return response.get_json()["suggestions"]

    assert suggest("غضنفر") == []
    assert suggest("کی")[:1] == ["کییف"]
    # A new document: a word the index never had, and a کی word in more documents than کییف.
    (seeds_copy / "new.txt").write_text("غضنفرآباد\n" + "کیوسک " * 3 + "غضنفرآباد کیوسک", encoding="utf-8")
    for i in range(8):
        (seeds_copy / f"more{i}.txt").write_text(f"کیوسک {i}\nروزنامه کیوسک امروز", encoding="utf-8")
    index_paths(index, [seeds_copy])
    assert suggest("غضنفر") == ["غضنفرآباد"]
    assert suggest("کی")[:2] == ["کیوسک", "کییف"]
    # Removing them again (a commit that only deletes) takes them out of the suggestions.
    for path in [seeds_copy / "new.txt", *seeds_copy.glob("more*.txt")]:
        path.unlink()
    index_paths(index, [seeds_copy])
    assert suggest("غضنفر") == []
    assert suggest("کی")[:1] == ["کییف"]


def test_the_cache_is_bounded_and_keeps_one_commit():
    cache = CommitCache(3)
    for key in "abcd":
        cache.put(1, key, key.upper())
    assert len(cache) == 3 and cache.get(1, "a") is None and cache.get(1, "d") == "D"
    cache.get(1, "b")  # used: kept over c
    cache.put(1, "e", "E")
    assert cache.get(1, "b") == "B" and cache.get(1, "c") is None
    assert cache.get(2, "b") is None  # another commit's answer is not this one's
    cache.put(2, "x", "X")
    assert len(cache) == 1 and cache.get(1, "b") is None and cache.get(2, "x") == "X"


def test_each_keyboard_gets_its_own_script_from_the_cache(two_segment_index):
    """Persian and Arabic keyboards type the same normalized prefix: the cache must not hand
    the first one's answer to the other."""
    with Engine(two_segment_index) as engine:
        vocabulary = engine.vocabulary
        assert normalize_token("كي") == normalize_token("کی")
        persian, arabic = vocabulary.completions("کی"), vocabulary.completions("كي")
        assert persian and not any(c in "يك" for w in persian for c in w)
        assert not any(c in "یک" for w in arabic for c in w)
        assert [w.replace("ي", "ی").replace("ك", "ک") for w in arabic] == persian
