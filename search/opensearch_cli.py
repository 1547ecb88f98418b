"""The body of `kavosh export opensearch` (cli.py keeps only its options)."""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import click

from kavosh.index.errors import QueryError

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.+-]{0,254}$")


def run_export(*, out: Path | None, name: str, query_text: str | None, mode: str, exact: bool,
               index_dir: Path) -> None:
    from .engine import Engine

    if (out is None) == (query_text is None):
        click.echo("kavosh: give --out DIR (export the index) or --query QUERY (print its DSL)",
                   err=True)
        sys.exit(2)
    if query_text is not None:
        _print_query(query_text, mode, exact, index_dir)
        return
    if mode != "all" or exact:
        click.echo("kavosh: --any and --exact go with --query, not with --out", err=True)
        sys.exit(2)
    if not _NAME.match(name) or name in (".", ".."):
        raise QueryError(f"--name {name[:40]!r} is not an OpenSearch index name: use lowercase "
                         "letters, digits, - _ . +, not starting with - _ +")
    from .opensearch_export import export_opensearch

    started = time.perf_counter()
    with Engine(index_dir) as engine:
        summary = export_opensearch(engine, out, name)
    seconds = time.perf_counter() - started
    click.echo(f"exported {summary.documents} documents to {summary.out} "
               f"({len(summary.bulk_files)} bulk file{'s' if len(summary.bulk_files) != 1 else ''}, "
               f"{summary.bytes / 1e6:.1f} MB, {seconds:.1f} s); see {summary.out / 'README.md'}")
    if summary.long_ids:
        click.echo(f"warning: {summary.long_ids} ids over OpenSearch's 512 bytes got a sha1 _id "
                   "(the id field keeps them whole)", err=True)


def _print_query(text: str, mode: str, exact: bool, index_dir: Path) -> None:
    """The DSL the OpenSearch backend sends for ``text`` (search/opensearch/dsl.py); its
    patterns and other spellings listed from the local index (without one, --exact only)."""
    from kavosh.index.errors import IndexNotFound
    from kavosh.opensearch import dsl

    from .engine import Engine

    try:
        engine = Engine(index_dir)
    except IndexNotFound:
        if not exact:  # other spellings are the index's words
            raise
        engine = None
    if engine is None:
        from kavosh.index.schema import build_schema
        from .query import QueryParser

        schema = build_schema()
        parsed = QueryParser(mode, variants=False, analyzer=schema["body"].analyzer,
                             exact_analyzer=schema["body_exact"].analyzer).parse(text)
        lists = {}
        if parsed.patterns:
            raise QueryError("a pattern (*, ?) is listed from an index: pass --index DIR")
    else:
        with engine, engine.searching() as searcher:
            parsed = engine.parse(text, mode, exact)
            lists, _terms, _keys = dsl.expand(parsed, searcher.reader())
    body = {"query": {"match_none": {}} if parsed.empty else dsl.compile_query(parsed.query, lists)}
    if parsed.dropped:
        click.echo(f"ignored common words: {' '.join(parsed.dropped)}", err=True)
    click.echo(json.dumps(body, ensure_ascii=False, indent=1))
