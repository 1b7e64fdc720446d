"""``registry pull URI``: prints the path of the verified artifact (the work is in :mod:`registry.pull`)."""

from __future__ import annotations

from pathlib import Path

import click

from registry.pull import pull


def run(root: Path, uri: str, dest: str | None) -> int:
    click.echo(str(pull(root, uri, Path(dest) if dest else None)))
    return 0
