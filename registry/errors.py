"""The project's exceptions. The CLI turns them into exit codes in one place."""

from __future__ import annotations

from typing import Any


class RegistryError(Exception):
    """A problem the user can fix: exit 1 with a one-line message."""

    exit_code = 1


class UsageError(RegistryError):
    """Bad command-line input: exit 2."""

    exit_code = 2


class NotFound(RegistryError):
    """A model, version, alias or stage that does not exist."""


class GitError(RegistryError):
    """A git command failed; carries the command, exit code and stderr."""

    def __init__(self, cmd: list[str], code: int, stderr: str) -> None:
        self.cmd = cmd
        self.code = code
        self.stderr = stderr
        super().__init__(f"{' '.join(cmd)} failed (exit {code}): {stderr}")

    def __reduce__(self) -> tuple[Any, ...]:  # as raised in a forked process, rebuilt in this one
        return type(self), (self.cmd, self.code, self.stderr)


class UnreadableObject(GitError):
    """git could not read an object the registry needs: it is missing or damaged."""

    def __init__(self, cmd: list[str], code: int, stderr: str, object_id: str) -> None:
        self.object_id = object_id
        super().__init__(cmd, code, stderr)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.cmd, self.code, self.stderr, self.object_id)
