"""A judged name set: how well a newsroom's name queries are answered on the archive.

    python bench/name_eval.py --index /tmp/arch-main [--corpus /tmp/corpus] [--json]
                              [--save FILE] [--expect FILE] [--set bench/data/names.json]

Every query of ``bench/data/names.json`` (people, places, organisations,
acronyms, two-word names, noun/adjective pairs, Latin names) runs through
Kavosh's own search path as a user runs it — ``Engine.search`` in the default
all-words mode, near-duplicates collapsed, for the page of 100 a user sees, and
``Engine.rank`` (the same parse, expansion and scoring, uncollapsed) for every
hit — and so does its other-keyboard twin (ي/ی, ك/ک, ى, ة/ه typed the other way).

Relevance is a rule over the text, not over Kavosh's analysis: a document is
relevant when its title or body, tokenized and normalized with Kavosh's own
``normalize_token`` (so the rule does not care which keyboard either side was
typed on), contains one of the query's accepted spellings as whole words.  A
spelling is one or more token patterns separated by spaces, each a regular
expression that must match a whole normalized token; ``<P>`` stands for the
Arabic proclitics (و ف, then ب ل ک) and ``<A>`` for them with the article
(ال، بال، وال، لل…).  A spelling may be limited to documents of one language
(``{"re": …, "lang": "fa"}``) where the same letters are another word in the
other language (Arabic رئيسي "main" is Persian رئیسی "Raisi").  A query's
*confusions* are the spellings of the other words a careless analyzer brings in
(سلمان for سلیمانی, الرئيس for رئیسی); a hit is a confusion when its text has
one and none of the query's accepted spellings in any language.

Scores per typed query: hits, relevant documents in the corpus, P@10 and
P@100 over the page a user sees (relevant hits among the first k, divided by k
or by the number of relevant documents when there are fewer), recall over all
hits, confusions among the first 100, and whether the twin's hit list is the
same ids in the same order.  Means are per category and overall, beside the
targets of issue 21.

The relevance of every query is computed once per corpus and rule set and
cached in ``/tmp/kavosh-name-eval/`` (keyed by the corpus files' size and
modification time and the rules' hash), so a run after the first takes
seconds plus the searches.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import pickle
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NAME_SET = ROOT / "bench" / "data" / "names.json"
CORPUS_FILES = ("news-fa.jsonl", "news-ar.jsonl")
CACHE_DIR = Path("/tmp/kavosh-name-eval")
PAGE = 100  # the most hits one page shows (engine.MAX_LIMIT)
TARGETS = {"p10": 0.95, "p100": 0.90, "recall": 0.90, "twins_identical": 1.0, "confusions": 0}
MACROS = {
    "<P>": "(?:[وف]?[بلک]?)",
    "<A>": "(?:[وف]?(?:[بک]?ال|لل)?)",
}


# --- the judged set ---------------------------------------------------------


@dataclass(frozen=True)
class Spelling:
    """One accepted (or confusing) spelling: whole-token patterns, maybe one language only.

    ``not_after``: the word before it must not be this (الكرة الطائرة is volleyball, not an
    aircraft); ``with_word``: the document must also have a word like this somewhere (Persian
    ظریف is also the adjective "delicate": the minister's articles say وزیر or جواد).
    """

    tokens: tuple  # compiled regexes, one per word
    lang: str | None = None
    source: str = ""
    not_after: re.Pattern | None = None
    with_word: re.Pattern | None = None

    @property
    def key(self) -> tuple:
        return (self.source, self.lang, _pattern(self.not_after), _pattern(self.with_word))

    def in_tokens(self, tokens: list[str], starts: list[int]) -> bool:
        """Whether the words occur in sequence, starting at one of ``starts``."""
        n = len(self.tokens)
        for i in starts:
            if i + n <= len(tokens) and all(rx.fullmatch(tokens[i + j]) for j, rx in enumerate(self.tokens)) \
                    and not (self.not_after and i and self.not_after.fullmatch(tokens[i - 1])):
                return self.with_word is None or any(self.with_word.fullmatch(t) for t in set(tokens))
        return False


def _pattern(rx) -> str | None:
    return rx.pattern if rx is not None else None


def _expand(word: str) -> str:
    for macro, expansion in MACROS.items():
        word = word.replace(macro, expansion)
    return word


def spelling(entry) -> Spelling:
    """A spelling from the set's JSON: a string, or {"re", "lang", "not_after", "with"}."""
    entry = {"re": entry} if isinstance(entry, str) else entry
    extra = {name: re.compile(_expand(entry[field_name])) for name, field_name in
             (("not_after", "not_after"), ("with_word", "with")) if entry.get(field_name)}
    return Spelling(tuple(re.compile(_expand(word)) for word in entry["re"].split()),
                    entry.get("lang"), entry["re"], **extra)


@dataclass
class NameQuery:
    query: str
    category: str
    lang: str
    relevant: list
    confusions: list = field(default_factory=list)
    twin: str | None = None
    note: str = ""


def load_set(path: Path = NAME_SET) -> list[NameQuery]:
    """The queries of a name-set file; a twin must normalize as its query does."""
    from kavosh.index.normalize import normalize_token

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    queries = []
    for item in data["queries"]:
        q = NameQuery(query=item["query"], category=item["category"], lang=item["lang"],
                      relevant=[spelling(e) for e in item["relevant"]],
                      confusions=[spelling(e) for e in item.get("confusions", [])],
                      twin=item.get("twin"), note=item.get("note", ""))
        if q.twin is not None and [normalize_token(w) for w in q.twin.split()] != \
                [normalize_token(w) for w in q.query.split()]:
            raise SystemExit(f"name set: twin {q.twin!r} of {q.query!r} is not the same words "
                             "on the other keyboard")
        queries.append(q)
    return queries


def other_keyboard(text: str) -> str:
    """``text`` as typed on the other keyboard: Persian ی ک ↔ Arabic ي ك, final ه ↔ ة."""
    if any(c in text for c in "یک"):
        return text.replace("ی", "ي").replace("ک", "ك")
    swapped = text.replace("ي", "ی").replace("ك", "ک").replace("ى", "ی")
    return re.sub(r"ة\b", "ه", swapped)


# --- the corpus, normalized once --------------------------------------------


def corpus_paths(corpus: Path) -> list[Path]:
    paths = []
    for name in CORPUS_FILES:
        for candidate in (corpus / name, corpus / (name + ".gz")):
            if candidate.exists():
                paths.append(candidate)
                break
    if not paths:
        raise SystemExit(f"no {' or '.join(CORPUS_FILES)} (or .gz) in {corpus}: pass --corpus DIR")
    return paths


def _open(path: Path):
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8")


def corpus_key(paths: list[Path]) -> str:
    stamp = "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in paths)
    return hashlib.sha1(stamp.encode()).hexdigest()[:16]


def normalized_documents(paths: list[Path], cache_dir: Path = CACHE_DIR) -> list[tuple[str, str, list[str]]]:
    """(id, language, normalized tokens of title + body) of every record, cached per corpus."""
    cache = cache_dir / f"corpus-{corpus_key(paths)}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    docs = [(doc_id, lang, tokens_of(text)) for doc_id, lang, text in read_records(paths)]
    _write(cache, pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL))
    return docs


