"""``delete`` and ``restore``: a version or a whole model deleted with an
audit trail, and a deleted model's name brought back.

A deleted version's record stays as a tombstone: its number, ``created_*``,
the artifact's hash and size, and ``deleted: {at, by, reason}``; its
``.dvc`` pointer goes, so nothing can pull it, and its stage becomes the
archive stage. With ``redact`` the description, tags, metrics, params,
signature and lineage go too. Numbers are never reused. A deleted model
keeps a tombstone ``model.yaml``; its name comes back only by ``restore``
(or ``register(..., reuse_name=True)``), so old URIs fail loudly.

``purge`` removes the bytes from the DVC cache and the default remote: the
objects that no version still in the registry names (a folder's files
included). It runs after the deletion's commit, so a deletion is never
undone by a failed purge; running it again on a tombstone finishes it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from registry import dvc_objects, git, layout
from registry.errors import DvcError, UsageError
from registry.load import LoadedRegistry, load
from registry.records import REDACTED_FIELDS, RegisteredModel, Version
from registry.write.commit import Change, WriteRefused
from registry.write.edit import document, open_model, submit, trailers, version_of
from registry.write.lock import locked

MAX_REASON = 4096


@dataclass(frozen=True)
class Deleted:
    """What ``delete`` did."""

    commit: str | None
    """The deletion's commit; None when only bytes were purged (already a tombstone)."""
    versions: tuple[int, ...]
    """The versions that became tombstones (or, when only purging, were purged)."""
    purged: dvc_objects.Removed | None = None
    """The objects removed from the cache and the remote (with ``purge``)."""
    kept: int = 0
    """Objects of the deleted versions kept because another version uses them."""


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise UsageError("a deletion needs --reason: it stays in the tombstone, for whoever asks later")
    if len(text) > MAX_REASON:
        raise UsageError(f"--reason is longer than {MAX_REASON} characters")
    return text


def _deletion(root: Path, reason: str, purge: bool, redact: bool) -> dict[str, Any]:
    mark: dict[str, Any] = {
        "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "by": git.identity_email(root) or "unknown",
        "reason": reason,
    }
    if purge:
        mark["purged"] = True
    if redact:
        mark["redacted"] = True
    return mark


def _tombstone(root: Path, v: Version, archive_stage: str, mark: dict[str, Any], redact: bool) -> str:
    doc = document(root, v.path)
    doc.set("stage", archive_stage)
    if redact:
        for key in REDACTED_FIELDS:
            doc.remove(key)
    doc.set("deleted", dict(mark))
    return doc.text()


def _pointer_files(reg: LoadedRegistry, v: Version) -> list[str]:
    """The tracked files of a version's artifact folder: its pointer and .gitignore."""
    prefix = layout.artifact_dir(v.model, v.number) + "/"
    return sorted(p for p in reg.snapshot.entries if p.startswith(prefix))


@locked
def delete(
    root: Path | str,
    model: str,
    version: int | None = None,
    *,
    reason: str,
    purge: bool = False,
    redact: bool = False,
    branch: str | bool | None = None,
    push: bool = False,
) -> Deleted:
    """Delete version ``version`` of ``model`` (or, with no version, the whole
    model), leaving tombstones; with ``purge`` also remove the bytes no other
    version uses from the DVC cache and the default remote. A version that
    an alias points at is refused: move or remove the alias first.

    On a version or model that is already deleted, ``purge`` only removes
    its bytes (the way to purge after a deletion was merged)."""
    root = Path(root)
    why = _reason(reason)
    if purge and branch not in (None, False):
        raise UsageError(
            "--purge removes bytes at once, but a --branch deletion is only a proposal: "
            "open the pull request without --purge, and run `registry delete ... --purge` after it is merged"
        )
    reg, rm = open_model(root, model)
    cfg = reg.config
    if version is not None:
        targets = [version_of(rm, version, deleted=True)]
        if targets[0].is_deleted:
            return _purge_again(root, rm, targets, purge, f"{rm.name} v{version}")
        held = rm.aliases_of(version)
        if held:
            names = ", ".join(f"@{a}" for a in held)
            raise WriteRefused(
                f"{rm.name} v{version} is {names}: move or remove the alias first "
                f"(`registry alias rm {rm.name} {held[0]}`)"
            )
    else:
        if rm.model.deleted is not None:
            return _purge_again(root, rm, list(rm.versions.values()), purge, f"model {rm.name}")
        targets = [v for _, v in sorted(rm.versions.items()) if not v.is_deleted]
    mark = _deletion(root, why, purge, redact)
    files: dict[str, str] = {}
    removed: list[str] = []
    for v in targets:
        files[v.path] = _tombstone(root, v, cfg.archive_stage, mark, redact)
        removed += _pointer_files(reg, v)
    body: list[str] = []
    if version is None:
        doc = document(root, rm.model.path)
        if rm.model.aliases:
            body.append(
                "Removes " + ", ".join(f"@{a} (v{n})" for a, n in sorted(rm.model.aliases.items())) + "."
            )
            doc.remove("aliases")
        if rm.model.traffic:
            body.append("Ends its traffic split.")
            doc.remove("traffic")
        if redact:
            doc.remove("description")
            doc.remove("tags")
        doc.set("deleted", dict(mark))
        files[rm.model.path] = doc.text()
        n = len(targets)
        subject = f"delete model {rm.name} ({n} version{'s' if n != 1 else ''})"
    else:
        subject = f"delete {rm.name} v{version}"
    if redact:
        body.append("Redacted: description, tags, metrics, params, signature and lineage.")
    body.append(f"Reason: {why}")
    change = Change(
        files,
        subject,
        trailers(
            "delete",
            rm.name,
            version=version,
            reason=why,
            purge="yes" if purge else None,
        ),
        body="\n".join(body),
        models=(rm.name,),
        removed=tuple(removed),
    )
    commit = submit(root, change, branch, push)
    numbers = tuple(v.number for v in targets)
    if branch not in (None, False):
        return Deleted(commit, numbers)
    for v in targets:
        _clear_bytes(root, v)
    if not purge:
        return Deleted(commit, numbers)
    try:
        removed_objects, kept = _purge(root, targets)
    except (DvcError, OSError) as exc:
        again = f"{rm.name}/{version}" if version is not None else rm.name
        raise DvcError(
            f"deleted in {commit[:10]}, but the bytes were not all removed ({exc}); "
            f"run `registry delete {again} --reason ... --purge` again to finish"
        ) from None
    return Deleted(commit, numbers, removed_objects, kept)


