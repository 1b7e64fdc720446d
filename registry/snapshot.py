"""The registry's files at one point in time: the work tree or a commit.

Listing uses git plumbing (``ls-files`` and ``status`` for the work tree,
``ls-tree`` for a revision); reading never follows a symlink and never reads
more than the size limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from registry import git, layout
from registry.errors import RegistryError
from registry.layout import MODELS_DIR, REGISTRY_FILE
from registry.limits import MAX_BYTES, Oversized


@dataclass
class Snapshot:
    """The registry's files at one point: the work tree or a commit."""

    root: Path
    commit: str | None
    entries: dict[str, git.TreeEntry]
    dirty: set[str] = field(default_factory=set)
    """Work tree only: paths that differ from the index (changed, new or deleted)."""
    listing_id: str | None = None
    """Names exactly this set of (path, blob) entries, when git listed them."""

    def read(self, path: str) -> bytes:
        return self.read_many([path])[path]

    def read_many(self, paths: list[str]) -> dict[str, bytes]:
        missing = [p for p in paths if p not in self.entries]
        if missing:
            raise FileNotFoundError(missing[0])
        return read_files(self.root, self.commit, [(p, self.entries[p].blob) for p in paths])

    def read_available(self, paths: list[str]) -> dict[str, bytes]:
        """The bytes of those ``paths`` that exist in this snapshot and can be read."""
        present = [p for p in paths if p in self.entries]
        try:
            return self.read_many(present)
        except OSError:  # a file vanished meanwhile: read the rest one by one
            out = {}
            for p in present:
                with contextlib.suppress(OSError):
                    out[p] = self.read(p)
            return out

    def probe(self, path: str) -> git.TreeEntry | None:
        """An untracked work-tree file the scan did not list (a new ``.dvc``)."""
        if self.commit is not None or path in self.entries:
            return self.entries.get(path)
        full = self.root / path
        if not _no_links_above(self.root, path, {}):
            return None
        if os.path.islink(full):
            entry = git.TreeEntry(path, "120000", "")
        elif os.path.isfile(full):
            entry = git.TreeEntry(
                path, "100644", git.blob_id(read_files(self.root, None, [(path, "")])[path])
            )
        else:
            return None
        self.entries[path] = entry
        self.dirty.add(path)
        return entry


def _no_links_above(root: Path, rel: str, known: dict[str, bool]) -> bool:
    """True when no folder between ``root`` and ``rel`` is a symlink, so
    reading ``rel`` cannot leave the repository. ``known`` memoises folders."""
    parts = rel.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        folder = "/".join(parts[:i])
        ok = known.get(folder)
        if ok is None:
            ok = known[folder] = not os.path.islink(root / folder)
        if not ok:
            return False
    return True


def read_files(root: Path, commit: str | None, files: list[tuple[str, str]]) -> dict[str, bytes]:
    """Bytes of (path, blob id) pairs: from git objects at a commit, else from
    the work tree, never through a symlink and never more than the size limit."""
    if not files:
        return {}
    if commit is not None:
        with git.CatFile(root) as cat:
            blobs = cat.read_many(sorted({blob for _, blob in files}))
        return {p: blobs[blob] for p, blob in files}
    out = {}
    checked: dict[str, bool] = {}
    for p, _ in files:
        if not _no_links_above(root, p, checked):
            raise RegistryError(f"{p}: a folder on its path is a symlink; refusing to read through it")
        fd = os.open(root / p, os.O_RDONLY | os.O_NOFOLLOW)
        try:
            chunks = []
            size = 0
            while size <= MAX_BYTES:
                chunk = os.read(fd, MAX_BYTES + 1 - size)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            data = b"".join(chunks)
            if size > MAX_BYTES:  # refused anyway: keep the head, and the size to say so
                data = Oversized(data, max(size, os.fstat(fd).st_size))
        finally:
            os.close(fd)
        out[p] = data
    return out


