"""The ``local-remote`` rule: a default DVC remote that only the machine that
made it can reach.

``registry init`` makes a folder beside the registry its default remote, so
that a first registry works offline; a clone elsewhere (CI, the deploy box,
a colleague) reads the same ``.dvc/config`` and looks for that folder
beside itself. A folder inside the repository (committed with it, as the
example registry's is) and any URL (``s3://``, ``ssh://``...) reach every
clone. Only the committed ``.dvc/config`` counts: ``config.local`` is one
machine's.
"""

from __future__ import annotations

import configparser
import os
from pathlib import Path

from registry import git
from registry.check.rules import WARNING, Rule
from registry.errors import GitError
from registry.problems import Problem

CONFIG = ".dvc/config"


def default_remote(text: str) -> tuple[str, str] | None:
    """(name, url) of the default remote in the text of a ``.dvc/config``; None without one."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None  # DVC itself says what is wrong with it
    name = parser.get("core", "remote", fallback="").strip()
    section = f"'remote \"{name}\"'"
    if not name or not parser.has_section(section):
        return None
    return name, parser.get(section, "url", fallback="").strip()


def local_remote(root: Path, rev: str | None = None) -> list[Problem]:
    """A warning when the default remote (of ``.dvc/config`` in the work tree,
    or at ``rev``) is a folder outside the repository."""
    try:
        raw = (root / CONFIG).read_bytes() if rev is None else git.file_at(root, rev, CONFIG)
    except (OSError, GitError):
        return []  # no DVC here
    found = default_remote(raw.decode("utf-8", "replace"))
    if found is None:
        return []
    name, url = found
    if not url or ("://" in url and not url.startswith("file://")):
        return []
    folder = Path(os.path.normpath(root / ".dvc" / url.removeprefix("file://")))
    top = Path(os.path.normpath(root.resolve()))
    if folder.resolve().is_relative_to(top):
        return []  # committed with the repository: every clone has it
    seen = (
        "at that path on their own machine"
        if os.path.isabs(url.removeprefix("file://"))
        else f"for {url} beside themselves"
    )
    return [
        Problem(
            CONFIG,
            Rule.LOCAL_REMOTE,
            f"the default DVC remote {name!r} is the folder {folder.resolve()} on this machine: other clones "
            f"(CI, a deploy box, a colleague's) look {seen} and cannot pull; point it "
            f"at shared storage: `dvc remote modify {name} url s3://bucket/path` (or ssh://, gs://...), "
            "unless every machine mounts that folder",
            severity=WARNING,
        )
    ]
