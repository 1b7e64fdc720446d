"""What a new version was made from, as its record's ``lineage`` says it:
the training code (its repository, commit and script, and whether it ran
with changes the commit does not hold) and the datasets (in this
repository, elsewhere on this machine, at a URL, in a data registry, or a
table), read and hashed without copying anything."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from registry import dvc, git
from registry.errors import UsageError, WriteRefused


def code_lineage(
    code_dir: Path | None,
    commit: str | None,
    repo: str | None,
    path: str | None,
    root: Path,
    require_clean: bool = False,
) -> dict[str, Any]:
    """The record's ``lineage.code``: given, or read from the training code's
    checkout ``code_dir`` (its HEAD, origin and the script's path in it).
    Code that ran with changes HEAD does not hold (``path`` modified or
    untracked; with no path, any tracked file modified) is ``dirty``, with
    the changes' digest, and warned about; ``require_clean`` refuses it."""
    code: dict[str, Any] = {}
    if code_dir is not None and commit is None:
        top = git.toplevel(code_dir)
        if top is None:
            raise UsageError(f"{code_dir} is not inside a git repository; pass --code-commit")
        if top.resolve() != root.resolve():
            commit = git.head_commit(top)
            repo = repo or git.remote_url(top) or str(top)
            path = _in_checkout(top, Path(code_dir), path)
            code |= _dirtiness(top, path, require_clean)
    if repo:
        code["repo"] = repo
    if commit:
        if not re.fullmatch(r"[0-9a-f]{7,64}", commit):
            raise UsageError(f"--code-commit {commit!r} is not a commit id")
        code["commit"] = commit
    if path:
        code["path"] = path
    return code


def _in_checkout(top: Path, code_dir: Path, path: str | None) -> str | None:
    """``path`` (given from ``code_dir``) as the repository names it, from its top."""
    if path is None:
        return None
    full = Path(os.path.normpath((code_dir / path).absolute()))
    inside = full.resolve().is_relative_to(top.resolve())
    return full.resolve().relative_to(top.resolve()).as_posix() if inside and full.exists() else path


def _dirtiness(top: Path, path: str | None, require_clean: bool) -> dict[str, Any]:
    # The script itself, untracked too; with no script named, the tracked files (a new file
    # somewhere in the checkout is no part of this run)
    changed = git.uncommitted(top, [path] if path else [], untracked=bool(path))
    if not changed:
        return {}
    named = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    what = f"the training code in {top} differs from its commit ({named})"
    if require_clean:
        raise WriteRefused(f"{what}: commit it first (--require-clean)")
    logging.getLogger("registry").warning(
        "%s: the record says dirty: true; commit the code first to record what ran", what
    )
    return {"dirty": True, "diff": git.changes_digest(top, [path] if path else [])[:16]}


DATA_KEYS = ("name", "path", "uri", "repo", "rev", "md5", "etag", "version")
"""What a dataset of the lineage may say (``data=`` mappings; ``--data LOCATION,KEY=VALUE,...``)."""
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def data_lineage(root: Path, given: Iterable[str | Mapping[str, str]]) -> list[dict[str, str]]:
    """The record's ``lineage.data``, one entry per dataset given as:

    - a path in this repository (DVC-tracked or not): its path and md5;
    - a local file elsewhere: hashed where it is (not copied), as ``uri: file:///...``;
    - a URL (``s3://bucket/train.parquet``, ``hf://datasets/org/name``...): its ``uri``;
    - any of those followed by ``,key=value`` pairs (``md5``, ``etag``, ``version``,
      ``name``), or pairs alone: ``repo=URL,path=data/train.csv,rev=v1.2`` for a
      file of a DVC or git data registry, ``name=sales,version=2026-11`` for a table;
    - a mapping of those keys (from Python)."""
    return [_dataset(root, item) for item in given]


def _dataset(root: Path, item: str | Mapping[str, str]) -> dict[str, str]:
    shown = item if isinstance(item, str) else json.dumps(dict(item), sort_keys=True)
    if isinstance(item, str):
        head, *pairs = item.split(",")
        fields: dict[str, str] = {}
        if "=" in head and not _SCHEME.match(head):
            pairs, head = [head, *pairs], ""
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep:
                raise UsageError(f"--data {shown}: {pair!r} is not KEY=VALUE")
            fields[key.strip()] = value.strip()
    else:
        head, fields = "", {str(k): str(v) for k, v in item.items()}
    unknown = sorted(set(fields) - set(DATA_KEYS))
    if unknown:
        raise UsageError(
            f"--data {shown}: unknown {', '.join(unknown)} (a dataset takes {', '.join(DATA_KEYS)})"
        )
    if head and _SCHEME.match(head):
        fields["uri"] = head
    elif head:
        fields |= _local_data(root, head, shown, given_md5=fields.get("md5"))
    if "repo" in fields and "path" not in fields:
        raise UsageError(f"--data {shown}: a dataset of a data registry (repo=) names its path= too")
    if not any(fields.get(k) for k in ("path", "uri", "name")):
        raise UsageError(f"--data {shown}: name a path, a URL or name=")
    if "name" not in fields:
        where = fields.get("path") or fields.get("uri") or ""
        fields["name"] = where.rstrip("/").rsplit("/", 1)[-1].split(".")[0] or where
    return {k: fields[k] for k in DATA_KEYS if fields.get(k)}


def _local_data(root: Path, raw: str, shown: str, given_md5: str | None) -> dict[str, str]:
    """A dataset on this machine: inside the repository by its path, else by its
    ``file://`` URI; its md5 from its DVC pointer or from hashing it in place."""
    full = (root / Path(raw)).resolve()
    pointer = full.with_name(full.name + ".dvc")
    inside = full.is_relative_to(root.resolve())
    if pointer.is_file() and inside:
        md5, _ = dvc.pointer(pointer)
    elif full.is_file():
        md5 = given_md5 or dvc.md5_of(full)[0]
    elif full.is_dir() and given_md5:
        md5 = given_md5
    elif full.is_dir():
        raise UsageError(f"--data {shown}: {full} is a folder; track it with DVC, or give its md5=")
    else:
        raise UsageError(f"--data {shown}: neither {raw} nor {raw}.dvc exists")
    if inside:
        return {"path": full.relative_to(root.resolve()).as_posix(), "md5": md5}
    return {"uri": full.as_uri(), "md5": md5}
