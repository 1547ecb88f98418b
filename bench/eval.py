"""Retrieval quality of Kavosh on a judged query set, next to a plain-analysis column.

    python bench/eval.py --set ../shared/eval/arcd
    python bench/eval.py --docs docs.jsonl --queries queries.tsv --qrels qrels.tsv \\
        --distractors ../shared/corpora/news-ar.jsonl.gz ../shared/corpora/news-fa.jsonl.gz
    python bench/eval.py --set ../shared/eval/parsinlu_rc --sample 40      # CI-sized

A set is three files: ``docs.jsonl`` (``{"id","title","body"}``), ``queries.tsv``
(``query_id<TAB>question``) and ``qrels.tsv`` (TREC: ``query_id 0 doc_id relevance``).
Nothing here knows any particular set.

* The Kavosh index is built by the normal indexing code (``index.writer.index_paths``);
  distractors given as ``.jsonl.gz`` are decompressed to ``.jsonl`` in the work folder
  first, then indexed by the same call.
* Every question goes through the normal query code: ``Engine.parse(q, mode="any")``
  (ranked OR), scored by the engine's own weighting (BM25F, ``BM25_B``/``BM25_K1``).
  ``Engine.search`` also builds snippets and per-language counts, which the harness
  does not need; the lean path here runs the same parsed query on the same searcher
  with the same weighting and keeps the top 100 (a test checks both agree).
* The plain column (``bench/plain_baseline.py``) is the same whoosh schema and
  scoring with ``\\w+`` + lowercase instead of the Persian/Arabic chain.
* Indexes are cached in the work folder (``--workdir``, default
  ``/tmp/kavosh-eval``) under a key made of the input files (path, size, mtime),
  the analyzer/schema versions and a hash of the analysis code; with distractors,
  one distractor-only index is built once and copied, and the set's passages are
  added to the copy by the same incremental ``index_paths`` call.

Prints one JSON object: per system, MRR@10, Recall@10, Recall@100, nDCG@10, and
where the TREC run files (``qid Q0 docid rank score tag``, top 100) were written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import lines as corpus_lines  # noqa: E402  (plain or gzipped JSON Lines)
from bench.index_cache import build_atomically, layered_index  # noqa: E402
# The judged set, the run files and the metrics, importable from here as they always were.
from bench.eval_metrics import (DEPTH, JudgedSet, evaluate, load_set, ndcg, read_qrels,  # noqa: E402,F401
                                read_queries, read_run, recall, reciprocal_rank, write_run)

DEFAULT_WORKDIR = Path(os.environ.get("KAVOSH_EVAL_WORKDIR", "/tmp/kavosh-eval"))
SAMPLE_OTHER_DOCS = 200  # with --sample: unjudged passages of the set kept besides the judged
SAMPLE_DISTRACTORS = 1000  # with --sample: articles kept from each distractor file
# What decides index terms: every source and data file of the index package.  Their
# hash is part of a cache key, so an edited chain never reuses an index built by the
# old one (the analyzer version alone is only bumped on purpose).
_CHAIN_GLOBS = ("index/*.py", "index/data/*")


# --- inputs, samples and the cache ------------------------------------------------


def _file_key(path: Path) -> list:
    st = path.stat()
    return [str(path.resolve()), st.st_size, st.st_mtime_ns]


@dataclass
class Variant:
    """What, besides the input files, decides an index: the analysis code, and for
    experiments a name and extra setup.  The default is the chain as checked in."""

    name: str = "kavosh"
    salt: str = ""  # anything else an experiment wants in the cache key
    # build_schema's keywords (kavosh_analyzer's options, title_boost): the
    # index is built with them and, since its chain is pickled in it, searched
    # with them.  The name (not these values) keys the cache.
    options: dict = field(default_factory=dict)

    def fingerprint(self) -> str:
        from kavosh.index.analysis import ANALYZER_VERSION
        from kavosh.index.schema import SCHEMA_VERSION

        h = hashlib.sha1(f"a{ANALYZER_VERSION}-s{SCHEMA_VERSION}-{self.name}-{self.salt}".encode())
        import kavosh.index as index_package

        pkg = Path(index_package.__file__).resolve().parent  # the package actually imported
        for pattern in _CHAIN_GLOBS:
            for p in sorted(pkg.parent.glob(pattern)):
                if p.is_file():
                    h.update(p.relative_to(pkg.parent).as_posix().encode())
                    h.update(p.read_bytes())
        return h.hexdigest()[:16]


def _key(parts) -> str:
    return hashlib.sha1(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def stable_order(ids: Iterable[str], seed: str = "kavosh") -> list[str]:
    """A deterministic pseudo-random order (sha1 of seed + id), same on every machine."""
    return sorted(ids, key=lambda i: hashlib.sha1(f"{seed}:{i}".encode()).hexdigest())


def plain_jsonl(path: Path, workdir: Path, keep: int | None = None) -> Path:
    """``path`` as a .jsonl the indexer reads: as is, or decompressed (and sampled) into workdir.

    ``keep`` keeps a deterministic sample of that many records (for --sample)."""
    path = Path(path)
    if path.suffix == ".jsonl" and keep is None:
        return path
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    if not name.endswith(".jsonl"):
        name += ".jsonl"
    out_dir = workdir / "inputs" / _key([_file_key(path), keep])
    out = out_dir / name
    if out.exists():
        return out
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".partial")
    lines = list(corpus_lines(path)) if keep is not None else None
    with open(tmp, "w", encoding="utf-8") as fh:
        if lines is None:
            for line in corpus_lines(path):
                fh.write(line if line.endswith("\n") else line + "\n")
        else:
            ids = {}
            for line in lines:
                ids[json.loads(line).get("id") or str(len(ids))] = line
            for i in sorted(stable_order(ids)[:keep], key=list(ids).index):
                line = ids[i]
                fh.write(line if line.endswith("\n") else line + "\n")
    os.replace(tmp, out)
    return out


def sample_set(js: JudgedSet, n: int, workdir: Path, others: int = SAMPLE_OTHER_DOCS) -> JudgedSet:
    """N questions (deterministic), their judged passages and ``others`` further passages."""
    qids = stable_order(js.judged_qids)[:n]
    needed = {d for q in qids for d in js.qrels[q]}
    lines = {}
    for line in corpus_lines(js.docs):
        lines[str(json.loads(line).get("id"))] = line
    extra = [d for d in stable_order(lines) if d not in needed][:others]
    keep = needed | set(extra)
    out_dir = workdir / "inputs" / _key([_file_key(js.docs), n, others, "sample"])
    out = out_dir / js.docs.name
    if not out.exists():
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".partial")
        with open(tmp, "w", encoding="utf-8") as fh:
            for docid, line in lines.items():
                if docid in keep:
                    fh.write(line if line.endswith("\n") else line + "\n")
        os.replace(tmp, out)
    keep_q = set(qids)
    return JudgedSet(
        out,
        {q: t for q, t in js.queries.items() if q in keep_q},
        {q: r for q, r in js.qrels.items() if q in keep_q},
    )


# --- the Kavosh index and run ----------------------------------------------------


def _log(msg: str) -> None:
    print(f"[eval {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _build(index_dir: Path, paths: list[Path], base: Path | None, what: str,
           options: dict | None = None) -> None:
    """Index ``paths`` into ``index_dir`` (starting from a copy of ``base``) atomically."""
    from kavosh.index.writer import index_paths

    started = time.perf_counter()

    def fill(tmp: Path) -> None:
        summary = index_paths(tmp, paths, rebuild=base is None, schema_options=options or None)
        _log(f"indexed {what}: {summary.line()} ({time.perf_counter() - started:.0f} s)")
        if summary.skipped:
            _log(f"  skipped {len(summary.skipped)}: {summary.skipped[:3]}")

    build_atomically(index_dir, base, "kavosh.lock", fill)


def kavosh_index(docs: Path, distractors: list[Path], workdir: Path,
                 variant: Variant | None = None) -> Path:
    """A cached Kavosh index of ``docs`` plus ``distractors`` (.jsonl paths), built normally."""
    variant = variant or Variant()
    fp = variant.fingerprint()
    root = workdir / "index"
    key = _key([fp, [_file_key(p) for p in distractors], _file_key(docs)])
    index_dir = root / f"{variant.name}-{key}"
    base = (root / f"{variant.name}-distractors-{_key([fp, [_file_key(p) for p in distractors]])}"
            if distractors else None)
    return layered_index(
        index_dir, base, "kavosh.json",
        lambda: _build(base, list(distractors), None,
                       f"{len(distractors)} distractor file(s) [{variant.name}]", variant.options),
        lambda: _build(index_dir, [docs], base, f"{docs.name} [{variant.name}]", variant.options))


def _doc_count(index_dir: Path) -> int:
    from kavosh.engine import open_index

    ix = open_index(index_dir)
    try:
        return ix.doc_count()
    finally:
        ix.close()


@dataclass
class Searcher:
    """The engine's ranking (``Engine.rank``): no snippets or language counts."""

    engine: object
    transform: Callable | None = None  # an experiment's rewrite of the parsed query
    exact: bool = False  # no cross-script variants
    errors: dict = field(default_factory=dict)

    def search(self, qid: str, text: str, limit: int = DEPTH) -> list[tuple[str, float]]:
        from kavosh.index.errors import QueryError

        try:
            return self.engine.rank(text, mode="any", limit=limit, exact=self.exact,
                                    rewrite=self.transform)
        except QueryError as exc:
            self.errors[qid] = str(exc)
            return []
        except Exception as exc:  # a parser bug must not stop a whole run: counted, reported
            self.errors[qid] = f"{exc.__class__.__name__}: {exc}"
            return []


