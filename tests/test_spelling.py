""""Did you mean" candidates: the in-memory scan finds exactly the words whoosh's
Levenshtein automaton finds, and a correction does not depend on set order."""

from __future__ import annotations

import json
import random

import pytest
from whoosh.index import open_dir

from kavosh import vocabulary
from kavosh.engine import Engine
from kavosh.index.schema import INDEX_NAME
from kavosh.index.writer import index_paths
from kavosh.spelling import Neighbours, edit_distance


def _typos(words: list[str], rng: random.Random) -> list[str]:
    out = []
    for w in words:
        k = rng.randrange(len(w))
        out += [w[:k] + w[k + 1:], w[:k] + "ب" + w[k:], w[:k] + "ت" + w[k + 1:], w]
    return out


def test_neighbours_equal_whoosh_terms_within_on_a_real_index(seeds_index):
    ix = open_dir(str(seeds_index), indexname=INDEX_NAME, readonly=True)
    neighbours = Neighbours()
    rng = random.Random(3)
    checked = found = 0
    with ix.reader() as reader:
        for field in ("body", "title"):
            vocab = [t.decode("utf-8") for t in reader.lexicon(field)]
            words = [w for w in rng.sample(vocab, 25) if len(w) >= 3]
            for word in _typos(words, rng):
                for maxdist in (1, 2):
                    for prefix in (1, 2) if maxdist == 2 else (0, 1, 2):
                        expected = {t.decode("utf-8") if isinstance(t, bytes) else t
                                    for t in reader.terms_within(field, word, maxdist, prefix=prefix)}
                        got = neighbours.within(reader, field, word, maxdist, prefix)
                        assert sorted(got) == sorted(expected), (field, word, maxdist, prefix)
                        checked += 1
                        found += len(got)
    ix.close()
    assert checked > 400 and found > checked  # real neighbours, not empty answers


def test_edit_distance_counts_a_swap_as_one():
    assert edit_distance("کیف", "کفی") == 1
    assert edit_distance("پپاد", "پهپاد") == 1
    assert edit_distance("", "مسکو") == 4
    assert edit_distance("مسکو", "مسکو") == 0


@pytest.fixture(scope="module")
def milad_index(tmp_path_factory):
    """میلاد in many documents, ملارد in two: the typo میلاردی is near both."""
    root = tmp_path_factory.mktemp("milad-docs")
    records = [{"id": f"m{i}", "title": f"خبر {i}", "body": "جشن میلاد در شهر برگزار شد"} for i in range(12)]
    records += [{"id": f"r{i}", "title": f"گزارش {i}", "body": "خانواده ملارد به شهر آمدند"} for i in range(2)]
    (root / "feed.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                                     encoding="utf-8")
    target = tmp_path_factory.mktemp("milad-index")
    index_paths(target, [root])
    return target


def test_a_correction_does_not_depend_on_which_stem_comes_first(milad_index, monkeypatch):
    # میلاردی's two stems (Persian میلارد, Arabic میلاردی) keep one and two first
    # letters: ملارد is near only the first, میلاد near both — by one edit from
    # میلارد.  It was corrected to whichever the stems' set order favoured.
    stems = vocabulary.query_terms("میلاردی")
    assert stems == {"میلارد", "میلاردی"}
    real = vocabulary.query_terms
    answers = []
    for order in (sorted(stems), sorted(stems, reverse=True)):
        monkeypatch.setattr(vocabulary, "query_terms",
                            lambda w, analyzer=None, order=order:
                            list(order) if w == "میلاردی" else real(w, analyzer))
        engine = Engine(milad_index)
        try:
            answers.append(engine.vocabulary.did_you_mean("میلاردی", 0))
        finally:
            engine.close()
    assert answers[0] == answers[1]
    assert answers[0]["query"] == "میلاد" and answers[0]["total"] == 12


def test_a_correction_follows_the_index_after_a_new_commit(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.jsonl").write_text("\n".join(json.dumps(
        {"id": f"r{i}", "title": f"گزارش {i}", "body": "خانواده ملارد به شهر آمدند"}, ensure_ascii=False)
        for i in range(2)) + "\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    index_paths(index_dir, [docs])
    engine = Engine(index_dir)
    try:
        assert engine.vocabulary.did_you_mean("میلاردی", 0)["query"] == "ملارد"
        (docs / "b.jsonl").write_text("\n".join(json.dumps(
            {"id": f"m{i}", "title": f"خبر {i}", "body": "جشن میلاد در شهر برگزار شد"}, ensure_ascii=False)
            for i in range(12)) + "\n", encoding="utf-8")
        index_paths(index_dir, [docs])
        # The same engine: its vocabulary slices of the old commit are not reused.
        assert engine.vocabulary.did_you_mean("میلاردی", 0) == {
            "query": "میلاد", "parts": [{"text": "میلاد", "changed": True}], "total": 12}
    finally:
        engine.close()
