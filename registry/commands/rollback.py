"""``registry rollback MODEL``: one commit (:func:`registry.write.rollback`)."""

from __future__ import annotations

from pathlib import Path

import click

from registry import git, write
from registry.commands.change import report, target_branch


def run(
    root: Path,
    model: str,
    to: int | None,
    stage: str | None,
    reason: str | None,
    branch: str | None,
    push: bool,
    pr: bool = False,
) -> int:
    from registry.history import shallow_warning

    if git.head_commit(root) is not None:
        warning = shallow_warning(root)  # the version to go back to is found in the history
        if warning:
            click.echo(f"registry: {warning}", err=True)
    commit = write.rollback(
        root, model, to=to, stage=stage, reason=reason, branch=target_branch(branch, pr), push=push or pr
    )
    return report(root, commit, pr=pr, pushed=push or pr)
