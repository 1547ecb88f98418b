"""The comparison column: Kavosh's whoosh schema and scoring without Persian/Arabic analysis.

Same documents (read by ``index.ingest``, as the real indexer reads them), same
fields and title boost (``index.schema.TITLE_BOOST``), same BM25F parameters
(``search.engine.BM25_B``/``BM25_K1``) and the same ranked OR of the question's
words over title and body; only the analyzer differs: whoosh's
``RegexTokenizer(r"\\w+") | LowercaseFilter()``, no normalization, no stemming,
no stop words.  This is what the analysis chain is measured against.  Built
with whoosh directly: it is a baseline, not a second Kavosh indexing path.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.scoring import BM25F

PLAIN_VERSION = 1
INDEX_NAME = "plain"


def plain_analyzer():
    return RegexTokenizer(r"\w+") | LowercaseFilter()


def plain_schema(title_boost: float | None = None) -> Schema:
    from kavosh.index.schema import TITLE_BOOST

    analyzer = plain_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, field_boost=TITLE_BOOST if title_boost is None else title_boost),
        body=TEXT(analyzer=analyzer),
    )


def _documents(paths: list[Path]):
    from kavosh.index.ingest import Skip, discover, open_source

    for p in paths:
        for sf in discover(Path(p)):
            try:  # the same reading as the real index: bounded, regular files only
                parsed = open_source(sf).parse()
            except Skip:
                continue
            yield from parsed.documents


def _fkey(p: Path) -> list:
    st = p.stat()
    return [str(p.resolve()), st.st_size, st.st_mtime_ns]


def _key(parts) -> str:
    return hashlib.sha1(json.dumps(parts).encode()).hexdigest()[:16]


def _build(index_dir: Path, paths: list[Path], base: Path | None) -> None:
    from bench.index_cache import build_atomically  # (bench/ alone on sys.path imports this module too)

    started = time.perf_counter()
    n, total = build_atomically(index_dir, base, "done", lambda tmp: _fill(tmp, paths, base is not None))
    import sys

    print(f"[eval] plain index: {n} documents added, {total} in the index, "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


def _fill(tmp: Path, paths: list[Path], copied: bool) -> tuple[int, int]:
    """(documents added, documents in the index) after adding ``paths`` to the index in
    ``tmp``: the copy of the distractor index (``copied``), else a new one."""
    if copied:
        ix = whoosh_index.open_dir(str(tmp), indexname=INDEX_NAME)
    else:
        tmp.mkdir(parents=True)
        ix = whoosh_index.create_in(str(tmp), plain_schema(), indexname=INDEX_NAME)
    writer = ix.writer(limitmb=256)
    n = 0
    for doc in _documents(paths):
        writer.update_document(id=doc.id, title=doc.title, body=doc.body)
        n += 1
    writer.commit()
    total = ix.doc_count()
    ix.close()
    (tmp / "done").write_text(str(total))
    return n, total


def plain_index(docs: Path, distractors: list[Path], workdir: Path) -> Path:
    """A cached plain index of ``docs`` plus ``distractors`` (.jsonl paths).

    As for the Kavosh index, a distractor-only index is built once and copied,
    and the set's passages are added to the copy."""
    from bench.index_cache import layered_index
    from kavosh.index.schema import TITLE_BOOST

    root = Path(workdir) / "index"
    head = [PLAIN_VERSION, TITLE_BOOST]
    dkeys = [_fkey(p) for p in distractors]
    index_dir = root / f"plain-{_key(head + [dkeys, _fkey(Path(docs))])}"
    base = root / f"plain-distractors-{_key(head + [dkeys])}" if distractors else None
    return layered_index(index_dir, base, "done", lambda: _build(base, list(distractors), None),
                         lambda: _build(index_dir, [Path(docs)], base))


def plain_query(text: str, fields=("title", "body")):
    """The OR of the question's \\w+ words, lower-cased, over title and body (None if no word)."""
    words = []
    for t in plain_analyzer()(text):
        if t.text not in words:
            words.append(t.text)
    if not words:
        return None
    from kavosh.query import TITLE_WEIGHT  # the same title weight as Kavosh's queries

    return Q.Or([Q.Term(f, w, boost=TITLE_WEIGHT if f == "title" else 1.0) for w in words for f in fields])


def default_weighting():
    from kavosh.engine import BM25_B, BM25_K1

    return BM25F(B=BM25_B, K1=BM25_K1)


def run_plain(index_dir: Path, queries: dict[str, str], weighting=None, limit: int = 100):
    ix = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME, readonly=True)
    run = {}
    try:
        with ix.searcher(weighting=weighting or default_weighting()) as searcher:
            reader = searcher.reader()
            ids = {n: reader.stored_fields(n)["id"] for n in reader.all_doc_ids()}
            for qid, text in queries.items():
                q = plain_query(text)
                if q is None:
                    run[qid] = []
                    continue
                run[qid] = [(ids[h.docnum], float(h.score)) for h in searcher.search(q, limit=limit)]
    finally:
        ix.close()
    return run
