"""The `kavosh` command line: index, remove, search, show, stats, analyze, serve.

Every command takes --index DIR (else $KAVOSH_INDEX, else the per-user data
folder), or --backend opensearch with --opensearch-url (search/backends.py).
User mistakes print one line on stderr and exit non-zero; only a bug shows a
traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from functools import wraps
from pathlib import Path

import click

from kavosh.index.errors import KavoshError, QueryError

from .backends import backend_options
from .choices import DEFAULT_SORT, LANGUAGES, SORTS
from .terminal import Display, hit_date, mark, wrap_marked

def _seeds() -> Path:
    """The bundled seeds/ corpus: package data (kavosh.seeds), the checkout's seeds/ when editable."""
    from importlib.util import find_spec

    spec = find_spec("kavosh.seeds")
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) if locations else Path(__file__).resolve().parent.parent / "seeds"

QUERY_HELP = """\b
Query syntax (all words must match unless you say otherwise):
  پهپاد کیف             both words (Persian)
  الطائرات المسيرة      both words (Arabic; finds Persian spellings too)
  کیف OR كييف           either word
  روسیه -اوکراین        exclude a word (also: NOT اوکراین)
  "حمله پهپادی"         exact phrase
  title:موسکو           only in titles (also body:)
  پهپاد*                words starting with پهپاد
  (کیف OR مسکو) پهپاد   grouping
Diacritics, tatweel, ZWNJ, Arabic/Persian letter forms and
Persian/Arabic-Indic digits never matter: كِتاب = کتاب, ۲۰۲۴ = 2024."""


