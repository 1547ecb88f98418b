"""Word lists the analysis chain needs, loaded lazily and once per process.

hazm ships its Persian lexicon and stop words as data files.  We read them
directly instead of importing ``hazm`` itself: the package's ``__init__``
imports nltk and every tagger (~0.25 s on 0.12, ~1 s with scikit-learn and
gensim on 0.10), and constructing ``Lemmatizer()`` costs another second
conjugating every verb.  A command-line search pays start-up on every query,
so it gets the 0.15 s word-list read and nothing else.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import tempfile
from functools import cache
from pathlib import Path

from .normalize import NORMALIZATION_TABLE, normalize_token

_DATA = Path(__file__).with_name("data")


def _hazm_data(name: str) -> Path:
    """Path of a file in hazm's data folder, found without importing hazm."""
    spec = importlib.util.find_spec("hazm")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("hazm is not installed: pip install 'hazm==0.12.1'")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


# hazm's list is by frequency and holds content words a news reader searches
# for: کرد (also "Kurd"), بزرگ, جدید, راه, خطر, نشست ("meeting"), رشد…
# These stay searchable.
PERSIAN_CONTENT_WORDS = frozenset("""
کرد بزرگ جدید راه مهم خطر رشد تغییر نیاز امکان اجرا سال‌های سالهای متر کوچک عالی
خوب خوبی بهترین بهتر کامل نشست سهم دهه اثر طول پخش تهیه تبدیل روش حل جمع مناسب
جدی مشخص نزدیک جریان روند فکر بیرون سازی ریزی گذاری برداری ساز آوری بندی
""".split())


# Bump when the way the lexicon is derived from words.dat changes; a change of
# the normalization table changes the fingerprint by itself.
_LEXICON_FORMAT = 5
_TABLE_FINGERPRINT = hashlib.sha1(repr(sorted(NORMALIZATION_TABLE.items())).encode()).hexdigest()[:10]


@cache
def persian_lexicon() -> dict[str, int]:
    """Persian lemmas (normalized) with their corpus frequency.

    hazm's words.dat also lists inflected forms (کتابها, درختان, ایرانی) with
    frequency 0 and tag '0', and plurals tagged PL; those are not lemmas and
    are left out, which is what lets the stemmer tell a base word from an
    inflected one.

    Parsing the 3.4 MB file takes ~0.15 s, a third of a command-line search;
    the result is kept in the per-user cache folder (marshal, ~10 ms to load),
    keyed by the source file's size and mtime.
    """
    source = _hazm_data("words.dat")
    return _cached(_cache_path(source), lambda: _parse_lexicon(source))


@cache
def persian_untagged_forms() -> frozenset[str]:
    """The words words.dat lists untagged with frequency 0 (152,702 normalized).

    Mostly inflected forms (کتابها, ایرانی) and joined verb spellings, but
    also nouns hazm has no lemma for: تروریست, طالبان, تروریسم, پارلمان's
    neighbours توییتر, ترافیک.  ``PersianStemmer`` lets the relational ی
    reach them (تروریستی → تروریست).
    """
    source = _hazm_data("words.dat")
    return frozenset(_cached(_cache_path(source, "untagged"), lambda: sorted(_untagged(source))))


def _untagged(source: Path) -> set[str]:
    words, tagged = set(), set()
    for line in source.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            (words if parts[2] == "0" else tagged).add(normalize_token(parts[0]))
    return words - tagged


def _tagged_words(source: Path) -> set[str]:
    """Every word words.dat tags (a lemma or a plural; not the untagged '0' forms,
    which are mostly joined spellings of verbs: رفتهاند, میگوید)."""
    words = set()
    for line in source.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[2] != "0":
            words.add(normalize_token(parts[0]))
    return words


# Spellings that conjugate like a verb but are mostly something else: بکار is
# به کار written joined (بکار گرفت), بنام به نام.
NOT_VERB_FORMS = frozenset({"بکار", "بنام", "بجا", "بدست", "براه", "بخش", "نبرد"})


def _cache_path(source: Path, kind: str = "lexicon") -> Path | None:
    try:
        from platformdirs import user_cache_dir

        st = source.stat()
        folder = Path(os.environ.get("KAVOSH_CACHE") or user_cache_dir("kavosh", appauthor=False))
        key = f"{_LEXICON_FORMAT}-{st.st_size}-{int(st.st_mtime)}-{_TABLE_FINGERPRINT}"
        return folder / f"{kind}-{key}.marshal"
    except OSError:
        return None


