"""The query language's one grammar: text → the query tree of search/query_tree.py.

    کیف پهپاد            words (all must match by default)
    کیف OR كييف | …       either side
    a AND b              the same as ``a b``
    -X, NOT X            exclude X: a word, "a phrase", (a group) or field:X
    "حمله پهپادی"        a phrase, as written (verbatim)
    title:X, body:X      X a word, "a phrase" or (a group), in that field only
    پهپاد*, w?rd         a prefix, a wildcard
    ( … )                grouping

Parsed by lark (LALR, one table built at import), after one lenient pass
that repairs what users leave open: an unbalanced quote closes at the end, a
stray ``)`` is dropped and a missing ``)`` added.  What cannot be repaired
without guessing is a ``QueryError`` saying what to do: an operator with
nothing to work on (``ایران OR``, ``NOT``, a ``-`` followed by a space) and
an unknown field (``foo:bar``), which would otherwise be a silent search for
a Latin word.
"""

from __future__ import annotations

from lark import Lark, Transformer, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.exceptions import VisitError

from kavosh.index.errors import QueryError

from .query_tree import FIELDS, And, Field, Group, Not, Or, Pattern, Phrase, Word

# Grouping deeper than this is a mistake or an attack, never a question: the
# parser and whoosh's query normalization recurse once per level.
MAX_NESTING = 20

# Operators are whole tokens (ORANGE, NOTE and a|b are words); FIELD is a Latin
# identifier and its colon touching what follows (http:// and a label such as
# "AFP: …" are words; ``title: x`` is still the field); a word never starts with '-',
# which excludes only when it touches what follows it: a dash between words
# (ایران - آمریکا, a pasted "- question") is punctuation, a '-' at the end is an error.
GRAMMAR = r"""
start: or_expr?
?or_expr: and_expr (_OR and_expr)*
?and_expr: unary (_AND? unary)*
?unary: negation | atom
negation: NEGATION+ atom
?atom: group | field | phrase | word
field: FIELD NEGATION* (group | phrase | word)
group: "(" or_expr? ")"
phrase: QUOTED
word: WORD | DASH

_OR.3: /(?:OR|\|)(?=[\s()"]|$)/
_AND.3: /AND(?=[\s()"]|$)/
NEGATION.3: /NOT(?=[\s()"]|$)/ | /-(?=\S)/
FIELD.2: /(?:[A-Za-z][A-Za-z0-9_]*:(?=\S)|(?i:{fields}):)(?!\/\/)/
QUOTED: /"[^"]*"/
WORD: /[^\s()"\-][^\s()"]*/
DASH: /-+(?=\s)/
%ignore /\s+/
"""

_PARSER = Lark(GRAMMAR.replace("{fields}", "|".join(FIELDS)), parser="lalr", lexer="basic", maybe_placeholders=False)


class _ToTree(Transformer):
    """lark's parse tree → Kavosh's query tree."""

    def __init__(self, verbatim: bool):
        super().__init__()
        self.verbatim = verbatim

    def start(self, items):
        return items[0] if items else None

    def or_expr(self, items):
        return Or(tuple(items))

    def and_expr(self, items):
        return And(tuple(items))

    def negation(self, items):
        *signs, child = items
        return Not(child) if len(signs) % 2 else child

    def field(self, items):
        name, *signs, child = items
        scoped = Field(_field_name(name), child)
        return Not(scoped) if len(signs) % 2 else scoped  # title:-x is -title:x

    def group(self, items):
        return Group(items[0] if items else None)

    def phrase(self, items):
        return Phrase(str(items[0])[1:-1])

    def word(self, items):
        text = str(items[0])
        if "*" in text or "?" in text:
            return Pattern(text, verbatim=self.verbatim)
        return Word(text, verbatim=self.verbatim)


def _field_name(token) -> str:
    name = str(token)[:-1].lower()
    if name not in FIELDS:
        known = " and ".join(f"{f}:" for f in FIELDS)
        raise QueryError(f"unknown field {str(token)!r}: the fields are {known}; "
                         "to search for the text itself, put it in quotes")
    return name


def parse_tree(text: str, verbatim: bool = False):
    """The query tree of ``text`` (None when it holds nothing, e.g. ``()``).

    ``verbatim``: every word as written (``--exact``), not only quoted ones.
    Raises ``QueryError`` with one line that says what to change.
    """
    repaired = repair(text)
    try:
        parsed = _PARSER.parse(repaired)
    except UnexpectedInput as exc:
        raise QueryError(_explain(exc, repaired)) from None
    try:
        return _ToTree(verbatim).transform(parsed)
    except VisitError as exc:
        if isinstance(exc.orig_exc, QueryError):
            raise exc.orig_exc from None
        raise


def repair(text: str) -> str:
    """``text`` with its open quote closed and its parentheses balanced, the way
    users mean them: a stray ``)`` dropped, a missing ``)`` added at the end.

    Parentheses inside quotes are text.  Nesting deeper than ``MAX_NESTING``
    is an error.
    """
    out, depth, quoted = [], 0, False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(f"the query nests parentheses more than {MAX_NESTING} deep: remove some")
        elif not quoted and ch == ")":
            if depth == 0:
                ch = " "  # keeps the words on either side apart
            else:
                depth -= 1
        out.append(ch)
    if quoted:
        out.append('"')
    out.append(")" * depth)
    return "".join(out)


_OPERATORS = {"_OR": "OR", "_AND": "AND", "NEGATION": "NOT", "FIELD": None}


def _explain(exc: UnexpectedInput, text: str) -> str:
    """One line for a query the grammar cannot read: which operator is left dangling."""
    if isinstance(exc, UnexpectedCharacters):  # only a '-' at the end or before ')'
        return ("a '-' at the end excludes nothing: write it before what it excludes "
                "(-word, -\"a phrase\", -(a group)), or remove it")
    token = exc.token if isinstance(exc, UnexpectedToken) else None
    if token is not None and token.type in ("_OR", "_AND"):
        before = _token_before(text, token.start_pos)
        if before is None or before.type in _OPERATORS or before.type == "LPAR":
            return _dangling(token)
    before = _token_before(text, token.start_pos if token is not None and token.type != "$END"
                           else len(text))
    if before is not None and before.type in _OPERATORS:
        return _dangling(before)
    return "the query cannot be read: check its operators (OR, AND, NOT, -) and fields (title:, body:)"


def _token_before(text: str, pos: int):
    last = None
    for tok in _PARSER.lex(text):
        if tok.start_pos >= pos:
            break
        last = tok
    return last


def _dangling(token) -> str:
    if token.type == "FIELD":
        return f"{token} needs a word, a \"phrase\" or a (group) right after it"
    if token.type == "NEGATION":
        return ("NOT (or -) needs a word, a \"phrase\" or a (group) after it to exclude: "
                "add one, or remove it")
    op = _OPERATORS[token.type]
    return f"{op} needs a word on each side (a {op} b): add one, or remove {op}"
