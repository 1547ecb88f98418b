"""Experiments on the analysis chain and ranking, measured with bench/eval.py.

Nothing is patched: every experiment is an argument of the code as shipped.
Query-time settings are a whoosh weighting model and ``QueryParser`` options
(``Engine(parser_options=…)``: query-only stop words, the other language's
stem weight, analysing words in the question's language).  Index-time
variants (the ``v_*`` functions) return ``build_schema`` options
(``kavosh_analyzer``'s stemmers, stop lists, compounds, seats, unstemmed
terms; the title boost) and get their own cached index; the chain is pickled
into that index, and the engine parses queries and marks matches with it, so
the same options reach query time.

    # query-time settings on the normal index (BM25 b/k1, title weight, idf, stop words...)
    python bench/eval_experiments.py query --sets ../shared/eval/arcd ../shared/eval/parsinlu_rc \\
        [--distractors ../shared/corpora/news-ar.jsonl.gz ../shared/corpora/news-fa.jsonl.gz]
    # an index-time variant (own index), measured with default and with given query settings
    python bench/eval_experiments.py index --variant fa_snowball --sets ... [--distractors ...]
    python bench/eval_experiments.py variants        # list them

Each prints one JSON line per (set, configuration) and appends it to --out.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from whoosh.scoring import BM25F, WeightLengthScorer, WeightScorer, bm25  # noqa: E402

from bench import eval as ev  # noqa: E402
from kavosh.engine import BM25_B, BM25_K1  # noqa: E402

# --- query-time settings -----------------------------------------------------------

# Question words and interrogative fillers (normalized forms: ی ک ه, bare alef).
# Arabic: the ones the shipped list lacks (it already drops ما ماذا متى أين كم هل
# لماذا من هو هي), with attached prepositions, plus words that only ask.
QUESTION_WORDS_AR = (
    "بماذا لماذا ماذا ماهو ماهی مالذی ما الذی کیف متی این این کم بکم لکم ای وای ایه هل اذا "
    "ما من منذ الذی التی الذین تم یتم هو هی ال"
)
# Persian: question words and the copula/auxiliaries questions end with.
QUESTION_WORDS_FA = (
    "چه چی چیست چیه کیست کی کجا کجاست کجای کدام کدامیک کدوم چرا چگونه چطور چطوری چند چندم "
    "چقدر آیا است هست هستند بود بودند شد شود میشود می شده کرد کند میکند میکنند دارد دارند "
    "ها های چیزی چیزهایی کسی کسانی کسانیکه"
)


def question_words() -> frozenset[str]:
    from kavosh.index.normalize import normalize_token

    words = set()
    for w in (QUESTION_WORDS_AR + " " + QUESTION_WORDS_FA).split():
        words.add(normalize_token(w))
    return frozenset(words)


@dataclass(frozen=True)
class QuerySettings:
    b: float = BM25_B  # the engine's, so the base settings are the shipped ones
    k1: float = BM25_K1
    title: float = 1.0  # multiplier on title-field scores (on top of the index-time TITLE_BOOST)
    body_b: float | None = None  # a separate b for the body field
    idf: str = "whoosh"  # 'whoosh': log(N/(df+1))+1; 'lucene': log(1+(N-df+.5)/(df+.5))
    qstop: bool = False  # drop question words from ranked queries
    qlang: str = "both"  # 'both' stems (shipped); 'strict': the query's language only; 'soft:W'

    def label(self) -> str:
        parts = [f"b={self.b}", f"k1={self.k1}"]
        if self.body_b is not None:
            parts.append(f"body_b={self.body_b}")
        if self.title != 1.0:
            parts.append(f"title×{self.title}")
        if self.idf != "whoosh":
            parts.append(f"idf={self.idf}")
        if self.qstop:
            parts.append("qstop")
        if self.qlang != "both":
            parts.append(f"qlang={self.qlang}")
        return " ".join(parts)


class TunedBM25F(BM25F):
    """whoosh's BM25F with a per-field score multiplier and a choice of idf."""

    def __init__(self, B=0.75, K1=1.2, field_weights=None, idf="whoosh", **kwargs):
        super().__init__(B=B, K1=K1, **kwargs)
        self.field_weights = dict(field_weights or {})
        self.idf_kind = idf

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return WeightScorer.for_(searcher, fieldname, text)
        B = self._field_B.get(fieldname, self.B)
        return _TunedScorer(searcher, fieldname, text, B, self.K1,
                            self.field_weights.get(fieldname, 1.0), self.idf_kind)


