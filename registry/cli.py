"""The ``registry`` command line: parses arguments and dispatches, nothing more.

Exit codes are decided here, in one place (:func:`main` and :func:`exit_code`):

====  ==========================================================================
0     ok
1     problems found (``check``, ``codeowners --check``), or a problem the user
      can fix (a :class:`~registry.errors.RegistryError`), with a one-line message
2     a usage error: click's (an unknown option, a bad argument) or a
      :class:`~registry.errors.UsageError`
3     a bug (an unexpected exception): one line on stderr names the log file
      that holds the traceback
130   Ctrl-C
====  ==========================================================================
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from registry import schemas

_REV_HELP = "Read the registry as of this git revision (branch, tag or commit), without a checkout."
_AT_HELP = (
    "Read the registry as it was at this moment on the current branch (or --rev): "
    "2026-03-01T09:00Z, or 2026-03-01 for the start of that day (UTC unless an offset is given)."
)


def _show_notices() -> None:
    """Print the core's notices (``logging.getLogger("registry")``) as
    ``registry: ...`` lines on stderr, and its warnings as ``registry:
    warning: ...``. Installed by every command that opens a registry, the
    only ones that can have notices (``--version`` does not load logging)."""
    import logging

    class Notices(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kind = "warning: " if record.levelno >= logging.WARNING else ""
            click.echo(f"registry: {kind}{record.getMessage()}", err=True)

    notices = logging.getLogger("registry")
    if not any(type(h).__name__ == "Notices" for h in notices.handlers):
        notices.addHandler(Notices(logging.INFO))
        notices.setLevel(logging.INFO)
        notices.propagate = False


def _root(ctx: click.Context, rev: str | None = None) -> Path:
    """The registry to work on; a clear error when there is none here."""
    _show_notices()
    from registry.commands.output import find_root
    from registry.errors import RegistryError, UsageError
    from registry.load import is_registry

    given = ctx.obj.get("repo") if ctx.obj else None
    start = Path(given) if given else Path.cwd()
    if not start.is_dir():
        raise UsageError(f"-C {given}: no such folder")
    root = find_root(start)
    if rev is None and not is_registry(root):
        raise RegistryError(
            f"no registry in {root}: it has neither registry.yaml nor models/ "
            "(run this inside a registry repository, or point -C at one)"
        )
    if rev is None:
        from registry.write.txn import repair_if_interrupted

        repair_if_interrupted(root)
    return root


def _read_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--json, --rev and --at; --at is turned into the revision it names."""

    @functools.wraps(func)
    def with_at(*args: Any, at: str | None, **kwargs: Any) -> Any:
        if at is not None:
            from registry.refs import rev_at

            ctx = click.get_current_context()
            kwargs["rev"] = rev_at(_root(ctx, kwargs.get("rev")), at, kwargs.get("rev"))
        return func(*args, **kwargs)

    out: Callable[..., Any] = click.option(
        "--json", "as_json", is_flag=True, help="Print JSON for programs."
    )(with_at)
    out = click.option("--rev", metavar="REF", help=_REV_HELP)(out)
    return click.option("--at", metavar="DATETIME", help=_AT_HELP)(out)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "-C",
    "--repo",
    metavar="DIR",
    help="The registry repository (default: found from the current folder upwards).",
)
@click.version_option(package_name="git-model-registry", prog_name="registry")
@click.pass_context
def cli(ctx: click.Context, repo: str | None) -> None:
    """A git-native model registry: YAML records in git, artifacts in DVC."""
    ctx.obj = {"repo": repo}


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
    ctx.exit(cmd.run(_root(ctx, rev), base=base, rev=rev, fmt=fmt, strict=strict, paths=paths))


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

    ctx.exit(cmd.run(_root(ctx), check=check_only, forge=forge, output=output))


@cli.command("list")
@_read_options
@click.pass_context
def list_(ctx: click.Context, rev: str | None, as_json: bool) -> None:
    """List models with their latest, production and staging versions and aliases."""
    from registry.commands import listing

    ctx.exit(listing.run(_root(ctx, rev), rev=rev, as_json=as_json))


@cli.command()
@click.argument("ref", metavar="MODEL[/N|@ALIAS|:STAGE]")
@_read_options
@click.pass_context
def show(ctx: click.Context, ref: str, rev: str | None, as_json: bool) -> None:
    """Show a model (with its versions) or one version.

    REF may also be a URI: models:/fraud-detector@champion, models:/fraud-detector/3.
    """
    from registry.commands import show as cmd

    ctx.exit(cmd.run(_root(ctx, rev), ref, rev=rev, as_json=as_json))


