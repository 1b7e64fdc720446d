"""Every call to git goes through this package, and through :func:`run` here.

Reads use plumbing only (``ls-tree``, ``ls-files``, ``cat-file --batch``),
never a checkout. Errors are :class:`~registry.errors.GitError`, carrying
the command, its exit code and its stderr. Variables such as ``GIT_DIR`` or
``GIT_INDEX_FILE`` that a hook or a parent git may have set are removed
(:func:`registry.proc.environment`), so the repository we are pointed at is
the one we read; ``LC_ALL=C`` keeps git's messages in the English that
callers match.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from registry import proc
from registry.errors import GitError, UsageError


def _env() -> dict[str, str]:
    """:func:`registry.proc.environment`, with git's messages in English (callers
    match them) and no optional locks: ``git status`` otherwise takes
    ``index.lock`` to refresh the index, and a reader killed then (or one
    running beside a user's ``git commit``) leaves it or makes it fail."""
    return proc.environment(LC_ALL="C", GIT_OPTIONAL_LOCKS="0")


def run(
    args: Iterable[str],
    cwd: Path | str,
    *,
    stdin: bytes | None = None,
    index: Path | None = None,
    env_extra: dict[str, str] | None = None,
) -> bytes:
    """Run git; ``index`` points it at another index file than the repository's,
    ``env_extra`` sets variables for it (who the author is)."""
    env = _env()
    if index is not None:
        env["GIT_INDEX_FILE"] = str(index)
    if env_extra:
        env.update(env_extra)
    return proc.run(["git", *args], cwd, env=env, input=stdin, error=GitError).stdout


def _bulk(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    """:func:`run` for a large output: git writes it into a temporary file
    (which git buffers fully) and it is read back in one call. Into a pipe git
    writes each record as it is made, and each write wakes the reader."""
    return _started(args, cwd, stdin)()


def _started(args: list[str], cwd: Path, stdin: bytes | None = None) -> Callable[[], bytes]:
    """:func:`_bulk` begun: git runs meanwhile, its input read from a
    temporary file too, so nothing here waits for it; the function returned
    waits for it and gives its output."""
    import tempfile

    try:
        out = tempfile.TemporaryFile(prefix="registry-git-")  # noqa: SIM115 - closed by done() below
        given = tempfile.TemporaryFile(prefix="registry-git-")  # noqa: SIM115
    except OSError:  # no temporary folder to write in: through a pipe, then
        data = run(args, cwd, stdin=stdin)
        return lambda: data
    try:
        given.write(stdin or b"")
        given.seek(0)
        started = proc.start(["git", *args], cwd, env=_env(), stdin=given, stdout=out, error=GitError)
    except BaseException:
        out.close()
        raise
    finally:
        given.close()

    def done() -> bytes:
        with out:
            started.finish()
            out.seek(0)
            return out.read()

    return done


_FOUND: dict[tuple[str, str], Path] = {}
"""Where git said a repository is, by question and absolute path asked from:
a writer asks it a dozen times per commit, and a ``git rev-parse`` costs a
process. Only answers are kept (never "not a repository"), and each is
checked by a look at the file system before it is used again."""


def _found(question: str, path: Path, still: Callable[[Path], bool], ask: Callable[[], Path]) -> Path:
    key = (question, os.path.abspath(path))
    known = _FOUND.get(key)
    if known is not None and still(known):
        return known
    _FOUND[key] = answer = ask()
    return answer


def toplevel(path: Path) -> Path | None:
    """The work tree root containing ``path``, or None outside any repository."""

    def still(top: Path) -> bool:  # no repository made since between ``path`` and ``top``
        here = Path(os.path.realpath(path))
        while here != top:
            if (here / ".git").exists() or here == here.parent:
                return False
            here = here.parent
        return (top / ".git").exists()

    def ask() -> Path:
        return Path(run(["rev-parse", "--show-toplevel"], path).decode().strip())

    try:
        return _found("toplevel", path, still, ask)
    except GitError:
        return None


def common_dir(root: Path) -> Path:
    def ask() -> Path:
        return (root / run(["rev-parse", "--git-common-dir"], root).decode().strip()).resolve()

    return _found("common", root, lambda found: (found / "objects").is_dir(), ask)


def rev_parse(root: Path, ref: str) -> str:
    """The commit id of ``ref``. Refuses option-like refs."""
    if not ref or ref.startswith("-") or "\n" in ref:
        raise UsageError(f"not a revision: {ref!r}")
    try:
        out = run(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], root)
    except GitError:
        raise UsageError(f"unknown revision {ref!r} (not a branch, tag or commit of {root})") from None
    return out.decode().strip()


def blob_id(data: bytes) -> str:
    """git's object id of a blob with these bytes (what ``git hash-object`` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324


class TreeEntry(NamedTuple):
    path: str
    mode: str
    blob: str

    @property
    def is_link(self) -> bool:
        return self.mode == "120000"


def _split_z(out: bytes) -> Iterator[str]:
    for item in out.split(b"\0"):
        if item:
            yield item.decode("utf-8", "surrogateescape")


_TREE_RE = re.compile(r"([0-7]{6}) blob ([0-9a-f]{40,64})\t([^\0]*)\0")
_INDEX_RE = re.compile(r"([0-7]{6}) ([0-9a-f]{40,64}) 0\t([^\0]*)\0")


class Listing(dict[str, TreeEntry]):
    """Entries by path, with ``digest``: a hash of git's whole listing, so that
    an identical listing can be recognised without comparing entries."""

    digest: str = ""


def _entries(out: bytes, keep: Callable[[str], bool] | None, index: bool) -> Listing:
    """Parse ``ls-tree -z`` ("mode type id\tpath") or ``ls-files -s -z``
    ("mode id stage\tpath") output: stage-0 blobs whose path passes ``keep``."""
    entries = Listing()
    entries.digest = hashlib.sha1(out).hexdigest()  # noqa: S324 - an identity, not security
    text = out.decode("utf-8", "surrogateescape")
    found = (_INDEX_RE if index else _TREE_RE).findall(text)
    make = TreeEntry._make
    if keep is None:
        entries.update({path: make((path, mode, obj)) for mode, obj, path in found})
    else:
        entries.update({path: make((path, mode, obj)) for mode, obj, path in found if keep(path)})
    return entries


def ls_tree(root: Path, commit: str, paths: list[str], keep: Callable[[str], bool] | None = None) -> Listing:
    out = run(["ls-tree", "-r", "-z", "--full-tree", commit, "--", *paths], root)
    return _entries(out, keep, index=False)


def ls_files(root: Path, paths: list[str], keep: Callable[[str], bool] | None = None) -> Listing:
    """The index's entries under ``paths`` (stage 0 only)."""
    return _entries(run(["ls-files", "-s", "-z", "--", *paths], root), keep, index=True)


def worktree_index(
    root: Path,
    paths: list[str],
    keep: Callable[[str], bool] | None = None,
    meanwhile: Callable[[Listing], set[str]] | None = None,
) -> tuple[Listing, set[str], set[str], set[str]]:
    """The index's entries under ``paths``; the tracked paths whose work tree
    differs from them; the deleted ones; and what ``meanwhile(entries)``
    returns, run while ``git status`` works in its own process.

    ``status`` does not list untracked files: git's scan for them visits
    every folder (20,000 artifact folders in a large registry), so the loader
    looks for them itself, where records live, in ``meanwhile``."""
    status_cmd = ["git", "status", "--porcelain=v1", "-z", "--untracked-files=no", "--no-renames", "--"]
    status = proc.start([*status_cmd, *paths], root, env=_env(), error=GitError)
    try:
        entries = ls_files(root, paths, keep)
        extra = meanwhile(entries) if meanwhile is not None else set()
    except BaseException:
        with contextlib.suppress(GitError):
            status.finish()
        raise
    out = status.finish()
    changed: set[str] = set()
    deleted: set[str] = set()
    for item in _split_z(out):
        xy, path = item[:2], item[3:]
        if xy[1] in "MT" or xy[0] in "AMT":
            changed.add(path)
        if "D" in xy:
            deleted.add(path)
    return entries, changed, deleted, extra


def changed_paths(root: Path, base: str, commit: str | None, paths: list[str]) -> set[str]:
    """Paths that differ between commit ``base`` and ``commit`` (or the index,
    when ``commit`` is None; work-tree changes are the caller's to add)."""
    if commit is None:
        cmd = ["diff-index", "--cached", "--name-only", "--no-renames", "-z", base, "--", *paths]
    else:
        cmd = ["diff-tree", "-r", "--name-only", "--no-renames", "-z", base, commit, "--", *paths]
    return set(_split_z(run(cmd, root)))


# The repository's state, the history reader and the commit builder live in
# their own modules; their names are this module's, so every caller says
# ``git.head_commit``, ``git.log``, ``git.build_commit``.
from registry.git.commits import (
    EMPTY_TREE as EMPTY_TREE,
    Entry as Entry,
    RefMoved as RefMoved,
    blob as blob,
    build_commit as build_commit,
    hash_blob as hash_blob,
    move_head as move_head,
    post_commit_hook as post_commit_hook,
    refresh_index as refresh_index,
    same_tree as same_tree,
    update_index as update_index,
)
from registry.git.log import (
    CatFile as CatFile,
    FileChange as FileChange,
    HistoryView as HistoryView,
    LogEntry as LogEntry,
    Person as Person,
    commit_at as commit_at,
    file_at as file_at,
    history_view as history_view,
    log as log,
    log_command as log_command,
    mainline_roots as mainline_roots,
    parents as parents,
    paths_of as paths_of,
)
from registry.git.repo import (
    add_worktree as add_worktree,
    branch_exists as branch_exists,
    branches_at as branches_at,
    changes_digest as changes_digest,
    commit_body as commit_body,
    commit_subject as commit_subject,
    create_branch as create_branch,
    current_branch as current_branch,
    empty_index as empty_index,
    fetch_branch as fetch_branch,
    git_dir as git_dir,
    head_commit as head_commit,
    head_ref as head_ref,
    identity_email as identity_email,
    index_lock as index_lock,
    init_repo as init_repo,
    operation_in_progress as operation_in_progress,
    push_branch as push_branch,
    push_upstream as push_upstream,
    pushed as pushed,
    remote_url as remote_url,
    require as require,
    uncommitted as uncommitted,
    unstage as unstage,
    upstream_of as upstream_of,
    worktrees as worktrees,
)
from registry.git.tags import (
    Tag as Tag,
    commit_person as commit_person,
    export as export,
    path_kind as path_kind,
    tags as tags,
    trailer_values as trailer_values,
)
