"""Every call to git goes through this module.

Reads use plumbing only (``ls-tree``, ``ls-files``, ``cat-file --batch``),
never a checkout. Errors carry the command, its exit code and its stderr.
Variables such as ``GIT_DIR`` or ``GIT_INDEX_FILE`` that a hook or a parent
git may have set are removed, so the repository we are pointed at is the
one we read.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import subprocess
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from registry.errors import GitError, UsageError
from registry.when import commit_time

_KEEP_PREFIXES = (
    "GIT_AUTHOR_",
    "GIT_COMMITTER_",
    "GIT_CONFIG",
    "GIT_SSH",
    "GIT_SSL_",
    "GIT_ASKPASS",
    "GIT_TERMINAL_PROMPT",
    "GIT_EXEC_PATH",
    "GIT_HTTP_",
    "GIT_TRACE",
    "GIT_NO_REPLACE_OBJECTS",  # the user's view of history (git --no-replace-objects): keep it
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k.startswith(_KEEP_PREFIXES)}
    env["LC_ALL"] = "C"
    return env


def run(
    args: Iterable[str], cwd: Path | str, *, stdin: bytes | None = None, index: Path | None = None
) -> bytes:
    """Run git; ``index`` points it at another index file than the repository's."""
    cmd = ["git", *args]
    env = _env()
    if index is not None:
        env["GIT_INDEX_FILE"] = str(index)
    try:
        proc = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, env=env)
    except FileNotFoundError:
        raise GitError(cmd, 127, "git is not installed or not on PATH") from None
    if proc.returncode != 0:
        raise GitError(cmd, proc.returncode, proc.stderr.decode("utf-8", "replace").strip())
    return proc.stdout


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

    cmd = ["git", *args]
    try:
        out = tempfile.TemporaryFile(prefix="registry-git-")  # noqa: SIM115 - closed by done() below
        given = tempfile.TemporaryFile(prefix="registry-git-")  # noqa: SIM115
    except OSError:  # no temporary folder to write in: through a pipe, then
        data = run(args, cwd, stdin=stdin)
        return lambda: data
    try:
        given.write(stdin or b"")
        given.seek(0)
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=given, stdout=out, stderr=subprocess.PIPE, env=_env())
    except FileNotFoundError:
        out.close()
        raise GitError(cmd, 127, "git is not installed or not on PATH") from None
    finally:
        given.close()

    def done() -> bytes:
        with out:
            _, err = proc.communicate()
            if proc.returncode != 0:
                raise GitError(cmd, proc.returncode, err.decode("utf-8", "replace").strip())
            out.seek(0)
            return out.read()

    return done


def toplevel(path: Path) -> Path | None:
    """The work tree root containing ``path``, or None outside any repository."""
    try:
        out = run(["rev-parse", "--show-toplevel"], path)
    except GitError:
        return None
    return Path(out.decode().strip())


def common_dir(root: Path) -> Path:
    out = run(["rev-parse", "--git-common-dir"], root).decode().strip()
    return (root / out).resolve()


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
    status_cmd += paths
    status = subprocess.Popen(
        status_cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env()
    )
    try:
        entries = ls_files(root, paths, keep)
        extra = meanwhile(entries) if meanwhile is not None else set()
    finally:
        out, err = status.communicate()
    if status.returncode != 0:
        raise GitError(status_cmd, status.returncode, err.decode("utf-8", "replace").strip())
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


class Person(NamedTuple):
    name: str
    email: str
    time: int
    """Seconds since the epoch, in ``when``'s domain (a missing or garbage time is 0)."""
    offset: str
    """The zone as git shows it, e.g. ``+0100`` (``+0000`` when there is none)."""


class FileChange(NamedTuple):
    status: str
    """``A``, ``M``, ``D`` or ``T`` (renames are reported as a delete and an add)."""
    path: str
    old: str | None
    new: str | None


class LogEntry(NamedTuple):
    commit: str
    parents: tuple[str, ...]
    author: Person
    committer: Person
    message: str
    changes: tuple[FileChange, ...]


_LOG_FORMAT = "%H%x00%P%x00%an%x00%ae%x00%at %ai%x00%cn%x00%ce%x00%ct %ci%x00%B%x00"
_NULL_BLOB = "0" * 40


