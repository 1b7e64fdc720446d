"""``registry pull URI``: a version's artifact bytes, fetched through DVC and md5-verified."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import click

from registry import dvc
from registry.errors import RegistryError, UsageError
from registry.refs import load_for, parse_ref, resolve


class ArtifactMismatch(RegistryError):
    """The bytes DVC produced are not the ones the record names."""


def pull(root: Path, uri: str, dest: Path | None = None) -> Path:
    """Fetch the artifact of ``uri`` and verify its md5 and size against the
    record; copy it to ``dest`` when given. Returns the verified file's path."""
    ref = parse_ref(uri)
    reg = load_for(root, ref)
    rm, version = resolve(reg, ref)
    if version is None:
        raise UsageError(f"{uri!r} names a model, not a version: add /N, @alias or :stage")
    rel = f"models/{rm.name}/{version.artifact.path}"
    if not reg.snapshot.probe(rel + ".dvc"):
        raise RegistryError(f"{rel}.dvc does not exist; run `registry check`")
    dvc.pull(root, rel + ".dvc")
    local = root / rel
    md5, size = dvc.md5_of(local)
    art = version.artifact
    if md5 != art.md5 or size != art.size:
        raise ArtifactMismatch(
            f"{rel}: DVC produced {size:,} bytes with md5 {md5}, but {version.path} says "
            f"{art.size:,} bytes with md5 {art.md5}: the DVC cache or remote holds corrupt bytes. "
            f"Delete {rel} and the cached object (by default .dvc/cache/files/md5/{art.md5[:2]}/{art.md5[2:]}), "
            "then pull again"
        )
    if dest is None:
        return local
    target = dest / local.name if dest.is_dir() else dest
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(fd)
    try:
        shutil.copyfile(local, tmp)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        if dvc.md5_of(Path(tmp)) != (md5, size):
            raise ArtifactMismatch(f"{target}: the copy does not match {rel}")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def run(root: Path, uri: str, dest: str | None) -> int:
    path = pull(root, uri, Path(dest) if dest else None)
    click.echo(str(path))
    return 0
