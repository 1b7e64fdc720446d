"""Reading git's history: the log of the registry's files, commits by time, and blobs in bulk (plumbing only)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from registry.errors import GitError, UnreadableObject
from registry.git import _bulk, _started, run
from registry.when import commit_time


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


def mainline_roots(root: Path, rev: str) -> list[str]:
    """The commits of ``rev``'s main line (first parents) that have no parent
    shown: its first commit, or in a shallow clone the boundary it starts at."""
    return run(["rev-list", "--first-parent", "--max-parents=0", rev, "--"], root).decode().split()


def file_at(root: Path, commit: str, path: str) -> bytes:
    """The contents of ``path`` in ``commit``'s tree; GitError when it has none."""
    return run(["cat-file", "blob", f"{commit}:{path}"], root)


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


def paths_of(root: Path, blob: str, rev: str = "HEAD") -> list[str]:
    """The paths at which commits of ``rev``'s history wrote ``blob``, newest
    first: what a missing or damaged object was. git finds them in the trees,
    without reading the blob."""
    cmd = ["log", "-z", "--raw", "--no-abbrev", "--no-renames", "--format="]
    out = run([*cmd, f"--find-object={blob}", rev, "--"], root)
    tokens = out.split(b"\0")
    found: list[str] = []
    i = 0
    while i + 1 < len(tokens):  # ":<modes> <old> <new> <status>", then the path
        meta = tokens[i].lstrip(b"\n")
        if meta[:1] != b":":
            i += 1
            continue
        path = tokens[i + 1].decode("utf-8", "surrogateescape")
        i += 2
        if blob.encode() in meta.split()[2:4] and path not in found:
            found.append(path)
    return found


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
                raise UnreadableObject.of_object(
                    ["git", *self._args], 128, f"cannot read object {obj}: {header.decode().strip()}", obj
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
