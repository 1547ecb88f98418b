"""Experiments on the analysis chain and ranking, measured with bench/eval.py.

Nothing in index/ or search/ is edited.  Query-time variants change only the
weighting model, the query parser's analyzer (built from the chain's own
options: ``KavoshStopFilter(extra=…)``, a tokenizer whose ``language()`` is the
question's) or the parsed query.  Index-time variants (the ``v_*`` functions)
still replace the chain's module globals in this process (the stemmers, the
stem filter's ``_stems_for``, the stop list) before the index is built and
searched, and get their own cached index: an index's analyzer is pickled in
its schema, which the indexing code builds without options (passing
``kavosh_analyzer(**options)`` through ``index.schema.build_schema`` is still to do).

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

from whoosh import query as Q  # noqa: E402
from whoosh.scoring import BM25F, WeightLengthScorer, WeightScorer, bm25  # noqa: E402

from bench import eval as ev  # noqa: E402

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
    b: float = 0.75
    k1: float = 1.2
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


from kavosh.index.normalize import query_language  # noqa: E402  (the engine's own rule)


def _make_prepare(s: QuerySettings):
    """Changes to the engine's ranked-mode parser for these settings (None: none)."""
    if not s.qstop and s.qlang == "both":
        return None, None
    from kavosh.index import analysis as A

    extra = question_words() if s.qstop else frozenset()

    weight = None
    if s.qlang.startswith("soft:"):
        weight = float(s.qlang.split(":", 1)[1])

    class QLangAnalyzer(A.MemoizingAnalyzer):
        """Query analysis in the question's language when its letters tell it.

        The parser analyses one typed word at a time, so the language is taken
        from the whole question (set by the wrapped ``parse`` below); the
        tokenizer reads it from here instead of detecting it."""

        current_lang = None

        def __call__(self, value, mode="", **kw):
            lang = self.current_lang
            if mode == "query" and s.qlang == "strict" and lang:
                # analyse as a text of that language: one stem per word, like the index
                yield from super().__call__(value, mode=f"query-{lang}", **kw)
                return
            yield from super().__call__(value, mode=mode, **kw)

    class FixedLanguageTokenizer(A.KavoshTokenizer):
        """A tokenizer whose text language is the question's (an option, not a patch)."""

        analyzer = None

        def language(self, value):
            return self.analyzer.current_lang or super().language(value)

    def prepare(engine):
        # the engine keeps one parser per mode (and, with cross-script variants, per
        # variants on/off): patch every ranked-mode one
        for key, parser in engine._parsers.items():
            if (key[0] if isinstance(key, tuple) else key) != "any":
                continue
            tokenizer = FixedLanguageTokenizer()
            # the chain's own options: extra stop words for the question words
            analyzer = QLangAnalyzer(tokenizer, A.NormalizeFilter(),
                                     A.KavoshStopFilter(extra=extra), A.LanguageStemFilter())
            tokenizer.analyzer = analyzer
            parser.analyzer = analyzer

            def parse_in_language(text, _parse=parser.parse, _an=analyzer):
                _an.current_lang = query_language(text)
                return _parse(text)

            parser.parse = parse_in_language

    transform = None
    if weight is not None:
        def transform(query, text):
            lang = query_language(text)
            if not lang:
                return query
            other = "ar" if lang == "fa" else "fa"
            own, alien = set(), set()
            from kavosh.index.normalize import normalize_token

            for surface, _s, _e in A.word_spans(text):
                norm = normalize_token(surface)
                if not norm or norm.isascii():
                    continue
                own.add(A.STEMMERS[lang](norm))
                alien.add(A.STEMMERS[other](norm))
            alien -= own

            def fix(q):
                if isinstance(q, Q.Term) and q.text in alien:
                    return q.with_boost(q.boost * weight)
                return q
            return query.accept(fix)
    return prepare, transform


def run_query_settings(js, distractors, workdir, s: QuerySettings, label, variant=None):
    prepare, transform = _make_prepare(s)
    ix = ev.kavosh_index(js.docs, distractors, workdir, variant)
    qids = js.judged_qids
    queries = {q: js.queries[q] for q in qids}
    from kavosh.engine import Engine

    engine = Engine(ix, weighting=weighting_for(s))
    if prepare:
        prepare(engine)
    searcher = ev.Searcher(engine)
    run = {}
    try:
        for qid, text in queries.items():
            if transform is not None:
                searcher.transform = lambda q, _text=text: transform(q, _text)
            run[qid] = searcher.search(qid, text)
    finally:
        engine.close()
    metrics = ev.evaluate(run, js.qrels, qids)
    return metrics, run


# --- index-time variants --------------------------------------------------------------


def _snowball(lang):
    import Stemmer

    return Stemmer.Stemmer(lang)


_STRIP_FOR_SNOWBALL = None


def _surface_clean(surface: str) -> str:
    """The surface without marks, tatweel and joiners, but with its own letters (ك ي ة)."""
    global _STRIP_FOR_SNOWBALL
    if _STRIP_FOR_SNOWBALL is None:
        from kavosh.index.normalize import FORMAT_CHARS, MARKS

        _STRIP_FOR_SNOWBALL = {ord(c): None for c in FORMAT_CHARS + MARKS + "\u0640"}
    return surface.translate(_STRIP_FOR_SNOWBALL)


