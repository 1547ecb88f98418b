"""`kavosh export opensearch`: the index as files OpenSearch loads with two curl commands.

Reads every stored document through the engine, writes them as `_bulk`
files, collects the words each language's fields will see and turns them into
the override rules of the generated settings (index/opensearch.py).  Files are
written into a temporary folder beside the target and moved in at the end, so
a failed export leaves no half-written set.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kavosh.index.errors import KavoshError
from kavosh.index.normalize import script_language
from kavosh.index.opensearch import LANGS, build_mappings, build_settings, text_languages
from kavosh.index.opensearch_rules import Vocabulary

STORED = ("id", "title", "body", "lang", "date", "source", "url")
DEFAULT_CHUNK_BYTES = 50 * 1024 * 1024  # under OpenSearch's 100 MB http.max_content_length
MAX_ID_BYTES = 512  # OpenSearch's limit on _id


class ExportError(KavoshError):
    exit_code = 1


@dataclass
class ExportSummary:
    out: Path
    name: str
    documents: int = 0
    bulk_files: list[str] = field(default_factory=list)
    bytes: int = 0
    rules: dict = field(default_factory=dict)
    long_ids: int = 0


def opensearch_document(fields: dict) -> dict:
    """One document's `_bulk` source: the stored fields and the analysed copies per language."""
    doc = {k: fields.get(k) for k in STORED if fields.get(k) not in (None, "")}
    title, body = fields.get("title") or "", fields.get("body") or ""
    for name, text in (("title", title), ("body", body)):
        if text:
            for lang in text_languages(text, fields.get("lang")):
                doc[f"{name}_{lang}"] = text
    script = script_language(title + "\n" + body)
    doc[f"variant_{script if script in LANGS else 'other'}"] = [t for t in (title, body) if t]
    return doc


def _bulk_id(doc_id: str) -> tuple[str, bool]:
    if len(doc_id.encode("utf-8")) <= MAX_ID_BYTES:
        return doc_id, False
    return "sha1-" + hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), True


class _BulkWriter:
    def __init__(self, folder: Path, chunk_bytes: int):
        self.folder, self.chunk_bytes = folder, chunk_bytes
        self.files: list[Path] = []
        self._fh = None
        self._size = 0
        self.total = 0

    def write(self, action: dict, source: dict) -> None:
        data = (json.dumps(action, ensure_ascii=False) + "\n"
                + json.dumps(source, ensure_ascii=False) + "\n").encode("utf-8")
        if self._fh is None or (self._size and self._size + len(data) > self.chunk_bytes):
            self._next()
        self._fh.write(data)
        self._size += len(data)
        self.total += len(data)

    def _next(self) -> None:
        if self._fh is not None:
            self._fh.close()
        path = self.folder / f"bulk-{len(self.files) + 1:04d}.ndjson"
        self.files.append(path)
        self._fh = open(path, "wb")
        self._size = 0

    def close(self) -> list[str]:
        if self._fh is not None:
            self._fh.close()
        if len(self.files) == 1:  # one file: the plain name
            self.files[0] = self.files[0].rename(self.folder / "bulk.ndjson")
        return [p.name for p in self.files]


