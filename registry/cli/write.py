"""The commands that change the registry, each one commit: init, register,
copy, delete, restore, promote, archive, rollback, alias, traffic, tag, rename and describe."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import click

from registry.cli.group import change_options, cli, registry_root, show_notices


@cli.command()
@click.argument("directory", metavar="[DIR]", required=False)
@click.option(
    "--forge",
    type=click.Choice(["github", "gitlab"]),
    help="Whose CI to write (default: github; on an existing registry, the forge whose CI it has).",
)
@click.option(
    "--remote",
    metavar="URL",
    help="The default DVC remote: a folder or a URL such as s3://bucket/path "
    "(default: the folder DIR-dvc-storage beside DIR).",
)
@click.option(
    "--install",
    metavar="SPEC",
    help="What the CI files pip install (default: where this copy came from: the package index at this "
    "version, or a git URL at its commit).",
)
@click.pass_context
def init(
    ctx: click.Context, directory: str | None, forge: str | None, remote: str | None, install: str | None
) -> None:
    """Make DIR (default: the current folder) a new registry, in one commit.

    Writes registry.yaml, an empty models/, the catalog's mkdocs.yml, a
    README, .gitignore and the forge's CI, and sets up git and DVC with a
    default remote. DIR must be empty (an empty git repository will do).
    Run on a registry, it adds the files of init's that are missing,
    overwrites nothing and commits nothing.
    """
    from registry.commands import init as cmd

    given = ctx.obj.get("repo") if ctx.obj else None
    show_notices()
    ctx.exit(cmd.run(Path(given) if given else Path.cwd(), directory, forge, remote, install))


@cli.command()
@click.argument("model")
@click.argument("artifact", type=click.Path(exists=True))
@click.option("--metrics-file", metavar="F", help="Metrics as JSON or YAML (MLflow's metrics.json too).")
@click.option("--params-file", metavar="F", help="Params as JSON or YAML.")
@click.option("--metric", multiple=True, metavar="K=V", help="A metric; repeatable.")
@click.option("--param", multiple=True, metavar="K=V", help="A param; repeatable.")
@click.option("--tag", multiple=True, metavar="K=V", help="A tag of the version; repeatable.")
@click.option("--description", metavar="TEXT|@FILE", help="Markdown; @file.md reads a file.")
@click.option("--parent", multiple=True, metavar="MODEL/N", help="A version this one was fine-tuned from.")
@click.option(
    "--data",
    multiple=True,
    metavar="WHERE[,K=V]",
    help="A dataset: a path here (DVC-tracked or not), a local file elsewhere (hashed in place), a URL "
    "(s3://..., hf://datasets/...), optionally ,md5=,etag=,version=,name=; or repo=URL,path=P,rev=R "
    "for a data registry's file; repeatable.",
)
@click.option("--code", metavar="DIR", help="The training code's git checkout (default: the current folder).")
@click.option("--code-commit", metavar="SHA", help="The training code's commit (default: HEAD of --code).")
@click.option("--code-repo", metavar="URL", help="The training code's repository (default: its origin).")
@click.option("--code-path", metavar="PATH", help="The training script, inside the code repository.")
@click.option(
    "--require-clean",
    is_flag=True,
    help="Refuse training code that differs from its commit (default: record dirty: true, and warn).",
)
@click.option("--run-id", metavar="ID", help="The training run (default: an MLflow model folder's run_id).")
@click.option(
    "--signature",
    metavar="F",
    help="Inputs and outputs, as JSON or YAML, or an MLmodel file (default: the folder's MLmodel).",
)
@click.option("--stage", help="Start in this stage instead of the first one (transitions apply).")
@click.option(
    "--reuse-name",
    is_flag=True,
    help="Take the name of a deleted model again (its deleted versions stay tombstones).",
)
@click.option(
    "--bump",
    type=click.Choice(["major", "minor", "patch"]),
    help="For a model with versioning: semver, the part of the latest semver to raise "
    "(default: what the signature change needs).",
)
@click.option(
    "--semver",
    metavar="X.Y.Z",
    help="The semantic version itself, instead of --bump; for a new model, makes it a semver model.",
)
@click.option(
    "--upload", is_flag=True, help="Upload the artifact to the DVC remote only; push no commit (see --push)."
)
@functools.partial(
    change_options,
    push_help="Publish: upload the artifact to the DVC remote, then push the branch (the --branch, "
    "or the current one to its upstream).",
)
@click.pass_context
def register(ctx: click.Context, /, model: str, artifact: str, **options: Any) -> None:
    """Register ARTIFACT (a file or a folder) as the next version of MODEL, in one commit.

    Creates the model on first use, copies the artifact to
    models/MODEL/artifacts/N/, tracks it with DVC (a folder as one output, as
    `dvc add` makes it), fills the record's md5 and size (and a folder's file
    count) from DVC's own hash, checks the result and commits. An MLflow model
    folder's MLmodel gives the record its flavors, signature and run; a
    Hugging Face config.json its architecture.

    A model with versioning: semver gives the version a semver: the latest
    one bumped as the signature needs (an input or output removed or
    retyped: major; inputs added: minor; else patch), or as --bump or
    --semver say; a breaking signature refuses --bump minor and patch.
    """
    from registry.cli.progress import on_terminal
    from registry.commands import register as cmd

    on_terminal()
    ctx.exit(cmd.run(registry_root(ctx), model, artifact, **options))


@cli.command()
@click.argument("source", metavar="SOURCE")
@click.argument("model")
@click.option("--to", "to", metavar="PATH", help="Copy into the registry at PATH (default: this one).")
@functools.partial(
    change_options,
    push_help="Upload the artifact to the target's DVC remote (and push the --branch to origin).",
)
@click.pass_context
def copy(
    ctx: click.Context, source: str, model: str, to: str | None, branch: str | None, push: bool, pr: bool
) -> None:
    """Register the version SOURCE names again, as the next version of MODEL.

    SOURCE: models:/name/3, name@champion, name:production. The bytes are
    the source's, fetched and verified; the record keeps its metrics,
    params, tags, description, signature and lineage, and names the source
    (model, version, commit, and the registry when --to names another) in
    lineage.copied_from.
    """
    from registry.commands import copy as cmd

    ctx.exit(cmd.run(registry_root(ctx), source, model, to, branch, push, pr))


@cli.command()
@click.argument("target", metavar="MODEL[/N]")
@click.option("--reason", required=True, help="Why; kept in the tombstone and the commit.")
@click.option(
    "--purge",
    is_flag=True,
    help="Also remove the bytes from the DVC cache and the default remote (those no other version uses).",
)
@click.option(
    "--redact",
    is_flag=True,
    help="Also remove the description, tags, metrics, params, signature and lineage from the tombstone.",
)
@change_options
@click.pass_context
def delete(
    ctx: click.Context,
    target: str,
    reason: str,
    purge: bool,
    redact: bool,
    branch: str | None,
    push: bool,
    pr: bool,
) -> None:
    """Delete version N of MODEL (or, given MODEL alone, the whole model), in one commit.

    The record stays as a tombstone that says who deleted it, when and why
    (numbers are never reused); its .dvc pointer goes, so nothing can pull
    it. A version with an alias is refused: move the alias first. A deleted
    model loses its aliases and keeps its name until `registry restore`.
    Git's history still holds the old record text: see the README on
    rewriting history. On what is already deleted, --purge removes the bytes.
    """
    from registry.commands import delete as cmd

    ctx.exit(cmd.run(registry_root(ctx), target, reason, purge, redact, branch, push, pr))


@cli.command()
@click.argument("model")
@click.option("--reason", help="Why; recorded in the commit's Reason trailer.")
@change_options
@click.pass_context
def restore(
    ctx: click.Context, model: str, reason: str | None, branch: str | None, push: bool, pr: bool
) -> None:
    """Take a deleted MODEL's name back, in one commit; its deleted versions stay tombstones."""
    from registry.commands import restore as cmd

    ctx.exit(cmd.run(registry_root(ctx), model, reason, branch, push, pr))


