"""Every call to DVC goes through this module, as the ``dvc`` command
(and :mod:`registry.dvc_objects`, DVC's object database in process, for a purge).

Read paths never import DVC (it costs ~0.4 s); only ``init`` and the
commands that move artifact bytes (``pull``, ``register``) run it, as a
subprocess through :mod:`registry.proc`, so its failures come back as one
clear message (:class:`DvcError`). DVC never
writes the work tree: ``pull`` fetches into the cache and places verified
copies itself.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from registry import proc, progress
from registry.errors import DvcError as DvcError, UsageError


def _command() -> str:
    beside = Path(sys.executable).parent / "dvc"
    if beside.exists():
        return str(beside)
    found = shutil.which("dvc")
    if found is None:
        raise DvcError(
            "DVC is not installed: pip install 'git-model-registry[dvc]' (or pip install dvc)",
            argv=["dvc"],
            returncode=proc.NOT_FOUND,
        )
    return found


def run(args: list[str], root: Path) -> str:
    """Run ``dvc ARGS`` in ``root``; its standard output. DVC runs git itself,
    so it gets the runner's environment: no ``GIT_DIR`` or ``GIT_INDEX_FILE``
    of a hook that runs the registry."""
    env = proc.environment(DVC_NO_ANALYTICS="1")
    done = proc.run([_command(), *args], root, env=env, error=DvcError)
    return done.stdout.decode("utf-8", "surrogateescape")


def _transfer(args: list[str], root: Path) -> None:
    """``dvc push`` or ``dvc fetch``: when a person watches, DVC draws its own
    progress bars on the terminal (and its messages stay there too)."""
    if not progress.watched():
        run(args, root)
        return
    env = proc.environment(DVC_NO_ANALYTICS="1")
    proc.run([_command(), *args], root, env=env, error=DvcError, stderr_to_terminal=True)


def require() -> None:
    """Raise :class:`DvcError`, saying how to install it, unless DVC is installed."""
    _command()


def init(root: Path) -> None:
    """``dvc init`` at the top of a git repository: writes (and stages) ``.dvc/config``,
    ``.dvc/.gitignore`` and ``.dvcignore``."""
    run(["init", "--quiet"], root)


def add_default_remote(root: Path, name: str, url: str) -> None:
    """Add remote ``name`` and make it the default. A relative folder is taken
    from ``root`` and kept relative in ``.dvc/config``, so every clone finds it
    at the same place beside itself."""
    run(["remote", "add", "--default", "--", name, url], root)


def fetch(root: Path, target: str) -> None:
    """Download the objects of one ``.dvc`` pointer from the default remote
    into the DVC cache; the work tree is not touched. An object the remote
    does not have is no error here (DVC warns and exits 0): look in the
    cache afterwards."""
    _transfer(["fetch", "--", target], root)


def object_in(cache: Path, md5: str) -> Path:
    """Where DVC 3 keeps the object with this md5 in the cache folder ``cache``."""
    return cache / "files" / "md5" / md5[:2] / md5[2:]


def default_remote(root: Path) -> tuple[str, str] | None:
    """(name, URL) of the default remote, None if none is set. DVC gives a
    folder remote's URL as an absolute path."""
    try:
        name = run(["remote", "default"], root).strip()
    except DvcError:
        return None
    if not name:
        return None
    return name, run(["config", f"remote.{name}.url"], root).strip()


def has_default_remote(root: Path) -> bool:
    """Whether a default remote is set (one DVC call; False when DVC is missing)."""
    try:
        return bool(run(["remote", "default"], root).strip())
    except DvcError:
        return False


