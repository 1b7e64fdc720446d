"""Rules for a change against a base revision (what a pull request is checked with).

Stages, transitions and gates come from the base, never from the change, so
a pull request cannot lower its own bar; a change to them is reported as a
policy change for reviewers to see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from registry import layout
from registry.check.gates import holder_in, move_failures
from registry.check.rules import Rule
from registry.layout import REGISTRY_FILE
from registry.load import LoadedRegistry
from registry.problems import WARNING, Problem
from registry.records import REDACTED_FIELDS, Config, RegisteredModel, Version, policy_edits


def _first_difference(old: Any, new: Any, path: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    if old == new and type(old) is type(new):
        return None
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new)):
            if key not in new:
                return (*path, key)
            if key not in old:
                return (*path, key)
            sub = _first_difference(old[key], new[key], (*path, key))
            if sub is not None:
                return sub
        return None
    if isinstance(old, list) and isinstance(new, list):
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            sub = _first_difference(a, b, (*path, i))
            if sub is not None:
                return sub
        return (*path, min(len(old), len(new)))
    return path


def _at(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        if isinstance(data, Mapping) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


Held = Callable[[RegisteredModel, int], set[str]]
"""The stages a version of a model has held, from the base's history."""


def _check_version_change(
    old: Version,
    new: Version,
    base_cfg: Config,
    rm_base: RegisteredModel,
    held: Held,
    semver_on: bool = False,
) -> Iterator[Problem]:
    """``semver_on``: the change sets ``versioning: semver`` for the model, so
    its existing versions may gain a ``semver`` (and only gain one)."""
    if old.is_deleted:
        yield from _check_tombstone_change(old, new)
        return
    deleting = new.is_deleted
    may_change = Config.mutable_fields | ({"deleted"} if deleting else set())
    for key in sorted((set(old.raw) | set(new.raw)) - may_change):
        if deleting and key in REDACTED_FIELDS and key not in new.raw:
            continue  # a tombstone may drop what --redact removes
        before, after = old.raw.get(key), new.raw.get(key)
        if key == "semver" and semver_on and before is None:
            continue
        where = _first_difference(before, after, (key,))
        if where is None:
            continue
        if key not in new.raw:
            where, what = (), f"field {key!r} of an existing version was removed"
        elif key not in old.raw:
            what = f"field {key!r} was added to an existing version"
        else:
            dotted = ".".join(map(str, where))
            was, now = _at(old.raw, where), _at(new.raw, where)
            what = f"{dotted} of an existing version cannot change (was {_short(was)}, now {_short(now)})"
        yield Problem(
            new.path,
            Rule.IMMUTABLE_FIELD,
            f"{what}; only description, tags and stage may change: register a new version instead",
            where,
        )
    if new.stage != old.stage and not deleting:  # a tombstone's stage is the tree rule's
        yield from _check_move(new, old.stage, base_cfg, rm_base, held)


def _check_tombstone_change(old: Version, new: Version) -> Iterator[Problem]:
    """A tombstone stays as it is; the one change it may take is
    ``deleted.purged: true``, once its bytes are gone."""
    purged_later = dict(old.raw)
    purged_later["deleted"] = {**old.raw["deleted"], "purged": True}
    if new.raw in (old.raw, purged_later):
        return
    found = _first_difference(old.raw, new.raw, ())
    where = found if found is not None else ()
    yield Problem(
        new.path,
        Rule.UNDELETED,
        f"version {new.number} was deleted; its tombstone cannot change "
        f"({'.'.join(map(str, where)) or 'the record'} differs): register a new version instead",
        where[:1],
    )


def _check_move(
    new: Version, from_stage: str, base_cfg: Config, rm_base: RegisteredModel | None, held: Held | None = None
) -> Iterator[Problem]:
    history = (lambda: held(rm_base, new.number)) if rm_base is not None and held is not None else None
    policy = base_cfg.policy_for(rm_base.model if rm_base else None)
    move = move_failures(
        base_cfg, policy, new, from_stage, new.stage, history, holder_in(rm_base, new.number)
    )
    if move.transition_refused:
        yield Problem(
            new.path,
            Rule.STAGE_TRANSITION,
            f"{from_stage} -> {new.stage} is not an allowed transition "
            f"(from {from_stage} a version may go to: {', '.join(move.allowed) or 'nowhere'}"
            + (
                f"; it may return to {new.stage} only if it was there before, as a rollback)"
                if move.could_roll_back
                else ")"
            ),
            ("stage",),
        )
    elif move.gate:
        yield Problem(
            new.path,
            Rule.GATE,
            f"version {new.number} cannot enter {new.stage}: " + "; ".join(move.gate),
            ("stage",),
        )


