"""``copy``: a version's artifact registered again as a new version, in this
registry or in another (MLflow's ``copy_model_version``; promotion across
environments). The bytes are the source's, verified by ``pull``; the record
keeps the source's metrics, params, tags, description, signature and
lineage, and says what it was copied from: ``lineage.copied_from`` (the
source's registry when another, model, version and commit) and, within one
registry, ``lineage.parents``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from registry.errors import UsageError
from registry.pull import pull
from registry.refs import load_for, parse_ref, resolve
from registry.write.register import register


def copy(
    root: Path | str,
    source: str,
    model: str,
    *,
    to: Path | str | None = None,
    push: bool = False,
    branch: str | bool | None = None,
) -> tuple[str, int]:
    """Register the version ``source`` names (``models:/x@champion``, ``x/3``...)
    as the next version of ``model``, in this registry or in the one at
    ``to``. Returns (commit id, N) of the new version."""
    root = Path(root)
    dest = Path(to) if to is not None else root
    parsed = parse_ref(source)
    reg = load_for(root, parsed)
    rm, version = resolve(reg, parsed)
    if version is None:
        raise UsageError(f"{source!r} names a model, not a version: add /N, @alias or :stage")
    commit = reg.commit or _committed(root, version.path)
    same = dest.resolve() == root.resolve()
    raw = version.raw
    lineage: dict[str, Any] = {k: v for k, v in (raw.get("lineage") or {}).items() if k != "copied_from"}
    origin: dict[str, Any] = {"model": rm.name, "version": version.number, "commit": commit}
    if same:
        lineage["parents"] = [{"model": rm.name, "version": version.number}]
    else:
        origin = {"registry": _where(root), **origin}
        lineage.pop("parents", None)  # they name models of the other registry
    lineage["copied_from"] = origin
    scratch = Path(
        tempfile.mkdtemp(prefix="registry-copy-")
    )  # not the git dir's: a write's recovery clears that
    try:
        got = pull(root, f"models:/{rm.name}/{version.number}", scratch)
        return register(
            dest,
            model,
            got,
            metrics=version.metrics,
            params=version.params,
            tags=version.tags,
            description=version.description or None,
            signature=version.signature,
            push=push,
            branch=branch,
            lineage=lineage,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _committed(root: Path, record: str) -> str:
    """HEAD, which the copy names as its source's commit: the source's record
    must be there as it is in the work tree."""
    from registry import git

    head = git.head_commit(root)
    listed = git.ls_tree(root, "HEAD", [record]) if head else {}
    try:
        same = record in listed and git.blob_id((root / record).read_bytes()) == listed[record].blob
    except OSError:
        same = False
    if head is None or not same:
        raise UsageError(f"{record} differs from the last commit: commit it before copying the version")
    return head


def _where(root: Path) -> str:
    """The source registry as the copy names it: its origin's URL, else its path."""
    from registry import git

    return git.remote_url(root) or str(root.resolve())
