"""The static catalog: pages rendered from the registry, its history and lineage.

``render.build`` is the pure core (no MkDocs); ``plugin`` is the thin MkDocs
layer; ``collect`` gathers what the pages are made from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry.history import Event
from registry.records import Lineage, Version
from registry.site.context import SiteData


def collect(root: Path, rev: str | None = None, known: dict[Any, Any] | None = None) -> SiteData:
    """The registry (work tree, or ``rev``), its history up to HEAD (or ``rev``) and its lineage graph.

    ``known`` (kept by ``serve`` between builds) remembers the history while
    HEAD stays the same commit, and each version's lineage by its file's git
    hash, so a rebuild after an edit reads only what changed."""
    from registry import git, lineage
    from registry.history import events
    from registry.load import load

    reg = load(root, rev)
    head = git.head_commit(root)
    known = {} if known is None else known
    history_key = ("history", head)
    found: list[Event] | None = known.get(history_key) if rev is None else None
    if found is None:
        found = events(root, rev or "HEAD") if head else []
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


def generate(root: Path, out: Path, *, rev: str | None = None, directory_urls: bool = False) -> int:
    """Write the catalog's Markdown, JSON and assets under ``out``; return the number of files."""
    from registry.site.render import build, write

    return write(
        build(collect(root, rev), directory_urls=directory_urls, overrides=root / "site_templates"), out
    )
