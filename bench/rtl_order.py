"""How well index/formats/rtl_text.py tells visual-order lines from logical ones, on real text.

    .venv/bin/python bench/rtl_order.py [--corpus DIR] [--articles N]

Every non-empty line of the first N articles of each news corpus (JSONL:
bench/corpus.py) is (a) given as it is, in logical order: any line
taken for visual would be turned around, a damage; and (b) put in visual order by
python-bidi, as a PDF of pre-reordered text holds it: how many are recognised,
and how many come back exactly (ZWNJ and repeated spaces dropped on both sides).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bidi.algorithm import get_display

import corpus  # bench/corpus.py
from kavosh.index.formats.rtl_text import order_evidence, repair_lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=corpus.folder(), help=corpus.FOLDER_HELP)
    ap.add_argument("--articles", type=int, default=1500)
    args = ap.parse_args()
    files = sorted(corpus.files(args.corpus))  # news-ar first, as ever
    if not files:
        raise SystemExit(f"no news-fa/news-ar .jsonl[.gz] in {args.corpus} (use --corpus DIR)")
    for path in files:
        lines = wrong = detected = exact = 0
        for record in corpus.records(path, args.articles):
            for line in (record.get("body") or "").split("\n"):
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