def _patch_stems_for(make_stems):
    """Replace index.analysis._stems_for by ``make_stems(orig, text, surface, lang)``."""
    from kavosh.index import analysis as A

    orig = A._stems_for

    def patched(text, surface, lang):
        return make_stems(orig, text, surface, lang)

    A._stems_for = patched


def v_fa_none():
    from kavosh.index import analysis as A

    A.STEMMERS["fa"] = lambda w: w


def v_fa_snowball():
    from functools import lru_cache

    from kavosh.index import analysis as A
    from kavosh.index.normalize import normalize_token

    st = _snowball("persian")
    A.STEMMERS["fa"] = lru_cache(maxsize=262144)(lambda w: normalize_token(st.stemWord(w)) or w)


def v_fa_lemma_only():
    """Persian: plural ها/های only (the lexicon-guarded suffixes off)."""
    from kavosh.index import stemmers as S

    S.PERSIAN_GUARDED = ()
    S.stem_persian.cache_clear()


def v_ar_none():
    from kavosh.index import analysis as A

    A.STEMMERS["ar"] = lambda w: w


def _ar_snowball_stems(strip_waw: bool):
    from functools import lru_cache

    from kavosh.index import analysis as A
    from kavosh.index.normalize import normalize_token

    st = _snowball("arabic")

    @lru_cache(maxsize=262144)
    def stem_surface(clean: str) -> str:
        if strip_waw and len(clean) >= 6 and clean[:3] in ("وال", "فال"):
            clean = clean[1:]
        return normalize_token(st.stemWord(clean)) or normalize_token(clean)

    def make(orig, text, surface, lang):
        out = orig(text, surface, lang)
        if text.isascii():
            return out
        if lang in ("mixed", "other"):
            from kavosh.index.normalize import token_language

            lang = token_language(surface) or "query"
        if lang == "ar":
            return (stem_surface(_surface_clean(surface)),)
        if lang == "query":
            fa = A.STEMMERS["fa"](text)
            ar = stem_surface(_surface_clean(surface))
            return (fa,) if fa == ar else (fa, ar)
        return out

    _patch_stems_for(make)


def v_ar_snowball():
    _ar_snowball_stems(False)


def v_ar_snowball_waw():
    _ar_snowball_stems(True)


def v_unstemmed():
    """Index (and query) the normalized unstemmed form beside the stem(s)."""

    def make(orig, text, surface, lang):
        out = orig(text, surface, lang)
        return out if text in out else out + (text,)

    _patch_stems_for(make)


def v_zwnj_split():
    """A word joined by ZWNJ also yields its parts (stemmed, stop words skipped), same position."""
    from kavosh.index import analysis as A
    from kavosh.index.normalize import normalize_token

    def make(orig, text, surface, lang):
        out = orig(text, surface, lang)
        if "\u200c" not in surface:
            return out
        extra = list(out)
        for part in surface.split("\u200c"):
            norm = normalize_token(part)
            if len(norm) < 2 or norm in A.stopwords():
                continue
            for stem in orig(norm, part, lang):
                if stem not in extra:
                    extra.append(stem)
        return tuple(extra)

    _patch_stems_for(make)


def v_qwords_stop():
    """Question words in the stop list at index and query time."""
    from kavosh.index import analysis as A

    base = A.stopwords
    words = question_words()
    A.stopwords = lambda: base() | words


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
    import index
    from kavosh.index.normalize import normalize_token

    path = Path(index.__file__).with_name("data") / "stopwords-ar.txt"
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(normalize_token(line))
    words.discard("")
    return frozenset(words)


def v_stop_core():
    """Stop list: the Arabic list plus core Persian function words (not hazm's 389)."""
    from kavosh.index import analysis as A
    from kavosh.index.normalize import normalize_token

    words = _arabic_stopwords() | {normalize_token(w) for w in FA_CORE_STOP.split()}
    A.stopwords = lambda: words


def v_stop_core_q():
    """stop_core plus the question words, at index and query time."""
    from kavosh.index import analysis as A
    from kavosh.index.normalize import normalize_token

    words = (_arabic_stopwords() | {normalize_token(w) for w in FA_CORE_STOP.split()}
             | question_words())
    A.stopwords = lambda: words


def v_title_boost(value):
    def apply():
        from kavosh.index import schema

        schema.TITLE_BOOST = value
    return apply


VARIANTS = {
    "fa_none": v_fa_none,
    "fa_snowball": v_fa_snowball,
    "fa_plural_only": v_fa_lemma_only,
    "ar_none": v_ar_none,
    "ar_snowball": v_ar_snowball,
    "ar_snowball_waw": v_ar_snowball_waw,
    "unstemmed": v_unstemmed,
    "zwnj_split": v_zwnj_split,
    "qwords_stop": v_qwords_stop,
    "stop_core": v_stop_core,
    "stop_core_q": v_stop_core_q,
    "title05": v_title_boost(0.5),
    "title1": v_title_boost(1.0),
    "title3": v_title_boost(3.0),
}


def apply_variants(names: list[str]) -> ev.Variant | None:
    if not names:
        return None
    for n in names:
        VARIANTS[n]()
    return ev.Variant(name="+".join(names), salt="exp1")


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
