"""The static catalog: pages rendered from the registry, its history and lineage.

``render.build`` is the pure core (no MkDocs); ``plugin`` is the thin MkDocs
layer; ``collect`` gathers what the pages are made from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry.errors import RegistryError, UnreadableObject
from registry.history import Event
from registry.records import Lineage, Version
from registry.site.context import SiteData


def collect(root: Path, rev: str | None = None, known: dict[Any, Any] | None = None) -> SiteData:
    """The registry (work tree, or ``rev``), its history up to HEAD (or ``rev``) and its lineage graph.

    ``known`` (kept by ``serve`` between builds) remembers the history while
    HEAD stays the same commit, and each version's lineage by its file's git
    hash, so a rebuild after an edit reads only what changed."""
    from registry import git, lineage
    from registry.load import load

    reg = load(root, rev)
    head = git.head_commit(root)
    known = {} if known is None else known
    history_key = ("history", head)
    found: list[Event] | None = known.get(history_key) if rev is None else None
    if found is None:
        found = _events(root, rev or "HEAD") if head else []
    now: dict[Any, Any] = {history_key: found}

    def lineage_of(v: Version) -> Lineage:
        key = (v.path, reg.blob(v.path))
        made = known.get(key)
        if made is None:
            made = v.lineage
        now[key] = made
        return made

    graph = lineage.build(reg.models, lineage_of)
    known.clear()
    known.update(now)
    return SiteData(reg, found, graph)


def _events(root: Path, rev: str) -> list[Event]:
    """The history of ``rev``; when git cannot read a record's blob, an error
    that names the record (the file whose history cannot be shown)."""
    from registry import git
    from registry.history import events

    try:
        return events(root, rev)
    except UnreadableObject as exc:
        paths = git.paths_of(root, exc.object_id, rev)
        if not paths:
            raise
        raise RegistryError(
            f"{paths[0]}: git cannot read one of this file's versions in history "
            f"(object {exc.object_id} is missing or damaged). `git fsck --full` lists what "
            "the repository has lost; fetching from a clone that still has it restores it"
        ) from exc


def generate(root: Path, out: Path, *, rev: str | None = None, directory_urls: bool = False) -> int:
    """Write the catalog's Markdown, JSON and assets under ``out``; return the number of files."""
    from registry.site.render import build, write

    return write(
        build(collect(root, rev), directory_urls=directory_urls, overrides=root / "site_templates"), out
    )
