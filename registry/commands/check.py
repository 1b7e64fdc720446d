"""``registry check``: validate the registry, optionally as a change from a base."""

from __future__ import annotations

from pathlib import Path

import click

from registry.check import check
from registry.problems import ERROR, format_problems


def run(root: Path, *, base: str | None, rev: str | None, fmt: str, strict: bool) -> int:
    problems = check(root, base=base, rev=rev)
    if problems or fmt == "json":
        click.echo(format_problems(problems, fmt))
    errors = sum(1 for p in problems if p.severity == ERROR)
    warnings = len(problems) - errors
    if fmt == "text":
        what = f"against {base}" if base else "whole tree"
        summary = f"{errors} error(s), {warnings} warning(s) ({what})" if problems else f"ok ({what})"
        click.echo(summary, err=True)
    return 1 if errors or (strict and warnings) else 0
