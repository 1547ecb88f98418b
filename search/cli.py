"""The `kavosh` command line: index, search, show, stats, analyze, serve.

Every command takes --index DIR (else $KAVOSH_INDEX, else the per-user data
folder).  User mistakes print one line on stderr and exit non-zero; only a
bug shows a traceback.
"""

from __future__ import annotations

import errno
import json
import shutil
import sys
import textwrap
from functools import wraps
from pathlib import Path

import click

from kavosh.index.errors import KavoshError
from kavosh.index.schema import default_index_dir

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

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


def _index_option(f):
    return click.option(
        "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
        envvar="KAVOSH_INDEX", show_envvar=True, default=None,
        help="Index folder. Default: $KAVOSH_INDEX, else the per-user data folder "
             "(~/.local/share/kavosh/index on Linux).",
    )(f)


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


def _resolve(index_dir: Path | None) -> Path:
    return index_dir if index_dir is not None else default_index_dir()


def _engine(index_dir):
    from .engine import Engine
    return Engine(_resolve(index_dir))


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="kavosh")
def main():
    """Kavosh (کاوش): full-text search for Persian and Arabic documents.

    \b
    kavosh index ~/archive        index a folder (.txt, .html, .jsonl)
    kavosh search 'پهپاد کیف'     search it
    kavosh serve                  search it in the browser
    """


# --- index -------------------------------------------------------------------


@main.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Start from an empty index instead of updating.")
@click.option("--wait", is_flag=True, help="If another `kavosh index` is running, wait for it.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no warnings: only errors and the summary.")
@_index_option
@_friendly_errors
def index_cmd(paths, rebuild, wait, quiet, index_dir):
    """Index PATHS (folders are searched recursively; default: the bundled seeds/).

    Reads .txt (first line is the title), .html/.htm (visible text) and .jsonl
    (one {"id","title","body"|"text","url","date","lang"} per line), in UTF-8
    or legacy Windows-1256.  Run again to pick up new, changed and deleted
    files; only those are re-indexed.
    """
    from kavosh.index.writer import index_paths

    if not paths:
        if not SEEDS.is_dir():
            raise click.UsageError("no PATH given and the bundled seeds/ folder is missing")
        paths = (SEEDS,)
    target = _resolve(index_dir)
    show_bar = not quiet and sys.stderr.isatty()
    bar = None

    def progress(done, total, name):
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="indexing", file=sys.stderr,
                                    show_pos=True, width=30)
            bar.__enter__()
        bar.update(1)

    try:
        summary = index_paths(target, list(paths), rebuild=rebuild, wait=wait,
                              progress=progress if show_bar else None)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if not quiet:
        for warning in summary.warnings:
            click.echo(f"warning: {warning}", err=True)
        for skipped in summary.skipped:
            click.echo(f"skipped: {skipped}", err=True)
    click.echo(f"{target}: {summary.line()}")


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
@click.option("--lang", type=click.Choice(["fa", "ar", "mixed", "other"]), default=None,
              help="Only documents in this language.")
@click.option("--any", "any_words", is_flag=True,
              help="Rank documents matching any of the words (default: all must match).")
@click.option("--exact", is_flag=True,
              help="Only the words as typed (after normalization): no cross-script "
                   "spelling variants such as ترامپ/ترامب.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (UTF-8).")
@click.option("--time-limit", default=10.0, show_default=True, type=click.FloatRange(min=0),
              metavar="SECONDS", help="Stop a search that runs longer and show what it found "
                                      "(0: no limit).")
@click.option("--bidi", is_flag=True,
              help="Shape and reorder right-to-left text for terminals without bidi support "
                   "(xterm, tmux, many IDE consoles); GNOME Terminal, Konsole and mlterm need "
                   "no flag.")
