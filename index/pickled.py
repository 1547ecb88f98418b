"""The only Kavosh names an index's pickled schema refers to: keep them here, unchanged.

whoosh pickles the schema, analyzers and field formats included, into every
index.  Pickled by class, each object would name its module
(``kavosh.index.analysis.KavoshTokenizer``…) and moving or renaming one would
make every existing index unreadable.  Instead Kavosh's schema objects pickle
as ``rebuild(kind, state)``: the analysis chain as its options only
(``kavosh_analyzer(**options)`` makes it again), a field or format as its
plain attributes.  Modules can then move freely; what must not change is
this module's path, ``rebuild``'s name and the ``kind`` names below
(changing one is a ``SCHEMA_VERSION`` bump).
"""

from __future__ import annotations

import copyreg


def _chain(options):
    from .analysis import kavosh_analyzer

    return kavosh_analyzer(**options)


def _with_state(cls):
    def make(state):
        obj = cls.__new__(cls)
        obj.__dict__.update(state)
        return obj
    return make


def _variant_field(state):
    from .variants import VariantField

    return _with_state(VariantField)(state)


def _counted(name):
    def make(state):
        from . import term_counts

        return _with_state(getattr(term_counts, name))(state)
    return make


_KINDS = {
    "analysis_chain": _chain,
    "variant_field": _variant_field,
    "counted_frequency": _counted("CountedFrequency"),
    "counted_positions": _counted("CountedPositions"),
}


def rebuild(kind: str, state):
    """The schema object pickled as ``(kind, state)`` (see ``reduced``)."""
    return _KINDS[kind](state)


def reduced(kind: str, state):
    """What an object's ``__reduce__`` returns to pickle as ``rebuild(kind, state)``."""
    if kind not in _KINDS:
        raise ValueError(f"no pickle kind {kind!r}")
    return rebuild, (kind, state)


def pickle_by_kind(cls, kind: str) -> None:
    """Pickle every ``cls`` object as ``rebuild(kind, its attributes)`` (copyreg)."""
    reduced(kind, None)  # an unknown kind fails here, not when an index is written
    copyreg.pickle(cls, lambda obj: reduced(kind, dict(obj.__dict__)))
