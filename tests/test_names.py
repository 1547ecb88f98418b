"""Issue 21, names stay names: each example of the issue on a real small index.

The archive's confusions, rebuilt from sentences written for this test: a
surname is neither stemmed to its given name or its base word nor bridged to
another name across scripts (سلیمانی is not سلمان, رئیسی not الرئيس,
ابراهیمی not ابراهیم), while a relational adjective still meets its noun
(ایرانی, موشکی); an Arabic proclitic comes off only before a given name
(ببدر, not بطاقة, كاميرون, كتبت, كشفت); a country keeps its name (السعودية is
not سعود).  Names are read from the Arabic text's own use: Arabic رئيسي is the
adjective "main", not Raisi; الكاميرون is Cameroon, كاميرون Cameron.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kavosh.engine import Engine
from kavosh.index.writer import index_paths

FA = "به گزارش گروه پژوهشی چند خبر چاپ شد"
AR = "قالت وكالة الأنباء الرسمية في نشرة مسائية"
DOCS = {
    "fa-soleimani": f"{FA} سردار قاسم سلیمانی در بغداد کشته شد",
    "ar-soleimani": f"{AR} اغتيال قاسم سليماني في بغداد",
    "ar-salman": f"{AR} ولي العهد محمد بن سلمان يستقبل الوزير",
    "fa-soleiman": f"{FA} داستان حضرت سلیمان و مورچه",
    "fa-raisi": f"{FA} ابراهیم رئیسی به نیویورک سفر کرد",
    "ar-president": f"{AR} الرئيس يلتقي الوزراء في القصر",
    "fa-president": f"{FA} رئیس مجلس امروز سخنرانی کرد",
    "fa-ebrahimi": f"{FA} علی ابراهیمی مربی تیم شد",
    "ar-ebrahim": f"{AR} النبي إبراهيم في القرآن",
    "fa-hosseini": f"{FA} محمد حسینی سخنگوی ستاد شد",
    "fa-hossein": f"{FA} امام حسین در کربلا",
    "fa-iranian": f"{FA} بازرگانان ایرانی به عراق رفتند",
    "fa-missile": f"{FA} حمله موشکی به پایگاه",
    "fa-missile-noun": f"{FA} یک موشک به پایگاه خورد",
    "ar-card": f"{AR} بطاقة الهوية الجديدة",
    "ar-energy": f"{AR} أسعار الطاقة ترتفع",
    "ar-championship": f"{AR} بطولة كأس العالم",
    "ar-length": f"{AR} طول الجسر كبير",
    "ar-cameron": f"{AR} ديفيد كاميرون رئيس الوزراء البريطاني",
    "ar-prince": f"{AR} الأمير يزور المدينة",
    "ar-wrote": f"{AR} كتبت الصحيفة مقالا",
    "ar-tibet": f"{AR} جبال التبت عالية",
    "ar-badr": f"{AR} مررنا ببدر في الطريق",
    "ar-saudi": f"{AR} المملكة العربية السعودية تعلن الخطة",
    "ar-saud": f"{AR} سعود الفيصل وزير الخارجية الراحل",
    "ar-saudi-team": f"{AR} فاز المنتخب السعودي أمس",
    "ar-cameroon": f"{AR} منتخب الكاميرون يفوز على غانا",
    "ar-cameroonian": f"{AR} اللاعب الكاميروني صامويل إيتو",
    "ar-cameras": f"{AR} كاميرات المراقبة في الشوارع",
    # Persian writes Cameron and Cameroon alike: this کامرون is the country
    "fa-cameroon": f"{FA} وزنه‌بردارانی از کامرون و عراق هم حاضر بودند",
    "ar-main": f"{AR} لعب دور رئيسي في المفاوضات",
    "fa-raisikia": f"{FA} مهدی رئیسی‌کیا مدیر شرکت شد",
    "fa-ahmadinejad": f"{FA} محمود احمدی‌نژاد در مشهد سخنرانی کرد",
    "fa-ahmadi": f"{FA} رضا احمدی سخنگوی کمیته شد",
}


@pytest.fixture(scope="module")
def names_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("names")
    src = root / "docs.jsonl"
    src.write_text("".join(json.dumps({"id": i, "title": "", "body": body}, ensure_ascii=False) + "\n"
                           for i, body in DOCS.items()), encoding="utf-8")
    index_paths(root / "ix", [src], rebuild=True)
    return root / "ix"


def _hits(index: Path, query: str, **kw):
    engine = Engine(index)
    try:
        return engine.search(query, limit=50, **kw).hits
    finally:
        engine.close()


def _ids(index: Path, query: str, **kw) -> set[str]:
    return {h.id for h in _hits(index, query, **kw)}


@pytest.mark.parametrize("query,found", [
    # a surname finds itself in both scripts, never the given name or the word it was made from
    ("سلیمانی", {"fa-soleimani", "ar-soleimani"}),
    ("سليماني", {"fa-soleimani", "ar-soleimani"}),
    ("رئیسی", {"fa-raisi"}),  # not رئیسی‌کیا
    ("ابراهیمی", {"fa-ebrahimi"}),
    ("حسینی", {"fa-hosseini"}),
    # and the given names and words do not find the surname
    ("سلیمان", {"fa-soleiman"}),
    ("سلمان", {"ar-salman"}),
    ("رئیس", {"fa-president", "ar-president", "ar-cameron", "ar-main"}),  # رئيسي "main" stems there
    ("حسین", {"fa-hossein"}),
])
def test_names_stay_names(names_index, query, found):
    assert _ids(names_index, query) == found


def test_no_hit_shows_another_name_as_its_spelling(names_index):
    for query in ("سلیمانی", "رئیسی", "ابراهیمی", "حسینی"):
        assert not any(h.variants for h in _hits(names_index, query)), query


@pytest.mark.parametrize("query,found", [
    ("ایران", {"fa-iranian"}),  # ایرانی folds to ایران
    ("موشک", {"fa-missile", "fa-missile-noun"}),  # موشکی folds to موشک
])
def test_a_relational_adjective_still_meets_its_noun(names_index, query, found):
    assert _ids(names_index, query) == found


@pytest.mark.parametrize("query,found", [
    ("بطاقة", {"ar-card"}),
    ("الطاقة", {"ar-energy"}),
    ("بطولة", {"ar-championship"}),
    ("طول", {"ar-length"}),
    ("كاميرون", {"ar-cameron"}),
    ("الأمير", {"ar-prince"}),
    ("كتبت", {"ar-wrote"}),
    ("التبت", {"ar-tibet"}),
    ("بدر", {"ar-badr"}),  # ببدر: a proclitic before a given name still comes off
])
def test_arabic_proclitics_need_arabic_evidence(names_index, query, found):
    assert _ids(names_index, query) == found


@pytest.mark.parametrize("query,found", [
    # the country takes the article and its adjective; the person is the bare name
    ("كاميرون", {"ar-cameron"}),
    ("کامیرون", {"ar-cameron"}),
    ("الكاميرون", {"ar-cameroon", "ar-cameroonian"}),
    ("الكاميروني", {"ar-cameroon", "ar-cameroonian"}),
    ("كاميرات", {"ar-cameras"}),
    # Persian کامرون is the man or the country: no bridge either way (it brought a
    # weightlifting report "from Cameroon" into كاميرون's top 100 on the archive)
    ("کامرون", {"fa-cameroon"}),
])
def test_cameron_is_not_cameroon(names_index, query, found):
    assert _ids(names_index, query) == found


@pytest.mark.parametrize("query", ["رئیسی", "رئيسي"])
def test_raisi_is_not_the_arabic_adjective_main(names_index, query):
    """Either keyboard: the surname, not Arabic رئيسي ("main"), nor الرئيس."""
    assert _ids(names_index, query) == {"fa-raisi"}


@pytest.mark.parametrize("query,found", [
    ("احمدی", {"fa-ahmadi"}),  # not احمدی‌نژاد, another person
    ("احمدی‌نژاد", {"fa-ahmadinejad"}),
    ("احمدی نژاد", {"fa-ahmadinejad"}),  # typed with a space: the joined word
    ("رئیسی کیا", {"fa-raisikia"}),
])
def test_a_compound_surname_is_its_own_name(names_index, query, found):
    assert _ids(names_index, query) == found


def test_the_arabic_adjective_meets_its_arabic_forms(names_index):
    assert "ar-main" in _ids(names_index, "الرئيسي")


def test_saudi_arabia_is_not_saud(names_index):
    """The country keeps its name and takes its adjective (السعودي); the name سعود is another word."""
    assert _ids(names_index, "السعودية") == {"ar-saudi", "ar-saudi-team"}
    assert _ids(names_index, "سعود") == {"ar-saud"}


def test_an_adjective_meets_the_noun_hazm_lists_without_a_lemma(tmp_path):
    """تروریست is in hazm's words.dat only untagged: تروریستی now folds to it, like ایرانی to ایران."""
    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"id": "fa-terror", "body": f"{FA} یک حمله تروریستی در شهر"},
                              ensure_ascii=False) + "\n", encoding="utf-8")
    index_paths(tmp_path / "ix", [src], rebuild=True)
    assert _ids(tmp_path / "ix", "تروریست") == {"fa-terror"}


def test_an_index_may_protect_its_own_names(tmp_path):
    """Lucene's stemExclusionSet per index: ``build_schema(protected=…)`` (``index_paths``'
    ``schema_options``) keeps طالبان (Taliban) from its stem طالب (student), at indexing and
    at query time, since the query is analysed by the index's own chain."""
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps({"id": i, "body": body}, ensure_ascii=False) + "\n" for i, body in [
        ("fa-taliban", f"{FA} طالبان کابل را گرفتند"), ("ar-student", f"{AR} طالب في الجامعة")]),
        encoding="utf-8")
    index_paths(tmp_path / "plain", [src], rebuild=True)
    index_paths(tmp_path / "kept", [src], rebuild=True, schema_options={"protected": ["طالبان"]})
    assert _ids(tmp_path / "plain", "طالبان") == {"fa-taliban", "ar-student"}
    assert _ids(tmp_path / "kept", "طالبان") == {"fa-taliban"}
