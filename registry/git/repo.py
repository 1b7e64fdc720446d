"""The repository itself, by name: making one, HEAD and the branches, the
index as a whole, who commits, the remotes, and what a commit says.

Each function is one git command (or two), so callers read as English
(``git.init_repo``, ``git.current_branch``, ``git.commit_subject``) and no
argument list for git is built outside this package.
"""

from __future__ import annotations

from pathlib import Path

from registry.errors import GitError
from registry.git import _found, _split_z, run


def require(cwd: Path) -> None:
    """Raise :class:`GitError` (saying it is not installed) unless git runs here."""
    run(["--version"], cwd)


def init_repo(root: Path, branch: str) -> None:
    """``git init`` in the existing folder ``root``, its first branch named ``branch``."""
    run(["init", "--quiet", f"--initial-branch={branch}"], root)


def empty_index(root: Path) -> None:
    """Remove every entry from the index (for a repository with no commit yet)."""
    run(["read-tree", "--empty"], root)


def git_dir(root: Path) -> Path:
    def ask() -> Path:
        return (root / run(["rev-parse", "--git-dir"], root).decode().strip()).resolve()

    return _found("git-dir", root, lambda found: (found / "HEAD").is_file(), ask)


def operation_in_progress(root: Path) -> str | None:
    """The name of a merge, rebase, cherry-pick, revert or bisect under way, if any."""
    gd = git_dir(root)
    for marker, name in (
        ("MERGE_HEAD", "a merge"),
        ("rebase-merge", "a rebase"),
        ("rebase-apply", "a rebase or git am"),
        ("CHERRY_PICK_HEAD", "a cherry-pick"),
        ("REVERT_HEAD", "a revert"),
        ("BISECT_LOG", "a bisect"),
    ):
        if (gd / marker).exists():
            return name
    return None


def index_lock(root: Path) -> Path | None:
    lock = git_dir(root) / "index.lock"
    return lock if lock.exists() else None


def head_commit(root: Path) -> str | None:
    try:
        return run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], root).decode().strip()
    except GitError:
        return None


def uncommitted(root: Path, paths: list[str], *, untracked: bool = True) -> list[str]:
    """Of ``paths`` (every file, when empty), those whose index or work tree
    differs from HEAD, and (with ``untracked``) those git does not track."""
    shown = "--untracked-files=all" if untracked else "--untracked-files=no"
    out = run(["status", "--porcelain=v1", "-z", shown, "--no-renames", "--", *paths], root)
    return sorted({item[3:] for item in _split_z(out)})


def unstage(root: Path, paths: list[str]) -> None:
    """Put the index entries of ``paths`` back as HEAD has them."""
    if head_commit(root) is None:
        run(["rm", "--cached", "--quiet", "--ignore-unmatch", "--", *paths], root)
    else:
        run(["reset", "--quiet", "HEAD", "--", *paths], root)


def identity_email(root: Path) -> str | None:
    """The email git would record as the author here, if one is configured."""
    try:
        ident = run(["var", "GIT_AUTHOR_IDENT"], root).decode().strip()
    except GitError:
        return None
    start, end = ident.find("<"), ident.find(">")
    return ident[start + 1 : end] if 0 <= start < end else None


def remote_url(root: Path) -> str | None:
    try:
        return run(["config", "--get", "remote.origin.url"], root).decode().strip() or None
    except GitError:
        return None


def create_branch(root: Path, name: str, commit: str) -> None:
    """Point new branch ``name`` at ``commit``; refuse if it exists."""
    run(["check-ref-format", "--branch", name], root)
    run(["update-ref", f"refs/heads/{name}", commit, ""], root)


def branch_exists(root: Path, name: str) -> bool:
    try:
        run(["rev-parse", "--verify", "--quiet", f"refs/heads/{name}"], root)
    except GitError:
        return False
    return True


def current_branch(root: Path) -> str | None:
    try:
        return run(["symbolic-ref", "--quiet", "--short", "HEAD"], root).decode().strip() or None
    except GitError:
        return None


def push_branch(root: Path, name: str, remote: str = "origin") -> None:
    run(["push", "--quiet", "--set-upstream", remote, f"refs/heads/{name}:refs/heads/{name}"], root)


def upstream_of(root: Path, name: str) -> str | None:
    """Branch ``name``'s upstream, ``origin/main``; None when it has none."""
    if name.startswith("-"):  # never an option (rev-parse prints --end-of-options back)
        return None
    try:
        out = run(["rev-parse", "--abbrev-ref", f"{name}@{{upstream}}"], root)
    except GitError:
        return None
    return out.decode().strip() or None


