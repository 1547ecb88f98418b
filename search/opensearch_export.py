"""`kavosh export opensearch`: a whoosh index as files an OpenSearch cluster loads with curl.

The files are exactly what the OpenSearch backend's indexer sends
(search/opensearch/): the term-stream settings and mappings (stock
components, no generated rules), every document with its texts, metadata
and Kavosh's analysed term streams, the vocabulary side index, and one
``_aliases`` body that puts both behind their aliases.  After loading them,
`kavosh search --backend opensearch` (or ``OpenSearchEngine``) answers from
the cluster as the local index would.  Files are written into a temporary
folder beside the target and moved in at the end, so a failed export leaves
no half-written set.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kavosh.index.errors import KavoshError
from kavosh.opensearch import mapping
from kavosh.opensearch.indexer import source_from
from kavosh.opensearch.vocabulary import GENERATION_ID, _encode, bucket_id, bucket_of, vocabulary_alias

DEFAULT_CHUNK_BYTES = 50 * 1024 * 1024  # under OpenSearch's 100 MB http.max_content_length
MAX_ID_BYTES = 512  # OpenSearch's limit on _id
FILES = ("index.json", "vocabulary.json", "aliases.json", "README.md", "vocabulary.ndjson")


class ExportError(KavoshError):
    exit_code = 1


@dataclass
class ExportSummary:
    out: Path
    name: str
    documents: int = 0
    bulk_files: list[str] = field(default_factory=list)
    bytes: int = 0
    long_ids: int = 0
    terms: int = 0


def _bulk_id(doc_id: str) -> tuple[str, bool]:
    if len(doc_id.encode("utf-8")) <= MAX_ID_BYTES:
        return doc_id, False
    return "sha1-" + hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), True


class _BulkWriter:
    def __init__(self, folder: Path, chunk_bytes: int, stem: str = "bulk"):
        self.folder, self.chunk_bytes, self.stem = folder, chunk_bytes, stem
        self.files: list[Path] = []
        self._fh = None
        self._size = 0

    def write(self, action: dict, source: dict) -> None:
        data = (json.dumps(action, ensure_ascii=False) + "\n"
                + json.dumps(source, ensure_ascii=False) + "\n").encode("utf-8")
        if self._fh is None or (self._size and self._size + len(data) > self.chunk_bytes):
            self._next()
        self._fh.write(data)
        self._size += len(data)

    def _next(self) -> None:
        if self._fh is not None:
            self._fh.close()
        path = self.folder / f"{self.stem}-{len(self.files) + 1:04d}.ndjson"
        self.files.append(path)
        self._fh = open(path, "wb")
        self._size = 0

    def close(self) -> list[str]:
        if self._fh is not None:
            self._fh.close()
        return [p.name for p in self.files]


def export_opensearch(engine, out: Path, name: str = "kavosh",
                      chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> ExportSummary:
    """Write index.json, vocabulary.json, aliases.json, bulk file(s), vocabulary.ndjson and
    README.md into ``out``; ``name`` is the alias the cluster serves them under."""
    out = Path(out)
    _check_target(out)
    parent = out.parent if out.parent != Path("") else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=parent))
    except OSError as exc:
        raise ExportError(f"cannot write to {out}: {exc.strerror or exc}; "
                          "choose another --out folder") from None
    summary = ExportSummary(out=out, name=name)
    fingerprint = mapping.fingerprint()
    index, vocabulary_index = f"{name}-{fingerprint}-export", f"{vocabulary_alias(name)}-{fingerprint}-export"
    try:
        counts: Counter = Counter()
        bulk = _BulkWriter(work, chunk_bytes)
        for fields in engine.documents():
            source = source_from(fields)
            for field_name, terms in mapping.field_terms({f: source[f] for f in mapping.STREAM_FIELDS}).items():
                for term in terms:
                    counts[(field_name, term)] += 1
            doc_id, hashed = _bulk_id(str(fields.get("id")))
            summary.long_ids += hashed
            bulk.write({"index": {"_index": index, "_id": doc_id}}, source)
            summary.documents += 1
        summary.bulk_files = bulk.close()
        summary.terms = len(counts)
        buckets: dict[tuple[str, str], dict[str, int]] = {}
        for (field_name, term), df in counts.items():
            buckets.setdefault((field_name, bucket_of(term)), {})[term] = df
        with open(work / "vocabulary.ndjson", "w", encoding="utf-8") as fh:
            for (field_name, bucket), terms in sorted(buckets.items()):
                fh.write(json.dumps({"index": {"_index": vocabulary_index,
                                               "_id": bucket_id(field_name, bucket)}}) + "\n")
                fh.write(json.dumps({"field": field_name, "bucket": bucket, "terms": _encode(terms)},
                                    ensure_ascii=False) + "\n")
            fh.write(json.dumps({"index": {"_index": vocabulary_index, "_id": GENERATION_ID}}) + "\n")
            fh.write(json.dumps({"field": "", "bucket": "", "terms": "1"}) + "\n")
        settings = mapping.settings()
        settings["index"]["refresh_interval"] = "1s"  # loaded with ?refresh at the end
        _dump(work / "index.json", {"settings": settings, "mappings": mapping.mappings(fingerprint)})
        vocabulary_settings = mapping.vocabulary_settings()
        vocabulary_settings["index"]["refresh_interval"] = "1s"
        _dump(work / "vocabulary.json", {"settings": vocabulary_settings,
                                         "mappings": mapping.vocabulary_mappings(fingerprint)})
        _dump(work / "aliases.json", {"actions": [
            {"add": {"index": index, "alias": name}},
            {"add": {"index": vocabulary_index, "alias": vocabulary_alias(name)}}]})
        (work / "README.md").write_text(export_readme(name, index, vocabulary_index, summary),
                                        encoding="utf-8")
        summary.bytes = sum(p.stat().st_size for p in work.iterdir())
        _move_into(work, out)
    except OSError as exc:
        raise ExportError(f"cannot write to {out}: {exc.strerror or exc}; "
                          "choose another --out folder") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out} is a file: give a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / "index.json").exists():
        raise ExportError(f"--out {out} holds other files: give an empty or new folder "
                          "(or one an earlier export wrote)")


def _dump(path: Path, obj) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def _move_into(work: Path, out: Path) -> None:
    """Replace an earlier export's files with the new set (never mix two exports)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in list(out.iterdir()):
        if old.name.startswith("bulk") or old.name in FILES or old.name in ("settings.json",
                                                                             "mappings.json"):
            old.unlink()
    for new in work.iterdir():
        os.replace(new, out / new.name)


