"""What users type, against the bundled seeds, through the real `kavosh search --json`.

Each row is a query a Persian or Arabic reader would type, the documents it
must find, and (for highlighting) a surface form of the document's own text
that must appear inside a <mark>.  Together the rows cover every
normalization and stemming class of the analysis chain.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from click.testing import CliRunner

from kavosh.cli import main

FA = "000_91134593e6c4caae.txt"  # Persian: Russia strikes Ukraine, drone falls in Kyiv
AR_KYIV = "001_703e47401cc806dd.txt"  # Arabic: Japanese FM in Kyiv (AP)
AR_NK = "002_85f218388341edca.txt"  # Arabic: North Korean troops, Zelensky
AR_MOSCOW = "003_ec897edb56120b3c.txt"  # Arabic: drones over Moscow
AR_UK = "004_b0479a437cc9108f.txt"  # Arabic: UK/France, Kremlin attacks on Kyiv

ROWS = [
    # (why, query, must include, marked surface form in one snippet or None)
    ("plain Persian word", "پهپاد", {FA}, "پهپاد"),
    ("Persian: all words must match", "پهپاد کیف", {FA}, "کیف"),
    ("Arabic ي typed for Persian ی finds the Persian spelling", "رويترز", {FA}, "رویترز"),
    ("Persian ی typed for Arabic ي finds the Arabic spelling", "کییف", {AR_KYIV, AR_UK}, "كييف"),
    ("Arabic ك typed finds Persian ک", "كلیچكو", {FA}, "کلیچکو"),
    ("hamza-less alef finds أوكرانيا", "اوكرانيا", {AR_KYIV, AR_NK, AR_MOSCOW, AR_UK}, "أوكرانيا"),
    ("alef maksura ى typed as ي", "الاولي", {AR_KYIV, AR_MOSCOW}, "الأولى"),
    ("waw-hamza ؤ typed as و", "مسوولون", {AR_KYIV}, "مسؤولون"),
    ("teh marbuta ة typed as ه", "مسيره", {AR_NK, AR_MOSCOW}, "مسيرة"),
    ("heh with hamza above (هٔ) finds plain ه", "منطقهٔ", {FA}, "منطقه"),
    ("ZWNJ typed inside a compound the document writes without it", "آتش\u200cسوزی", {FA}, "آتشسوزی"),
    ("a space-less compound", "آتشسوزی", {FA}, "آتشسوزی"),
    ("harakat in the query are ignored", "مُسَيَّرَة", {AR_NK, AR_MOSCOW}, "مسيرة"),
    ("tanween in the document is ignored", "جنودا", {AR_NK}, "جنوداً"),
    ("tatweel in the query is ignored", "مـسـيـرة", {AR_NK, AR_MOSCOW}, "مسيرة"),
    ("Latin digits find Persian digits", "2024", {FA}, "۲۰۲۴"),
    ("Arabic-Indic digits find Persian digits", "٢٠٢٤", {FA}, "۲۰۲۴"),
    ("presentation forms (ﻣﻮﺳﻜﻮ) find موسكو", "\ufee3\ufeee\ufeb3\ufedc\ufeee", {AR_MOSCOW}, "موسكو"),
    ("Latin words are case-folded", "KYIV", {AR_UK}, "Kyiv"),
    ("Persian plural finds the singular", "پهپادها", {FA}, "پهپاد"),
    ("Persian singular finds the plural", "سرباز", {FA}, "سربازان"),
    ("Persian plural with ها", "کمکها", {FA}, None),
    ("Arabic article and plural are stripped", "طائرات", {AR_NK, AR_MOSCOW}, "الطائرات"),
    ("Arabic conjunction و+article", "والكرملين", {AR_UK}, "الكرملين"),
    ("Arabic query for a Persian name spelled the same", "ترامپ", {FA}, "ترامپ"),
    # a quoted phrase is its words as written, marked as one run where they stand together
    ("phrase in Persian", '"حمله پهپادی"', {FA}, "حمله پهپادی"),
    ("phrase in Arabic", '"الطائرات المسيرة"', {AR_MOSCOW}, "الطائرات المسيرة"),
    ("OR across scripts", "پهپاد OR الكرملين", {FA, AR_UK}, None),
    ("title-only search", "title:موسكو", {AR_MOSCOW}, None),
    ("prefix search", "پهپا*", {FA}, "پهپاد"),
]


def _search(seeds_index, *args):
    result = CliRunner().invoke(main, ["search", "--json", "--limit", "20", "--index", str(seeds_index), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _marked(snippet: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", snippet)]


@pytest.mark.parametrize("why,query,expected,surface", ROWS, ids=[r[0] for r in ROWS])
def test_query_finds_documents(seeds_index, why, query, expected, surface):
    result = _search(seeds_index, query)
    found = {hit["id"] for hit in result["hits"]}
    assert expected <= found, f"{why}: {query!r} found {sorted(found)}"
    if surface is not None:
        marked = [m for hit in result["hits"] if hit["id"] in expected for m in _marked(hit["snippet"])]
        assert surface in marked, f"{why}: expected <mark>{surface}</mark>, marked {marked[:10]}"


def test_excluded_word_removes_document(seeds_index):
    with_kyiv = {h["id"] for h in _search(seeds_index, "روسیه")["hits"]}
    assert FA in with_kyiv
    without = {h["id"] for h in _search(seeds_index, "روسیه", "-پهپاد")["hits"]}
    assert FA not in without


def test_all_words_must_match_by_default(seeds_index):
    # پهپاد is only in the Persian document, الكرملين only in Arabic ones.
    assert _search(seeds_index, "پهپاد الكرملين")["total"] == 0
    assert _search(seeds_index, "--any", "پهپاد الكرملين")["total"] >= 2


def test_mark_is_the_documents_own_characters_with_diacritics(seeds_index):
    # The document writes جنوداً (with tanween); the query has none. The mark
    # must hold the document's characters, tanween included.
    hits = _search(seeds_index, "جنود")["hits"]
    marked = {m for h in hits for m in _marked(h["snippet"])}
    assert "جنوداً" in marked or "جنود" in marked
    for m in marked:
        assert "جنود" in m.replace("\u064b", "")


def test_language_filter(seeds_index):
    ar = _search(seeds_index, "--lang", "ar", "موسكو")
    assert ar["hits"] and all(h["lang"] == "ar" for h in ar["hits"])
    # کییف is in the Persian text too (once), and in two Arabic ones.
    assert {h["id"] for h in _search(seeds_index, "کییف")["hits"]} >= {FA, AR_KYIV, AR_UK}
    fa = _search(seeds_index, "--lang", "fa", "کییف")
    assert {h["id"] for h in fa["hits"]} == {FA}
    assert fa["langs"]["ar"] >= 2  # the counts still show what other languages hold


def test_phrase_matches_across_removed_stop_words_but_not_across_other_words(seeds_index):
    # The text reads "… حمله پهپادی مسکو به این شهر …": به and این are stop words.
    assert {h["id"] for h in _search(seeds_index, '"مسکو به این شهر"')["hits"]} == {FA}
    assert _search(seeds_index, '"مسکو شهر"')["total"] == 0  # the gap must be the stop words'
    assert _search(seeds_index, '"شهر مسکو"')["total"] == 0  # and the order is kept