def commit_at(root: Path, when: int, rev: str = "HEAD") -> str | None:
    """The main-line commit of ``rev`` that was current at ``when`` (seconds
    since the epoch): the newest first-parent commit committed at or before it.

    Compared here, not with ``rev-list --before``: git reads a small number
    there as something other than seconds (any moment before 1973-03-03 gave
    the newest commit), and no form of it takes a moment before 1970."""
    out = run(["rev-list", "--first-parent", "--timestamp", rev, "--"], root)
    for line in out.decode("ascii", "replace").splitlines():
        stamp, _, commit = line.partition(" ")
        if commit and commit_time(stamp) <= when:
            return commit
    return None


def parents(root: Path, rev: str) -> dict[str, tuple[str, ...]]:
    """Every commit reachable from ``rev`` and its parents (one ``rev-list``)."""
    out: dict[str, tuple[str, ...]] = {}
    for line in run(["rev-list", "--parents", rev], root).decode().splitlines():
        ids = line.split()
        out[ids[0]] = tuple(ids[1:])
    return out


class HistoryView(NamedTuple):
    """What, beyond commit ids, decides which parents and contents git
    shows for a commit."""

    shallow: frozenset[str]
    """The boundary commits of a shallow clone (their parents were not fetched)."""
    digest: str
    """Of the shallow boundary, ``info/grafts``, the replace refs and
    ``GIT_NO_REPLACE_OBJECTS`` / ``core.useReplaceRefs``; empty when there is
    none of them (the common case)."""


def history_view(root: Path) -> HistoryView:
    """The shallow boundary, grafts and replacements in force here."""
    lines = run(
        ["rev-parse", "--is-shallow-repository", "--git-path", "shallow", "--git-path", "info/grafts"], root
    )
    is_shallow, shallow_file, grafts_file = lines.decode("utf-8", "surrogateescape").splitlines()[:3]

    def read(name: str) -> bytes:
        try:
            return (root / name).read_bytes()
        except OSError:
            return b""

    shallow = read(shallow_file) if is_shallow == "true" else b""
    grafts = read(grafts_file)
    replaced = run(["for-each-ref", "--format=%(refname) %(objectname)", "refs/replace/"], root)
    try:
        use = run(["config", "--type=bool", "--get", "core.useReplaceRefs"], root).strip()
    except GitError:  # not set
        use = b""
    off = b"1" if os.environ.get("GIT_NO_REPLACE_OBJECTS") is not None or use == b"false" else b""
    digest = ""
    if shallow or grafts or (replaced and not off):
        parts = (b"shallow", shallow, b"grafts", grafts, b"replace", b"" if off else replaced)
        digest = hashlib.sha1(b"\0".join(parts)).hexdigest()[:16]  # noqa: S324 - an identity
    return HistoryView(frozenset(shallow.decode("ascii", "replace").split()), digest)


_OFFSET = re.compile(r"[+-][0-9]{4}\Z")


def _person(name: bytes, email: bytes, when: bytes) -> Person:
    """A person from ``%an %ae %at %ai`` (or the committer's): total over
    what a hand-made commit holds (no author line, garbage or huge dates,
    any zone)."""
    seconds, _, date = when.decode("ascii", "replace").partition(" ")
    zone = date.rsplit(" ", 1)[-1]
    return Person(
        name.decode("utf-8", "replace"),
        email.decode("utf-8", "replace"),
        commit_time(seconds),
        zone if _OFFSET.match(zone) else "+0000",
    )


def log(
    root: Path,
    rev: str,
    paths: list[str],
    *,
    first_parent: bool = True,
    reverse: bool = False,
    keep: Callable[[str], bool] | None = None,
) -> Iterator[LogEntry]:
    """The commits reachable from ``rev`` that change ``paths``, newest first
    (or oldest first with ``reverse``), each with the blobs of what it changed
    (only the paths that pass ``keep``, if given): one ``git log`` process,
    whatever the number of commits.

    With ``first_parent`` only the main line is walked; otherwise every commit
    is (the commits of merged branches too), each merge shown with its changes
    against its first parent."""
    cmd = log_command(rev, paths, first_parent=first_parent, reverse=reverse)
    tokens = _bulk(cmd, root).split(b"\0")
    i, n = 0, len(tokens)
    while i < n:
        if not tokens[i].strip():
            i += 1
            continue
        head = tokens[i : i + 9]
        if len(head) < 9:
            break
        i += 9
        changes = []
        while i < n:
            token = tokens[i]
            if token[:1] != b":":
                token = token.lstrip(b"\n")
                if not token:
                    i += 1
                    continue
                if token[:1] != b":":
                    break
            if i + 1 >= n:
                break
            path = tokens[i + 1].decode("utf-8", "surrogateescape")
            i += 2
            if keep is not None and not keep(path):
                continue
            meta = token[1:].split()
            old, new = meta[2].decode(), meta[3].decode()
            changes.append(
                FileChange(
                    meta[4].decode()[:1],
                    path,
                    None if old == _NULL_BLOB else old,
                    None if new == _NULL_BLOB else new,
                )
            )
        yield LogEntry(
            head[0].decode(),
            tuple(head[1].decode().split()),
            _person(head[2], head[3], head[4]),
            _person(head[5], head[6], head[7]),
            head[8].decode("utf-8", "replace"),
            tuple(changes),
        )


