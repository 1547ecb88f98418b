#!/usr/bin/env python3
"""Throughput of Kavosh's analysis chain alone, per language, in MB/s.

    .venv/bin/python bench/bench_analysis.py [--limit N] [--runs 3] [--json]

Input: the news corpora (bench/corpus.py: /tmp/corpus or ../shared/corpora; each
article's title and body are analysed as two field values, as indexing does),
first N articles per language (default: all).  When a corpus is absent the
seeds in seeds/ are repeated instead, and the output says so.

Measured, for each language, over the same list of texts:

* regex floor: ``re.findall(r"\\w+", text)``, the least any tokenizer does;
* chain, cold: a fresh ``kavosh_analyzer()`` with every per-word cache cleared
  (its memo and the normalizer's and stemmers' lru_caches; the word lists
  stay loaded: their load time is reported once, separately), first pass;
* chain, warm: the same analyzer after that pass, memo filled.

The chain runs as a token stream (``positions=True, chars=True``, every
token consumed: what queries and highlighting run) and, in the "index"
columns, as `kavosh index` runs it for a title or body: the body field's
counted positions (index/term_counts.py), cold (a fresh chain) and warm.  Each figure is the median of ``--runs`` runs (default 3);
MB are megabytes (10**6) of the input's UTF-8 encoding.  Nothing is written.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import corpus  # noqa: E402  (bench/corpus.py)
from kavosh.index import normalize, stemmers  # noqa: E402
from kavosh.index.analysis import kavosh_analyzer  # noqa: E402
from kavosh.index.schema import build_schema  # noqa: E402
from kavosh.index.lexicon import persian_lexicon, stopwords  # noqa: E402

SEEDS = ROOT / "seeds"
LANGUAGES = ("fa", "ar")
GOAL_MB_S = 15.0  # issue 13: per core, cold and warm, both languages
WORD = re.compile(r"\w+")


def load_corpus(lang: str, limit: int | None) -> tuple[list[str], str]:
    """Texts (titles and bodies) of the first ``limit`` articles, and where they came from."""
    path = corpus.file_of(corpus.folder(), lang)
    if path is not None:
        texts, articles = [], 0
        for article in corpus.records(path, limit):
            texts.extend(v for v in (article.get("title"), article.get("body")) if v)
            articles += 1
        return texts, f"{path.name}, {articles} articles"
    return load_seeds(lang, limit)


def load_seeds(lang: str, limit: int | None) -> tuple[list[str], str]:
    """Fallback: the seeds of one language, repeated to about 4 MB (or ``limit`` copies)."""
    from kavosh.index.normalize import detect_language

    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    mine = [s for s in seeds if detect_language(s) == lang]
    if not mine:
        return [], "no seed in this language"
    size = sum(len(s.encode("utf-8")) for s in mine)
    copies = limit if limit is not None else max(1, 4_000_000 // size)
    return mine * copies, f"CORPUS ABSENT: {len(mine)} seed file(s) repeated {copies}x"


def clear_word_caches() -> None:
    normalize.normalize_token.cache_clear()
    stemmers.stem_persian.cache_clear()
    stemmers.stem_arabic.cache_clear()


def time_regex(texts: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    n = 0
    for text in texts:
        n += len(WORD.findall(text))
    return time.perf_counter() - start, n


def time_chain(analyzer, texts: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    n = 0
    for text in texts:
        for _ in analyzer(text, positions=True, chars=True):
            n += 1
    return time.perf_counter() - start, n


def time_index_path(field, texts: list[str]) -> tuple[float, int]:
    """What `kavosh index` runs for a title or body: the field's counted
    positions (index/term_counts.py), from the same chain's word cache."""
    start = time.perf_counter()
    n = 0
    for text in texts:
        n += len(field.format.word_values(text, field.analyzer, mode="index"))
    return time.perf_counter() - start, n


