"""A model's page: its description, owners and aliases, its traffic split,
a board of its versions by stage, metric trends, every version in full,
and its history."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

from registry import layout
from registry.records import RegisteredModel, Version
from registry.site import svg
from registry.site.context import Build
from registry.site.links import Pages, lineage_page, model_page
from registry.views import load_code, pull_command

TREND_METRICS = 4  # charts per model page
_ALIAS_EVENTS = ("alias_set", "alias_moved", "alias_removed")  # a model's, not one version's


def add(site: Build, rm: RegisteredModel) -> None:
    """The model's page, unless ``serve`` keeps the last build's; and the key
    its lineage page and JSON are kept by (``site.model_keys``)."""
    page = model_page(rm.name)
    found = site.events_of(rm.name)
    key = site.model_keys[rm.name] = site.keys.model(rm, found) if site.keys is not None else None
    if site.kept(page, key):
        return
    links = site.links
    versions = [rm.versions[n] for n in sorted(rm.versions, reverse=True)]
    history = site.event_rows(page, reversed(found))
    per_version: dict[int, list[dict[str, Any]]] = {}
    for e, row in zip(reversed(found), history, strict=True):
        if e.version is not None and e.kind not in _ALIAS_EVENTS:
            per_version.setdefault(e.version, []).append(row)
    broken = [
        (n, [str(p) for p in site.data.reg.problems if p.path == layout.version_file(rm.name, n)])
        for n in sorted(rm.invalid, reverse=True)
    ]
    site.render(
        "model.md.j2",
        page,
        rm=rm,
        broken=broken,
        versions=[_version(rm, v, links, page, per_version.get(v.number, [])) for v in versions],
        board=_board(rm, site.config.stages),
        charts=_charts(rm, site.fills),
        traffic=_traffic(rm, site.fills),
        history=history,
        lineage_href=links.href(page, lineage_page(rm.name)),
        index_href=links.href(page, "models/index.md"),
        policy=site.config.policy_for(rm.model),
    )


def _board(rm: RegisteredModel, stages: tuple[str, ...]) -> list[tuple[str, list[int]]]:
    """Each stage with its versions, newest first; tombstones in a column of their own."""
    board = [(s, [v.number for v in reversed(rm.in_stage(s))]) for s in stages]
    deleted = [n for n in sorted(rm.versions, reverse=True) if rm.versions[n].is_deleted]
    return board + ([("deleted", deleted)] if deleted else [])


def _version(
    rm: RegisteredModel, v: Version, links: Pages, page: str, history: list[dict[str, Any]]
) -> dict[str, Any]:
    """What the page shows of one version."""
    lin = v.lineage
    return {
        "v": v,
        "aliases": rm.aliases_of(v.number),
        "pull": None if v.is_deleted else pull_command(rm, v),
        "format": v.format.summary() if v.format is not None else None,
        "load": None if v.is_deleted else load_code(rm, v),
        "parents": [
            (f"{p.model}/{p.version}", links.href(page, model_page(p.model), f"version-{p.version}"))
            for p in v.parents
        ],
        "data": lin.data,
        "code": lin.code,
        "run": lin.run,
        "copied": lin.copied_from,
        "signature": json.dumps(v.signature, indent=2, ensure_ascii=False, default=str)
        if v.signature
        else None,
        "history": history,
    }


def _traffic(rm: RegisteredModel, fills: Mapping[str, str]) -> str | None:
    """The model's traffic split as a bar, or None without one."""
    if not rm.model.traffic:
        return None
    segments = []
    for alias, number, share in rm.traffic_split():
        target = rm.versions.get(number) if number is not None else None
        segments.append((alias, number, share, target.stage if target is not None else None))
    return svg.traffic_svg(segments, fills=fills)


def _charts(rm: RegisteredModel, fills: Mapping[str, str]) -> list[str]:
    """Trends of the metrics most versions have (at least two), at most ``TREND_METRICS``."""
    counts = Counter(name for v in rm.versions.values() for name in v.metrics)
    shown = [name for name, n in counts.most_common() if n >= 2][:TREND_METRICS]
    charts = []
    for name in sorted(shown):
        points = [
            (n, float(rm.versions[n].metrics[name]), rm.versions[n].stage)
            for n in sorted(rm.versions)
            if name in rm.versions[n].metrics
        ]
        charts.append(svg.trend_svg(name, points, fills=fills))
    return charts