class _TunedScorer(WeightLengthScorer):
    def __init__(self, searcher, fieldname, text, B, K1, mult, idf_kind):
        parent = searcher.get_parent()
        n = parent.doc_count_all()
        df = parent.doc_frequency(fieldname, text)
        if idf_kind == "lucene":
            self.idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        else:
            self.idf = math.log(n / (df + 1)) + 1
        self.avgfl = parent.avg_field_length(fieldname) or 1
        self.B, self.K1, self.mult = B, K1, mult
        self.setup(searcher, fieldname, text)

    def _score(self, weight, length):
        return self.mult * bm25(self.idf, weight, length, self.avgfl, self.B, self.K1)


def weighting_for(s: QuerySettings):
    kw = {"body_B": s.body_b} if s.body_b is not None else {}
    return TunedBM25F(B=s.b, K1=s.k1, field_weights={"title": s.title}, idf=s.idf, **kw)


def parser_options_for(s: QuerySettings, index_options: dict | None = None) -> dict | None:
    """``QueryParser`` keywords for these settings (None: the engine's defaults).

    ``index_options`` are the index's own chain options: query-time stop words
    are added to that chain, never to another one.
    """
    options: dict = {}
    if s.qstop:
        from kavosh.index.analysis import kavosh_analyzer

        chain = dict(index_options or {})
        chain.pop("title_boost", None)
        chain["extra_stopwords"] = tuple(chain.get("extra_stopwords", ())) + tuple(question_words())
        options["analyzer"] = kavosh_analyzer(**chain)
    if s.qlang == "strict":
        options["in_query_language"] = True
    elif s.qlang.startswith("soft:"):
        options["other_language_weight"] = float(s.qlang.split(":", 1)[1])
    return options or None


def run_query_settings(js, distractors, workdir, s: QuerySettings, label, variant=None):
    ix = ev.kavosh_index(js.docs, distractors, workdir, variant)
    qids = js.judged_qids
    queries = {q: js.queries[q] for q in qids}
    run, _errors = ev.run_kavosh(ix, queries, weighting=weighting_for(s),
                                 parser_options=parser_options_for(s, variant and variant.options))
    metrics = ev.evaluate(run, js.qrels, qids)
    return metrics, run


# --- index-time variants: build_schema's options ---------------------------------------


def v_fa_none() -> dict:
    """Persian words unstemmed."""
    from kavosh.index.stemmers import no_stem

    return {"stemmers": {"fa": no_stem}}


def v_fa_snowball() -> dict:
    """Snowball Persian instead of the lexicon-guarded stemmer (needs PyStemmer)."""
    from bench.stemmer_variants import Snowball

    return {"stemmers": {"fa": Snowball("persian")}}


def v_ar_none() -> dict:
    """Arabic words unstemmed."""
    from kavosh.index.stemmers import no_stem

    return {"stemmers": {"ar": no_stem}}


def v_ar_snowball() -> dict:
    """Snowball Arabic instead of light10 (needs PyStemmer)."""
    from bench.stemmer_variants import Snowball

    return {"stemmers": {"ar": Snowball("arabic")}}


def v_ar_snowball_waw() -> dict:
    """Snowball Arabic, the conjunction و/ف taken off وال/فال first (needs PyStemmer)."""
    from bench.stemmer_variants import Snowball

    return {"stemmers": {"ar": Snowball("arabic", strip_waw=True)}}


