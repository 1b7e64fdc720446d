"""``registry search FILTER``: model versions matching MLflow's filter grammar."""

from __future__ import annotations

from pathlib import Path

import click

import registry.search as search
from registry.commands.output import fmt_metric, table, warn_unread
from registry.load import load
from registry.views import dumps, version_view


def run(
    root: Path,
    filter_text: str,
    *,
    order_by: list[str],
    max_results: int | None,
    rev: str | None,
    as_json: bool,
) -> int:
    reg = load(root, rev)
    hits = search.search(reg.models, filter_text, order_by, max_results, reg.config.stages)
    warn_unread(reg)
    if as_json:
        click.echo(dumps([version_view(rm, v) for rm, v in hits]))
        return 0
    # Metric columns: those ordered by first, then the most common ones.
    counts: dict[str, int] = {}
    for _, v in hits:
        for k in v.metrics:
            counts[k] = counts.get(k, 0) + 1
    ordered = [o.split()[0][len("metrics.") :] for o in order_by if o.lower().startswith("metrics.")]
    keys = [k for k in ordered if k in counts]
    keys += [k for k in sorted(counts, key=lambda k: (-counts[k], k)) if k not in keys]
    keys = keys[:3]
    rows = [
        [
            f"{rm.name}/{v.number}" + (f" ({v.semver_text})" if v.semver_text else ""),
            v.stage,
            " ".join("@" + a for a in rm.aliases_of(v.number)),
            v.created_at.strftime("%Y-%m-%d"),
            *[fmt_metric(v.metrics[k]) if k in v.metrics else "" for k in keys],
        ]
        for rm, v in hits
    ]
    click.echo(table(["VERSION", "STAGE", "ALIASES", "CREATED", *keys], rows))
    click.echo(f"{len(hits)} version(s)", err=True)
    return 0
