"""The index's schema, its on-disk location and its compatibility record."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import COLUMN, ID, NUMERIC, STORED, TEXT, Schema

from .analysis import ANALYZER_VERSION, kavosh_analyzer
from .errors import IndexNotFound
from .pickled import pickle_by_kind
from .term_counts import CountedFrequency, CountedPositions, counted
from .variants import VariantField, variant_analyzer

# The schema's own classes pickle by a stable kind name, not their module path.
pickle_by_kind(VariantField, "variant_field")
pickle_by_kind(CountedFrequency, "counted_frequency")
pickle_by_kind(CountedPositions, "counted_positions")

# Bump when the schema changes in a way an old index cannot serve.  3: the
# analyzer classes pickled into the index moved to the kavosh namespace;
# 4: body postings without character offsets; 5: normalized dates with a
# sortable date key, readable source names, near-duplicate signatures;
# 6: title_exact and body_exact, the words as written with stop words.
SCHEMA_VERSION = 6
# whoosh keeps several indexes apart in one folder by name; naming ours by
# version lets `--rebuild` write a new one beside an incompatible old one and
# remove the old only after the new one is committed.
INDEX_NAME = f"kavosh_s{SCHEMA_VERSION}_a{ANALYZER_VERSION}"
META_FILE = "kavosh.json"
# Title matches weigh this much more than body matches (BM25F field boost).
TITLE_BOOST = 2.0


def build_schema(*, title_boost: float = TITLE_BOOST, **analyzer_options) -> Schema:
    """The index's fields.  ``analyzer_options`` go to ``kavosh_analyzer`` (an
    experiment's chain; the default is the shipped one): the title, body and
    variant fields get the same chain, the variant field with ``skeletons=True``.
    The chain is pickled into the index, and the engine parses queries and
    marks matches with the index's own chain, so options given here reach
    query time too."""
    analyzer = kavosh_analyzer(**analyzer_options)
    exact = kavosh_analyzer(verbatim=True)
    return Schema(
        # What an update replaces: the source file (and JSONL record id).
        key=ID(unique=True, stored=True),
        # What users see and ask for: the path relative to the indexed root,
        # or a JSONL record's own id.
        id=ID(stored=True),
        path=STORED(),
        root=ID(stored=True),
        source_file=ID(stored=True),
        title=counted(TEXT(analyzer=analyzer, stored=True, phrase=True, field_boost=title_boost)),
        # No chars=True: character offsets in the postings were a fifth of the
        # indexing time; vocabulary.surface_forms re-analyses the stored text.
        # counted(): positions collected from the word cache (index/term_counts.py).
        body=counted(TEXT(analyzer=analyzer, stored=True, phrase=True)),
        # Cross-script skeletons of title and body words (index/variants.py):
        # lets ترامپ find ترامب at a lower weight than an exact match.
        # counted(): its frequencies come from the word cache, not a token per key.
        variant=counted(VariantField(analyzer=variant_analyzer(**analyzer_options), phrase=False)),
        # The words as written (normalized, unstemmed, stop words kept, a ZWNJ
        # compound's parts apart): what a quoted phrase, --exact and a name
        # made of stop words (بی بی سی, "من و تو") match.  Bag-of-words
        # queries never read them, so stop words still neither match nor
        # rank there.  The same chain (kavosh_analyzer(verbatim=True)).
        title_exact=counted(TEXT(analyzer=exact, phrase=True, field_boost=title_boost)),
        body_exact=counted(TEXT(analyzer=exact, phrase=True)),
        lang=ID(stored=True),
        url=STORED(),
        # Normalized ISO-8601 (index/dates.py), "document" or "mtime" as its origin,
        # and the sortable key the engine sorts, filters and counts years by.
        date=STORED(),
        date_origin=STORED(),
        date_key=NUMERIC(numtype=int, bits=64, signed=False, sortable=True, stored=False),
        # The readable name (index/sources.py), one term: filters and source facets.
        source=ID(stored=True),
        # The body's MinHash signature (index/near_dup.py), a per-document
        # column so that collapsing a page's near-duplicates reads 256 bytes
        # a hit, not its stored body.
        near_dup=COLUMN(),
        # For incremental updates: skip files whose size and mtime (or, when
        # only the mtime moved, content hash) are unchanged.
        size=NUMERIC(stored=True),
        mtime=STORED(),
        sha1=STORED(),
    )


# Each searched field and the field holding its words as written.
EXACT_FIELDS = {"title": "title_exact", "body": "body_exact"}


def index_exists(index_dir: Path) -> bool:
    """Whether this version's index is in ``index_dir``.

    whoosh unpickles the schema to answer; an index whose pickled classes this
    Kavosh cannot load is "not this version's", never a traceback.
    """
    try:
        return whoosh_index.exists_in(str(index_dir), indexname=INDEX_NAME)
    except Exception:
        return False


def default_index_dir() -> Path:
    """--index, else $KAVOSH_INDEX, else the per-user data folder."""
    env = os.environ.get("KAVOSH_INDEX")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("kavosh", appauthor=False)) / "index"


def read_meta(index_dir: Path) -> dict | None:
    path = index_dir / META_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except PermissionError:
        # Not "the first run did not finish": the index is there, this account may not read it.
        raise IndexNotFound(f"cannot read {path}: permission denied (ask the index's owner to "
                            "make the folder readable, e.g. chmod -R a+rX)") from None
    except (OSError, ValueError):
        return None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_meta(index_dir: Path, meta: dict) -> None:
    """Replace the metadata file atomically (write a temp file, then rename)."""
    fd, tmp = tempfile.mkstemp(dir=index_dir, prefix=".kavosh-meta-", suffix=".tmp")
    # mkstemp makes the file private (0600); the index's other files follow the umask, and
    # an index another account searches (a shared archive, `kavosh serve` as a service user)
    # needs this one readable too.
    os.fchmod(fd, 0o666 & ~_umask())
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False, indent=2)
    os.replace(tmp, index_dir / META_FILE)
