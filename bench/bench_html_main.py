"""Which HTML main-text extractor Kavosh uses, measured on news pages around real articles.

    .venv/bin/python bench/bench_html_main.py [--articles 20] [--corpus DIR]

Takes N Persian and N Arabic articles of the archive at run time (nothing is
written to the repository) and wraps each in the three templates of
bench/news_page_templates.py (semantic HTML5, div soup, table layout) with a
menu, a ticker, "most read" and "related" titles of OTHER articles, share
buttons, a comment form and a footer.  Also short articles (one sentence) and
section pages (a list of headlines, no article), where an extractor that keeps
only "the article" can lose the page.

Per extractor and kind of page it prints:
  recall     share of the article's words found in the extracted text
  precision  share of the extracted words that are the article's (multiset)
  menu-leak  share of pages whose extracted text has a menu word the article lacks
             (the word that made a query for a menu item return every page)
  empty      share of pages where it returned (almost) nothing
  zwnj       share of the Persian articles' half-space words (ZWNJ) that come out whole
  pages/s    on this machine, at whatever its load is.
"kavosh" is what `kavosh index` reads (index/formats/html.py: main text, or the
whole visible text when the main text is too little).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402  (bench/corpus.py)
from news_page_templates import CHROME, TEMPLATES, section_page  # noqa: E402

from kavosh.index.formats.html import parse_html  # noqa: E402
from kavosh.index.formats.html_main import SENTENCE_WORDS, choose_body  # noqa: E402
from kavosh.index.html_text import VisibleText  # noqa: E402

_WORD = re.compile(r"[\w\u200c]+")
_FOLD = str.maketrans({"ي": "ی", "ك": "ک", "\u200c": "", "ى": "ی", "ـ": ""})


def words(text: str) -> list[str]:
    text = re.sub("[\u064b-\u065f\u0670]", "", (text or "").translate(_FOLD))
    return [w for w in _WORD.findall(text) if not w.isdigit()]


# --- extractors: html -> text -----------------------------------------------

def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.title + "\n" + parser.text()


def kavosh(html: str) -> str:
    doc = parse_html(html, SimpleNamespace(rel="page.html"))[0]
    return doc.title + "\n" + doc.body


def trafilatura_with(**options):
    import trafilatura

    def extract(html: str) -> str:
        return trafilatura.extract(html, include_comments=False, **options) or ""
    return extract


def justext_reader(html: str, lang: str) -> str:
    import justext
    stoplist = justext.get_stoplist("Persian" if lang == "fa" else "Arabic")
    return "\n".join(p.text for p in justext.justext(html.encode(), stoplist) if not p.is_boilerplate)


def readability_reader(html: str) -> str:
    from readability import Document as Readable
    return visible(Readable(html).summary(html_partial=True))


def extractors() -> dict:
    found = {"visible (today)": lambda html, lang: visible(html),
             "kavosh": lambda html, lang: kavosh(html)}
    try:
        import trafilatura  # noqa: F401
        for name, options in (("trafilatura", {}), ("trafilatura precision", {"favor_precision": True}),
                              ("trafilatura recall", {"favor_recall": True}),
                              ("trafilatura fast", {"fast": True})):
            reader = trafilatura_with(**options)
            found[name] = lambda html, lang, reader=reader: reader(html)
        found["justext"] = justext_reader
    except ImportError:
        print("trafilatura not installed: pip install trafilatura", file=sys.stderr)
    try:
        import readability  # noqa: F401
        found["readability-lxml"] = lambda html, lang: readability_reader(html)
    except ImportError:
        pass
    return found


# --- pages ------------------------------------------------------------------

def articles(path: Path, n: int, lo: int = 120, hi: int = 1500) -> list[dict]:
    """Every k-th record of 120-1500 words: spread over the archive's sources, the same each run."""
    chosen = []
    for i, line in enumerate(corpus.lines(path)):
        if i % 97:
            continue
        record = json.loads(line)
        if lo <= len(words(record["body"])) <= hi:
            chosen.append(record)
        if len(chosen) >= n + 20:
            break
    return chosen


