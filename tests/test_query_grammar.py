"""The query language on a real index: its laws (exclusion, fields, either keyboard),
the examples issue 21 found broken, and its errors through the CLI and the web API.

Two indexes of text written for these tests: a handful of hand-written Persian and
Arabic news sentences whose answers are counted by hand, and ~80 documents drawn
(seeded) from a pool of names and words in both scripts, where hypothesis checks
the laws over many queries.
"""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kavosh.cli import main
from kavosh.engine import Engine
from kavosh.index.errors import QueryError
from kavosh.index.writer import index_paths
from kavosh.query import QueryParser
from kavosh.query_grammar import parse_tree
from kavosh.query_tree import And, Field, Group, Not, Or, Pattern, Phrase, Word

HAND = [
    ("fa1", "دیدار ترامپ و پوتین", "دونالد ترامپ رئیس جمهور آمریکا با پوتین در مسکو دیدار کرد. "
                                   "روسیه و اوکراین درباره آتش بس گفتگو کردند."),
    ("fa2", "حمله موشکی به کیف", "یک حمله موشکی شدید به کیف پایتخت اوکراین انجام شد. "
                                 "دانشجویان دانشجو را یاری کردند."),
    ("fa3", "ایران و آمریکا", "ایران و آمریکا درباره توافق هسته‌ای گفتگو کردند. سلیمانی در تهران سخنرانی کرد."),
    ("fa4", "روسیه چندین پهپاد شلیک کرد", "روسیه چندین پهپاد به سمت اوکراین فرستاد و حمله پهپادی دفع شد."),
    ("fa5", "قیمت ریال", "ارزش ریال ایران در بازار تهران کاهش یافت و حمله موشکی ایران به اسرائیل خبر شد."),
    ("fa6", "گزارش از تهران", "ایران امروز میزبان هیئتی از روسیه بود و درباره نفت گفتگو کرد."),
    ("ar1", "ترامب يلتقي بوتين", "التقى الرئيس الأمريكي دونالد ترامب بالرئيس الروسي بوتين في موسكو في زيارة رسمية."),
    ("ar2", "الرحلات الجوية", "ألغيت الرحلات رحلة بعد رحلة بسبب الطقس في إيران وروسيا."),
    ("ar3", "هجوم صاروخي على كييف", "شنت روسيا هجوما صاروخيا على كييف عاصمة أوكرانيا."),
    ("ar4", "الريال الإيراني", "تراجع الريال الإيراني أمام الدولار في طهران وقال سليماني إن المدرسة مغلقة."),
    ("ar5", "تأجيل الرحلات", "تم تأجيل الرحلات الجوية من طهران إلى دبي."),
    ("fa7", "سینما", "فیلم من و تو در سینمای تهران نمایش داده شد."),
    ("fa8", "گزارش", "روزنامه‌ها نوشتند " * 40 + "و سرانجام بی بی سی گزارش داد."),
]


def _write(folder, docs):
    folder.mkdir()
    with open(folder / "docs.jsonl", "w", encoding="utf-8") as fh:
        for doc_id, title, body in docs:
            fh.write(json.dumps({"id": doc_id, "title": title, "body": body}, ensure_ascii=False) + "\n")


@pytest.fixture(scope="module")
def hand_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("grammar-hand")
    _write(root / "docs", HAND)
    index_paths(root / "ix", [root / "docs"])
    return root / "ix"


# Names and words in both scripts, the other script's spellings side by side.
PERSIAN = ["ترامپ", "پوتین", "روسیه", "اوکراین", "ایران", "آمریکا", "حمله", "موشکی", "پهپادی", "کیف",
           "مسکو", "دانشجویان", "دانشجو", "تهران", "ریال", "سلیمانی", "نفت", "بازار", "کشور", "مدرسه"]
ARABIC = ["ترامب", "بوتين", "روسيا", "أوكرانيا", "إيران", "أمريكا", "هجوم", "صاروخي", "كييف", "موسكو",
          "الرحلات", "رحلة", "طهران", "الريال", "سليماني", "النفط", "السوق", "مدرسة", "الدولة", "كبير"]
WORDS = PERSIAN + ARABIC


