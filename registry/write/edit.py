"""What every change of a record shares: opening its model (refused while
the model's files have problems), reading a record for a round-trip edit,
trailers, and submitting the commit (here, or on a new branch)."""

from __future__ import annotations

import logging
from pathlib import Path

from ruamel.yaml.scalarstring import LiteralScalarString

from registry import git, layout
from registry.errors import GitError, NotFound, UsageError
from registry.load import LoadedRegistry
from registry.records import RegisteredModel, Version, valid_name
from registry.refs import Ref, find_model, load_for
from registry.write.commit import Change, WriteRefused, apply, apply_on_branch
from registry.write.yamledit import Document


def submit(root: Path, change: Change, branch: str | bool | None, push: bool) -> str:
    """Commit on the current branch, or (``branch``: a name, or True for a name
    derived from the change) on a new branch, leaving the work tree alone."""
    if branch is None or branch is False:
        commit = apply(root, change)
        if push:
            push_current(root, commit)
        return commit
    return apply_on_branch(root, change, branch if isinstance(branch, str) else None, push=push)


def push_current(root: Path, commit: str) -> str | None:
    """Push the current branch, which ``commit`` was just made on, to its
    upstream (origin, made its upstream, when it has none); where it went.
    A repository with no remote to push to gets a warning and None."""
    current = git.current_branch(root)
    if current is None:
        raise WriteRefused(f"committed {commit[:10]}, but HEAD is detached: nothing to push")
    if git.upstream_of(root, current) is None and git.remote_url(root) is None:
        logging.getLogger("registry").warning(
            "committed %s on %s, which stays here: the repository has no remote to push it to "
            "(git remote add origin URL)",
            commit[:10],
            current,
        )
        return None
    try:
        return git.push_upstream(root, current)
    except GitError as exc:
        raise WriteRefused(
            f"committed {commit[:10]} on {current}, but could not push it: {exc.stderr.strip() or exc}; "
            "the commit stays: push it with `git push`"
        ) from None


def submit_edit(
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
    return submit(root, Change({path: doc.text()}, subject, trailers, models=(model,)), branch, push)


def open_model(root: Path, model: str) -> tuple[LoadedRegistry, RegisteredModel]:
    if not valid_name(model):
        raise UsageError(f"{model!r} is not a valid model name")
    reg = load_for(root, Ref(model))
    rm = find_model(reg, model)
    folder = layout.model_dir(rm.name) + "/"
    bad = [p for p in reg.problems if p.path.startswith(folder) or p.path == layout.REGISTRY_FILE]
    if bad:
        raise WriteRefused(f"fix {bad[0].path} first ({bad[0].rule}: {bad[0].message}); run `registry check`")
    return reg, rm


def version_of(rm: RegisteredModel, number: int, *, deleted: bool = False) -> Version:
    """Version ``number`` of the model, to change; a tombstone is refused unless ``deleted``."""
    version = rm.versions.get(number)
    if version is None:
        raise NotFound(f"{rm.name} has no version {number} (it has {rm.numbers})")
    gone = version.deleted
    if gone is not None and not deleted:
        raise WriteRefused(
            f"{rm.name} v{number} was {gone}; a tombstone does not change: register a new version instead"
        )
    return version


def document(root: Path, rel: str) -> Document:
    return Document((root / rel).read_text(encoding="utf-8"))


def block_text(value: str) -> str | LiteralScalarString:
    return LiteralScalarString(value.rstrip("\n") + "\n") if "\n" in value.strip("\n") else value


def trailers(action: str, model: str, **extra: object) -> tuple[tuple[str, str], ...]:
    out = [("Registry-Action", action), ("Model", model)]
    out += [(key.capitalize(), str(value)) for key, value in extra.items() if value not in (None, "")]
    return tuple(out)


def record_path(root: Path, model: str, version: int | None) -> tuple[RegisteredModel, str, str]:
    _, rm = open_model(root, model)
    if version is None:
        return rm, rm.model.path, rm.name
    return rm, version_of(rm, version).path, f"{rm.name} v{version}"
