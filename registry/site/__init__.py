"""The static catalog: pages rendered from the registry, its history and lineage.

``render.build`` is the pure core (no MkDocs); ``plugin`` is the thin MkDocs
layer; ``collect`` gathers what the pages are made from.
"""

from __future__ import annotations

from pathlib import Path

from registry.site.render import SiteData


def collect(root: Path, rev: str | None = None) -> SiteData:
    """The registry (work tree, or ``rev``), its history up to HEAD (or ``rev``) and its lineage graph."""
    from registry import git, lineage
    from registry.history import events
    from registry.load import load

    reg = load(root, rev)
    found = events(root, rev or "HEAD") if git.head_commit(root) else []
    return SiteData(reg, found, lineage.build(reg.models))


def generate(root: Path, out: Path, *, rev: str | None = None, directory_urls: bool = False) -> int:
    """Write the catalog's Markdown, JSON and assets under ``out``; return the number of files."""
    from registry.site.render import build, write

    return write(
        build(collect(root, rev), directory_urls=directory_urls, overrides=root / "site_templates"), out
    )