def _generated_docs():
    rng = random.Random(21)
    docs = []
    for n in range(80):
        persian = n % 2 == 0
        pool = PERSIAN if persian else ARABIC
        # A sentence that tells the document's script (پ گ / ة), as real articles do.
        lead = "به گزارش خبرگزاری پارس" if persian else "وقالت الوكالة الرسمية"
        title = " ".join(rng.sample(pool, 3))
        words = [rng.choice(pool) for _ in range(12)]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), "حمله موشکی" if persian else "هجوم صاروخي")
        docs.append((f"{'fa' if persian else 'ar'}{n}", title, f"{lead} {' '.join(words)}."))
    return docs


@pytest.fixture(scope="module")
def drawn_engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("grammar-drawn")
    _write(root / "docs", _generated_docs())
    index_paths(root / "ix", [root / "docs"])
    with Engine(root / "ix") as engine:
        yield engine


@pytest.fixture(scope="module")
def hand_engine(hand_index):
    with Engine(hand_index) as engine:
        yield engine


def ranked(engine, text, mode="all"):
    """Every hit of ``text`` as (id, score), in rank order."""
    try:
        result = engine.search(text, mode=mode, limit=100, collapse=False)
    except QueryError:
        return []
    assert result.total == len(result.hits) <= 100
    return [(hit.id, hit.score) for hit in result.hits]


def ids(engine, text, mode="all"):
    return {doc_id for doc_id, _score in ranked(engine, text, mode)}


# --- the tree -------------------------------------------------------------------------


@pytest.mark.parametrize("text, tree", [
    ('ایران -"آمریکا"', And((Word("ایران"), Not(Phrase("آمریکا"))))),
    ("ایران -(آمریکا)", And((Word("ایران"), Not(Group(Word("آمریکا")))))),
    ("روسیه NOT اوکراین", And((Word("روسیه"), Not(Word("اوکراین"))))),
    ('title:"روسیه چندین"', Field("title", Phrase("روسیه چندین"))),
    ("title:(روسیه OR موسكو)", Field("title", Group(Or((Word("روسیه"), Word("موسكو")))))),
    ("-body:x y", And((Not(Field("body", Word("x"))), Word("y")))),
    ("پهپاد* AND w?rd", And((Pattern("پهپاد*"), Pattern("w?rd")))),
    # lenient: an open quote closes at the end, a stray ')' is dropped, a missing ')' added
    ('"حمله پهپادی', Phrase("حمله پهپادی")),
    ("a) b", And((Word("a"), Word("b")))),
    ("(a OR b", Group(Or((Word("a"), Word("b"))))),
    # words, not operators or fields: a dash between words, a hyphenated name, a URL, a label
    ("ایران - آمریکا", And((Word("ایران"), Word("-"), Word("آمریکا")))),
    ("F-35 ORANGE", And((Word("F-35"), Word("ORANGE")))),
    ("http://x.ir", Word("http://x.ir")),
    ("AFP: روسیه", And((Word("AFP:"), Word("روسیه")))),
    ("Title: روسیه", Field("title", Word("روسیه"))),  # a known field may stand before a space
    ("--روسیه", Word("روسیه")),  # two signs cancel
])
def test_the_grammar_reads_each_form_as_the_readme_says(text, tree):
    assert parse_tree(text) == tree


@pytest.mark.parametrize("text, says", [
    ("foo:bar", "unknown field 'foo:'"),
    ("ایران OR", "OR needs a word on each side"),
    ("OR ایران", "OR needs a word on each side"),
    ("ایران AND", "AND needs a word on each side"),
    ("NOT", "NOT (or -) needs a word"),
    ("ایران NOT", "NOT (or -) needs a word"),
    ("-", "a '-' at the end excludes nothing"),
    ("ایران -", "a '-' at the end excludes nothing"),
    ("title:", "title: needs a word"),
    ("(ایران OR)", "OR needs a word on each side"),
])
def test_a_dangling_operator_or_unknown_field_is_one_line_that_says_what_to_do(text, says):
    with pytest.raises(QueryError) as caught:
        QueryParser().parse(text)
    assert str(caught.value).startswith(says) and "\n" not in str(caught.value)


# --- the laws, on the drawn index -----------------------------------------------------

