"""A progress bar on stderr for the core's transfers (:mod:`registry.progress`):
drawn only on a terminal, outside CI, once a transfer has taken a second."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from registry import progress
from registry.commands.output import terminal

DELAY = 1.0  # seconds before a bar appears: short transfers draw nothing
_WIDTH = 24


def size_text(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"  # pragma: no cover - the loop returns


class Bar:
    """One line, redrawn at most ten times a second: label, bar, bytes, rate."""

    def __init__(self) -> None:
        self.label, self.total, self.done = "", 0, 0
        self.began = self.drawn = 0.0
        self.shown = False

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, total, 0
        self.began, self.drawn, self.shown = time.monotonic(), 0.0, False

    def advance(self, done: int) -> None:
        self.done += done
        now = time.monotonic()
        if now - self.began >= DELAY and now - self.drawn >= 0.1:
            self.drawn = now
            self._draw(now)

    def finish(self) -> None:
        if self.shown:
            self._draw(time.monotonic())
            click.echo("", err=True)

    def _draw(self, now: float) -> None:
        self.shown = True
        click.echo(f"\r{self._line(now)} ", err=True, nl=False)

    def _line(self, now: float) -> str:
        rate = f"{size_text(self.done / max(now - self.began, 1e-6))}/s"
        if not self.total:  # a download whose size nobody said: the bytes so far
            return f"{terminal(self.label)}  {size_text(self.done)}  {rate}"
        part = min(self.done / self.total, 1.0)
        return (
            f"{terminal(self.label)}  {_bar(part)} {part:4.0%}  "
            f"{size_text(self.done)} / {size_text(self.total)}  {rate}"
        )


def _bar(part: float) -> str:
    filled = int(part * _WIDTH)
    return f"[{'#' * filled}{'.' * (_WIDTH - filled)}]"


def _clock(seconds: float) -> str:
    minutes, sec = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{sec:02d}s" if minutes else f"{sec}s"


class Board(Bar):
    """A long run's two lines: its items (an import's versions, with their
    models), and under that, while one is slow, the current transfer's bytes.
    The cursor rests at the start of the first line; each line is cut to the
    terminal's width, so that neither wraps and moving up one line is exact."""

    def __init__(self) -> None:
        super().__init__()
        self.at: progress.Step | None = None
        self.first = time.monotonic()

    def step(self, at: progress.Step) -> None:
        self.at = at  # drawn each time: an item is a commit, so there are never many a second
        if at.done == at.total:  # the last: it stays, and what the command says comes under it
            self.close()
        else:
            click.echo(f"\r\x1b[K{self._fit(self._items(time.monotonic()))}\r", err=True, nl=False)

    def _items(self, now: float) -> str:
        at = self.at
        assert at is not None
        part = at.done / at.total if at.total else 1.0
        text = f"{_bar(part)} {at.done}/{at.total} {at.unit}s"
        if at.groups_total:
            text += f"  {at.groups_done}/{at.groups_total} {at.group_unit}s"
        spent = now - self.first
        if at.done and at.done < at.total:
            text += f"  {_clock(spent)}, about {_clock(spent / at.done * (at.total - at.done))} left"
        return f"{text}  {terminal(at.what)}" if at.done < at.total else text

    def _draw(self, now: float) -> None:  # the bytes, on the second line
        self.shown = True
        click.echo(f"\n\r\x1b[K{self._fit(self._line(now))}\x1b[1A\r", err=True, nl=False)

    def finish(self) -> None:
        if self.shown:  # the transfer is over: its line goes
            click.echo("\n\r\x1b[K\x1b[1A\r", err=True, nl=False)
            self.shown = False

    def close(self) -> None:
        """The run is over: its last count stays on the terminal."""
        if self.at is not None:
            click.echo(f"\r\x1b[K{self._fit(self._items(time.monotonic()))}", err=True)
            self.at = None

    @staticmethod
    def _fit(line: str) -> str:
        try:  # the terminal that stderr is: stdout may be a pipe or another terminal
            width = os.get_terminal_size(sys.stderr.fileno()).columns
        except (OSError, ValueError, AttributeError):
            width = shutil.get_terminal_size().columns
        return line[: max(width - 1, 20)]


def watched(as_json: bool = False) -> bool:
    """Whether a person watches stderr: a terminal, not CI, not ``--json``."""
    return not as_json and sys.stderr.isatty() and not os.environ.get("CI")


def on_terminal(as_json: bool = False) -> None:
    """Install the bar when a person watches stderr (:func:`watched`)."""
    if watched(as_json):
        progress.install(Bar())


@contextmanager
def steps(verb: str, as_json: bool = False) -> Iterator[Callable[[progress.Step], None]]:
    """What a long run reports each item to: a :class:`Board` (installed for
    its transfers too) when a person watches; off a terminal a line per item
    (``importing clf v3``), for a CI log; with ``--json``, nothing."""
    if not watched(as_json):

        def line(at: progress.Step) -> None:
            if not as_json and at.done < at.total:
                click.echo(f"{verb} {terminal(at.what)}", err=True)

        yield line
        return
    board = Board()
    progress.install(board)
    try:
        yield board.step
    finally:
        progress.install(None)
        board.finish()
        board.close()
