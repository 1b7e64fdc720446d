"""The importers' commands: ``registry import mlflow|gto`` and ``registry sync mlflow``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from registry.cli.group import cli, registry_root


def _import_options(func: Callable[..., None]) -> Callable[..., None]:
    """The arguments ``import mlflow`` and ``sync mlflow`` share."""
    options: list[Callable[[Callable[..., None]], Callable[..., None]]] = [
        click.argument("uri"),
        click.option(
            "--models",
            "patterns",
            multiple=True,
            metavar="PATTERN",
            help="Only these models (shell-style; repeatable).",
        ),
        click.option("--dry-run", is_flag=True, help="Say what would be imported; write nothing."),
        click.option("--push", is_flag=True, help="Upload each version's bytes to the DVC remote."),
        click.option(
            "--archive-extra",
            is_flag=True,
            help="Where MLflow has several versions in a stage that holds one here, archive all but the newest.",
        ),
        click.option(
            "--relax",
            is_flag=True,
            help="Where MLflow has several versions in a stage that holds one here, keep them all there: "
            "the model's policy allows it (single_holder in its model.yaml), with a warning.",
        ),
        click.option("--json", "as_json", is_flag=True, help="A machine-readable report."),
        click.pass_context,
    ]
    for option in reversed(options):
        func = option(func)
    return func


@cli.group("import")
def import_group() -> None:
    """Bring another registry in, with its past, as this registry's commits."""


@import_group.command("mlflow")
@_import_options
def import_mlflow(ctx: click.Context, uri: str, **options: Any) -> None:
    """Import the MLflow registry at URI (sqlite:///mlflow.db, http://host:5000...).

    One commit per version, in MLflow's creation order, with its MLflow
    user and time as author; then one commit for the current stages,
    aliases, descriptions and tags (MLflow keeps no stage history). Run
    again, it imports only what is new (an interrupted import carries on).
    """
    from registry.cli.progress import steps
    from registry.commands import import_ as cmd

    with steps("importing", options["as_json"]) as progress:
        code = cmd.run(registry_root(ctx), uri, sync=False, progress=progress, **options)
    ctx.exit(code)


@import_group.command("gto")
@click.argument("path", required=False, default=".")
@click.option(
    "--stage", "stages", multiple=True, metavar="GTO=STAGE", help="A GTO stage's stage here; repeatable."
)
@click.option("--dry-run", is_flag=True, help="Say which tags would be applied; write nothing.")
@click.option("--push", is_flag=True, help="Upload each version's bytes to the DVC remote.")
@click.option("--json", "as_json", is_flag=True, help="A machine-readable report.")
@click.pass_context
def import_gto(
    ctx: click.Context, path: str, stages: tuple[str, ...], dry_run: bool, push: bool, as_json: bool
) -> None:
    """Import the GTO repository at PATH (default: here): its tags, with their past.

    Each tag event, in time order, is one commit with the tagger as author at
    the tag's time: registrations (versions 1, 2, ... with GTO's version as
    semver), stage assignments and unassignments, deregistrations and
    deprecations. Run again, it applies only the tags it has not.
    """
    from registry.cli.progress import steps
    from registry.commands import import_ as cmd

    with steps("applying", as_json) as progress:
        code = cmd.run_gto(registry_root(ctx), path, stages, dry_run, push, as_json, progress)
    ctx.exit(code)


@cli.group("sync")
def sync_group() -> None:
    """Keep an imported registry in step with its source, while both are in use."""


@sync_group.command("mlflow")
@_import_options
def sync_mlflow(ctx: click.Context, uri: str, **options: Any) -> None:
    """Bring in what changed in the MLflow registry at URI since the import.

    New versions (a commit each), then the stages, aliases, tags and
    descriptions that changed (a commit per kind). Nothing is brought twice,
    so a scheduled CI job can run it; changes made here are not written back.
    """
    from registry.cli.progress import steps
    from registry.commands import import_ as cmd

    with steps("importing", options["as_json"]) as progress:
        code = cmd.run(registry_root(ctx), uri, sync=True, progress=progress, **options)
    ctx.exit(code)
