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