def _worktree_snapshot(root: Path, paths: list[str]) -> Snapshot:
    checked: dict[str, bool] = {}

    entries: dict[str, git.TreeEntry] = {}
    top = git.toplevel(root)
    if top is not None and top.resolve() == root.resolve():
        entries, changed, deleted, untracked = git.worktree_index(
            root, layout.pathspecs(paths), meanwhile=lambda tracked: _untracked(root, paths, tracked)
        )
        for p in deleted:
            entries.pop(p, None)
        todo = (changed - deleted) | untracked
        dirty = todo | deleted
    else:
        todo = set()
        dirty = set()
        if (root / REGISTRY_FILE).exists() or (root / REGISTRY_FILE).is_symlink():
            todo.add(REGISTRY_FILE)
        for folder in paths[1:]:
            for dirpath, dirnames, filenames in os.walk(root / folder):
                rel = Path(dirpath).relative_to(root).as_posix()
                for name in filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
                    todo.add(f"{rel}/{name}")
    for p in todo:
        try:
            if not _no_links_above(root, p, checked):
                raise FileNotFoundError(p)  # behind a symlinked folder: not part of the registry
            st = os.lstat(root / p)
        except FileNotFoundError:
            entries.pop(p, None)
            continue
        if stat.S_ISLNK(st.st_mode):
            entries[p] = git.TreeEntry(p, "120000", "")
        elif stat.S_ISREG(st.st_mode):
            if p.endswith((".yaml", ".yml", layout.POINTER_SUFFIX)):
                data = read_files(root, None, [(p, "")])[p]
                entries[p] = git.TreeEntry(p, "100644", git.blob_id(data))
            else:
                entries[p] = git.TreeEntry(p, "100644", "")
    listing_id = None
    if isinstance(entries, git.Listing):
        extra = "".join(f"{p}\0{entries[p].blob if p in entries else '-'}\0" for p in sorted(dirty))
        raw = f"{entries.digest}\0{extra}".encode("utf-8", "surrogateescape")
        listing_id = hashlib.sha1(raw).hexdigest()  # noqa: S324 - an identity, not security
    return Snapshot(root, None, entries, dirty, listing_id)


def _untracked(root: Path, paths: list[str], tracked: dict[str, git.TreeEntry]) -> set[str]:
    """Files git does not track yet where records live: registry.yaml,
    models/<m>/*, models/<m>/versions/*, and every file of a model folder
    git does not know at all. A cheap scan of ~2 folders per model, instead
    of git's scan of every artifact folder; untracked ``.dvc`` files inside
    known models are found by ``probe`` when a record points at them."""
    found: set[str] = set()
    top = str(root)
    if REGISTRY_FILE not in tracked and os.path.lexists(root / REGISTRY_FILE):
        found.add(REGISTRY_FILE)
    folders = [p.strip("/").split("/")[1] for p in paths[1:] if "/" in p.strip("/")]
    if paths[1:] == [MODELS_DIR]:
        try:
            folders = os.listdir(root / MODELS_DIR)
        except (FileNotFoundError, NotADirectoryError):
            folders = []
    for name in folders:
        base = layout.model_dir(name)
        if layout.model_file(name) not in tracked:  # new to git (or odd): list everything in it
            if os.path.islink(root / base) or not os.path.isdir(root / base):
                if os.path.lexists(root / base):
                    found.add(base)
                continue
            for dirpath, dirnames, filenames in os.walk(root / base):
                rel = Path(dirpath).relative_to(root).as_posix()
                links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
                found.update(f"{rel}/{f}" for f in filenames + links)
            continue
        for sub in (base, layout.versions_dir(name)):
            here = os.path.join(top, sub)
            if os.path.islink(here):
                found.add(sub)  # reported as a symlink; never read through
                continue
            try:
                names = os.listdir(here)
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in names:
                rel = f"{sub}/{entry}"
                if rel in tracked:
                    continue
                full = os.path.join(here, entry)
                if not os.path.isdir(full) or os.path.islink(full):
                    found.add(rel)
                elif sub != base:  # nothing belongs here: report what is inside
                    for dirpath, _, filenames in os.walk(full):
                        rel_dir = os.path.relpath(dirpath, top)
                        found.update(f"{rel_dir}/{f}" for f in filenames)
    return found


def _revision_snapshot(root: Path, rev: str, paths: list[str]) -> Snapshot:
    commit = git.rev_parse(root, rev)
    entries = git.ls_tree(root, commit, paths, keep=layout.maybe_record)
    return Snapshot(root, commit, entries, listing_id=entries.digest)


def snapshot(root: Path, rev: str | None = None, paths: list[str] | None = None) -> Snapshot:
    paths = paths if paths is not None else list(layout.ROOTS)
    if rev is None:
        return _worktree_snapshot(root, paths)
    top = git.toplevel(root)
    if top is None:
        raise RegistryError(f"{root} is not a git repository, so --rev {rev} cannot be read")
    return _revision_snapshot(root, rev, paths)
