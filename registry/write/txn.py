"""A write as one commit or nothing, with several writers and with ``kill -9``.

Under the write lock (``lock.py``) a change is made in this order:

1. Its blobs are written to git's object database and its commit is built
   on a temporary index from HEAD (plumbing: the work tree, the index and
   the branch are untouched). The checker judges that commit.
2. A journal (``<git dir>/registry-txn.json``) records the commit, the
   commit it replaces and, per path, the old and new blob.
3. HEAD's branch moves with a compare-and-swap (``git update-ref HEAD new
   old``): this is the moment the change is made.
4. The index and the work tree are brought to the new commit, path by
   path, each file written whole (a temporary file renamed over it);
   artifact bytes are copied in from DVC's cache last. The journal goes.

A process killed before step 3 changed nothing a user can see (the objects
it wrote are unreferenced and git collects them). Killed after it, the
change is committed and the journal says what was left to do: the next
registry command finishes it (:func:`recover`). A path is only ever
brought from the old blob to the new one: a file someone changed meanwhile
is left alone and named.

Temporary files live in ``<git dir>/registry-tmp/``, where neither ``git
status`` nor ``registry check`` looks; what a dead writer left there is
removed by the next one.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry import git
from registry.errors import GitError, Unfinished as Unfinished

JOURNAL = "registry-txn.json"
TMP_DIR = "registry-tmp"

log = logging.getLogger("registry")
"""Notices for the user; the command line prints them as ``registry: ...``."""


@dataclass(frozen=True)
class Copy:
    """An untracked file to put in the work tree once the commit is made: an
    artifact's bytes, copied from DVC's cache (or, for a rename, moved)."""

    dest: str
    """Repository-relative path."""
    source: str
    """Absolute path."""
    move: bool = False


@dataclass(frozen=True)
class Plan:
    """What the commit changes: per path the entry it had and the one it gets."""

    old: str | None
    new: str
    subject: str
    paths: Mapping[str, tuple[git.Entry | None, git.Entry | None]]
    copies: tuple[Copy, ...] = ()
    texts: Mapping[str, bytes] = field(default_factory=dict)
    """New contents already in memory, by blob id (others are read from git)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "old": self.old,
            "new": self.new,
            "subject": self.subject,
            "paths": {
                p: [list(o) if o else None, list(n) if n else None] for p, (o, n) in self.paths.items()
            },
            "copies": [[c.dest, c.source, c.move] for c in self.copies],
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Plan:
        def entry(raw: Any) -> git.Entry | None:
            return (str(raw[0]), str(raw[1])) if raw else None

        return cls(
            old=doc["old"],
            new=str(doc["new"]),
            subject=str(doc.get("subject", "")),
            paths={str(p): (entry(o), entry(n)) for p, (o, n) in doc["paths"].items()},
            copies=tuple(Copy(str(d), str(s), bool(m)) for d, s, m in doc.get("copies", [])),
        )


def tmp_dir(root: Path) -> Path:
    path = git.git_dir(root) / TMP_DIR
    path.mkdir(exist_ok=True)
    return path


def _journal(root: Path) -> Path:
    return git.git_dir(root) / JOURNAL


