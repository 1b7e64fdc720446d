"""Every program the registry runs (git, DVC, MkDocs, ``gh`` and ``glab``) starts here.

:func:`run` runs a command to its end and returns its output; :func:`start`
begins one that runs while this process works. A failure raises the
:class:`~registry.errors.CommandFailed` subclass the caller names
(``GitError``, ``DvcError``), carrying the command, its exit status and the
last lines of its stderr. Children get :func:`environment`: this process's
variables without the ``GIT_*`` ones that would point git at another
repository, index or work tree (a hook's ``GIT_DIR`` and ``GIT_INDEX_FILE``,
say). DVC and the forges' CLIs run git themselves, so they get the same.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from registry.errors import CommandFailed

KEEP_GIT = (
    "GIT_AUTHOR_",
    "GIT_COMMITTER_",
    "GIT_CONFIG",
    "GIT_SSH",
    "GIT_SSL_",
    "GIT_ASKPASS",
    "GIT_TERMINAL_PROMPT",
    "GIT_EXEC_PATH",
    "GIT_HTTP_",
    "GIT_TRACE",
    "GIT_NO_REPLACE_OBJECTS",  # the user's view of history (git --no-replace-objects): keep it
)
"""The ``GIT_*`` variables a child keeps: who commits, git's configuration,
how to reach a remote, tracing. Every other ``GIT_*`` variable is removed."""

NOT_FOUND = 127
CANNOT_RUN = 126
TIMED_OUT = 124
"""The exit statuses reported for a command that could not run to its end, as a shell reports them."""


def environment(**extra: str) -> dict[str, str]:
    """This process's environment for a child: without the ``GIT_*``
    variables outside :data:`KEEP_GIT`, with ``extra`` set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k.startswith(KEEP_GIT)}
    env.update(extra)
    return env


def _unstarted(argv: Sequence[str], exc: OSError, error: type[CommandFailed]) -> CommandFailed:
    if isinstance(exc, FileNotFoundError):
        return error.of(argv, NOT_FOUND, f"{argv[0]} is not installed or not on PATH")
    return error.of(argv, CANNOT_RUN, f"cannot run {argv[0]}: {exc.strerror or exc}")


def run(
    argv: Sequence[str],
    cwd: Path | str,
    *,
    env: Mapping[str, str] | None = None,
    input: bytes | None = None,
    check: bool = True,
    timeout: float | None = None,
    error: type[CommandFailed] = CommandFailed,
    stderr_to_terminal: bool = False,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``argv`` in ``cwd`` with ``input`` on its stdin (else this
    process's stdin), capturing its output as bytes (with
    ``stderr_to_terminal``, its stderr goes to this process's stderr, so
    that it can draw progress there; a failure then points at it).

    ``env`` defaults to :func:`environment`. With ``check``, a non-zero exit
    raises ``error`` (use :meth:`CommandFailed.of` to make one); without it,
    the caller reads ``returncode``. A command that cannot start, or that
    is still running after ``timeout`` seconds (it is then killed), raises
    ``error`` either way."""
    try:
        proc = subprocess.run(
            list(argv),
            cwd=cwd,
            input=input,
            stdout=subprocess.PIPE,
            stderr=None if stderr_to_terminal else subprocess.PIPE,
            env=dict(env) if env is not None else environment(),
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise error.of(argv, TIMED_OUT, f"stopped after {timeout:g} s") from None
    except OSError as exc:
        raise _unstarted(argv, exc, error) from None
    if check and proc.returncode != 0:
        said = "its messages are above" if stderr_to_terminal else _text(proc.stderr)
        raise error.of(argv, proc.returncode, said, _text(proc.stdout))
    return proc


class Started:
    """A command begun by :func:`start`; :meth:`finish` waits for it."""

    def __init__(
        self, popen: subprocess.Popen[bytes], argv: Sequence[str], error: type[CommandFailed]
    ) -> None:
        self._popen = popen
        self._argv = list(argv)
        self._error = error

    def finish(self) -> bytes:
        """Wait for the command; return what it wrote to a pipe (empty when its
        stdout is a file), or raise the error given to :func:`start`."""
        out, err = self._popen.communicate()
        if self._popen.returncode != 0:
            raise self._error.of(self._argv, self._popen.returncode, _text(err or b""))
        return out or b""


def start(
    argv: Sequence[str],
    cwd: Path | str,
    *,
    env: Mapping[str, str] | None = None,
    stdin: IO[bytes] | None = None,
    stdout: IO[bytes] | None = None,
    error: type[CommandFailed] = CommandFailed,
) -> Started:
    """Begin ``argv`` in ``cwd``; it runs while the caller works. Its stdin
    and stdout are the files given (stdout else a pipe), its stderr a pipe;
    ``env`` defaults to :func:`environment`."""
    try:
        popen = subprocess.Popen(
            list(argv),
            cwd=cwd,
            stdin=stdin,
            stdout=stdout if stdout is not None else subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else environment(),
        )
    except OSError as exc:
        raise _unstarted(argv, exc, error) from None
    return Started(popen, argv, error)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")