def export_readme(name: str, index: str, vocabulary_index: str, summary: ExportSummary) -> str:
    files = ", ".join(f"`{f}`" for f in summary.bulk_files) or "none (the index is empty)"
    return f"""# Kavosh index `{name}` for OpenSearch

Written by `kavosh export opensearch`: {summary.documents} documents, {summary.terms} vocabulary terms.

```sh
OPENSEARCH=http://localhost:9200
curl -fsS -XPUT "$OPENSEARCH/{index}" -H 'Content-Type: application/json' --data-binary @index.json
curl -fsS -XPUT "$OPENSEARCH/{vocabulary_index}" -H 'Content-Type: application/json' --data-binary @vocabulary.json
for f in bulk*.ndjson vocabulary.ndjson; do curl -fsS -XPOST "$OPENSEARCH/_bulk" -H 'Content-Type: application/x-ndjson' --data-binary @"$f" -o /dev/null || break; done
curl -fsS -XPOST "$OPENSEARCH/_refresh" -o /dev/null
curl -fsS -XPOST "$OPENSEARCH/_aliases" -H 'Content-Type: application/json' --data-binary @aliases.json
```

Then Kavosh searches the cluster: `kavosh search --backend opensearch` with its URL, or
`OpenSearchEngine(URL, alias="{name}")`. Documents: {files} (each under OpenSearch's 100 MB
request limit).

## What is in it

* `index.json`: one primary shard (add shards and `number_of_replicas` as your cluster needs;
  search with `dfs_query_then_fetch` when there is more than one shard), BM25 with Kavosh's
  b = 0.9, k1 = 1.2, and the `kavosh_terms` analyzer: stock `whitespace`, `stop` and
  `pattern_capture` components only. Kavosh analysed every text itself; the analysed fields hold
  its terms, one token per position, `∅` for a stop word's empty position, `¦` between terms
  that share one. No rules: nothing to go stale when new words come.
* The documents keep their texts (`text.title`, `text.body`) for snippets, `lang` and `source` as
  keywords, `date` as a date and `date_key` for Kavosh's filters and sorts, the near-duplicate
  signature and its band keys, and `sha1`/`mtime`/`size`.
* `vocabulary.json`/`vocabulary.ndjson`: every term with its document count (prefixes, other
  spellings, completions and did-you-mean read them).
"""
