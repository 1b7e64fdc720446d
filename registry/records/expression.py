"""A gate's derived-metric condition, such as
``metrics.train_accuracy - metrics.accuracy <= 0.15`` or
``metrics.f1 >= production.metrics.f1 + 0.005``.

The grammar is small and parsed here, never evaluated by Python:

    condition := sum (">=" | ">" | "<=" | "<" | "==") sum
    sum       := term (("+" | "-") term)*
    term      := unary (("*" | "/") unary)*
    unary     := "-" unary | NUMBER | REF | "(" sum ")"
    REF       := "metrics." NAME          the version's own metric
               | STAGE ".metrics." NAME   the metric of the version that holds STAGE

A metric NAME is letters, digits, ``_`` and ``.``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_LENGTH = 500
MAX_DEPTH = 32

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<num>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<ref>(?:(?P<stage>[a-z][a-z0-9_-]{0,31})\.)?metrics\.(?P<name>[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*))"
    r"|(?P<op>>=|<=|==|[-+*/()<>])"
    r")"
)
_COMPARE = (">=", "<=", "==", ">", "<")
OPS: Mapping[str, Callable[[float, float], bool]] = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
}

Node = tuple[Any, ...]
"""("num", value) | ("ref", stage or None, name) | ("neg", node) | (op, left, right)"""


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, Any]] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            match = _TOKEN.match(text, pos)
            if match is None or match.end() == pos:
                raise ValueError(f"unexpected {text[pos:].strip()[:20]!r} at column {pos + 1}")
            if match.group("num") is not None:
                self.tokens.append(("num", float(match.group("num"))))
            elif match.group("ref") is not None:
                self.tokens.append(("ref", (match.group("stage"), match.group("name"))))
            else:
                self.tokens.append(("op", match.group("op")))
            pos = match.end()
        self.at = 0

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, *ops: str) -> str | None:
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in ops:
            self.at += 1
            return str(token[1])
        return None

    def condition(self) -> tuple[Node, str, Node]:
        left = self.sum(0)
        op = self.take(*_COMPARE)
        if op is None:
            raise ValueError("a condition compares two sides: add >=, >, <=, < or ==")
        right = self.sum(0)
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()[1]!r} after the condition")  # type: ignore[index]
        return left, op, right

    def sum(self, depth: int) -> Node:
        node = self.term(depth)
        while (op := self.take("+", "-")) is not None:
            node = (op, node, self.term(depth))
        return node

    def term(self, depth: int) -> Node:
        node = self.unary(depth)
        while (op := self.take("*", "/")) is not None:
            node = (op, node, self.unary(depth))
        return node

    def unary(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise ValueError(f"nested more than {MAX_DEPTH} deep")
        if self.take("-"):
            return ("neg", self.unary(depth + 1))
        if self.take("("):
            node = self.sum(depth + 1)
            if not self.take(")"):
                raise ValueError("a '(' is not closed")
            return node
        token = self.peek()
        if token is None:
            raise ValueError("the condition ends too early")
        self.at += 1
        if token[0] == "num":
            return ("num", token[1])
        if token[0] == "ref":
            return ("ref", *token[1])
        raise ValueError(f"unexpected {token[1]!r}")


def _refs(node: Node) -> list[tuple[str | None, str]]:
    if node[0] == "ref":
        return [(node[1], node[2])]
    if node[0] == "num":
        return []
    return [r for child in node[1:] for r in _refs(child)]


@dataclass(frozen=True)
class Expression:
    text: str
    left: Node
    op: str
    right: Node

    @classmethod
    def parse(cls, text: str) -> Expression:
        if not isinstance(text, str) or len(text) > MAX_LENGTH:
            raise ValueError(f"an expression is text of at most {MAX_LENGTH} characters")
        try:
            left, op, right = _Parser(text).condition()
        except ValueError as exc:
            raise ValueError(f"not a condition: {text!r}: {exc}") from None
        return cls(text, left, op, right)

    @property
    def stages(self) -> set[str]:
        """The stages whose holders' metrics it reads."""
        return {stage for stage, _ in _refs(self.left) + _refs(self.right) if stage is not None}

    def evaluate(
        self, own: Mapping[str, float], holder: Callable[[str], Mapping[str, float] | None]
    ) -> tuple[bool, float, float] | str:
        """(holds, left value, right value), or why it cannot be decided:
        a missing metric, an empty stage (``"empty: production"``), a division by zero."""

        def value(node: Node) -> float:
            kind = node[0]
            if kind == "num":
                return float(node[1])
            if kind == "ref":
                stage, name = node[1], node[2]
                metrics = own if stage is None else holder(stage)
                if metrics is None:
                    raise _Undecided(f"empty: {stage}")
                found = metrics.get(name)
                if not isinstance(found, (int, float)) or isinstance(found, bool):
                    whose = "" if stage is None else f" of the {stage} version"
                    raise _Undecided(f"metric {name!r}{whose} is missing")
                return float(found)
            if kind == "neg":
                return -value(node[1])
            a, b = value(node[1]), value(node[2])
            if kind == "+":
                return a + b
            if kind == "-":
                return a - b
            if kind == "*":
                return a * b
            if b == 0:
                raise _Undecided("it divides by zero")
            return a / b

        try:
            left, right = value(self.left), value(self.right)
        except _Undecided as why:
            return str(why)
        return OPS[self.op](left, right), left, right


class _Undecided(Exception):
    pass
