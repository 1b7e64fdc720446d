"""Stage moves: promote, archive and rollback. Whether a move is allowed is
decided by ``check.gates.move_failures``, the checker's own rule."""

from __future__ import annotations

import logging
from pathlib import Path

from registry import git
from registry.check.gates import holder_in, move_failures
from registry.errors import UsageError
from registry.history import previous_holder, stages_held
from registry.load import LoadedRegistry
from registry.records import RegisteredModel
from registry.write.commit import Change, WriteRefused
from registry.write.edit import document, open_model, submit, trailers, version_of
from registry.write.lock import locked


@locked
def promote(
    root: Path | str,
    model: str,
    version: int,
    stage: str,
    *,
    reason: str | None = None,
    archive_others: bool = False,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    """Move a version to ``stage``, archiving the stage's previous holder when the
    registry says so, and with ``archive_others`` every other version in
    ``stage`` (MLflow's ``archive_existing_versions``), in the same commit;
    return the commit id."""
    root = Path(root)
    reg, rm = open_model(root, model)
    if archive_others and stage == reg.config.archive_stage:
        raise UsageError(f"archive_others: the versions in {stage} are archived already")
    return _promote(
        root, reg, rm, version, stage, reason, branch, push, "promote", archive_others=archive_others
    )


def _promote(
    root: Path,
    reg: LoadedRegistry,
    rm: RegisteredModel,
    version: int,
    stage: str,
    reason: str | None,
    branch: str | bool | None,
    push: bool,
    action: str,
    *,
    archive_others: bool = False,
) -> str:
    cfg = reg.config
    target = version_of(rm, version)
    stage = cfg.stage_named(stage)
    if target.stage == stage:
        raise WriteRefused(f"{rm.name} v{version} is already in {stage}")
    policy = cfg.policy_for(rm.model)
    move = move_failures(
        cfg, policy, target, target.stage, stage, lambda: _held(root, rm, version), holder_in(rm, version)
    )
    if move.transition_refused:
        allowed = ", ".join(move.allowed) or "nowhere"
        why = f"{target.stage} -> {stage} is not an allowed transition (from {target.stage}: {allowed})"
        if move.could_roll_back:
            why += f"; v{version} has never been in {stage}, so it cannot return there"
        raise WriteRefused(why)
    if move.gate:
        raise WriteRefused(f"{rm.name} v{version} cannot enter {stage}: " + "; ".join(move.gate))
    for note in move.notes:
        logging.getLogger("registry").info("gate of %s: %s", stage, note)
    rollback = move.rollback
    files: dict[str, str] = {}
    doc = document(root, target.path)
    doc.set("stage", stage)
    files[target.path] = doc.text()
    archived = []
    if (stage in cfg.holds_one(policy) and cfg.archive_on_promote) or action == "rollback" or archive_others:
        for other in rm.in_stage(stage):
            if other.number != version:
                other_doc = document(root, other.path)
                other_doc.set("stage", cfg.archive_stage)
                files[other.path] = other_doc.text()
                archived.append(other.number)
    moved = []
    for alias, number in sorted(rm.model.aliases.items()):
        alias_gate = policy.aliases.get(alias)
        if number in archived and alias_gate is not None and alias_gate.stage == stage:
            moved.append((alias, number))
    if moved:
        model_doc = document(root, rm.model.path)
        for alias, _ in moved:
            model_doc.mapping("aliases")[alias] = version
        files[rm.model.path] = model_doc.text()
    body = []
    if archived:
        body.append(f"Archives {', '.join(f'v{n}' for n in archived)} (was {stage}).")
    if rollback:
        body.append(f"v{version} returns to {stage}, where it was before.")
    for alias, old in moved:
        body.append(f"Moves @{alias} from v{old} to v{version}.")
    if reason:
        body.append(f"Reason: {reason}")
    if action == "archive":
        subject = f"archive {rm.name} v{version}"
    elif action == "rollback":
        was = f" (from v{', v'.join(map(str, archived))})" if archived else ""
        subject = f"roll back {rm.name} {stage} to v{version}{was}"
    else:
        subject = f"promote {rm.name} v{version} to {stage}"
    change = Change(
        files,
        subject,
        trailers(
            action,
            rm.name,
            version=version,
            stage=stage,
            alias=", ".join(a for a, _ in moved),
            reason=reason,
        ),
        body="\n".join(body),
        models=(rm.name,),
    )
    return submit(root, change, branch, push)


def _held(root: Path, rm: RegisteredModel, version: int) -> set[str]:
    """The stages ``version`` has been in, from the history of HEAD."""
    if git.head_commit(root) is None:
        return set()
    return stages_held(root, "HEAD", [rm.name, *rm.model.former_names], version)


@locked
def rollback(
    root: Path | str,
    model: str,
    *,
    to: int | None = None,
    stage: str | None = None,
    reason: str | None = None,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    """Put back the version that held ``stage`` (default: the live stage,
    ``Config.live_stage``) before the current one (or version ``to``) and
    archive the current one, in one commit."""
    root = Path(root)
    reg, rm = open_model(root, model)
    if stage is None:
        stage = reg.config.live_stage
        if stage is None:
            raise UsageError(
                "this registry has no live stage (no single_holder, no live_stage): name one with --stage"
            )
    stage = reg.config.stage_named(stage)
    current = {v.number for v in rm.in_stage(stage)}
    if to is None:
        head = git.head_commit(root)
        names = [rm.name, *rm.model.former_names]
        to = previous_holder(root, "HEAD", names, stage, current) if head else None
        if to is None:
            raise WriteRefused(
                f"no earlier {stage} version of {rm.name} in its history; name one with --to N"
            )
    elif to in current:
        raise WriteRefused(f"{rm.name} v{to} is the current {stage} version; nothing to roll back to")
    return _promote(root, reg, rm, to, stage, reason, branch, push, "rollback")


@locked
def archive(
    root: Path | str,
    model: str,
    version: int,
    *,
    reason: str | None = None,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    """Move a version to the registry's archive stage."""
    root = Path(root)
    reg, rm = open_model(root, model)
    return _promote(root, reg, rm, version, reg.config.archive_stage, reason, branch, push, "archive")
