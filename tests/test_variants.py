"""Cross-script spelling variants: a name in one script finds the other script's spelling."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kavosh.index.normalize import normalize_token
from kavosh.index.variants import is_variant, skeleton
from kavosh.cli import main

FA = "000_91134593e6c4caae.txt"


@pytest.mark.parametrize("persian,arabic", [
    ("ترامپ", "ترامب"),
    ("پوتین", "بوتين"),
    ("زلنسکی", "زيلينسكي"),
    ("زلنسکی", "زيلنسكي"),
    ("کرملین", "الكرملين"),
    ("مسکو", "موسكو"),
    ("کیف", "كييف"),
    ("پوتین", "وبوتين"),
])
def test_spellings_of_one_name_share_a_skeleton(persian, arabic):
    assert skeleton(normalize_token(persian)) == skeleton(normalize_token(arabic))


@pytest.mark.parametrize("a,b", [("ترامپ", "ترمس"), ("پوتین", "بیت"), ("کرملین", "کرم")])
def test_different_words_keep_different_skeletons(a, b):
    assert skeleton(normalize_token(a)) != skeleton(normalize_token(b))


# Issue 10: the consonant key alone no longer decides (پهپاد and بهبود share
# بهبد); a variant needs the other script and spellings that differ only in a
# few long vowels.  These were skeleton-inequality rows before.
@pytest.mark.parametrize("a,b", [("پهپاد", "بهبود"), ("مسيرة", "مسارها")])
def test_different_words_are_never_variants(a, b):
    for lang in ("fa", "ar"):
        assert not is_variant(a, b, lang) and not is_variant(b, a, lang)


@pytest.mark.parametrize("word", ["NATO", "2024", "از", "ab"])
def test_latin_digits_and_short_words_have_no_skeleton(word):
    assert skeleton(normalize_token(word)) is None


def _search(index, *args):
    result = CliRunner().invoke(main, ["search", "--json", "--index", str(index), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_arabic_spelling_finds_the_persian_document_below_exact_matches(seeds_index):
    result = _search(seeds_index, "ترامب")
    ids = [h["id"] for h in result["hits"]]
    assert FA in ids
    persian = next(h for h in result["hits"] if h["id"] == FA)
    assert persian["variants"] == ["ترامپ"]  # which spelling matched is shown
    assert "<mark>ترامپ</mark>" in persian["snippet"]
    exact = [h for h in result["hits"] if h["id"] != FA]
    assert exact and all(h["score"] > persian["score"] for h in exact)


def test_persian_spelling_finds_arabic_documents(seeds_index):
    hits = _search(seeds_index, "زلنسکی")["hits"]
    assert hits[0]["id"] == FA and hits[0]["variants"] == []
    assert {v for h in hits[1:] for v in h["variants"]} & {"زيلينسكي", "زيلنسكي"}


def test_exact_turns_variants_off(seeds_index):
    assert FA not in {h["id"] for h in _search(seeds_index, "--exact", "ترامب")["hits"]}
    assert _search(seeds_index, "--exact", "پوتین")["total"] == 1


def test_show_marks_variant_spellings(seeds_index):
    result = CliRunner().invoke(main, ["show", "--json", "--index", str(seeds_index), "-q", "ترامب", FA])
    doc = json.loads(result.stdout)
    assert "<mark>ترامپ</mark>" in doc["body_html"] and doc["variants"] == ["ترامپ"]


# --- issue 21: a name is never another name's spelling -------------------------

@pytest.mark.parametrize("query,word", [
    ("سلیمانی", "سلمان"), ("سلیمان", "سلمان"), ("سلیمانی", "سليمان"), ("ابراهیمی", "إبراهيم"),
    ("حسینی", "حسين"), ("حسین", "حسن"), ("رئیسی", "الرئيس"), ("رئیس", "رئيسي"),
])
def test_a_name_is_not_a_variant_of_another_name_or_word(query, word):
    assert not is_variant(query, word, "ar")


@pytest.mark.parametrize("query,word", [("سلیمانی", "سليماني"), ("رئیسی", "رئيسي"),
                                        ("اردوغان", "أردوغان"), ("نتانیاهو", "نتنياهو")])
def test_a_name_still_finds_its_own_arabic_spelling(query, word):
    assert is_variant(query, word, "ar")


def test_a_spelling_the_query_script_writes_often_is_its_own_word(tmp_path):
    """``choose_spellings(..., doc_frequency)``: on an index where Persian documents
    write کیفی ("qualitative") more often than کیف, the Arabic کيفي is not کیف's
    spelling, while كييف (no Persian document writes it) is."""
    from kavosh.engine import open_index
    from kavosh.index.variants import choose_spellings, query_variants, same_word, term_spelling, \
        term_script, term_written
    from kavosh.index.writer import index_paths

    fa, ar = "گزارش گروه پژوهشی چاپ شد", "قالت وكالة الأنباء الرسمية"
    docs = [f"{fa} سفر به کیف"] + [f"{fa} کنترل کیفی شماره {i}" for i in range(3)] + [
        f"{ar} وصل إلى كييف", f"{ar} تحليل كيفي"]
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps({"id": str(i), "body": b}, ensure_ascii=False) + "\n"
                           for i, b in enumerate(docs)), encoding="utf-8")
    index_paths(tmp_path / "ix", [src], rebuild=True)
    ix = open_index(tmp_path / "ix")
    with ix.reader() as reader:
        [(prefix, folded, written)] = query_variants("کیف", "fa")
        admitted = []
        for btext in reader.expand_prefix("variant", prefix):
            term = btext.decode() if isinstance(btext, bytes) else btext
            if same_word(folded, term_spelling(term), "fa", term_script(term)):
                admitted.append((term, term_spelling(term), reader.doc_frequency("variant", term)))
        assert {term_written(t) for t, _f, _df in admitted} == {"کییف", "کیفی"}
        kept = choose_spellings(written, folded, admitted,
                                lambda term: reader.doc_frequency("variant", term))
        assert [term_written(t) for t in kept] == ["کییف"]
        assert "کیفی" in {term_written(t) for t in choose_spellings(written, folded, admitted)}