@cli.command()
@click.argument("target", metavar="[MODEL[/N]]", required=False)
@click.option(
    "--since", metavar="DATE", help="Only changes at or after DATE (2026-03-01 or 2026-03-01T09:00Z)."
)
@click.option("--until", metavar="DATE", help="Only changes at or before DATE (a bare date: that whole day).")
@_read_options
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

    ctx.exit(cmd.run(_root(ctx, rev), target, rev=rev, since=since, until=until, as_json=as_json))


@cli.group()
def site() -> None:
    """The static catalog: Markdown pages for any MkDocs-compatible engine, or a built site."""


@site.command("generate")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), help="Folder to write into.")
@click.option("--rev", metavar="REF", help=_REV_HELP)
@click.option("--directory-urls", is_flag=True, help="Links for use_directory_urls: true.")
@click.pass_context
def site_generate(ctx: click.Context, out: str, rev: str | None, directory_urls: bool) -> None:
    """Write the catalog's pages (Markdown), JSON API and assets to a folder."""
    from registry.commands import site as cmd

    ctx.exit(cmd.generate(_root(ctx, rev), Path(out), rev, directory_urls))


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

    ctx.exit(cmd.build(_root(ctx), Path(out) if out else None, strict))


@cli.command()
@click.option("--addr", default="127.0.0.1:8000", show_default=True, help="HOST:PORT to serve on.")
@click.pass_context
def serve(ctx: click.Context, addr: str) -> None:
    """Serve the catalog locally; pages rebuild when records change."""
    from registry.commands import site as cmd

    ctx.exit(cmd.serve(_root(ctx), addr))


@cli.command("lineage")
@click.argument("target", metavar="MODEL[/N]")
@click.option("--upstream", "direction", flag_value="up", help="Only what it came from.")
@click.option("--downstream", "direction", flag_value="down", help="Only what came from it.")
@click.option("--dot", "fmt", flag_value="dot", help="Graphviz DOT.")
@click.option("--mermaid", "fmt", flag_value="mermaid", help="A Mermaid flowchart.")
@_read_options
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
    ctx.exit(cmd.run(_root(ctx, rev), target, rev=rev, direction=direction or "both", fmt=chosen))


@cli.command()
@click.argument("uri", metavar="URI")
@_read_options
@click.pass_context
def resolve(ctx: click.Context, uri: str, rev: str | None, as_json: bool) -> None:
    """Resolve models:/name@alias (or /N, /stage) to a fixed models:/name/N."""
    from registry.commands import show as cmd

    ctx.exit(cmd.run_resolve(_root(ctx, rev), uri, rev=rev, as_json=as_json))


@cli.command()
@click.argument("filter_text", metavar="FILTER", default="")
@click.option(
    "--order-by", multiple=True, metavar="KEY [ASC|DESC]", help="e.g. 'metrics.f1 DESC'; repeatable."
)
@click.option("--max-results", type=click.IntRange(min=1), metavar="N", help="Return at most N versions.")
@_read_options
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
            _root(ctx, rev),
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
@_read_options
@click.pass_context
def compare(ctx: click.Context, model: str, a: str, b: str, rev: str | None, as_json: bool) -> None:
    """Compare two versions' stage, metrics, params and tags (A, B: N, @alias or :stage)."""
    from registry.commands import compare as cmd

    ctx.exit(cmd.run(_root(ctx, rev), model, a, b, rev=rev, as_json=as_json))


@cli.command()
@click.argument("uri", metavar="URI")
@click.option("-o", "--output", metavar="PATH", help="Copy the verified artifact here (a file or a folder).")
@click.pass_context
def pull(ctx: click.Context, uri: str, output: str | None) -> None:
    """Fetch a version's artifact through DVC and verify its md5 against the record.

    URI: models:/name/3, models:/name@champion, models:/name/production
    (or name/3, name@alias, name:stage). Prints the verified file's path.
    """
    from registry.commands import pull as cmd

    ctx.exit(cmd.run(_root(ctx), uri, output))


# -- writes: each is one commit ------------------------------------------------


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
@click.pass_context
def init(ctx: click.Context, directory: str | None, forge: str | None, remote: str | None) -> None:
    """Make DIR (default: the current folder) a new registry, in one commit.

    Writes registry.yaml, an empty models/, the catalog's mkdocs.yml, a
    README, .gitignore and the forge's CI, and sets up git and DVC with a
    default remote. DIR must be empty (an empty git repository will do).
    Run on a registry, it adds the files of init's that are missing,
    overwrites nothing and commits nothing.
    """
    from registry.commands import init as cmd

    given = ctx.obj.get("repo") if ctx.obj else None
    _show_notices()
    ctx.exit(cmd.run(Path(given) if given else Path.cwd(), directory, forge, remote))


