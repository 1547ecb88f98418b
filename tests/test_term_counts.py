"""The counted frequencies and positions equal whoosh's token-by-token ones, on real text."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pytest
from whoosh.formats import Frequency, Positions

from kavosh.index.schema import build_schema
from kavosh.index.term_counts import CountedFrequency, CountedPositions, counted

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
# Texts with terms: the seeds and ours, and 120 real articles when ../shared holds them.
MANY = 20 if CORPORA.is_dir() else 5


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for name in ("news-fa.jsonl.gz", "news-ar.jsonl.gz"):
        path = CORPORA / name
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                for line in itertools.islice(fh, 60):
                    rec = json.loads(line)
                    texts.append(rec.get("title", "") + "\n" + (rec.get("body") or rec.get("text") or ""))
    # Stop words only, digits, Latin, ZWNJ compounds, diacritics, an empty value.
    texts += ["", "از به در", "2024 COVID-19 ۱۴۰۳", "آتش‌سوزی آسمان‌خراش می‌روم", "ذَهَبَ الوَلَدُ إلى المدرسة"]
    return texts


def test_counted_frequencies_equal_the_token_path_on_real_text():
    field = build_schema()["variant"]
    assert isinstance(field.format, CountedFrequency)
    plain = Frequency(field_boost=field.format.field_boost)
    texts = _texts()
    assert len(texts) > MANY
    for _round in range(2):  # cold (filling the word cache) and warm
        for text in texts:
            expected = sorted(plain.word_values(text, field.analyzer, mode="index"))
            assert sorted(field.format.word_values(text, field.analyzer, mode="index")) == expected
    assert sum(1 for t in texts if list(field.format.word_values(t, field.analyzer, mode="index"))) > MANY


@pytest.mark.parametrize("name", ["title", "body"])
def test_counted_positions_equal_the_token_path_on_real_text(name):
    """Phrase search reads these positions: a stop word keeps its place, a
    word's stems share its position, a declared language is honoured."""
    from kavosh.index.analysis import DocumentText

    field = build_schema()[name]
    assert isinstance(field.format, CountedPositions)
    plain = Positions(field_boost=field.format.field_boost)
    texts = _texts()
    texts += [DocumentText(t, "ar") for t in texts[-3:]]  # declared, not detected
    for _round in range(2):  # cold (filling the word cache) and warm
        for text in texts:
            expected = sorted(plain.word_values(text, field.analyzer, mode="index"))
            assert sorted(field.format.word_values(text, field.analyzer, mode="index")) == expected
    # Not trivially equal: some word of these texts occurs at several positions.
    assert any(freq > 1 for t in texts for _w, freq, _wt, _v in field.format.word_values(t, field.analyzer))


def test_counted_needs_a_frequency_or_positions_field():
    from whoosh.fields import ID

    with pytest.raises(TypeError):
        counted(ID())


def test_a_full_word_cache_stops_growing_and_changes_nothing(monkeypatch):
    """Past its limit the cache keeps what it has; later words are analysed each time."""
    from kavosh.index.analysis import MemoizingAnalyzer

    monkeypatch.setattr(MemoizingAnalyzer, "_CACHE_LIMIT", 40)
    schema = build_schema()  # a fresh analyzer: an empty cache
    texts = _texts()
    for name, plain_format in (("body", Positions), ("variant", Frequency)):
        field = schema[name]
        plain = plain_format(field_boost=field.format.field_boost)
        for text in texts:
            expected = sorted(plain.word_values(text, field.analyzer, mode="index"))
            assert sorted(field.format.word_values(text, field.analyzer, mode="index")) == expected
        caches = [c for key, c in field.analyzer._memo.items() if key[-1] == "terms"]
        assert caches and all(len(c) <= 40 for c in caches) and any(len(c) == 40 for c in caches)
