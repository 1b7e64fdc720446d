"""Changes to the registry: each is one commit with a readable subject and trailers.

These functions compute the new records with the checker's own rules
(``registry.check.gates``), then hand them to ``commit.apply``, which writes,
checks the result against HEAD and commits, or changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml.scalarstring import LiteralScalarString

from registry import git, layout
from registry.check.gates import alias_failures, move_failures
from registry.errors import NotFound, UsageError
from registry.history import previous_holder, stages_held
from registry.load import LoadedRegistry
from registry.records import RegisteredModel, Version, valid_name
from registry.refs import ALIAS_RE, Ref, find_model, load_for
from registry.write.commit import Change, WriteRefused, apply, apply_on_branch
from registry.write.lock import locked
from registry.write.register import register
from registry.write.rename import rename
from registry.write.yamledit import Document

__all__ = [
    "WriteRefused",
    "archive",
    "delete_alias",
    "delete_tag",
    "describe",
    "promote",
    "register",
    "rename",
    "rollback",
    "set_alias",
    "set_tag",
]


def _submit(root: Path, change: Change, branch: str | bool | None, push: bool) -> str:
    """Commit on the current branch, or (``branch``: a name, or True for a name
    derived from the change) on a new branch, leaving the work tree alone."""
    if branch is None or branch is False:
        commit = apply(root, change)
        if push:
            current = git.current_branch(root)
            if current is None:
                raise WriteRefused(f"committed {commit[:10]}, but HEAD is detached: nothing to push")
            git.push_branch(root, current)
        return commit
    return apply_on_branch(root, change, branch if isinstance(branch, str) else None, push=push)


def _submit_edit(
    root: Path,
    model: str,
    path: str,
    doc: Document,
    subject: str,
    trailers: tuple[tuple[str, str], ...],
    branch: str | bool | None,
    push: bool,
) -> str:
    """Submit a change of one edited record of ``model``."""
    return _submit(root, Change({path: doc.text()}, subject, trailers, models=(model,)), branch, push)


def _open(root: Path, model: str) -> tuple[LoadedRegistry, RegisteredModel]:
    if not valid_name(model):
        raise UsageError(f"{model!r} is not a valid model name")
    reg = load_for(root, Ref(model))
    rm = find_model(reg, model)
    folder = layout.model_dir(rm.name) + "/"
    bad = [p for p in reg.problems if p.path.startswith(folder) or p.path == layout.REGISTRY_FILE]
    if bad:
        raise WriteRefused(f"fix {bad[0].path} first ({bad[0].rule}: {bad[0].message}); run `registry check`")
    return reg, rm


def _version(rm: RegisteredModel, number: int) -> Version:
    version = rm.versions.get(number)
    if version is None:
        raise NotFound(f"{rm.name} has no version {number} (it has 1..{max(rm.versions, default=0)})")
    return version


def _doc(root: Path, rel: str) -> Document:
    return Document((root / rel).read_text(encoding="utf-8"))


def _text(value: str) -> str | LiteralScalarString:
    return LiteralScalarString(value.rstrip("\n") + "\n") if "\n" in value.strip("\n") else value


def _trailers(action: str, model: str, **extra: object) -> tuple[tuple[str, str], ...]:
    out = [("Registry-Action", action), ("Model", model)]
    out += [(key.capitalize(), str(value)) for key, value in extra.items() if value not in (None, "")]
    return tuple(out)


@locked
def promote(
    root: Path | str,
    model: str,
    version: int,
    stage: str,
    *,
    reason: str | None = None,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    """Move a version to ``stage``, archiving the stage's previous holder when the
    registry says so (MLflow's ``archive_existing_versions``); return the commit id."""
    root = Path(root)
    reg, rm = _open(root, model)
    return _promote(root, reg, rm, version, stage, reason, branch, push, "promote")


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
) -> str:
    cfg = reg.config
    target = _version(rm, version)
    if stage not in cfg.stages:
        raise UsageError(f"{stage!r} is not a stage of this registry ({', '.join(cfg.stages)})")
    if target.stage == stage:
        raise WriteRefused(f"{rm.name} v{version} is already in {stage}")
    policy = cfg.policy_for(rm.model)
    move = move_failures(cfg, policy, target, target.stage, stage, lambda: _held(root, rm, version))
    if move.transition_refused:
        allowed = ", ".join(move.allowed) or "nowhere"
        why = f"{target.stage} -> {stage} is not an allowed transition (from {target.stage}: {allowed})"
        if move.could_roll_back:
            why += f"; v{version} has never been in {stage}, so it cannot return there"
        raise WriteRefused(why)
    if move.gate:
        raise WriteRefused(f"{rm.name} v{version} cannot enter {stage}: " + "; ".join(move.gate))
    rollback = move.rollback
    files: dict[str, str] = {}
    doc = _doc(root, target.path)
    doc.set("stage", stage)
    files[target.path] = doc.text()
    archived = []
    if (stage in cfg.single_holder and cfg.archive_on_promote) or action == "rollback":
        for other in rm.in_stage(stage):
            if other.number != version:
                other_doc = _doc(root, other.path)
                other_doc.set("stage", cfg.archive_stage)
                files[other.path] = other_doc.text()
                archived.append(other.number)
    moved = []
    for alias, number in sorted(rm.model.aliases.items()):
        alias_gate = policy.aliases.get(alias)
        if number in archived and alias_gate is not None and alias_gate.stage == stage:
            moved.append((alias, number))
    if moved:
        model_doc = _doc(root, rm.model.path)
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
        _trailers(
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
    return _submit(root, change, branch, push)


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
    reg, rm = _open(root, model)
    if stage is None:
        stage = reg.config.live_stage
        if stage is None:
            raise UsageError(
                "this registry has no live stage (no single_holder, no live_stage): name one with --stage"
            )
    if stage not in reg.config.stages:
        raise UsageError(f"{stage!r} is not a stage of this registry ({', '.join(reg.config.stages)})")
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
    reg, rm = _open(root, model)
    return _promote(root, reg, rm, version, reg.config.archive_stage, reason, branch, push, "archive")


@locked
def set_alias(
    root: Path | str,
    model: str,
    alias: str,
    version: int,
    *,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    """Point ``alias`` at a version (the alias's gate, if any, must hold)."""
    root = Path(root)
    reg, rm = _open(root, model)
    if not ALIAS_RE.match(alias):
        raise UsageError(f"{alias!r} is not a valid alias (lowercase letters, digits, _ and -)")
    target = _version(rm, version)
    old = rm.model.aliases.get(alias)
    if old == version:
        raise WriteRefused(f"@{alias} already points to {rm.name} v{version}")
    why = alias_failures(reg.config.policy_for(rm.model), alias, target)
    if why:
        raise WriteRefused(f"@{alias} cannot point to {rm.name} v{version}: " + "; ".join(why))
    doc = _doc(root, rm.model.path)
    doc.mapping("aliases")[alias] = version
    verb = "move" if old is not None else "set"
    subject = f"{verb} {rm.name}@{alias} to v{version}" + (f" (was v{old})" if old is not None else "")
    return _submit_edit(
        root,
        rm.name,
        rm.model.path,
        doc,
        subject,
        _trailers("alias-set", rm.name, version=version, alias=alias),
        branch,
        push,
    )


@locked
def delete_alias(
    root: Path | str, model: str, alias: str, *, branch: str | bool | None = None, push: bool = False
) -> str:
    root = Path(root)
    _, rm = _open(root, model)
    if alias not in rm.model.aliases:
        have = ", ".join(sorted(rm.model.aliases)) or "none"
        raise NotFound(f"{rm.name} has no alias {alias!r} (aliases: {have})")
    doc = _doc(root, rm.model.path)
    aliases = doc.mapping("aliases")
    del aliases[alias]
    if not aliases:
        del doc.data["aliases"]
    return _submit_edit(
        root,
        rm.name,
        rm.model.path,
        doc,
        f"remove {rm.name}@{alias} (was v{rm.model.aliases[alias]})",
        _trailers("alias-remove", rm.name, version=rm.model.aliases[alias], alias=alias),
        branch,
        push,
    )


def _record_path(root: Path, model: str, version: int | None) -> tuple[RegisteredModel, str, str]:
    _, rm = _open(root, model)
    if version is None:
        return rm, rm.model.path, rm.name
    return rm, _version(rm, version).path, f"{rm.name} v{version}"


@locked
def set_tag(
    root: Path | str,
    model: str,
    version: int | None,
    key: str,
    value: str,
    *,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    """Set a tag on a model (``version`` None) or on one version."""
    root = Path(root)
    rm, path, what = _record_path(root, model, version)
    doc = _doc(root, path)
    doc.mapping("tags")[key] = value
    return _submit_edit(
        root,
        rm.name,
        path,
        doc,
        f"tag {what}: {key}={value}",
        _trailers("tag-set", rm.name, version=version, tag=f"{key}={value}"),
        branch,
        push,
    )


@locked
def delete_tag(
    root: Path | str,
    model: str,
    version: int | None,
    key: str,
    *,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    root = Path(root)
    rm, path, what = _record_path(root, model, version)
    doc = _doc(root, path)
    tags = doc.data.get("tags")
    if not tags or key not in tags:
        raise NotFound(f"{what} has no tag {key!r}")
    del tags[key]
    if not tags:
        del doc.data["tags"]
    return _submit_edit(
        root,
        rm.name,
        path,
        doc,
        f"untag {what}: {key}",
        _trailers("tag-remove", rm.name, version=version, tag=key),
        branch,
        push,
    )


@locked
def describe(
    root: Path | str,
    model: str,
    version: int | None,
    text: str,
    *,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    """Replace the Markdown description of a model or of one version."""
    root = Path(root)
    rm, path, what = _record_path(root, model, version)
    doc = _doc(root, path)
    doc.set("description", _text(text))
    return _submit_edit(
        root,
        rm.name,
        path,
        doc,
        f"describe {what}",
        _trailers("describe", rm.name, version=version),
        branch,
        push,
    )
