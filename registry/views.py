"""Plain-data views of records, for ``--json`` output (and later the site's API).

Keys are stable and sorted when dumped; times are RFC 3339 in UTC.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from registry.records import RegisteredModel, Version


def version_view(rm: RegisteredModel, v: Version) -> dict[str, Any]:
    data = dict(v.raw)
    data["created_at"] = v.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "model": rm.name,
        "version": v.number,
        "uri": f"models:/{rm.name}/{v.number}",
        "aliases": rm.aliases_of(v.number),
        "path": v.path,
        **{k: data[k] for k in sorted(data)},
    }


def model_summary(rm: RegisteredModel) -> dict[str, Any]:
    production = [v.number for v in rm.versions.values() if v.stage == "production"]
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
    }


def model_view(rm: RegisteredModel) -> dict[str, Any]:
    out = model_summary(rm)
    if rm.model.raw.get("policy") is not None:
        out["policy"] = rm.model.raw["policy"]
    out["versions"] = [version_view(rm, v) for v in rm.versions.values()]
    return out


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str)
