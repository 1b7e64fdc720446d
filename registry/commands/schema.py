"""``registry schema NAME``: print a JSON Schema for editors."""

from __future__ import annotations

import click

from registry import schemas


def run(name: str) -> int:
    click.echo(schemas.schema_text(name), nl=False)
    return 0