def read_records(paths: list[Path]):
    from kavosh.index.normalize import detect_language

    for path in paths:
        with _open(path) as fh:
            for line in fh:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                text = (record.get("title") or "") + "\n" + (record.get("body") or record.get("text") or "")
                yield str(record["id"]), record.get("lang") or detect_language(text), text


def tokens_of(text: str) -> list[str]:
    from kavosh.index.analysis import word_spans
    from kavosh.index.normalize import normalize_token

    return [t for t in (normalize_token(s) for s, _a, _b in word_spans(text)) if t]


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


# --- relevance --------------------------------------------------------------


@dataclass
class Judgement:
    relevant: set  # ids of the documents the query should find
    confusions: set  # ids with a confusion spelling and no accepted spelling in any language


def first_words(spellings: list[Spelling], docs) -> dict[str, set]:
    """Each spelling's possible first words in the corpus: one multi-line search of the
    vocabulary per spelling, not a regex match per word of every document."""
    vocabulary = "\n".join(sorted({t for _id, _lang, tokens in docs for t in tokens}))
    patterns = {s.source: s.tokens[0].pattern for s in spellings}
    return {source: {m.group(0) for m in re.finditer(f"^(?:{pattern})$", vocabulary, re.M)}
            for source, pattern in patterns.items()}


