"""``registry init [DIR]``: prints what :func:`registry.write.init.init` made or added."""

from __future__ import annotations

from pathlib import Path

import click

from registry.write.init import FORGE_NAMES, REMOTE, SUBJECT, Created, Install, init


def run(
    start: Path, directory: str | None, forge: str | None, remote: str | None, install: str | None = None
) -> int:
    """Make ``directory`` (relative to ``start``; default ``start``) a registry."""
    done = init(start, directory, forge=forge, remote=remote, install=install)
    if isinstance(done, Created):
        click.echo(f"initialised a model registry in {done.target} (branch {done.branch})")
        click.echo(f"[{done.commit[:10]}] {SUBJECT}")
        click.echo(f"  {', '.join(done.written)}")
        click.echo(f"  {', '.join(done.ci)} (CI for {FORGE_NAMES[done.forge]})")
        click.echo(f"DVC's default remote '{REMOTE}': {done.remote}")
        _warn_if_local(done.target)
        _say_install(done.install)
        click.echo(
            "next: `registry register MODEL FILE` for a first version; then push, "
            "and protect the branch as README.md says"
        )
        return 0
    if not done.added:
        click.echo(f"{done.target} is already a registry: init has nothing to add")
    else:
        click.echo(f"added to the registry in {done.target} (not committed: review them, then commit):")
        for path in done.added:
            click.echo(f"  {path}")
        _say_install(done.install)
        if done.remote is not None:
            click.echo(f"DVC's default remote '{REMOTE}': {done.remote}")
            _warn_if_local(done.target)
    if done.remote_ignored:
        click.echo(
            f"--remote was not applied: DVC is set up here already (`dvc remote add -d -f {REMOTE} URL` "
            "replaces the default remote)"
        )
    return 0


def _warn_if_local(target: Path) -> None:
    """Say so at once when the remote is a folder only this machine has (``registry check`` says it too)."""
    from registry.check.remote import local_remote

    for problem in local_remote(target):
        click.echo(f"warning: {problem.message}", err=True)


def _say_install(install: Install) -> None:
    click.echo(f"CI installs {install.spec} (from {install.source})")
    if install.warning:
        click.echo(f"warning: {install.warning}", err=True)
