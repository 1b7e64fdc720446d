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

import os
import sys
import tempfile
import traceback

import click

from registry.cli import (  # the commands, attached to the group
    imports as imports,
    read as read,
    write as write,
)
from registry.cli.group import cli as cli

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
