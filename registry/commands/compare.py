"""``registry compare MODEL A B``: two versions side by side, differences marked."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click

from registry.commands.output import fmt_metric, table, terminal
from registry.refs import Ref, find_model, load_for, parse_ref, resolve
from registry.views import dumps


def _side(model: str, text: str) -> Ref:
    text = text.strip()
    if text.startswith(("@", ":")):
        return parse_ref(model + text)
    return parse_ref(f"{model}/{text}")


def run(root: Path, model: str, a: str, b: str, *, rev: str | None, as_json: bool) -> int:
    reg = load_for(root, parse_ref(model), rev)
    rm = find_model(reg, model)
    _, va = resolve(reg, _side(rm.name, a))
    _, vb = resolve(reg, _side(rm.name, b))
    assert va is not None and vb is not None
    sections: dict[str, list[dict[str, Any]]] = {}
    for title, left, right in (
        ("stage", {"stage": va.stage}, {"stage": vb.stage}),
        ("metrics", va.metrics, vb.metrics),
        ("params", va.params, vb.params),
        ("tags", va.tags, vb.tags),
    ):
        rows = []
        for key in sorted(set(left) | set(right)):
            x, y = left.get(key), right.get(key)
            row: dict[str, Any] = {"key": key, "a": x, "b": y, "differs": x != y}
            if title == "metrics" and isinstance(x, (int, float)) and isinstance(y, (int, float)):
                delta = y - x  # of two finite doubles, may overflow: then there is no delta to show
                row["delta"] = delta if math.isfinite(delta) else None
            rows.append(row)
        sections[title] = rows
    if as_json:
        click.echo(dumps({"model": rm.name, "a": va.number, "b": vb.number, **sections}))
        return 0
    out = []
    for title, rows in sections.items():
        if not rows:
            continue
        body = [
            [
                "*" if r["differs"] else "",
                r["key"] if title != "stage" else "stage",
                "-" if r["a"] is None else fmt_metric(r["a"]),
                "-" if r["b"] is None else fmt_metric(r["b"]),
                f"{r['delta']:+.4g}" if r.get("delta") is not None and r["differs"] else "",
            ]
            for r in rows
        ]
        out.append(f"{title}:\n" + table(["", "KEY", f"v{va.number}", f"v{vb.number}", "DELTA"], body))
    click.echo(
        terminal(f"{rm.name}: version {va.number} vs {vb.number}   (* = differs)\n\n" + "\n\n".join(out))
    )
    return 0