word = st.sampled_from(WORDS)
excluded = st.one_of(
    word,
    st.tuples(word, word).map(lambda p: f'"{p[0]} {p[1]}"'),
    st.tuples(word, word).map(lambda p: f"({p[0]} OR {p[1]})"),
    st.tuples(word, word).map(lambda p: f"({p[0]} {p[1]})"),
    word.map(lambda w: f"title:{w}"),
    word.map(lambda w: f'"{w}"'),
    st.tuples(word, word).map(lambda p: f'body:"{p[0]} {p[1]}"'),
    st.tuples(word, word).map(lambda p: f"title:({p[0]} OR {p[1]})"),
)
LAWS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@LAWS
@given(a=word, x=excluded, mode=st.sampled_from(["all", "any"]))
def test_minus_is_not_and_leaves_out_exactly_what_x_finds(drawn_engine, a, x, mode):
    minus = ranked(drawn_engine, f"{a} -{x}", mode)
    assert minus == ranked(drawn_engine, f"{a} NOT {x}", mode)  # the same list, order and scores
    found = {doc_id for doc_id, _ in minus}
    # every spelling X matches when searched is left out, and nothing else is
    assert found == ids(drawn_engine, a, mode) - ids(drawn_engine, x, mode)


@LAWS
@given(a=word, b=word)
def test_a_field_holds_phrases_and_groups(drawn_engine, a, b):
    for field in ("title", "body"):
        assert ids(drawn_engine, f"{field}:({a} OR {b})") == (ids(drawn_engine, f"{field}:{a}")
                                                               | ids(drawn_engine, f"{field}:{b}"))
    for scoped in (f'"{a} {b}"', f"({a} OR {b})", f"({a} {b})"):
        either = ids(drawn_engine, f"title:{scoped}") | ids(drawn_engine, f"body:{scoped}")
        assert either <= ids(drawn_engine, scoped)
        if scoped.startswith('"'):  # a phrase has no other-script spellings: the fields are all of it
            assert either == ids(drawn_engine, scoped)


def to_arabic_keyboard(text: str) -> str:
    words = text.replace("ی", "ي").replace("ک", "ك").split(" ")
    return " ".join(w[:-1] + "ة" if len(w) > 2 and w.endswith("ه") else w for w in words)


def to_persian_keyboard(text: str) -> str:
    words = text.replace("ي", "ی").replace("ى", "ی").replace("ك", "ک").split(" ")
    return " ".join(w[:-1] + "ه" if len(w) > 2 and w.endswith("ة") else w for w in words)


queries = st.one_of(
    word,
    st.tuples(word, word).map(" ".join),
    st.tuples(word, word).map(lambda p: f"{p[0]} OR {p[1]}"),
    st.tuples(word, word).map(lambda p: f"{p[0]} -{p[1]}"),
    st.tuples(word, word).map(lambda p: f'"{p[0]} {p[1]}"'),
    st.tuples(word, word, word).map(" ".join),
)


@LAWS
@given(text=queries, mode=st.sampled_from(["all", "any"]))
def test_either_keyboard_gives_the_identical_answer(drawn_engine, text, mode):
    answers = [ranked(drawn_engine, q, mode) for q in (text, to_arabic_keyboard(text), to_persian_keyboard(text))]
    assert answers[0] == answers[1] == answers[2]


@pytest.mark.parametrize("text", [
    "سلیمانی", "ریال", "قاسم سلیمانی", "ایران", "مسکو", "کیف", "روسیه -اوکراین", '"حمله موشکی"',
    "ترامپ", "کشور مدرسه", "تهران OR طهران",
])
def test_keyboard_pairs_of_the_issue_give_one_answer(hand_engine, drawn_engine, text):
    for engine in (hand_engine, drawn_engine):
        for mode in ("all", "any"):
            assert ranked(engine, text, mode) == ranked(engine, to_arabic_keyboard(text), mode)


# --- issue 21's examples, on the hand-written index ----------------------------------


def test_minus_before_a_quote_or_a_group_excludes_it(hand_engine):
    with_america = ids(hand_engine, "آمریکا")
    assert ids(hand_engine, "ایران") & with_america  # the test can fail
    for text in ('ایران -"آمریکا"', "ایران -(آمریکا)", "ایران -آمریکا", "ایران NOT آمریکا"):
        found = ids(hand_engine, text)
        assert found and not found & with_america, text
    assert ids(hand_engine, "ایران -(آمریکا)") != ids(hand_engine, "ایران آمریکا")


