"""``registry lineage``: where a version came from, and what came from it."""

from __future__ import annotations

from pathlib import Path

import click

from registry import lineage
from registry.commands.output import terminal
from registry.errors import UsageError
from registry.load import load
from registry.refs import find_model, parse_target


def run(root: Path, target: str, *, rev: str | None, direction: str, fmt: str) -> int:
    model, number = parse_target(target)
    reg = load(root, rev)
    rm = find_model(reg, model)
    if number is not None:
        if number not in rm.versions:
            raise UsageError(f"{rm.name} has no version {number}")
        numbers = [number]
    else:
        numbers = sorted(rm.versions)
    start = [lineage.version_id(rm.name, n) for n in numbers]
    graph = lineage.around(
        lineage.build(reg.models), start, upstream=direction != "down", downstream=direction != "up"
    )
    if fmt == "json":
        click.echo(lineage.dumps(graph))
    elif fmt == "dot":
        click.echo(terminal(lineage.to_dot(graph)), nl=False)
    elif fmt == "mermaid":
        click.echo(terminal(lineage.to_mermaid(graph)), nl=False)
    else:
        click.echo(terminal(lineage.to_text(graph, start)))
    return 0
