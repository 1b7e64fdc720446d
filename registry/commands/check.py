"""``registry check``: validate the registry, optionally as a change from a base."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import click

from registry.check import check
from registry.check.rules import CATALOGUE, text_table
from registry.commands.output import terminal
from registry.errors import UsageError
from registry.problems import ERROR, Problem, format_problems, within


def registry_paths(root: Path, given: Sequence[str], cwd: Path | None = None) -> list[str] | None:
    """PATHS (relative to the current folder, as pre-commit passes them from
    the repository's top) as registry paths; None when one of them is the
    whole registry. A path outside the registry is a usage error."""
    cwd = cwd or Path.cwd()
    out = []
    for text in given:
        joined = cwd / text
        candidates = [Path(os.path.normpath(joined))]
        if joined.parent.exists():  # a symlinked folder on the way: where it really is
            candidates.append(joined.parent.resolve() / joined.name)
        for candidate in candidates:
            try:
                rel = candidate.relative_to(root).as_posix()
            except ValueError:
                continue
            if rel == ".":
                return None
            out.append(rel)
            break
        else:
            raise UsageError(f"{text}: outside the registry ({root})")
    return out


def rules(fmt: str) -> int:
    """``registry check --rules``: the catalogue, as text or JSON."""
    if fmt in ("json", "gitlab"):
        rows = [
            {
                "rule": str(rule),
                "severity": info.severity,
                "against_base": info.against_base,
                "help": info.help,
            }
            for rule, info in CATALOGUE.items()
        ]
        click.echo(json.dumps(rows, indent=2))
    else:
        click.echo(text_table(), nl=False)
    return 0


def run(
    root: Path, *, base: str | None, rev: str | None, fmt: str, strict: bool, paths: Sequence[str] = ()
) -> int:
    from registry.check.remote import local_remote

    only = registry_paths(root, paths) if paths else None
    problems = check(root, base=base, rev=rev) + local_remote(root, rev)  # a clone's view, not the records'
    hidden = 0
    if only is not None:
        shown = within(problems, only)
        shown += _caused_elsewhere(root, [p for p in problems if p not in shown]) if rev is None else []
        hidden = len(problems) - len(shown)
        problems = sorted(shown, key=lambda p: p.sort_key())
    if problems or fmt in ("json", "gitlab"):  # a report is JSON even when empty
        report = format_problems(problems, fmt)
        click.echo(terminal(report) if fmt == "text" else report)
    errors = sum(1 for p in problems if p.severity == ERROR)
    warnings = len(problems) - errors
    if fmt == "text":
        what = f"against {base}" if base else "whole tree"
        if only is not None:
            what = f"{len(only)} path(s) given, {what}"
            if hidden:
                what += f"; {hidden} problem(s) elsewhere not shown"
        summary = f"{errors} error(s), {warnings} warning(s) ({what})" if problems else f"ok ({what})"
        click.echo(summary, err=True)
    return 1 if errors or (strict and warnings) else 0


def _caused_elsewhere(root: Path, others: list[Problem]) -> list[Problem]:
    """Of the problems outside the given paths, those that a change made them
    cause: new since HEAD, in a file (or folder) that is as HEAD has it.
    Promoting v1 while v2 holds production is reported on v2, which the
    pre-commit hook was not given."""
    from registry import git

    if not others or git.head_commit(root) is None:
        return []
    before = {(p.path, p.rule, p.message) for p in check(root, rev="HEAD")}
    new = [p for p in others if (p.path, p.rule, p.message) not in before]
    if not new:
        return []
    changed = git.uncommitted(root, sorted({p.path for p in new}))
    return [p for p in new if not any(c == p.path or c.startswith(p.path + "/") for c in changed)]