def _friendly_errors(f):
    """Turn a KavoshError into one line on stderr and its exit code."""
    @wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except KavoshError as exc:
            click.echo(f"kavosh: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("kavosh: interrupted", err=True)
            sys.exit(130)
    return wrapper


def _typed(value: str | None, what: str) -> str | None:
    """Text from the command line, refused if the terminal sent bytes that are not UTF-8.

    Python keeps such bytes as lone surrogates, which can be neither searched
    nor printed (click.echo failed with UnicodeEncodeError on a UTF-8 stdout).
    """
    if value is not None and any("\ud800" <= c <= "\udfff" for c in value):
        raise QueryError(f"the {what} holds bytes that are not UTF-8 text: set the terminal to "
                         "UTF-8 (e.g. LANG=C.UTF-8) and type it again")
    return value


def _given(ctx, name: str) -> bool:
    """Whether the option ``name`` was given (command line or environment), not defaulted."""
    from click.core import ParameterSource

    return ctx.get_parameter_source(name) not in (None, ParameterSource.DEFAULT)


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


class _Commands(click.Group):
    """The command group: Ctrl-C at any moment is one line and exit 130.

    A command's own Ctrl-C is handled by ``_friendly_errors``; one that lands as
    the command returns (a run's last milliseconds) would otherwise be click's
    "Aborted!" and exit 1.
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("kavosh: interrupted", err=True)
            sys.exit(130)


@click.group(cls=_Commands,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="kavosh")
def main():
    """Kavosh (کاوش): full-text search for Persian and Arabic documents.

    \b
    kavosh index ~/archive        index a folder (.txt .html .jsonl .pdf .docx .odt .epub .md)
    kavosh search 'پهپاد کیف'     search it
    kavosh serve                  search it in the browser
    kavosh remove ~/archive       drop the folder from the index
    """


# --- index -------------------------------------------------------------------


@main.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Start from an empty index instead of updating.")
@click.option("--wait", is_flag=True, help="If another `kavosh index` is running, wait for it.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no warnings: only errors and the summary.")
@click.option("-v", "--verbose", is_flag=True, help="Also list each file skipped for its type.")
@click.option("--max-file-size", "max_file_size", default="10MB", show_default=True, metavar="SIZE",
              callback=lambda ctx, param, value: _size(value),
              help="Skip a file (.txt, .pdf…), or a JSONL record, bigger than this "
                   "(e.g. 500kB, 50MB). JSONL files themselves may be any size.")
@click.option("--procs", type=click.IntRange(min=0), default=None, metavar="N",
              help="Analyse documents in N processes (0: one per CPU; default 1, or "
                   "$KAVOSH_INDEX_PROCS). Faster on a large input; leaves one segment per process.")
@click.option("--shards", type=click.IntRange(min=1), default=None, metavar="N",
              help="OpenSearch: primary shards of a newly built index (default 1: enough "
                   "until its size says otherwise).")
@click.option("--replicas", type=click.IntRange(min=0), default=None, metavar="N",
              help="OpenSearch: copies of each shard on other nodes (default 0; 1 on a cluster "
                   "keeps every search answering while a node is down).")
@_friendly_errors
@backend_options
def index_cmd(paths, rebuild, wait, quiet, verbose, max_file_size, procs, shards, replicas, backend):
    """Index PATHS (folders are searched recursively; default: the bundled seeds/).

    Reads .txt (first line is the title), .html/.htm (visible text), .jsonl
    (one {"id","title","body"|"text","url","date","lang"} per line), .pdf (each
    page a section; scanned pages need Tesseract), .docx, .odt, .epub and .md;
    text in UTF-8 or legacy Windows-1256.  Files of other types are counted at
    the end (--verbose lists them).  Run again to pick up new, changed and deleted
    files; only those are re-indexed, and only under PATHS: other folders in
    the index are left alone (`kavosh stats` lists them, `kavosh remove`
    drops one).  Ids are paths relative to the first folder indexed; a later
    folder's ids start with its name (B/x.txt).
    """
    if not paths:
        seeds = _seeds()
        if not seeds.is_dir():
            raise click.UsageError("no PATH given and the bundled seeds/ folder is missing")
        paths = (seeds,)
    show_bar = not quiet and sys.stderr.isatty()
    bar = _IndexProgress(sys.stderr) if show_bar else None
    try:
        summary = backend.index_paths(paths, rebuild=rebuild, wait=wait, progress=bar,
                                      max_doc_bytes=max_file_size, procs=procs,
                                      shards=shards, replicas=replicas)
    finally:
        if bar is not None:
            bar.close()
    if not quiet:
        for warning in summary.warnings:
            click.echo(f"warning: {warning}", err=True)
        for skipped in summary.skipped:
            click.echo(f"skipped: {skipped}", err=True)
        if summary.cleaned:
            click.echo(f"note: deleted {summary.cleaned} files left by an interrupted run", err=True)
    if verbose:
        for name in summary.unsupported:
            click.echo(f"skipped: {name}: unsupported type", err=True)
    unsupported = summary.unsupported_line()
    if unsupported:  # even with --quiet: no file is left out without a word
        click.echo(f"skipped: {unsupported}" + ("" if verbose else " (--verbose lists them)"), err=True)
    click.echo(f"{backend.where}: {summary.line()}")


class _IndexProgress:
    """`kavosh index`'s progress line on a terminal: documents read, docs/s, the
    share of the input read, an ETA, then "committing…" with the seconds it takes."""

    def __init__(self, stream, interval: float = 0.25):
        import time

        self.stream, self.interval, self._time = stream, interval, time.monotonic
        self.started = self._time()
        self.shown = 0.0
        self.width = 0
        self.ticker = None
        self.stop = None

    def _show(self, text: str) -> None:
        pad = max(0, self.width - len(text))
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self.width = len(text)

    def __call__(self, p) -> None:
        now = self._time()
        if p.phase == "committing":
            self._committing(p.docs)
            return
        if now - self.shown < self.interval:
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-6)
        share = p.bytes_done / p.bytes_total if p.bytes_total else 0.0
        eta = ""
        if 0.01 <= share < 1:
            left = elapsed * (1 - share) / share
            eta = f"  ETA {int(left // 60)}:{int(left % 60):02}"
        total = max(p.docs_total, p.docs)
        name = p.name if len(p.name) <= 30 else "…" + p.name[-29:]
        self._show(f"indexing {p.docs:,}/{total:,} docs  {share:4.0%}  "
                   f"{p.docs / elapsed:,.0f} docs/s{eta}  {name}")

    def _committing(self, docs: int) -> None:
        import threading

        began = self._time()
        label = f"committing {docs:,} documents…" if docs else "committing…"
        self._show(label)
        self.stop = threading.Event()

        def tick():
            while not self.stop.wait(1.0):
                self._show(f"{label} {self._time() - began:.0f} s")

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        self.ticker = ticker  # only once started: Ctrl-C may land inside start()

    def close(self) -> None:
        if self.stop is not None:  # (Ctrl-C may come before the ticker exists or runs)
            self.stop.set()
            if self.ticker is not None and self.ticker.is_alive():
                self.ticker.join()
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _size(value) -> int:
    from kavosh.index.ingest import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


# --- remove ------------------------------------------------------------------


@main.command("remove")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--wait", is_flag=True, help="If another `kavosh index` is running, wait for it.")
@_friendly_errors
@backend_options
def remove_cmd(paths, wait, backend):
    """Drop PATHS from the index: roots (as `kavosh stats` lists them), folders or files.

    Works for paths that are gone from disk.  All in one commit: an unknown
    PATH removes nothing.
    """
    removed, left = backend.remove_paths(paths, wait=wait)
    for item in removed:
        click.echo(f"removed {item.what} {item.path}: {item.documents} documents")
    click.echo(f"{backend.where}: {left} documents in the index")


# --- search ------------------------------------------------------------------


class _QueryCommand(click.Command):
    """A command whose words may start with '-' (روسیه -اوکراین excludes a word),
    but whose mistyped options (--limt 3, --josn) are still errors, not search words.

    Click passes unknown options through as words (``ignore_unknown_options``);
    this refuses any ``--name`` before a ``--`` that is not one of the options.
    """

    def parse_args(self, ctx, args):
        known = {name for param in self.get_params(ctx) for name in param.opts + param.secondary_opts}
        for arg in args:
            if arg == "--":
                break
            name = arg.split("=", 1)[0]
            if name.startswith("--") and name not in known:
                from difflib import get_close_matches

                raise click.NoSuchOption(
                    name, possibilities=get_close_matches(name, sorted(known), n=3), ctx=ctx)
        return super().parse_args(ctx, args)


@main.command("search", cls=_QueryCommand, epilog=QUERY_HELP,
              context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, required=True)
@click.option("-n", "--limit", default=10, show_default=True, help="Hits to show (1–100).")
@click.option("--offset", default=0, show_default=True, help="Skip this many hits (paging).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Only documents in this language.")
@click.option("--any", "any_words", is_flag=True,
              help="Rank documents matching any of the words (default: all must match).")
@click.option("--exact", is_flag=True,
              help="Only the words as typed (after normalization): no cross-script "
                   "spelling variants such as ترامپ/ترامب.")
@click.option("--since", default=None, metavar="DATE",
              help="Only documents dated on or after DATE: 2024, 2024-11, 2024-11-03, or Jalali "
                   "1403, 1403/08, 1403/08/14 (a year below 1700 is Jalali).")
@click.option("--until", default=None, metavar="DATE",
              help="Only documents dated on or before DATE (its whole year, month or day).")
@click.option("--source", "sources", multiple=True, metavar="NAME",
              help="Only documents from this source (repeat for several; case does not matter).")
@click.option("--sort", type=click.Choice(SORTS), default=DEFAULT_SORT,
              show_default=True, help="Order of the hits; undated documents come last.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (UTF-8); = --format json.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "csv"]), default=None,
              help="text (default), one JSON object, or an export: one JSON object per hit "
                   "(jsonl) or CSV with a UTF-8 BOM (for Excel and LibreOffice).")
@click.option("--all", "all_hits", is_flag=True,
              help="With --format jsonl|csv: every hit in rank order, not --limit of them.")
@click.option("--collapse/--no-collapse", default=True, show_default=True,
              help="Show a story reprinted by several papers once, with its near-duplicates "
                   "listed under it.")
@click.option("--time-limit", default=10.0, show_default=True, type=click.FloatRange(min=0),
              metavar="SECONDS", help="Stop a search that runs longer and show what it found "
                                      "(0: no limit).")
@click.option("--bidi", is_flag=True,
              help="Shape and reorder right-to-left text for terminals without bidi support "
                   "(xterm, tmux, many IDE consoles); GNOME Terminal, Konsole and mlterm need "
                   "no flag.")
@click.option("--color/--no-color", default=None, help="Highlight matches (default: on a terminal).")
@_friendly_errors
@backend_options
def search_cmd(query, limit, offset, lang, any_words, exact, since, until, sources, sort, as_json,
               fmt, all_hits, collapse, time_limit, bidi, color, backend):
    """Search the index for QUERY and show ranked hits with highlighted snippets."""
    text = _typed(" ".join(query), "query")
    sources = tuple(_typed(name, "source") for name in sources)
    if as_json and fmt not in (None, "json"):
        raise click.UsageError(f"--json and --format {fmt} disagree: give one of them")
    fmt = "json" if as_json else (fmt or "text")
    if all_hits and fmt not in ("jsonl", "csv"):
        raise click.UsageError("--all exports every hit: use it with --format jsonl or --format csv")
    mode = "any" if any_words else "all"
    filters = {"since": _typed(since, "date"), "until": _typed(until, "date"), "sources": sources,
               "sort": sort}
    if fmt in ("jsonl", "csv"):
        _export(backend, fmt, text, offset=offset, limit=None if all_hits else limit, lang=lang,
                mode=mode, exact=exact, time_limit=time_limit or None, **filters)
        return
    with backend.open() as engine:
        result = engine.search(text, limit=limit, offset=offset, lang=lang, mode=mode, exact=exact,
                               time_limit=time_limit or None, collapse=collapse, **filters)
    for name in result.unknown_sources:
        click.echo(f"kavosh: no document in the index has the source {name!r}", err=True)
    if fmt == "json":
        click.echo(_dumps(result.to_json()))
        return
    color = sys.stdout.isatty() if color is None else color
    width = min(shutil.get_terminal_size((100, 20)).columns, 100)
    out = Display(bidi, color)
    for rank, hit in enumerate(result.hits, offset + 1):
        out.marked_line(f"{rank:>3}. ", [(s.text, s.marked) for s in hit.title], bold=True)
        meta = "  ".join(part for part in (hit.source, hit_date(hit)) if part)
        meta = (meta + "  " if meta else "") + f"{hit.id}" + (f"  page {hit.page}" if hit.page else "")
        meta += f"  [{hit.lang}]  score {hit.score:.2f}"
        if hit.variants:
            meta += f"  (also as {'، '.join(hit.variants)})"
        out.line("     " + meta, dim=True)
        for line in wrap_marked(hit.snippet, width - 5, max_lines=3):
            out.marked_line("     ", line)
        if hit.similar:
            out.line(f"     and {len(hit.similar)} similar: "
                     + "، ".join(s.source or s.id for s in hit.similar), dim=True)
        out.line("")
    shown = len(result.hits)
    summary = f"{result.total} result{'s' if result.total != 1 else ''}"
    if shown:
        summary += f", showing {offset + 1}–{offset + shown}"
    summary += f" ({result.took_ms:.0f} ms)"
    if result.ignored_words:
        summary += f"; ignored common words: {' '.join(result.ignored_words)}"
    for name in result.latin_names:
        if name["spellings"]:
            summary += f"; {name['word']} also as {'، '.join(name['spellings'])}"
        elif name["hints"]:
            summary += (f"; no sure Persian or Arabic spelling of {name['word']}, "
                        f"the archive has {'، '.join(name['hints'])}")
    if result.folded:
        summary += f"; {result.folded} near-duplicate{'s' if result.folded != 1 else ''} folded " \
                   "(--no-collapse shows them)"
    if result.timed_out:
        summary += "; stopped early (time limit)"
    out.line(summary, dim=True)


def _export(backend, fmt, text, **arguments) -> None:
    """Stream the export's rows to stdout as they are read (search/export.py)."""
    from . import export

    try:
        with backend.open() as engine:
            with engine.export(text, **arguments) as rows:
                for chunk in export.chunks(fmt, rows):
                    click.echo(chunk, nl=False)
        sys.stdout.flush()
    except BrokenPipeError:  # `… | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


# --- show --------------------------------------------------------------------


@main.command("show")
@click.argument("doc_id")
@click.option("-q", "--query", default=None, help="Highlight this query's matches.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (UTF-8).")
@click.option("--color/--no-color", default=None, help="Highlight matches (default: on a terminal).")
@click.option("--page", type=click.IntRange(min=1), default=None, metavar="N",
              help="Only page N of a document with pages (a PDF).")
@_friendly_errors
@backend_options
def show_cmd(doc_id, query, as_json, color, page, backend):
    """Print the whole document DOC_ID (an id as `kavosh search` shows it), or one page of it."""
    from .snippets import PAGE_BREAK, page_segments

    doc_id, query = _typed(doc_id, "document id"), _typed(query, "query")
    with backend.open() as engine:
        doc = engine.document(doc_id, query)
    if doc is None:
        raise KavoshError(f"no document with id {doc_id!r} in the index")
    pages = 1 + sum(s.text.count(PAGE_BREAK) for s in doc.body)
    if page is not None:
        body = page_segments(doc.body, page)
        if body is None:
            raise KavoshError(f"{doc_id!r} has {pages} page{'s' if pages > 1 else ''}, no page {page}")
        doc.body = body
        doc.matches = sum(1 for s in body if s.marked) + sum(1 for s in doc.title if s.marked)
    if as_json:
        if page is not None:
            click.echo(_dumps({**doc.to_json(), "page": page, "pages": pages}))
            return
        click.echo(_dumps(doc.to_json()))
        return
    color = sys.stdout.isatty() if color is None else color

    def render(segs):
        return "".join(
            mark(s.text) if (s.marked and color)
            else (f"[{s.text}]" if s.marked and query else s.text)
            for s in segs
        )

    click.echo(click.style(render(doc.title), bold=True) if color else render(doc.title), color=color)
    meta = [doc.id, f"[{doc.lang}]"] + [v for v in (hit_date(doc), doc.source, doc.url) if v]
    if pages > 1:
        meta.append(f"page {page} of {pages}" if page else f"{pages} pages")
    click.echo("  ".join(meta))
    click.echo("")
    text = render(doc.body)
    if page is None and pages > 1:  # a visible line where each page starts
        parts = text.split(PAGE_BREAK)
        text = parts[0] + "".join(f"\n\n— page {n} —\n\n{part}" for n, part in enumerate(parts[1:], 2))
    click.echo(text, color=color)


# --- stats -------------------------------------------------------------------


@main.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_friendly_errors
@backend_options
def stats_cmd(as_json, backend):
    """Documents per language, distinct terms, size on disk, last update."""
    with backend.open() as engine:
        stats = engine.stats()
    if as_json:
        click.echo(_dumps(stats))
        return
    click.echo(f"index:     {stats['index']}")
    click.echo(f"documents: {stats['documents']}  "
               + "  ".join(f"{k}: {v}" for k, v in stats["languages"].items()))
    click.echo(f"terms:     title {stats['terms']['title']}, body {stats['terms']['body']}")
    click.echo(f"size:      {stats['size_bytes'] / 1e6:.1f} MB")
    click.echo(f"updated:   {stats['updated'] or 'unknown'}")
    click.echo(f"analysis:  version {stats['analyzer_version']}, "
               + (f"fingerprint {stats['analysis_fingerprint']} (this Kavosh's)"
                  if stats["analysis_fingerprint"] else
                  "fingerprint not recorded (`kavosh index --rebuild PATH` records it)"))
    dates = stats["dates"]
    if dates["dated"] or dates["file_dated"]:
        span = f"{dates['earliest']} – {dates['latest']}  " if dates["dated"] else ""
        click.echo(f"dates:     {span}({dates['dated']} documents dated"
                   + (f", {dates['file_dated']} only by their file's time)" if dates["file_dated"] else ")"))
    if stats["sources"]:
        shown = list(stats["sources"].items())[:10]
        more = len(stats["sources"]) - len(shown)
        click.echo("sources:   " + "  ".join(f"{name}: {n}" for name, n in shown)
                   + (f"  (+{more} more: --json lists all)" if more > 0 else ""))
    for root in stats["roots"]:
        line = f"root:      {root['path']}  {root['documents']} documents"
        if root["prefix"]:
            line += f", ids {root['prefix']}…"
        if not root["exists"]:
            line += f"  (gone: `kavosh remove {root['path']}` drops it)"
        click.echo(line)


# --- analyze -----------------------------------------------------------------


@main.command("analyze")
@click.argument("text", nargs=-1, required=True)
@click.option("--query", "query_mode", is_flag=True, help="Analyse as a query (both stems, no language).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_friendly_errors
@backend_options
def analyze_cmd(text, query_mode, as_json, backend):
    """Show how TEXT is analysed: every token's span, surface, normalized form and stem.

    Like Elasticsearch's _analyze: what the index stores for TEXT, and why a
    query does or does not match.  With --index (or $KAVOSH_INDEX), the chain
    that index was built with (an experiment's options included); else the
    shipped chain.
    """
    from kavosh.index.analysis import kavosh_analyzer
    from kavosh.index.normalize import detect_language

    value = _typed(" ".join(text), "text")
    mode = "query" if query_mode else "index"
    analyzer, options = kavosh_analyzer(), {}
    # An index folder named (--index, $KAVOSH_INDEX) has its own chain; OpenSearch is
    # sent this Kavosh's terms, so the shipped chain is its chain.
    index_dir = backend.index_dir if _given(click.get_current_context(), "index_dir") else None
    if index_dir is not None:
        from .engine import open_index

        ix = open_index(index_dir)  # no index, or one of another analysis: its one line
        analyzer = ix.schema["body"].analyzer
        options = dict(getattr(analyzer, "options", None) or {})
        ix.close()
    tokens = []
    for t in analyzer(value, positions=True, chars=True, removestops=False, mode=mode):
        if tokens and tokens[-1]["position"] == t.pos:
            tokens[-1]["terms"].append(t.text)
            continue
        tokens.append({
            "position": t.pos, "start": t.startchar, "end": t.endchar, "surface": t.surface,
            "normalized": t.normalized, "terms": [t.text], "stopword": bool(t.stopped),
        })
    result = {"text": value, "language": "query" if query_mode else detect_language(value),
              "index": None if index_dir is None else str(index_dir),
              "options": {k: _option_text(v) for k, v in options.items()}, "tokens": tokens}
    if as_json:
        click.echo(_dumps(result))
        return
    if index_dir is not None:
        shown = ", ".join(f"{k}={v}" for k, v in result["options"].items()) or "the shipped chain"
        click.echo(f"chain:    the index at {index_dir} ({shown})")
    click.echo(f"language: {result['language']}")
    for tok in tokens:
        terms = "(stop word)" if tok["stopword"] else " | ".join(tok["terms"])
        click.echo(f"{tok['position']:>3}  {tok['start']:>4}-{tok['end']:<4}  {tok['surface']}"
                   f"  →  {tok['normalized']}  →  {terms}")


def _option_text(value):
    """A chain option as JSON can show it (a stemmer function by its name, a set as a sorted list)."""
    if callable(value):
        return getattr(value, "__name__", repr(value))
    if isinstance(value, dict):
        return {k: _option_text(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    return value


# --- export ------------------------------------------------------------------


@main.group("export")
def export_group():
    """Hand the index to another engine (OpenSearch) with the same analysis."""


@export_group.command("opensearch")
@click.option("--out", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="Write settings.json, mappings.json, index.json, bulk file(s) and README.md here.")
@click.option("--name", default="kavosh", show_default=True, metavar="NAME",
              help="The OpenSearch index name the README's commands use.")
@click.option("--query", "query_text", default=None, metavar="QUERY",
              help="Instead: print the Query DSL this Kavosh query becomes.")
@click.option("--any", "any_words", is_flag=True, help="With --query: any word (ranked), not all.")
@click.option("--exact", is_flag=True, help="With --query: no other spellings (needs no index).")
@_friendly_errors
@backend_options
def export_opensearch_cmd(out, name, query_text, any_words, exact, backend):
    """Export to OpenSearch: index files for two curl commands, or one query's DSL."""
    from .opensearch_cli import run_export

    backend.require_whoosh("`kavosh export opensearch`")
    run_export(out=out, name=name, query_text=_typed(query_text, "query"),
               mode="any" if any_words else "all", exact=exact, index_dir=backend.index_dir)


# --- serve -------------------------------------------------------------------


@main.command("serve")
@click.option("--host", default=None, metavar="ADDRESS",
              help="Address to listen on.  [default: 127.0.0.1, reachable from this machine only]")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=min(os.cpu_count() or 1, 4), show_default="the CPUs, at most 4",
              type=click.IntRange(1, 64),
              help="Server processes. Searching is CPU-bound Python (one core per process): "
                   "one process per core serves the most (bench/bench_web_load.py).")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Threads per process: on 2 cores 4 threads served 8 clients faster than 8.")
@click.option("--allow-host", "allowed", multiple=True, metavar="NAME",
              help="Also answer requests addressed to this host name (behind a reverse proxy). "
                   "On loopback, other Host headers are refused (DNS rebinding).")
@_friendly_errors
@backend_options
def serve_cmd(host, port, workers, threads, allowed, backend):
    """Serve the search page and JSON API (waitress, a production WSGI server)."""
    from kavosh.web import create_app
    from kavosh.web.app import LOOPBACK_HOSTS, warm_analysis, warm_up
    from kavosh.web.server import listening_socket, run

    bind = host or "127.0.0.1"
    # A page on any web site can make the browser call a loopback server under a
    # name it controls (DNS rebinding): on loopback answer only loopback names.
    # Whoever passes another --host has chosen who may reach the server.
    loopback = host is None or host in LOOPBACK_HOSTS or host.startswith("127.")
    hosts = sorted({*LOOPBACK_HOSTS, bind, *allowed}) if loopback else None
    if bind in ("0.0.0.0", "::", ""):
        click.echo(f"warning: --host {bind} serves every network this machine is on: anyone who "
                   "can reach it can search this index", err=True)
    sock = listening_socket(bind, port)
    shown = f"[{bind}]" if ":" in bind else bind
    click.echo(f"Kavosh is serving {backend.where} at http://{shown}:{sock.getsockname()[1]}/  "
               f"({workers} process{'es' if workers > 1 else ''} × {threads} threads; Ctrl-C stops)")
    sys.stdout.flush()
    warm_analysis()  # before the workers fork: they share its tables
    run(lambda: warm_up(create_app(backend, {"KAVOSH_ALLOWED_HOSTS": hosts})), sock,
        threads=threads, workers=workers)


if __name__ == "__main__":
    main()
