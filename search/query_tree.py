"""Kavosh's query tree: what a query says, before any search engine reads it.

The grammar (search/query_grammar.py) builds these nodes; search/query.py
compiles them into whoosh queries, and an OpenSearch backend can compile the
same tree into its DSL.  So nothing here knows whoosh, fields' analyzers or
stems: a node holds the text the user typed and the structure around it.

``verbatim`` on a word or phrase means "as written": no stems, no other
script's spellings (a quoted phrase; every word under ``--exact``).
"""

from __future__ import annotations

from dataclasses import dataclass

# The fields a query may name (``title:…``); anything else before a ':' is an error.
FIELDS = ("title", "body")


@dataclass(frozen=True)
class Word:
    """One typed word (may analyse to several, as COVID-19 does)."""

    text: str
    verbatim: bool = False


@dataclass(frozen=True)
class Phrase:
    """A quoted text: its words in this order, side by side."""

    text: str
    verbatim: bool = True


@dataclass(frozen=True)
class Pattern:
    """A word with ``*`` or ``?``: a prefix (``پهپاد*``) or a wildcard (``w?rd``)."""

    text: str
    verbatim: bool = False

    @property
    def is_prefix(self) -> bool:
        stem = self.text.rstrip("*")
        return "*" not in stem and "?" not in stem


@dataclass(frozen=True)
class Field:
    """``name:child``: the child searched in that field only."""

    name: str
    child: "Node"


@dataclass(frozen=True)
class Group:
    """``( … )``: kept so that a compiler sees what the user grouped (a group is
    never one of two adjacent words that also match joined)."""

    child: "Node | None"


@dataclass(frozen=True)
class And:
    """Every positive child must match (or, in ranked mode, any), no ``Not`` child may."""

    children: tuple


@dataclass(frozen=True)
class Or:
    children: tuple


@dataclass(frozen=True)
class Not:
    """``-X`` and ``NOT X``: the same node, so they are the same query."""

    child: "Node"


Node = Word | Phrase | Pattern | Field | Group | And | Or | Not


def walk(node):
    """Every node of a tree, parents first."""
    if node is None:
        return
    yield node
    if isinstance(node, (And, Or)):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, (Field, Group, Not)):
        yield from walk(node.child)
