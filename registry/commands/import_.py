"""``registry import mlflow URI`` and ``registry sync mlflow URI``: an MLflow
registry, with its past, as commits (:func:`registry.importers.mlflow.run`)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from registry.commands.output import terminal as safe


def run(
    root: Path,
    uri: str,
    *,
    sync: bool,
    patterns: tuple[str, ...],
    dry_run: bool,
    push: bool,
    archive_extra: bool,
    as_json: bool,
) -> int:
    from registry.importers import mlflow

    report = mlflow.run(
        root,
        uri,
        patterns=patterns,
        dry_run=dry_run,
        push=push,
        archive_extra=archive_extra,
        sync=sync,
        progress=(lambda what: None)
        if as_json
        else (lambda what: click.echo(f"importing {safe(what)}", err=True)),
    )
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2, sort_keys=True))
        return 0
    touched = {name.rsplit(" v", 1)[0] for name in report.imported}
    for source, here in sorted(report.names.items()):
        if source != here and here in touched:
            click.echo(f"{safe(source)} is model {here} here (its MLflow name kept in tag {mlflow.NAME_TAG})")
    verb = "would import" if dry_run else "imported"
    count = len(report.imported)
    click.echo(
        f"{verb} {count} version{'' if count == 1 else 's'} from {safe(report.registry)}; "
        f"{report.skipped} imported before"
    )
    for name in report.archived:
        click.echo(f"archived {name} (--archive-extra)")
    if sync:
        changed = ", ".join(report.synced) or "no stage, alias, tag or description"
        click.echo(f"synced {changed}")
    elif report.state_commit:
        click.echo(f"[{report.state_commit[:10]}] the current stages, aliases and tags")
    return 0
