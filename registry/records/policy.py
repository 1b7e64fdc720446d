"""Gates and policies: what a version must satisfy to enter a stage or carry an alias."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_COMPARISON_RE = re.compile(r"^\s*(>=|<=|==|>|<)\s*(-?[0-9.eE+-]+)\s*$")


@dataclass(frozen=True)
class Comparison:
    op: str
    value: float

    @classmethod
    def parse(cls, text: str | int | float) -> Comparison:
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            return cls(">=", float(text))
        match = _COMPARISON_RE.match(str(text))
        if not match:
            raise ValueError(f"not a comparison: {text!r} (use e.g. '>= 0.95')")
        return cls(match.group(1), float(match.group(2)))

    def holds(self, actual: float) -> bool:
        return {
            ">=": actual >= self.value,
            ">": actual > self.value,
            "<=": actual <= self.value,
            "<": actual < self.value,
            "==": actual == self.value,
        }[self.op]

    def __str__(self) -> str:
        return f"{self.op} {self.value:g}"


@dataclass(frozen=True)
class Gate:
    """What a version must satisfy to enter a stage or to carry an alias."""

    from_stages: tuple[str, ...] | None = None
    stage: str | None = None
    metrics: Mapping[str, Comparison] = field(default_factory=dict)
    require: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Gate:
        frm = raw.get("from")
        return cls(
            from_stages=tuple(frm) if frm is not None else None,
            stage=raw.get("stage"),
            metrics={k: Comparison.parse(v) for k, v in (raw.get("metrics") or {}).items()},
            require=tuple(raw.get("require") or ()),
        )


@dataclass(frozen=True)
class Policy:
    gates: Mapping[str, Gate] = field(default_factory=dict)
    aliases: Mapping[str, Gate] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> Policy:
        raw = raw or {}
        return cls(
            gates={k: Gate.from_dict(v or {}) for k, v in (raw.get("gates") or {}).items()},
            aliases={k: Gate.from_dict(v or {}) for k, v in (raw.get("aliases") or {}).items()},
        )

    def overridden_by(self, other: Policy | None) -> Policy:
        """This policy with ``other``'s gates replacing ours, stage by stage."""
        if other is None:
            return self
        return Policy(
            gates={**self.gates, **other.gates},
            aliases={**self.aliases, **other.aliases},
        )


# -- models and the registry -------------------------------------------------
