"""How well index/formats/rtl_text.py tells visual-order lines from logical ones, on real text.

    .venv/bin/python bench/rtl_order.py [--corpus DIR] [--articles N]

Every non-empty line of the first N articles of each news corpus (JSONL, as
../shared/corpora holds them) is (a) given as it is, in logical order: any line
taken for visual would be turned around, a damage; and (b) put in visual order by
python-bidi, as a PDF of pre-reordered text holds it: how many are recognised,
and how many come back exactly (ZWNJ and repeated spaces dropped on both sides).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
from pathlib import Path

from bidi.algorithm import get_display

from kavosh.index.formats.rtl_text import order_evidence, repair_lines

ROOT = Path(__file__).resolve().parent.parent


def _open(path: Path):
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora")
    ap.add_argument("--articles", type=int, default=1500)
    args = ap.parse_args()
    files = sorted(args.corpus.glob("*.jsonl*"))
    if not files:
        raise SystemExit(f"no *.jsonl[.gz] in {args.corpus} (use --corpus DIR)")
    for path in files:
        lines = wrong = detected = exact = 0
        with _open(path) as fh:
            for record in itertools.islice(fh, args.articles):
                for line in (json.loads(record).get("body") or "").split("\n"):
                    line = " ".join(line.replace("\u200c", "").split())
                    if not line:
                        continue
                    lines += 1
                    wrong += order_evidence(line) > 0
                    visual = get_display(line, base_dir="R")
                    detected += order_evidence(visual) > 0
                    exact += repair_lines([visual])[0] == line
        print(f"{path.name}: {lines} lines; logical taken for visual {wrong} ({wrong / lines:.3%}); "
              f"visual recognised {detected / lines:.3f}, put back exactly {exact / lines:.3f}")


if __name__ == "__main__":
    main()
