"""Typed, immutable values for the registry's three kinds of record.

Every value is built once from a YAML mapping that already passed its JSON
Schema (see ``registry/schemas/``), so constructors here only convert shapes;
they never decide whether a record is valid. Frozen dataclasses were chosen
over pydantic: the schema is the single validator (editors use the same
files), and a second validation layer would cost import time and ~20 us a
record. ``Version`` is the one hand-written class: it holds the few facts the
checker needs for every version and reads the rest of its record on first
use, so a warm check of 20,000 versions builds no full records at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from registry.limits import EARLIEST, LATEST

NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
"""A model name, matched whole (``fullmatch``: a trailing newline is no part of a name)."""

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

Scalar = str | int | float | bool | None


_DEVICES = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))]
)
"""Names Windows reserves for devices, with any extension (``con.txt``) and in any case."""


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a model (its folder), or None: the one rule,
    for check, register, rename and every reference."""
    if not NAME_RE.fullmatch(name):
        return f"must match ^{NAME_RE.pattern}$"
    if name.endswith("."):
        return "must not end with '.': Windows drops it, so the folder could not be checked out there"
    if name.split(".", 1)[0].lower() in _DEVICES:
        return (
            f"must not be {name.split('.', 1)[0]!r}, a device name on Windows, "
            "so the folder could not be checked out there"
        )
    return None


def valid_name(name: str) -> bool:
    return NAME_RE.fullmatch(name) is not None and name_problem(name) is None


def parse_time(text: str) -> datetime:
    """Parse an RFC 3339 time as written in records (``Z`` or an offset)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


class TimeRangeError(ValueError):
    """A well-formed time outside the range a record's time may take."""


def record_time(text: str) -> datetime:
    """A time written in a record (``created_at``): ``parse_time``, refused
    outside the registry's range (``limits.EARLIEST`` <= t < ``limits.LATEST``)."""
    value = parse_time(text)
    if not EARLIEST <= value < LATEST:  # compared as instants: no conversion that could overflow
        raise TimeRangeError(
            f"{text} is outside the range of record times, years {EARLIEST.year} to {LATEST.year - 1} in UTC"
        )
    return value


# -- lineage ---------------------------------------------------------------


@dataclass(frozen=True)
class CodeRef:
    repo: str | None = None
    commit: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class DataRef:
    name: str | None = None
    path: str | None = None
    md5: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class RunRef:
    id: str | None = None
    uri: str | None = None


@dataclass(frozen=True, order=True)
class ParentRef:
    model: str
    version: int


@dataclass(frozen=True)
class Lineage:
    code: CodeRef | None = None
    data: tuple[DataRef, ...] = ()
    run: RunRef | None = None
    parents: tuple[ParentRef, ...] = ()

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> Lineage:
        if not raw:
            return cls()
        code = raw.get("code")
        run = raw.get("run")
        return cls(
            code=CodeRef(**code) if code else None,
            data=tuple(DataRef(**d) for d in raw.get("data") or ()),
            run=RunRef(**run) if run else None,
            parents=tuple(ParentRef(p["model"], p["version"]) for p in raw.get("parents") or ()),
        )


# -- versions --------------------------------------------------------------


@dataclass(frozen=True)
class Artifact:
    path: str
    md5: str
    size: int


VersionFacts = tuple[str, str, str, int, tuple[tuple[str, int], ...]]
"""What the cross-file rules need of a version, cached per blob:
(stage, artifact path, artifact md5, artifact size, ((parent model, parent version), ...))."""


def version_facts(raw: Mapping[str, Any]) -> VersionFacts:
    art = raw["artifact"]
    parents = (raw.get("lineage") or {}).get("parents") or ()
    return (
        raw["stage"],
        art["path"],
        art["md5"],
        art["size"],
        tuple((p["model"], p["version"]) for p in parents),
    )


