"""``registry pull URI``: prints the path of the verified artifact (the work is in :mod:`registry.pull`)."""

from __future__ import annotations

from pathlib import Path

import click

from registry.pull import pull


def run(root: Path, uri: str, dest: str | None, file: str | None = None) -> int:
    if file is not None and dest is None:
        dest = "."  # one file of a folder goes where the user is, not into a half folder
    click.echo(str(pull(root, uri, dest or None, file)))  # a string: its trailing slash says "into"
    return 0
