"""The catalog's pages as a pure function of the registry, its history, its
lineage graph and the templates: path -> Markdown (or JSON, CSS, JS).

Nothing here imports MkDocs: ``registry site generate`` writes the same
files for any MkDocs-compatible engine, and the plugin hands them to MkDocs.
Templates are Jinja2 with autoescaping on, so record text lands in pages
HTML-escaped; descriptions (Markdown by design) are rendered with bounded
work and sanitised by ``descriptions.markdown_html``.

``build`` runs the page builders of ``registry.site.pages`` in turn; the
rooms it draws on are ``environment`` (Jinja), ``links``, ``rows`` (audit-log
rows), ``keys`` (what ``serve`` keeps pages by) and ``splicing`` (what the
plugin keeps away from Markdown and search).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from registry.site.context import Build, SiteData
from registry.site.environment import environment_for, stage_badge
from registry.site.jobs import PageMemo
from registry.site.links import Pages, forge_links as _forge_links, model_page
from registry.site.pages import activity, api, assets, home, lineage, model
from registry.site.rows import event_row
from registry.site.splicing import SPLICE, by_search, splice, unsplice

__all__ = [
    "SPLICE",
    "SiteData",
    "_forge_links",
    "build",
    "by_search",
    "event_row",
    "model_page",
    "splice",
    "stage_badge",
    "unsplice",
    "write",
]


def build(
    data: SiteData,
    *,
    directory_urls: bool = False,
    overrides: Path | None = None,
    memo: PageMemo | None = None,
) -> dict[str, str | bytes]:
    """Every generated file of the catalog, by path under the docs folder.

    ``memo`` keeps the pages of the previous build, so a rebuild renders
    only the pages whose values changed (``registry serve``)."""
    env = environment_for(overrides, memo)
    keys = None
    if memo is not None:
        from registry.site.keys import Inputs

        keys = Inputs(data, directory_urls, env, before=memo.graph)
    site = Build(data, Pages(directory_urls), memo, keys)
    home.add(site)
    for rm in site.models.values():
        model.add(site, rm)
        lineage.add_model(site, rm)
    lineage.add_index(site)
    activity.add(site)
    site.render_all(env)  # the templates of every page above, in one batch
    api.add(site)
    assets.add(site)
    site.remember()
    return site.out


def write(files: Mapping[str, str | bytes], out: Path) -> int:
    """Write generated files under ``out`` (``registry site generate``)."""
    for rel, content in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return len(files)
