"""The parser: tokens to a filter, and to order-by keys."""

from __future__ import annotations

from collections.abc import Sequence

from registry.errors import SearchError as SearchError
from registry.records import parse_time
from registry.records.config import find_stage
from registry.search.attributes import (
    _BUILTINS,
    _FAMILY_OPS,
    _KEYED,
    _SYNONYMS,
    Attribute,
    Literal,
    _where,
)
from registry.search.filters import (
    And,
    Condition,
    Filter,
    Not,
    Or,
)
from registry.search.tokens import (
    _KEYWORDS,
    Token,
    _tokenize,
)

_ATTRIBUTES = (
    "name, stage, alias, version, created_at, description, created_by, run_id, "
    "tags.<key>, metrics.<key> or params.<key>"
)


class _Parser:
    """Recursive descent over the tokens, one method per rule:

    disjunction := conjunction (OR conjunction)*      conjunction := negation (AND negation)*
    negation := NOT negation | '(' disjunction ')' | condition
    """

    def __init__(self, text: str, what: str = "filter", stages: Sequence[str] | None = None) -> None:
        self.text, self.what, self.stages = text, what, stages
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

    def stage(self, tok: Token) -> str:
        """A stage as MLflow users type it (``'Production'``): in any letter
        case, and, when the registry's stages are known, one of them."""
        if self.stages is None:
            return str(tok.value).strip().lower()  # the registry's stage names are lower case
        found = find_stage(list(self.stages), str(tok.value))
        if found is None:
            raise self.error(f"no stage {tok.text}", tok, f"the stages: {', '.join(self.stages)}")
        return found

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
        if tok.kind == "string" and attr.name == "stage":
            return self.stage(tok)
        if tok.kind == "string" and kind in ("string", "aliases", "param", "semver"):
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


def parse(text: str, stages: Sequence[str] | None = None) -> Filter:
    """The filter in ``text``; an empty or blank one matches everything. A
    stage compared with is one of ``stages``, when given. Raises SearchError."""
    return _Parser(text, stages=stages).filter() if text.strip() else Filter()