def pages(where: Path, n: int) -> list[dict]:
    """(kind, lang, html, the content's text) for every page of the set."""
    made = []
    for lang in corpus.LANGUAGES:
        path = corpus.file_of(where, lang)
        if path is None:
            raise SystemExit(f"no news-{lang}.jsonl(.gz) in {where}: pass --corpus DIR")
        records = articles(path, n)
        main, spare = records[:n], records[n:]
        for i, record in enumerate(main):
            paragraphs = [p for p in record["body"].split("\n") if p.strip()]
            others = [r["title"] for r in records if r is not record][i % 5:][:18]
            for template, build in TEMPLATES.items():
                made.append({"kind": template, "lang": lang, "others": others,
                             "html": build(record["title"], paragraphs, others, lang),
                             "content": record["title"] + "\n" + record["body"]
                             + ("\n" + CHROME[lang]["caption"] if template == "semantic" else "")
                             + ("\n" + CHROME[lang]["byline"] if template != "table" else "")})
        for i, record in enumerate(spare[:4]):  # a one-sentence news item
            sentence = re.split(r"(?<=[.!؟])\s", record["body"].strip(), maxsplit=1)[0][:300]
            others = [r["title"] for r in main][i:][:18]
            template = ("semantic", "div-soup")[i % 2]
            made.append({"kind": "short", "lang": lang, "others": others,
                         "html": TEMPLATES[template](record["title"], [sentence], others, lang),
                         "content": record["title"] + "\n" + sentence
                         + ("\n" + CHROME[lang]["caption"] if template == "semantic" else "")
                         + "\n" + CHROME[lang]["byline"]})
        for i in range(2):  # a section page: 12 headlines with their leads
            items = [(r["title"], r["body"].split("\n")[0][:200]) for r in main[i * 8:][:12]]
            made.append({"kind": "section", "lang": lang, "others": [],
                         "html": section_page(items, lang),
                         "content": "\n".join(f"{t}\n{lead}" for t, lead in items)})
    return made


# --- measure ----------------------------------------------------------------

def zwnj_kept(extracted: str, page: dict) -> float | None:
    joined = {w for w in _WORD.findall(page["content"]) if "\u200c" in w.strip("\u200c")}
    return len(joined & set(_WORD.findall(extracted))) / len(joined) if joined else None


def score(extracted: str, page: dict) -> tuple[float, float, bool]:
    got, want = Counter(words(extracted)), Counter(words(page["content"]))
    common = sum((got & want).values())
    menu_only = {w for item in CHROME[page["lang"]]["menu"] for w in words(item)} - set(want)
    return (common / max(1, sum(want.values())), common / max(1, sum(got.values())),
            bool(menu_only & set(got)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=20, help="articles per language (default 20)")
    ap.add_argument("--corpus", type=Path, default=corpus.folder(),
                    help=corpus.FOLDER_HELP)
    args = ap.parse_args()
    logging.disable(logging.WARNING)  # trafilatura logs every page it finds too short
    made = pages(args.corpus, args.articles)
    kinds = list(dict.fromkeys(p["kind"] for p in made))
    print(f"{len(made)} pages: " + ", ".join(f"{k} {sum(p['kind'] == k for p in made)}" for k in kinds))
    print(f"{'extractor':24} {'pages':9} {'recall':>7} {'prec.':>7} {'leak':>6} {'empty':>6} {'zwnj':>6} {'pages/s':>8}")
    for name, extract in extractors().items():
        results, start = [], time.perf_counter()
        for page in made:
            results.append((page["kind"], extract(page["html"], page["lang"])))
        rate = len(made) / (time.perf_counter() - start)
        groups = [(k, [k]) for k in kinds] + [("articles", list(TEMPLATES))]
        for label, members in groups:
            scored = [score(text, page) + (len(words(text)) < 5,)
                      for page, (kind, text) in zip(made, results) if kind in members]
            recall, precision, leak, empty = (statistics.mean(s[j] for s in scored) for j in range(4))
            kept = [k for page, (kind, text) in zip(made, results)
                    if kind in members and (k := zwnj_kept(text, page)) is not None]
            zwnj = f"{statistics.mean(kept):6.2f}" if kept else f"{'-':>6}"
            speed = f"{rate:8.1f}" if label == "articles" else ""
            print(f"{name:24} {label:9} {recall:7.3f} {precision:7.3f} {leak:6.2f} {empty:6.2f} {zwnj} {speed}")
    fallbacks = Counter(page["kind"] for page in made if not choose_body(page["html"], visible(page["html"]))[1])
    print(f"kavosh indexed the whole visible text (no line of {SENTENCE_WORDS}+ words in the main text) of: " + ", ".join(f"{k} {fallbacks[k]}" for k in kinds))

if __name__ == "__main__":
    main()