def push_upstream(root: Path, name: str) -> str:
    """Push branch ``name`` to its upstream (``branch.NAME.remote`` and
    ``.merge``, as ``git push`` would), or, with none, to origin as its
    upstream from now on. Returns where it went: ``origin/main``."""
    try:
        remote = run(["config", "--get", f"branch.{name}.remote"], root).decode().strip()
        merge = run(["config", "--get", f"branch.{name}.merge"], root).decode().strip()
    except GitError:  # no upstream
        remote = merge = ""
    if not remote or not merge or remote == ".":
        push_branch(root, name)
        return f"origin/{name}"
    run(["push", "--quiet", "--", remote, f"refs/heads/{name}:{merge}"], root)
    return f"{remote}/{merge.removeprefix('refs/heads/')}"


def pushed(root: Path, remote: str, name: str) -> bool:
    """Whether branch ``name`` is where it was last pushed to (or fetched from) ``remote``."""
    try:
        here = run(["rev-parse", "--verify", "--quiet", f"refs/heads/{name}"], root)
        there = run(["rev-parse", "--verify", "--quiet", f"refs/remotes/{remote}/{name}"], root)
    except GitError:
        return False
    return here == there


def fetch_branch(root: Path, remote: str, name: str) -> bool:
    """Make local branch ``name`` the remote's branch of that name; False when the remote has none."""
    out = run(["ls-remote", "--heads", "--", remote, f"refs/heads/{name}"], root)
    if not out.strip():
        return False
    run(["fetch", "--quiet", "--", remote, f"refs/heads/{name}:refs/heads/{name}"], root)
    return True


def worktrees(root: Path) -> dict[str, Path]:
    """Each linked or main work tree of the repository, by the branch it has checked out."""
    out: dict[str, Path] = {}
    path: Path | None = None
    for line in (
        run(["worktree", "list", "--porcelain", "-z"], root).decode("utf-8", "surrogateescape").split("\0")
    ):
        if line.startswith("worktree "):
            path = Path(line[len("worktree ") :])
        elif line.startswith("branch refs/heads/") and path is not None:
            out[line[len("branch refs/heads/") :]] = path
    return out


def add_worktree(root: Path, path: Path, name: str, start: str | None) -> None:
    """Check branch ``name`` out in a new linked work tree at ``path``; with
    ``start``, the branch is made there first."""
    run(["worktree", "prune"], root)
    if start is None:
        run(["worktree", "add", "--quiet", "--", str(path), name], root)
    else:
        run(["worktree", "add", "--quiet", "-b", name, "--", str(path), start], root)


def head_ref(root: Path) -> str | None:
    """The full name of the branch HEAD is on (``refs/heads/main``); None when detached."""
    try:
        return run(["symbolic-ref", "--quiet", "HEAD"], root).decode().strip() or None
    except GitError:
        return None


def branches_at(root: Path, commit: str) -> list[str]:
    """The short names of the branches that point at ``commit``."""
    out = run(["for-each-ref", "--points-at", commit, "--format=%(refname:short)", "refs/heads"], root)
    return out.decode().split()


def commit_subject(root: Path, commit: str) -> str:
    """The first line of ``commit``'s message."""
    return run(["log", "-1", "--format=%s", commit], root).decode().strip()


def commit_body(root: Path, commit: str) -> str:
    """``commit``'s message after its subject (trailers included)."""
    return run(["log", "-1", "--format=%b", commit], root).decode().strip()


def changes_digest(root: Path, paths: list[str]) -> str:
    """sha256 of how the work tree's ``paths`` (all, when empty) differ from
    HEAD: the binary diff of tracked files, then each untracked file's name
    and bytes; two runs of the same uncommitted code get the same digest."""
    import contextlib
    import hashlib

    digest = hashlib.sha256(run(["diff", "HEAD", "--binary", "--no-ext-diff", "--", *paths], root))
    listed = run(["ls-files", "-z", "--others", "--exclude-standard", "--", *paths], root)
    for name in sorted(_split_z(listed)):
        digest.update(b"\0" + name.encode("utf-8", "surrogateescape") + b"\0")
        with contextlib.suppress(OSError):  # gone meanwhile, or not a file
            digest.update((root / name).read_bytes())
    return digest.hexdigest()