def judge(queries: list[NameQuery], docs) -> dict[str, Judgement]:
    """Each query's judgement over ``docs`` ((id, lang, tokens) triples)."""
    spellings = [s for q in queries for s in q.relevant + q.confusions]
    firsts = first_words(spellings, docs)
    needed = set().union(*firsts.values()) if firsts else set()
    judgements = {q.query: Judgement(set(), set()) for q in queries}
    for doc_id, lang, tokens in docs:
        present = needed.intersection(tokens)
        if not present:
            continue
        found = {}

        def has(s: Spelling) -> bool:
            if s.key not in found:
                hits = present & firsts[s.source]
                found[s.key] = bool(hits) and s.in_tokens(
                    tokens, [i for i, t in enumerate(tokens) if t in hits])
            return found[s.key]

        for q in queries:
            said = [s for s in q.relevant if has(s)]
            if any(s.lang in (None, lang) for s in said):
                judgements[q.query].relevant.add(doc_id)
            elif not said and any(has(s) for s in q.confusions):
                judgements[q.query].confusions.add(doc_id)
    return judgements


def judgements_for(queries: list[NameQuery], corpus: Path, set_path: Path,
                   cache_dir: Path = CACHE_DIR) -> dict[str, Judgement]:
    paths = corpus_paths(corpus)
    rules = hashlib.sha1(Path(set_path).read_bytes() + json.dumps(MACROS).encode()).hexdigest()[:12]
    cache = cache_dir / f"judged-{corpus_key(paths)}-{rules}.pkl"
    if cache.exists():  # plain sets, so the cache reads the same whichever module wrote it
        return {query: Judgement(*sets) for query, sets in pickle.loads(cache.read_bytes()).items()}
    judged = judge(queries, normalized_documents(paths, cache_dir))
    _write(cache, pickle.dumps({query: (j.relevant, j.confusions) for query, j in judged.items()}))
    return judged


def contexts(queries: list[NameQuery], docs, per_spelling: int = 5) -> list[str]:
    """Lines showing how often each spelling occurs and a few of its places (seeded sample):
    what a judge reads to check that a rule counts the right person, place or thing."""
    import random

    spellings = list({s.key: s for q in queries for s in q.relevant + q.confusions}.values())
    firsts = first_words(spellings, docs)
    found: dict[tuple, list] = {s.key: [] for s in spellings}
    for doc_id, lang, tokens in docs:
        for s in spellings:
            if s.lang not in (None, lang) or firsts[s.source].isdisjoint(tokens):
                continue
            at = next((i for i, t in enumerate(tokens)
                       if t in firsts[s.source] and s.in_tokens(tokens, [i])), None)
            if at is not None:
                found[s.key].append((doc_id, lang, " ".join(tokens[max(0, at - 7):at + 8])))
    lines = []
    for q in queries:
        lines.append(f"## {q.query}  [{q.category}]  {q.note}")
        for kind, group in (("relevant", q.relevant), ("confusion", q.confusions)):
            for s in group:
                places = found[s.key]
                by_lang = {lang: sum(1 for p in places if p[1] == lang) for lang in sorted({p[1] for p in places})}
                conditions = "".join(f" {name} {value}" for name, value in
                                     (("not after", _pattern(s.not_after)), ("with", _pattern(s.with_word))) if value)
                lines.append(f"  {kind} {s.source} {s.lang or ''}{conditions}: {len(places)} documents {by_lang}")
                for doc_id, _lang, text in random.Random(21).sample(places, min(per_spelling, len(places))):
                    lines.append(f"      {doc_id}  {text}")
    return lines


