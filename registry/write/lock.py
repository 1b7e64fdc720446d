"""The repository-wide write lock: one registry writer at a time per clone.

A write reads the records, computes the new ones and moves the branch; two
writers that interleave those steps lose a change. So every write holds an
exclusive ``fcntl`` lock on ``<git common dir>/registry-write.lock`` from
its first read to its last write. The kernel drops the lock when the holder
exits, ``kill -9`` included, so a lock is never stale; the file itself is
never deleted (deleting a lock file that others wait on splits them in two).
The holder writes its pid and command into the file, so a writer that gives
up after the bounded wait can say who holds it.

The lock is re-entrant within a thread (a write that calls another write
takes it once). Two threads of one process are two writers, as two
processes are: each opens the file and waits for the ``flock`` (an MLflow
server's request threads write through one store).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from registry import git
from registry.errors import LockTimeout as LockTimeout

LOCK_NAME = "registry-write.lock"
DEFAULT_TIMEOUT = 60.0
"""Seconds a writer waits for another before giving up (``REGISTRY_LOCK_TIMEOUT``)."""


_held: dict[tuple[int, str], int] = {}  # (thread, lock path) -> depth
_guard = threading.Lock()


def timeout() -> float:
    raw = os.environ.get("REGISTRY_LOCK_TIMEOUT", "")
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value >= 0 else DEFAULT_TIMEOUT


def lock_path(root: Path) -> Path:
    return git.common_dir(root) / LOCK_NAME


def _holder(fd: int) -> str:
    try:
        raw = os.pread(fd, 4096, 0)
        info = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict) or "pid" not in info:
        return "another registry write"
    command = str(info.get("command", ""))[:200]
    since = info.get("since")
    age = f", for {time.time() - since:.0f} s" if isinstance(since, (int, float)) else ""
    return f"pid {info['pid']} ({command}{age})"


@contextlib.contextmanager
def write_lock(root: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold the repository's write lock; wait up to ``wait`` seconds for it."""
    path = lock_path(root)
    key = (threading.get_ident(), str(path))
    with _guard:
        depth = _held.get(key, 0)
        if depth:
            _held[key] = depth + 1
    if depth:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    limit = timeout() if wait is None else wait
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        deadline = time.monotonic() + limit
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"another registry write is running in this repository: {_holder(fd)}; "
                        f"waited {limit:g} s for it (REGISTRY_LOCK_TIMEOUT sets the wait). "
                        f"If that process is gone, try again: the lock ({path}) is released when it exits"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        argv = [os.path.basename(sys.argv[0]), *sys.argv[1:]] if sys.argv and sys.argv[0] else []
        if argv[:1] == ["__main__.py"]:  # python -m registry
            argv[0] = "registry"
        info = {"pid": os.getpid(), "command": " ".join(argv)[:500], "since": time.time()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode("utf-8"), 0)
        with _guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _guard:
                del _held[key]
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def held(root: Path) -> bool:
    """Whether this thread holds the write lock of ``root``."""
    with _guard:
        return _held.get((threading.get_ident(), str(lock_path(root))), 0) > 0


def try_lock(root: Path) -> contextlib.AbstractContextManager[None] | None:
    """The lock if it is free right now, else None (for repairs that may wait)."""
    if held(root):
        return write_lock(root)
    path = lock_path(root)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    return write_lock(root, wait=1.0)


P = ParamSpec("P")
R = TypeVar("R")


def locked(func: Callable[P, R]) -> Callable[P, R]:
    """Run a write function (its first argument the registry's root) under the write lock."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        root: Any = args[0] if args else kwargs["root"]
        from registry.write import txn

        with write_lock(Path(root)):
            txn.recover(Path(root))
            return func(*args, **kwargs)

    return wrapper
