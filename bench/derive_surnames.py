"""Derive index/data/surnames-fa.txt: Persian surnames that look like a word + relational ی.

    python bench/derive_surnames.py /tmp/corpus/news-fa.jsonl > index/data/surnames-fa.txt

The Persian stemmer takes the relational ی off a word whose base is a
lemma (ایرانی → ایران, موشکی → موشک); a surname made that way (سلیمانی,
رئیسی, ابراهیمی, حسینی) must stay itself.  The evidence is how the form is
used: a surname follows a given name or a title (قاسم سلیمانی, آقای رئیسی),
an adjective almost never does (محلی 2%, شهری 1%, هندی 9%).  Kept: forms
the stemmer would cut, seen at least MIN_COUNT times, that follow a given
name (pyarabic's ``nom`` list) or a title in at least SHARE of their
occurrences, or NAME_BASE_SHARE when the base itself is a given name
(کریم → کریمی), after at least MIN_NAMERS different ones.  Prints the list, one word a line, with its figures as a
comment.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import records  # noqa: E402

MIN_COUNT = 10
SHARE = 0.25
NAME_BASE_SHARE = 0.10
# Different given names or titles before it: one (سهل انگاری, شهر دهلی,
# شهید ... وطنی) is a phrase, not a family name.
MIN_NAMERS = 3
TITLES = "آقای خانم سید سیده سردار شهید دکتر مهندس حجت‌الاسلام آیت‌الله سرلشکر سرتیپ امیر قاسم"


def main() -> None:
    from kavosh.index.lexicon import given_names, persian_lexicon, persian_verb_forms
    from kavosh.index.normalize import normalize_token
    from kavosh.index.stemmers import PersianStemmer

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, nargs="+", help="Persian JSON-lines files, plain or .gz (title, body)")
    args = ap.parse_args()
    stemmer = PersianStemmer(lexicon=persian_lexicon(), verb_forms=persian_verb_forms())
    names = given_names()
    before = names | {normalize_token(t) for t in TITLES.split()}
    word = re.compile(r"[\u0600-\u06ff\u200c]+")
    seen, after_name, namers = Counter(), Counter(), {}
    for path in args.corpus:
        for doc in records(path):
            words = [normalize_token(w) for w in word.findall(f"{doc.get('title', '')} {doc.get('body', '')}")]
            for i, w in enumerate(words):
                if w.endswith("ی"):
                    seen[w] += 1
                    if i and words[i - 1] in before:
                        after_name[w] += 1
                        namers.setdefault(w, set()).add(words[i - 1])
    kept = []
    for w, count in seen.items():
        stem = stemmer.stem(w)
        if count < MIN_COUNT or stem == w or len(namers.get(w, ())) < MIN_NAMERS:
            continue
        if w == stem + "ای":
            continue  # ه + ای without its ZWNJ (خامنه‌ای): the stemmer already reads it whole
        share = after_name[w] / count
        if share >= SHARE or (share >= NAME_BASE_SHARE and w[:-1] in names):
            kept.append((w, count, share))
    print("# Persian surnames of the form word + ی (bench/derive_surnames.py; the figures:")
    print("# occurrences in the corpus, share after a given name or title)")
    for w, count, share in sorted(kept):
        print(f"{w}  # {count} {share:.2f}")


if __name__ == "__main__":
    main()
