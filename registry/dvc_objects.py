"""DVC's object database in this process: a folder's manifest read and
objects removed by hash, from the cache and the default remote.

DVC has no command for either (``dvc gc`` keeps what the work tree uses, not
what a registry's records name), so ``delete --purge`` uses DVC's own
``Repo`` here; it is imported only when a purge runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.dvc import cache_dir, object_in, require
from registry.errors import DvcError


@dataclass(frozen=True)
class Removed:
    """What :func:`remove_objects` removed: object counts and bytes, per place."""

    cache: int = 0
    cache_bytes: int = 0
    remote: int = 0
    remote_name: str | None = None
    """The default remote's name; None when the repository has none."""


@contextmanager
def _repo(root: Path) -> Iterator[Any]:
    """DVC's own Repo, in this process: removing objects by hash and reading a
    manifest from a remote have no DVC command (``dvc gc`` keeps what the
    work tree uses, not what a registry's records name)."""
    try:
        from dvc.repo import Repo
    except ImportError:
        require()
        raise
    repo = Repo(str(root))
    try:
        yield repo
    finally:
        repo.close()


def _remote_odb(repo: Any) -> tuple[str, Any] | None:
    """(name, object database) of the default remote; None when none is set."""
    from dvc.exceptions import DvcException

    name = repo.config["core"].get("remote")
    if not name:
        return None
    try:
        return name, repo.cloud.get_remote_odb(name, "delete --purge")
    except DvcException as exc:
        raise DvcError(f"remote {name}: {exc}") from None


def manifest_files(root: Path, md5s: Iterable[str]) -> dict[str, list[str] | None]:
    """Per folder manifest (a ``.dir`` md5), the md5 of every file it lists,
    read from the DVC cache or else the default remote; None when neither has it."""
    import json

    cache = cache_dir(root)
    texts: dict[str, bytes | None] = {}
    for md5 in set(md5s):
        local = object_in(cache, md5)
        texts[md5] = local.read_bytes() if local.is_file() else None
    missing = [md5 for md5, text in texts.items() if text is None]
    if missing:
        with _repo(root) as repo:
            found = _remote_odb(repo)
            if found is not None:
                odb = found[1]
                for md5 in missing:
                    path = odb.oid_to_path(md5)
                    if odb.fs.exists(path):
                        texts[md5] = odb.fs.cat_file(path)
    out: dict[str, list[str] | None] = {}
    for md5, text in texts.items():
        if text is None:
            out[md5] = None
            continue
        try:
            out[md5] = [str(e["md5"]) for e in json.loads(text)]
        except (ValueError, KeyError, TypeError):
            raise DvcError(f"the folder manifest {md5} is not one DVC writes") from None
    return out


def remove_objects(root: Path, md5s: Iterable[str]) -> Removed:
    """Remove objects by md5 (a file's, or a folder's ``.dir`` manifest) from
    the DVC cache and from the default remote. Absent objects are skipped,
    so running it again finishes what an interrupted run left."""
    wanted = sorted(set(md5s))
    cache = cache_dir(root)
    in_cache = cache_bytes = 0
    for md5 in wanted:
        obj = object_in(cache, md5)
        try:
            size = obj.stat().st_size
            obj.unlink()
        except FileNotFoundError:
            continue
        in_cache += 1
        cache_bytes += size
    with _repo(root) as repo:
        found = _remote_odb(repo)
        if found is None:
            return Removed(in_cache, cache_bytes)
        name, odb = found
        paths = [odb.oid_to_path(md5) for md5 in wanted]
        there = [p for p in paths if odb.fs.exists(p)]
        if there:
            odb.fs.remove(there)
        return Removed(in_cache, cache_bytes, len(there), name)
