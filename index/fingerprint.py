"""The analysis chain's identity: one hash of everything that decides an index's terms.

``ANALYZER_VERSION`` is bumped by hand, and a one-line stemmer edit that
nobody bumped it for once took ``پهپادهای`` from 1 hit to 0 on the same index
without a word.  So each index also records this fingerprint when it is
written, and opening it checks it (``check``): a mismatch is one line saying
to rebuild, never silently different results.

What it covers: ``ANALYZER_VERSION``; the code of the analysis modules (their
tokens, so a comment or docstring edit changes nothing, any code edit does);
the normalization table as built (pyarabic's constants included); the data
files the chain reads (hazm's lexicon, verb list and stop words, Kavosh's
Arabic stop words); and the chain's options (an experiment's chain is
another chain).

An edit that provably changes no term (a pure refactor, checked by indexing
the archive both ways) may list the fingerprint it replaces in
``SAME_TERMS_AS``, so existing indexes stay usable.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import tempfile
import tokenize
from functools import cache
from pathlib import Path

from .errors import IncompatibleIndex

# The modules whose code decides index terms (index/<name>.py).
ANALYSIS_MODULES = ("normalize", "analysis", "stemmers", "lexicon", "variants")
# Fingerprints of earlier chains that give exactly this chain's terms.
SAME_TERMS_AS: frozenset[str] = frozenset({
    # variants.same_word's bare-name guard (Cameron/Cameroon): a query-time rule of a
    # module whose other code is index-time; the archive indexed both ways has the same terms
    # (1,210,833 field terms, each with the same document frequency).
    "789dea1466eb6416",
})

_HERE = Path(__file__).parent


def code_tokens(source: str) -> str:
    """The module's code as a token stream without comments, blank lines and docstrings.

    A statement that is only a string (a docstring) is documentation too.
    Tokens, not text: re-indenting or re-wrapping a line does change the
    stream (INDENT/NEWLINE are kept), re-wording a comment does not.
    """
    kept, line = [], []
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in skip:
            continue
        line.append(tok)
        if tok.type != tokenize.NEWLINE:
            continue
        body = [t for t in line if t.type not in (tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE)]
        if len(body) == 1 and body[0].type == tokenize.STRING:
            line = [t for t in line if t.type in (tokenize.INDENT, tokenize.DEDENT)]
        kept.extend(line)
        line = []
    kept.extend(line)
    return "\x00".join(f"{t.type}:{t.string}" for t in kept)


def data_files() -> list[Path]:
    """The data files the chain reads: hazm's (found without importing hazm) and ours."""
    spec = importlib.util.find_spec("hazm")
    hazm = Path(next(iter(spec.submodule_search_locations))) / "data" if spec else None
    ours = sorted(p for p in (_HERE / "data").iterdir() if p.suffix == ".txt")
    theirs = [hazm / name for name in ("words.dat", "verbs.dat", "stopwords.dat")] if hazm else []
    return theirs + ours


def canonical_options(options: dict | None) -> str:
    """The chain's options, written the same way whatever order or container they came in.

    A function (a ``stemmers`` entry) is written by its qualified name.
    """
    def canon(value):
        if callable(value):
            return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', repr(value))}"
        if isinstance(value, dict):
            return "{" + ",".join(f"{canon(k)}:{canon(v)}" for k, v in sorted(value.items())) + "}"
        if isinstance(value, (set, frozenset, list, tuple)):
            items = [canon(v) for v in value]
            return "[" + ",".join(sorted(items) if isinstance(value, (set, frozenset)) else items) + "]"
        return repr(value)

    options = {k: v for k, v in (options or {}).items() if k != "skeletons"}
    return canon(options)


def _inputs() -> list[Path]:
    return [_HERE / f"{name}.py" for name in ANALYSIS_MODULES] + data_files()


def _cache_file(version: int, table: str) -> Path | None:
    """Where the hash is kept for these inputs as they are on disk (size, mtime), or None."""
    try:
        from platformdirs import user_cache_dir

        stamps = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in _inputs()]
    except OSError:
        return None
    folder = Path(os.environ.get("KAVOSH_CACHE") or user_cache_dir("kavosh", appauthor=False))
    key = hashlib.sha256(repr((version, table, stamps)).encode()).hexdigest()[:20]
    return folder / f"fingerprint-{key}.txt"


@cache
def _code_and_data() -> str:
    """The hash of version, code, table and data, read from the per-user cache when
    no input file changed: computing it costs ~65 ms, a third of a command-line search."""
    from .analysis import ANALYZER_VERSION
    from .normalize import NORMALIZATION_TABLE

    table = repr(sorted(NORMALIZATION_TABLE.items()))
    cached = _cache_file(ANALYZER_VERSION, table)
    try:
        digest = cached.read_text(encoding="ascii").strip() if cached else ""
    except OSError:
        digest = ""
    if len(digest) == 64:
        return digest
    digest = _compute(ANALYZER_VERSION, table)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(digest)
            os.replace(tmp, cached)
        except OSError:  # a read-only home only costs the next run the time
            pass
    return digest


def _compute(version: int, table: str) -> str:
    h = hashlib.sha256(f"analyzer {version}\n".encode())
    for name in ANALYSIS_MODULES:
        source = (_HERE / f"{name}.py").read_text(encoding="utf-8")
        h.update(f"module {name}\n{code_tokens(source)}\n".encode())
    h.update(table.encode())
    for path in data_files():
        h.update(f"data {path.name}\n".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def analysis_fingerprint(options: dict | None = None) -> str:
    """16 hex digits naming the chain ``kavosh_analyzer(**options)`` as this code builds it."""
    h = hashlib.sha256(_code_and_data().encode())
    h.update(canonical_options(options).encode())
    return h.hexdigest()[:16]


def schema_fingerprint(schema) -> str:
    """The fingerprint of the chain an index's schema holds (its title/body analyzer)."""
    return analysis_fingerprint(getattr(schema["body"].analyzer, "options", None))


def same_terms(recorded: str, current: str) -> bool:
    """Does an index recorded with ``recorded`` hold the terms this chain (``current``) makes?"""
    return recorded == current or recorded in SAME_TERMS_AS


def check(index_dir, meta: dict | None, schema) -> None:
    """Refuse, in one line, an index whose recorded analysis is not this code's.

    An index written before fingerprints were recorded has none and passes
    (its ``ANALYZER_VERSION`` is checked by its name).
    """
    recorded = (meta or {}).get("analysis_fingerprint")
    if recorded is None:
        return
    current = schema_fingerprint(schema)
    if not same_terms(recorded, current):
        raise IncompatibleIndex(
            f"the index at {index_dir} was built by another analysis (fingerprint {recorded}, "
            f"this Kavosh's is {current}): run `kavosh index --rebuild PATH` to rebuild it")
