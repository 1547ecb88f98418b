"""Precision and recall of cross-script variant matching on a judged list of word pairs.

    python bench/variant_precision.py                      # bench/data/variant_pairs.tsv
    python bench/variant_precision.py --pairs my.tsv --show-errors

The list (``query  match  match_lang  judgement  note``) holds words from the news
corpora: true pairs are one name, place or loanword spelled by each side
(ترامپ/ترامب), false pairs are different words that skeletons or fuzzy matching
joined (پهپاد/بهبود, ترامپ/تراب).  Each match word becomes one small document
of its language — the word inside a fixed sentence of that language, so the
language detector reads it as a Persian or an Arabic article — indexed by the
normal indexing code; each query word is searched by the normal engine, in
ranked (any-word) and all-words mode.  A pair is *matched* when the query finds
the match word's document.  A control document per language (the sentence
alone) must not be found, or the pair says nothing and is reported.

Precision = matched true pairs / all matched pairs; recall = matched true pairs /
all true pairs.  Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_PAIRS = ROOT / "bench" / "data" / "variant_pairs.tsv"
# Sentences that make a one-word document Persian (پ ژ گ چ) or Arabic (ة), with
# words no query of the list shares.
CONTEXT = {
    "fa": "متن آزمایشی گروه پژوهشگران چاپ شد",
    "ar": "نشرة رسمية صادرة عن الهيئة العامة",
}


def read_pairs(path: Path) -> list[dict]:
    rows = []
    header = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        row = dict(zip(header, cells))
        if row.get("judgement") not in ("true", "false") or row.get("match_lang") not in CONTEXT:
            raise SystemExit(f"{path}: bad row {line!r}")
        rows.append(row)
    return rows


def build_index(rows: list[dict], workdir: Path) -> tuple[Path, dict]:
    from kavosh.index.writer import index_paths

    docs, ids = [], {}
    for lang, context in CONTEXT.items():
        docs.append({"id": f"control-{lang}", "title": "", "body": context})
    for row in rows:
        key = (row["match"], row["match_lang"])
        if key in ids:
            continue
        ids[key] = f"{row['match_lang']}-{len(ids)}"
        docs.append({"id": ids[key], "title": "", "body": f"{CONTEXT[row['match_lang']]} {row['match']}"})
    src = workdir / "pairs.jsonl"
    src.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    index_dir = workdir / "index"
    index_paths(index_dir, [src], rebuild=True)
    return index_dir, ids


def measure(rows, index_dir, ids, mode: str) -> dict:
    from kavosh.engine import Engine

    engine = Engine(index_dir)
    tp = fp = fn = tn = 0
    errors, collisions = [], []
    try:
        for row in rows:
            found, offset = set(), 0
            while True:
                result = engine.search(row["query"], limit=100, offset=offset, mode=mode)
                found |= {h.id for h in result.hits}
                offset += 100
                if offset >= result.total:
                    break
            if f"control-{row['match_lang']}" in found:
                collisions.append(row["query"])
            hit = ids[(row["match"], row["match_lang"])] in found
            true = row["judgement"] == "true"
            if hit and true:
                tp += 1
            elif hit:
                fp += 1
                errors.append(("false match", row["query"], row["match"], row["match_lang"]))
            elif true:
                fn += 1
                errors.append(("missed", row["query"], row["match"], row["match_lang"]))
            else:
                tn += 1
    finally:
        engine.close()
    return {
        "mode": mode,
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
        "true_pairs_matched": tp, "false_pairs_matched": fp,
        "true_pairs_missed": fn, "false_pairs_kept_apart": tn,
        "control_collisions": sorted(set(collisions)),
        "errors": errors,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    ap.add_argument("--show-errors", action="store_true", help="list every wrong pair")
    args = ap.parse_args(argv)
    rows = read_pairs(args.pairs)
    with tempfile.TemporaryDirectory(prefix="kavosh-variants-") as tmp:
        index_dir, ids = build_index(rows, Path(tmp))
        out = {"pairs": len(rows), "true": sum(r["judgement"] == "true" for r in rows),
               "false": sum(r["judgement"] == "false" for r in rows)}
        for mode in ("any", "all"):
            m = measure(rows, index_dir, ids, mode)
            if not args.show_errors:
                m.pop("errors")
            out[mode] = m
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
