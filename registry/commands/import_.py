"""``registry import mlflow URI`` and ``registry sync mlflow URI``: an MLflow
registry, with its past, as commits (:func:`registry.importers.mlflow.run`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from registry.commands.output import terminal as safe
from registry.progress import Step


def run(
    root: Path,
    uri: str,
    *,
    sync: bool,
    patterns: tuple[str, ...],
    dry_run: bool,
    push: bool,
    archive_extra: bool,
    relax: bool,
    as_json: bool,
    progress: Callable[[Step], None],
) -> int:
    from registry.importers import mlflow

    report = mlflow.run(
        root,
        uri,
        patterns=patterns,
        dry_run=dry_run,
        push=push,
        archive_extra=archive_extra,
        relax=relax,
        sync=sync,
        progress=progress,
    )
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2, sort_keys=True))
        return 0
    touched = {name.rsplit(" v", 1)[0] for name in report.imported}
    for source, here in sorted(report.names.items()):
        if source != here and here in touched:
            click.echo(f"{safe(source)} is model {here} here (its MLflow name kept in tag {mlflow.NAME_TAG})")
    for renamed in report.renamed:
        click.echo(f"{'would rename' if dry_run else 'renamed'} {safe(renamed)}, as in MLflow")
    verb = "would import" if dry_run else "imported"
    count = len(report.imported)
    click.echo(
        f"{verb} {count} version{'' if count == 1 else 's'} from {safe(report.registry)}; "
        f"{report.skipped} imported before"
    )
    for name in report.archived:
        click.echo(f"archived {name} (--archive-extra)")
    for held in report.relaxed:
        click.echo(
            f"warning: {safe(held)}, as in MLflow (--relax): once all but one are archived, "
            "remove single_holder from the model's policy in its model.yaml",
            err=True,
        )
    if sync:
        changed = ", ".join(report.synced) or "no stage, alias, tag or description"
        click.echo(f"synced {changed}")
    elif report.state_commit:
        click.echo(f"[{report.state_commit[:10]}] the current stages, aliases and tags")
    return 0


def run_gto(
    root: Path,
    path: str,
    stages: tuple[str, ...],
    dry_run: bool,
    push: bool,
    as_json: bool,
    progress: Callable[[Step], None],
) -> int:
    from registry.errors import UsageError
    from registry.importers import gto

    given = {}
    for item in stages:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise UsageError(f"--stage {item!r}: give GTO=STAGE, e.g. --stage prod=production")
        given[key] = value
    report = gto.run(
        root,
        Path(path),
        stages=given,
        dry_run=dry_run,
        push=push,
        progress=progress,
    )
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2, sort_keys=True))
        return 0
    for theirs, ours in sorted(report.stages.items()):
        click.echo(f"GTO stage {safe(theirs)} is {ours} here")
    for name in report.pathless:
        click.echo(
            f"{safe(name)}: artifacts.yaml gives it no path, so it has no bytes to register: not imported"
        )
    for name in report.semver_as_tag:
        click.echo(
            f"{safe(name)}: its versions do not increase in registration order, kept as tag {gto.VERSION_TAG}"
        )
    verb = "would apply" if dry_run else "applied"
    count = len(report.applied)
    click.echo(
        f"{verb} {count} tag{'' if count == 1 else 's'} of {safe(report.repository)}; "
        f"{report.skipped} applied before; {len(report.unchanged)} change nothing here"
    )
    return 0