def run_kavosh(index_dir: Path, queries: dict[str, str], weighting=None, transform=None,
               parser_options: dict | None = None, exact: bool = False):
    """{qid: [(docid, score)]} from the normal query path in ranked OR mode.

    ``parser_options``: ``QueryParser`` keywords (an experiment's query-time analysis)."""
    from kavosh.engine import Engine

    engine = Engine(index_dir, weighting=weighting, parser_options=parser_options)
    s = Searcher(engine, transform=transform, exact=exact)
    try:
        run = {}
        started = time.perf_counter()
        for n, (qid, text) in enumerate(queries.items(), 1):
            run[qid] = s.search(qid, text)
            if n % 500 == 0:
                _log(f"  {n}/{len(queries)} questions, {(time.perf_counter() - started) / n * 1000:.0f} ms each")
    finally:
        engine.close()
    return run, s.errors


# --- one whole evaluation -------------------------------------------------------


def evaluate_set(js: JudgedSet, distractors: list[Path], workdir: Path, *, plain: bool = True,
                 variant: Variant | None = None, weighting=None, transform=None, parser_options=None,
                 plain_weighting=None, runs_dir: Path | None = None, label: str = "set",
                 exact: bool = False) -> dict:
    """Index, search, measure: the report for one set (Kavosh and, if asked, plain)."""
    workdir = Path(workdir)
    qids = js.judged_qids
    queries = {q: js.queries[q] for q in qids}
    report: dict = {"set": label, "questions": len(qids), "documents": None,
                    "distractors": [p.name for p in distractors],
                    "chain": (variant or Variant()).fingerprint(), "exact": exact}
    runs_dir = runs_dir or workdir / "runs"

    t0 = time.perf_counter()
    ix = kavosh_index(js.docs, distractors, workdir, variant)
    t1 = time.perf_counter()
    run, errors = run_kavosh(ix, queries, weighting=weighting, transform=transform,
                             parser_options=parser_options,
                             exact=exact)
    t2 = time.perf_counter()
    report["documents"] = _doc_count(ix)
    tag = (variant.name if variant else "kavosh") + ("-exact" if exact else "")
    run_path = runs_dir / f"{label}.{tag}.trec"
    write_run(run_path, run, tag)
    report["kavosh"] = evaluate(run, js.qrels, qids)
    report["kavosh"]["run"] = str(run_path)
    report["kavosh"]["query_errors"] = len(errors)
    if errors:
        report["kavosh"]["query_error_examples"] = dict(list(errors.items())[:3])
    report["timing_s"] = {"kavosh_index": round(t1 - t0, 1), "kavosh_search": round(t2 - t1, 1)}

    if plain:
        from bench import plain_baseline

        t0 = time.perf_counter()
        pix = plain_baseline.plain_index(js.docs, distractors, workdir)
        t1 = time.perf_counter()
        prun = plain_baseline.run_plain(pix, queries, weighting=plain_weighting)
        t2 = time.perf_counter()
        ppath = runs_dir / f"{label}.plain.trec"
        write_run(ppath, prun, "plain")
        report["plain"] = evaluate(prun, js.qrels, qids)
        report["plain"]["run"] = str(ppath)
        report["timing_s"].update(plain_index=round(t1 - t0, 1), plain_search=round(t2 - t1, 1))
    return report