def v_unstemmed() -> dict:
    """The normalized unstemmed word indexed (and queried) beside its stem(s)."""
    return {"keep_unstemmed": True}


def v_no_compounds() -> dict:
    """ZWNJ-joined words without their parts (the shipped chain indexes the parts)."""
    return {"compounds": False}


def v_no_seats() -> dict:
    """No hamza-seat terms (مسئول and مسؤول stay apart)."""
    return {"seats": False}


def v_qwords_stop() -> dict:
    """Question words in the stop list at index and query time."""
    return {"extra_stopwords": tuple(question_words())}


# Persian function words only: hazm's 389-word list also drops content words a
# question needs (باعث، علت، سبب، رشد، تغییر، خطر، بزرگ، کوچک، مهم، جدید، سال‌های).
FA_CORE_STOP = (
    "و در به از که این را با است برای آن یک خود تا بر هم نیز وی ما اما یا هر آنها او "
    "شد شود شده شدن شوند میشود میشوند باشد باشند بود بودند بوده هست هستند نیست نیستند "
    "می نمی چه چرا آیا کدام چگونه چطور کجا کیست چیست اگر پس همه من تو شما ایشان آنان ولی "
    "حتی چون زیرا بلکه لذا یعنی همین همان چنین اینکه آنکه آنچه کند کنند کرد کردند کردن "
    "کرده دارد دارند داشت داشته ای ها های هایی رو"
)


def _arabic_stopwords() -> frozenset[str]:
    import kavosh.index as index_package
    from kavosh.index.normalize import normalize_token

    path = Path(index_package.__file__).with_name("data") / "stopwords-ar.txt"
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(normalize_token(line))
    words.discard("")
    return frozenset(words)


def v_stop_core() -> dict:
    """Stop list: the Arabic list plus core Persian function words (not hazm's 389)."""
    from kavosh.index.normalize import normalize_token

    return {"stoplist": _arabic_stopwords() | {normalize_token(w) for w in FA_CORE_STOP.split()}}


def v_stop_core_q() -> dict:
    """stop_core plus the question words, at index and query time."""
    return {"stoplist": v_stop_core()["stoplist"] | question_words()}


def v_title_boost(value):
    def options() -> dict:
        return {"title_boost": value}
    options.__doc__ = f"Title field boost {value} (shipped: index.schema.TITLE_BOOST)."
    return options


VARIANTS = {
    "fa_none": v_fa_none,
    "fa_snowball": v_fa_snowball,
    "ar_none": v_ar_none,
    "ar_snowball": v_ar_snowball,
    "ar_snowball_waw": v_ar_snowball_waw,
    "unstemmed": v_unstemmed,
    "no_compounds": v_no_compounds,
    "no_seats": v_no_seats,
    "qwords_stop": v_qwords_stop,
    "stop_core": v_stop_core,
    "stop_core_q": v_stop_core_q,
    "title05": v_title_boost(0.5),
    "title1": v_title_boost(1.0),
    "title3": v_title_boost(3.0),
}


def apply_variants(names: list[str]) -> ev.Variant | None:
    """One index variant from the named ones: their build_schema options merged."""
    if not names:
        return None
    from kavosh.index.stemmers import STEMMERS

    options: dict = {}
    stemmers: dict = {}  # a v_* names only the language(s) it changes
    for n in names:
        for key, value in VARIANTS[n]().items():
            if key == "stemmers":
                stemmers.update(value)
            else:
                options[key] = value
    if stemmers:
        options["stemmers"] = {**STEMMERS, **stemmers}
    return ev.Variant(name="+".join(names), salt="exp2", options=options)


# --- driver ---------------------------------------------------------------------------


