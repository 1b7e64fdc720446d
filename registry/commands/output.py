"""Small helpers for human output: tables, terminal-safe text and root discovery."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from registry import git, layout
from registry.load import LoadedRegistry, printable


def terminal(text: str) -> str:
    """Text for a terminal: control and bidi characters (ESC, BEL, NUL, CR,
    RLO...) escaped as ``\\x1b``, ``\\u202e``, line breaks kept. Every human
    output goes through it; ``--json`` output does not (JSON escapes them)."""
    lines = text.split("\n")
    return "\n".join(line if line.isprintable() else printable(line) for line in lines)


def _cell(value: object) -> str:
    text = str(value)
    return text if text.isprintable() else printable(text)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Aligned columns; cells are escaped for the terminal (and kept on one line) before they are measured."""
    cells = [[_cell(h) for h in headers]] + [["" if c is None else _cell(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    rule = ["-" * w if h else " " * w for h, w in zip(headers, widths, strict=True)]
    lines.insert(1, "  ".join(rule).rstrip())
    return "\n".join(lines)


def find_root(start: Path) -> Path:
    """The registry around ``start``: the nearest folder up with registry.yaml,
    else the git work tree, else ``start`` itself."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / layout.REGISTRY_FILE).is_file():
            return folder
    top = git.toplevel(start)
    return top if top is not None else start


def fmt_metric(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def warn_unread(reg: LoadedRegistry, model: str | None = None) -> None:
    """Name on stderr the records (of ``model``, or anywhere) that could not
    be read: a view that leaves them out must not look complete."""
    folder = None if model is None else layout.model_dir(model) + "/"
    paths = sorted({p.path for p in reg.problems if folder is None or p.path.startswith(folder)})
    if not paths:
        return
    named = ", ".join(terminal(p) for p in paths[:5]) + (
        f" and {len(paths) - 5} more" if len(paths) > 5 else ""
    )
    click.echo(
        f"warning: {len(paths)} file(s) could not be read, so what they hold is left out: {named} "
        "(run `registry check`)",
        err=True,
    )
