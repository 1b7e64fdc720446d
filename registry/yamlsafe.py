"""Safe, bounded, fast YAML for records that arrive from pull requests.

libyaml (through PyYAML's C parser) tokenises and composes the node tree; our
own small converter turns nodes into plain ``dict``/``list``/scalars. The
converter is the whole trust boundary:

* only the YAML 1.2 core schema: null, bool, int, float, str, map, seq
  (times stay strings, ``yes``/``no`` stay strings); any other tag, such as
  ``!!python/object`` or ``!!binary``, is refused and never constructed;
* no anchors or aliases at all, so an alias-expansion bomb cannot expand;
* duplicate keys and non-string keys are errors;
* files over ``MAX_BYTES`` and documents over ``MAX_NODES`` are refused;
* numbers lie in the registry's domain (``registry.limits``): integers
  within ``MAX_INT`` and finite floats. ``.nan``, ``.inf``, ``1e309`` (too
  large for a double) and a 400-digit integer are refused here, where the
  line is known, so that no view meets a number it cannot print as JSON.

It is also about three times faster than PyYAML's generic constructor, which
matters at 21,000 records.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from registry.errors import YamlError as YamlError
from registry.limits import MAX_BYTES, MAX_DEPTH, MAX_INT, MAX_INT_DIGITS, MAX_NODES, Oversized

try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - libyaml missing
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _PyParser(Reader, Scanner, Parser, Composer):
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    _Parser = _PyParser  # type: ignore[misc,assignment,unused-ignore]


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_PLAIN = "?"  # what our resolver gives every implicit node; typed below
_ALLOWED_TAGS = {
    _STR,
    _MAP,
    _SEQ,
    _PLAIN,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}

_INT_RE = re.compile(r"^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_FLOAT_RE = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    ".inf": math.inf,
    "+.inf": math.inf,
    ".Inf": math.inf,
    ".INF": math.inf,
    "-.inf": -math.inf,
    "-.Inf": -math.inf,
    "-.INF": -math.inf,
    ".nan": math.nan,
    ".NaN": math.nan,
    ".NAN": math.nan,
}


class _Loader(_Parser):
    """libyaml's parser and composer with a resolver that does nothing.

    Every implicit scalar gets the tag ``?`` and is typed by ``_scalar``; an
    explicit tag is kept as written so that the converter can refuse it.
    """

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _MAP if kind is MappingNode else _SEQ

    def descend_resolver(self, *args: Any) -> None:
        pass

    def ascend_resolver(self, *args: Any) -> None:
        pass


def number_problem(value: object) -> str | None:
    """Why a number is outside the registry's domain, or None (also for non-numbers).

    The one rule, for values read from YAML and for values a write builds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if math.isfinite(value):
            return None
        return (
            "is not a finite number: NaN and infinity (also a literal too large for a double, "
            "such as 1e309) cannot be compared or written as JSON"
        )
    if isinstance(value, int) and not -MAX_INT <= value <= MAX_INT:
        return _INT_RANGE
    return None


_INT_RANGE = (
    f"is out of range: integers lie within -{MAX_INT:,}..{MAX_INT:,} (2**53 - 1, exact as a double); "
    "put it in quotes to keep it as text"
)


def _shown(value: str) -> str:
    return value if len(value) <= 40 else f"{value[:20]}...{value[-6:]} ({len(value):,} characters)"


def _out_of_domain(node: ScalarNode, problem: str) -> YamlError:
    return YamlError("number-range", f"{_shown(node.value)} {problem}", node.start_mark.line + 1)


def _int(node: ScalarNode, base: int) -> int:
    text = node.value
    digits = text.lstrip("+-").replace("_", "")
    decimal = base != 0 or not digits.startswith(("0x", "0o", "0b"))
    if decimal and len(digits.lstrip("0")) > MAX_INT_DIGITS:  # never converted: Python refuses 4,301 digits
        raise _out_of_domain(node, _INT_RANGE)
    value = int(text, base)
    if not -MAX_INT <= value <= MAX_INT:
        raise _out_of_domain(node, _INT_RANGE)
    return value


def _float(node: ScalarNode) -> float:
    value = float(node.value)
    if not math.isfinite(value):
        raise _out_of_domain(node, number_problem(value) or "")
    return value


def _scalar(node: ScalarNode) -> Any:
    value: str = node.value
    tag = node.tag
    if tag == _STR:
        return value
    if tag == _PLAIN:
        if value in _SPECIAL:
            special = _SPECIAL[value]
            if isinstance(special, float):  # .nan, .inf
                raise _out_of_domain(node, number_problem(special) or "")
            return special
        first = value[0]
        if first.isdigit() or first in "+-.":
            if _INT_RE.match(value):
                return _int(node, 0 if value[:2] in ("0o", "0x") else 10)
            if _FLOAT_RE.match(value):
                return _float(node)
        return value
    # Explicit core tags: the value must fit the tag.
    kind = tag.rsplit(":", 1)[1]
    try:
        if kind == "int":
            return _int(node, 0)
        if kind == "float":
            return _float(node)
        if kind == "bool":
            return {"true": True, "false": False}[value.lower()]
        if kind == "null":
            if value not in ("", "~", "null", "Null", "NULL"):
                raise ValueError(value)
            return None
    except (ValueError, KeyError):
        pass
    raise YamlError("yaml-tag", f"{value!r} is not a valid !!{kind}", node.start_mark.line + 1)


