"""Gates and policies: what a version must satisfy to enter a stage or carry an alias."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from registry.records.expression import OPS, Expression

_NUMBER = r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_COMPARISON_RE = re.compile(
    rf"\A\s*(>=|<=|==|>|<)\s*(?:({_NUMBER})|([a-z][a-z0-9_-]{{0,31}})(?:\s*([-+*])\s*({_NUMBER}))?)\s*\Z"
)


@dataclass(frozen=True)
class Comparison:
    """``>= 0.95``, or against the version that holds a stage:
    ``>= production + 0.005``, ``<= production * 1.10``."""

    op: str
    value: float
    stage: str | None = None
    """The stage whose holder's metric is the reference (None: ``value`` is)."""
    arith: str | None = None
    """How ``value`` applies to the reference: ``+``, ``-`` or ``*`` (None: the reference itself)."""

    @classmethod
    def parse(cls, text: str | int | float) -> Comparison:
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            return cls(">=", float(text))
        match = _COMPARISON_RE.match(str(text))
        if not match:
            raise ValueError(f"not a comparison: {text!r} (use e.g. '>= 0.95' or '>= production + 0.005')")
        op, number, stage, arith, operand = match.groups()
        if stage is None:
            return cls(op, float(number))
        return cls(op, float(operand) if operand is not None else 0.0, stage, arith)

    def threshold(self, reference: float | None = None) -> float:
        """The number a metric is compared with (``reference``: the stage holder's metric)."""
        if self.stage is None:
            return self.value
        assert reference is not None, "a comparison with a stage needs its holder's metric"
        if self.arith == "*":
            return reference * self.value
        if self.arith == "-":
            return reference - self.value
        return reference + self.value

    def holds(self, actual: float, reference: float | None = None) -> bool:
        return OPS[self.op](actual, self.threshold(reference))

    def __str__(self) -> str:
        if self.stage is None:
            return f"{self.op} {self.value:g}"
        return f"{self.op} {self.stage}" + (f" {self.arith} {self.value:g}" if self.arith else "")


@dataclass(frozen=True)
class Gate:
    """What a version must satisfy to enter a stage or to carry an alias."""

    from_stages: tuple[str, ...] | None = None
    stage: str | None = None
    metrics: Mapping[str, Comparison] = field(default_factory=dict)
    require: tuple[str, ...] = ()
    expressions: Mapping[str, Expression] = field(default_factory=dict)
    """Named conditions over derived metrics: ``metrics.train_accuracy - metrics.accuracy <= 0.15``."""

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Gate:
        frm = raw.get("from")
        return cls(
            from_stages=tuple(frm) if frm is not None else None,
            stage=raw.get("stage"),
            metrics={k: Comparison.parse(v) for k, v in (raw.get("metrics") or {}).items()},
            require=tuple(raw.get("require") or ()),
            expressions={k: Expression.parse(v) for k, v in (raw.get("expressions") or {}).items()},
        )

    @property
    def stages_compared(self) -> set[str]:
        """The stages whose holders this gate compares with."""
        found = {c.stage for c in self.metrics.values() if c.stage is not None}
        return found | {s for e in self.expressions.values() for s in e.stages}


@dataclass(frozen=True)
class Policy:
    gates: Mapping[str, Gate] = field(default_factory=dict)
    aliases: Mapping[str, Gate] = field(default_factory=dict)
    max_challenger: int | None = None
    """``traffic: {max_challenger: N}``: the largest share of a traffic split
    (percent) that a version outside the live stage may hold; None: no cap."""
    single_holder: tuple[str, ...] | None = None
    """A model's own single-holder stages (model.yaml's ``policy``), in place
    of registry.yaml's ``single_holder``; None: the registry's."""

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> Policy:
        raw = raw or {}
        cap = (raw.get("traffic") or {}).get("max_challenger")
        holders = raw.get("single_holder")
        return cls(
            gates={k: Gate.from_dict(v or {}) for k, v in (raw.get("gates") or {}).items()},
            aliases={k: Gate.from_dict(v or {}) for k, v in (raw.get("aliases") or {}).items()},
            max_challenger=int(cap) if cap is not None else None,
            single_holder=tuple(holders) if holders is not None else None,
        )

    def overridden_by(self, other: Policy | None) -> Policy:
        """This policy with ``other``'s gates replacing ours, stage by stage
        (and its traffic cap and single-holder stages replacing ours, when it sets them)."""
        if other is None:
            return self
        return Policy(
            gates={**self.gates, **other.gates},
            aliases={**self.aliases, **other.aliases},
            max_challenger=other.max_challenger if other.max_challenger is not None else self.max_challenger,
            single_holder=other.single_holder if other.single_holder is not None else self.single_holder,
        )


# -- models and the registry -------------------------------------------------
