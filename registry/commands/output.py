"""Small helpers for human output: tables and root discovery."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from registry import git


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
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
        if (folder / "registry.yaml").is_file():
            return folder
    top = git.toplevel(start)
    return top if top is not None else start


def fmt_metric(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
