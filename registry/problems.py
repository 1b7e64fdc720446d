"""Problems found in a registry, and how they are printed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from registry.check.rules import CATALOGUE, ERROR, WARNING, Rule

__all__ = ["ERROR", "WARNING", "Problem", "Rule", "format_problems", "locate", "within"]


@dataclass(frozen=True)
class Problem:
    """One finding: ``path:line: rule: message``.

    ``where`` is the path of the YAML node inside the file (``("metrics",
    "f1")``); the line is looked up from it only when the problem is shown.
    ``key`` points the line at the node's key rather than its value.
    """

    path: str
    rule: str
    message: str
    where: tuple[str | int, ...] = ()
    line: int | None = None
    severity: str = ERROR
    key: bool = False

    def __post_init__(self) -> None:
        if self.rule not in CATALOGUE:
            raise ValueError(f"{self.rule!r} is not a rule of the catalogue (registry/check/rules.py)")

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line or 0, self.rule, self.message)

    def __str__(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line else self.path
        sev = "" if self.severity == ERROR else f"{self.severity}: "
        return f"{loc}: {self.rule}: {sev}{self.message}"


def locate(problems: Iterable[Problem], read_many: Callable[[list[str]], dict[str, bytes]]) -> list[Problem]:
    """Fill in missing line numbers and sort. The files are read in one call
    (one ``git cat-file`` at a revision); a file that cannot be read keeps no line."""
    from registry import yamlsafe

    found = list(problems)
    wanted = sorted({p.path for p in found if p.line is None and p.path.endswith((".yaml", ".yml", ".dvc"))})
    contents = read_many(wanted) if wanted else {}
    out = []
    for p in found:
        data = contents.get(p.path) if p.line is None else None
        if data is not None:
            p = replace(p, line=yamlsafe.line_of(data, p.where, key=p.key) or 1)
        out.append(p)
    return sorted(out, key=Problem.sort_key)


def _folders(path: str) -> list[str]:
    """The folders that hold ``path``: ``a/b/c`` -> ``a``, ``a/b``."""
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def within(problems: Iterable[Problem], paths: Iterable[str]) -> list[Problem]:
    """The problems reported in these files or folders (registry-relative,
    ``/``-separated), and those reported on a folder that holds one of them
    (a version gap is reported on ``models/<name>/versions``)."""
    wanted = set(paths)
    holders = {folder for path in wanted for folder in _folders(path)}

    def hit(path: str) -> bool:
        return path in wanted or path in holders or any(f in wanted for f in _folders(path))

    return [p for p in problems if hit(p.path)]


def _escape_property(text: str) -> str:
    return (
        text.replace("%", "%25")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
        .replace(":", "%3A")
        .replace(",", "%2C")
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def format_problems(problems: Sequence[Problem], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            [
                {
                    "path": p.path,
                    "line": p.line,
                    "rule": p.rule,
                    "severity": p.severity,
                    "message": p.message,
                }
                for p in problems
            ],
            indent=2,
            sort_keys=True,
        )
    if fmt == "gitlab":  # GitLab's code quality report (Code Climate's format): inline on the merge request
        return json.dumps(
            [
                {
                    "description": f"{p.rule}: {p.message}",
                    "check_name": p.rule,
                    "fingerprint": hashlib.sha256(f"{p.path}\0{p.rule}\0{p.message}".encode()).hexdigest(),
                    "severity": "major" if p.severity == ERROR else "minor",
                    "location": {"path": p.path, "lines": {"begin": p.line or 1}},
                }
                for p in problems
            ],
            indent=2,
        )
    if fmt == "github":
        lines = []
        for p in problems:
            props = f"file={_escape_property(p.path)}"
            if p.line:
                props += f",line={p.line}"
            props += f",title={_escape_property(p.rule)}"
            lines.append(f"::{p.severity} {props}::{_escape_data(p.rule + ': ' + p.message)}")
        return "\n".join(lines)
    return "\n".join(str(p) for p in problems)
