"""The catalog's home (counts by stage, what is in the live stage, recent
activity) and the models index: one summary of each model serves both."""

from __future__ import annotations

from collections import Counter
from typing import Any

from registry.records import Config, RegisteredModel, Version
from registry.site.context import Build
from registry.site.links import model_page
from registry.site.rows import first_line

RECENT = 15  # events on the home page


def add(site: Build) -> None:
    models, config = site.models, site.config
    stage_counts = Counter(v.stage for rm in models.values() for v in rm.versions.values())
    summaries = [_summary(site, rm) for rm in models.values()]
    events = site.data.events
    site.render(
        "home.md.j2",
        "index.md",
        stages=[(s, stage_counts.get(s, 0)) for s in config.stages],
        n_models=len(models),
        n_versions=sum(len(rm.versions) for rm in models.values()),
        models=summaries,
        live_stage=config.live_stage,
        live_alias=config.live_alias,
        recent=site.event_rows("index.md", list(reversed(events[-RECENT:]))),
        activity_href=site.links.href("index.md", "activity/index.md"),
    )
    site.render("models.md.j2", "models/index.md", models=summaries, live_stage=config.live_stage)


def _summary(site: Build, rm: RegisteredModel) -> dict[str, Any]:
    links, config = site.links, site.config
    found = site.events_of(rm.name)
    live = rm.in_stage(config.live_stage) if config.live_stage is not None else []
    latest = rm.latest()
    key_name, key_value = key_metric(config, rm, live[0] if live else latest)
    return {
        "name": rm.name,
        "href": links.href("models/index.md", model_page(rm.name)),
        "home_href": links.href("index.md", model_page(rm.name)),
        "owners": list(rm.model.owners),
        "tags": dict(rm.model.tags),
        "live": [v.number for v in live],
        "live_alias_version": rm.model.aliases.get(config.live_alias),
        # the names templates overridden before the live stage was configurable use
        "production": [v.number for v in live],
        "champion": rm.model.aliases.get(config.live_alias),
        "latest": latest.number if latest else None,
        "versions": len(rm.versions),
        "key_metric": key_name,
        "key_value": key_value,
        "last_change": found[-1].time if found else None,
        "summary": first_line(rm.model.description),
    }


def key_metric(config: Config, rm: RegisteredModel, v: Version | None) -> tuple[str | None, float | None]:
    """The metric a model is judged by: the first of its live stage's gate, or its first metric."""
    if v is None:
        return None, None
    live = config.live_stage
    gate = config.policy_for(rm.model).gates.get(live) if live is not None else None
    names = list(gate.metrics) if gate is not None else []
    names += sorted(v.metrics)
    for name in names:
        if name in v.metrics:
            return name, v.metrics[name]
    return None, None