def query_grid(kind: str) -> list[QuerySettings]:
    base = QuerySettings()
    if kind == "bm25":
        return [replace(base, b=b, k1=k1) for b in (0.3, 0.45, 0.6, 0.75, 0.9) for k1 in (0.9, 1.2, 1.6)]
    if kind == "title":
        return [replace(base, title=t) for t in (0.0, 0.25, 0.5, 1.0, 1.5)]
    if kind == "misc":
        return [base, replace(base, idf="lucene"), replace(base, qstop=True),
                replace(base, qlang="strict"), replace(base, qlang="soft:0.3")]
    raise SystemExit(f"unknown grid {kind}")


def parse_settings(spec: str) -> QuerySettings:
    """'b=0.5,k1=1.2,title=0.5,idf=lucene,qstop=1,qlang=strict' → QuerySettings."""
    s = QuerySettings()
    if not spec:
        return s
    kw = {}
    for part in spec.split(","):
        k, _, v = part.partition("=")
        k = k.strip()
        if k in ("b", "k1", "title", "body_b"):
            kw[k] = float(v)
        elif k == "qstop":
            kw[k] = v not in ("0", "false", "")
        else:
            kw[k] = v
    return replace(s, **kw)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["query", "index", "plain", "variants"])
    ap.add_argument("--sets", nargs="*", default=[])
    ap.add_argument("--distractors", nargs="*", default=[])
    ap.add_argument("--workdir", default=str(ev.DEFAULT_WORKDIR))
    ap.add_argument("--grid", nargs="*", default=["misc", "bm25", "title"],
                    help="query-time grids: misc bm25 title")
    ap.add_argument("--settings", nargs="*", default=[],
                    help="explicit query settings, e.g. b=0.5,k1=1.2,qstop=1 (instead of --grid)")
    ap.add_argument("--variant", nargs="*", default=[], help="index-time variants, combined")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--qsample", type=int, default=0,
                    help="measure a deterministic sample of N questions on the FULL set and distractors")
    ap.add_argument("--out", default="/tmp/kavosh-eval/experiments.jsonl")
    args = ap.parse_args(argv)
    if args.what == "variants":
        for name, fn in VARIANTS.items():
            print(f"{name:18} {(fn.__doc__ or '').strip().splitlines()[0] if fn.__doc__ else ''}")
        return 0
    variant = apply_variants(args.variant)
    workdir = Path(args.workdir)
    if args.settings:
        settings = [parse_settings(x) for x in args.settings]
    elif args.what == "index":
        settings = [QuerySettings()]
    else:
        settings = [s for g in args.grid for s in query_grid(g)]
        settings = list(dict.fromkeys(settings))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    out = open(args.out, "a", encoding="utf-8")
    for set_dir in args.sets:
        ns = argparse.Namespace(set=set_dir, docs=None, queries=None, qrels=None, name=None,
                                sample=args.sample, sample_distractors=ev.SAMPLE_DISTRACTORS,
                                distractors=args.distractors)
        js, distractors, label = ev.prepare_inputs(ns, workdir)
        if args.qsample:
            keep = set(ev.stable_order(js.judged_qids)[:args.qsample])
            js = ev.JudgedSet(js.docs, {q: t for q, t in js.queries.items() if q in keep}, js.qrels)
            label += f"-q{args.qsample}"
        for s in settings:
            t0 = time.perf_counter()
            if args.what == "plain":  # the plain column with these BM25/title settings
                from bench import plain_baseline

                pix = plain_baseline.plain_index(js.docs, distractors, workdir)
                qids = js.judged_qids
                run = plain_baseline.run_plain(pix, {q: js.queries[q] for q in qids},
                                               weighting=weighting_for(s))
                metrics = ev.evaluate(run, js.qrels, qids)
            else:
                metrics, _run = run_query_settings(js, distractors, workdir, s, label, variant)
            name = "plain" if args.what == "plain" else (variant.name if variant else "shipped")
            rec = {"set": label, "variant": name,
                   "settings": s.label(), **metrics, "seconds": round(time.perf_counter() - t0, 1),
                   "raw": asdict(s)}
            line = json.dumps(rec, ensure_ascii=False)
            print(line, flush=True)
            out.write(line + "\n")
            out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
