"""Apply a change to the registry as exactly one commit, or not at all.

Before writing: the repository must not be mid-merge or mid-rebase, no
``index.lock`` may exist (it is reported, never deleted), and the files to
touch must have no uncommitted changes. Then, under the repository's write
lock (``lock.py``), the commit is built on a temporary index from HEAD and
checked by the checker at its own revision against HEAD; HEAD's branch
moves to it by compare-and-swap, and only then are the index and the work
tree brought along (``txn.py``). A refused or failed change leaves the
work tree, the index and the branch as they were.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from registry import git, layout
from registry.errors import GitError, UsageError, WriteRefused as WriteRefused
from registry.problems import ERROR
from registry.write import txn
from registry.write.lock import write_lock


@dataclass(frozen=True)
class Change:
    files: Mapping[str, str]
    """Repository-relative path -> new text."""
    subject: str
    trailers: tuple[tuple[str, str], ...]
    body: str = ""
    models: tuple[str, ...] = field(default=())
    """The models the change touches or points at (parents): only these are checked."""
    removed: tuple[str, ...] = ()
    """Paths the change deletes."""
    kept: Mapping[str, git.Entry] = field(default_factory=dict)
    """Paths given an existing blob as it is (a renamed model's files), by (mode, blob id)."""
    author: git.Person | None = None
    """An import's: the source's user and time, as the commit's author and time."""
    against_base: bool = True
    """Whether the change-rules (transitions, gates, immutable fields) apply
    against HEAD; an import's final state is the source's, checked whole."""

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
    folders = tuple(layout.model_dir(m) + "/" for m in change.models[:1])
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


def apply(
    root: Path, change: Change, created: tuple[str, ...] = (), copies: tuple[txn.Copy, ...] = ()
) -> str:
    """Commit ``change`` on the current branch; return the commit id.

    The commit is built and checked with plumbing, HEAD moves by
    compare-and-swap, and only then are the index and the work tree brought
    along (``txn``). ``created`` names files the caller has already written
    to the work tree for this change (``dvc init``'s): they go into the
    commit as they are. ``copies`` are untracked files (artifact bytes)
    placed once the commit is made."""
    with write_lock(root):
        txn.recover(root)
        paths = sorted({*change.files, *change.removed, *change.kept})
        preflight(root, paths)
        head = git.head_commit(root)
        texts = {p: t.encode("utf-8") for p, t in change.files.items()}
        texts.update({p: (root / p).read_bytes() for p in created})
        updates: dict[str, git.Entry | None] = {p: None for p in change.removed}
        updates.update(change.kept)
        by_blob: dict[str, bytes] = {}
        for path, data in texts.items():
            blob = git.hash_blob(root, data)
            updates[path] = ("100644", blob)
            by_blob[blob] = data
        commit = git.build_commit(root, head, updates, change.message(), author=change.author)
        if head is not None and git.same_tree(root, head, commit):
            raise WriteRefused(f"nothing to change: {change.subject} leaves the registry as it is")
        refuse_if_failing(root, change, base=head if change.against_base else None, rev=commit)
        before = txn.entries(root, head, updates)
        staged = git.ls_files(root, list(created)) if created else {}
        for path in created:  # already in the work tree, and perhaps staged by their tool
            entry = staged.get(path)
            before[path] = (entry.mode, entry.blob) if entry else None  # type: ignore[assignment]
        plan = txn.Plan(
            old=head,
            new=commit,
            subject=change.subject,
            paths={p: (before.get(p), updates[p]) for p in updates},
            copies=copies,
            texts=by_blob,
        )
        try:
            txn.make(root, plan)
        except git.RefMoved:
            raise WriteRefused(
                "the branch moved while the change was being made (a commit from outside the registry); "
                "nothing was changed: run the command again"
            ) from None
        return commit


def branch_name(change: Change) -> str:
    """``registry/<subject as a slug>``, e.g. registry/promote-fraud-detector-v3-to-production."""
    slug = re.sub(r"[^a-z0-9]+", "-", change.subject.lower()).strip("-")
    return f"registry/{slug[:80].rstrip('-')}"


BRANCH_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,199}")


def check_branch_name(name: str) -> None:
    """Refuse a branch name outside a safe set: letters, digits, ``. _ / -``,
    as git also accepts it. Such names are pushed, shown in links and typed
    into shells, so nothing that a shell or a terminal would act on."""
    bad = (
        not BRANCH_RE.fullmatch(name)
        or ".." in name
        or "//" in name
        or name.endswith((".", "/", ".lock"))
        or "/." in name
        or name == "HEAD"
    )
    if bad:
        raise UsageError(
            f"{name!r} is not a branch name the registry makes: use letters, digits, '.', '_', '-' and '/' "
            "(not starting with '-' or '.', no '..')"
        )


def apply_on_branch(root: Path, change: Change, branch: str | None = None, *, push: bool = False) -> str:
    """Make ``change`` as one commit on a new branch, with plumbing: the work
    tree, the index and the current branch are left exactly as they were.
    The commit is checked at its own revision before the branch is created;
    with ``push`` the branch is pushed to origin. Returns the commit id."""
    name = branch or branch_name(change)
    check_branch_name(name)
    with write_lock(root):
        txn.recover(root)
        paths = sorted({*change.files, *change.removed, *change.kept})
        preflight(root, paths)
        head = git.head_commit(root)
        if head is None:
            raise WriteRefused("--branch needs a first commit to branch from")
        if git.branch_exists(root, name):
            raise WriteRefused(f"branch {name} already exists; pick another name with --branch NAME")
        updates: dict[str, git.Entry | None] = {p: None for p in change.removed}
        updates.update(change.kept)
        for path, text in change.files.items():
            updates[path] = ("100644", git.hash_blob(root, text.encode("utf-8")))
        commit = git.build_commit(root, head, updates, change.message(), author=change.author)
        base = head if change.against_base else None
        refuse_if_failing(root, change, base=base, rev=commit, outcome="no branch was made")
        try:
            git.create_branch(root, name, commit)
        except GitError:
            if git.branch_exists(root, name):
                raise WriteRefused(
                    f"branch {name} already exists; pick another name with --branch NAME"
                ) from None
            raise
    if push:
        git.push_branch(root, name)
    return commit
