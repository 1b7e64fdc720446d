"""Inline SVG drawn at build time: lineage graphs and metric trend charts.

No script and no network at view time; every piece of text is XML-escaped.
Colours come from CSS variables of the theme where they can, so the
drawings follow light and dark palettes; a version is filled with its
stage's colour (``fills``, from ``stages.stage_fills``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from xml.sax.saxutils import escape

from registry.lineage import Graph
from registry.site.stages import UNKNOWN_FILL


def _text(value: object) -> str:
    return escape(str(value), {'"': "&quot;"})


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def lineage_svg(
    graph: Graph,
    *,
    href: dict[str, str] | None = None,
    focus: set[str] | None = None,
    fills: Mapping[str, str] | None = None,
) -> str:
    """The graph laid out in columns: datasets and code first, then versions by
    depth of their parent chains. ``href`` links nodes to pages."""
    href = href or {}
    focus = focus or set()
    fills = fills or {}
    parents: dict[str, list[str]] = {}
    for e in graph.edges:
        parents.setdefault(e.target, []).append(e.source)
    depth: dict[str, int] = {}

    def level(node: str, seen: frozenset[str] = frozenset()) -> int:
        if node in depth:
            return depth[node]
        if node in seen:  # a cycle: the checker reports it; draw it anyway
            return 0
        ups = parents.get(node, [])
        d = 0 if not ups else 1 + max(level(u, seen | {node}) for u in ups)
        if graph.nodes[node].kind != "version":
            d = 0
        depth[node] = d
        return d

    for node_id in graph.nodes:
        level(node_id)
    columns: dict[int, list[str]] = {}
    for node_id in sorted(
        graph.nodes, key=lambda n: (graph.nodes[n].kind != "version", graph.nodes[n].label)
    ):
        columns.setdefault(depth[node_id], []).append(node_id)
    box_w, box_h, gap_x, gap_y, pad = 230, 40, 70, 16, 10
    pos: dict[str, tuple[int, int]] = {}
    for col, ids in sorted(columns.items()):
        for row, node_id in enumerate(ids):
            pos[node_id] = (pad + col * (box_w + gap_x), pad + row * (box_h + gap_y))
    width = pad * 2 + (max(columns, default=0) + 1) * (box_w + gap_x) - gap_x
    height = pad * 2 + max((len(n) for n in columns.values()), default=1) * (box_h + gap_y) - gap_y
    out = [
        f'<svg class="registry-lineage" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="lineage graph">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor"/></marker></defs>',
    ]
    for e in graph.edges:
        if e.source not in pos or e.target not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        sx, sy, tx, ty = x1 + box_w, y1 + box_h // 2, x2, y2 + box_h // 2
        if tx <= sx:  # same column or backwards (a cycle): go around
            tx, sx = x2 + box_w // 2, x1 + box_w // 2
            sy, ty = y1 + box_h, y2
        mid = (sx + tx) / 2
        dash = ' stroke-dasharray="4 3"' if e.kind != "parent" else ""
        out.append(
            f'<path class="edge edge-{e.kind}" d="M {sx} {sy} C {mid} {sy}, {mid} {ty}, {tx} {ty}" fill="none" '
            f'stroke="currentColor" stroke-opacity="0.55"{dash} marker-end="url(#arrow)"><title>{_text(e.kind)}</title></path>'
        )
    for node_id, node in graph.nodes.items():
        x, y = pos[node_id]
        stage = str(node.attrs.get("stage") or "")
        fill = fills.get(stage, UNKNOWN_FILL) if node.kind == "version" else "none"
        stroke = "currentColor"
        text_fill = "#ffffff" if node.kind == "version" else "currentColor"
        weight = ' font-weight="bold"' if node_id in focus else ""
        shape = (
            f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="6" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{3 if node_id in focus else 1}"/>'
        )
        kind = {"dataset": "data", "code": "code"}.get(node.kind, stage)
        shown = node.label
        if node.kind == "code":
            repo = str(node.attrs.get("repo") or "code").rstrip("/").removesuffix(".git")
            shown = f"{repo.rsplit('/', 1)[-1].rsplit(':', 1)[-1]}@{str(node.attrs.get('commit') or '?')[:7]}"
        elif node.kind == "dataset":
            path = str(node.attrs.get("path") or node.label)
            md5 = node.attrs.get("md5")
            shown = path.rsplit("/", 1)[-1] + (f" ({str(md5)[:7]})" if md5 else "")
        label = (
            f'<text x="{x + 10}" y="{y + 17}" font-size="13" fill="{text_fill}"{weight}>{_text(_clip(shown, 30))}</text>'
            f'<text x="{x + 10}" y="{y + 32}" font-size="11" fill="{text_fill}" fill-opacity="0.85">{_text(kind)}</text>'
        )
        body = f'<g class="node node-{node.kind}"><title>{_text(node.label)}</title>{shape}{label}</g>'
        link = href.get(node_id)
        out.append(f'<a href="{_text(link)}">{body}</a>' if link else body)
    out.append("</svg>")
    return "".join(out)


def trend_svg(
    name: str, points: list[tuple[int, float, str]], *, fills: Mapping[str, str] | None = None
) -> str:
    """One metric across versions: (version, value, stage) points, oldest first."""
    fills = fills or {}
    width, height, left, right, top, bottom = 320, 150, 46, 12, 22, 26
    if not points:
        return ""
    values = [v for _, v, _ in points]
    lo, hi = min(values), max(values)
    if math.isclose(lo, hi):
        lo, hi = lo - 0.5 if lo else -0.5, hi + 0.5 if hi else 0.5
    first, last = points[0][0], points[-1][0]
    span = max(last - first, 1)

    def x(n: int) -> float:
        return (
            left + (n - first) / span * (width - left - right)
            if last != first
            else (left + width - right) / 2
        )

    def y(v: float) -> float:  # halved: hi - lo of two finite doubles can overflow, their halves cannot
        return top + (hi / 2 - v / 2) / (hi / 2 - lo / 2) * (height - top - bottom)

    path = " ".join(f"{'M' if i == 0 else 'L'} {x(n):.1f} {y(v):.1f}" for i, (n, v, _) in enumerate(points))
    out = [
        f'<svg class="registry-trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{_text(name)} by version">',
        f'<text x="{left}" y="14" font-size="12" font-weight="bold" fill="currentColor">{_text(_clip(name, 40))}</text>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="currentColor" stroke-opacity="0.3"/>',
        f'<text x="{left - 4}" y="{y(hi) + 4:.1f}" font-size="10" text-anchor="end" fill="currentColor">{_text(f"{hi:.4g}")}</text>',
        f'<text x="{left - 4}" y="{y(lo) + 4:.1f}" font-size="10" text-anchor="end" fill="currentColor">{_text(f"{lo:.4g}")}</text>',
        f'<path d="{path}" fill="none" stroke="currentColor" stroke-width="1.5" stroke-opacity="0.7"/>',
    ]
    every = max(1, math.ceil(len(points) / 10))  # at most ten version labels under the axis
    for i, (n, v, stage) in enumerate(points):
        fill = fills.get(stage, UNKNOWN_FILL)
        out.append(
            f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="4" fill="{fill}"><title>v{n}: {_text(f"{v:.6g}")} ({_text(stage)})</title></circle>'
        )
        if i % every == 0 or i == len(points) - 1:
            out.append(
                f'<text x="{x(n):.1f}" y="{height - bottom + 14}" font-size="10" text-anchor="middle" fill="currentColor">v{n}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def traffic_svg(
    segments: list[tuple[str, int | None, int, str | None]], *, fills: Mapping[str, str] | None = None
) -> str:
    """A traffic split as one horizontal bar: (alias, version or None,
    percent, the version's stage or None) segments, in routing order, each
    as wide as its share and filled with its stage's colour, and under the
    bar a legend naming each alias, version and percent."""
    fills = fills or {}
    width, bar_h, legend_h, pad = 640, 28, 22, 2
    inner = width - 2 * pad
    rows = max(1, math.ceil(len(segments) / 3))
    height = pad * 2 + bar_h + 8 + legend_h * rows
    total = sum(share for _, _, share, _ in segments) or 1
    out = [
        f'<svg class="registry-traffic" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="traffic split">',
    ]
    x = float(pad)
    for alias, number, share, stage in segments:
        w = inner * share / max(total, 100)
        fill = fills.get(stage or "", UNKNOWN_FILL)
        version = f"v{number}" if number is not None else "no such alias"
        label = f"@{alias} {version} {share}%"
        out.append(
            f'<g class="traffic-segment"><title>{_text(label)}</title>'
            f'<rect x="{x:.1f}" y="{pad}" width="{w:.1f}" height="{bar_h}" fill="{fill}" '
            f'stroke="#ffffff" stroke-width="1"/>'
        )
        if w >= 40:
            out.append(
                f'<text x="{x + w / 2:.1f}" y="{pad + bar_h / 2 + 4:.1f}" font-size="12" text-anchor="middle" '
                f'fill="#ffffff">{_text(_clip(f"{share}%", int(w // 7)))}</text>'
            )
        out.append("</g>")
        x += w
    for i, (alias, number, share, stage) in enumerate(segments):
        lx = pad + (i % 3) * (inner / 3)
        ly = pad + bar_h + 8 + (i // 3) * legend_h
        fill = fills.get(stage or "", UNKNOWN_FILL)
        version = f"v{number}" if number is not None else "no such alias"
        label = _clip(f"@{alias} {version} {share}%" + (f" ({stage})" if stage else ""), 30)
        out.append(
            f'<rect x="{lx:.1f}" y="{ly + 2}" width="12" height="12" fill="{fill}"/>'
            f'<text x="{lx + 18:.1f}" y="{ly + 12}" font-size="12" fill="currentColor">{_text(label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
