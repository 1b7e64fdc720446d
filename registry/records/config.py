"""Registry-wide settings (``registry.yaml``) and the lifecycle's defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from registry.errors import UsageError
from registry.records.model import Model
from registry.records.policy import Policy

DEFAULT_STAGES = ("none", "staging", "production", "archived")
DEFAULT_TRANSITIONS: Mapping[str, tuple[str, ...]] = {
    "none": ("staging", "archived"),
    "staging": ("production", "none", "archived"),
    "production": ("archived", "staging"),
    "archived": ("staging",),
}
DEFAULT_ARCHIVE_STAGE = "archived"
DEFAULT_LIVE_ALIAS = "champion"
VERSION_MUTABLE_FIELDS = ("description", "stage", "tags")
"""The fields of an existing version record that may change; all others are fixed at register."""


def archive_stage_of(raw: Mapping[str, Any] | None) -> str:
    """The archive stage that registry.yaml's data (possibly malformed) sets."""
    stage = raw.get("archive_stage") if isinstance(raw, Mapping) else None
    return stage if isinstance(stage, str) else DEFAULT_ARCHIVE_STAGE


def find_stage(stages: tuple[str, ...] | list[str], text: str) -> str | None:
    """The stage of ``stages`` that ``text`` names in any letter case (``Production``); None for none."""
    key = text.strip().lower()
    return next((stage for stage in stages if stage.lower() == key), None)


@dataclass(frozen=True)
class Config:
    """Registry-wide settings: ``registry.yaml``. The one place that says what
    a stage name means: where a version starts, where it is archived to,
    which stage is "live" and which fields of a version may change."""

    stages: tuple[str, ...] = DEFAULT_STAGES
    transitions: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_TRANSITIONS))
    single_holder: tuple[str, ...] = ("production",)
    archive_on_promote: bool = True
    archive_stage: str = DEFAULT_ARCHIVE_STAGE
    rollback: bool = True
    """A version may go from ``archive_stage`` straight back to a stage it held before."""
    policy: Policy = field(default_factory=Policy)
    forge: str | None = None
    live_stage_setting: str | None = None
    live_alias: str = DEFAULT_LIVE_ALIAS
    """The alias that the catalog and ``list`` show beside the live stage."""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    mutable_fields: ClassVar[frozenset[str]] = frozenset(VERSION_MUTABLE_FIELDS)

    @property
    def initial_stage(self) -> str:
        """The stage a new version starts in: the first stage."""
        return self.stages[0]

    @property
    def live_stage(self) -> str | None:
        """The stage that serves: ``live_stage`` in registry.yaml, else the first
        single-holder stage, else none (a registry without such a stage)."""
        if self.live_stage_setting is not None:
            return self.live_stage_setting
        return self.single_holder[0] if self.single_holder else None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> Config:
        raw = raw or {}
        default = cls()
        transitions = raw.get("transitions")
        return cls(
            stages=tuple(raw.get("stages") or default.stages),
            transitions=(
                {k: tuple(v or ()) for k, v in transitions.items()}
                if transitions is not None
                else default.transitions
            ),
            single_holder=tuple(raw.get("single_holder", default.single_holder)),
            archive_on_promote=bool(raw.get("archive_on_promote", True)),
            archive_stage=archive_stage_of(raw),
            rollback=bool(raw.get("rollback", True)),
            policy=Policy.from_dict(raw.get("policy")),
            forge=raw.get("forge"),
            live_stage_setting=raw.get("live_stage"),
            live_alias=raw.get("live_alias", DEFAULT_LIVE_ALIAS),
            raw=raw,
        )

    def policy_for(self, model: Model | None) -> Policy:
        return self.policy.overridden_by(model.policy if model else None)

    def stage_named(self, text: str) -> str:
        """The stage ``text`` names, in any letter case (``Production`` as
        MLflow users type it); an unknown one is a :class:`UsageError`
        that lists the stages."""
        found = find_stage(self.stages, text)
        if found is None:
            raise UsageError(
                f"{text!r} is not a stage of this registry (its stages: {', '.join(self.stages)})"
            )
        return found

    def holds_one(self, policy: Policy) -> tuple[str, ...]:
        """The stages that hold at most one version of a model under ``policy``
        (:meth:`policy_for`): its own ``single_holder``, else the registry's."""
        return self.single_holder if policy.single_holder is None else policy.single_holder


POLICY_KEYS = (
    "stages",
    "transitions",
    "single_holder",
    "archive_on_promote",
    "archive_stage",
    "rollback",
    "policy",
)
"""The keys of registry.yaml that are policy: a change to them is reported as one."""


def policy_edits(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The policy keys of registry.yaml (``POLICY_KEYS``) whose effect differs
    between two of its documents: a key written out with its default value
    is the same as the key left out (as ``registry init`` writes the file)."""
    return [k for k in POLICY_KEYS if changes_policy(k, old.get(k), new.get(k))]


def changes_policy(key: str, old: Any, new: Any) -> bool:
    """Whether ``key`` of registry.yaml going from ``old`` to ``new`` (None: absent) changes the policy."""
    if old == new:
        return False
    if old is not None and new is not None:
        return True
    try:
        return bool(
            getattr(Config.from_dict({key: old if new is None else new}), key) != getattr(Config(), key)
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return True