def log_command(rev: str, paths: list[str], *, first_parent: bool = True, reverse: bool = False) -> list[str]:
    """The arguments of the ``git log`` that :func:`log` runs (the benchmark times it alone)."""
    cmd = ["log", "-z", "--raw", "--no-abbrev", "--no-renames", "--diff-merges=first-parent"]
    cmd.append(f"--format={_LOG_FORMAT}")
    cmd.append("--first-parent" if first_parent else "--full-history")
    if reverse:
        cmd.append("--reverse")
    return [*cmd, rev, "--", *paths]


class CatFile:
    """Reads many blobs, each batch with one ``git cat-file --batch --buffer``.

    git writes a batch into a temporary file (:func:`_bulk`), not into a
    pipe: through a pipe it wrote every object on its own, and each write woke
    the reader (for a whole history's 90,000 blobs, 0.5 s of system time on
    top of git's own 0.9 s). A batch can be started and collected later
    (:meth:`start`), so git reads the next one while this process works."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._args = ["cat-file", "--batch", "--buffer"]
        self._pending: list[Callable[[], bytes]] = []

    def read_many(self, objects: list[str]) -> dict[str, bytes]:
        """Contents of many objects (a missing one is an error)."""
        return self.start(objects)()

    def start(self, objects: list[str]) -> Callable[[], dict[str, bytes]]:
        """Begin reading ``objects``; the function returned waits for them and gives their contents."""
        if not objects:
            return dict
        output = _started(self._args, self._root, b"".join(o.encode() + b"\n" for o in objects))
        self._pending.append(output)

        def contents() -> dict[str, bytes]:
            self._pending.remove(output)
            return self._parse(objects, output())

        return contents

    def _parse(self, objects: list[str], data: bytes) -> dict[str, bytes]:
        result: dict[str, bytes] = {}
        at = 0
        for obj in objects:
            end = data.find(b"\n", at)
            parts = data[at:end].split() if end >= 0 else []
            if len(parts) != 3:
                header = data[at:end] if end >= 0 else b"(nothing)"
                raise GitError(
                    ["git", *self._args], 128, f"cannot read object {obj}: {header.decode().strip()}"
                )
            size = int(parts[2])
            result[obj] = data[end + 1 : end + 1 + size]
            at = end + 2 + size  # the content and its newline
        return result

    def close(self) -> None:
        """Wait for the batches started and not collected (their output is dropped)."""
        while self._pending:
            output = self._pending.pop()
            with contextlib.suppress(GitError):
                output()

    def __enter__(self) -> CatFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- writing ---------------------------------------------------------------


def init(root: Path, branch: str) -> None:
    """``git init`` in the existing folder ``root``, its first branch named ``branch``."""
    run(["init", "--quiet", f"--initial-branch={branch}"], root)


def empty_index(root: Path) -> None:
    """Remove every entry from the index (for a repository with no commit yet)."""
    run(["read-tree", "--empty"], root)


def git_dir(root: Path) -> Path:
    out = run(["rev-parse", "--git-dir"], root).decode().strip()
    return (root / out).resolve()


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


def uncommitted(root: Path, paths: list[str]) -> list[str]:
    """Of ``paths``, those whose index or work tree differs from HEAD (or that are untracked)."""
    out = run(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", *paths], root)
    return sorted({item[3:] for item in _split_z(out)})


def commit_paths(root: Path, paths: list[str], message: str, *, add: bool = True) -> str:
    """Commit exactly ``paths`` as they are in the work tree, whatever else is
    staged (``git commit --only``); returns the new commit id. ``add=False``
    when the caller has staged them itself (a ``git mv``)."""
    if add:
        run(["add", "--", *paths], root)
    run(["commit", "--quiet", "--only", "-F", "-", "--", *paths], root, stdin=message.encode())
    return run(["rev-parse", "HEAD"], root).decode().strip()


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
    root: Path, parent: str | None, updates: dict[str, Entry | None], message: str, *, hooks: bool = True
) -> str:
    """A commit of ``parent`` (or of nothing) with ``updates`` applied (a path
    to None is removed), made with plumbing: the work tree, the index and
    every ref stay as they are. Returns the commit id (no ref points at it yet).

    With ``hooks``, the repository's ``pre-commit`` hook runs on a temporary
    index of the commit (``GIT_INDEX_FILE``, as ``git commit --only`` does)
    and its ``commit-msg`` hook on the message; either can refuse the
    commit. Without a ``pre-commit`` hook no index is made at all: only the
    trees on the changed paths are written (``git mktree``), so the cost
    does not grow with the size of the repository."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="registry-commit-") as tmp:
        if hooks and _has_hook(root, "pre-commit"):
            index = Path(tmp) / "index"
            run(["read-tree", parent] if parent else ["read-tree", "--empty"], root, index=index)
            run(["update-index", "--index-info"], root, stdin=_index_info(updates), index=index)
            run(["hook", "run", "--ignore-missing", "pre-commit"], root, index=index)
            tree = run(["write-tree"], root, index=index).decode().strip()
        else:
            tree = _tree_with(root, f"{parent}^{{tree}}" if parent else None, _nested(updates)) or EMPTY_TREE
        if hooks and _has_hook(root, "commit-msg"):
            msg = Path(tmp) / "COMMIT_EDITMSG"
            msg.write_text(message, encoding="utf-8")
            run(["hook", "run", "--ignore-missing", "commit-msg", "--", str(msg)], root)
            message = msg.read_text(encoding="utf-8")
    args = ["commit-tree", tree, *(["-p", parent] if parent else []), "-F", "-"]
    if _signs_commits(root):  # git commit honours commit.gpgSign; commit-tree needs -S
        args.insert(1, "-S")
    return run(args, root, stdin=message.encode()).decode().strip()


