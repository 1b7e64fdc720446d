"""A version's artifact bytes, fetched through DVC and md5-verified (``registry pull``, ``Registry.pull``).

Nothing reaches DVC before its pointer passes the checker's artifact rules
(one output, the plain file name the record names, md5 and size agreeing),
and nothing reaches a destination before it is whole and verified:
``dvc fetch`` puts the object in the DVC cache, a wrong object is deleted
from the cache, and each destination (the work tree, and ``dest`` when
given) gets a temporary file beside it, verified and then moved into place.
A temporary file is named ``.<file>.registry-pull-<pid>-<random>``, which
the loader ignores; one left by a process that died is removed by the next
pull into that folder. Only nothing or a regular file is ever replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from registry import dvc, layout, progress
from registry.check.tree import artifact_problems
from registry.errors import (
    ArtifactMismatch as ArtifactMismatch,
    DestinationError as DestinationError,
    NotFound,
    PointerRefused as PointerRefused,
    RegistryError,
    UsageError,
)
from registry.load import LoadedRegistry
from registry.problems import locate
from registry.records import Artifact
from registry.refs import load_for, parse_ref, resolve

_TEMP_RE = re.compile(r"\A\..+\.registry-(?:pull|old)-([0-9]{1,12})-[A-Za-z0-9_]+\Z")
"""A pull's temporary file or folder (``old``: a folder moved aside while its new one moves in)."""
_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFLNK: "a symlink",
}


def pull(
    root: Path, ref: str, dest: Path | str | None = None, file: str | None = None, *, worktree: bool = True
) -> Path:
    """Fetch the artifact of the version ``ref`` names (``models:/name@alias``,
    ``name/3``, ``name:production``...), verify its md5 and size against the
    record and put it at its work-tree path, and at ``dest`` when given (a
    file, or a folder to put it in). Returns where it was asked for: ``dest``'s
    file, else the work-tree path.

    ``file`` (a path inside a folder artifact, as its manifest lists it) puts
    that one file at ``dest`` only: a lone file in the work tree's folder
    would be half a folder. ``worktree`` False puts the artifact at ``dest``
    only, leaving the work tree alone (what MLflow's artifact repository does)."""
    if not worktree and dest is None:
        raise UsageError("a pull that leaves the work tree alone needs a destination")
    parsed = parse_ref(ref)
    reg = load_for(root, parsed)
    rm, version = resolve(reg, parsed)
    if version is None:
        raise UsageError(f"{ref!r} names a model, not a version: add /N, @alias or :stage")
    gone = version.deleted
    if gone is not None:
        raise NotFound(f"{rm.name} v{version.number} was {gone}: it has no artifact to pull")
    rel = layout.artifact_file(rm.name, version.artifact.path)
    pointer = layout.pointer_file(rm.name, version.artifact.path)
    if not reg.snapshot.probe(pointer):
        raise RegistryError(f"{pointer} does not exist; run `registry check`")
    _obey_the_checker(reg, rm.name, version.number)
    if dest is not None:
        dest = _made_room(dest)
    art = version.artifact
    if file is not None:
        if not art.md5.endswith(".dir"):
            raise UsageError(
                f"{rm.name}/{version.number}'s artifact is a file, not a folder: pull it without a file"
            )
        if dest is None:
            raise UsageError("a file of a folder is put at a destination only (-o PATH)")
        return _pull_one(root, rel, pointer, art, version.path, file, Path(dest))
    if art.md5.endswith(".dir"):
        return _pull_folder(root, rel, pointer, art, version.path, dest, worktree)
    name = rel.rsplit("/", 1)[1]
    targets = [(_work_tree_target(root, rel), rel)]
    if not worktree:
        assert dest is not None
        wanted = _dest_target(Path(dest), name)
        targets = [(wanted, str(wanted))]
    elif dest is not None:
        wanted = _dest_target(Path(dest), name)
        if os.path.abspath(wanted) != os.path.abspath(targets[0][0]):
            targets.insert(0, (wanted, str(wanted)))
    with contextlib.ExitStack() as cleanup:
        staged = []
        for target, shown in targets:
            tmp = _stage(target.parent, target.name)
            cleanup.callback(tmp.unlink, missing_ok=True)
            staged.append((tmp, target, shown))
        cached, fetched = _fetch(root, dvc.cache_dir(root), rel, pointer, art, version.path)
        with progress.task(f"copying {name}", art.size) as tick:
            temps = [tmp for tmp, _, _ in staged]
            _copy_verified(root, cached, fetched, temps, rel, art, version.path, tick)
        for tmp, _, shown in staged:
            _verify_copy(tmp, art, shown)
        for tmp, target, shown in staged:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                verb = "replace" if os.path.lexists(target) else "write"
                raise DestinationError(f"cannot {verb} {shown}: {exc.strerror}") from None
    return targets[0][0]


