"""``registry delete MODEL[/N] --reason TEXT [--purge] [--redact]``: one commit
(:func:`registry.write.delete`), then the purge of the bytes."""

from __future__ import annotations

from pathlib import Path

import click

from registry import write
from registry.cli.progress import size_text
from registry.commands.change import report, target_branch
from registry.refs import parse_target


def run(
    root: Path, target: str, reason: str, purge: bool, redact: bool, branch: str | None, push: bool, pr: bool
) -> int:
    model, number = parse_target(target)
    done = write.delete(
        root,
        model,
        number,
        reason=reason,
        purge=purge,
        redact=redact,
        branch=target_branch(branch, pr),
        push=push or pr,
    )
    if done.commit is not None:
        report(root, done.commit, pr=pr, pushed=push or pr)
    gone = done.purged
    if gone is not None:
        remote = f"{gone.remote} from remote {gone.remote_name}" if gone.remote_name else "no remote is set"
        objects = f"{gone.cache} object{'' if gone.cache == 1 else 's'}"
        line = f"purged: {objects} ({size_text(gone.cache_bytes)}) from the cache, {remote}"
        if done.kept:
            line += f"; kept {done.kept} that other versions use"
        click.echo(line)
    return 0
