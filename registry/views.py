"""Plain-data views of records, for ``--json`` output (and later the site's API).

Keys are stable and sorted when dumped; times are RFC 3339 in UTC.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from registry import layout
from registry.records import Config, Deletion, RegisteredModel, Version
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
    if v.is_deleted:  # a tombstone: nothing to pull or load
        return {
            "model": rm.name,
            "version": v.number,
            "uri": f"models:/{rm.name}/{v.number}",
            "aliases": [],
            "path": v.path,
            **{k: data[k] for k in sorted(data)},
        }
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


def deletion_text(gone: Deletion) -> str:
    """``2026-12-01 by alice@example.com: the reason (bytes purged, redacted)``."""
    marks = [m for m, on in (("bytes purged", gone.purged), ("redacted", gone.redacted)) if on]
    return f"{gone.at:%Y-%m-%d} by {gone.by}: {gone.reason}" + (f" ({', '.join(marks)})" if marks else "")


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
        "deleted": rm.model.raw.get("deleted"),
        "deleted_versions": [n for n, v in rm.versions.items() if v.is_deleted],
        **({"versioning": "semver", "latest_semver": latest_semver(rm)} if rm.uses_semver else {}),
        "traffic": split_view(rm),
    }


def latest_semver(rm: RegisteredModel) -> str | None:
    """The highest semantic version of a semver model's versions, tombstones left out."""
    top = max(
        (v.semver for v in rm.versions.values() if v.semver is not None and not v.is_deleted), default=None
    )
    return None if top is None else str(top)


def model_view(rm: RegisteredModel, live_stage: str | None = DEFAULT_LIVE_STAGE) -> dict[str, Any]:
    out = model_summary(rm, live_stage)
    if rm.model.raw.get("policy") is not None:
        out["policy"] = rm.model.raw["policy"]
    out["versions"] = [version_view(rm, v) for v in rm.versions.values()]
    return out


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str)