def test_minus_before_a_phrase_leaves_out_the_phrase_only(hand_engine):
    phrase = ids(hand_engine, '"حمله موشکی"')
    assert phrase == {"fa2", "fa5"}
    assert ids(hand_engine, 'ایران -"حمله موشکی"') == ids(hand_engine, "ایران") - phrase
    assert "fa5" in ids(hand_engine, "ایران")


def test_minus_and_not_exclude_the_other_scripts_spellings_too(hand_engine):
    # روسیه's Arabic spelling روسيا is found by the word, so it is left out by -روسیه as well
    assert "ar3" in ids(hand_engine, "کیف روسیه")
    assert ranked(hand_engine, "کیف -روسیه") == ranked(hand_engine, "کیف NOT روسیه")
    assert "ar3" not in ids(hand_engine, "کیف -روسیه")


def test_field_scoped_phrases_and_groups_find_their_documents(hand_engine):
    assert ids(hand_engine, 'title:"روسیه چندین"') == {"fa4"}
    assert ids(hand_engine, 'body:"حمله پهپادی"') == {"fa4"}
    assert ids(hand_engine, "title:(روسیه OR موسكو)") == {"fa4"}
    assert ids(hand_engine, "title:(ترامپ OR موسكو)") == {"fa1"}
    assert ids(hand_engine, 'body:"روسیه چندین"') == {"fa4"}
    assert ids(hand_engine, 'title:"حمله پهپادی"') == set()


def test_a_phrase_of_two_words_with_one_stem_is_found(hand_engine):
    assert ids(hand_engine, '"الرحلات رحلة"') == {"ar2"}
    assert ids(hand_engine, '"دانشجویان دانشجو"') == {"fa2"}
    assert ids(hand_engine, '"رحلة بعد رحلة"') == {"ar2"}


def test_the_keyboard_does_not_change_a_names_answer(hand_engine):
    for persian, arabic in (("سلیمانی", "سليماني"), ("ریال", "ريال"), ("کیف", "كيف"), ("مدرسه", "مدرسة")):
        assert ranked(hand_engine, persian) == ranked(hand_engine, arabic)
    assert ids(hand_engine, "سلیمانی") == {"fa3", "ar4"}


# --- quotes are verbatim (the exact fields) ---------------------------------------------


def test_a_quote_is_the_words_as_written_in_order(hand_engine):
    assert ids(hand_engine, "رحلة") == {"ar2", "ar5"}  # the stem finds الرحلات too
    assert ids(hand_engine, '"رحلة"') == {"ar2"}  # as written: only رحلة
    assert ids(hand_engine, '"الرحلات رحلة"') == {"ar2"}
    assert ids(hand_engine, '"رحلة الرحلات"') == set()  # in order
    assert ids(hand_engine, '"الرحلات الجوية"') == {"ar2", "ar5"}  # ar2's title, ar5's body


def test_a_quote_has_no_other_scripts_spellings_but_either_keyboard(hand_engine):
    assert ids(hand_engine, "ترامپ") == {"fa1", "ar1"}
    assert ids(hand_engine, '"ترامپ"') == {"fa1"}
    assert ranked(hand_engine, '"سليماني"') == ranked(hand_engine, '"سلیمانی"')
    assert ids(hand_engine, '"سلیمانی"') == {"fa3", "ar4"}  # folded: ي/ی is the keyboard


def test_a_quote_keeps_its_stop_words(hand_engine):
    assert ids(hand_engine, '"من و تو"') == {"fa7"}
    # Unquoted, common words alone are a name or a title: searched as written, not ignored.
    result = hand_engine.search("من و تو")
    assert {h.id for h in result.hits} == {"fa7"} and result.ignored_words == []
    # Beside another word they are a bag of words again, and ignored.
    assert hand_engine.search("من و تو سینمای").ignored_words == ["من", "و", "تو"]
    hit = hand_engine.search('"من و تو" سینمای').hits[0].to_json()
    assert "<mark>من و تو</mark>" in hit["snippet"]