def export_opensearch(engine, out: Path, name: str = "kavosh",
                      chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> ExportSummary:
    """Write settings.json, mappings.json, index.json, bulk file(s) and README.md into ``out``."""
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
    try:
        vocabulary = Vocabulary()
        bulk = _BulkWriter(work, chunk_bytes)
        for fields in engine.documents():
            doc = opensearch_document(fields)
            for kind in ("title", "body"):
                for lang in LANGS:
                    text = doc.get(f"{kind}_{lang}")
                    if text:
                        vocabulary.add(text, (lang,))
            doc_id, hashed = _bulk_id(str(fields.get("id")))
            summary.long_ids += hashed
            bulk.write({"index": {"_id": doc_id}}, doc)
            summary.documents += 1
        summary.bulk_files = bulk.close()
        rules = vocabulary.rules()
        summary.rules = {lang: {k: len(v) for k, v in r.items()} for lang, r in rules.items()}
        settings = {"settings": build_settings(rules)}
        mappings = {"mappings": build_mappings()}
        _dump(work / "settings.json", settings, compact=True)
        _dump(work / "mappings.json", mappings)
        _dump(work / "index.json", {**settings, **mappings}, compact=True)
        readme = export_readme(name, summary, shlex.quote(str(getattr(engine, "index_dir", "DIR"))))
        (work / "README.md").write_text(readme, encoding="utf-8")
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


def _dump(path: Path, obj, compact: bool = False) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        if compact:  # the settings hold some 100,000 rules: one per line, no indentation
            json.dump(obj, fh, ensure_ascii=False, separators=(",", ":"))
        else:
            json.dump(obj, fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def _move_into(work: Path, out: Path) -> None:
    """Replace an earlier export's files with the new set (never mix two exports)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in list(out.iterdir()):
        if old.name.startswith("bulk") or old.name in ("settings.json", "mappings.json",
                                                       "index.json", "README.md"):
            old.unlink()
    for new in work.iterdir():
        os.replace(new, out / new.name)


def export_readme(name: str, summary: ExportSummary, index_dir: Path | str = "KAVOSH_INDEX") -> str:
    files = ", ".join(f"`{f}`" for f in summary.bulk_files) or "none (the index is empty)"
    rules = "; ".join(f"{lang}: {r.get('stems', 0)} stem rules, {r.get('joined', 0)} joined-word rules"
                      for lang, r in summary.rules.items())
    return f"""# Kavosh index `{name}` for OpenSearch

Written by `kavosh export opensearch`: {summary.documents} documents.

```sh
OPENSEARCH=http://localhost:9200
curl -fsS -XPUT "$OPENSEARCH/{name}" -H 'Content-Type: application/json' --data-binary @index.json
for f in bulk*.ndjson; do curl -fsS -XPOST "$OPENSEARCH/{name}/_bulk?refresh=false" -H 'Content-Type: application/x-ndjson' --data-binary @"$f" -o /dev/null || break; done
```

The first command creates the index (`index.json` is `settings.json` and `mappings.json` in one
body); the second loads the documents ({files}; each file stays under OpenSearch's 100 MB request
limit). Add `-u user:password` (and `-k` for a self-signed certificate) as your cluster needs.

## What is in it

* `settings.json`: analyzers built from OpenSearch's own components that reproduce Kavosh's
  analysis chain (analyzer version {_analyzer_version()}): the normalization table as the `mapping`
  char filter `kavosh_normalize`, Kavosh's tokenizer as a `pattern` tokenizer, the stop list, ZWNJ
  compounds' parts through `pattern_capture`, hamza-seat terms and the cross-script skeletons
  through `pattern_replace` chains, light10 as `arabic_stem`, BM25 with Kavosh's b = 0.9, k1 = 1.2.
* **Rules generated from this index's own words** ({rules}): Kavosh's Persian stemmer is guarded by
  hazm's lexicon and a verb table, and its Arabic stemmer protects a few words and strips ب ل ک
  only before known words; no OpenSearch rule says that, so every word this index holds that
  Kavosh stems differently from the rule-based part is a `stemmer_override` rule. A word new to
  the index gets the rule-based part only: no Persian stemming, plain light10 for Arabic.
  Export again after indexing much new text.
* `mappings.json`: `id`, `title`, `body`, `lang`, `date`, `source`, `url` as Kavosh stores them;
  `title_fa`/`title_ar` and `body_fa`/`body_ar` take each text by Kavosh's language detection
  (a text of mixed or no clear language goes to both), `variant_fa`/`variant_ar`/`variant_other`
  the cross-script skeletons. The analysed copies are left out of `_source`.

Queries keep Kavosh's syntax: `kavosh export opensearch --query` prints the Query DSL a Kavosh
query becomes (its other spellings listed from the Kavosh index), ready for `_search`:

```sh
kavosh export opensearch --index {index_dir} --query 'پهپاد کیف' \\
  | curl -fsS -XPOST "$OPENSEARCH/{name}/_search" -H 'Content-Type: application/json' --data-binary @-
```
"""


def _analyzer_version() -> int:
    from kavosh.index.analysis import ANALYZER_VERSION

    return ANALYZER_VERSION