# --- scoring ----------------------------------------------------------------


def precision_at(ids: list[str], relevant: set, k: int) -> float:
    """Relevant among the first k, over k (or over the relevant count when it is smaller)."""
    cap = min(k, len(relevant))
    if cap == 0:
        return 1.0 if not ids else 0.0
    return sum(1 for i in ids[:k] if i in relevant) / cap


def run_query(engine, text: str) -> tuple[list[str], list[str]]:
    """(the page of 100 a user sees, every hit in rank order) for ``text``, default options."""
    page = [hit.id for hit in engine.search(text, limit=PAGE).hits]
    everything = [doc_id for doc_id, _score in engine.rank(text, mode="all", limit=engine_size(engine))]
    return page, everything


def engine_size(engine) -> int:
    with engine.searching() as searcher:
        return max(searcher.doc_count_all(), 1)


def score_query(q: NameQuery, text: str, judged: Judgement, page, everything, twin_list=None) -> dict:
    relevant = judged.relevant
    row = {
        "query": text, "base": q.query, "category": q.category, "lang": q.lang,
        "hits": len(everything), "relevant": len(relevant),
        "p10": precision_at(page, relevant, 10), "p100": precision_at(page, relevant, 100),
        "recall": (len(relevant.intersection(everything)) / len(relevant)) if relevant else 1.0,
        "confusions": sum(1 for i in page[:PAGE] if i in judged.confusions),
        "confused_ids": [i for i in page[:PAGE] if i in judged.confusions][:5],
    }
    if twin_list is not None:
        row["twin_identical"] = twin_list == (page, everything)
    return row


def evaluate(engine, queries: list[NameQuery], judged: dict[str, Judgement]) -> list[dict]:
    rows = []
    for q in queries:
        base = run_query(engine, q.query)
        twin = run_query(engine, q.twin) if q.twin else None
        rows.append(score_query(q, q.query, judged[q.query], *base,
                                twin_list=twin))
        if twin is not None:
            rows.append(score_query(q, q.twin, judged[q.query], *twin, twin_list=base))
    return rows


def summary(rows: list[dict]) -> dict:
    def means(group):
        twins = [r["twin_identical"] for r in group if "twin_identical" in r]
        return {"queries": len(group),
                "p10": _mean(r["p10"] for r in group), "p100": _mean(r["p100"] for r in group),
                "recall": _mean(r["recall"] for r in group),
                "confusions": sum(r["confusions"] for r in group),
                "twins_identical": _mean(twins) if twins else None}

    categories = sorted({r["category"] for r in rows})
    return {"all": means(rows), **{c: means([r for r in rows if r["category"] == c]) for c in categories}}


def _mean(values) -> float:
    values = list(values)
    return round(sum(values) / len(values), 4) if values else 0.0


# --- output -----------------------------------------------------------------


