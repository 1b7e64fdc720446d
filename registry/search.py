"""Search model versions with MLflow's filter grammar, plus OR, NOT, parentheses and aliases.

A filter is conditions joined by ``AND``, ``OR`` and ``NOT`` (binding NOT > AND > OR),
grouped with parentheses; keywords are case-insensitive, values are not::

    name LIKE 'fraud-%' AND (tags.domain = 'payments' OR alias = 'champion') AND metrics.f1 > 0.9

Attributes: ``name``, ``stage``, ``alias``, ``version`` (or ``version_number``), ``created_at``,
``description``, ``created_by``, ``run_id`` (``lineage.run.id``), ``tags.<key>``,
``metrics.<key>`` and ``params.<key>``; a key with other characters is quoted:
``tags.`my key```, ``params."x.y"``. Decisions beyond MLflow:

- ``tags.<key>`` is the version's tag, else the model's tag of that key (version tags override).
- A missing value (tag, metric, param, run id) fails every comparison, ``!=`` and ``NOT IN``
  included, as in SQL; ``IS NULL`` finds it. ``NOT`` simply negates, so ``NOT tags.t = 'x'``
  matches versions without the tag.
- ``alias`` is the set of aliases on the version: ``=``, ``LIKE`` and ``IN`` hold when one alias
  does, ``!=`` and ``NOT IN`` when none does; ``IS NULL`` means no alias.
- ``params.<key>`` compares as a number when the literal is a number and the value is numeric
  (a number, or a string that reads as one), else as text (booleans read ``true``/``false``).
- ``created_at`` compares with a quoted date or RFC 3339 time; naive times are UTC.
- ``LIKE``/``ILIKE`` match the whole value; ``%`` is any run, ``_`` one character and ``\\``
  escapes the next one.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from registry.errors import SearchError as SearchError
from registry.records import RegisteredModel, Version, parse_time

Literal = str | float | datetime
Actual = str | int | float | bool | datetime | tuple[str, ...] | None
Hit = tuple[RegisteredModel, Version]


def _where(text: str, pos: int) -> str:
    line, column = text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)
    return f"line {line}, column {column}" if "\n" in text else f"column {column}"


# -- attributes ---------------------------------------------------------------

Getter = Callable[[RegisteredModel, Version], Actual]
_BUILTINS: Mapping[str, tuple[str, Getter]] = {  # name -> (kind, value)
    "name": ("string", lambda rm, v: v.model),
    "stage": ("string", lambda rm, v: v.stage),
    "description": ("string", lambda rm, v: v.description),
    "created_by": ("string", lambda rm, v: v.created_by),
    "run_id": ("string", lambda rm, v: v.lineage.run.id if v.lineage.run else None),
    "alias": ("aliases", lambda rm, v: tuple(rm.aliases_of(v.number))),
    "version": ("number", lambda rm, v: v.number),
    "created_at": ("time", lambda rm, v: v.created_at),
}
_KEYED = {"tags": "string", "metrics": "number", "params": "param"}
_SYNONYMS = {"tag": "tags", "metric": "metrics", "param": "params", "version_number": "version"}
_NULLABLE = {"run_id", "alias", *_KEYED}
# Families of operators each kind of attribute accepts.
_FAMILIES = {
    "string": ("cmp", "like", "in", "null"),
    "number": ("cmp", "in", "null"),
    "time": ("cmp",),
    "aliases": ("eq", "like", "in", "null"),
    "param": ("cmp", "like", "in", "null"),
}
_FAMILY_OPS = {
    "eq": "=, !=",
    "cmp": "=, !=, <, <=, >, >=",
    "like": "LIKE, ILIKE",
    "in": "IN",
    "null": "IS NULL",
}
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.:/-]+")


@dataclass(frozen=True)
class Attribute:
    name: str
    key: str | None = None

    @property
    def kind(self) -> str:
        return _KEYED[self.name] if self.key is not None else _BUILTINS[self.name][0]

    def families(self) -> tuple[str, ...]:
        fams = _FAMILIES[self.kind]
        return fams if self.name in _NULLABLE else tuple(f for f in fams if f != "null")

    def get(self, rm: RegisteredModel, v: Version) -> Actual:
        key = self.key
        if key is None:
            return _BUILTINS[self.name][1](rm, v)
        if self.name == "tags":
            return v.tags[key] if key in v.tags else rm.model.tags.get(key)
        return (v.metrics if self.name == "metrics" else v.params).get(key)

    def __str__(self) -> str:
        if self.key is None:
            return self.name
        plain = _PLAIN_KEY.fullmatch(self.key)
        return f"{self.name}.{self.key}" if plain else f"{self.name}.`{self.key.replace('`', '``')}`"


# -- tokens -------------------------------------------------------------------


class Token(NamedTuple):
    kind: str  # word, string, number, op, punct, end
    text: str  # as written (for messages)
    pos: int
    value: str | float = ""  # decoded string, number, upper-cased word, operator
    key: str | None = None  # for words with a dotted key: tags.`my key`


_KEYWORDS = {"AND", "OR", "NOT", "LIKE", "ILIKE", "IN", "IS", "NULL"}
_OPERATORS = {"<=": "<=", ">=": ">=", "!=": "!=", "<>": "!=", "==": "=", "=": "=", "<": "<", ">": ">"}
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"', "`": "`"}
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _read_string(text: str, pos: int) -> tuple[str, int]:
    """The quoted string starting at ``pos`` and the offset after it. Unknown escapes stay as
    written, so LIKE still sees ``\\%``."""
    quote, out, i = text[pos], [], pos + 1
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(_ESCAPES.get(text[i + 1], text[i : i + 2]))
            i += 2
        elif c == quote and text[i + 1 : i + 2] == quote:
            out.append(quote)
            i += 2
        elif c == quote:
            return "".join(out), i + 1
        else:
            out.append(c)
            i += 1
    raise SearchError(
        f"unterminated string starting at {_where(text, pos)} (close it with {quote})", pos, text
    )


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = _skip_space(text, 0)
    while i < len(text):
        c, start = text[i], i
        if c in "'\"":
            value, i = _read_string(text, i)
            tokens.append(Token("string", text[start:i], start, value))
        elif num := _NUMBER.match(text, i):
            i = num.end()
            if _WORD.match(text, i):
                raise SearchError(f"malformed number at {_where(text, start)}", start, text)
            tokens.append(Token("number", num.group(), start, float(num.group())))
        elif word := _WORD.match(text, i):
            i, key = word.end(), None
            if text[i : i + 1] == ".":
                if text[i + 1 : i + 2] in ("`", '"', "'"):
                    key, i = _read_string(text, i + 1)
                elif plain := _PLAIN_KEY.match(text, i + 1):
                    key, i = plain.group(), plain.end()
                else:
                    raise SearchError(
                        f"expected a key after '{text[start : i + 1]}' at {_where(text, i + 1)}", i + 1, text
                    )
            upper = word.group().upper()
            value = upper if key is None and upper in _KEYWORDS else word.group().lower()
            tokens.append(Token("word", text[start:i], start, value, key))
        elif op := next((o for o in _OPERATORS if text.startswith(o, i)), None):
            i += len(op)
            tokens.append(Token("op", op, start, _OPERATORS[op]))
        elif c in "(),":
            i += 1
            tokens.append(Token("punct", c, start, c))
        else:
            raise SearchError(f"unexpected character {c!r} at {_where(text, i)}", i, text)
        i = _skip_space(text, i)
    tokens.append(Token("end", "", len(text)))
    return tokens


# -- the filter ---------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """A parsed filter. This base class is the empty filter: it matches every version."""

    def matches(self, rm: RegisteredModel, v: Version) -> bool:
        return True


@dataclass(frozen=True)
class And(Filter):
    left: Filter
    right: Filter

    def matches(self, rm: RegisteredModel, v: Version) -> bool:
        return self.left.matches(rm, v) and self.right.matches(rm, v)


@dataclass(frozen=True)
class Or(Filter):
    left: Filter
    right: Filter

    def matches(self, rm: RegisteredModel, v: Version) -> bool:
        return self.left.matches(rm, v) or self.right.matches(rm, v)


@dataclass(frozen=True)
class Not(Filter):
    operand: Filter

    def matches(self, rm: RegisteredModel, v: Version) -> bool:
        return not self.operand.matches(rm, v)


_NEGATED = {"!=": "=", "NOT IN": "IN", "NOT LIKE": "LIKE", "NOT ILIKE": "ILIKE", "IS NOT NULL": "IS NULL"}
_COMPARE: Mapping[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class Condition(Filter):
    """``attr op value``; op is one of =, <, <=, >, >=, LIKE, ILIKE, IN, IS NULL or their negations
    (!=, NOT LIKE, NOT ILIKE, NOT IN, IS NOT NULL). IN takes a tuple, IS NULL no value."""

    attr: Attribute
    op: str
    value: Literal | tuple[Literal, ...] | None = None

    def matches(self, rm: RegisteredModel, v: Version) -> bool:
        actual = self.attr.get(rm, v)
        op = _NEGATED.get(self.op, self.op)
        if op == "IS NULL":
            hit = actual is None or actual == ()
        elif isinstance(actual, tuple):  # aliases: does any of them satisfy it?
            hit = any(_test(a, op, self.value) for a in actual)
        elif actual is None:
            return False
        else:
            hit = _test(actual, op, self.value)
        return hit != (op != self.op)


def _test(actual: str | float | datetime, op: str, value: Literal | tuple[Literal, ...] | None) -> bool:
    if isinstance(value, tuple):
        return any(_test(actual, "=", x) for x in value)
    if op in ("LIKE", "ILIKE"):
        return _like(str(value), op == "ILIKE").matches(_text(actual))
    if isinstance(value, datetime):
        return isinstance(actual, datetime) and _COMPARE[op](actual, value)
    if isinstance(value, float):
        number = _number(actual)
        return number is not None and _COMPARE[op](number, value)
    return _COMPARE[op](_text(actual), value)


def _number(value: Actual) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _text(value: Actual) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


class _Like:
    """A LIKE pattern matched in linear time: the pattern is split at ``%``
    into fixed-length pieces (``_`` is one character) and each middle piece
    takes its leftmost match, which is optimal for such pieces. A regular
    expression with one ``.*`` per ``%`` backtracks polynomially, which a
    hostile filter could use against a long description."""

    def __init__(self, pattern: str, ignore_case: bool) -> None:
        pieces: list[list[str]] = [[]]
        for part in re.findall(r"\\.|.", pattern, re.S):
            if part == "%":
                pieces.append([])
            else:
                pieces[-1].append("." if part == "_" else re.escape(part[-1]))
        flags = re.S | re.I if ignore_case else re.S
        self.pieces = [(re.compile("".join(p), flags), len(p)) for p in pieces]

    def matches(self, value: str) -> bool:
        if len(self.pieces) == 1:
            return self.pieces[0][0].fullmatch(value) is not None
        (first, _), *middle, (last, last_len) = self.pieces
        head = first.match(value)
        if head is None:
            return False
        pos = head.end()
        for piece, _ in middle:
            found = piece.search(value, pos)
            if found is None:
                return False
            pos = found.end()
        start = len(value) - last_len
        return start >= pos and last.fullmatch(value, start) is not None


@lru_cache(maxsize=256)
def _like(pattern: str, ignore_case: bool) -> _Like:
    return _Like(pattern, ignore_case)


# -- the parser ---------------------------------------------------------------

_ATTRIBUTES = (
    "name, stage, alias, version, created_at, description, created_by, run_id, "
    "tags.<key>, metrics.<key> or params.<key>"
)


class _Parser:
    """Recursive descent over the tokens, one method per rule:

    disjunction := conjunction (OR conjunction)*      conjunction := negation (AND negation)*
    negation := NOT negation | '(' disjunction ')' | condition
    """

    def __init__(self, text: str, what: str = "filter") -> None:
        self.text, self.what = text, what
        self.tokens = _tokenize(text)
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return tok

    def accept(self, keyword: str) -> bool:
        if _is_word(self.peek(), keyword):
            self.take()
            return True
        return False

    def error(self, what: str, tok: Token, hint: str = "") -> SearchError:
        message = f"{what} at {_where(self.text, tok.pos)}" + (f" ({hint})" if hint else "")
        return SearchError(message, tok.pos, self.text)

    def unexpected(self, tok: Token, expected: str) -> SearchError:
        names = {"end": f"end of {self.what}", "string": f"string {tok.text}", "number": f"number {tok.text}"}
        seen = names.get(tok.kind, f"token {tok.text!r}")
        return self.error(f"unexpected {seen}", tok, f"expected {expected}")

    def filter(self) -> Filter:
        node = self.disjunction()
        if self.peek().kind != "end":
            raise self.unexpected(self.peek(), "AND, OR or end of filter")
        return node

    def disjunction(self) -> Filter:
        node = self.conjunction()
        while self.accept("OR"):
            node = Or(node, self.conjunction())
        return node

    def conjunction(self) -> Filter:
        node = self.negation()
        while self.accept("AND"):
            node = And(node, self.negation())
        return node

    def negation(self) -> Filter:
        if self.accept("NOT"):
            return Not(self.negation())
        tok = self.take()
        if not _is_punct(tok, "("):
            return self.condition(self.attribute(tok, "a condition such as name = 'x'"))
        if _is_punct(self.peek(), ")"):
            raise self.error("empty parentheses", self.peek(), "put a condition inside")
        node = self.disjunction()
        close = self.take()
        if close.kind == "end":
            raise self.error("'(' is never closed", tok, "add ')'")
        if not _is_punct(close, ")"):
            raise self.unexpected(close, "AND, OR or ')'")
        return node

    def attribute(self, tok: Token, expected: str) -> Attribute:
        if tok.kind != "word" or (tok.key is None and tok.value in _KEYWORDS):
            raise self.unexpected(tok, expected)
        name, key = _SYNONYMS.get(str(tok.value), str(tok.value)), tok.key
        if name in ("attribute", "attributes", "attr") and key is not None:
            name, key = _SYNONYMS.get(key.lower(), key.lower()), None
        if key is None and name in _BUILTINS:
            return Attribute(name)
        if key is not None and name in _KEYED:
            return Attribute(name, key)
        if key is None and name in _KEYED:
            raise self.error(f"'{tok.text}' needs a key", tok, f"e.g. {name}.f1 or {name}.`my key`")
        raise self.error(f"unknown attribute '{tok.text}'", tok, f"expected {_ATTRIBUTES}")

    def condition(self, attr: Attribute) -> Condition:
        tok = self.take()
        if tok.kind == "op":
            self.allow(attr, "eq" if tok.value in ("=", "!=") else "cmp", tok, tok.text)
            return Condition(attr, str(tok.value), self.literal(attr, self.take()))
        prefix = ""
        if _is_word(tok, "NOT"):
            prefix, tok = "NOT ", self.take()
            if not _is_word(tok, "IN", "LIKE", "ILIKE"):
                raise self.unexpected(tok, "IN, LIKE or ILIKE after NOT")
        if _is_word(tok, "LIKE", "ILIKE"):
            self.allow(attr, "like", tok, str(tok.value))
            pattern = self.take()
            if pattern.kind != "string":
                raise self.unexpected(pattern, f"a quoted pattern after {tok.value}")
            return Condition(attr, prefix + str(tok.value), str(pattern.value))
        if _is_word(tok, "IN"):
            self.allow(attr, "in", tok, "IN")
            return Condition(attr, prefix + "IN", self.values(attr))
        if _is_word(tok, "IS"):
            self.allow(attr, "null", tok, "IS NULL")
            negated, null = self.accept("NOT"), self.take()
            if not _is_word(null, "NULL"):
                raise self.unexpected(null, "NULL or NOT NULL after IS")
            return Condition(attr, "IS NOT NULL" if negated else "IS NULL")
        raise self.unexpected(tok, "an operator: =, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN or IS NULL")

    def allow(self, attr: Attribute, family: str, tok: Token, label: str) -> None:
        families = attr.families()
        if family not in families and not (family == "eq" and "cmp" in families):
            takes = ", ".join(_FAMILY_OPS[f] for f in families)
            raise self.error(f"{label.upper()} does not apply to {attr}", tok, f"{attr} takes {takes}")

    def values(self, attr: Attribute) -> tuple[Literal, ...]:
        tok = self.take()
        if not _is_punct(tok, "("):
            raise self.unexpected(tok, "'(' after IN")
        if _is_punct(self.peek(), ")"):
            raise self.error("empty IN list", self.peek(), "list at least one value")
        values = [self.literal(attr, self.take())]
        while _is_punct(sep := self.take(), ","):
            values.append(self.literal(attr, self.take()))
        if not _is_punct(sep, ")"):
            raise self.unexpected(sep, "',' or ')'")
        return tuple(values)

    def literal(self, attr: Attribute, tok: Token) -> Literal:
        kind = attr.kind
        if tok.kind == "string" and kind in ("string", "aliases", "param"):
            return str(tok.value)
        if tok.kind == "number" and kind in ("number", "param"):
            return float(tok.value)
        if tok.kind == "string" and kind == "time":
            try:
                return parse_time(str(tok.value))
            except ValueError:
                hint = "use e.g. '2026-01-01' or '2026-01-01T12:00:00Z'"
                raise self.error(f"not a date or time: {tok.text}", tok, hint) from None
        if tok.kind in ("string", "number"):
            wants = {"number": "a number", "time": "a quoted date or time"}.get(kind, "a quoted string")
            raise self.error(
                f"{tok.kind} {tok.text} cannot be compared with {attr}", tok, f"{attr} takes {wants}"
            )
        raise self.unexpected(tok, f"a value for {attr}")


def _is_word(tok: Token, *words: str) -> bool:
    return tok.kind == "word" and tok.key is None and tok.value in words


def _is_punct(tok: Token, char: str) -> bool:
    return tok.kind == "punct" and tok.value == char


def parse(text: str) -> Filter:
    """The filter in ``text``; an empty or blank one matches everything. Raises SearchError."""
    return _Parser(text).filter() if text.strip() else Filter()


# -- ordering and searching ---------------------------------------------------


@dataclass(frozen=True)
class OrderKey:
    attr: Attribute
    descending: bool = False

    def __str__(self) -> str:
        return f"{self.attr} {'DESC' if self.descending else 'ASC'}"


DEFAULT_ORDER = (OrderKey(Attribute("name")), OrderKey(Attribute("version"), descending=True))


def parse_order_by(items: Sequence[str]) -> list[OrderKey]:
    """MLflow's order_by clauses (``"metrics.f1 DESC"``, ``"name"``); one item may hold several."""
    keys: list[OrderKey] = []
    for item in items:
        parser = _Parser(item, "order_by clause")
        while True:
            tok = parser.take()
            attr = parser.attribute(tok, "an attribute such as name, version or metrics.<key>")
            if attr.kind == "aliases":
                raise parser.error("cannot order by alias", tok, "a version may carry several")
            descending = _is_word(parser.peek(), "asc", "desc") and parser.take().value == "desc"
            keys.append(OrderKey(attr, descending))
            sep = parser.take()
            if sep.kind == "end":
                break
            if not _is_punct(sep, ","):
                raise parser.unexpected(sep, "ASC, DESC, ',' or end of clause")
    return keys


