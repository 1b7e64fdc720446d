"""Gates and transitions: the one place that decides whether a version may
enter a stage or carry an alias. The checker, ``promote`` and the site call
these; nothing else re-implements them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from registry.records import Config, Gate, Policy, Version


def _empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, (str, list, dict, tuple)):
        return len(value) == 0 or (isinstance(value, str) and not value.strip())
    return False


def gate_failures(version: Version, gate: Gate, *, from_stage: str | None = None) -> list[str]:
    """Why ``version`` does not pass ``gate`` (empty when it passes)."""
    why = []
    if gate.stage is not None and version.stage != gate.stage:
        why.append(f"must be in stage {gate.stage!r} (it is in {version.stage!r})")
    if from_stage is not None and gate.from_stages is not None and from_stage not in gate.from_stages:
        allowed = ", ".join(gate.from_stages) or "nowhere"
        why.append(f"may only come from {allowed} (it comes from {from_stage})")
    for name, cmp in sorted(gate.metrics.items()):
        actual = version.metrics.get(name)
        if actual is None:
            why.append(f"metric {name!r} is missing (the gate needs {name} {cmp})")
        elif not cmp.holds(actual):
            why.append(f"metric {name} = {actual:g} does not satisfy {cmp}")
    for field in gate.require:
        if _empty(version.field_value(field)):
            why.append(f"{field} is required and is empty or missing")
    return why


def transition_allowed(config: Config, old: str, new: str) -> bool:
    return new == old or new in config.transitions.get(old, ())


def may_roll_back(config: Config, old: str, new: str) -> bool:
    """Whether ``old -> new`` can be a rollback: a return from the archive stage.
    It is one when the version held ``new`` before, which history tells."""
    return config.rollback and old == config.archive_stage and new != old


def is_rollback(config: Config, old: str, new: str, held: Callable[[], set[str]]) -> bool:
    """``old -> new`` is no allowed transition but a rollback: a return from
    the archive stage to a stage the version held before. ``held`` reads that
    from history, and is asked only when the rest of the rule could hold."""
    return not transition_allowed(config, old, new) and may_roll_back(config, old, new) and new in held()


@dataclass(frozen=True)
class Move:
    """Whether a version may move ``source -> target``: what
    :func:`move_failures` decided, for the checker and the write path to word."""

    source: str
    target: str
    rollback: bool
    """The move is a return from the archive stage to a stage held before."""
    transition_refused: bool
    allowed: tuple[str, ...]
    """Where the transitions table lets a version go from ``source``."""
    could_roll_back: bool
    """The move would be a rollback, had the version held ``target`` before."""
    gate: tuple[str, ...]
    """Why the target stage's gate refuses the version (checked only when the transition is allowed)."""

    @property
    def ok(self) -> bool:
        return not self.transition_refused and not self.gate


def move_failures(
    config: Config,
    policy: Policy,
    version: Version,
    source: str,
    target: str,
    held: Callable[[], set[str]] | None,
) -> Move:
    """The one decision of the lifecycle: may ``version`` go from ``source`` to
    ``target`` (the stage a changed record names, or the target of a write), under
    ``config``'s transitions and ``policy``'s gates. ``held`` tells the stages
    the version held before (from history), asked only for a possible
    rollback; None when there is no history to ask."""
    rollback = held is not None and is_rollback(config, source, target, held)
    refused = not rollback and not transition_allowed(config, source, target)
    gate = policy.gates.get(target)
    failures: list[str] = []
    if not refused and gate is not None:
        failures = gate_failures(version, gate, from_stage=None if rollback else source)
    return Move(
        source,
        target,
        rollback,
        refused,
        tuple(config.transitions.get(source, ())),
        may_roll_back(config, source, target),
        tuple(failures),
    )


def alias_failures(policy: Policy, alias: str, version: Version) -> list[str]:
    """Why ``version`` may not carry ``alias`` under ``policy`` (empty when it may)."""
    gate = policy.aliases.get(alias)
    return gate_failures(version, gate) if gate is not None else []
