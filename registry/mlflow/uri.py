"""The URIs of the plugin: the registry store's and the artifact repository's.

Store: ``git-registry:///abs/path/to/clone`` or ``git-registry:relative/path``
(relative to the working directory when the store is made), and in team
mode ``?branch=NAME`` (reads and writes on that branch) with
``&push=REMOTE`` (each write pushed). Artifacts:
``git-registry-artifact:///abs/root/?model=NAME&version=N``; the trailing
slash keeps MLflow's splitting of a URI into (root, artifact path) from
cutting the root's last folder off, so the URI also works given straight
to ``mlflow.artifacts.download_artifacts``.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from registry.errors import UsageError
from registry.write.commit import check_branch_name

STORE_SCHEME = "git-registry"
ARTIFACT_SCHEME = "git-registry-artifact"
_REMOTE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True)
class StoreLocation:
    """Where a ``git-registry:`` URI points: the clone's root (absolute), and
    team mode's branch and remote (``?branch=NAME&push=REMOTE``)."""

    root: Path
    branch: str | None = None
    """Reads and writes are this branch's (in a work tree of its own), not the clone's current one."""
    push: str | None = None
    """The git remote each write's branch is pushed to."""


@dataclass(frozen=True)
class ArtifactLocation:
    """What a ``git-registry-artifact:`` URI names: a version of a model of a registry."""

    root: Path
    model: str
    version: int


def _query(uri: str, query: str, allowed: tuple[str, ...]) -> dict[str, str]:
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise UsageError(f"{uri}: cannot read the query string {query!r}") from None
    found: dict[str, str] = {}
    for key, value in pairs:
        if key in found:
            raise UsageError(f"{uri}: {key!r} is given twice")
        found[key] = value
    unknown = sorted(k for k in found if k not in allowed)
    if unknown:
        known = ", ".join(allowed) if allowed else "none"
        raise UsageError(f"{uri}: unknown query key {unknown[0]!r} (known: {known})")
    return found


def parse_store_uri(uri: str) -> StoreLocation:
    """The location a ``git-registry:`` URI names; a relative path is taken from the working directory."""
    parsed = urllib.parse.urlsplit(uri)
    if parsed.scheme != STORE_SCHEME:
        raise UsageError(f"{uri!r} is not a {STORE_SCHEME}: URI")
    if parsed.netloc:
        raise UsageError(
            f"{uri}: a {STORE_SCHEME}: URI names no host; use {STORE_SCHEME}:///absolute/path "
            f"or {STORE_SCHEME}:relative/path"
        )
    query = _query(uri, parsed.query, ("branch", "push"))
    path = urllib.parse.unquote(parsed.path)
    if not path:
        raise UsageError(f"{uri}: name the registry's clone, e.g. {STORE_SCHEME}:///srv/registry")
    branch, remote = query.get("branch"), query.get("push")
    if branch is not None:
        check_branch_name(branch)
    if remote is not None and not _REMOTE.fullmatch(remote):
        raise UsageError(f"{uri}: ?push= names a git remote of the clone (such as origin), not {remote!r}")
    return StoreLocation(Path(path).absolute(), branch, remote)


def artifact_uri(root: Path, model: str, version: int) -> str:
    """The ``git-registry-artifact:`` URI of a version."""
    path = urllib.parse.quote(root.absolute().as_posix().rstrip("/") + "/")
    query = urllib.parse.urlencode({"model": model, "version": str(version)})
    return f"{ARTIFACT_SCHEME}://{path}?{query}"


def parse_artifact_uri(uri: str) -> ArtifactLocation:
    """The version a ``git-registry-artifact:`` URI names."""
    parsed = urllib.parse.urlsplit(uri)
    if parsed.scheme != ARTIFACT_SCHEME or parsed.netloc or not parsed.path.startswith("/"):
        raise UsageError(f"{uri!r} is not a {ARTIFACT_SCHEME}:///root/?model=NAME&version=N URI")
    query = _query(uri, parsed.query, ("model", "version"))
    model, version = query.get("model", ""), query.get("version", "")
    if not model or not (version.isascii() and version.isdigit() and int(version) > 0):
        raise UsageError(f"{uri}: needs ?model=NAME&version=N")
    return ArtifactLocation(Path(urllib.parse.unquote(parsed.path)), model, int(version))
