"""A newsroom's queries on the 39,611 real articles (issue 21): every example of the issue,
with the counts it gives on the archive, and the judged name set's targets.

The counts are the archive's (../shared/corpora) as this Kavosh indexes it; a change that
moves one must say why.  Beside each count, what makes it right: the hits hold the word, an
exclusion leaves out exactly what the excluded part finds, a quote is found where its words
stand together, either keyboard gives the same list and scores.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from kavosh.engine import Engine
from kavosh.index.analysis import kavosh_analyzer, word_spans
from kavosh.index.normalize import normalize_token

ROOT = Path(__file__).resolve().parent.parent
VERBATIM = kavosh_analyzer(verbatim=True)
# What may stand before an Arabic word proper: conjunctions, prepositions, the article.
PROCLITICS = "(?:[وف]?(?:[بلک]|ال|بال|کال|لل)?)"
EVERYTHING = 50_000


@pytest.fixture(scope="module")
def engine(archive_index):
    with Engine(archive_index) as engine:
        yield engine


def ranked(engine, query, **options):
    return engine.rank(query, mode="all", limit=EVERYTHING, **options)


def ids(engine, query, **options):
    return {doc_id for doc_id, _score in ranked(engine, query, **options)}


def total(engine, query, **options):
    return engine.search(query, limit=1, **options).total


def words(engine, doc_id, fields=("title", "body")):
    """The document's words as the exact fields hold them (normalized, unstemmed)."""
    with engine.searching() as searcher:
        stored = searcher.document(id=doc_id)
    return [t.text for f in fields for t in VERBATIM(stored.get(f, ""))]


def has_word(tokens, word):
    """Whether ``word`` (normalized) is one of ``tokens``, maybe behind Arabic proclitics."""
    pattern = re.compile(PROCLITICS + re.escape(normalize_token(word)))
    return any(pattern.fullmatch(t) for t in tokens)


def has_phrase(tokens, phrase):
    wanted = [normalize_token(w) for w in phrase.split()]
    return any(tokens[i:i + len(wanted)] == wanted for i in range(len(tokens)))


# --- names stay names ---------------------------------------------------------------------

@pytest.mark.parametrize("query, count", [
    ("سلیمانی", 288),  # was 3,464: 3,155 Arabic stories about King Salman (سلمان)
    # was 13,111, the top 10 all الرئيس; then 263 with Arabic رئيسي ("main") and رئیسی‌کیا:
    # now the 71 the judged name set counts
    ("رئیسی", 71),
    # 83, 174, 291 with the compound surnames (ابراهیمی‌X, کریمی‌سنجری, حسینی‌شاهرودی);
    # حسینی 295 with حسینیان (Hosseinian)
    ("ابراهیمی", 82), ("کریمی", 170), ("حسینی", 280),
])
def test_a_name_finds_that_name_and_no_other_word(engine, query, count):
    found = ranked(engine, query)
    assert len(found) == count
    without = [doc_id for doc_id, _s in found[:100] if not has_word(words(engine, doc_id), query)]
    assert without == []  # not سلمان for سلیمانی, not الرئيس for رئیسی, not ابراهیم for ابراهیمی


def whole_words(engine, doc_id):
    """The document's words with a ZWNJ compound as one word (رئیسی‌کیا → رییسیکیا), as
    bench/name_eval.py judges them, and its language."""
    with engine.searching() as searcher:
        stored = searcher.document(id=doc_id)
    tokens = [normalize_token(s) for f in ("title", "body") for s, _a, _b in word_spans(stored.get(f, ""))]
    return [t for t in tokens if t], stored.get("lang")


def test_cameron_is_not_a_prince_nor_cameroon(engine):
    # was 4,424 through أمير (بكاميرون → أمير), then 200 with the Cameroon (الكاميرون,
    # الكاميروني) stories: the country keeps its article, the bare word is the person.
    found = ranked(engine, "كاميرون")
    # The 85 Arabic stories with كاميرون; not Persian کامرون, which is Cameron and Cameroon
    # alike (105 with it, among them «وزنه‌بردارانی از کامرون», the last confusion).
    assert len(found) == 85
    assert "fa-812370c1ae62" not in dict(found)
    bare = re.compile("[وف]?[بلک]?کامیرون")
    article = re.compile("[وف]?(?:[بک]?ال|لل)کامیرون.*")  # Cameroon, Cameroonian

    def only_cameroon(doc_id):
        tokens = whole_words(engine, doc_id)[0]
        return any(article.fullmatch(t) for t in tokens) and not any(bare.fullmatch(t) for t in tokens)

    assert [d for d, _s in found[:100] if only_cameroon(d)] == []  # 31 before
    cameroon = ranked(engine, "الكاميرون")
    arabic = [whole_words(engine, d) for d, _s in cameroon[:100]]
    assert [t for t, lang in arabic if lang == "ar" and not any(article.fullmatch(w) for w in t)] == []