def _made_room(dest: Path | str) -> Path:
    """``dest`` with the folders it needs made: a path that ends in a slash
    (``out/``, which ``Path`` would forget) names a folder to put the artifact
    in, made with its parents; any other path, a folder that exists (the
    artifact goes in it) or what the artifact becomes, in a folder made if
    missing."""
    text = os.fspath(dest)
    path = Path(text)
    folder = path if text.endswith(("/", os.sep)) else path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise DestinationError(f"cannot write in {folder}: it is a file, not a folder") from None
    except OSError as exc:
        raise DestinationError(f"cannot make the folder {folder}: {exc.strerror}") from None
    return path


def _obey_the_checker(reg: LoadedRegistry, model: str, number: int) -> None:
    """Refuse, naming the first problem as ``registry check`` prints it, a
    pointer that check would refuse: DVC must never act on it."""
    found = artifact_problems(reg, model, number)
    if found:
        first = locate(found, reg.snapshot.read_available)[0]
        raise PointerRefused(f"{first}; nothing was pulled (see `registry check`)")


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _plain_target(path: Path, shown: str, folder: bool = False) -> None:
    """Refuse unless ``path`` holds nothing or a regular file (with ``folder``:
    a real folder, replaced whole), in a folder that exists."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise DestinationError(f"cannot write {shown}: the folder {path.parent} does not exist") from None
        return
    except OSError as exc:
        raise DestinationError(f"cannot write {shown}: {exc.strerror}") from None
    if folder:
        if not stat.S_ISDIR(mode):
            raise DestinationError(f"cannot write the folder {shown}: it is {_kind(mode)}; remove it first")
        return
    if not stat.S_ISREG(mode):
        raise DestinationError(
            f"cannot write {shown}: it is not a regular file ({_kind(mode)}); remove it first"
        )


def _work_tree_target(root: Path, rel: str, as_folder: bool = False) -> Path:
    """The artifact's work-tree path (a file's, or with ``as_folder`` a folder's), reached through no symlink."""
    parts = rel.split("/")
    for i in range(1, len(parts)):
        folder = "/".join(parts[:i])
        if os.path.islink(root / folder):
            raise DestinationError(
                f"cannot write {rel}: {folder} is a symlink; the registry holds no symlinks"
            )
    target = root / rel
    _plain_target(target, rel, as_folder)
    return target


def _dest_target(dest: Path, name: str) -> Path:
    """The file ``dest`` names: itself, ``dest/<name>`` for a folder, the file a symlink points to."""
    target = dest / name if dest.is_dir() else dest
    if os.path.islink(target):
        if not target.is_file():
            raise DestinationError(f"cannot write {target}: it is a symlink to no regular file")
        target = Path(os.path.realpath(target))
    _plain_target(target, str(target))
    return target


def _stage(folder: Path, name: str) -> Path:
    """An empty temporary file in ``folder``, after removing those of dead pulls."""
    _remove_dead_temps(folder)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.registry-pull-{os.getpid()}-")
    except OSError as exc:
        raise DestinationError(f"cannot write in {folder}: {exc.strerror}") from None
    os.close(fd)
    return Path(tmp)


def _remote(root: Path) -> str:
    """The default remote, for messages: ``remote 'store' (/srv/dvc)``."""
    try:
        found = dvc.default_remote(root)
    except dvc.DvcError:
        found = None
    return f"remote {found[0]!r} ({found[1]})" if found else "the DVC remote (none is set as default)"


def _fetch(root: Path, cache: Path, rel: str, pointer: str, art: Artifact, record: str) -> tuple[Path, bool]:
    """The cache object of ``art``, and whether this pull fetched it from the
    default remote (else it was in the cache already)."""
    cached = dvc.object_in(cache, art.md5)
    if os.path.lexists(cached):
        return cached, False
    dvc.fetch(root, pointer)
    if not cached.is_file():
        raise ArtifactMismatch(
            f"{rel}: {_remote(root)} has no object with md5 {art.md5} ({art.size:,} bytes), which "
            f"{record} names; push it from a clone that has the file (dvc push {pointer})"
        )
    return cached, True


