"""Judged query sets, TREC run files and the retrieval metrics of bench/eval.py.

Nothing here knows Kavosh: a set is ``docs.jsonl``, ``queries.tsv``
(``query_id<TAB>question``) and ``qrels.tsv`` (TREC: ``query_id 0 doc_id
relevance``); a run is each question's ranked (doc_id, score) list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

DEPTH = 100  # run-file depth and the deepest cut-off measured


# --- the judged set ----------------------------------------------------------


@dataclass
class JudgedSet:
    docs: Path
    queries: dict[str, str]  # qid -> question, in file order
    qrels: dict[str, dict[str, int]]  # qid -> {docid: relevance}

    @property
    def judged_qids(self) -> list[str]:
        """Questions that have at least one relevant document: the ones measured."""
        return [q for q in self.queries if any(r > 0 for r in self.qrels.get(q, {}).values())]


def read_queries(path: Path) -> dict[str, str]:
    queries: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            qid, sep, text = line.partition("\t")
            if not sep:
                raise SystemExit(f"{path}:{lineno}: expected 'query_id<TAB>question'")
            queries[qid.strip()] = text
    return queries


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 4:
                raise SystemExit(f"{path}:{lineno}: expected 'query_id 0 doc_id relevance'")
            qid, _iteration, docid, rel = parts
            qrels.setdefault(qid, {})[docid] = int(rel)
    return qrels


def load_set(docs: Path, queries: Path, qrels: Path) -> JudgedSet:
    return JudgedSet(Path(docs), read_queries(Path(queries)), read_qrels(Path(qrels)))


# --- metrics -------------------------------------------------------------------


def reciprocal_rank(ranked: list[str], rels: dict[str, int], k: int = 10) -> float:
    for i, docid in enumerate(ranked[:k], 1):
        if rels.get(docid, 0) > 0:
            return 1.0 / i
    return 0.0


def recall(ranked: list[str], rels: dict[str, int], k: int) -> float:
    relevant = {d for d, r in rels.items() if r > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def ndcg(ranked: list[str], rels: dict[str, int], k: int = 10) -> float:
    """nDCG@k with trec_eval's linear gain: sum rel_i / log2(i + 1)."""
    dcg = sum(rels.get(d, 0) / math.log2(i + 1) for i, d in enumerate(ranked[:k], 1) if rels.get(d, 0) > 0)
    ideal = sorted((r for r in rels.values() if r > 0), reverse=True)[:k]
    idcg = sum(r / math.log2(i + 1) for i, r in enumerate(ideal, 1))
    return dcg / idcg if idcg else 0.0


def evaluate(run: dict[str, list[tuple[str, float]]], qrels: dict[str, dict[str, int]],
             qids: Iterable[str]) -> dict[str, float]:
    """Mean MRR@10, Recall@10, Recall@100, nDCG@10 over ``qids`` (a missing run counts 0)."""
    qids = list(qids)
    sums = {"MRR@10": 0.0, "R@10": 0.0, "R@100": 0.0, "nDCG@10": 0.0}
    for qid in qids:
        ranked = [d for d, _ in run.get(qid, [])]
        rels = qrels.get(qid, {})
        sums["MRR@10"] += reciprocal_rank(ranked, rels, 10)
        sums["R@10"] += recall(ranked, rels, 10)
        sums["R@100"] += recall(ranked, rels, 100)
        sums["nDCG@10"] += ndcg(ranked, rels, 10)
    n = len(qids) or 1
    return {k: round(v / n, 4) for k, v in sums.items()}


def write_run(path: Path, run: dict[str, list[tuple[str, float]]], tag: str) -> None:
    """TREC run file: ``qid Q0 docid rank score tag``, ranks from 1, scores non-increasing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for qid, hits in run.items():
            for rank, (docid, score) in enumerate(hits[:DEPTH], 1):
                fh.write(f"{qid} Q0 {docid} {rank} {score:.6f} {tag}\n")


def read_run(path: Path) -> dict[str, list[tuple[str, float]]]:
    run: dict[str, list[tuple[str, float]]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            qid, _q0, docid, _rank, score, _tag = line.split()
            run.setdefault(qid, []).append((docid, float(score)))
    return run
