"""``registry list``: every model with its versions, stages and aliases."""

from __future__ import annotations

from pathlib import Path

import click

from registry.commands.output import table
from registry.load import load
from registry.views import dumps, model_summary


def run(root: Path, *, rev: str | None, as_json: bool) -> int:
    reg = load(root, rev)
    models = [reg.models[n] for n in sorted(reg.models)]
    if as_json:
        click.echo(dumps([model_summary(rm) for rm in models]))
        return 0
    rows = []
    for rm in models:
        prod = ", ".join(str(v.number) for v in rm.in_stage("production")) or "-"
        staging = ", ".join(str(v.number) for v in rm.in_stage("staging")) or "-"
        aliases = " ".join(f"{a}={n}" for a, n in sorted(rm.model.aliases.items())) or "-"
        latest = rm.latest()
        rows.append([rm.name, len(rm.versions), latest.number if latest else "-", prod, staging, aliases])
    click.echo(table(["MODEL", "VERSIONS", "LATEST", "PRODUCTION", "STAGING", "ALIASES"], rows))
    if reg.problems:
        click.echo(f"({len(reg.problems)} file(s) could not be read; run `registry check`)", err=True)
    return 0