def share_with(root: Path, other: Path) -> None:
    """Let the DVC repository at ``other`` (a linked work tree of ``root``'s
    clone) use ``root``'s cache and remotes: its ``.dvc/config.local`` is
    ``root``'s, with the cache folder and each folder remote given by the
    absolute path DVC resolves for ``root`` (a relative one in ``.dvc/config``
    would resolve beside ``other``)."""
    mine = root / ".dvc" / "config.local"
    theirs = other / ".dvc" / "config.local"
    if mine.is_file():
        shutil.copyfile(mine, theirs)
    run(["config", "--local", "cache.dir", str(cache_dir(root).resolve())], other)
    for line in run(["remote", "list"], root).splitlines():
        name = line.split(maxsplit=1)[0] if line.strip() else ""
        if not name:
            continue
        url = run(["config", f"remote.{name}.url"], root).strip()
        if url.startswith("/"):
            run(["remote", "modify", "--local", "--", name, "url", url], other)


def get(repo: Path, path: str, rev: str, out: Path) -> None:
    """``dvc get``: the DVC-tracked ``path`` of ``repo`` at ``rev``, from its cache or remote, to ``out``."""
    _transfer(["get", "--rev", rev, "-o", str(out), "--", str(repo), path], out.parent)


def md5_of(path: Path) -> tuple[str, int]:
    """(md5, size) of a file, as DVC hashes it."""
    digest = hashlib.md5()  # noqa: S324 - DVC's content address, not security
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


_cache_dirs: dict[str, tuple[tuple[tuple[int, ...], ...], Path]] = {}
"""Each root's cache folder, with the :func:`file_key` of DVC's config files (and its variables) then."""


def _config_files(root: Path) -> list[Path]:
    """The config files DVC reads for ``root``: the repository's, its local one, the user's and the system's."""
    user = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "dvc" / "config"
    return [root / ".dvc" / "config", root / ".dvc" / "config.local", user, Path("/etc/xdg/dvc/config")]


def file_key(path: Path) -> tuple[int, ...]:
    """A file's identity and age (none: empty), to tell when it has changed."""
    try:
        st = path.stat()
    except OSError:
        return ()
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def cache_dir(root: Path) -> Path:
    """The DVC cache folder, as DVC resolves it (config, config.local, global).
    Asked of DVC (a process, ~0.4 s) once per process and root, and again
    when one of its config files changes or ``DVC_*`` variables differ."""
    variables = hash(tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("DVC"))))
    key = (*(file_key(p) for p in _config_files(root)), (variables,))
    where = str(root.resolve())
    known = _cache_dirs.get(where)
    if known is not None and known[0] == key:
        return known[1]
    found = root / run(["cache", "dir"], root).strip()
    _cache_dirs[where] = (key, found)
    return found


def _objects(root: Path) -> Path:
    if not (root / ".dvc").is_dir():
        raise DvcError(f"{root} is not a DVC repository: run `dvc init` there (and add a remote)")
    objects = cache_dir(root) / "files" / "md5"
    objects.mkdir(parents=True, exist_ok=True)
    remove_stale_incoming(objects)
    return objects


def _cache_file(
    objects: Path, source: Path, tick: Callable[[int], None] = progress.task_free
) -> tuple[str, int, Path]:
    """Copy one file into the cache, hashed as it is copied (so the hash is of
    the bytes the cache holds even if the source changes meanwhile); its md5,
    size and place in the cache. Memory stays at one 1 MiB buffer."""
    tmp = objects / f".incoming.{os.getpid()}.tmp"
    digest = hashlib.md5()  # noqa: S324 - DVC's content address, not security
    size = 0
    try:
        with open(source, "rb") as src, open(tmp, "wb") as out:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
                tick(len(chunk))
        md5 = digest.hexdigest()
        cached = objects / md5[:2] / md5[2:]
        if not cached.is_file() or cached.stat().st_size != size:
            cached.parent.mkdir(exist_ok=True)
            os.chmod(tmp, 0o444)
            os.replace(tmp, cached)
    finally:
        tmp.unlink(missing_ok=True)
    return md5, size, cached


