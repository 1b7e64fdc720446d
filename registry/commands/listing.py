"""``registry list``: every model with its versions, stages and aliases."""

from __future__ import annotations

from pathlib import Path

import click

from registry.commands.output import table, warn_unread
from registry.load import load
from registry.records import Config
from registry.views import dumps, model_summary


def run(root: Path, *, rev: str | None, as_json: bool) -> int:
    reg = load(root, rev)
    models = [reg.models[n] for n in sorted(reg.models)]
    if as_json:
        click.echo(dumps([model_summary(rm, reg.config.live_stage) for rm in models]))
        return 0
    shown = columns(reg.config)
    rows = []
    for rm in models:
        held = [", ".join(str(v.number) for v in rm.in_stage(stage)) or "-" for stage in shown]
        aliases = " ".join(f"{a}={n}" for a, n in sorted(rm.model.aliases.items())) or "-"
        latest = rm.latest()
        shown_latest = f"{latest.number}" if latest else "-"
        if latest is not None and latest.semver_text:
            shown_latest += f" ({latest.semver_text})"
        name = rm.name + (" (deleted)" if rm.model.deleted else "")
        rows.append([name, len(rm.versions), shown_latest, *held, aliases])
    click.echo(table(["MODEL", "VERSIONS", "LATEST", *(s.upper() for s in shown), "ALIASES"], rows))
    warn_unread(reg)
    return 0


def columns(config: Config) -> list[str]:
    """The stages shown with their versions: the live stage, and the stage
    listed just before it, where versions wait to go live (production and
    staging, by default). None without a live stage."""
    live = config.live_stage
    if live is None:
        return []
    at = config.stages.index(live) if live in config.stages else 0  # not a stage: `registry check` says so
    return [live, config.stages[at - 1]] if at > 0 else [live]
