"""Commits made with plumbing: blobs, trees along the changed paths, the
commit itself with the repository's hooks and signing, and HEAD moved by
compare-and-swap. Nothing here touches the work tree."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from registry.errors import GitError, RefMoved as RefMoved
from registry.git import run

if TYPE_CHECKING:
    from registry.git.log import Person


def hash_blob(root: Path, data: bytes) -> str:
    """Write ``data`` to the object database as a blob; return its id."""
    return run(["hash-object", "-w", "--stdin"], root, stdin=data).decode().strip()


def blob(root: Path, obj: str) -> bytes:
    return run(["cat-file", "blob", obj], root)


Entry = tuple[str, str]
"""(mode, blob id) of a path in a tree or the index; None where it has none."""


def _index_info(updates: dict[str, Entry | None]) -> bytes:
    lines = []
    for path, entry in sorted(updates.items()):
        if entry is None:
            lines.append(f"0 {'0' * 40}\t{path}")
        else:
            lines.append(f"{entry[0]} {entry[1]}\t{path}")
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")


def build_commit(
    root: Path,
    parent: str | None,
    updates: dict[str, Entry | None],
    message: str,
    *,
    hooks: bool = True,
    author: Person | None = None,
) -> str:
    """A commit of ``parent`` (or of nothing) with ``updates`` applied (a path
    to None is removed), made with plumbing: the work tree, the index and
    every ref stay as they are. Returns the commit id (no ref points at it yet).

    With ``hooks``, the repository's ``pre-commit`` hook runs on a temporary
    index of the commit (``GIT_INDEX_FILE``, as ``git commit --only`` does)
    and its ``commit-msg`` hook on the message; either can refuse the
    commit. Without a ``pre-commit`` hook no index is made at all: only the
    trees on the changed paths are written (``git mktree``), so the cost
    does not grow with the size of the repository.

    ``author`` (an import's: the source's user and time) is the commit's
    author, and its time the commit's time too, so ``--at`` reads the
    registry as it was then; the committer stays whoever runs git."""
    import tempfile

    hooks_set = _hooks(root) if hooks else frozenset()
    with tempfile.TemporaryDirectory(prefix="registry-commit-") as tmp:
        if "pre-commit" in hooks_set:
            index = Path(tmp) / "index"
            run(["read-tree", parent] if parent else ["read-tree", "--empty"], root, index=index)
            run(["update-index", "--index-info"], root, stdin=_index_info(updates), index=index)
            run(["hook", "run", "--ignore-missing", "pre-commit"], root, index=index)
            tree = run(["write-tree"], root, index=index).decode().strip()
        else:
            tree = _tree_with(root, f"{parent}^{{tree}}" if parent else None, _nested(updates)) or EMPTY_TREE
        if "commit-msg" in hooks_set:
            msg = Path(tmp) / "COMMIT_EDITMSG"
            msg.write_text(message, encoding="utf-8")
            run(["hook", "run", "--ignore-missing", "commit-msg", "--", str(msg)], root)
            message = msg.read_text(encoding="utf-8")
    args = ["commit-tree", tree, *(["-p", parent] if parent else []), "-F", "-"]
    if _signs_commits(root):  # git commit honours commit.gpgSign; commit-tree needs -S
        args.insert(1, "-S")
    env = None
    if author is not None:
        stamp = f"@{author.time} {author.offset}"
        env = {"GIT_AUTHOR_NAME": author.name, "GIT_AUTHOR_EMAIL": author.email}
        env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    return run(args, root, stdin=message.encode(), env_extra=env).decode().strip()


def _signs_commits(root: Path) -> bool:
    try:
        return run(["config", "--type=bool", "commit.gpgSign"], root).decode().strip() == "true"
    except GitError:  # not set
        return False


EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def _hooks(root: Path) -> frozenset[str]:
    """The names of the repository's hooks that git would run (executable files)."""
    hooks = Path(root, run(["rev-parse", "--git-path", "hooks"], root).decode().strip())
    try:
        return frozenset(p.name for p in hooks.iterdir() if p.is_file() and os.access(p, os.X_OK))
    except OSError:  # no hooks folder
        return frozenset()


Nested = dict[str, "Nested | Entry | None"]


def _nested(updates: dict[str, Entry | None]) -> Nested:
    """``a/b/c: entry`` as ``{a: {b: {c: entry}}}``."""
    out: Nested = {}
    for path, entry in updates.items():
        *dirs, name = path.split("/")
        here = out
        for d in dirs:
            nxt = here.setdefault(d, {})
            if not isinstance(nxt, dict):  # a file replaced by a folder
                nxt = here[d] = {}
            here = nxt
        here[name] = entry
    return out


def _tree_with(root: Path, tree: str | None, changes: Nested) -> str | None:
    """The id of ``tree`` (None: an empty one) with ``changes`` made; None if
    nothing is left in it."""
    entries: dict[str, tuple[str, str, str]] = {}
    if tree is not None:
        out = run(["ls-tree", "-z", "--full-tree", tree], root)
        for item in out.split(b"\0"):
            if item:
                meta, raw = item.split(b"\t", 1)
                mode, kind, obj = meta.decode().split()
                entries[raw.decode("utf-8", "surrogateescape")] = (mode, kind, obj)
    for name, change in changes.items():
        if isinstance(change, dict):
            have = entries.get(name)
            sub = _tree_with(root, have[2] if have and have[1] == "tree" else None, change)
            if sub is None:
                entries.pop(name, None)
            else:
                entries[name] = ("040000", "tree", sub)
        elif change is None:
            entries.pop(name, None)
        else:
            entries[name] = (change[0], "blob", change[1])
    if not entries:
        return None
    listing = b"".join(
        f"{mode} {kind} {obj}\t".encode() + name.encode("utf-8", "surrogateescape") + b"\0"
        for name, (mode, kind, obj) in entries.items()
    )
    return run(["mktree", "-z"], root, stdin=listing).decode().strip()


def post_commit_hook(root: Path) -> None:
    """The ``post-commit`` hook, if any (its failure, as for git, changes nothing)."""
    if "post-commit" in _hooks(root):
        with contextlib.suppress(GitError):
            run(["hook", "run", "--ignore-missing", "post-commit"], root)


def same_tree(root: Path, a: str, b: str) -> bool:
    """Whether commits ``a`` and ``b`` hold the same files."""
    out = run(["rev-parse", f"{a}^{{tree}}", f"{b}^{{tree}}"], root).decode().split()
    return out[0] == out[1]


def move_head(root: Path, new: str, old: str | None, reason: str) -> None:
    """Move HEAD (its branch) from ``old`` (None: HEAD is unborn) to ``new``,
    atomically, only if it is still at ``old`` (git's compare-and-swap)."""
    cmd = ["update-ref", "-m", reason, "HEAD", new, old or ""]
    try:
        run(cmd, root)
    except GitError as exc:
        if "but expected" in exc.stderr or "already exists" in exc.stderr:
            raise RefMoved(str(exc), argv=exc.argv, returncode=exc.returncode, stderr=exc.stderr) from None
        raise  # a lock file of another git command, say: git's own message names it


def refresh_index(root: Path) -> None:
    """Record the work tree's stat data in the index for entries whose files match them."""
    run(["update-index", "-q", "--refresh"], root)


def update_index(root: Path, updates: dict[str, Entry | None]) -> None:
    """Set (or, for None, remove) entries of the repository's own index."""
    run(["update-index", "--index-info"], root, stdin=_index_info(updates))