def table(rows: list[dict], means: dict) -> str:
    lines = [f"{'query':<28} {'cat':<9} {'hits':>6} {'rel':>5} {'P@10':>5} {'P@100':>5} "
             f"{'recall':>6} {'conf':>4} twin"]
    for r in rows:
        twin = "" if "twin_identical" not in r else ("same" if r["twin_identical"] else "DIFF")
        lines.append(f"{r['query'][:28]:<28} {r['category']:<9} {r['hits']:>6} {r['relevant']:>5} "
                     f"{r['p10']:>5.2f} {r['p100']:>5.2f} {r['recall']:>6.2f} {r['confusions']:>4} {twin}")
    lines.append("")
    lines.append(f"{'means':<28} {'queries':>7} {'P@10':>5} {'P@100':>5} {'recall':>6} {'conf':>5} twins")
    for name, m in means.items():
        twins = "-" if m["twins_identical"] is None else f"{m['twins_identical']:.2f}"
        lines.append(f"{name:<28} {m['queries']:>7} {m['p10']:>5.3f} {m['p100']:>5.3f} "
                     f"{m['recall']:>6.3f} {m['confusions']:>5} {twins}")
    t = TARGETS
    lines.append(f"{'targets (issue 21)':<28} {'':>7} {t['p10']:>5.2f} {t['p100']:>5.2f} "
                 f"{t['recall']:>6.2f} {t['confusions']:>5} {t['twins_identical']:.2f}")
    return "\n".join(lines)


def compare(rows: list[dict], expected: list[dict]) -> list[str]:
    """One line per typed query whose scores moved against a saved run."""
    before = {r["query"]: r for r in expected}
    changes = []
    for r in rows:
        old = before.get(r["query"])
        if old is None:
            changes.append(f"{r['query']}: new query")
            continue
        moved = [f"{k} {old[k]:.3f}→{r[k]:.3f}" for k in ("p10", "p100", "recall") if abs(old[k] - r[k]) > 1e-9]
        moved += [f"{k} {old[k]}→{r[k]}" for k in ("hits", "relevant", "confusions", "twin_identical")
                  if k in r and old.get(k) != r[k]]
        if moved:
            changes.append(f"{r['query']}: " + ", ".join(moved))
    return changes


def default_corpus() -> Path:
    tmp = Path("/tmp/corpus")
    return tmp if tmp.is_dir() else ROOT.parent / "shared" / "corpora"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="a Kavosh index of the archive")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="folder with news-fa.jsonl and news-ar.jsonl (or .gz); "
                             "default /tmp/corpus, else ../shared/corpora")
    parser.add_argument("--set", dest="set_path", type=Path, default=NAME_SET, help="the judged name set")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--save", type=Path, help="write this run's rows and means (JSON)")
    parser.add_argument("--expect", type=Path, help="compare with a run saved by --save")
    parser.add_argument("--contexts", type=int, metavar="N",
                        help="print N sample places of every spelling of the set (to check its rules) and stop")
    parser.add_argument("--cache", type=Path, default=CACHE_DIR,
                        help=f"where the normalized corpus and judgements are kept (default {CACHE_DIR})")
    args = parser.parse_args(argv)

    from kavosh.engine import Engine

    queries = load_set(args.set_path)
    if args.contexts:
        docs = normalized_documents(corpus_paths(args.corpus or default_corpus()), args.cache)
        print("\n".join(contexts(queries, docs, args.contexts)))
        return 0
    started = time.perf_counter()
    if args.index is None:
        parser.error("--index DIR is required (a Kavosh index of the archive)")
    judged = judgements_for(queries, args.corpus or default_corpus(), args.set_path, args.cache)
    judging = time.perf_counter() - started
    with Engine(args.index) as engine:
        rows = evaluate(engine, queries, judged)
    means = summary(rows)
    result = {"index": str(args.index), "rows": rows, "means": means, "targets": TARGETS,
              "seconds": {"judging": round(judging, 1), "total": round(time.perf_counter() - started, 1)}}
    if args.save:
        args.save.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(table(rows, means))
        print(f"\n{len(queries)} queries, {len(rows)} typed (with twins); "
              f"judging {judging:.1f} s, total {result['seconds']['total']:.1f} s")
    if args.expect:
        expected = json.loads(args.expect.read_text(encoding="utf-8"))["rows"]
        changes = compare(rows, expected)
        print(f"\nagainst {args.expect}: {len(changes)} typed queries moved", file=sys.stderr)
        for line in changes:
            print("  " + line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