def measure(texts: list[str], runs: int) -> dict:
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    regex = [time_regex(texts) for _ in range(runs)]
    cold, warm, index_cold, index_warm = [], [], [], []
    for _ in range(runs):
        clear_word_caches()
        analyzer = kavosh_analyzer()
        cold.append(time_chain(analyzer, texts))
        warm.append(time_chain(analyzer, texts))
        clear_word_caches()
        body = build_schema()["body"]  # a fresh chain: an empty word cache
        index_cold.append(time_index_path(body, texts))
        index_warm.append(time_index_path(body, texts))
    regex_s = statistics.median(s for s, _ in regex)
    cold_s = statistics.median(s for s, _ in cold)
    warm_s = statistics.median(s for s, _ in warm)
    index_cold_s = statistics.median(s for s, _ in index_cold)
    index_warm_s = statistics.median(s for s, _ in index_warm)
    return {
        "index_cold_mb_s": round(megabytes / index_cold_s, 2),
        "index_warm_mb_s": round(megabytes / index_warm_s, 2),
        "texts": len(texts),
        "megabytes": round(megabytes, 3),
        "regex_words": regex[0][1],
        "chain_tokens": warm[0][1],
        "regex_mb_s": round(megabytes / regex_s, 2),
        "cold_mb_s": round(megabytes / cold_s, 2),
        "warm_mb_s": round(megabytes / warm_s, 2),
        "cold_vs_regex": round(regex_s / cold_s, 3),
        "warm_vs_regex": round(regex_s / warm_s, 3),
        "seconds": {
            "regex": [round(s, 3) for s, _ in regex],
            "cold": [round(s, 3) for s, _ in cold],
            "warm": [round(s, 3) for s, _ in warm],
        },
    }


def word_list_load_seconds() -> float:
    clear_word_caches()
    persian_lexicon.cache_clear()
    stopwords.cache_clear()
    start = time.perf_counter()
    persian_lexicon()
    stopwords()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="first N articles per language (default: all)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure, median reported (default: 3)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    args = parser.parse_args(argv)

    results = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "runs": args.runs,
        "goal_mb_s": GOAL_MB_S,
        "word_list_load_s": round(word_list_load_seconds(), 3),
        "languages": {},
    }
    for lang in LANGUAGES:
        texts, source = load_corpus(lang, args.limit)
        if not texts:
            results["languages"][lang] = {"source": source}
            continue
        if not args.json:
            print(f"[{lang}] {source}: {len(texts)} texts, measuring...", file=sys.stderr)
        results["languages"][lang] = {"source": source, **measure(texts, args.runs)}

    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0

    print(f"Kavosh analysis chain, Python {results['python']} ({results['machine']}), "
          f"median of {args.runs}; word lists load once in {results['word_list_load_s']} s")
    header = ("lang", "MB", "regex MB/s", "cold MB/s", "warm MB/s", "cold/regex", "warm/regex", "tokens",
              "index cold", "index warm")
    print("{:<5}{:>9}{:>12}{:>11}{:>11}{:>12}{:>12}{:>12}{:>12}{:>12}".format(*header))
    for lang, r in results["languages"].items():
        if "megabytes" not in r:
            print(f"{lang:<5} (nothing to measure: {r['source']})")
            continue
        print("{:<5}{:>9.1f}{:>12.1f}{:>11.1f}{:>11.1f}{:>12.2f}{:>12.2f}{:>12,}{:>12.1f}{:>12.1f}".format(
            lang, r["megabytes"], r["regex_mb_s"], r["cold_mb_s"], r["warm_mb_s"],
            r["cold_vs_regex"], r["warm_vs_regex"], r["chain_tokens"],
            r["index_cold_mb_s"], r["index_warm_mb_s"]))
    print("  cold/warm: the token stream (queries, highlighting); index cold/warm: what "
          "`kavosh index` runs for a title or body (counted positions, MB/s)")
    for lang, r in results["languages"].items():
        print(f"  {lang}: {r['source']}")
    for lang, r in results["languages"].items():
        if "megabytes" in r:
            verdict = "meets" if min(r["cold_mb_s"], r["warm_mb_s"]) >= GOAL_MB_S else "is below"
            print(f"  {lang}: the chain {verdict} the {GOAL_MB_S:g} MB/s goal "
                  f"(cold {r['cold_mb_s']:.1f}, warm {r['warm_mb_s']:.1f}; as indexing runs it "
                  f"{r['index_cold_mb_s']:.1f} / {r['index_warm_mb_s']:.1f}); one process, one core")
    print(f"  load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs (other work on the machine lowers every figure)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