def _signs_commits(root: Path) -> bool:
    try:
        return run(["config", "--type=bool", "commit.gpgSign"], root).decode().strip() == "true"
    except GitError:  # not set
        return False


EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def _has_hook(root: Path, name: str) -> bool:
    hooks = run(["rev-parse", "--git-path", "hooks"], root).decode().strip()
    path = (root / hooks / name) if not os.path.isabs(hooks) else Path(hooks) / name
    return path.is_file() and os.access(path, os.X_OK)


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
    if _has_hook(root, "post-commit"):
        with contextlib.suppress(GitError):
            run(["hook", "run", "--ignore-missing", "post-commit"], root)


def same_tree(root: Path, a: str, b: str) -> bool:
    """Whether commits ``a`` and ``b`` hold the same files."""
    out = run(["rev-parse", f"{a}^{{tree}}", f"{b}^{{tree}}"], root).decode().split()
    return out[0] == out[1]


def commit_on_branch(root: Path, parent: str, files: dict[str, bytes], message: str) -> str:
    """A commit of ``parent`` plus ``files`` (see :func:`build_commit`)."""
    updates: dict[str, Entry | None] = {p: ("100644", hash_blob(root, d)) for p, d in files.items()}
    return build_commit(root, parent, updates, message)


class RefMoved(GitError):
    """HEAD was not where the change was built on: someone else committed meanwhile."""


def move_head(root: Path, new: str, old: str | None, reason: str) -> None:
    """Move HEAD (its branch) from ``old`` (None: HEAD is unborn) to ``new``,
    atomically, only if it is still at ``old`` (git's compare-and-swap)."""
    cmd = ["update-ref", "-m", reason, "HEAD", new, old or ""]
    try:
        run(cmd, root)
    except GitError as exc:
        if "but expected" in exc.stderr or "already exists" in exc.stderr:
            raise RefMoved(exc.cmd, exc.code, exc.stderr) from None
        raise  # a lock file of another git command, say: git's own message names it


def update_index(root: Path, updates: dict[str, Entry | None]) -> None:
    """Set (or, for None, remove) entries of the repository's own index."""
    run(["update-index", "--index-info"], root, stdin=_index_info(updates))


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


def move(root: Path, old: str, new: str) -> None:
    """``git mv``: the folder, tracked and untracked files alike, and the index."""
    run(["mv", "--", old, new], root)
