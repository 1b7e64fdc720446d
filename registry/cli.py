"""The ``registry`` command line: parses arguments and dispatches, nothing more.

Exit codes are decided here, in one place: 0 ok, 1 a problem the user can
fix (or problems found by ``check``), 2 usage or internal error, 130 Ctrl-C.
"""

from __future__ import annotations

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


def _root(ctx: click.Context, rev: str | None = None) -> Path:
    """The registry to work on; a clear error when there is none here."""
    from registry.commands.output import find_root
    from registry.errors import RegistryError, UsageError

    given = ctx.obj.get("repo") if ctx.obj else None
    start = Path(given) if given else Path.cwd()
    if not start.is_dir():
        raise UsageError(f"-C {given}: no such folder")
    root = find_root(start)
    if rev is None and not (root / "models").is_dir() and not (root / "registry.yaml").is_file():
        raise RegistryError(
            f"no registry in {root}: it has neither registry.yaml nor models/ "
            "(run this inside a registry repository, or point -C at one)"
        )
    return root


def _read_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--json", "as_json", is_flag=True, help="Print JSON for programs.")(func)
    func = click.option("--rev", metavar="REF", help=_REV_HELP)(func)
    return func


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
@click.option(
    "--base", metavar="REF", help="Also check the change from this revision (what CI runs on a PR)."
)
@click.option("--rev", metavar="REF", help="Check the registry as of this revision instead of the work tree.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="github prints workflow commands, so problems show inline on the pull request.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings (such as policy changes) too.")
@click.pass_context
def check(ctx: click.Context, base: str | None, rev: str | None, fmt: str, strict: bool) -> None:
    """Validate records, names, versions, aliases, lineage, artifacts and policy.

    Prints one line per problem, `path:line: rule: message`. Exit 0 when
    clean, 1 when problems were found, 2 on usage or internal errors.
    """
    from registry.commands import check as cmd

    ctx.exit(cmd.run(_root(ctx, rev), base=base, rev=rev, fmt=fmt, strict=strict))


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
@click.argument("name", type=click.Choice(list(schemas.NAMES)))
def schema(name: str) -> None:
    """Print the JSON Schema of registry.yaml, model.yaml or a version record."""
    from registry.commands import schema as cmd

    sys.exit(cmd.run(name))


def _log_crash() -> str:
    fd, path = tempfile.mkstemp(prefix="registry-crash-", suffix=".log")
    with os.fdopen(fd, "w") as fh:
        fh.write(traceback.format_exc())
    return path


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and translate exceptions into exit codes."""
    from registry.errors import RegistryError

    try:
        result = cli.main(args=argv, prog_name="registry", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except RegistryError as exc:
        click.echo(f"registry: {exc}", err=True)
        return exc.exit_code
    except Exception as exc:  # a bug: keep the trace, show one line
        path = _log_crash()
        click.echo(f"registry: internal error: {type(exc).__name__}: {exc} (details in {path})", err=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