def resolve_inputs(args) -> tuple[JudgedSet, str]:
    if args.set:
        d = Path(args.set)
        docs, queries, qrels = d / "docs.jsonl", d / "queries.tsv", d / "qrels.tsv"
        label = d.name
    else:
        if not (args.docs and args.queries and args.qrels):
            raise SystemExit("give --set DIR, or all of --docs, --queries and --qrels")
        docs, queries, qrels = Path(args.docs), Path(args.queries), Path(args.qrels)
        label = args.name or docs.parent.name or "set"
    for p in (docs, queries, qrels):
        if not p.is_file():
            raise SystemExit(f"{p}: no such file")
    return load_set(docs, queries, qrels), (args.name or label)


def prepare_inputs(args, workdir: Path) -> tuple[JudgedSet, list[Path], str]:
    js, label = resolve_inputs(args)
    keep = None
    if args.sample:
        js = sample_set(js, args.sample, workdir)
        label += f"-sample{args.sample}"
        keep = args.sample_distractors
    distractors = [plain_jsonl(Path(p), workdir, keep) for p in args.distractors or []]
    if distractors:
        label += "+distractors"
    return js, distractors, label


def build_argparser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", help="folder with docs.jsonl, queries.tsv, qrels.tsv")
    ap.add_argument("--docs")
    ap.add_argument("--queries")
    ap.add_argument("--qrels")
    ap.add_argument("--name", help="label for the report and run files (default: the set's folder)")
    ap.add_argument("--distractors", nargs="*", default=[],
                    help="extra JSONL(.gz) documents mixed into the index")
    ap.add_argument("--workdir", default=str(DEFAULT_WORKDIR),
                    help=f"index cache and run files (default {DEFAULT_WORKDIR})")
    ap.add_argument("--sample", type=int, default=0,
                    help="evaluate a deterministic sample of N questions (their passages plus "
                         f"{SAMPLE_OTHER_DOCS} others, and {SAMPLE_DISTRACTORS} articles per distractor file)")
    ap.add_argument("--sample-distractors", type=int, default=SAMPLE_DISTRACTORS, help=argparse.SUPPRESS)
    ap.add_argument("--run", help="write the Kavosh run file here (default: under --workdir/runs)")
    ap.add_argument("--no-plain", action="store_true", help="skip the plain-analysis column")
    ap.add_argument("--exact", action="store_true",
                    help="search without cross-script variants (Engine.parse(exact=True))")
    return ap


def main(argv=None) -> int:
    args = build_argparser().parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    js, distractors, label = prepare_inputs(args, workdir)
    report = evaluate_set(js, distractors, workdir, plain=not args.no_plain, label=label,
                          exact=args.exact)
    if args.run:
        shutil.copyfile(report["kavosh"]["run"], args.run)
        report["kavosh"]["run"] = args.run
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