def check_against_base(cur: LoadedRegistry, base: LoadedRegistry, changed: set[str]) -> list[Problem]:
    """Rules for the change from ``base`` to ``cur``. ``changed`` names the
    models whose files differ; ``base`` holds at least those models."""
    problems: list[Problem] = []
    base_cfg = base.config

    def held(rm: RegisteredModel, number: int) -> set[str]:
        if base.commit is None:
            return set()
        from registry.history import stages_held

        return stages_held(base.root, base.commit, [rm.name, *rm.model.former_names], number)

    if not base.config_ok:
        problems.append(
            Problem(
                REGISTRY_FILE,
                Rule.BASE_UNREADABLE,
                "the base revision's registry.yaml is invalid; its defaults were used",
                severity=WARNING,
            )
        )
    edited = policy_edits(base_cfg.raw, cur.config.raw) if cur.config_ok else []
    if edited:
        problems.append(
            Problem(
                REGISTRY_FILE,
                Rule.POLICY_CHANGE,
                f"this change edits {', '.join(edited)}; it is checked under the base's rules and "
                "takes effect only after merge: reviewers should approve the policy itself",
                (edited[0],),
                severity=WARNING,
                key=True,
            )
        )
    initial = base_cfg.initial_stage
    seen_current: set[str] = set()
    for base_name in sorted(base.models):
        rm_base = base.models[base_name]
        rm_cur = cur.find_model(base_name)
        if rm_cur is None:
            if rm_base.versions:
                problems.append(
                    Problem(
                        layout.model_dir(base_name),
                        Rule.VERSION_REMOVED,
                        f"model {base_name!r} and its {len(rm_base.versions)} versions were removed; "
                        "versions are never removed: `registry delete` leaves a tombstone",
                    )
                )
            continue
        seen_current.add(rm_cur.name)
        old_pol, new_pol = rm_base.model.raw.get("policy"), rm_cur.model.raw.get("policy")
        if old_pol != new_pol and rm_cur.model.raw is not None:
            problems.append(
                Problem(
                    rm_cur.model.path,
                    Rule.POLICY_CHANGE,
                    "this change edits the model's policy; it is checked under the base's policy and "
                    "takes effect only after merge",
                    ("policy",),
                    severity=WARNING,
                    key=True,
                )
            )
        semver_on = rm_cur.uses_semver and not rm_base.uses_semver
        base_max = max(rm_base.versions, default=0)
        for number, old in rm_base.versions.items():
            new = rm_cur.versions.get(number)
            if new is None and number in rm_cur.invalid:
                continue  # still there, but unreadable: its own errors are reported
            if new is None:
                problems.append(
                    Problem(
                        layout.version_file(rm_cur.name, number),
                        Rule.VERSION_REMOVED,
                        f"version {number} of {rm_cur.name} was removed; versions are never removed: "
                        "`registry delete` leaves a tombstone (or archive it)",
                    )
                )
                continue
            if rm_cur.name == base_name and cur.blob(new.path) == base.blob(old.path) and cur.blob(new.path):
                continue
            problems.extend(_check_version_change(old, new, base_cfg, rm_base, held, semver_on))
        for number, new in rm_cur.versions.items():
            if number not in rm_base.versions:
                if number < base_max:
                    problems.append(
                        Problem(
                            new.path,
                            Rule.VERSION_APPENDED,
                            f"new versions are appended after {base_max}; {number} fills an old gap",
                        )
                    )
                if new.stage != initial:
                    problems.extend(_check_move(new, initial, base_cfg, rm_base))
    for name in sorted((set(cur.models) & changed) - seen_current):
        for new in cur.models[name].versions.values():
            if new.stage != initial:
                problems.extend(_check_move(new, initial, base_cfg, None))
    return problems