_NUMERIC_START = frozenset("0123456789+-.")
_MAP_TAGS = frozenset({_MAP, _PLAIN})


class _Converter:
    """Nodes to plain data. ``track`` refuses a node seen twice (an alias);
    it is needed only when the text contains ``*`` at all."""

    __slots__ = ("count", "seen", "track")

    def __init__(self, track: bool) -> None:
        self.seen: set[int] = set()
        self.count = 0
        self.track = track

    def _refuse(self, node: Node, rule: str, message: str) -> YamlError:
        return YamlError(rule, message, node.start_mark.line + 1)

    def convert(self, node: Node, depth: int) -> Any:
        if self.track:
            ident = id(node)
            if ident in self.seen:
                raise self._refuse(
                    node,
                    "yaml-alias",
                    "anchors and aliases (&name / *name) are not allowed in registry records",
                )
            self.seen.add(ident)
        cls = node.__class__
        tag = node.tag
        if cls is ScalarNode:
            if tag is _PLAIN or tag == _PLAIN:
                value = node.value
                if value and value[0] not in _NUMERIC_START and value not in _SPECIAL:
                    return value
            elif tag == _STR:
                return node.value
            elif tag not in _ALLOWED_TAGS:
                raise self._refuse(node, "yaml-tag", _tag_message(tag))
            return _scalar(node)  # type: ignore[arg-type]
        if tag not in _ALLOWED_TAGS:
            raise self._refuse(node, "yaml-tag", _tag_message(tag))
        items = node.value
        self.count += len(items)
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise self._refuse(
                node,
                "file-too-large",
                f"document has more than {MAX_NODES} nodes or nesting deeper than {MAX_DEPTH}",
            )
        depth += 1
        if cls is SequenceNode:
            return [self.convert(item, depth) for item in items]
        result: dict[str, Any] = {}
        for key_node, value_node in items:
            if key_node.tag == "tag:yaml.org,2002:merge" or (
                key_node.value == "<<" and key_node.tag == _PLAIN and key_node.__class__ is ScalarNode
            ):
                raise self._refuse(
                    key_node, "yaml-alias", "merge keys (<<) are not allowed in registry records"
                )
            key = self.convert(key_node, depth)
            if key.__class__ is not str:
                raise self._refuse(
                    key_node, "schema", f"mapping keys must be strings, not {type(key).__name__} {key!r}"
                )
            if key in result:
                raise self._refuse(
                    key_node, "duplicate-key", f"key {key!r} appears twice in the same mapping"
                )
            result[key] = self.convert(value_node, depth)
        return result


def _tag_message(tag: str) -> str:
    return f"tag {tag!r} is not allowed (only plain YAML data: maps, lists, strings, numbers, booleans, null)"


def decode(data: bytes) -> str:
    """UTF-8 text of a record, or a YamlError naming the first bad line."""
    if len(data) > MAX_BYTES:
        size = data.size if isinstance(data, Oversized) else len(data)  # only the head was read
        raise YamlError("file-too-large", f"file is {size:,} bytes; the limit is {MAX_BYTES:,}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlError("encoding", "file is not valid UTF-8", line) from None


def compose(text: str) -> Node | None:
    """The node tree of a single-document YAML text."""
    loader = _Loader(text)
    try:
        node: Node | None = loader.get_single_node()
        return node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "invalid YAML"
        if "expected a single document" in str(exc.context):
            problem = "only one YAML document per file (remove the '---' separator)"
        raise YamlError("yaml-syntax", f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError("yaml-syntax", f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def load(data: bytes) -> Any:
    """Parse one record. Raises YamlError with a rule name and a line."""
    node = compose(decode(data))
    if node is None:
        return None
    return _Converter(track=b"*" in data).convert(node, 0)


def line_of(data: bytes, path: Sequence[str | int], *, key: bool = False) -> int | None:
    """The 1-based line of the node at ``path`` (or of its key), best effort.

    Used only for files that have a problem, so it may compose again.
    Falls back to the deepest existing ancestor.
    """
    try:
        node = compose(decode(data))
    except YamlError as exc:
        return exc.line
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for step in path:
        found: Node | None = None
        key_line = None
        if isinstance(node, MappingNode) and isinstance(step, str):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.value == step:
                    found, key_line = value_node, key_node.start_mark.line + 1
        elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            found = node.value[step]
        if found is None:
            return line
        node = found
        line = key_line if key and key_line is not None else node.start_mark.line + 1
    return line