@click.option("--color/--no-color", default=None, help="Highlight matches (default: on a terminal).")
@_index_option
@_friendly_errors
def search_cmd(query, limit, offset, lang, any_words, exact, as_json, time_limit, bidi, color,
               index_dir):
    """Search the index for QUERY and show ranked hits with highlighted snippets."""
    text = " ".join(query)
    with _engine(index_dir) as engine:
        result = engine.search(text, limit=limit, offset=offset, lang=lang,
                               mode="any" if any_words else "all", exact=exact,
                               time_limit=time_limit or None)
    if as_json:
        click.echo(_dumps(result))
        return
    color = sys.stdout.isatty() if color is None else color
    width = min(shutil.get_terminal_size((100, 20)).columns, 100)
    out = _Display(bidi, color)
    for rank, hit in enumerate(result["hits"], offset + 1):
        out.line(f"{rank:>3}. {hit['title']}", bold=True)
        meta = f"{hit['id']}  [{hit['lang']}]  score {hit['score']:.2f}"
        if hit.get("date"):
            meta += f"  {hit['date']}"
        if hit.get("variants"):
            meta += f"  (also as {'، '.join(hit['variants'])})"
        out.line("     " + meta, dim=True)
        for line in _wrap_marked(hit["snippet"], width - 5, max_lines=3):
            out.marked_line("     ", line)
        out.line("")
    shown = len(result["hits"])
    summary = f"{result['total']} result{'s' if result['total'] != 1 else ''}"
    if shown:
        summary += f", showing {offset + 1}–{offset + shown}"
    summary += f" ({result['took_ms']:.0f} ms)"
    if result["ignored_words"]:
        summary += f"; ignored common words: {' '.join(result['ignored_words'])}"
    if result["timed_out"]:
        summary += "; stopped early (time limit)"
    out.line(summary, dim=True)


class _Display:
    """Writes lines to stdout: coloured marks on a terminal, optionally in visual order.

    ``--bidi`` is for terminals without the Unicode bidi algorithm: each line
    is shaped (arabic-reshaper joins the letters) and reordered (python-bidi)
    so that it reads right to left on a left-to-right screen.
    """

    def __init__(self, bidi: bool, color: bool):
        self.color = color
        self.visual = None
        if bidi:
            from arabic_reshaper import reshape
            from bidi import get_display

            self.visual = lambda s: get_display(reshape(s))

    def line(self, text, bold=False, dim=False):
        if self.visual:
            text = self.visual(text)
        if self.color and (bold or dim):
            text = click.style(text, bold=bold, dim=dim)
        click.echo(text, color=self.color)

    def marked_line(self, indent, parts):
        """One snippet line given as [(text, marked)]."""
        if not self.color:
            self.line(indent + "".join(t for t, _ in parts))
            return
        if not self.visual:
            click.echo(indent + "".join(_mark(t) if m else t for t, m in parts), color=True)
            return
        # Reorder the whole line, then colour the marked words' visual forms in it.
        line = self.visual("".join(t for t, _ in parts))
        for word in {t for t, m in parts if m}:
            line = line.replace(self.visual(word), _mark(self.visual(word)))
        click.echo(indent + line, color=True)


def _mark(text):
    return click.style(text, fg="yellow", bold=True)


def _wrap_marked(snippet_html: str, width: int, max_lines: int):
    """Wrap an HTML snippet into at most ``max_lines`` lines of (text, marked) parts.

    Lines break only at white space, so a marked word keeps the punctuation
    that touches it (کیف، stays کیف،).
    """
    import html as _html
    import re

    pieces = []  # (text, marked); white space is its own unmarked piece
    for chunk in re.split(r"(<mark>.*?</mark>)", snippet_html):
        if chunk.startswith("<mark>"):
            pieces.append((_html.unescape(chunk[6:-7]), True))
        elif chunk:
            pieces.extend((p, False) for p in re.split(r"(\s+)", _html.unescape(chunk)) if p)
    lines, current, length = [], [], 0
    for text, marked in pieces:
        if not marked and text.isspace():
            if length + 1 > width:
                lines.append(current)
                current, length = [], 0
                if len(lines) == max_lines:
                    return lines
            elif current:
                current.append((" ", False))
                length += 1
            continue
        if current and length + len(text) > width and current[-1][0] == " ":
            current.pop()
            lines.append(current)
            current, length = [], 0
            if len(lines) == max_lines:
                return lines
        current.append((text, marked))
        length += len(text)
    if current and len(lines) < max_lines:
        lines.append(current)
    return lines


# --- show --------------------------------------------------------------------


@main.command("show")
@click.argument("doc_id")
@click.option("-q", "--query", default=None, help="Highlight this query's matches.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (UTF-8).")
@click.option("--color/--no-color", default=None, help="Highlight matches (default: on a terminal).")
@_index_option
@_friendly_errors
def show_cmd(doc_id, query, as_json, color, index_dir):
    """Print the whole document DOC_ID (an id as `kavosh search` shows it)."""
    with _engine(index_dir) as engine:
        if as_json:
            doc = engine.document(doc_id, query)
            if doc is None:
                raise KavoshError(f"no document with id {doc_id!r} in the index")
            click.echo(_dumps(doc))
            return
        found = engine.body_segments(doc_id, query)
    if found is None:
        raise KavoshError(f"no document with id {doc_id!r} in the index")
    fields, title, body = found
    color = sys.stdout.isatty() if color is None else color

    def render(segs):
        return "".join(
            click.style(s.text, fg="yellow", bold=True) if (s.marked and color)
            else (f"[{s.text}]" if s.marked and query else s.text)
            for s in segs
        )

    click.echo(click.style(render(title), bold=True) if color else render(title), color=color)
    meta = [fields["id"], f"[{fields.get('lang', 'other')}]"]
    meta += [fields[k] for k in ("date", "source", "url") if fields.get(k)]
    click.echo("  ".join(meta))
    click.echo("")
    click.echo(render(body), color=color)


