"""Gates and transitions: the one place that decides whether a version may
enter a stage or carry an alias. The checker, ``promote`` and the site call
these; nothing else re-implements them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from registry.records import Config, Gate, Policy, RegisteredModel, Version


def _empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, (str, list, dict, tuple)):
        return len(value) == 0 or (isinstance(value, str) and not value.strip())
    return False


Holder = Callable[[str], "Version | None"]
"""The version a comparison is made with: the one that holds a stage now
(None: the stage is empty)."""


def holder_in(rm: RegisteredModel | None, candidate: int) -> Holder:
    """The newest version of ``rm`` in a stage, other than the ``candidate``
    itself: the one a comparing gate compares with."""

    def holder(stage: str) -> Version | None:
        if rm is None:
            return None
        found = [v for v in rm.in_stage(stage) if v.number != candidate]
        return max(found, key=lambda v: v.number) if found else None

    return holder


def gate_failures(
    version: Version,
    gate: Gate,
    *,
    from_stage: str | None = None,
    holder: Holder | None = None,
    compare: bool = True,
) -> list[str]:
    """Why ``version`` does not pass ``gate`` (empty when it passes)."""
    return gate_report(version, gate, from_stage=from_stage, holder=holder, compare=compare)[0]


def gate_report(
    version: Version,
    gate: Gate,
    *,
    from_stage: str | None = None,
    holder: Holder | None = None,
    compare: bool = True,
) -> tuple[list[str], list[str]]:
    """(why ``version`` does not pass ``gate``, notes on conditions that passed
    without a comparison). A comparison with a stage (``>= production +
    0.005``, ``production.metrics.f1`` in an expression) is made with the
    version ``holder`` says holds it; a version entering an empty stage
    passes it, and a note says so. ``compare=False`` (a rollback) skips them."""
    why: list[str] = []
    notes: list[str] = []
    held = holder or (lambda stage: None)
    if gate.stage is not None and version.stage != gate.stage:
        why.append(f"must be in stage {gate.stage!r} (it is in {version.stage!r})")
    if from_stage is not None and gate.from_stages is not None and from_stage not in gate.from_stages:
        allowed = ", ".join(gate.from_stages) or "nowhere"
        why.append(f"may only come from {allowed} (it comes from {from_stage})")
    for name, cmp in sorted(gate.metrics.items()):
        actual = version.metrics.get(name)
        if actual is None:
            why.append(f"metric {name!r} is missing (the gate needs {name} {cmp})")
            continue
        if cmp.stage is None:
            if not cmp.holds(actual):
                why.append(f"metric {name} = {actual:g} does not satisfy {cmp}")
            continue
        if not compare:
            notes.append(f"{name} {cmp}: not compared, as a rollback")
            continue
        other = held(cmp.stage)
        if other is None:
            notes.append(f"{name} {cmp}: no version is in {cmp.stage} to compare with, so it passes")
            continue
        reference = other.metrics.get(name)
        if reference is None:
            why.append(f"metric {name}: v{other.number} in {cmp.stage} has no {name} to compare with")
        elif not cmp.holds(actual, reference):
            why.append(
                f"metric {name} = {actual:g} does not satisfy {cmp}: v{other.number} in {cmp.stage} "
                f"has {reference:g}, so it must be {cmp.op} {cmp.threshold(reference):g}"
            )
    for name, expr in sorted(gate.expressions.items()):
        if expr.stages and not compare:
            notes.append(f"{name} ({expr.text}): not compared, as a rollback")
            continue

        def metrics_of(stage: str) -> Mapping[str, float] | None:
            other = held(stage)
            return other.metrics if other is not None else None

        result = expr.evaluate(version.metrics, metrics_of)
        if isinstance(result, str):
            if result.startswith("empty: "):
                stage = result.removeprefix("empty: ")
                notes.append(f"{name} ({expr.text}): no version is in {stage} to compare with, so it passes")
            else:
                why.append(f"condition {name} ({expr.text}) cannot be decided: {result}")
        elif not result[0]:
            _, left, right = result
            why.append(f"condition {name} does not hold: {expr.text} ({left:g} {expr.op} {right:g} is false)")
    for field in gate.require:
        if _empty(version.field_value(field)):
            why.append(f"{field} is required and is empty or missing")
    return why, notes


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
    notes: tuple[str, ...] = ()
    """Comparisons the gate passed without making (an empty stage, a rollback)."""

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
    holder: Holder | None = None,
) -> Move:
    """The one decision of the lifecycle: may ``version`` go from ``source`` to
    ``target`` (the stage a changed record names, or the target of a write), under
    ``config``'s transitions and ``policy``'s gates. ``held`` tells the stages
    the version held before (from history), asked only for a possible
    rollback; None when there is no history to ask. ``holder`` gives the
    versions that hold stages now, for a gate that compares with them."""
    rollback = held is not None and is_rollback(config, source, target, held)
    refused = not rollback and not transition_allowed(config, source, target)
    gate = policy.gates.get(target)
    failures: list[str] = []
    notes: list[str] = []
    if not refused and gate is not None:
        failures, notes = gate_report(
            version, gate, from_stage=None if rollback else source, holder=holder, compare=not rollback
        )
    return Move(
        source,
        target,
        rollback,
        refused,
        tuple(config.transitions.get(source, ())),
        may_roll_back(config, source, target),
        tuple(failures),
        tuple(notes),
    )


def alias_failures(policy: Policy, alias: str, version: Version, holder: Holder | None = None) -> list[str]:
    """Why ``version`` may not carry ``alias`` under ``policy`` (empty when it may)."""
    gate = policy.aliases.get(alias)
    return gate_failures(version, gate, holder=holder) if gate is not None else []