def _write_json(path: Path, doc: Mapping[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def make(root: Path, plan: Plan) -> None:
    """Move HEAD from ``plan.old`` to ``plan.new`` and bring the index and the
    work tree along (steps 2 to 4). Raises ``git.RefMoved`` if HEAD is no
    longer at ``plan.old``; then nothing was changed."""
    journal = _journal(root)
    _write_json(journal, plan.to_json())
    try:
        git.move_head(root, plan.new, plan.old, f"commit: {plan.subject}")
    except BaseException:
        journal.unlink(missing_ok=True)
        raise
    finish(root, plan)
    journal.unlink(missing_ok=True)
    git.post_commit_hook(root)


def recover(root: Path) -> None:
    """Finish what a killed write left undone, and remove its temporary files.
    Called, under the write lock, before every write; cheap when there is
    nothing to do (one ``stat``)."""
    journal = _journal(root)
    if journal.exists():
        try:
            plan = Plan.from_json(json.loads(journal.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            plan = None
        if plan is not None:
            _remove_own_git_locks(root, journal, plan)
            head = git.head_commit(root)
            if head != plan.old:  # the ref moved: the change was made
                left = finish(root, plan)
                note = f"; left as they are (changed since): {', '.join(left)}" if left else ""
                log.info(
                    "finished updating the work tree for %s (%s), a write that was interrupted after its commit%s",
                    plan.new[:10],
                    plan.subject,
                    note,
                )
        journal.unlink(missing_ok=True)
    tmp = git.git_dir(root) / TMP_DIR
    if tmp.is_dir():
        for leftover in tmp.iterdir():
            with contextlib.suppress(OSError):
                if leftover.is_dir() and not leftover.is_symlink():
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()


def _remove_own_git_locks(root: Path, journal: Path, plan: Plan) -> None:
    """Remove the ``.lock`` files that git commands of a killed write left:
    git's own lock files (the branch's while ``update-ref`` moved it, the
    index's while ``update-index`` ran) are never removed when git is
    killed. Only locks made during that write (after its journal, within
    a minute) are removed, and only once its process is gone."""
    from registry.dvc import pid_alive

    try:
        pid = int(json.loads(journal.read_text(encoding="utf-8")).get("pid", 0))
        since = journal.stat().st_mtime
    except (OSError, ValueError, TypeError, AttributeError):
        return
    if pid == os.getpid() or pid_alive(pid):
        return
    gd = git.git_dir(root)
    candidates = [gd / "index.lock", gd / "HEAD.lock"]
    branch = git.head_ref(root) or ""
    if branch.startswith("refs/heads/"):
        candidates.append(git.common_dir(root) / f"{branch}.lock")
    for lock in candidates:
        try:
            made = lock.stat().st_mtime
        except OSError:
            continue
        if since - 1 <= made <= since + 60:
            lock.unlink(missing_ok=True)
            log.info("removed %s, left by the interrupted write %r", lock, plan.subject)


def repair_if_interrupted(root: Path) -> None:
    """Before a command reads the work tree: finish a write that was killed
    after its commit, unless a live writer holds the lock (then it is that
    writer's to finish). One ``stat`` when there is nothing to do."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        journal = dot_git / JOURNAL
    elif dot_git.is_file():  # a linked work tree: its git dir is elsewhere
        try:
            journal = _journal(root)
        except GitError:
            return
    else:
        return
    if not journal.exists():
        return
    from registry.write.lock import try_lock

    held = try_lock(root)
    if held is None:
        return
    with held:
        recover(root)


def _blob_of_file(path: Path) -> str | None:
    try:
        if path.is_symlink():
            return git.blob_id(os.readlink(path).encode("utf-8", "surrogateescape")) + ":link"
        return git.blob_id(path.read_bytes())
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return "directory"


def finish(root: Path, plan: Plan) -> list[str]:
    """Bring each path of the index and work tree from its old entry to its
    new one (step 4). A path that is neither (someone changed it) is left
    alone; those paths are returned."""
    head = git.ls_tree(root, "HEAD", sorted(plan.paths)) if git.head_commit(root) else {}
    index = git.ls_files(root, sorted(plan.paths))
    left: list[str] = []
    index_updates: dict[str, git.Entry | None] = {}
    files: list[tuple[str, git.Entry | None]] = []
    for path, (old, new) in sorted(plan.paths.items()):
        at_head = head.get(path)
        head_entry = (at_head.mode, at_head.blob) if at_head else None
        if head_entry != new:
            left.append(path)  # HEAD has moved on since; it is not ours to change
            continue
        staged = index.get(path)
        staged_entry = (staged.mode, staged.blob) if staged else None
        if staged_entry == old:
            index_updates[path] = new
        elif staged_entry != new:
            left.append(path)
            continue
        on_disk = _blob_of_file(root / path)
        if on_disk == (old[1] if old else None):
            files.append((path, new))
        elif on_disk != (new[1] if new else None):
            left.append(path)
    if index_updates:
        _retry(lambda: git.update_index(root, index_updates))
    for path, new in files:
        target = root / path
        if new is None:
            target.unlink(missing_ok=True)
            _prune(root, target.parent)
        else:
            data = plan.texts.get(new[1])
            if data is None:
                data = git.blob(root, new[1])
            write_bytes(root, target, data, mode=0o755 if new[0] == "100755" else None)
    folder = tmp_dir(root) if plan.copies else None  # asked once: a folder artifact has thousands of copies
    for copy in plan.copies:
        _place(root, copy, folder)
    for copy in plan.copies:
        if copy.move:
            _prune(root, Path(copy.source).parent)
    if index_updates:
        # the new entries have no stat data, and git (run without optional
        # locks) never fills it in on its own: each `git status` would hash them
        with contextlib.suppress(GitError):
            git.refresh_index(root)
    return left


def _retry(action: Any, attempts: int = 40) -> None:
    """Run a git command that takes ``index.lock``, waiting out a git
    command of the user's that holds it (up to about 2 s)."""
    import time

    for attempt in range(attempts):
        try:
            action()
            return
        except GitError as exc:
            if "index.lock" not in exc.stderr or attempt == attempts - 1:
                raise Unfinished(
                    f"the change is committed, but the index could not be updated ({exc.stderr}); "
                    "run any registry command to finish it"
                ) from None
            time.sleep(0.05)


def _prune(root: Path, folder: Path) -> None:
    """Remove ``folder`` and its parents while they are empty, up to ``models/``."""
    stop = (root / "models").resolve()
    here = folder
    while here.resolve() != stop and here.resolve().is_relative_to(stop):
        try:
            here.rmdir()
        except OSError:
            return
        here = here.parent


def _place(root: Path, copy: Copy, folder: Path | None = None) -> None:
    dest = root / copy.dest
    source = Path(copy.source)
    if dest.exists() or dest.is_symlink() or not source.exists():
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    if copy.move:
        os.rename(source, dest)
        return
    tmp = _tmp_beside(root, dest, folder)
    try:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o644)
        _replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _tmp_beside(root: Path, dest: Path, folder: Path | None = None) -> Path:
    """A temporary file in the registry's temporary folder (``folder``, when
    the caller has it already)."""
    import tempfile

    fd, name = tempfile.mkstemp(dir=folder or tmp_dir(root), prefix=f"{os.getpid()}.")
    os.close(fd)
    return Path(name)


def _replace(tmp: Path, dest: Path) -> None:
    try:
        os.replace(tmp, dest)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        # The git directory is on another file system: finish beside the file.
        beside = dest.with_name(f".{dest.name}.registry-{os.getpid()}")
        shutil.copyfile(tmp, beside)
        os.chmod(beside, os.stat(tmp).st_mode & 0o777)
        tmp.unlink()
        os.replace(beside, dest)


def write_bytes(root: Path, path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` whole, keeping its mode (or setting ``mode``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
    tmp = _tmp_beside(root, path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        _replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def entries(root: Path, rev: str | None, paths: Iterable[str]) -> dict[str, git.Entry]:
    """The entries ``rev`` has for ``paths`` (none without a commit)."""
    if rev is None:
        return {}
    listing = git.ls_tree(root, rev, sorted(paths))
    return {p: (e.mode, e.blob) for p, e in listing.items()}