# --- stats -------------------------------------------------------------------


@main.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_index_option
@_friendly_errors
def stats_cmd(as_json, index_dir):
    """Documents per language, distinct terms, size on disk, last update."""
    with _engine(index_dir) as engine:
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
    for root in stats["roots"]:
        click.echo(f"source:    {root}")


# --- analyze -----------------------------------------------------------------


@main.command("analyze")
@click.argument("text", nargs=-1, required=True)
@click.option("--query", "query_mode", is_flag=True, help="Analyse as a query (both stems, no language).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_friendly_errors
def analyze_cmd(text, query_mode, as_json):
    """Show how TEXT is analysed: every token's span, surface, normalized form and stem.

    Like Elasticsearch's _analyze: what the index stores for TEXT, and why a
    query does or does not match.
    """
    from kavosh.index.analysis import kavosh_analyzer
    from kavosh.index.normalize import detect_language

    value = " ".join(text)
    mode = "query" if query_mode else "index"
    tokens = []
    for t in kavosh_analyzer()(value, positions=True, chars=True, removestops=False, mode=mode):
        if tokens and tokens[-1]["position"] == t.pos:
            tokens[-1]["terms"].append(t.text)
            continue
        tokens.append({
            "position": t.pos, "start": t.startchar, "end": t.endchar, "surface": t.surface,
            "normalized": t.normalized, "terms": [t.text], "stopword": bool(t.stopped),
        })
    result = {"text": value, "language": "query" if query_mode else detect_language(value),
              "tokens": tokens}
    if as_json:
        click.echo(_dumps(result))
        return
    click.echo(f"language: {result['language']}")
    for tok in tokens:
        terms = "(stop word)" if tok["stopword"] else " | ".join(tok["terms"])
        click.echo(f"{tok['position']:>3}  {tok['start']:>4}-{tok['end']:<4}  {tok['surface']}"
                   f"  →  {tok['normalized']}  →  {terms}")


# --- serve -------------------------------------------------------------------


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@main.command("serve")
@click.option("--host", default=None, metavar="ADDRESS",
              help="Address to listen on.  [default: 127.0.0.1, reachable from this machine only]")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads. Searching is CPU-bound under one GIL: on 2 cores 4 threads "
                   "served 8 clients faster than 8 threads (bench/bench_web_load.py).")
@click.option("--allow-host", "allowed", multiple=True, metavar="NAME",
              help="Also answer requests addressed to this host name (behind a reverse proxy). "
                   "On loopback, other Host headers are refused (DNS rebinding).")
@_index_option
@_friendly_errors
def serve_cmd(host, port, threads, allowed, index_dir):
    """Serve the search page and JSON API (waitress, a production WSGI server)."""
    from waitress import create_server

    from kavosh.web import create_app

    target = _resolve(index_dir)
    bind = host or "127.0.0.1"
    # A page on any web site can make the browser call a loopback server under a
    # name it controls (DNS rebinding): on loopback answer only loopback names.
    # Whoever passes another --host has chosen who may reach the server.
    loopback = host is None or host in LOOPBACK_HOSTS or host.startswith("127.")
    hosts = sorted({*LOOPBACK_HOSTS, bind, *allowed}) if loopback else None
    if bind in ("0.0.0.0", "::", ""):
        click.echo(f"warning: --host {bind} serves every network this machine is on: anyone who "
                   "can reach it can search this index", err=True)
    app = create_app(target, {"KAVOSH_ALLOWED_HOSTS": hosts})
    try:
        server = create_server(app, host=bind, port=port, threads=threads, ident="kavosh")
    except OSError as exc:
        reason = "is in use by another program" if exc.errno == errno.EADDRINUSE else (
            f"cannot be used ({exc.strerror or exc})")
        raise KavoshError(f"port {port} on {bind} {reason}: pick another with --port, "
                          "or stop the other server") from None
    actual_port = server.effective_port
    shown = f"[{bind}]" if ":" in bind else bind
    click.echo(f"Kavosh is serving {target} at http://{shown}:{actual_port}/  (Ctrl-C stops)")
    sys.stdout.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


if __name__ == "__main__":
    main()
