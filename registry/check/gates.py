"""Gates and transitions: the one place that decides whether a version may
enter a stage or carry an alias. The checker, ``promote`` and the site call
these; nothing else re-implements them."""

from __future__ import annotations

from collections.abc import Callable

from registry.records import Config, Gate, Version


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
