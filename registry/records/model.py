"""A registered model: its record and, once loaded, its versions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from registry.records.policy import Policy
from registry.records.semver import Versioning
from registry.records.version import Deletion, Version


@dataclass(frozen=True)
class Model:
    """A registered model: ``models/<name>/model.yaml``."""

    name: str
    path: str
    description: str
    owners: tuple[str, ...]
    tags: Mapping[str, str]
    aliases: Mapping[str, int]
    former_names: tuple[str, ...]
    policy: Policy | None
    raw: Mapping[str, Any] = field(repr=False, compare=False)
    deleted: Deletion | None = None
    """A deleted model's tombstone (``registry delete MODEL``); None while it is not one."""
    versioning: Versioning = Versioning.NUMBER
    """``versioning: semver``: each version also carries a semantic version."""
    traffic: Mapping[str, int] = field(default_factory=dict)
    """An A/B split over the model's aliases: alias name -> percent of
    requests, e.g. ``{champion: 90, challenger: 10}``; empty without one."""

    @classmethod
    def from_dict(cls, name: str, path: str, raw: Mapping[str, Any]) -> Model:
        pol = raw.get("policy")
        return cls(
            name=name,
            path=path,
            description=raw.get("description") or "",
            owners=tuple(raw.get("owners") or ()),
            tags=dict(raw.get("tags") or {}),
            aliases=dict(raw.get("aliases") or {}),
            former_names=tuple(raw.get("former_names") or ()),
            policy=Policy.from_dict(pol) if pol is not None else None,
            deleted=Deletion.from_dict(raw.get("deleted")),
            raw=raw,
            versioning=Versioning(raw.get("versioning") or Versioning.NUMBER),
            traffic=dict(raw.get("traffic") or {}),
        )


@dataclass(frozen=True)
class RegisteredModel:
    """A model with its versions, as loaded from one snapshot of the tree."""

    model: Model
    versions: Mapping[int, Version]
    invalid: frozenset[int] = frozenset()
    """Numbers of version records that exist but could not be read: they are
    not in ``versions``, and rules about other records do not call them missing."""

    @property
    def name(self) -> str:
        return self.model.name

    def latest(self) -> Version | None:
        """The newest version that is not a tombstone."""
        live = [n for n, v in self.versions.items() if not v.is_deleted]
        return self.versions[max(live)] if live else None

    @property
    def uses_semver(self) -> bool:
        """Whether the model's versions carry a semantic version (``versioning: semver``)."""
        return self.model.versioning is Versioning.SEMVER

    def in_stage(self, stage: str) -> list[Version]:
        """The versions in ``stage``, oldest first; tombstones are in no stage."""
        return [v for _, v in sorted(self.versions.items()) if v.stage == stage and not v.is_deleted]

    def aliases_of(self, number: int) -> list[str]:
        return sorted(a for a, n in self.model.aliases.items() if n == number)

    @property
    def numbers(self) -> str:
        """The version numbers it has, for a message: ``versions 1..3 and 5``,
        ``version 1`` or ``no versions`` (a record that cannot be read is not one)."""
        have = sorted(self.versions)
        if not have:
            return "no versions"
        runs: list[list[int]] = []
        for n in have:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        shown = [f"{r[0]}..{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs]
        if len(shown) > 4:
            shown = [*shown[:3], "...", shown[-1]]
        text = ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1]
        return f"version {text}" if len(have) == 1 else f"versions {text}"

    def traffic_split(self) -> list[tuple[str, int | None, int]]:
        """The model's traffic split as (alias, version it points at or None,
        percent), in alias order: the order requests are routed in."""
        return [(a, self.model.aliases.get(a), pct) for a, pct in sorted(self.model.traffic.items())]
