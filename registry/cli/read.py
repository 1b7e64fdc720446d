"""The commands that read: check, codeowners, list, show, history, site,
serve, lineage, resolve, route, search, compare, pull and schema. Each parses its
arguments and calls its module in ``registry.commands``."""

from __future__ import annotations

from pathlib import Path

import click

from registry import schemas
from registry.cli.group import REV_HELP, cli, read_options, registry_root


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--base", metavar="REF", help="Also check the change from this revision (what CI runs on a PR)."
)
@click.option("--rev", metavar="REF", help="Check the registry as of this revision instead of the work tree.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "gitlab"]),
    default="text",
    show_default=True,
    help="github prints workflow commands, so problems show inline on the pull request; "
    "gitlab prints a code quality report (JSON) for the merge request.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings (such as policy changes) too.")
@click.option("--rules", "list_rules", is_flag=True, help="List every rule: name, severity, what it means.")
@click.pass_context
def check(
    ctx: click.Context,
    paths: tuple[str, ...],
    base: str | None,
    rev: str | None,
    fmt: str,
    strict: bool,
    list_rules: bool,
) -> None:
    """Validate records, names, versions, aliases, lineage, artifacts and policy.

    Prints one line per problem, `path:line: rule: message`. Exit 0 when
    clean, 1 when problems were found, 2 on a usage error, 3 on an internal
    error (a bug).

    With PATHS (files or folders, relative to the current folder) the whole
    registry is still checked, since rules look across records, but only the
    problems in those paths are reported and counted: what a pre-commit hook
    passes. CI checks without PATHS.
    """
    from registry.commands import check as cmd

    if list_rules:
        ctx.exit(cmd.rules(fmt))
    ctx.exit(cmd.run(registry_root(ctx, rev), base=base, rev=rev, fmt=fmt, strict=strict, paths=paths))


@cli.command()
@click.option(
    "--check", "check_only", is_flag=True, help="Write nothing; exit 1 if the file is missing or stale."
)
@click.option(
    "--forge",
    type=click.Choice(["github", "gitlab"]),
    help="Whose CODEOWNERS to write (default: from registry.yaml's forge URL, else github).",
)
@click.option(
    "--output",
    metavar="PATH",
    help="The file to write, relative to the current folder (default: the forge's CODEOWNERS that "
    "exists, else .github/CODEOWNERS on GitHub and CODEOWNERS on GitLab).",
)
@click.pass_context
def codeowners(ctx: click.Context, check_only: bool, forge: str | None, output: str | None) -> None:
    """Write the forge's CODEOWNERS from each model's owners.

    One line per model, `/models/<name>/ @owner ...`, so the forge asks
    (and, with branch protection, requires) the owners' review of changes to
    their model. Only the block between the file's BEGIN and END markers is
    rewritten; everything else in the file is kept.
    """
    from registry.commands import codeowners as cmd

    ctx.exit(cmd.run(registry_root(ctx), check=check_only, forge=forge, output=output))


@cli.command("list")
@read_options
@click.pass_context
def list_(ctx: click.Context, rev: str | None, as_json: bool) -> None:
    """List models with their latest, production and staging versions and aliases."""
    from registry.commands import listing

    ctx.exit(listing.run(registry_root(ctx, rev), rev=rev, as_json=as_json))


@cli.command()
@click.argument("ref", metavar="MODEL[/N|@ALIAS|:STAGE]")
@read_options
@click.pass_context
def show(ctx: click.Context, ref: str, rev: str | None, as_json: bool) -> None:
    """Show a model (with its versions) or one version.

    REF may also be a URI: models:/fraud-detector@champion, models:/fraud-detector/3.
    A model with versioning: semver also takes MODEL/1.4.2, MODEL/1.4 (the
    newest 1.4.x) and MODEL/1.x; a bare MODEL/3 is always version number 3.
    """
    from registry.commands import show as cmd

    ctx.exit(cmd.run(registry_root(ctx, rev), ref, rev=rev, as_json=as_json))


@cli.command()
@click.argument("target", metavar="[MODEL[/N]]", required=False)
@click.option(
    "--since",
    metavar="DATE",
    help="Only changes at or after DATE (2026-03-01, 2026-03-01T09:00Z, yesterday, '1 week ago', -7d).",
)
@click.option("--until", metavar="DATE", help="Only changes at or before DATE (a bare date: that whole day).")
@read_options
@click.pass_context
def history(
    ctx: click.Context,
    target: str | None,
    since: str | None,
    until: str | None,
    rev: str | None,
    as_json: bool,
) -> None:
    """Who changed what, when, through which pull request, and why; newest first.

    Derived from git's first-parent history: each change of a record is
    compared as values, so reformatting is not a change. A change merged
    from a branch is credited to the branch commit that made it.
    """
    from registry.commands import history as cmd

    ctx.exit(cmd.run(registry_root(ctx, rev), target, rev=rev, since=since, until=until, as_json=as_json))


@cli.group()
def site() -> None:
    """The static catalog: Markdown pages for any MkDocs-compatible engine, or a built site."""


@site.command("generate")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), help="Folder to write into.")
@click.option("--rev", metavar="REF", help=REV_HELP)
@click.option("--directory-urls", is_flag=True, help="Links for use_directory_urls: true.")
@click.pass_context
def site_generate(ctx: click.Context, out: str, rev: str | None, directory_urls: bool) -> None:
    """Write the catalog's pages (Markdown), JSON API and assets to a folder."""
    from registry.commands import site as cmd

    ctx.exit(cmd.generate(registry_root(ctx, rev), Path(out), rev, directory_urls))


