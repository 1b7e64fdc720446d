"""The ``registry`` command group and what its commands share: finding the
registry (and repairing an interrupted write), --json/--rev/--at, the
options of every change, and the printer of the core's notices."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

REV_HELP = "Read the registry as of this git revision (branch, tag or commit), without a checkout."
AT_HELP = (
    "Read the registry as it was at this moment on the current branch (or --rev): "
    "2026-03-01T09:00Z, 2026-03-01 for the start of that day (UTC unless an offset is given), "
    "yesterday, '2 hours ago' or -2h."
)


def show_notices() -> None:
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


def registry_root(ctx: click.Context, rev: str | None = None) -> Path:
    """The registry to work on; a clear error when there is none here."""
    show_notices()
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


def read_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--json, --rev and --at; --at is turned into the revision it names."""

    @functools.wraps(func)
    def with_at(*args: Any, at: str | None, **kwargs: Any) -> Any:
        if at is not None:
            from registry.refs import rev_at

            ctx = click.get_current_context()
            kwargs["rev"] = rev_at(registry_root(ctx, kwargs.get("rev")), at, kwargs.get("rev"))
        return func(*args, **kwargs)

    out: Callable[..., Any] = click.option(
        "--json", "as_json", is_flag=True, help="Print JSON for programs."
    )(with_at)
    out = click.option("--rev", metavar="REF", help=REV_HELP)(out)
    return click.option("--at", metavar="DATETIME", help=AT_HELP)(out)


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


def change_options(
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
