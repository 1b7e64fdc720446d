"""A progress bar on stderr for the core's transfers (:mod:`registry.progress`):
drawn only on a terminal, outside CI, once a transfer has taken a second."""

from __future__ import annotations

import os
import sys
import time

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
        part = min(self.done / self.total, 1.0) if self.total else 1.0
        filled = int(part * _WIDTH)
        rate = self.done / max(now - self.began, 1e-6)
        click.echo(
            f"\r{terminal(self.label)}  [{'#' * filled}{'.' * (_WIDTH - filled)}] {part:4.0%}  "
            f"{size_text(self.done)} / {size_text(self.total)}  {size_text(rate)}/s ",
            err=True,
            nl=False,
        )


def on_terminal(as_json: bool = False) -> None:
    """Install the bar when a person watches stderr: a terminal, not CI, not ``--json``."""
    if not as_json and sys.stderr.isatty() and not os.environ.get("CI"):
        progress.install(Bar())
