"""What the write commands share: the ``--branch`` value, text given as
``@FILE`` (``@-``: standard input), and the report of the commit made."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from registry import git
from registry.errors import UsageError
from registry.limits import MAX_BYTES

Branch = str | bool | None
"""Where a change goes, as :mod:`registry.write` takes it: None (the current
branch), True (a new branch named after the change) or the new branch's name."""


def target_branch(branch: str | None, pr: bool) -> Branch:
    """Where the change goes, from ``--branch`` (absent: None; given alone:
    ``""``; or a NAME) and ``--pr``, which needs a new branch."""
    chosen = None if branch is None else (branch or True)
    return chosen or pr or None


def read_text(value: str) -> str:
    """TEXT, or the contents of a file given as @path (``-`` for standard input)."""
    if not value.startswith("@"):
        return value
    source = value[1:]
    data: bytes
    if source == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        try:
            with open(source, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise UsageError(f"cannot read {source}: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise UsageError(f"{source} is larger than {MAX_BYTES:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{source} is not UTF-8 text") from None


def report(root: Path, commit: str, *, pr: bool = False, uploaded: bool = False, pushed: bool = False) -> int:
    """Print the commit made (and the new branch it is on), and what was
    published: the artifact ``uploaded`` to the DVC remote, the branch
    ``pushed`` to its upstream; with ``pr``, open a pull request of that
    branch into the current one. Exit code 0."""
    subject = git.commit_subject(root, commit)
    names = git.branches_at(root, commit)
    current = git.current_branch(root)
    new_branch = names[0] if names and current not in names else None
    click.echo(f"[{commit[:10]}] {subject}" + (f" (branch {new_branch})" if new_branch else ""))
    if uploaded:
        from registry import dvc

        found = dvc.default_remote(root)
        where = f"DVC remote {found[0]!r} ({found[1]})" if found else "the DVC remote"
        click.echo(f"uploaded the artifact to {where}")
    shown = new_branch or current
    upstream = git.upstream_of(root, shown) if pushed and shown else None
    if upstream:  # else nothing was pushed: there is no remote, and a warning said so
        click.echo(f"pushed {shown} to {upstream}")
    if pr and new_branch and current:
        from registry.forge import open_pull_request
        from registry.load import load

        body = git.commit_body(root, commit)
        forge = load(root, only=[]).config.forge
        click.echo(open_pull_request(root, forge, current, new_branch, subject, body))
    return 0