def _change_options(
    func: Callable[..., Any], *, push_help: str = "Push the branch to origin afterwards."
) -> Callable[..., Any]:
    func = click.option(
        "--pr",
        is_flag=True,
        help="Push a new branch and open a pull request (gh or glab if logged in, else print its URL).",
    )(func)
    func = click.option("--push", is_flag=True, help=push_help)(func)
    func = click.option(
        "--branch",
        is_flag=False,
        flag_value="",
        default=None,
        metavar="[NAME]",
        help="Commit on a new branch (default name: registry/<change>), leaving the work tree alone.",
    )(func)
    return func


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
    "--data", multiple=True, metavar="PATH", help="A dataset in this repository (DVC-tracked or not)."
)
@click.option("--code", metavar="DIR", help="The training code's git checkout (default: the current folder).")
@click.option("--code-commit", metavar="SHA", help="The training code's commit (default: HEAD of --code).")
@click.option("--code-repo", metavar="URL", help="The training code's repository (default: its origin).")
@click.option("--code-path", metavar="PATH", help="The training script, inside the code repository.")
@click.option("--run-id", metavar="ID", help="The training run (MLflow run id, say).")
@click.option("--stage", help="Start in this stage instead of the first one (transitions apply).")
@functools.partial(
    _change_options, push_help="Upload the artifact to the DVC remote (and push the --branch to origin)."
)
@click.pass_context
def register(ctx: click.Context, /, model: str, artifact: str, **options: Any) -> None:
    """Register ARTIFACT (a file or a folder) as the next version of MODEL, in one commit.

    Creates the model on first use, copies the artifact to
    models/MODEL/artifacts/N/, tracks it with DVC (a folder as one output, as
    `dvc add` makes it), fills the record's md5 and size (and a folder's file
    count) from DVC's own hash, checks the result and commits.
    """
    from registry.commands import register as cmd

    ctx.exit(cmd.run(_root(ctx), model, artifact, **options))


