"""The static JSON API: ``api/models.json`` (every model in brief),
``api/models/<name>.json`` and ``api/models/<name>/<N>.json``, the data of
``registry list --json`` and ``registry show --json``."""

from __future__ import annotations

import json
from typing import Any

from registry.site.context import Build
from registry.views import model_summary, model_view, version_view


def add(site: Build) -> None:
    models, live = site.models, site.config.live_stage
    site.out["api/models.json"] = compact([model_summary(rm, live) for rm in models.values()])
    for rm in models.values():
        key = site.model_keys.get(rm.name)
        path = f"api/models/{rm.name}.json"
        if not site.kept(path, key):
            site.out[path] = compact(model_view(rm, live))
        for v in rm.versions.values():
            path = f"api/models/{rm.name}/{v.number}.json"
            if not site.kept(path, key):
                site.out[path] = compact(version_view(rm, v))


def compact(data: Any) -> str:
    """JSON for programs: sorted keys, no indentation (json's C encoder only runs without it)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")) + "\n"