def store(root: Path, source: Path) -> tuple[str, int, Path]:
    """Put a file in DVC's cache (``files/md5/xx/...``, read-only), as
    ``dvc add`` does; return its md5, size and place in the cache.

    ``dvc add`` first builds the graph of every ``.dvc`` file in the
    repository (a minute with 20,000 of them); a registry adds one file
    that no other output overlaps, so none of that is needed. With
    :func:`pointer_text` the result is what ``dvc add`` leaves, and
    ``dvc pull``, ``dvc push`` and ``dvc status`` read it as their own."""
    objects = _objects(root)
    with progress.task(f"hashing {source.name}", os.stat(source).st_size) as tick:
        return _cache_file(objects, source, tick)


_NEVER_TRACKED = (".git", ".hg")
"""What DVC leaves out of every folder it tracks (its default ignore rules):
a Hugging Face checkpoint cloned from the Hub has a ``.git``."""

MAX_FOLDER_FILES = 100_000
"""The most files one folder artifact may hold (a manifest stays a few MB)."""


@dataclass(frozen=True)
class Stored:
    """A folder put in DVC's cache: the ``.dir`` manifest's md5, the total
    size, and each file's relative path, md5 and place in the cache."""

    md5: str
    size: int
    files: tuple[tuple[str, str, Path], ...]

    @property
    def nfiles(self) -> int:
        return len(self.files)


def folder_files(source: Path) -> list[tuple[str, Path]]:
    """(relative path, path) of every file in a folder artifact, sorted; a
    clear error for what a folder artifact cannot hold. Nothing is followed
    through a symlink, and nothing but regular files is kept."""
    import stat

    found: list[tuple[str, Path]] = []
    skipped: list[str] = []
    for dirpath, dirnames, filenames in os.walk(source, followlinks=False):
        here = Path(dirpath)
        if ".dvc" in dirnames:
            raise UsageError(
                f"{here / '.dvc'}: the folder holds a DVC repository, which DVC would not track "
                "as part of it; register its contents without it"
            )
        for name in [n for n in (*dirnames, *filenames) if n in _NEVER_TRACKED]:
            skipped.append((here / name).relative_to(source).as_posix())
        dirnames[:] = [n for n in dirnames if n not in _NEVER_TRACKED]
        filenames = [n for n in filenames if n not in _NEVER_TRACKED]
        for name in sorted(dirnames + filenames):
            full = here / name
            rel = full.relative_to(source).as_posix()
            shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            if rel != shown:
                raise UsageError(f"{source}/{shown!r}: a file name in a folder artifact must be UTF-8")
            mode = os.lstat(full).st_mode
            if stat.S_ISLNK(mode):
                raise UsageError(
                    f"{source}/{rel} is a symlink: a folder artifact holds files only (copy what it points to)"
                )
            if stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                raise UsageError(
                    f"{source}/{rel} is not a regular file (a socket, FIFO or device): remove it first"
                )
            found.append((rel, full))
            if len(found) > MAX_FOLDER_FILES:
                raise UsageError(
                    f"{source} holds more than {MAX_FOLDER_FILES:,} files; a folder artifact holds at most that"
                )
    if skipped:
        import logging

        logging.getLogger("registry").info(
            "%s: left out %s, as DVC never tracks %s",
            source,
            ", ".join(skipped[:5]),
            " or ".join(_NEVER_TRACKED),
        )
    if not found:
        raise UsageError(f"{source} is an empty folder: there is nothing to register")
    from registry.check.pointer import paths_problem

    why = paths_problem([rel for rel, _ in found])
    if why is not None:
        raise UsageError(f"{source} {why}; a folder artifact cannot hold it")
    return sorted(found)


