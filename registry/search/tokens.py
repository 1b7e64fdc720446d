"""The filter text as tokens: words, strings, numbers, operators."""

from __future__ import annotations

import re
from typing import NamedTuple

from registry.errors import SearchError as SearchError
from registry.search.attributes import (
    _PLAIN_KEY,
    _where,
)


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