def _purge_again(root: Path, rm: RegisteredModel, targets: list[Version], purge: bool, what: str) -> Deleted:
    """``--purge`` on what is already deleted: remove its bytes, and mark the
    tombstones purged (one commit) where they did not say so yet."""
    if not purge:
        raise WriteRefused(f"{what} is already deleted (add --purge to remove its bytes)")
    for v in targets:
        _clear_bytes(root, v)
    removed, kept = _purge(root, targets)
    files: dict[str, str] = {}
    for v in targets:
        if v.deleted is not None and not v.deleted.purged:
            doc = document(root, v.path)
            doc.mapping("deleted")["purged"] = True
            files[v.path] = doc.text()
    commit = None
    if files:
        change = Change(
            files,
            f"purge the bytes of {what}",
            trailers("purge", rm.name, version=targets[0].number if len(targets) == 1 else None),
            models=(rm.name,),
        )
        commit = submit(root, change, None, False)
    return Deleted(commit, tuple(v.number for v in targets), removed, kept)


def _clear_bytes(root: Path, v: Version) -> None:
    """Remove a deleted version's artifact bytes from the work tree (git no longer ignores them)."""
    art = root / layout.artifact_file(v.model, v.artifact.path)
    folder = root / layout.artifact_dir(v.model, v.number)
    if art.is_dir() and not art.is_symlink():
        shutil.rmtree(art)
    elif art.exists() or art.is_symlink():
        art.unlink()
    for leftover in (folder, folder.parent):
        try:
            leftover.rmdir()
        except OSError:
            break


def _objects(root: Path, versions: list[Version], *, strict: bool) -> set[str]:
    """Every object md5 the versions' artifacts are made of: a file's md5; a
    folder's manifest and the files it lists. A manifest that neither the
    cache nor the remote holds is an error with ``strict`` (it names files
    that must be kept), else skipped (its files are gone already)."""
    found = {v.artifact.md5 for v in versions}
    folders = [v for v in versions if v.artifact.md5.endswith(".dir")]
    listed = dvc_objects.manifest_files(root, (v.artifact.md5 for v in folders)) if folders else {}
    for v in folders:
        files = listed.get(v.artifact.md5)
        if files is None and strict:
            raise DvcError(
                f"the folder manifest of {v.model} v{v.number} ({v.artifact.md5}) is in neither the "
                "DVC cache nor the remote, so it is unknown which files it shares with the deleted "
                "versions; nothing was purged"
            )
        found.update(files or ())
    return found


def _purge(root: Path, targets: list[Version]) -> tuple[dvc_objects.Removed, int]:
    """Remove the targets' objects that no live version of the registry (at HEAD) names."""
    reg = load(root)
    gone = {(v.model, v.number) for v in targets}
    live = [
        v
        for rm in reg.models.values()
        for v in rm.versions.values()
        if not v.is_deleted and (v.model, v.number) not in gone
    ]
    wanted = _objects(root, targets, strict=False)
    keep = _objects(root, live, strict=True)
    return dvc_objects.remove_objects(root, wanted - keep), len(wanted & keep)


@locked
def restore(
    root: Path | str,
    model: str,
    *,
    reason: str | None = None,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    """Bring a deleted model's name back: its tombstone ``model.yaml`` loses
    ``deleted``, its deleted versions stay tombstones, and its next version
    is numbered after them. Returns the commit id."""
    root = Path(root)
    _, rm = open_model(root, model)
    if rm.model.deleted is None:
        raise WriteRefused(f"{rm.name} is not deleted")
    doc = document(root, rm.model.path)
    doc.remove("deleted")
    change = Change(
        {rm.model.path: doc.text()},
        f"restore model {rm.name}",
        trailers("restore", rm.name, reason=reason),
        body=f"Reason: {reason}" if reason else "",
        models=(rm.name,),
    )
    return submit(root, change, branch, push)
