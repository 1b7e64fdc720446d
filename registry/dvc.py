"""Every call to DVC goes through this module, as the ``dvc`` command.

Read paths never import DVC (it costs ~0.4 s); only commands that move
artifact bytes (``pull``, later ``register``) run it, as a subprocess, so
its failures come back as one clear message.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from registry.errors import RegistryError


class DvcError(RegistryError):
    """DVC is missing or a DVC command failed."""


def _command() -> str:
    beside = Path(sys.executable).parent / "dvc"
    if beside.exists():
        return str(beside)
    found = shutil.which("dvc")
    if found is None:
        raise DvcError("DVC is not installed: pip install 'git-model-registry[dvc]' (or pip install dvc)")
    return found


def run(args: list[str], root: Path) -> str:
    cmd = [_command(), *args]
    env = {**os.environ, "DVC_NO_ANALYTICS": "1"}
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise DvcError(f"dvc {' '.join(args)} failed: {' '.join(detail[-3:]) or f'exit {proc.returncode}'}")
    return proc.stdout


def pull(root: Path, target: str) -> None:
    """Fetch one output's bytes from the DVC remote into the work tree."""
    run(["pull", target], root)


def md5_of(path: Path) -> tuple[str, int]:
    """(md5, size) of a file, as DVC hashes it."""
    digest = hashlib.md5()  # noqa: S324 - DVC's content address, not security
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def add(root: Path, target: str) -> None:
    """Track one file with DVC (writes ``<target>.dvc`` and a ``.gitignore`` beside it)."""
    if not (root / ".dvc").is_dir():
        raise DvcError(f"{root} is not a DVC repository: run `dvc init` there (and add a remote)")
    run(["add", "--quiet", target], root)


def push(root: Path, target: str) -> None:
    """Upload one output to the default DVC remote."""
    run(["push", target], root)


def pointer(path: Path) -> tuple[str, int]:
    """(md5, size) that a ``.dvc`` file records for its first output."""
    from registry import yamlsafe

    doc = yamlsafe.load(path.read_bytes())
    outs = doc.get("outs") if isinstance(doc, dict) else None
    out = outs[0] if isinstance(outs, list) and outs and isinstance(outs[0], dict) else {}
    md5, size = out.get("md5"), out.get("size")
    if not isinstance(md5, str) or not isinstance(size, int):
        raise DvcError(f"{path} does not record an md5 and a size")
    return md5, size