class Version:
    """One model version: ``models/<model>/versions/<number>.yaml``.

    Immutable. The facts the checker needs for every version (stage,
    artifact, parents) are held directly; the rest of the record is read on
    first use from ``fetch`` (the parse cache), so checking 20,000 versions
    does not rebuild 20,000 full records.
    """

    __slots__ = ("_fetch", "_lazy", "artifact", "model", "number", "parents", "path", "stage")

    model: str
    number: int
    path: str
    stage: str
    artifact: Artifact
    parents: tuple[ParentRef, ...]
    _fetch: Callable[[], Mapping[str, Any]]
    _lazy: dict[str, Any]

    def __init__(
        self,
        model: str,
        number: int,
        path: str,
        facts: VersionFacts,
        fetch: Callable[[], Mapping[str, Any]],
    ) -> None:
        stage, art_path, md5, size, parents = facts
        init = object.__setattr__
        init(self, "model", model)
        init(self, "number", number)
        init(self, "path", path)
        init(self, "stage", stage)
        init(self, "artifact", Artifact(art_path, md5, size))
        init(self, "parents", tuple(ParentRef(m, n) for m, n in parents))
        init(self, "_fetch", fetch)
        init(self, "_lazy", {})

    @classmethod
    def from_dict(cls, model: str, number: int, path: str, raw: Mapping[str, Any]) -> Version:
        return cls(model, number, path, version_facts(raw), lambda: raw)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Version is immutable (tried to set {name!r})")

    def __repr__(self) -> str:
        return f"Version({self.model}/{self.number}, stage={self.stage!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and (self.model, self.number, self.raw) == (
            other.model,
            other.number,
            other.raw,
        )

    __hash__ = None  # type: ignore[assignment]

    def _get(self, key: str, make: Callable[[Mapping[str, Any]], Any]) -> Any:
        lazy = self._lazy
        if key not in lazy:
            lazy[key] = make(self.raw)
        return lazy[key]

    @property
    def raw(self) -> Mapping[str, Any]:
        lazy = self._lazy
        if "raw" not in lazy:
            lazy["raw"] = self._fetch()
        return lazy["raw"]  # type: ignore[no-any-return]

    @property
    def created_at(self) -> datetime:
        return self._get("created_at", lambda r: parse_time(r["created_at"]))  # type: ignore[no-any-return]

    @property
    def created_by(self) -> str:
        return self.raw["created_by"]  # type: ignore[no-any-return]

    @property
    def description(self) -> str:
        return self.raw.get("description") or ""

    @property
    def tags(self) -> Mapping[str, str]:
        return self.raw.get("tags") or {}

    @property
    def metrics(self) -> Mapping[str, float]:
        return self.raw.get("metrics") or {}

    @property
    def params(self) -> Mapping[str, Scalar]:
        return self.raw.get("params") or {}

    @property
    def signature(self) -> Mapping[str, Any] | None:
        return self.raw.get("signature")

    @property
    def lineage(self) -> Lineage:
        return self._get("lineage", lambda r: Lineage.from_dict(r.get("lineage")))  # type: ignore[no-any-return]

    @property
    def ref(self) -> str:
        return f"{self.model}/{self.number}"

    def field_value(self, dotted: str) -> Any:
        """The raw value at a dotted path (``lineage.data``), or None."""
        node: Any = self.raw
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return None
            node = node[part]
        return node


# -- policy ----------------------------------------------------------------

_COMPARISON_RE = re.compile(r"^\s*(>=|<=|==|>|<)\s*(-?[0-9.eE+-]+)\s*$")


@dataclass(frozen=True)
class Comparison:
    op: str
    value: float

    @classmethod
    def parse(cls, text: str | int | float) -> Comparison:
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            return cls(">=", float(text))
        match = _COMPARISON_RE.match(str(text))
        if not match:
            raise ValueError(f"not a comparison: {text!r} (use e.g. '>= 0.95')")
        return cls(match.group(1), float(match.group(2)))

    def holds(self, actual: float) -> bool:
        return {
            ">=": actual >= self.value,
            ">": actual > self.value,
            "<=": actual <= self.value,
            "<": actual < self.value,
            "==": actual == self.value,
        }[self.op]

    def __str__(self) -> str:
        return f"{self.op} {self.value:g}"


@dataclass(frozen=True)
class Gate:
    """What a version must satisfy to enter a stage or to carry an alias."""

    from_stages: tuple[str, ...] | None = None
    stage: str | None = None
    metrics: Mapping[str, Comparison] = field(default_factory=dict)
    require: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Gate:
        frm = raw.get("from")
        return cls(
            from_stages=tuple(frm) if frm is not None else None,
            stage=raw.get("stage"),
            metrics={k: Comparison.parse(v) for k, v in (raw.get("metrics") or {}).items()},
            require=tuple(raw.get("require") or ()),
        )


@dataclass(frozen=True)
class Policy:
    gates: Mapping[str, Gate] = field(default_factory=dict)
    aliases: Mapping[str, Gate] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> Policy:
        raw = raw or {}
        return cls(
            gates={k: Gate.from_dict(v or {}) for k, v in (raw.get("gates") or {}).items()},
            aliases={k: Gate.from_dict(v or {}) for k, v in (raw.get("aliases") or {}).items()},
        )

    def overridden_by(self, other: Policy | None) -> Policy:
        """This policy with ``other``'s gates replacing ours, stage by stage."""
        if other is None:
            return self
        return Policy(
            gates={**self.gates, **other.gates},
            aliases={**self.aliases, **other.aliases},
        )


# -- models and the registry -------------------------------------------------


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
            raw=raw,
        )


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


def archive_stage_of(raw: Mapping[str, Any] | None) -> str:
    """The archive stage that registry.yaml's data (possibly malformed) sets."""
    stage = raw.get("archive_stage") if isinstance(raw, Mapping) else None
    return stage if isinstance(stage, str) else DEFAULT_ARCHIVE_STAGE


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
        return self.versions[max(self.versions)] if self.versions else None

    def in_stage(self, stage: str) -> list[Version]:
        return [v for _, v in sorted(self.versions.items()) if v.stage == stage]

    def aliases_of(self, number: int) -> list[str]:
        return sorted(a for a, n in self.model.aliases.items() if n == number)
