"""A branch's own work tree, for a proposal that grows one commit per write.

``--branch`` makes one change as one commit on a new branch. A training job
in team mode makes several (register, then describe, then promote) that
belong to one pull request, so each write must read the records as the
branch has them and commit on top of it. The writers read from a work tree
and commit on its current branch, so the branch gets a work tree of its
own, linked to the clone (``git worktree``), under
``<git common dir>/registry/branches/<branch>``. The clone's work tree,
index and current branch are never touched; the writes' rules, checks,
lock (the clone's: one file in the common dir) and journal are the same.

The linked tree uses the clone's DVC cache and remotes (``dvc.share_with``),
so bytes registered there are where the clone's are.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from registry import dvc, git
from registry.write.commit import WriteRefused, check_branch_name
from registry.write.lock import write_lock

FOLDER = "registry/branches"
"""Where the linked work trees live, inside the clone's git common dir."""


def branch_root(root: Path, branch: str, remote: str | None = None) -> Path:
    """The work tree that has ``branch`` checked out: the clone itself when it
    is on that branch, else a linked one, made on first use. A new branch
    starts from ``remote``'s branch of that name when ``remote`` has one,
    else from HEAD."""
    check_branch_name(branch)
    with write_lock(root):
        found = git.worktrees(root).get(branch)
        if found is not None:
            return found
        path = git.common_dir(root).resolve() / FOLDER / branch
        if path.exists():  # a tree git no longer knows (removed with `git worktree prune`): ours to redo
            shutil.rmtree(path)
        start: str | None = None
        if not git.branch_exists(root, branch) and not (remote and git.fetch_branch(root, remote, branch)):
            if git.head_commit(root) is None:
                raise WriteRefused(f"branch {branch} would start from HEAD, but the clone has no commit yet")
            start = "HEAD"
        path.parent.mkdir(parents=True, exist_ok=True)
        git.add_worktree(root, path, branch, start)
        if (root / ".dvc").is_dir():
            dvc.share_with(root, path)
        return path
