"""`kavosh index PATH` and `kavosh remove PATH` into OpenSearch.

The same files give the same documents as the whoosh index: discovery,
reading, formats, ids, languages, dates and sources are Kavosh's own code
(index/discovery.py, index/ingest.py, index/formats/); only where they go
differs.  Each document carries its texts (for snippets) and Kavosh's term
streams (search/opensearch/mapping.py), analysed in ``procs`` processes.

Lifecycle: the alias (``kavosh``) names one concrete index,
``kavosh-<analysis fingerprint>-<time>``, and ``kavosh-vocabulary`` its
vocabulary.  A run with this code's fingerprint updates that index in
place: new, changed and deleted documents only (size and mtime, then the
content hash, as the whoosh writer decides).  A run under another
fingerprint, or ``rebuild``, builds a new pair of indexes beside the old one,
then moves both aliases in ONE ``_aliases`` call: searches see the old index
or the new, never a mix, and the old stays for rollback.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from kavosh.index.dates import date_key
from kavosh.index.errors import InputError
from kavosh.index.ingest import MAX_DOC_BYTES, Skip, discover, open_source
from kavosh.index.near_dup import band_keys, signature
from kavosh.index.normalize import detect_language
from kavosh.index.roots import Root, absolute, dump_roots, is_under, load_roots, owner, root_for
from kavosh.index.sources import source_key
from kavosh.index.writer import IndexSummary, Progress, Removed, index_procs

from . import mapping
from .connection import DEFAULT_ALIAS, alias_target, connect, kavosh_meta
from .errors import OpenSearchError
from .id_holders import IndexIdHolders, claimed, reread, still_kept_out, to_recheck
from .vocabulary import apply_changes, read_generation, vocabulary_alias

BULK_CHUNK = 500
ANALYSE_CHUNK = 16


# --- one document ------------------------------------------------------------


def document_source(doc, sf, sha1: str) -> dict:
    """Everything OpenSearch keeps of one document read from ``sf``: texts, metadata, streams."""
    fields = {"id": doc.id, "title": doc.title, "body": doc.body,
              "lang": doc.lang or detect_language(doc.title + "\n" + doc.body),
              "key": f"{sf.text_path}#{doc.id}", "path": sf.rel, "root": sf.text_root,
              "source_file": sf.text_path, "size": sf.size, "mtime": sf.mtime, "sha1": sha1}
    for name in ("url", "date", "source", "date_origin"):
        fields[name] = getattr(doc, name)
    return source_from(fields)


def source_from(fields: dict) -> dict:
    """A document's OpenSearch source from its stored fields (the whoosh index's names):
    what the indexer sends and what `kavosh export opensearch` writes."""
    title, body, lang = fields.get("title") or "", fields.get("body") or "", fields.get("lang") or "other"
    sig = signature(body)
    key = date_key(fields.get("date"))
    source = {
        **mapping.document_streams(title, body, lang),
        mapping.TEXT: {"title": title, "body": body},
        "lang": lang, "near_dup": sig.hex(), "near_dup_bands": band_keys(sig),
        "date_key": key or None, "month": _month(key),
    }
    for name in ("key", "id", "path", "root", "source_file", "size", "mtime", "sha1",
                 "url", "date", "source", "date_origin"):
        if fields.get(name) not in (None, ""):
            source[name] = fields[name]
    if fields.get("source"):
        source["source_key"] = source_key(fields["source"])
    return source


def _month(key: int) -> int:
    """year × 12 + month − 1 of a date key, 0 for none (search/facets.py's ``Tables``)."""
    return key // 10**10 * 12 + key // 10**8 % 100 - 1 if key else 0


def _analysed(item):
    """A worker's job: (action source, its terms by field)."""
    doc, sf, sha1 = item
    source = document_source(doc, sf, sha1)
    return source, mapping.field_terms({f: source[f] for f in mapping.STREAM_FIELDS})


def stored_terms(texts: dict, lang: str) -> dict[str, set[str]]:
    """The terms a stored document was indexed with, re-analysed from its texts."""
    return mapping.field_terms(mapping.document_streams(texts.get("title", ""), texts.get("body", ""),
                                                        lang or "other"))


# --- the run -----------------------------------------------------------------


class _Run:
    """One `kavosh index` run against one target index."""

    def __init__(self, client, index: str, vocabulary: str, procs: int, progress):
        self.client, self.index, self.vocabulary = client, index, vocabulary
        self.procs, self.progress = procs, progress
        self.changes: Counter = Counter()
        self.summary, self.docs, self._pool = IndexSummary(), 0, None
        self.ids = IndexIdHolders()
        self.recheck: set[str] | None = None  # files with records kept out by a taken id

    def analyse(self, items):
        if self.procs <= 1:
            return map(_analysed, items)
        if self._pool is None:
            import multiprocessing

            mapping.analyzers()  # built once here, inherited by the forked workers
            self._pool = multiprocessing.get_context("fork").Pool(self.procs)
        return self._pool.imap(_analysed, items, chunksize=ANALYSE_CHUNK)

    def close(self):
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None

    def send(self, actions) -> None:
        from opensearchpy import helpers

        for ok, item in helpers.streaming_bulk(self.client, actions, chunk_size=BULK_CHUNK,
                                               raise_on_error=False, max_retries=3):
            if not ok:
                op = next(iter(item.values()))
                if op.get("status") != 404:
                    raise OpenSearchError(f"OpenSearch refused a document: {str(op.get('error'))[:300]}")

    def forget(self, hits) -> None:
        """Subtract stored documents' terms from the vocabulary (they are replaced or removed)."""
        for hit in hits:
            src = hit["_source"]
            for field, terms in stored_terms(src.get(mapping.TEXT, {}), src.get("lang")).items():
                for term in terms:
                    self.changes[(field, term)] -= 1


def _scan_state(client, index: str, scopes) -> dict[str, dict]:
    """source_file → {size, mtime, sha1, keys, ids} of the indexed documents in the scopes."""
    from opensearchpy import helpers

    state: dict[str, dict] = {}
    roots = sorted({root.path for root, _where, _given in scopes})
    query = {"query": {"terms": {"root": roots}},
             "_source": ["source_file", "size", "mtime", "sha1", "key", "id"]}
    for hit in helpers.scan(client, index=index, query=query, size=2_000):
        src = hit["_source"]
        source_file = src["source_file"]
        if not any(source_file == where or is_under(source_file, where) for _r, where, _g in scopes):
            continue
        entry = state.setdefault(source_file, {"size": src.get("size"), "mtime": src.get("mtime"),
                                               "sha1": src.get("sha1"), "keys": set(), "ids": set()})
        entry["keys"].add(src["key"])
        entry["ids"].add(src["id"])
    return state


def _docs_of(client, index: str, field: str, value: str, fields=None):
    from opensearchpy import helpers

    query = {"query": {"term": {field: value}},
             "_source": fields or [mapping.TEXT, "lang", "id", "key"]}
    return list(helpers.scan(client, index=index, query=query, size=1_000))


def _new_names(alias: str, fingerprint: str) -> tuple[str, str]:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
    return f"{alias}-{fingerprint}-{stamp}", f"{vocabulary_alias(alias)}-{fingerprint}-{stamp}"


def _create(client, index: str, vocabulary: str, fingerprint: str, shards: int, replicas: int) -> None:
    client.indices.create(index=index, body={"settings": mapping.settings(shards=shards, replicas=replicas),
                                             "mappings": mapping.mappings(fingerprint)})
    client.indices.create(index=vocabulary,
                          body={"settings": mapping.vocabulary_settings(shards=shards, replicas=replicas),
                                "mappings": mapping.vocabulary_mappings(fingerprint)})


def index_paths(url: str, paths: list[Path], *, alias: str = DEFAULT_ALIAS, rebuild: bool = False,
                procs: int | None = 1, progress=None, max_doc_bytes: int = MAX_DOC_BYTES,
                shards: int = 1, replicas: int = 0, wait: bool = False, client=None) -> IndexSummary:
    """Index (or bring up to date) the documents under ``paths`` into the OpenSearch
    index behind ``alias``; returns what whoosh's ``index_paths`` returns.

    ``procs``: processes that analyse documents (None or 0: $KAVOSH_INDEX_PROCS, else one
    per CPU); ``shards``/``replicas``: of a new index; ``wait`` is accepted for the whoosh
    signature's sake (one indexing run at a time is the caller's to arrange)."""
    for p in paths:
        if not Path(p).exists():
            raise InputError(f"{p}: no such file or folder")
        if not os.access(p, os.R_OK):
            raise InputError(f"{p}: permission denied")
    started = time.perf_counter()
    client = client or connect(url)
    fingerprint = mapping.fingerprint()
    current = alias_target(client, alias)
    old_meta = kavosh_meta(client, current) if current else {}
    fresh = current is None or rebuild or not mapping.serves(old_meta.get("index_fingerprint"))
    roots = [] if (current is None or rebuild) else load_roots(old_meta)
    if fresh:
        index, vocabulary = _new_names(alias, fingerprint)
        _create(client, index, vocabulary, fingerprint, shards, replicas)
    else:
        index = current
        vocabulary = alias_target(client, vocabulary_alias(alias))
        client.indices.put_settings(index=index, body={"index": {"refresh_interval": "-1"}})
    given = list(paths)
    if fresh and roots:  # a new analysis: every root indexed before comes along
        given += [Path(r.path) for r in roots if Path(r.path).exists()]
    scopes: list[tuple[Root, str, Path]] = []
    for p in given:
        where = absolute(p)
        root = root_for(where, p, roots)
        if all(where != w for _r, w, _g in scopes):
            scopes.append((root, where, Path(p)))
    run = _Run(client, index, vocabulary, index_procs(procs) if procs != 1 else 1, progress)
    run.ids = IndexIdHolders(None if fresh else client, index)
    try:
        state = {} if fresh else _scan_state(client, index, scopes)
        files, listed = [], set()
        for root, _where, path in scopes:
            for sf in discover(path):
                if sf.unsupported:
                    run.summary.unsupported.append(root.prefix + root.rel(sf.text_path))
                    continue
                holder = owner(sf.text_path, roots)
                if holder is not root or sf.text_path in listed:
                    continue
                listed.add(sf.text_path)
                files.append(replace(sf, root=Path(root.path), rel=root.prefix + root.rel(sf.text_path)))
        run.recheck = set() if fresh else to_recheck(old_meta, listed, [w for _r, w, _g in scopes])
        # Gone files first, as whoosh frees their ids: a renamed file's ids are its own.
        for source_file in (f for f in state if f not in listed):
            run.ids.free(state[source_file], source_file)
            hits = _docs_of(client, index, "source_file", source_file)
            run.forget(hits)
            run.send({"_op_type": "delete", "_index": index, "_id": h["_id"]} for h in hits)
            run.summary.removed += len(hits)
        run.send(_actions(run, files, state, max_doc_bytes))
    except BaseException:
        _abandon(client, index, vocabulary, fresh)
        raise
    finally:
        run.close()
    changed = (fresh or run.docs or run.summary.removed or dump_roots(roots) != old_meta.get("roots")
               or sorted(run.recheck) != old_meta.get("recheck", []))
    if changed:
        _finish(client, index, vocabulary, run, roots, fresh)
    else:  # nothing new: the refresh interval goes back as it was
        client.indices.put_settings(index=index, body={"index": {"refresh_interval": "1s"}})
    if fresh:
        _swap(client, alias, current, index, vocabulary)
    run.summary.documents = client.count(index=index)["count"]
    run.summary.seconds = time.perf_counter() - started
    return run.summary


def _actions(run: _Run, files, state: dict, max_doc_bytes: int):
    """Bulk actions for the new and changed documents of ``files``; counts go to the summary."""
    summary, total_bytes, done_bytes = run.summary, sum(sf.size or 0 for sf in files), 0
    for sf in files:
        old = reread(state.get(sf.text_path), sf.text_path, run.recheck)
        done_bytes += sf.size or 0
        if not sf.problem and old and old["size"] == sf.size and old["mtime"] == sf.mtime:
            summary.unchanged += len(old["keys"])
            continue
        try:
            source = open_source(sf, max_doc_bytes)
            summary.bytes_read += source.size
            if old and old["sha1"] == source.sha1:
                summary.unchanged += len(old["keys"])
                continue
            parsed = source.parse()
            documents = list(parsed.documents)
        except Skip as skip:
            summary.skipped.append(f"{sf.rel}: {skip}")
            if old:
                run.ids.free(old, sf.text_path)
                hits = _docs_of(run.client, run.index, "source_file", sf.text_path)
                run.forget(hits)
                for h in hits:
                    yield {"_op_type": "delete", "_index": run.index, "_id": h["_id"]}
                summary.removed += len(hits)
            continue
        if old:
            run.ids.free(old, sf.text_path)
        if still_kept_out(run.ids, documents, sf, old, source.sha1, summary, run.recheck):
            summary.unchanged += len(old["keys"])
            continue
        old_hits = _docs_of(run.client, run.index, "source_file", sf.text_path) if old else []
        run.forget(old_hits)
        new_keys = set()
        items = [(doc, sf, source.sha1) for doc in claimed(run.ids, documents, sf, summary, run.recheck)]
        for source_doc, terms in run.analyse(items):
            for field, field_terms in terms.items():
                for term in field_terms:
                    run.changes[(field, term)] += 1
            new_keys.add(source_doc["key"])
            run.docs += 1
            if run.progress is not None:
                run.progress(Progress("indexing", run.docs, max(run.docs, len(items)), done_bytes,
                                      total_bytes, sf.rel))
            yield {"_op_type": "index", "_index": run.index, "_id": source_doc["id"], "_source": source_doc}
        old_keys = {h["_source"]["key"] for h in old_hits}
        for h in old_hits:
            if h["_source"]["key"] not in new_keys:
                yield {"_op_type": "delete", "_index": run.index, "_id": h["_id"]}
        summary.warnings.extend(parsed.warnings)
        summary.skipped.extend(parsed.skipped)
        summary.updated += len(new_keys & old_keys)
        summary.added += len(new_keys - old_keys)
        summary.removed += len(old_keys - new_keys)


def _abandon(client, index: str, vocabulary: str, fresh: bool) -> None:
    """A run that failed or was interrupted: a new index beside the alias's is deleted (the
    alias never moved to it); an index updated in place gets its refresh back (what was
    sent is searchable; the vocabulary counts of this run are not written: run it again)."""
    try:
        if fresh:
            client.indices.delete(index=f"{index},{vocabulary}", ignore=[404])
        else:
            client.indices.put_settings(index=index, body={"index": {"refresh_interval": "1s"}})
    except Exception:  # noqa: BLE001  (the original error is the one to report)
        pass


def _finish(client, index: str, vocabulary: str, run: _Run, roots, fresh: bool) -> None:
    """Vocabulary counts, recorded roots, refresh back on: the run becomes visible."""
    if run.progress is not None:
        run.progress(Progress("committing", run.docs, run.docs, 0, 0, ""))
    generation = (0 if fresh else read_generation(client, vocabulary)) + 1
    changes = Counter({k: v for k, v in run.changes.items() if v})
    apply_changes(client, vocabulary, changes, generation)
    meta = kavosh_meta(client, index)
    meta["roots"] = dump_roots(roots)
    if run.recheck is not None:
        meta["recheck"] = sorted(run.recheck)
    meta["updated"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    meta.setdefault("created", meta["updated"])
    client.indices.put_mapping(index=index, body={"_meta": {"kavosh": meta}})
    for name in (index, vocabulary):
        client.indices.put_settings(index=name, body={"index": {"refresh_interval": "1s"}})
        client.indices.refresh(index=name)


def _swap(client, alias: str, old: str | None, index: str, vocabulary: str) -> None:
    """Point both aliases at the new indexes in one atomic ``_aliases`` call."""
    actions = []
    if old is not None:
        actions.append({"remove": {"index": old, "alias": alias}})
        old_vocabulary = alias_target(client, vocabulary_alias(alias))
        if old_vocabulary:
            actions.append({"remove": {"index": old_vocabulary, "alias": vocabulary_alias(alias)}})
    actions += [{"add": {"index": index, "alias": alias}},
                {"add": {"index": vocabulary, "alias": vocabulary_alias(alias)}}]
    client.indices.update_aliases(body={"actions": actions})


def remove_paths(url: str, paths: list[Path], *, alias: str = DEFAULT_ALIAS, wait: bool = False,
                 client=None) -> tuple[list[Removed], int]:
    """Drop roots, files or folders from the index behind ``alias``, even if gone from disk.
    Returns what was removed and the documents left (as whoosh's ``remove_paths``)."""
    from opensearchpy import helpers

    from .connection import opened_index

    client = client or connect(url)
    index, meta = opened_index(client, alias, mapping.fingerprint(), url)
    vocabulary = alias_target(client, vocabulary_alias(alias))
    roots = load_roots(meta)
    per_file: Counter = Counter()
    for hit in helpers.scan(client, index=index, query={"_source": ["source_file"]}, size=2_000):
        per_file[hit["_source"]["source_file"]] += 1
    plan = []
    for p in paths:
        where = absolute(Path(p))
        root = next((r for r in roots if r.path == where), None)
        inside = [f for f in per_file if f == where or is_under(f, where)]
        if root is None and not inside:
            raise InputError(f"{p}: not an indexed root, folder or file (`kavosh stats` lists the roots)")
        what = "root" if root is not None else ("file" if inside == [where] else "folder")
        plan.append((Removed(str(p), what, sum(per_file[f] for f in inside)), inside, root))
    run = _Run(client, index, vocabulary, 1, None)
    run.recheck = {f for f in meta.get("recheck", []) if not any(f in inside for _r, inside, _o in plan)}
    for _removed, inside, _root in plan:
        for source_file in inside:
            hits = _docs_of(client, index, "source_file", source_file)
            run.forget(hits)
            run.send({"_op_type": "delete", "_index": index, "_id": h["_id"]} for h in hits)
    dropped = {root.path for _r, _i, root in plan if root is not None}
    _finish(client, index, vocabulary, run, [r for r in roots if r.path not in dropped], fresh=False)
    return [removed for removed, _i, _r in plan], client.count(index=index)["count"]
