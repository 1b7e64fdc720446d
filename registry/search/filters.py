"""The parsed filter: conditions joined by AND, OR and NOT, and how each matches a version."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from registry.errors import SearchError as SearchError
from registry.records import RegisteredModel, Version
from registry.search.attributes import (
    Actual,
    Attribute,
    Literal,
)


@dataclass(frozen=True)
class Filter:
    """A parsed filter. This base class is the empty filter: it matches every version."""

    def matches(self, rm: RegisteredModel, v: Version) -> bool:
        return True

    def matches_model(self, rm: RegisteredModel) -> bool:
        """Whether the model itself matches (its name, tags and aliases only)."""
        return True

    def attributes(self) -> Iterator[Attribute]:
        """Every attribute the filter names."""
        return iter(())


@dataclass(frozen=True)
class And(Filter):
    left: Filter
    right: Filter

    def matches(self, rm: RegisteredModel, v: Version) -> bool:
        return self.left.matches(rm, v) and self.right.matches(rm, v)

    def matches_model(self, rm: RegisteredModel) -> bool:
        return self.left.matches_model(rm) and self.right.matches_model(rm)

    def attributes(self) -> Iterator[Attribute]:
        yield from self.left.attributes()
        yield from self.right.attributes()


@dataclass(frozen=True)
class Or(Filter):
    left: Filter
    right: Filter

    def matches(self, rm: RegisteredModel, v: Version) -> bool:
        return self.left.matches(rm, v) or self.right.matches(rm, v)

    def matches_model(self, rm: RegisteredModel) -> bool:
        return self.left.matches_model(rm) or self.right.matches_model(rm)

    def attributes(self) -> Iterator[Attribute]:
        yield from self.left.attributes()
        yield from self.right.attributes()


@dataclass(frozen=True)
class Not(Filter):
    operand: Filter

    def matches(self, rm: RegisteredModel, v: Version) -> bool:
        return not self.operand.matches(rm, v)

    def matches_model(self, rm: RegisteredModel) -> bool:
        return not self.operand.matches_model(rm)

    def attributes(self) -> Iterator[Attribute]:
        return self.operand.attributes()


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
        return self.holds(self.attr.get(rm, v))

    def matches_model(self, rm: RegisteredModel) -> bool:
        return self.holds(self.attr.of_model(rm))

    def attributes(self) -> Iterator[Attribute]:
        yield self.attr

    def holds(self, actual: Actual) -> bool:
        """Whether the condition holds for the value ``actual``."""
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