@cli.command()
@click.argument("model")
@click.argument("version", type=click.IntRange(min=1))
@click.argument("stage")
@click.option("--reason", help="Why; recorded in the commit's Reason trailer.")
@_change_options
@click.pass_context
def promote(
    ctx: click.Context,
    model: str,
    version: int,
    stage: str,
    reason: str | None,
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

    ctx.exit(cmd.run(_root(ctx), model, version, stage, reason, branch, push, pr))


@cli.command()
@click.argument("model")
@click.argument("version", type=click.IntRange(min=1))
@click.option("--reason", help="Why; recorded in the commit's Reason trailer.")
@_change_options
@click.pass_context
def archive(
    ctx: click.Context, model: str, version: int, reason: str | None, branch: str | None, push: bool, pr: bool
) -> None:
    """Move VERSION of MODEL to the archive stage, in one commit."""
    from registry.commands import archive as cmd

    ctx.exit(cmd.run(_root(ctx), model, version, reason, branch, push, pr))


@cli.command()
@click.argument("model")
@click.option("--to", "to", type=click.IntRange(min=1), metavar="N", help="The version to put back.")
@click.option(
    "--stage",
    help="The stage to roll back (default: the live stage, production unless registry.yaml says otherwise).",
)
@click.option("--reason", help="Why; recorded in the commit's Reason trailer.")
@_change_options
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

    ctx.exit(cmd.run(_root(ctx), model, to, stage, reason, branch, push, pr))


@cli.group()
def alias() -> None:
    """Point an alias (champion, challenger...) at a version, or remove it."""


@alias.command("set")
@click.argument("model")
@click.argument("name", metavar="ALIAS")
@click.argument("version", type=click.IntRange(min=1))
@_change_options
@click.pass_context
def alias_set(
    ctx: click.Context, model: str, name: str, version: int, branch: str | None, push: bool, pr: bool
) -> None:
    """Point ALIAS of MODEL at VERSION (its gate, if protected, must hold)."""
    from registry.commands import alias as cmd

    ctx.exit(cmd.run_set(_root(ctx), model, name, version, branch, push, pr))


@alias.command("rm")
@click.argument("model")
@click.argument("name", metavar="ALIAS")
@_change_options
@click.pass_context
def alias_rm(ctx: click.Context, model: str, name: str, branch: str | None, push: bool, pr: bool) -> None:
    """Remove ALIAS from MODEL."""
    from registry.commands import alias as cmd

    ctx.exit(cmd.run_rm(_root(ctx), model, name, branch, push, pr))


@cli.group()
def tag() -> None:
    """Set or remove a tag on a model or a version."""


@tag.command("set")
@click.argument("target", metavar="MODEL[/N]")
@click.argument("key")
@click.argument("value")
@_change_options
@click.pass_context
def tag_set(
    ctx: click.Context, target: str, key: str, value: str, branch: str | None, push: bool, pr: bool
) -> None:
    """Set tag KEY to VALUE on a model (MODEL) or a version (MODEL/N)."""
    from registry.commands import tag as cmd

    ctx.exit(cmd.run_set(_root(ctx), target, key, value, branch, push, pr))


@tag.command("rm")
@click.argument("target", metavar="MODEL[/N]")
@click.argument("key")
@_change_options
@click.pass_context
def tag_rm(ctx: click.Context, target: str, key: str, branch: str | None, push: bool, pr: bool) -> None:
    """Remove tag KEY from a model (MODEL) or a version (MODEL/N)."""
    from registry.commands import tag as cmd

    ctx.exit(cmd.run_rm(_root(ctx), target, key, branch, push, pr))


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("--reason", help="Why; recorded in the commit's Reason trailer.")
@click.pass_context
def rename(ctx: click.Context, old: str, new: str, reason: str | None) -> None:
    """Rename model OLD to NEW (git mv, one commit); OLD keeps resolving as a former name."""
    from registry.commands import rename as cmd

    ctx.exit(cmd.run(_root(ctx), old, new, reason))


@cli.command()
@click.argument("target", metavar="MODEL[/N]")
@click.argument("text", metavar="TEXT|@FILE")
@_change_options
@click.pass_context
def describe(ctx: click.Context, target: str, text: str, branch: str | None, push: bool, pr: bool) -> None:
    """Replace the Markdown description of a model or a version (@file.md reads a file)."""
    from registry.commands import describe as cmd

    ctx.exit(cmd.run(_root(ctx), target, text, branch, push, pr))


@cli.command()
@click.argument("name", type=click.Choice(list(schemas.NAMES)))
@click.pass_context
def schema(ctx: click.Context, name: str) -> None:
    """Print the JSON Schema of registry.yaml, model.yaml or a version record."""
    from registry.commands import schema as cmd

    ctx.exit(cmd.run(name))


OK = 0
"""Done as asked (``check``: no problems)."""
FAILED = 1
"""Problems found, or a :class:`~registry.errors.RegistryError`."""
USAGE = 2
"""click's usage errors and :class:`~registry.errors.UsageError`."""
BUG = 3
"""An unexpected exception; its traceback goes to a log file."""
INTERRUPTED = 130
"""Ctrl-C: 128 + SIGINT, as a shell reports a process that SIGINT stopped."""


def _log_crash(exc: BaseException) -> str:
    fd, path = tempfile.mkstemp(prefix="registry-crash-", suffix=".log")
    with os.fdopen(fd, "w") as fh:
        fh.write("".join(traceback.format_exception(exc)))
    return path


def _safe(message: str) -> str:
    from registry.commands.output import terminal

    return terminal(message)


def exit_code(exc: BaseException) -> int:
    """Tell the user why a command stopped (one line on stderr) and return its exit code."""
    from registry.errors import RegistryError, UsageError

    if isinstance(exc, click.exceptions.Exit):  # ctx.exit(code), --help, --version
        return exc.exit_code
    if isinstance(exc, click.exceptions.Abort):  # click's form of Ctrl-C
        click.echo("aborted", err=True)
        return INTERRUPTED
    if isinstance(exc, KeyboardInterrupt):
        click.echo("interrupted", err=True)
        return INTERRUPTED
    if isinstance(exc, click.ClickException):
        exc.show()
        return USAGE
    if isinstance(exc, BrokenPipeError):  # the reader went away (registry list | head)
        sys.stderr.close()
        return OK
    if isinstance(exc, RegistryError):
        click.echo(f"registry: {_safe(str(exc))}", err=True)  # a message may quote record text
        return USAGE if isinstance(exc, UsageError) else FAILED
    path = _log_crash(exc)  # a bug: keep the trace, show one line
    click.echo(
        f"registry: internal error: {type(exc).__name__}: {_safe(str(exc))} (details in {path})", err=True
    )
    return BUG


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a command's own code (``ctx.exit``), or :func:`exit_code` of what stopped it."""
    try:
        result = cli.main(args=argv, prog_name="registry", standalone_mode=False)
    except (Exception, KeyboardInterrupt) as exc:
        return exit_code(exc)
    return result if isinstance(result, int) else OK


if __name__ == "__main__":
    sys.exit(main())