def _copy_verified(
    root: Path,
    cached: Path,
    fetched: bool,
    temps: list[Path],
    rel: str,
    art: Artifact,
    record: str,
    tick: Callable[[int], None] = progress.task_free,
) -> None:
    """Copy the cache object into every temporary file, hashing as it is
    read; bytes that are not the record's are deleted from the cache."""
    digest = hashlib.md5()  # noqa: S324 - DVC's content address, not security
    size = 0
    try:
        src = open(cached, "rb")  # noqa: SIM115 - closed by the stack below
    except OSError as exc:
        raise dvc.DvcError(f"cannot read {cached} in the DVC cache: {exc.strerror}") from None
    with src, contextlib.ExitStack() as stack:
        outs = [(stack.enter_context(open(tmp, "wb")), tmp) for tmp in temps]
        for chunk in iter(lambda: src.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
            tick(len(chunk))
            for out, tmp in outs:
                try:
                    out.write(chunk)
                except OSError as exc:
                    raise DestinationError(f"cannot write in {tmp.parent}: {exc.strerror}") from None
    md5 = digest.hexdigest()
    if (md5, size) == (art.md5, art.size):
        mask = os.umask(0)
        os.umask(mask)
        for tmp in temps:
            os.chmod(tmp, 0o666 & ~mask)
        return
    try:
        cached.unlink(missing_ok=True)
        gone = True
    except OSError:
        gone = False
    found = f"{size:,} bytes with md5 {md5} as object {art.md5}"
    wanted = f"but {record} says {art.size:,} bytes with md5 {art.md5}"
    if fetched:
        kept = "the bad copy is gone from the local cache" if gone else f"delete {cached} too"
        raise ArtifactMismatch(
            f"{rel}: {_remote(root)} holds corrupt bytes: {found}, {wanted}. Nothing was written and "
            f"{kept}; delete that object from the remote and push it again from a clone with good bytes "
            f"(dvc push {rel}.dvc)"
        )
    kept = "the corrupt object is deleted" if gone else f"delete {cached}"
    raise ArtifactMismatch(
        f"{rel}: the local DVC cache held corrupt bytes: {found}, {wanted}. Nothing was written and "
        f"{kept}; pull again to fetch it from {_remote(root)}"
    )


def _verify_copy(tmp: Path, art: Artifact, shown: str) -> None:
    """The copy holds every byte written. Its md5 is not computed again: the
    bytes were hashed as they were copied, and reading them back would come
    from the page cache, not the disk (1.6 s of a 1 GB pull)."""
    size = os.stat(tmp).st_size
    if size != art.size:
        raise ArtifactMismatch(
            f"{shown}: the copy written holds {size:,} bytes, not {art.size:,}; check the disk"
        )


# -- folders ------------------------------------------------------------------


def _pull_folder(
    root: Path,
    rel: str,
    pointer: str,
    art: Artifact,
    record: str,
    dest: Path | str | None,
    worktree: bool = True,
) -> Path:
    """A folder artifact: its manifest read and checked before anything is
    written, every file copied from the cache and verified (md5, and the
    folder's total size and count), the folder assembled in a temporary
    sibling of each destination and moved into place whole."""
    name = rel.rsplit("/", 1)[1]
    targets = [(_work_tree_target(root, rel, as_folder=True), rel)] if worktree else []
    if dest is not None:
        dest = Path(dest)
        wanted = dest / name if dest.is_dir() and not dest.is_symlink() else dest
        if not targets or os.path.abspath(wanted) != os.path.abspath(targets[0][0]):
            _plain_target(wanted, str(wanted), folder=True)
            targets.insert(0, (wanted, str(wanted)))
    cache = dvc.cache_dir(root)  # asked once: a DVC process
    entries, fetched = _manifest(root, cache, rel, pointer, art, record)
    if fetched is False and not all(dvc.object_in(cache, md5).is_file() for _, md5 in entries):
        dvc.fetch(root, pointer)  # the manifest was cached, some of its files were not
        fetched = True
    with contextlib.ExitStack() as cleanup:
        staged = []
        for target, shown in targets:
            _remove_dead_temps(target.parent)
            tmp = Path(
                tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.registry-pull-{os.getpid()}-")
            )
            cleanup.callback(_remove_tree, tmp)
            staged.append((tmp, target, shown))
        total = 0
        meter = cleanup.enter_context(progress.task(f"copying {name}/ ({len(entries):,} files)", art.size))
        for path, md5 in entries:
            cached = dvc.object_in(cache, md5)
            if not cached.is_file():
                raise ArtifactMismatch(
                    f"{rel}: {path} (md5 {md5}) is neither in the DVC cache nor on {_remote(root)}; "
                    f"push it from a clone that has the folder (dvc push {pointer})"
                )
            files = []
            for tmp, _, _ in staged:
                (tmp / path).parent.mkdir(parents=True, exist_ok=True)
                files.append(tmp / path)
            one = Artifact(path, md5, os.lstat(cached).st_size)
            _copy_verified(root, cached, fetched, files, f"{rel}/{path}", one, record, meter)
            total += one.size
        if total != art.size:
            raise ArtifactMismatch(f"{rel}: its files hold {total:,} bytes, but {record} says {art.size:,}")
        for tmp, target, shown in staged:
            _swap_in(tmp, target, shown)
    return targets[0][0]


def _pull_one(root: Path, rel: str, pointer: str, art: Artifact, record: str, file: str, dest: Path) -> Path:
    """One file of a folder artifact, at ``dest``: the manifest is read and
    checked as for the whole folder; the file is fetched alone (by its md5)
    when the manifest is in the cache already, with the folder otherwise."""
    cache = dvc.cache_dir(root)
    entries = _manifest(root, cache, rel, pointer, art, record)[0]
    md5 = dict(entries).get(file.strip("/"))
    if md5 is None:
        listed = ", ".join(path for path, _ in entries[:5]) + (", ..." if len(entries) > 5 else "")
        raise UsageError(f"{rel} has no file {file!r} (it holds {listed})")
    target = _dest_target(dest, file.rsplit("/", 1)[-1])
    cached = dvc.object_in(cache, md5)
    fetched = False
    if not cached.is_file():
        dvc.fetch_object(root, md5)
        fetched = True
    if not cached.is_file():
        raise ArtifactMismatch(
            f"{rel}: {file} (md5 {md5}) is not on {_remote(root)}; "
            f"push it from a clone that has the folder (dvc push {pointer})"
        )
    with contextlib.ExitStack() as cleanup:
        tmp = _stage(target.parent, target.name)
        cleanup.callback(tmp.unlink, missing_ok=True)
        one = Artifact(file, md5, os.lstat(cached).st_size)
        _copy_verified(root, cached, fetched, [tmp], f"{rel}/{file}", one, record)
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise DestinationError(f"cannot write {target}: {exc.strerror}") from None
    return target


def _manifest(
    root: Path, cache: Path, rel: str, pointer: str, art: Artifact, record: str
) -> tuple[list[tuple[str, str]], bool]:
    """A folder's checked manifest entries, and whether this pull fetched it."""
    from registry.check.pointer import MAX_MANIFEST_BYTES, read_manifest

    manifest, fetched = _fetch(root, cache, rel, pointer, art, record)
    with open(manifest, "rb") as fh:
        data = fh.read(MAX_MANIFEST_BYTES + 1)  # the reader refuses what is larger
    return read_manifest(data, art.md5, art.nfiles, dvc.MAX_FOLDER_FILES), fetched


def _remove_dead_temps(folder: Path) -> None:
    """Remove the temporary files and folders that pulls killed midway left here."""
    try:
        with os.scandir(folder) as entries:
            found = [(e, e.is_dir(follow_symlinks=False)) for e in entries if _TEMP_RE.match(e.name)]
    except OSError:
        return
    for entry, is_dir in found:
        match = _TEMP_RE.match(entry.name)
        if match is None or dvc.pid_alive(int(match.group(1))):
            continue
        if is_dir:
            _remove_tree(Path(entry.path))
        else:
            with contextlib.suppress(OSError):  # best effort: another user's, say
                os.unlink(entry.path)


def _remove_tree(path: Path) -> None:
    import shutil

    if path.exists() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)


def _swap_in(tmp: Path, target: Path, shown: str) -> None:
    """Put the assembled folder at ``target``: an old folder there is moved
    aside first and removed after, so ``target`` is never a half folder."""
    old = None
    try:
        if os.path.lexists(target):
            old = Path(
                tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.registry-old-{os.getpid()}-")
            )
            os.rename(target, old / target.name)
        os.rename(tmp, target)
    except OSError as exc:
        if old is not None and not os.path.lexists(target) and os.path.lexists(old / target.name):
            os.rename(old / target.name, target)
        raise DestinationError(f"cannot write {shown}: {exc.strerror}") from None
    finally:
        if old is not None:
            _remove_tree(old)