def search(
    models: Mapping[str, RegisteredModel],
    filter_text: str = "",
    order_by: Sequence[str] = (),
    max_results: int | None = None,
) -> list[Hit]:
    """Versions matching ``filter_text``, ordered by ``order_by`` then name ASC, version DESC.

    A missing value (a metric the version lacks) sorts last whichever the direction.
    """
    if max_results is not None and max_results < 1:
        raise SearchError(f"max_results must be at least 1, not {max_results}")
    flt = parse(filter_text)
    keys = [*parse_order_by(order_by), *DEFAULT_ORDER]
    hits = [(rm, v) for rm in models.values() for v in rm.versions.values() if flt.matches(rm, v)]
    for key in reversed(keys):  # stable sorts, least significant key first
        valued = [(key.attr.get(*hit), hit) for hit in hits]
        present = [pair for pair in valued if pair[0] is not None]
        present.sort(key=lambda pair: _sort_key(key.attr.kind, pair[0]), reverse=key.descending)
        hits = [hit for _, hit in present] + [hit for value, hit in valued if value is None]
    return hits[:max_results]


def _sort_key(kind: str, value: Actual) -> tuple[int, float, str]:
    if isinstance(value, datetime):
        return (0, value.timestamp(), "")
    number = _number(value) if kind in ("number", "param") else None
    return (0, number, "") if number is not None else (1, 0.0, _text(value))
