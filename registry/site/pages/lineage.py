"""The lineage pages: one per model (its part of the graph, drawn, with what
it was made from and what was made from it) and the index of datasets and of
models built on other models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry import lineage
from registry.lineage import Graph
from registry.records import RegisteredModel
from registry.site import svg
from registry.site.context import Build
from registry.site.links import Pages, lineage_page, model_page

INDEX = "lineage/index.md"


def add_model(site: Build, rm: RegisteredModel) -> None:
    """The model's lineage page, unless ``serve`` keeps the last build's
    (after ``model.add``, whose key it uses)."""
    page = lineage_page(rm.name)
    mine = {lineage.version_id(rm.name, n) for n in rm.versions}
    sub = None
    keys = site.keys
    if keys is not None:
        part = keys.parts_before.get(rm.name)  # the key of its part of the graph, while the graph is the same
        if part is None:
            sub = lineage.around(site.data.graph, mine)
            part = keys.graph(sub)
        keys.parts[rm.name] = part
        if site.kept(page, keys.lineage(site.model_keys[rm.name], part)):
            return
    if sub is None:
        sub = lineage.around(site.data.graph, mine)
    site.render(
        "lineage_model.md.j2",
        page,
        rm=rm,
        svg=_drawing(sub, site.links, page, focus=mine, fills=site.fills),
        model_href=site.links.href(page, model_page(rm.name)),
        upstream=_neighbours(sub, mine, up=True),
        downstream=_neighbours(sub, mine, up=False),
    )


def add_index(site: Build) -> None:
    graph, links, models = site.data.graph, site.links, site.models
    datasets: dict[str, dict[str, Any]] = {}  # by path: one row per dataset, however many versions
    derived: set[tuple[str, str]] = set()
    for edge in graph.edges:
        node = graph.nodes[edge.source]
        target = graph.nodes[edge.target]
        if node.kind == "dataset":
            key = str(node.attrs.get("path") or node.attrs.get("name") or node.label)
            entry = datasets.setdefault(key, {"label": key, "md5s": set(), "used_by": set()})
            entry["md5s"].add(node.attrs.get("md5"))
            entry["used_by"].add(str(target.attrs.get("model")))
        elif edge.kind == "parent" and node.attrs.get("model") != target.attrs.get("model"):
            derived.add((str(node.attrs.get("model") or node.label), str(target.attrs.get("model"))))
    site.render(
        "lineage.md.j2",
        INDEX,
        datasets=[
            {
                **d,
                "versions": len(d["md5s"]),
                "used_by": [
                    (m, links.href(INDEX, lineage_page(m))) for m in sorted(d["used_by"]) if m in models
                ],
            }
            for d in sorted(datasets.values(), key=lambda d: str(d["label"]))
        ],
        derived=[
            (
                a,
                links.href(INDEX, lineage_page(a)) if a in models else None,
                b,
                links.href(INDEX, lineage_page(b)),
            )
            for a, b in sorted(derived)
        ],
        models=[(name, links.href(INDEX, lineage_page(name))) for name in models],
    )


def _drawing(sub: Graph, links: Pages, page: str, focus: set[str], fills: Mapping[str, str]) -> str:
    """The graph as SVG, each version linked to its section of its model's page."""
    href = {
        node_id: links.href(page, model_page(str(n.attrs["model"])), f"version-{n.attrs['version']}")
        for node_id, n in sub.nodes.items()
        if n.kind == "version" and not n.attrs.get("missing")
    }
    return svg.lineage_svg(sub, href=href, focus=focus, fills=fills)


def _neighbours(sub: Graph, mine: set[str], *, up: bool) -> list[str]:
    """What ``mine`` (a model's versions) were made from, or what was made from them."""
    found = set()
    for e in sub.edges:
        if up and e.target in mine and e.source not in mine:
            found.add(sub.nodes[e.source].label)
        if not up and e.source in mine and e.target not in mine and sub.nodes[e.target].kind == "version":
            found.add(sub.nodes[e.target].label)
    return sorted(found)