def _cached(cache_file, build):
    """What ``build()`` returns, read from ``cache_file`` (marshal) when it is there and whole."""
    if cache_file is not None:
        try:
            return marshal.loads(cache_file.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            pass
    value = build()
    if cache_file is not None:
        _write_cache(cache_file, marshal.dumps(value))
    return value


def _write_cache(path: Path, data: bytes) -> None:
    """Best effort and atomic: a read-only home or a race only costs the next run time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        pass


def _parse_lexicon(source: Path) -> dict[str, int]:
    lemmas: dict[str, int] = {}
    text = source.read_text(encoding="utf-8")
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        word, freq, tags = parts[0], parts[1], parts[2]
        if tags == "0" or "PL" in tags.split(","):
            continue
        key = normalize_token(word)
        lemmas[key] = max(lemmas.get(key, 0), int(freq or 0))
    return lemmas


_PAST_ENDINGS = ("", "م", "ی", "یم", "ید", "ند")
_PRESENT_ENDINGS = ("م", "ی", "د", "یم", "ید", "ند")
_PERFECT_ENDINGS = ("", "ام", "ای", "است", "ایم", "اید", "اند")


def conjugate(past: str, present: str):
    """(form, prefix) of the one-word forms of a Persian verb (normalized, without ZWNJ).

    hazm's conjugation rules, restricted to forms that are one word once the
    ZWNJ is gone: simple and progressive past (رفتم, می‌رفتند, نرفت),
    present and subjunctive (می‌روم, نمی‌روند, بروم), imperative (برو, نرو) and the
    perfect (رفته‌اند, نرفته‌ام).  The bare present (روم, رود, روی) is left out: those
    are nouns far more often than verbs.  A present stem ending in a vowel takes
    ی before its endings (گو → می‌گویم), as hazm writes them.
    """
    if past:
        for e in _PAST_ENDINGS:
            for pre in ("", "ن", "می", "نمی"):
                yield pre + past + e, pre
        for e in _PERFECT_ENDINGS:
            for pre in ("", "ن", "می", "نمی"):
                yield pre + past + "ه" + e, pre
    if present:
        # ا-final stems take ی (می‌آیم, می‌نمایم); و-final ones either way
        # (می‌روم, می‌گویم); a stem starting with ا takes ی after ب/ن (بیاید).
        joints = {"ا": ("ی",), "و": ("", "ی")}.get(present[-1], ("",))
        heads = [("می", present), ("نمی", present)]
        if present[0] == "ا":
            heads += [("بی", present), ("نی", present)]
        else:
            heads += [("ب", present), ("ن", present)]
        for pre, stem in heads:
            yield pre + stem, pre
            for joint in joints:
                for e in _PRESENT_ENDINGS:
                    yield pre + stem + joint + e, pre


# The most frequent verbs (past stems, normalized): they win a form another verb shares.
COMMON_VERBS = frozenset("""
رفت گفت کرد شد داشت امد دید داد زد خورد برد اورد گذاشت نوشت خواند خواست توانست ساخت
گرفت رسید ماند دانست یافت افتاد نشست ایستاد شنید پرسید کشت کشید گشت
""".split())


@cache
def persian_verb_forms() -> dict[str, str]:
    """Conjugated form → the verb's past stem, for every verb in hazm's verbs.dat.

    Read as data (like words.dat), never through ``import hazm``.  A form that
    words.dat lists as a word of its own (ببر "tiger", برد, کردی "Kurdish",
    رفته, بکار, the usual spelling of به کار) is left out: a noun that looks
    like a verb keeps its meaning.  So are
    forms of two or fewer letters.  Where two verbs make one form, the first
    in hazm's file wins, unless the other reads it with a shorter prefix.
    """
    source = _hazm_data("verbs.dat")
    return _cached(_cache_path(source, "verbs"), lambda: _conjugate_all(source))


def _conjugate_all(source: Path) -> dict[str, str]:
    words = _tagged_words(_hazm_data("words.dat")) | NOT_VERB_FORMS
    forms: dict[str, str] = {}
    prefix_of: dict[str, tuple[int, int]] = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if "#" not in line:
            continue
        past, _sep, present = (normalize_token(part) for part in line.partition("#"))
        for form, prefix in conjugate(past, present):
            if len(form) < 3 or form in words:
                continue
            # Two verbs, one form: the reading with the shorter prefix wins
            # (نشستند is نشست+ند, not ن+شست+ند), then a common verb (بروید is
            # رفتن's, not رستن's), then the earlier verb in the file.
            rank = (len(prefix), 0 if past in COMMON_VERBS else 1)
            if form in forms and prefix_of[form] <= rank:
                continue
            forms[form], prefix_of[form] = past or present, rank
    for past in set(forms.values()):
        if past not in words:
            forms[past] = past  # رفت stays رفت (the light stemmer would cut it to رف "shelf")
    return forms


@cache
def stopwords() -> frozenset[str]:
    """Union of hazm's Persian stop words and our Arabic list, normalized.

    One list for both languages because a query has no declared language and
    the index and the query must drop the same words.
    """
    words = set()
    for line in _hazm_data("stopwords.dat").read_text(encoding="utf-8").splitlines():
        if line.strip() not in PERSIAN_CONTENT_WORDS:
            words.add(normalize_token(line.strip()))
    for line in (_DATA / "stopwords-ar.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(normalize_token(line))
    words.discard("")
    return frozenset(words)


# --- names: what the stemmers and the variant rule must not turn into another word ---

def _pyarabic_names(text_attr: str) -> list[tuple[str, str]]:
    """(name, label) rows of one of pyarabic's proper-noun lists (``pyarabic.propernouns``)."""
    from pyarabic import propernouns

    rows = []
    for line in getattr(propernouns, text_attr).splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            rows.append((parts[0], parts[1].strip()))
    return rows


@cache
def given_names() -> frozenset[str]:
    """pyarabic's given names (label ``nom``, 1,485 rows), normalized, one word of 3+ letters.

    Also the evidence that long vowels tell names apart: pyarabic lists
    حسن, حسين and حسان, خالد and خلاد as different names.
    """
    names = {normalize_token(name) for name, label in _pyarabic_names("TEXT")
             if label.lower() == "nom"}
    return frozenset(name for name in names if len(name) >= 3)


def _places() -> list[tuple[str, str]]:
    """(normalized name, the form without its article) of pyarabic's countries and capitals."""
    rows = []
    for name, label in _pyarabic_names("TEXT2"):
        if "-" in name or not any(kind in label for kind in ("دولة", "عاصِمة", "عاصمة")):
            continue  # multi-word names (الأبيض-المتوسط); towns, regions, seas
        word = normalize_token(name)
        # The article is ال with a bare alef; ألمانيا's أل is the name's own.
        bare = word[2:] if name.startswith("ال") and len(word) > 4 else word
        if bare not in NOT_PLACES:
            rows.append((word, bare))
    return rows


@cache
def article_places() -> dict[str, str]:
    """The places Arabic writes with the article: bare form → the form with it (کامیرون → الکامیرون)."""
    return {bare: word for word, bare in _places() if word != bare}


@cache
def place_names() -> dict[str, str]:
    """pyarabic's countries and capitals, normalized → the form without its
    article: السعودية and سعودية both → سعودیه.

    Not its 4,942 towns and regions: many are ordinary words too (حتى, مرة,
    الجديدة, الشرقية, محطة), which light10 must keep stemming.  A country whose
    bare form the Arabic text uses as a person's name (``arabic_bare_names``:
    الكاميرون is Cameroon, كاميرون David Cameron) keeps its article instead:
    الكاميرون, والكاميرون, للكاميرون → الکامیرون, and the bare word is not the place.
    """
    places: dict[str, str] = {}
    persons = arabic_bare_names()
    for word, bare in _places():
        if bare in persons:
            places[word] = places["لل" + bare] = word
        else:
            places[word] = places[bare] = bare
    return places


# Countries and capitals spelled like a common Arabic word, which on the news
# archive is the far more frequent reading: مالي/المالية (financial), سيول
# (floods; Seoul), عيون (eyes; Laayoune), بنين (sons; Benin), بنما (with what).
NOT_PLACES = frozenset({"مالی", "مالیه", "سیول", "عیون", "بنین", "بنما"})


@cache
def persian_surnames() -> frozenset[str]:
    """Surnames that look like a word + relational ی (سلیمانی, رئیسی, ابراهیمی, حسینی).

    ``data/surnames-fa.txt``, derived from the news archive by
    ``bench/derive_surnames.py``: the forms the Persian stemmer would cut
    whose occurrences follow a given name or a title (قاسم سلیمانی,
    آقای رئیسی) often, unlike ایرانی, تروریستی, موشکی, محلی, شهری.
    """
    return _word_list("surnames-fa.txt")


def person_names() -> frozenset[str]:
    """Given names and surnames: two different ones are two people, however close their spelling."""
    return given_names() | persian_surnames()


def _word_list(name: str) -> frozenset[str]:
    """The words of one of ``data/``'s derived lists (one a line, ``#`` comments)."""
    words = set()
    for line in (_DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(normalize_token(line))
    return frozenset(words)


@cache
def arabic_adjectives() -> frozenset[str]:
    """Persian surnames Arabic text uses as an ordinary adjective (رئيسي "main", عسكري
    "military"): ``data/adjectives-ar.txt``, derived by ``bench/derive_arabic_names.py``
    from how the archive's Arabic text inflects them (رئيسية, رئيسيا)."""
    return _word_list("adjectives-ar.txt")


@cache
def arabic_bare_names() -> frozenset[str]:
    """Bare forms of article-countries that Arabic text uses as a person's name
    (كاميرون, تشيك): ``data/bare-names-ar.txt``, derived by
    ``bench/derive_arabic_names.py`` from how often the archive writes them bare."""
    return _word_list("bare-names-ar.txt")


def arabic_names() -> frozenset[str]:
    """What the Arabic stemmer keeps whole when written without the article: the
    Persian surnames Arabic text also uses as names, and the persons' bare names."""
    return (persian_surnames() - arabic_adjectives()) | arabic_bare_names()
