"""The grouped posting pool writes the same postings as whoosh's own writer."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import RamStorage
from whoosh.writing import SegmentWriter

from kavosh.index.analysis import DocumentText
from kavosh.index.postings import GroupedPostingPool, KavoshSegmentWriter
from kavosh.index.schema import build_schema

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"


def _documents() -> list[dict]:
    docs = [{"id": p.name, "title": p.stem, "body": p.read_text(encoding="utf-8")}
            for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for name, lang in (("news-fa.jsonl.gz", "fa"), ("news-ar.jsonl.gz", "ar")):
        if (CORPORA / name).exists():
            with gzip.open(CORPORA / name, "rt", encoding="utf-8") as fh:
                for line in itertools.islice(fh, 150):
                    rec = json.loads(line)
                    docs.append({"id": rec["id"], "title": DocumentText(rec.get("title", ""), lang),
                                 "body": DocumentText(rec.get("body", ""), lang)})
    if len(docs) < 100:  # no ../shared here: enough text of our own to make the pool spill
        seeds = [d["body"] for d in docs]
        for n in range(300):
            words = " ".join(f"واژه{n}x{k} كلمة{k}y{n}" for k in range(40))
            docs.append({"id": f"made-{n}", "title": f"سند {n}", "body": f"{seeds[n % len(seeds)]}\n{words}"})
    return docs


def _postings(ix) -> tuple[dict, dict]:
    """{(field, term): [(document key, weight, value bytes)]} and every document's field lengths."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        keys = {docnum: fields["key"] for docnum, fields in reader.iter_docs()}
        postings = {}
        for fieldname in reader.indexed_field_names():
            for text in reader.lexicon(fieldname):
                m, rows = reader.postings(fieldname, text), []
                while m.is_active():
                    rows.append((keys[m.id()], m.weight(), m.value()))
                    m.next()
                postings[fieldname, text] = sorted(rows)
        lengths = {(keys[d], f): reader.doc_field_length(d, f) for d in keys
                   for f in ("title", "body", "variant")}
    return postings, lengths


def _build(path: Path, writer_class, docs, **kwargs):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema())
    writer = writer_class(ix, compound=False, **kwargs)
    for n, doc in enumerate(docs):
        writer.add_document(key=str(n), **doc)
        if writer_class is KavoshSegmentWriter and n == len(docs) // 2:
            assert writer.pool.runs, "the test must make the pool spill to disk"
    writer.commit()
    return ix


def test_spilled_runs_give_the_postings_of_whooshs_writer(tmp_path):
    docs = _documents()
    plain = _build(tmp_path / "plain", SegmentWriter, docs)
    # 1 MB: the pool spills several sorted runs and merges them at commit.
    grouped = _build(tmp_path / "grouped", KavoshSegmentWriter, docs, limitmb=1)
    expected = _postings(plain)
    assert len(expected[0]) > 10_000
    assert _postings(grouped) == expected
    # Byte for byte: the same blocks, block statistics and term table.
    for ext in ("pst", "trm"):
        (mine,), (theirs,) = (list((tmp_path / d).glob(f"*.{ext}")) for d in ("grouped", "plain"))
        assert mine.read_bytes() == theirs.read_bytes(), ext


def test_a_merged_segment_keeps_every_posting(tmp_path):
    """An optimize merges the older segment's postings into the new writer's pool."""
    docs = _documents()
    plain = _build(tmp_path / "plain", SegmentWriter, docs)
    (tmp_path / "two").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "two"), build_schema())
    half = len(docs) // 2
    for part, optimize in ((docs[:half], False), (docs[half:], True)):
        writer = KavoshSegmentWriter(ix, limitmb=1)
        for doc in part:
            writer.add_document(key=str(docs.index(doc)), **doc)
        writer.commit(optimize=optimize)
    assert len(ix._segments()) == 1
    # Both segments' documents in one segment, every posting kept.
    assert _postings(ix) == _postings(plain)


def test_postings_out_of_docnum_order_come_out_in_order():
    pool = GroupedPostingPool(RamStorage(), limitmb=1)
    for docnum in (3, 1, 2):
        pool.add(("body", b"x", docnum, 1.0, b"v%d" % docnum))
    pool.add(("body", b"a", 5, 2.0, b""))
    assert list(pool.iter_postings()) == [("body", b"a", 5, 2.0, b""), ("body", b"x", 1, 1.0, b"v1"),
                                          ("body", b"x", 2, 1.0, b"v2"), ("body", b"x", 3, 1.0, b"v3")]
