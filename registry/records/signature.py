"""How one version's signature differs from another's, and what that means
for a semantic version: the one definition that ``register``, the checker
and the README use.

An input or output removed or retyped (its type or shape changed) breaks
callers: a major bump. Inputs added: minor. Anything else: patch. Columns
are matched by name; unnamed ones (tensor specs) by position.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from registry.records.semver import Bump

PARTS = ("inputs", "outputs")


@dataclass(frozen=True)
class ColumnChange:
    part: str
    """``inputs`` or ``outputs``."""
    name: str
    kind: str
    """``removed``, ``retyped`` or ``added``."""
    was: str = ""
    now: str = ""

    def __str__(self) -> str:
        what = f"{self.part[:-1]} {self.name} {self.kind}"
        return f"{what} {self.was} -> {self.now}" if self.kind == "retyped" else what


@dataclass(frozen=True)
class SignatureChange:
    changes: tuple[ColumnChange, ...] = ()

    @property
    def breaks(self) -> tuple[ColumnChange, ...]:
        """The changes that break a caller: an input or output removed or retyped."""
        return tuple(c for c in self.changes if c.kind != "added")

    @property
    def breaking(self) -> bool:
        return bool(self.breaks)

    @property
    def bump(self) -> Bump:
        """The least bump this change needs."""
        if self.breaking:
            return "major"
        return "minor" if any(c.part == "inputs" for c in self.changes) else "patch"

    def summary(self, limit: int = 3) -> str:
        """``input amount retyped double -> string, input country removed``:
        the breaks (else the other changes), at most ``limit`` of them."""
        shown = self.breaks or self.changes
        text = ", ".join(map(str, shown[:limit]))
        return text + (f" and {len(shown) - limit} more" if len(shown) > limit else "")


def _column_type(col: Mapping[str, Any]) -> str:
    text = str(col.get("type"))
    shape = col.get("shape")
    if isinstance(shape, list):
        text += "[" + ", ".join(map(str, shape)) + "]"
    return text


def _columns(cols: Sequence[Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, col in enumerate(cols or ()):
        if isinstance(col, Mapping):
            name = col.get("name")
            out[str(name) if name is not None else f"#{i}"] = _column_type(col)
    return out


def _part(part: str, old: Sequence[Any] | None, new: Sequence[Any] | None) -> Iterator[ColumnChange]:
    before, after = _columns(old), _columns(new)
    for name, was in before.items():
        if name not in after:
            yield ColumnChange(part, name, "removed")
        elif after[name] != was:
            yield ColumnChange(part, name, "retyped", was, after[name])
    for name in after:
        if name not in before:
            yield ColumnChange(part, name, "added")


def signature_change(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> SignatureChange:
    """How ``new`` differs from ``old``. A side without a signature says
    nothing, so there is no change to judge."""
    if not old or not new:
        return SignatureChange()
    return SignatureChange(tuple(c for part in PARTS for c in _part(part, old.get(part), new.get(part))))