@site.command("build")
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False),
    help="Where the site goes (default: mkdocs.yml's site_dir).",
)
@click.option("--strict", is_flag=True, help="Fail on any MkDocs warning.")
@click.pass_context
def site_build(ctx: click.Context, out: str | None, strict: bool) -> None:
    """Build the catalog with MkDocs (the registry's mkdocs.yml, or a default one)."""
    from registry.commands import site as cmd

    ctx.exit(cmd.build(registry_root(ctx), Path(out) if out else None, strict))


@cli.command()
@click.option("--addr", default="127.0.0.1:8000", show_default=True, help="HOST:PORT to serve on.")
@click.pass_context
def serve(ctx: click.Context, addr: str) -> None:
    """Serve the catalog locally; pages rebuild when records change."""
    from registry.commands import site as cmd

    ctx.exit(cmd.serve(registry_root(ctx), addr))


@cli.command("lineage")
@click.argument("target", metavar="MODEL[/N]")
@click.option("--upstream", "direction", flag_value="up", help="Only what it came from.")
@click.option("--downstream", "direction", flag_value="down", help="Only what came from it.")
@click.option("--dot", "fmt", flag_value="dot", help="Graphviz DOT.")
@click.option("--mermaid", "fmt", flag_value="mermaid", help="A Mermaid flowchart.")
@read_options
@click.pass_context
def lineage_command(
    ctx: click.Context,
    target: str,
    direction: str | None,
    fmt: str | None,
    rev: str | None,
    as_json: bool,
) -> None:
    """The lineage of a model or a version: datasets and code upstream,
    parent versions, and the versions fine-tuned from it downstream."""
    from registry.commands import lineage as cmd

    chosen = "json" if as_json else (fmt or "text")
    ctx.exit(cmd.run(registry_root(ctx, rev), target, rev=rev, direction=direction or "both", fmt=chosen))


@cli.command()
@click.argument("uri", metavar="URI")
@read_options
@click.pass_context
def resolve(ctx: click.Context, uri: str, rev: str | None, as_json: bool) -> None:
    """Resolve models:/name@alias (or /N, /stage, /1.4.2, /1.x) to a fixed models:/name/N."""
    from registry.commands import show as cmd

    ctx.exit(cmd.run_resolve(registry_root(ctx, rev), uri, rev=rev, as_json=as_json))


@cli.command()
@click.argument("model")
@click.argument("key")
@read_options
@click.pass_context
def route(ctx: click.Context, model: str, key: str, rev: str | None, as_json: bool) -> None:
    """The variant of MODEL's traffic split that request KEY (a user or session id) gets.

    KEY is hashed with the model's name to a bucket 0..99; the split's
    aliases, in name order, hold consecutive ranges of buckets. The same KEY
    gets the same variant for as long as the split is unchanged.
    """
    from registry.commands import route as cmd

    ctx.exit(cmd.run(registry_root(ctx, rev), model, key, rev=rev, as_json=as_json))


@cli.command()
@click.argument("filter_text", metavar="FILTER", default="")
@click.option(
    "--order-by", multiple=True, metavar="KEY [ASC|DESC]", help="e.g. 'metrics.f1 DESC'; repeatable."
)
@click.option("--max-results", type=click.IntRange(min=1), metavar="N", help="Return at most N versions.")
@read_options
@click.pass_context
def search(
    ctx: click.Context,
    filter_text: str,
    order_by: tuple[str, ...],
    max_results: int | None,
    rev: str | None,
    as_json: bool,
) -> None:
    """Search model versions with MLflow's filter grammar (plus OR, parentheses, alias).

    \b
    Examples:
      registry search "name LIKE 'fraud-%' AND metrics.f1 > 0.9"
      registry search "stage = 'production' OR alias = 'challenger'" --order-by 'metrics.f1 DESC'
    """
    from registry.commands import search as cmd

    ctx.exit(
        cmd.run(
            registry_root(ctx, rev),
            filter_text,
            order_by=list(order_by),
            max_results=max_results,
            rev=rev,
            as_json=as_json,
        )
    )


@cli.command()
@click.argument("model")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@read_options
@click.pass_context
def compare(ctx: click.Context, model: str, a: str, b: str, rev: str | None, as_json: bool) -> None:
    """Compare two versions' stage, metrics, params and tags (A, B: N, @alias or :stage)."""
    from registry.commands import compare as cmd

    ctx.exit(cmd.run(registry_root(ctx, rev), model, a, b, rev=rev, as_json=as_json))


@cli.command()
@click.argument("uri", metavar="URI")
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="Copy the verified artifact here: into PATH if it is a folder or ends in /, else as PATH "
    "(missing folders are made).",
)
@click.option(
    "--file",
    "file",
    metavar="RELPATH",
    help="Only this file of a folder artifact, put at -o PATH (default: the current folder).",
)
@click.pass_context
def pull(ctx: click.Context, uri: str, output: str | None, file: str | None) -> None:
    """Fetch a version's artifact through DVC and verify its md5 against the record.

    URI: models:/name/3, models:/name@champion, models:/name/production
    (or name/3, name@alias, name:stage), and for a semver model
    models:/name/1.4.2, /1.4 or /1.x. Prints the verified file's path.
    """
    from registry.cli.progress import on_terminal
    from registry.commands import pull as cmd

    on_terminal()
    ctx.exit(cmd.run(registry_root(ctx), uri, output, file))


@cli.command()
@click.argument("name", type=click.Choice(list(schemas.NAMES)))
@click.pass_context
def schema(ctx: click.Context, name: str) -> None:
    """Print the JSON Schema of registry.yaml, model.yaml or a version record."""
    from registry.commands import schema as cmd

    ctx.exit(cmd.run(name))
