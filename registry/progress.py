"""Progress of long transfers (hashing and copying artifact bytes, DVC's
uploads and downloads), and of long runs of items (an import's versions),
for a terminal to show.

The core reports and never draws: it opens a :func:`task` with a total and
advances it. The command line installs a :class:`Meter` only when a person
watches (a terminal, not CI, not ``--json``); with none installed, which is
the default and the Python API's case, reporting costs a function call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Step:
    """Where a long run of items is: ``what`` is under way, ``done`` of
    ``total`` are finished, and of the groups they fall in (a version's
    model) ``groups_done`` of ``groups_total`` have all their items done."""

    what: str
    done: int
    total: int
    unit: str
    groups_done: int = 0
    groups_total: int = 0
    group_unit: str = ""


class Meter(Protocol):
    def start(self, label: str, total: int) -> None: ...
    def advance(self, done: int) -> None: ...
    def finish(self) -> None: ...


_meter: Meter | None = None


def install(meter: Meter | None) -> None:
    """Show progress on ``meter`` from now on (None: show none)."""
    global _meter
    _meter = meter


def watched() -> bool:
    """Whether a person watches: DVC may then draw its own bars on the terminal."""
    return _meter is not None


def task_free(done: int) -> None:
    """What a transfer reports to when no task is open."""


@contextmanager
def task(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A transfer of ``total`` bytes: call what it yields with each chunk's size."""
    meter = _meter
    if meter is None:
        yield task_free
        return
    meter.start(label, total)
    try:
        yield meter.advance
    finally:
        meter.finish()
