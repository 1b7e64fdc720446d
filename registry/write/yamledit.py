"""Round-trip editing of records: change a value, keep comments, order and layout.

Only files that already passed the strict loader are edited here, and every
result is checked again by the strict loader (through ``registry check``)
before it is committed.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from yaml.nodes import MappingNode, Node, SequenceNode

from registry import yamlsafe


def _sequence_layout(text: str) -> tuple[int, int]:
    """(item indent, dash offset) of the file's first block sequence, measured
    from the parser's marks (text inside block scalars is never mistaken for a
    list); (4, 2) when the file has none."""
    stack: list[Node] = []
    root = yamlsafe.compose(text)
    if root is not None:
        stack.append(root)
    while stack:
        node = stack.pop(0)
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if isinstance(value, SequenceNode) and not value.flow_style and value.value:
                    offset = value.start_mark.column - key.start_mark.column
                    item = value.value[0].start_mark.column - key.start_mark.column
                    return max(item, offset + 2), max(offset, 0)
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return 4, 2


class Document:
    """One YAML record open for editing."""

    def __init__(self, text: str) -> None:
        sequence, offset = _sequence_layout(text)
        self._yaml = YAML(typ="rt")
        self._yaml.preserve_quotes = True
        self._yaml.width = 4096
        self._yaml.indent(mapping=2, sequence=sequence, offset=offset)
        data = self._yaml.load(text)
        self.data: CommentedMap = data if data is not None else CommentedMap()

    def set(self, key: str, value: Any) -> None:
        self.data[key] = value

    def mapping(self, key: str) -> CommentedMap:
        """The mapping under ``key``, created (in flow style, like the examples) if absent."""
        node = self.data.get(key)
        if not isinstance(node, CommentedMap):
            node = CommentedMap()
            node.fa.set_flow_style()
            self.data[key] = node
        return node

    def remove(self, key: str) -> bool:
        """Remove the top-level ``key``; whether it was there."""
        if key not in self.data:
            return False
        del self.data[key]
        return True

    def drop(self, key: str, entry: str) -> bool:
        """Remove ``entry`` from the mapping at ``key`` (and the mapping, once
        empty); whether it was there."""
        found = self.data.get(key)
        if not found or entry not in found:
            return False
        del found[entry]
        if not found:
            del self.data[key]
        return True

    def text(self) -> str:
        out = io.StringIO()
        self._yaml.dump(self.data, out)
        return out.getvalue()
