"""The variant field's counted frequencies equal whoosh's token-by-token count, on real text."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pytest
from whoosh.formats import Frequency

from kavosh.index.schema import build_schema
from kavosh.index.term_counts import CountedFrequency, counted

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"


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
    assert len(texts) > 20
    for _round in range(2):  # cold (filling the word cache) and warm
        for text in texts:
            expected = sorted(plain.word_values(text, field.analyzer, mode="index"))
            assert sorted(field.format.word_values(text, field.analyzer, mode="index")) == expected
    assert sum(1 for t in texts if list(field.format.word_values(t, field.analyzer, mode="index"))) > 20


def test_counted_needs_a_frequency_field():
    from whoosh.fields import TEXT

    with pytest.raises(TypeError):
        counted(TEXT(phrase=True))
