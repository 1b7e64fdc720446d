"""Every exception of the project, under :class:`RegistryError`.

The command line turns them into exit codes in one place (``registry.cli``):
a :class:`UsageError` exits 2, any other :class:`RegistryError` exits 1, and
anything else is a bug. The modules that raise them also re-export their
own (``registry.dvc.DvcError``, ``registry.write.WriteRefused``...), so
either import works.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self


class RegistryError(Exception):
    """A problem the user can fix: exit 1 with a one-line message.

    ``exit_code`` is the code ``registry.cli`` exits with for it, for
    programs that report errors as the command line does."""

    exit_code = 1


class UsageError(RegistryError):
    """Bad input (an argument, an option, a reference that names nothing usable): exit 2."""

    exit_code = 2


class NotFound(RegistryError):
    """A model, version, alias or stage that does not exist."""


# -- programs the registry runs ----------------------------------------------

TAIL_LINES = 20
"""How many of a failed command's last stderr lines its error keeps."""


def last_lines(text: str, count: int = TAIL_LINES) -> str:
    """The last ``count`` lines of ``text``, without surrounding blank space."""
    return "\n".join(text.strip().splitlines()[-count:])


class CommandFailed(RegistryError):
    """A program the registry runs (git, DVC, MkDocs, a forge's CLI) failed.

    ``argv`` is the command as run, ``returncode`` its exit status (127: it
    is not installed, 126: it could not be started, 124: it was stopped
    after its time limit) and ``stderr`` the last :data:`TAIL_LINES` lines
    of its error output. An error about the tool that ran no command has an
    empty ``argv`` and no ``returncode``."""

    def __init__(
        self, message: str, *, argv: Sequence[str] = (), returncode: int | None = None, stderr: str = ""
    ) -> None:
        super().__init__(message)
        self.argv = list(argv)
        self.returncode = returncode
        self.stderr = stderr

    @classmethod
    def of(cls, argv: Sequence[str], returncode: int, stderr: str, stdout: str = "") -> Self:
        """The error of ``argv``, which exited with ``returncode`` and wrote ``stderr``."""
        tail = last_lines(stderr)
        return cls(
            cls.describe(argv, returncode, tail, stdout), argv=argv, returncode=returncode, stderr=tail
        )

    @classmethod
    def describe(cls, argv: Sequence[str], returncode: int, stderr: str, stdout: str) -> str:
        """The message: ``git log -1 failed (exit 128): fatal: ...``."""
        return f"{' '.join(argv)} failed (exit {returncode}): {stderr}"


class GitError(CommandFailed):
    """A git command failed; carries the command, exit code and stderr."""

    @property
    def cmd(self) -> list[str]:
        """The command, ``git`` first (``argv``)."""
        return self.argv

    @property
    def code(self) -> int | None:
        """git's exit status (``returncode``)."""
        return self.returncode


class UnreadableObject(GitError):
    """git could not read an object the registry needs: it is missing or damaged."""

    object_id: str = ""

    @classmethod
    def of_object(cls, argv: Sequence[str], returncode: int, stderr: str, object_id: str) -> Self:
        error = cls.of(argv, returncode, stderr)
        error.object_id = object_id
        return error


class RefMoved(GitError):
    """HEAD was not where the change was built on: someone else committed meanwhile."""


class DvcError(CommandFailed):
    """DVC is missing, a DVC command failed, or DVC's files say what cannot be."""

    @classmethod
    def describe(cls, argv: Sequence[str], returncode: int, stderr: str, stdout: str) -> str:
        """``dvc fetch -- x.dvc failed: ...``: DVC's last lines (of stderr, else stdout), on one line."""
        detail = (stderr or stdout).strip().splitlines()
        return f"dvc {' '.join(argv[1:])} failed: {' '.join(detail[-3:]) or f'exit {returncode}'}"


# -- writes --------------------------------------------------------------------


class WriteRefused(RegistryError):
    """The change was not made; nothing was changed."""


class SourceError(RegistryError):
    """The registry being imported could not be read (``registry import``, ``sync``);
    what was imported before stays, and running it again carries on."""


class LockTimeout(RegistryError):
    """Another registry write held the lock for longer than the wait allows."""


class Unfinished(RegistryError):
    """The change is committed, but the work tree could not be brought to it yet."""


# -- pull ----------------------------------------------------------------------


class ArtifactMismatch(RegistryError):
    """The bytes DVC produced are not the ones the record names."""


class PointerRefused(RegistryError):
    """The artifact's ``.dvc`` pointer breaks a rule of ``registry check``."""


class DestinationError(RegistryError):
    """A destination that cannot take the artifact."""


# -- reading files and filters ---------------------------------------------------


@dataclass(frozen=True)
class YamlError(RegistryError):
    """A document that cannot be read; ``rule`` names the check that failed."""

    rule: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return self.message


class MarkerError(RegistryError, ValueError):
    """A CODEOWNERS file whose BEGIN and END markers are not one well-formed pair.

    Also a ValueError, as it was before it joined this hierarchy."""


class SearchError(UsageError):
    """A malformed filter or order-by clause; ``position`` is a 0-based offset into ``text``."""

    def __init__(self, message: str, position: int | None = None, text: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.text = text

    def __str__(self) -> str:
        if self.position is None or not self.text:
            return self.message
        start = self.text.rfind("\n", 0, self.position) + 1
        end = self.text.find("\n", self.position)
        line = "".join(c if c.isprintable() else " " for c in self.text[start : None if end < 0 else end])
        return f"{self.message}\n  {line}\n  {' ' * (self.position - start)}^"
