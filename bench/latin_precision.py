"""Latin names on an archive: which Persian/Arabic spellings they admit, how many are right, what they find.

    python bench/latin_precision.py --index /tmp/arch      # the news archive's index
    python bench/latin_precision.py --index DIR --json

For each Latin name of the table below (people, places, organisations of the
news archive, typed as a Latin reader would) it prints the spellings the
engine admits (search/latin_names.py) with their document frequency, and:

* **precision**: admitted spellings that are the name (in the table's hand
  list, checked against the archive's text) / admitted spellings;
* **recall**: of the documents the name's own Persian query finds (with its
  usual cross-script spellings), the share the Latin query finds;
* **latency**: each name's first search (its spellings not yet cached), ms.

Common English words and acronyms are searched too: they must admit nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Latin name → (its Persian query, the spellings that are this name, as written
# in the archive's Persian and Arabic text).
NAMES = {
    "Trump": ("ترامپ", "ترامپ ترامب ترمب ترومب"),
    "Putin": ("پوتین", "پوتین بوتين بوتن"),
    "Obama": ("اوباما", "اوباما أوباما اباما اوبما"),
    "Rouhani": ("روحانی", "روحانی روحاني روهانی"),
    "Zarif": ("ظریف", "ظریف ظريف"),
    "Erdogan": ("اردوغان", "اردوغان أردوغان أردوجان"),
    "Netanyahu": ("نتانیاهو", "نتانیاهو نتنياهو ناتانياهو نيتنياهو"),
    "Khamenei": ("خامنه‌ای", "خامنه‌ای خامنئي خامنه‌اي"),
    "Macron": ("ماکرون", "ماکرون ماكرون مکرون"),
    "Merkel": ("مرکل", "مرکل ميركل"),
    "Assad": ("اسد", "اسد أسد"),
    "Soleimani": ("سلیمانی", "سلیمانی سليماني"),
    "Raisi": ("رئیسی", "رئیسی رئيسي"),
    "Zelensky": ("زلنسکی", "زلنسکی زيلينسكي زيلنسكي"),
    "Pompeo": ("پمپئو", "پمپئو پومپئو بومبيو"),
    "Nasrallah": ("نصرالله", "نصرالله نصراله"),
    "Abbas": ("عباس", "عباس"),
    "Lavrov": ("لاوروف", "لاوروف لافروف"),
    "Johnson": ("جانسون", "جانسون جونسون"),
    "Biden": ("بایدن", "بایدن بايدن"),
    "Kerry": ("کری", "کری كيري"),
    "Tehran": ("تهران", "تهران طهران"),
    "Moscow": ("مسکو", "مسکو موسكو"),
    "Istanbul": ("استانبول", "استانبول اسطنبول إسطنبول"),
    "Ankara": ("آنکارا", "آنکارا انکارا"),
    "Beirut": ("بیروت", "بیروت بيروت"),
    "Kabul": ("کابل", "کابل كابول"),
    "Paris": ("پاریس", "پاریس باريس"),
    "London": ("لندن", "لندن"),
    "Washington": ("واشنگتن", "واشنگتن واشنطن واشینگتن واشنگتون"),
    "Berlin": ("برلین", "برلین برلين"),
    "Baghdad": ("بغداد", "بغداد"),
    "Riyadh": ("ریاض", "ریاض رياض"),
    "Iran": ("ایران", "ایران إيران"),
    "Iraq": ("عراق", "عراق"),
    "Qatar": ("قطر", "قطر"),
    "Dubai": ("دبی", "دبی دبي دوبی"),
    "Idlib": ("ادلب", "ادلب إدلب"),
    "Mosul": ("موصل", "موصل"),
    "Gaza": ("غزه", "غزه غزة"),
    "ISIS": ("داعش", "داعش"),
    "NATO": ("ناتو", "ناتو"),
    "OPEC": ("اوپک", "اوپک أوبك اوبك"),
    "Hamas": ("حماس", "حماس"),
    "Taliban": ("طالبان", "طالبان"),
    "Google": ("گوگل", "گوگل غوغل جوجل"),
    "Facebook": ("فیسبوک", "فیسبوک فيسبوك فیس‌بوک"),
    "Twitter": ("توییتر", "توییتر تويتر"),
    "Instagram": ("اینستاگرام", "اینستاگرام انستغرام إنستغرام انستقرام انستاجرام إنستاجرام اینستجرام"),
    "Telegram": ("تلگرام", "تلگرام تيليغرام تلغرام"),
    "Boeing": ("بوئینگ", "بوئینگ بوينغ"),
}
# Not names: must admit no spelling.
NOT_NAMES = ["the", "new", "oil", "news", "world", "bank", "US", "UN", "F-35", "gas", "film"]


def written_form(spelling: str) -> str:
    """A spelling as the variant field writes it (normalized, hamza seats as ء)."""
    from kavosh.index.normalize import normalize_token
    from kavosh.index.variants import with_hamza

    return with_hamza(normalize_token(spelling), spelling)


def admitted(engine, word: str) -> list[tuple[str, int]]:
    """(written spelling, document frequency) of each spelling the Latin word admits."""
    from kavosh.index.normalize import normalize_token
    from kavosh.index.variants import term_written
    from kavosh.latin_names import VARIANT_FIELD, is_latin_name, spellings

    out = []
    for part in word.replace("-", " ").split():
        part = normalize_token(part)
        if not is_latin_name(part):
            continue
        with engine.searching() as searcher:
            reader = searcher.reader()
            for term in spellings(reader, part):
                out.append((term_written(term), reader.doc_frequency(VARIANT_FIELD, term)))
    return out


def matching_ids(engine, text: str) -> set[str]:
    with engine.searching() as searcher:
        everything = searcher.doc_count_all()
    return {doc_id for doc_id, _score in engine.rank(text, mode="all", limit=max(everything, 1))}


def measure(engine, name: str, native: str, right: str) -> dict:
    started = time.perf_counter()
    engine.search(name, limit=10)
    latency = (time.perf_counter() - started) * 1000
    spellings = admitted(engine, name)
    correct = {written_form(s) for s in right.split()}
    good = [s for s, _df in spellings if s in correct]
    latin_ids, native_ids = matching_ids(engine, name), matching_ids(engine, native)
    return {"name": name, "spellings": spellings, "wrong": [s for s, _df in spellings if s not in correct],
            "precision": len(good) / len(spellings) if spellings else None,
            "recall": len(latin_ids & native_ids) / len(native_ids) if native_ids else None,
            "hits": len(latin_ids), "native_hits": len(native_ids), "ms": round(latency, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, type=Path)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    from kavosh.engine import Engine

    with Engine(args.index) as engine:
        engine.search("ایران", limit=1)  # open the searcher and its tables first
        rows = [measure(engine, name, native, right) for name, (native, right) in NAMES.items()]
        strays = {word: admitted(engine, word) for word in NOT_NAMES}
    spellings = sum(len(r["spellings"]) for r in rows)
    wrong = sum(len(r["wrong"]) for r in rows)
    recalls = [r["recall"] for r in rows if r["recall"] is not None]
    summary = {
        "names": len(rows),
        "spellings_admitted": spellings,
        "spellings_wrong": wrong,
        "precision": round((spellings - wrong) / spellings, 3) if spellings else None,
        "names_with_a_spelling": sum(1 for r in rows if r["spellings"]),
        "recall_mean": round(statistics.mean(recalls), 3) if recalls else None,
        "recall_median": round(statistics.median(recalls), 3) if recalls else None,
        "latency_ms_median": statistics.median(r["ms"] for r in rows),
        "latency_ms_max": max(r["ms"] for r in rows),
        "not_names_admitting_a_spelling": {w: s for w, s in strays.items() if s},
    }
    if args.json:
        print(json.dumps({"rows": rows, "summary": summary}, ensure_ascii=False, indent=1))
        return 0
    print(f"{'name':<11} {'hits':>6} {'native':>6} {'recall':>6} {'prec':>5} {'ms':>6}  admitted spellings (df)")
    for r in rows:
        shown = " ".join(f"{s}({df}){'✗' if s in r['wrong'] else ''}" for s, df in r["spellings"]) or "—"
        recall = "—" if r["recall"] is None else f"{r['recall']:.2f}"
        precision = "—" if r["precision"] is None else f"{r['precision']:.2f}"
        print(f"{r['name']:<11} {r['hits']:>6} {r['native_hits']:>6} {recall:>6} {precision:>5} "
              f"{r['ms']:>6.0f}  {shown}")
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
