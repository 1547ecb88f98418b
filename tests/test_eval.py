"""The retrieval-quality harness (bench/eval.py): metrics, run files, and Kavosh vs plain.

A tiny judged set of Persian and Arabic passages whose right answers are known
is built in a temporary folder; two of its questions can only be answered
through normalization and stemming (Arabic-keyboard ي/ك in a Persian passage,
an Arabic passage written with harakat), so Kavosh must beat the plain column
there.  The last test runs the harness on a small sample of the real
development sets when ../shared/eval exists.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import eval as ev  # noqa: E402
from bench import plain_baseline  # noqa: E402

SHARED_EVAL = ROOT.parent / "shared" / "eval"

DOCS = [
    # Persian, typed on an Arabic keyboard (ي ك): only normalization meets the question.
    {"id": "fa-kitab", "title": "گنجينه نسخه‌هاي خطي",
     "body": "نسخه‌هاي خطي و كتابهاي قديمي را در كتابخانه مركزي نگهداري مي‌كنند."},
    {"id": "fa-milad", "title": "آسمان‌خراش‌های تهران",
     "body": "برج میلاد بلندترین سازه تهران است و در شمال غرب شهر قرار دارد."},
    {"id": "fa-food", "title": "غذاهای ایرانی",
     "body": "قورمه‌سبزی و کباب از غذاهای محبوب ایرانیان هستند و در بیشتر شهرها پخته می‌شوند."},
    {"id": "fa-football", "title": "فوتبال در ایران",
     "body": "فوتبال پرطرفدارترین ورزش در ایران است و تیم ملی چند بار به جام جهانی رفته است."},
    # Arabic with full harakat: \w+ splits these words at every mark.
    {"id": "ar-poet", "title": "شاعر من الحجاز",
     "body": "وُلِدَ الشَّاعِرُ فِي المَدِينَةِ المُنَوَّرَةِ سَنَةَ ١٩٠٢ وَنَشَأَ فِيهَا."},
    {"id": "ar-nile", "title": "نهر النيل",
     "body": "يعد نهر النيل أطول نهر في العالم ويمر بإحدى عشرة دولة أفريقية."},
    {"id": "ar-coffee", "title": "القهوة العربية",
     "body": "تقدم القهوة العربية مع التمر في المناسبات والأعياد."},
    {"id": "ar-desert", "title": "الربع الخالي",
     "body": "الربع الخالي أكبر صحراء رملية متصلة في العالم ويقع في جنوب شبه الجزيرة العربية."},
]
QUERIES = {
    "q-fa-kitab": "کتاب‌های قدیمی کجا نگهداری می‌شوند؟",
    "q-fa-milad": "بلندترین سازه تهران چیست؟",
    "q-fa-food": "غذاهای محبوب ایرانی کدامند؟",
    "q-fa-football": "تیم ملی فوتبال ایران چند بار به جام جهانی رفته است؟",
    "q-ar-poet": "في أي مدينة ولد الشاعر؟",
    "q-ar-nile": "ما هو أطول نهر في العالم؟",
    "q-ar-coffee": "مع ماذا تقدم القهوة العربية؟",
    "q-ar-desert": "أين يقع الربع الخالي؟",
    "q-unjudged": "سؤال بلا إجابة",  # no qrels: not measured
}
QRELS = {q: {q[2:]: 1} for q in QUERIES if q != "q-unjudged"}
NORMALIZATION_ONLY = ("q-fa-kitab", "q-ar-poet")


@pytest.fixture(scope="module")
def tiny_set(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("tiny-set")
    with open(d / "docs.jsonl", "w", encoding="utf-8") as fh:
        for doc in DOCS:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    with open(d / "queries.tsv", "w", encoding="utf-8") as fh:
        for qid, text in QUERIES.items():
            fh.write(f"{qid}\t{text}\n")
    with open(d / "qrels.tsv", "w", encoding="utf-8") as fh:
        for qid, rels in QRELS.items():
            for docid, rel in rels.items():
                fh.write(f"{qid}\t0\t{docid}\t{rel}\n")
        fh.write("q-not-asked\t0\tfa-food\t1\n")  # judged but never asked: ignored
    return d


@pytest.fixture(scope="module")
def tiny_report(tiny_set, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("eval-work")
    js, _label = ev.resolve_inputs(_args(set=str(tiny_set)))
    return ev.evaluate_set(js, [], workdir, label="tiny"), workdir


def _args(**kw):
    ns = ev.build_argparser().parse_args([])
    for k, v in kw.items():
        setattr(ns, k, v)
    return ns


# --- metric arithmetic, by hand --------------------------------------------------


def test_metrics_by_hand():
    run = {
        "q1": [("d2", 3.0), ("d1", 2.0), ("d3", 1.0)],  # relevant at rank 2
        "q2": [("x", 1.0)],  # relevant never retrieved
        "q3": [("a", 3.0), ("x", 2.0), ("b", 1.0)],  # two relevant, ranks 1 and 3
        "q4": [(f"n{i}", 100.0 - i) for i in range(30)] + [("r", 0.5)],  # relevant at rank 31
    }
    qrels = {"q1": {"d1": 1}, "q2": {"d9": 1}, "q3": {"a": 1, "b": 1, "z": 0}, "q4": {"r": 1}}
    assert ev.reciprocal_rank(["d2", "d1"], qrels["q1"]) == 0.5
    assert ev.ndcg(["d2", "d1", "d3"], qrels["q1"]) == pytest.approx(1 / math.log2(3))
    assert ev.ndcg(["a", "x", "b"], qrels["q3"]) == pytest.approx(
        (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3)))
    # graded relevance: linear gain as trec_eval
    assert ev.ndcg(["b", "a"], {"a": 2, "b": 1}) == pytest.approx(
        (1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3)))
    # a judged-non-relevant document is not relevant
    assert ev.recall(["z"], qrels["q3"], 10) == 0.0
    q4 = [d for d, _ in run["q4"]]
    assert ev.reciprocal_rank(q4, qrels["q4"]) == 0.0
    assert ev.recall(q4, qrels["q4"], 10) == 0.0 and ev.recall(q4, qrels["q4"], 100) == 1.0

    m = ev.evaluate(run, qrels, ["q1", "q2", "q3", "q4", "q5"])  # q5: no run at all
    assert m["MRR@10"] == pytest.approx(round((0.5 + 0 + 1 + 0 + 0) / 5, 4))
    assert m["R@10"] == pytest.approx(round((1 + 0 + 1 + 0 + 0) / 5, 4))
    assert m["R@100"] == pytest.approx(round((1 + 0 + 1 + 1 + 0) / 5, 4))
    ndcg = (1 / math.log2(3) + (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))) / 5
    assert m["nDCG@10"] == pytest.approx(round(ndcg, 4))


def test_reading_a_set(tiny_set):
    js = ev.load_set(tiny_set / "docs.jsonl", tiny_set / "queries.tsv", tiny_set / "qrels.tsv")
    assert len(js.queries) == len(QUERIES)
    assert set(js.judged_qids) == set(QRELS)  # the unjudged question is not measured
    assert js.qrels["q-ar-nile"] == {"ar-nile": 1}


def test_sample_is_deterministic_and_keeps_the_judged_passages(tiny_set, tmp_path):
    js = ev.load_set(tiny_set / "docs.jsonl", tiny_set / "queries.tsv", tiny_set / "qrels.tsv")
    a = ev.sample_set(js, 3, tmp_path / "a", others=2)
    b = ev.sample_set(js, 3, tmp_path / "b", others=2)
    assert a.judged_qids == b.judged_qids and len(a.judged_qids) == 3
    ids = [json.loads(line)["id"] for line in a.docs.read_text(encoding="utf-8").splitlines()]
    assert ids == [json.loads(line)["id"] for line in b.docs.read_text(encoding="utf-8").splitlines()]
    judged = {d for q in a.judged_qids for d in a.qrels[q]}
    assert judged <= set(ids) and len(ids) == len(judged) + 2


# --- the harness end to end on the tiny set -----------------------------------------


def _check_trec_run(path: Path, qids: set[str], docids: set[str], tag: str):
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines, "empty run file"
    per_q: dict[str, list[tuple[int, float]]] = {}
    for line in lines:
        parts = line.split()
        assert len(parts) == 6, line
        qid, q0, docid, rank, score, run_tag = parts
        assert q0 == "Q0" and run_tag == tag
        assert qid in qids and docid in docids
        per_q.setdefault(qid, []).append((int(rank), float(score)))
    for qid, rows in per_q.items():
        ranks = [r for r, _ in rows]
        assert ranks == list(range(1, len(rows) + 1)) and len(rows) <= ev.DEPTH
        scores = [s for _, s in rows]
        assert scores == sorted(scores, reverse=True)


def test_run_files_are_valid_trec(tiny_report):
    report, _ = tiny_report
    docids = {d["id"] for d in DOCS}
    _check_trec_run(Path(report["kavosh"]["run"]), set(QRELS), docids, "kavosh")
    _check_trec_run(Path(report["plain"]["run"]), set(QRELS), docids, "plain")
    run = ev.read_run(Path(report["kavosh"]["run"]))
    assert ev.evaluate(run, QRELS, QRELS)["MRR@10"] == report["kavosh"]["MRR@10"]


def test_kavosh_beats_plain_where_only_analysis_can_match(tiny_report):
    report, _ = tiny_report
    assert report["questions"] == len(QRELS)
    assert report["kavosh"]["query_errors"] == 0
    assert report["kavosh"]["MRR@10"] == 1.0, report
    assert report["kavosh"]["MRR@10"] > report["plain"]["MRR@10"]
    for name in ("R@10", "R@100", "nDCG@10"):
        assert report["kavosh"][name] >= report["plain"][name]
    kavosh = ev.read_run(Path(report["kavosh"]["run"]))
    plain = ev.read_run(Path(report["plain"]["run"]))
    for qid in NORMALIZATION_ONLY:
        right = QRELS[qid]
        assert kavosh[qid][0][0] in right, (qid, kavosh[qid][:3])
        assert ev.reciprocal_rank([d for d, _ in plain.get(qid, [])], right) == 0.0, (qid, plain.get(qid))


def test_lean_path_ranks_like_engine_search(tiny_report):
    """The harness's lean search returns what Engine.search (ranked OR mode) returns."""
    from kavosh.engine import Engine

    report, workdir = tiny_report
    index_dir = next(p for p in (workdir / "index").iterdir() if p.name.startswith("kavosh-"))
    with Engine(index_dir) as engine:
        lean = ev.Searcher(engine)
        for qid, text in QUERIES.items():
            full = [h.id for h in engine.search(text, mode="any", limit=ev.DEPTH).hits]
            assert [d for d, _ in lean.search(qid, text)] == full, qid