def test_a_name_of_common_words_is_found_quoted_and_shown_in_snippets_and_exports(hand_engine):
    assert ids(hand_engine, '"بی بی سی"') == {"fa8"}
    assert ids(hand_engine, "بی بی سی") == ids(hand_engine, "بي بي سي") == {"fa8"}  # unquoted too
    hit = hand_engine.search('"بی بی سی"').hits[0].to_json()
    assert "<mark>بی بی سی</mark>" in hit["snippet"]  # the snippet is where the quote stands
    rows = list(hand_engine.export('"بی بی سی"'))
    assert len(rows) == 1 and "بی بی سی" in rows[0]["snippet"]


def test_exact_reads_every_word_as_written_and_still_ignores_common_words(hand_engine):
    assert {h.id for h in hand_engine.search("ترامپ", exact=True).hits} == {"fa1"}
    assert {h.id for h in hand_engine.search("رحلة", exact=True).hits} == {"ar2"}
    result = hand_engine.search("ترامپ و پوتین", exact=True)
    assert {h.id for h in result.hits} == {"fa1"} and result.ignored_words == ["و"]


def test_an_index_without_exact_fields_reads_quotes_by_their_stems():
    from kavosh.index.analysis import kavosh_analyzer

    old = QueryParser().parse('"الرحلات رحلة"')
    assert "_exact" not in repr(old.query) and "رحل'" in repr(old.query) and not old.verbatim_phrases
    new = QueryParser(exact_analyzer=kavosh_analyzer(verbatim=True)).parse('"الرحلات رحلة"')
    assert {t.fieldname for t in new.query.leaves()} == {"title_exact", "body_exact"}
    assert new.verbatim_phrases == [("الرحلات", "رحله")]


# --- errors through the CLI and the web API --------------------------------------------

BAD = ["foo:bar", "ایران OR", "NOT", "-", "title:", "ایران AND", "ایران -"]


@pytest.mark.parametrize("text", BAD)
def test_the_cli_says_what_is_wrong_in_one_line(hand_index, text):
    result = CliRunner().invoke(main, ["search", "--index", str(hand_index), "--", text])
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert "title" not in result.stdout  # no search ran


@pytest.mark.parametrize("text", BAD)
def test_the_api_answers_400_and_the_page_says_it_in_its_language(hand_index, text):
    from kavosh.web import create_app
    from kavosh.web.messages import translate_error

    client = create_app(hand_index).test_client()
    api = client.get("/api/search", query_string={"q": text})
    assert api.status_code == 400
    english = api.get_json()["error"]
    for ui in ("fa", "ar"):
        assert translate_error(english, ui), english
        page = client.get("/", query_string={"q": text}, headers={"Accept-Language": ui})
        assert page.status_code == 400 and english not in page.get_data(as_text=True)


def test_every_seed_word_gives_one_answer_on_either_keyboard(seeds_index):
    """The bundled seeds' own words and word pairs, each typed as found, on an Arabic and on a
    Persian keyboard: the same hits, order and scores."""
    import re
    from pathlib import Path

    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent.parent / "seeds").glob("*.txt")))
    words = re.findall(r"[\u0600-\u06ff]{3,}", text)
    swappable = sorted({w for w in words if set(w) & set("یيکكهةى")})
    rng = random.Random(3)
    queries = rng.sample(swappable, min(250, len(swappable)))
    queries += [f"{a} {b}" for a, b in rng.sample(list(zip(words, words[1:])), 60)]
    with Engine(seeds_index) as engine:
        differ = [q for q in queries
                  if not ranked(engine, q) == ranked(engine, to_arabic_keyboard(q)) == ranked(engine, to_persian_keyboard(q))]
    assert len(queries) > 250 and not differ, differ[:10]


def test_excluded_words_are_never_marked():
    parsed = QueryParser().parse("ایران -(آتش سوزی) NOT روسیه -\"حمله موشکی\"")
    assert parsed.terms == {"ایران"} and not parsed.verbatim_phrases  # one stem: Arabic keeps the name
    assert parsed.fuzzy and {m.word for m in parsed.fuzzy} == {"ایران"}  # only the searched word's spellings