@pytest.mark.parametrize("query", ["رئیسی", "رئيسي", "ابراهیم رئیسی"])
def test_raisi_is_not_the_arabic_adjective_main(engine, query):
    # Arabic رئيسي is "main" (دور رئيسي, بشكل رئيسي): the archive's Arabic text never names
    # Raisi, so no Arabic story is a hit unless it says ابراهيم رئيسي; 10 were in the top 100
    # of ابراهیم رئیسی (إبراهيم somewhere, رئيسي "main" elsewhere).
    found = ranked(engine, query)
    arabic = [d for d, _s in found if whole_words(engine, d)[1] == "ar"
              and not has_phrase(whole_words(engine, d)[0], "ابراهیم رئیسی")]
    assert arabic == []


@pytest.mark.parametrize("query, compound", [("رئیسی", "رییسیکیا"), ("حسینی", "حسینیشاهرودی")])
def test_a_compound_surname_is_another_person(engine, query, compound):
    # رئیسی‌کیا and حسینی‌شاهرودی are other people: a hit has the name as a word of its own
    found = ranked(engine, query)
    name = normalize_token(query)
    assert [d for d, _s in found[:100] if name not in whole_words(engine, d)[0]] == []
    assert any(compound in whole_words(engine, d)[0] for d, _s in ranked(engine, compound))


def test_a_noun_still_finds_its_adjective(engine):
    assert ids(engine, "تروریستی") <= ids(engine, "تروریست")  # 119 of 237 before
    assert total(engine, "تروریست") == 237


@pytest.mark.parametrize("query, count, other", [
    ("السعودية", 7837, "سعود"),  # was 8,976 with «سعود الفيصل» in the top 10
    ("بطاقة", 645, "طاقة"),  # was 2,008, the top 10 all الطاقة
])
def test_arabic_stems_keep_different_words_apart(engine, query, count, other):
    found = ranked(engine, query)
    assert len(found) == count
    top = [words(engine, doc_id) for doc_id, _s in found[:10]]
    assert all(has_word(t, query) or not has_word(t, other) for t in top)


# --- either keyboard, one answer ------------------------------------------------------------

@pytest.mark.parametrize("persian, arabic", [
    ("سلیمانی", "سليماني"), ("قاسم سلیمانی", "قاسم سليماني"), ("ریال", "ريال"),
    ("رئیسی", "رئيسي"), ("کریمی", "كريمي"), ("تروریست", "تروريست"),
    ("الأمم المتحده", "الأمم المتحدة"), ("کیف پهپاد", "كيف پهپاد"),
])
def test_either_keyboard_gives_the_same_hits_order_and_scores(engine, persian, arabic):
    assert ranked(engine, persian) == ranked(engine, arabic)
    assert total(engine, persian) == total(engine, arabic)


# --- exclusions exclude ---------------------------------------------------------------------

@pytest.mark.parametrize("excluded, count", [
    ('"آمریکا"', 3802),  # was 992, every one containing آمریکا
    ("(آمریکا)", 3648),  # was 1,107, the same as ایران آمریکا
    ("آمریکا", 3648),
    ('"حمله موشکی"', 4714),  # was exactly the 42 that contain the phrase
])
def test_an_exclusion_leaves_out_exactly_what_it_finds(engine, excluded, count):
    kept = ids(engine, f"ایران -{excluded}")
    assert kept == ids(engine, f"ایران NOT {excluded}")
    assert kept == ids(engine, "ایران") - ids(engine, excluded.strip("()"))
    assert len(kept) == count


