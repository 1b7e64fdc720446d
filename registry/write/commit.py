"""Apply a change to the registry as exactly one commit, or not at all.

Before writing: the repository must not be mid-merge or mid-rebase, no
``index.lock`` may exist (it is reported, never deleted), and the files to
touch must have no uncommitted changes. Files are written atomically (a
temporary file renamed over the old one); the result is checked by the
checker against HEAD; only then is it committed, with ``git commit --only``
so that nothing else the user had staged goes in. On any failure the files
and the index are put back as they were.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from registry import git
from registry.errors import RegistryError
from registry.problems import ERROR


class WriteRefused(RegistryError):
    """The change was not made; nothing was changed."""


@dataclass(frozen=True)
class Change:
    files: Mapping[str, str]
    """Repository-relative path -> new text."""
    subject: str
    trailers: tuple[tuple[str, str], ...]
    body: str = ""
    models: tuple[str, ...] = field(default=())
    """The models the change touches or points at (parents): only these are checked."""

    def message(self) -> str:
        parts = [self.subject]
        if self.body:
            parts.append(self.body.strip())
        parts.append("\n".join(f"{key}: {_one_line(value)}" for key, value in self.trailers))
        return "\n\n".join(parts) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def preflight(root: Path, paths: list[str]) -> None:
    """Refuse, before anything is written, when the change cannot be made safely."""
    top = git.toplevel(root)
    if top is None or top.resolve() != root.resolve():
        raise WriteRefused(f"{root} is not the top of a git repository; registry changes are commits")
    busy = git.operation_in_progress(root)
    if busy:
        raise WriteRefused(f"git is in the middle of {busy}; finish or abort it first")
    lock = git.index_lock(root)
    if lock is not None:
        raise WriteRefused(
            f"{lock} exists: another git command is running, or one stopped and left it behind; "
            "if no git command is running, remove that file and try again"
        )
    dirty = git.uncommitted(root, paths)
    if dirty:
        raise WriteRefused(
            "uncommitted changes in the files this change would write: "
            + ", ".join(dirty[:5])
            + (" ..." if len(dirty) > 5 else "")
            + "; commit or stash them first"
        )


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` whole (a finished temporary file renamed over it), keeping its mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _restore(root: Path, originals: dict[str, bytes | None]) -> None:
    for rel, data in originals.items():
        path = root / rel
        if data is None:
            path.unlink(missing_ok=True)
        else:
            write_atomically(path, data.decode("utf-8"))


def refuse_if_failing(
    root: Path, change: Change, *, base: str | None, rev: str | None = None, outcome: str = "it was not made"
) -> None:
    """Run the checker on the result (the work tree, or ``rev``) as a change
    from ``base``; refuse on an error in the changed files or in the folder
    of the model changed (its parents are loaded only so parent rules see them)."""
    from registry.check import check, check_models

    if change.models:
        found = check_models(root, list(change.models), base=base, rev=rev)
    else:
        found = check(root, base=base, rev=rev)
    folders = tuple(f"models/{m}/" for m in change.models[:1])
    problems = [
        p
        for p in found
        if p.severity == ERROR and (p.path in change.files or (p.path + "/").startswith(folders))
    ]
    if problems:
        raise WriteRefused(
            f"the change would not pass `registry check`, so {outcome}:\n"
            + "\n".join(f"  {p}" for p in problems[:10])
        )


def apply(root: Path, change: Change, created: tuple[str, ...] = ()) -> str:
    """Write, check and commit ``change``; return the commit id.

    ``created`` names files the caller has already written for this change
    (an artifact's ``.dvc`` pointer, say, after its own ``preflight``): they
    go into the commit too, and are removed if the change fails."""
    paths = sorted(change.files)
    preflight(root, paths)
    originals = {p: (root / p).read_bytes() if (root / p).exists() else None for p in paths}
    staged = False
    try:
        for rel, text in change.files.items():
            write_atomically(root / rel, text)
        refuse_if_failing(root, change, base="HEAD" if git.head_commit(root) else None)
        staged = True
        return git.commit_paths(root, sorted({*paths, *created}), change.message())
    except BaseException:
        _restore(root, originals)
        for rel in created:
            (root / rel).unlink(missing_ok=True)
        if staged or created:
            with contextlib.suppress(RegistryError):  # keep the original error
                git.unstage(root, sorted({*paths, *created}))
        raise


def branch_name(change: Change) -> str:
    """``registry/<subject as a slug>``, e.g. registry/promote-fraud-detector-v3-to-production."""
    slug = re.sub(r"[^a-z0-9]+", "-", change.subject.lower()).strip("-")
    return f"registry/{slug[:80].rstrip('-')}"


def apply_on_branch(root: Path, change: Change, branch: str | None = None, *, push: bool = False) -> str:
    """Make ``change`` as one commit on a new branch, with plumbing: the work
    tree, the index and the current branch are left exactly as they were.
    The commit is checked at its own revision before the branch is created;
    with ``push`` the branch is pushed to origin. Returns the commit id."""
    paths = sorted(change.files)
    preflight(root, paths)
    head = git.head_commit(root)
    if head is None:
        raise WriteRefused("--branch needs a first commit to branch from")
    name = branch or branch_name(change)
    if git.branch_exists(root, name):
        raise WriteRefused(f"branch {name} already exists; pick another name with --branch NAME")
    files = {p: t.encode("utf-8") for p, t in change.files.items()}
    commit = git.commit_on_branch(root, head, files, change.message())
    refuse_if_failing(root, change, base=head, rev=commit, outcome="no branch was made")
    git.create_branch(root, name, commit)
    if push:
        git.push_branch(root, name)
    return commit
