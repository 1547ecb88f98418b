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
    from .engine import Engine
    from .opensearch_query import to_dsl
    from .query import QueryParser

    parsed = QueryParser(mode, variants=not exact).parse(text)
    if exact:
        dsl = to_dsl(text, mode=mode, exact=True)
    else:
        with Engine(index_dir) as engine:
            dsl = to_dsl(text, mode=mode, exact=False, engine=engine)
    if parsed.dropped:
        click.echo(f"ignored common words: {' '.join(parsed.dropped)}", err=True)
    click.echo(json.dumps(dsl, ensure_ascii=False, indent=1))
