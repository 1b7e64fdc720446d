"""Two halves of a long job on the machine's two cores: one here, one in a
forked process that inherits everything it needs (nothing is pickled on the
way in). Where there is no fork, one core or ``REGISTRY_NO_PARALLEL`` is
set, both halves run here, one after the other."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_SECOND: Callable[[], Any] | None = None


def _run_second() -> Any:
    assert _SECOND is not None
    return _SECOND()


def both(first: Callable[[], T], second: Callable[[], T]) -> tuple[T, T]:
    """``(first(), second())``, the second computed in a forked process meanwhile."""
    if (os.cpu_count() or 1) < 2 or os.environ.get("REGISTRY_NO_PARALLEL"):
        return first(), second()
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _SECOND
    _SECOND = second  # inherited by the forked worker
    try:
        try:
            pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            later = pool.submit(_run_second)
        except (OSError, ValueError, RuntimeError):  # no fork, no semaphores...
            return first(), second()
        with pool:
            here = first()
            try:
                return here, later.result()
            except (OSError, RuntimeError):  # the worker died (BrokenProcessPool): do it here
                return here, second()
    finally:
        _SECOND = None
