"""Typed, immutable values for the registry's three kinds of record.

Every value is built once from a YAML mapping that already passed its JSON
Schema (see ``registry/schemas/``), so constructors here only convert shapes;
they never decide whether a record is valid. Frozen dataclasses were chosen
over pydantic: the schema is the single validator (editors use the same
files), and a second validation layer would cost import time and ~20 us a
record. ``Version`` is the one hand-written class: it holds the few facts the
checker needs for every version and reads the rest of its record on first
use, so a warm check of 20,000 versions builds no full records at all.

Rooms: ``names``, ``times``, ``version`` (Version, Lineage, Artifact),
``policy`` (Comparison, Gate, Policy), ``model`` (Model, RegisteredModel),
``config`` (Config and the lifecycle's defaults), ``format`` (what a
folder artifact is: an MLflow model, a Hugging Face checkpoint),
``semver`` (SemVer, Versioning, the selectors of references) and
``signature`` (how one signature differs from another, and the bump that needs).
"""

from __future__ import annotations

from registry.records.config import (
    DEFAULT_ARCHIVE_STAGE,
    DEFAULT_LIVE_ALIAS,
    DEFAULT_STAGES,
    DEFAULT_TRANSITIONS,
    POLICY_KEYS,
    VERSION_MUTABLE_FIELDS,
    Config,
    archive_stage_of,
    changes_policy,
    policy_edits,
)
from registry.records.format import ArtifactFormat, Flavor
from registry.records.model import Model, RegisteredModel
from registry.records.names import NAME_RE, name_problem, valid_name
from registry.records.policy import Comparison, Gate, Policy
from registry.records.semver import BUMPS, Bump, SemVer, SemVerSelector, Versioning
from registry.records.signature import SignatureChange, signature_change
from registry.records.times import TimeRangeError, parse_time, record_time
from registry.records.version import (
    REDACTED_FIELDS,
    Artifact,
    CodeRef,
    DataRef,
    Deletion,
    Lineage,
    ParentRef,
    RunRef,
    Scalar,
    Version,
    VersionFacts,
    version_facts,
)

__all__ = [
    "BUMPS",
    "DEFAULT_ARCHIVE_STAGE",
    "DEFAULT_LIVE_ALIAS",
    "DEFAULT_STAGES",
    "DEFAULT_TRANSITIONS",
    "NAME_RE",
    "POLICY_KEYS",
    "REDACTED_FIELDS",
    "VERSION_MUTABLE_FIELDS",
    "Artifact",
    "ArtifactFormat",
    "Bump",
    "CodeRef",
    "Comparison",
    "Config",
    "DataRef",
    "Deletion",
    "Flavor",
    "Gate",
    "Lineage",
    "Model",
    "ParentRef",
    "Policy",
    "RegisteredModel",
    "RunRef",
    "Scalar",
    "SemVer",
    "SemVerSelector",
    "SignatureChange",
    "TimeRangeError",
    "Version",
    "VersionFacts",
    "Versioning",
    "archive_stage_of",
    "changes_policy",
    "name_problem",
    "parse_time",
    "policy_edits",
    "record_time",
    "signature_change",
    "valid_name",
    "version_facts",
]
