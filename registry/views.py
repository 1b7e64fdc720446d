"""Plain-data views of records, for ``--json`` output (and later the site's API).

Keys are stable and sorted when dumped; times are RFC 3339 in UTC.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from registry import layout
from registry.records import Config, RegisteredModel, Version
from registry.traffic import split_view

DEFAULT_LIVE_STAGE = Config().live_stage
"""The live stage of a registry.yaml that names none (the first single-holder stage)."""


def pull_command(rm: RegisteredModel, v: Version) -> str:
    """The command that puts a version's artifact in the work tree."""
    return f"registry pull models:/{rm.name}/{v.number}"


def load_code(rm: RegisteredModel, v: Version) -> str | None:
    """Python that loads a pulled folder artifact whose format is known."""
    fmt = v.format
    return fmt.load_code(layout.artifact_file(rm.name, v.artifact.path)) if fmt is not None else None


def version_view(rm: RegisteredModel, v: Version) -> dict[str, Any]:
    """A version's record, with its place, aliases, and how to pull (and
    for a known folder format, load) its artifact."""
    data = dict(v.raw)
    data["created_at"] = v.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    load = load_code(rm, v)
    return {
        "model": rm.name,
        "version": v.number,
        "uri": f"models:/{rm.name}/{v.number}",
        "aliases": rm.aliases_of(v.number),
        "path": v.path,
        "pull": pull_command(rm, v),
        **({"load": load} if load is not None else {}),
        **{k: data[k] for k in sorted(data)},
    }


def model_summary(rm: RegisteredModel, live_stage: str | None = DEFAULT_LIVE_STAGE) -> dict[str, Any]:
    """A model in brief. ``production`` lists its versions in the live stage
    (``live_stage``, the registry's ``Config.live_stage``), whatever that stage
    is called: programs read the key by that name. No live stage, no versions."""
    production = [v.number for v in rm.versions.values() if v.stage == live_stage] if live_stage else []
    latest = rm.latest()
    return {
        "name": rm.name,
        "description": rm.model.description,
        "owners": list(rm.model.owners),
        "tags": dict(rm.model.tags),
        "aliases": dict(sorted(rm.model.aliases.items())),
        "versions": len(rm.versions),
        "latest_version": latest.number if latest else None,
        "stages": {v.number: v.stage for v in rm.versions.values()},
        "production": production,
        "former_names": list(rm.model.former_names),
        "traffic": split_view(rm),
    }


def model_view(rm: RegisteredModel, live_stage: str | None = DEFAULT_LIVE_STAGE) -> dict[str, Any]:
    out = model_summary(rm, live_stage)
    if rm.model.raw.get("policy") is not None:
        out["policy"] = rm.model.raw["policy"]
    out["versions"] = [version_view(rm, v) for v in rm.versions.values()]
    return out


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str)