def test_minus_and_not_are_one_operator(engine):
    assert ranked(engine, "روسیه -اوکراین") == ranked(engine, "روسیه NOT اوکراین")
    assert total(engine, "روسیه -اوکراین") == 1440  # was 1,567, 111 of them with اوکراین


# --- fields, quotes and common words -----------------------------------------------------------

def test_a_field_takes_a_phrase_and_a_group(engine):
    phrase = ids(engine, 'body:"حمله پهپادی"')
    assert len(phrase) == 5  # was 0
    assert all(has_phrase(words(engine, d, ("body",)), "حمله پهپادی") for d in phrase)
    group = ids(engine, "title:(روسیه OR موسكو)")
    assert len(group) == 228 and group <= ids(engine, "روسیه OR موسكو")  # was 0


@pytest.mark.parametrize("query, count", [
    ('"الرحلات رحلة"', 1),  # two words of one stem side by side; was 0
    ('"بی بی سی"', 136), ("بی بی سی", 136),  # the BBC, made of common words; was 0
    ('"من و تو"', 3), ("من و تو", 3),
    ('"في سبيل الله"', 66),
])
def test_a_quote_is_found_where_its_words_stand_together(engine, query, count):
    found = ids(engine, query)
    assert len(found) == count
    assert all(has_phrase(words(engine, d), query.strip('"')) for d in found)


def test_a_quote_is_the_word_as_written(engine):
    quoted, bare = ids(engine, '"رحلة"'), ids(engine, "رحلة")
    assert quoted < bare  # no stems: الرحلات is not "رحلة"
    assert all(has_word(words(engine, d), "رحلة") for d in quoted)


@pytest.mark.parametrize("query, count", [
    ("به‌عنوان نماینده", 349),  # was 62: the part به is a common word
    ("به‌دلیل کمبود", 103),  # was 6
])
def test_a_compound_with_a_common_word_meets_its_parts(engine, query, count):
    assert total(engine, query) == count
    assert ids(engine, query) >= ids(engine, query.replace("\u200c", ""))


# --- Latin names --------------------------------------------------------------------------

@pytest.mark.parametrize("latin, count, spellings", [
    ("Trump", 476, "ترامپ OR ترامب OR ترمب"),  # was 1, a yacht
    ("Putin", 195, "پوتین OR بوتين"),  # was 0
    ("Tehran", 2169, "تهران OR طهران"),  # was 0
])
def test_a_latin_name_finds_its_persian_and_arabic_spellings(engine, latin, count, spellings):
    found = ids(engine, latin)
    assert len(found) == count
    assert found <= ids(engine, spellings) | ids(engine, latin, exact=True)
    assert ids(engine, latin.upper()) == found


# --- ranking ------------------------------------------------------------------------------

def test_a_persian_query_shows_persian_stories_first(engine):
    top = engine.search("ایران", limit=20).hits
    assert [hit.lang for hit in top] == ["fa"] * 20  # was 20 Arabic


# --- the judged name set (bench/name_eval.py) ----------------------------------------------

def test_the_judged_name_set_meets_its_targets(engine, tmp_path_factory):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import name_eval
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from conftest import CORPORA, archive_unavailable

    # The engine may be a prebuilt index ($KAVOSH_TEST_ARCHIVE_INDEX); judging still reads
    # the archive's texts, which bench/name_eval.py would refuse with SystemExit.
    if not any((CORPORA / f).is_file() for n in name_eval.CORPUS_FILES for f in (n, n + ".gz")):
        archive_unavailable(f"the judged name set is judged on the news archive, not in {CORPORA}")
    queries = name_eval.load_set()
    judged = name_eval.judgements_for(queries, CORPORA, name_eval.NAME_SET,
                                      cache_dir=tmp_path_factory.mktemp("name-eval"))
    means = name_eval.summary(name_eval.evaluate(engine, queries, judged))["all"]
    assert means["queries"] >= 120
    assert means["p10"] >= 0.95 and means["p100"] >= 0.90 and means["recall"] >= 0.90
    assert means["twins_identical"] == 1.0
    # Was 1,076, then 76 (31 Cameroon stories for كاميرون, Arabic رئيسي "main" beside
    # إبراهيم, the compound surnames رئیسی‌کیا and حسینی‌شاهرودی), then 2: a Persian
    # weightlifting report "from Cameroon" found through کامرون, typed twice.
    assert means["confusions"] == 0