def test_cache_reuses_the_index(tiny_set, tmp_path):
    js, _ = ev.resolve_inputs(_args(set=str(tiny_set)))
    first = ev.kavosh_index(js.docs, [], tmp_path)
    stamp = (first / "kavosh.json").stat().st_mtime_ns
    assert ev.kavosh_index(js.docs, [], tmp_path) == first
    assert (first / "kavosh.json").stat().st_mtime_ns == stamp


def test_distractors_gz_are_indexed_through_the_normal_path(tiny_set, tmp_path):
    import gzip

    news = tmp_path / "news.jsonl.gz"
    with gzip.open(news, "wt", encoding="utf-8") as fh:
        for i in range(5):
            fh.write(json.dumps({"id": f"news-{i}", "title": "خبر", "body": f"نهر طويل رقم {i}",
                                 "lang": "ar"}, ensure_ascii=False) + "\n")
    args = _args(set=str(tiny_set), distractors=[str(news)])
    js, distractors, label = ev.prepare_inputs(args, tmp_path / "work")
    assert [p.suffix for p in distractors] == [".jsonl"] and label.endswith("+distractors")
    report = ev.evaluate_set(js, distractors, tmp_path / "work", label=label)
    from kavosh.engine import Engine

    ix = ev.kavosh_index(js.docs, distractors, tmp_path / "work")
    with Engine(ix) as engine:
        assert engine.stats()["documents"] == len(DOCS) + 5
    assert report["kavosh"]["MRR@10"] >= report["plain"]["MRR@10"]


