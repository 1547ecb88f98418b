"""Derive the two Arabic-text name lists from the archive's Arabic text.

    python bench/derive_arabic_names.py /tmp/corpus/news-ar.jsonl --adjectives > index/data/adjectives-ar.txt
    python bench/derive_arabic_names.py /tmp/corpus/news-ar.jsonl --bare-names > index/data/bare-names-ar.txt

Both answer "is this word a name *in Arabic text*?" from how the text uses it:

* ``--adjectives``: Persian surnames (``index/data/surnames-fa.txt``) that Arabic
  text uses as an ordinary adjective.  رئیسی is Raisi in Persian, but Arabic
  رئيسي is "main": the archive's Arabic text writes it 206 times, never after a
  given name, and inflects it (رئيسية, رئيسيا, رئيسيين: 392 more), which a
  surname never is.  Kept: a surname whose inflected forms without the article
  (ة, ا, ين, ون) occur at least MIN_INFLECTED times and at least
  INFLECTED_SHARE times as often as the bare form.  The Arabic stemmer does not
  read these as names (their light10 stem is kept), so a query for the surname
  does not bring the adjective.  With the article an inflected form is often a
  place or a dynasty named after the name (السليمانية, الهاشمية), not evidence.
* ``--bare-names``: countries that Arabic writes with the article
  (pyarabic's places: الكاميرون, التشيك) whose bare form the archive writes at
  least BARE_SHARE times as often as the article form, MIN_BARE times or more:
  the bare form is then another word, a person (ديفيد كاميرون 245 bare against
  134 with the article; بيتر تشيك 81 against 80), while a country's bare form
  is rare (اليمن 3,672, يمن 214; السعودية 11,192, سعودية 609).  The article form
  keeps the country, the bare form stays a name.

Prints the list, one word a line, with its figures as a comment.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MIN_INFLECTED = 10
INFLECTED_SHARE = 0.3
INFLECTIONS = ("ه", "ا", "ین", "ون")
MIN_BARE = 10
BARE_SHARE = 0.5
ARTICLES = ("ال", "وال", "بال", "فال", "کال", "لل")


def words_of(paths):
    from kavosh.index.normalize import normalize_token

    word = re.compile(r"[\u0600-\u06ff\u200c]+")
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                text = f"{doc.get('title') or ''} {doc.get('body') or ''}"
                yield [normalize_token(w) for w in word.findall(text)]


def without_conjunction(w: str) -> str:
    return w[1:] if w[:1] in "وف" and len(w) > 4 else w


def without_article(w: str) -> str | None:
    for article in ARTICLES:
        if w.startswith(article) and len(w) > len(article) + 2:
            return w[len(article):]
    return None


def counted(paths, names, other_form) -> tuple[Counter, Counter]:
    """(how often each of ``names`` stands bare in the Arabic text, behind a conjunction at
    most; how often each stands in another form): ``other_form(word, rest)`` is the name a
    word (``rest``: without its conjunction) is another form of, or None."""
    bare, other = Counter(), Counter()
    for words in words_of(paths):
        for w in words:
            rest = without_conjunction(w)
            if rest in names:
                bare[rest] += 1
            name = other_form(w, rest)
            if name is not None:
                other[name] += 1
    return bare, other


def adjectives(paths) -> list[str]:
    from kavosh.index.lexicon import persian_surnames

    surnames = persian_surnames()
    inflected_of = {s + ending: s for s in surnames for ending in INFLECTIONS}
    bare, inflected = counted(paths, surnames, lambda _w, rest: inflected_of.get(rest))
    lines = ["# Persian surnames that Arabic text uses as an adjective (bench/derive_arabic_names.py;",
             "# the figures: bare occurrences in the Arabic text, inflected occurrences)"]
    for s in sorted(surnames):
        if inflected[s] >= MIN_INFLECTED and inflected[s] >= INFLECTED_SHARE * bare[s]:
            lines.append(f"{s}  # {bare[s]} {inflected[s]}")
    return lines


def bare_names(paths) -> list[str]:
    from kavosh.index.lexicon import article_places

    places = article_places()  # bare → the form with the article

    def with_article_of(word, _rest):
        kept = without_article(word)
        return kept if kept in places else None

    bare, with_article = counted(paths, places, with_article_of)
    lines = ["# Countries Arabic writes with the article whose bare form the Arabic text uses as",
             "# another word, a person (bench/derive_arabic_names.py; the figures: bare",
             "# occurrences, occurrences with the article)"]
    for b in sorted(places):
        if bare[b] >= MIN_BARE and bare[b] >= BARE_SHARE * with_article[b]:
            lines.append(f"{b}  # {bare[b]} {with_article[b]}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, nargs="+", help="Arabic JSON-lines files (title, body)")
    which = ap.add_mutually_exclusive_group(required=True)
    which.add_argument("--adjectives", action="store_true")
    which.add_argument("--bare-names", action="store_true")
    args = ap.parse_args()
    print("\n".join(adjectives(args.corpus) if args.adjectives else bare_names(args.corpus)))


if __name__ == "__main__":
    main()