def store_folder(root: Path, source: Path, files: list[tuple[str, Path]] | None = None) -> Stored:
    """Put a folder in DVC's cache as ``dvc add`` does: each file as an object,
    then the ``.dir`` manifest, built and hashed by DVC's own data library
    (``dvc_data``), so that its bytes and md5 are the ones ``dvc add`` makes."""
    from dvc_data.hashfile.hash_info import HashInfo
    from dvc_data.hashfile.meta import Meta
    from dvc_data.hashfile.tree import Tree

    files = folder_files(source) if files is None else files  # as folder_files listed them
    objects = _objects(root)
    tree = Tree()  # type: ignore[no-untyped-call]
    stored = []
    total = 0
    expected = sum(os.lstat(full).st_size for _, full in files)
    with progress.task(f"hashing {source.name}/ ({len(files):,} files)", expected) as tick:
        for rel, full in files:
            md5, size, cached = _cache_file(objects, full, tick)
            tree.add(tuple(rel.split("/")), Meta(size=size), HashInfo("md5", md5))
            stored.append((rel, md5, cached))
            total += size
    tree.digest()
    manifest = tree.hash_info.value
    assert manifest is not None and manifest.endswith(".dir")
    cached = objects / manifest[:2] / manifest[2:]
    if not cached.is_file():
        tmp = objects / f".incoming.{os.getpid()}.tmp"
        try:
            tmp.write_bytes(tree.as_bytes())
            os.chmod(tmp, 0o444)
            cached.parent.mkdir(exist_ok=True)
            os.replace(tmp, cached)
        finally:
            tmp.unlink(missing_ok=True)
    return Stored(manifest, total, tuple(stored))


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs here: a temporary file named
    after a dead one is a leftover to remove."""
    if pid <= 0:  # 0 and -1 would ask about process groups
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    except (OverflowError, OSError):  # no such pid can exist
        return False
    return True


def remove_stale_incoming(objects: Path) -> None:
    """Remove the partial copies (``.incoming.PID.tmp``) that writers killed
    mid-copy left in the cache; a live writer's copy is kept."""
    for leftover in objects.glob(".incoming.*.tmp"):
        pid = leftover.name.split(".")[2]
        if pid.isdigit() and not pid_alive(int(pid)):
            leftover.unlink(missing_ok=True)


def pointer_text(name: str, md5: str, size: int | None, nfiles: int | None = None) -> str:
    """The ``.dvc`` file of one output called ``name``, in DVC 3's format
    (``nfiles`` for a folder, as ``dvc add`` writes it)."""
    known = f"  size: {size}\n" if size is not None else ""
    count = f"  nfiles: {nfiles}\n" if nfiles is not None else ""
    return f"outs:\n- md5: {md5}\n{known}{count}  hash: md5\n  path: {name}\n"


@contextmanager
def _pointer_to(root: Path, verb: str, md5: str, size: int | None, nfiles: int | None) -> Iterator[str]:
    """A temporary ``.dvc`` pointer to one object by hash (its name), so that
    DVC can move the object without its output being in the work tree."""
    name = f".registry-{verb}-{os.getpid()}-{md5[:12]}"
    tmp = root / f"{name}.dvc"
    tmp.write_text(pointer_text(name, md5, size, nfiles), encoding="utf-8")
    try:
        yield tmp.name
    finally:
        tmp.unlink(missing_ok=True)


def push_object(root: Path, md5: str, size: int, nfiles: int | None = None) -> None:
    """Upload one cached object (a folder: its manifest and files) to the default remote, by hash."""
    with _pointer_to(root, "push", md5, size, nfiles) as pointer:
        push(root, pointer)


def fetch_object(root: Path, md5: str) -> None:
    """Download one file object (by md5) from the default remote into the
    cache: one file of a folder, say, without the rest (DVC's own fetch of a
    path inside a folder reads every ``.dvc`` file of the repository first)."""
    with _pointer_to(root, "fetch", md5, None, None) as pointer:
        fetch(root, pointer)


def push(root: Path, target: str) -> None:
    """Upload one output to the default DVC remote."""
    _transfer(["push", target], root)


def pointer(path: Path) -> tuple[str, int]:
    """(md5, size) that a ``.dvc`` file records for its one output."""
    from registry.check.pointer import first_output
    from registry.limits import MAX_BYTES

    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)  # the reader refuses what is larger
    except OSError as exc:
        raise DvcError(f"cannot read {path}: {exc.strerror or exc}") from None
    return first_output(data, str(path))