def test_command_line(tiny_set, tmp_path, capsys):
    run_path = tmp_path / "out.trec"
    assert ev.main(["--set", str(tiny_set), "--workdir", str(tmp_path), "--run", str(run_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["kavosh"]) >= {"MRR@10", "R@10", "R@100", "nDCG@10"}
    assert set(report["plain"]) >= {"MRR@10", "R@10", "R@100", "nDCG@10"}
    assert run_path.exists() and report["kavosh"]["run"] == str(run_path)


def test_plain_query_is_an_or_of_words():
    q = plain_baseline.plain_query("ما هو أطول نهر؟")
    assert sorted({t.text for t in q.subqueries}) == sorted(["ما", "هو", "أطول", "نهر"])
    assert plain_baseline.plain_query("؟!") is None


# --- a small sample of the real development sets --------------------------------------


@pytest.mark.skipif(not SHARED_EVAL.is_dir(), reason="../shared/eval is not available")
@pytest.mark.parametrize("name", ["arcd", "parsinlu_rc"])
def test_real_dev_sets_sample(name, tmp_path_factory):
    set_dir = SHARED_EVAL / name
    if not (set_dir / "docs.jsonl").exists():
        pytest.skip(f"{set_dir} is not available")
    workdir = tmp_path_factory.mktemp(f"eval-{name}")
    args = _args(set=str(set_dir), sample=40)
    js, distractors, label = ev.prepare_inputs(args, workdir)
    report = ev.evaluate_set(js, distractors, workdir, label=label)
    assert report["questions"] == 40
    assert report["kavosh"]["MRR@10"] >= report["plain"]["MRR@10"], report


def test_an_index_experiment_is_the_chains_options_and_reaches_its_queries(tiny_set, tmp_path):
    """``eval_experiments`` variants are build_schema options, not patches: the
    variant's index is built with them and its queries are analysed with them,
    while the shipped chain in the same process is untouched."""
    from bench import eval_experiments as ex
    from kavosh.engine import Engine

    js, _ = ev.resolve_inputs(_args(set=str(tiny_set)))
    variant = ex.apply_variants(["fa_none", "ar_none"])
    unstemmed = ev.kavosh_index(js.docs, [], tmp_path, variant)
    shipped = ev.kavosh_index(js.docs, [], tmp_path)
    assert unstemmed != shipped
    with Engine(unstemmed) as plain, Engine(shipped) as stemmed:
        assert plain.parse("کتابها").terms == {"کتابها"}
        assert "کتاب" in stemmed.parse("کتابها").terms
        assert [h.id for h in stemmed.search("کتاب", mode="any").hits] == ["fa-kitab"]
        assert plain.search("کتاب", mode="any").hits == []


def test_query_settings_are_parser_options(tiny_set, tmp_path):
    from bench import eval_experiments as ex
    from kavosh.engine import Engine

    js, _ = ev.resolve_inputs(_args(set=str(tiny_set)))
    index_dir = ev.kavosh_index(js.docs, [], tmp_path)
    with Engine(index_dir) as shipped:
        kept = sorted(w for w in ex.question_words() if not shipped.parse(w, mode="any").dropped)
    assert kept, "every question word is a stop word already: the setting would test nothing"
    options = ex.parser_options_for(ex.QuerySettings(qstop=True))
    with Engine(index_dir, parser_options=options) as engine:
        assert engine.parse(kept[0] + " نهر", mode="any").dropped == [kept[0]]