@cli.command()
@click.argument("model")
@click.argument("version", type=click.IntRange(min=1))
@click.argument("stage")
@click.option("--reason", help="Why; recorded in the commit's Reason trailer.")
@click.option(
    "--archive-others",
    is_flag=True,
    help="Also archive every other version in STAGE, in the same commit (MLflow's archive_existing_versions).",
)
@change_options
@click.pass_context
def promote(
    ctx: click.Context,
    model: str,
    version: int,
    stage: str,
    reason: str | None,
    archive_others: bool,
    branch: str | None,
    push: bool,
    pr: bool,
) -> None:
    """Move VERSION of MODEL to STAGE, in one commit.

    The transition and the stage's gate are checked first. When the stage
    holds one version (production, by default) its previous holder is
    archived in the same commit, and protected aliases that followed it move.
    """
    from registry.commands import promote as cmd

    ctx.exit(cmd.run(registry_root(ctx), model, version, stage, reason, branch, push, pr, archive_others))


@cli.command()
@click.argument("model")
@click.argument("version", type=click.IntRange(min=1))
@click.option("--reason", help="Why; recorded in the commit's Reason trailer.")
@change_options
@click.pass_context
def archive(
    ctx: click.Context, model: str, version: int, reason: str | None, branch: str | None, push: bool, pr: bool
) -> None:
    """Move VERSION of MODEL to the archive stage, in one commit."""
    from registry.commands import archive as cmd

    ctx.exit(cmd.run(registry_root(ctx), model, version, reason, branch, push, pr))


@cli.command()
@click.argument("model")
@click.option("--to", "to", type=click.IntRange(min=1), metavar="N", help="The version to put back.")
@click.option(
    "--stage",
    help="The stage to roll back (default: the live stage, production unless registry.yaml says otherwise).",
)
@click.option("--reason", help="Why; recorded in the commit's Reason trailer.")
@change_options
@click.pass_context
def rollback(
    ctx: click.Context,
    model: str,
    to: int | None,
    stage: str | None,
    reason: str | None,
    branch: str | None,
    push: bool,
    pr: bool,
) -> None:
    """Put back the previous holder of the live stage (production) of MODEL, in one commit.

    The version that held the stage before the current one (found in git's
    history), or --to N, returns to it; the current holder is archived and
    protected aliases follow. A version may return from the archive stage
    only to a stage it held before; the stage's gate still applies.
    """
    from registry.commands import rollback as cmd

    ctx.exit(cmd.run(registry_root(ctx), model, to, stage, reason, branch, push, pr))


@cli.group()
def alias() -> None:
    """Point an alias (champion, challenger...) at a version, or remove it."""


@alias.command("set")
@click.argument("model")
@click.argument("name", metavar="ALIAS")
@click.argument("version", type=click.IntRange(min=1))
@change_options
@click.pass_context
def alias_set(
    ctx: click.Context, model: str, name: str, version: int, branch: str | None, push: bool, pr: bool
) -> None:
    """Point ALIAS of MODEL at VERSION (its gate, if protected, must hold)."""
    from registry.commands import alias as cmd

    ctx.exit(cmd.run_set(registry_root(ctx), model, name, version, branch, push, pr))


@alias.command("rm")
@click.argument("model")
@click.argument("name", metavar="ALIAS")
@change_options
@click.pass_context
def alias_rm(ctx: click.Context, model: str, name: str, branch: str | None, push: bool, pr: bool) -> None:
    """Remove ALIAS from MODEL."""
    from registry.commands import alias as cmd

    ctx.exit(cmd.run_rm(registry_root(ctx), model, name, branch, push, pr))


@cli.group()
def traffic() -> None:
    """Split a model's requests between its aliases (an A/B test), or clear the split."""


@traffic.command("set")
@click.argument("model")
@click.argument("shares", nargs=-1, required=True, metavar="ALIAS=PERCENT...")
@click.option("--reason", help="Why; recorded in the commit's Reason trailer.")
@change_options
@click.pass_context
def traffic_set(
    ctx: click.Context,
    model: str,
    shares: tuple[str, ...],
    reason: str | None,
    branch: str | None,
    push: bool,
    pr: bool,
) -> None:
    """Make MODEL's traffic split ALIAS=PERCENT..., e.g. champion=90 challenger=10.

    The shares are whole percents summing to 100; each alias must exist and
    not point at an archived version, and the policy's traffic.max_challenger
    caps the share of a version outside the live stage. `registry route`
    (and Registry.route) then picks a variant per request key.
    """
    from registry.commands import traffic as cmd

    ctx.exit(cmd.run_set(registry_root(ctx), model, shares, reason, branch, push, pr))


@traffic.command("clear")
@click.argument("model")
@click.option("--reason", help="Why; recorded in the commit's Reason trailer.")
@change_options
@click.pass_context
def traffic_clear(
    ctx: click.Context, model: str, reason: str | None, branch: str | None, push: bool, pr: bool
) -> None:
    """Remove MODEL's traffic split."""
    from registry.commands import traffic as cmd

    ctx.exit(cmd.run_clear(registry_root(ctx), model, reason, branch, push, pr))


@cli.group()
def tag() -> None:
    """Set or remove a tag on a model or a version."""


@tag.command("set")
@click.argument("target", metavar="MODEL[/N]")
@click.argument("key")
@click.argument("value")
@change_options
@click.pass_context
def tag_set(
    ctx: click.Context, target: str, key: str, value: str, branch: str | None, push: bool, pr: bool
) -> None:
    """Set tag KEY to VALUE on a model (MODEL) or a version (MODEL/N)."""
    from registry.commands import tag as cmd

    ctx.exit(cmd.run_set(registry_root(ctx), target, key, value, branch, push, pr))


@tag.command("rm")
@click.argument("target", metavar="MODEL[/N]")
@click.argument("key")
@change_options
@click.pass_context
def tag_rm(ctx: click.Context, target: str, key: str, branch: str | None, push: bool, pr: bool) -> None:
    """Remove tag KEY from a model (MODEL) or a version (MODEL/N)."""
    from registry.commands import tag as cmd

    ctx.exit(cmd.run_rm(registry_root(ctx), target, key, branch, push, pr))


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("--reason", help="Why; recorded in the commit's Reason trailer.")
@click.pass_context
def rename(ctx: click.Context, old: str, new: str, reason: str | None) -> None:
    """Rename model OLD to NEW (git mv, one commit); OLD keeps resolving as a former name."""
    from registry.commands import rename as cmd

    ctx.exit(cmd.run(registry_root(ctx), old, new, reason))


@cli.command()
@click.argument("target", metavar="MODEL[/N]")
@click.argument("text", metavar="TEXT|@FILE")
@change_options
@click.pass_context
def describe(ctx: click.Context, target: str, text: str, branch: str | None, push: bool, pr: bool) -> None:
    """Replace the Markdown description of a model or a version (@file.md reads a file)."""
    from registry.commands import describe as cmd

    ctx.exit(cmd.run(registry_root(ctx), target, text, branch, push, pr))
