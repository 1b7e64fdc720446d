"""The catalogue of rules: every name a problem can carry, its severity and
what it means. ``registry check --rules``, the README's rule table and the
check names of ``--format gitlab`` all come from here; a problem with a name
that is not in the catalogue cannot be made (``Problem`` refuses it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

ERROR = "error"
WARNING = "warning"


class Rule(StrEnum):
    # reading a file (decided by the safe YAML reader and the schemas)
    YAML_SYNTAX = "yaml-syntax"
    DUPLICATE_KEY = "duplicate-key"
    YAML_TAG = "yaml-tag"
    YAML_ALIAS = "yaml-alias"
    ENCODING = "encoding"
    FILE_TOO_LARGE = "file-too-large"
    NUMBER_RANGE = "number-range"
    SCHEMA = "schema"
    TIME_RANGE = "time-range"
    # the tree's files (check/files.py)
    NO_REGISTRY = "no-registry"
    INVALID_NAME = "invalid-name"
    INVALID_VERSION_FILE = "invalid-version-file"
    UNEXPECTED_FILE = "unexpected-file"
    SYMLINK = "symlink"
    MISSING_MODEL_FILE = "missing-model-file"
    # one snapshot (check/tree.py, check/pointer.py)
    UNKNOWN_STAGE = "unknown-stage"
    VERSION_GAP = "version-gap"
    ALIAS_TARGET = "alias-target"
    ALIAS_GATE = "alias-gate"
    TRAFFIC_SUM = "traffic-sum"
    TRAFFIC_ALIAS = "traffic-alias"
    TRAFFIC_ARCHIVED = "traffic-archived"
    TRAFFIC_CAP = "traffic-cap"
    PARENT_MISSING = "parent-missing"
    RENAMED_PARENT = "renamed-parent"
    LINEAGE_CYCLE = "lineage-cycle"
    SINGLE_HOLDER = "single-holder"
    ARTIFACT_PATH = "artifact-path"
    ARTIFACT_MISSING = "artifact-missing"
    ARTIFACT_DVC = "artifact-dvc"
    ARTIFACT_MISMATCH = "artifact-mismatch"
    LOCAL_REMOTE = "local-remote"
    TOMBSTONE = "tombstone"
    SEMVER_MISSING = "semver-missing"
    SEMVER_UNEXPECTED = "semver-unexpected"
    SEMVER_ORDER = "semver-order"
    SEMVER_BREAK = "semver-break"
    # a change against its base (check/base.py, check/gates.py)
    IMMUTABLE_FIELD = "immutable-field"
    VERSION_REMOVED = "version-removed"
    UNDELETED = "undeleted"
    VERSION_APPENDED = "version-appended"
    STAGE_TRANSITION = "stage-transition"
    GATE = "gate"
    POLICY_CHANGE = "policy-change"
    BASE_UNREADABLE = "base-unreadable"
    # CODEOWNERS (codeowners.py)
    CODEOWNERS = "codeowners"


@dataclass(frozen=True)
class RuleInfo:
    severity: str
    help: str
    against_base: bool = False
    """Checked only for a change (``--base``)."""


CATALOGUE: dict[Rule, RuleInfo] = {
    Rule.YAML_SYNTAX: RuleInfo(ERROR, "the file is not valid YAML"),
    Rule.DUPLICATE_KEY: RuleInfo(ERROR, "a mapping has the same key twice"),
    Rule.YAML_TAG: RuleInfo(
        ERROR, "an explicit tag (`!!python/...`, `!custom`) or a mistyped `!!int`, `!!float`"
    ),
    Rule.YAML_ALIAS: RuleInfo(ERROR, "an anchor or alias (`&a`, `*a`): records are plain trees"),
    Rule.ENCODING: RuleInfo(ERROR, "the file is not UTF-8"),
    Rule.FILE_TOO_LARGE: RuleInfo(ERROR, "a record or pointer over 1,000,000 bytes"),
    Rule.NUMBER_RANGE: RuleInfo(
        ERROR, "a number that is not a finite double or an integer within 2**53 - 1 (`.nan`, `.inf`, `1e309`)"
    ),
    Rule.SCHEMA: RuleInfo(ERROR, "the record does not match its JSON schema (`registry schema`)"),
    Rule.TIME_RANGE: RuleInfo(ERROR, "`created_at` is outside the years 1970 to 9998 (UTC)"),
    Rule.NO_REGISTRY: RuleInfo(WARNING, "neither `registry.yaml` nor `models/`: not a registry"),
    Rule.INVALID_NAME: RuleInfo(
        ERROR, "a model folder's name is not a valid model name; its files are not loaded"
    ),
    Rule.INVALID_VERSION_FILE: RuleInfo(
        ERROR, "a file in `versions/` not named `<N>.yaml` (N = 1, 2, 3 ...)"
    ),
    Rule.UNEXPECTED_FILE: RuleInfo(ERROR, "something other than `<N>.yaml` files in `versions/`"),
    Rule.SYMLINK: RuleInfo(ERROR, "a symlink where records or pointers live"),
    Rule.MISSING_MODEL_FILE: RuleInfo(ERROR, "a model folder without `model.yaml`"),
    Rule.UNKNOWN_STAGE: RuleInfo(ERROR, "`registry.yaml` names a stage that is not in its `stages`"),
    Rule.VERSION_GAP: RuleInfo(ERROR, "versions do not run 1..N"),
    Rule.ALIAS_TARGET: RuleInfo(
        ERROR, "an alias points at a version that does not exist, is invalid or was deleted"
    ),
    Rule.ALIAS_GATE: RuleInfo(ERROR, "an aliased version does not pass the alias's gate"),
    Rule.TRAFFIC_SUM: RuleInfo(ERROR, "a model's `traffic` shares do not sum to 100"),
    Rule.TRAFFIC_ALIAS: RuleInfo(ERROR, "`traffic` names an alias that the model does not have"),
    Rule.TRAFFIC_ARCHIVED: RuleInfo(ERROR, "`traffic` sends requests to a version in the archive stage"),
    Rule.TRAFFIC_CAP: RuleInfo(
        ERROR,
        "a version outside the live stage holds more traffic than the policy's `traffic.max_challenger`",
    ),
    Rule.PARENT_MISSING: RuleInfo(ERROR, "a lineage parent does not exist or is invalid"),
    Rule.RENAMED_PARENT: RuleInfo(WARNING, "a lineage parent is named by a model's former name"),
    Rule.LINEAGE_CYCLE: RuleInfo(ERROR, "lineage parents form a cycle"),
    Rule.SINGLE_HOLDER: RuleInfo(ERROR, "a single-holder stage holds more than one version of a model"),
    Rule.ARTIFACT_PATH: RuleInfo(
        ERROR, "`artifact.path` is not under the version's own `artifacts/<N>/` folder"
    ),
    Rule.ARTIFACT_MISSING: RuleInfo(ERROR, "the artifact's .dvc pointer does not exist"),
    Rule.ARTIFACT_DVC: RuleInfo(
        ERROR, "the .dvc pointer is not what `dvc add` writes for one file (one output, md5, a plain name)"
    ),
    Rule.ARTIFACT_MISMATCH: RuleInfo(
        ERROR, "the record's artifact md5, size or name differs from its pointer"
    ),
    Rule.LOCAL_REMOTE: RuleInfo(
        WARNING,
        "the default DVC remote is a folder outside the repository: other clones (CI, a deploy box) cannot reach it",
    ),
    Rule.TOMBSTONE: RuleInfo(
        ERROR,
        "a deleted version keeps its .dvc pointer or a stage other than the archive stage, "
        "or a deleted model has aliases or versions that are not deleted",
    ),
    Rule.SEMVER_MISSING: RuleInfo(ERROR, "a version of a model with `versioning: semver` has no `semver`"),
    Rule.SEMVER_UNEXPECTED: RuleInfo(
        ERROR, "a version has `semver` but its model does not say `versioning: semver`"
    ),
    Rule.SEMVER_ORDER: RuleInfo(
        ERROR, "a version's `semver` is not above every semver of the versions numbered before it"
    ),
    Rule.SEMVER_BREAK: RuleInfo(
        ERROR,
        "a signature that removes or retypes an input or output of the previous signature without a major bump",
    ),
    Rule.IMMUTABLE_FIELD: RuleInfo(
        ERROR,
        "a field of an existing version other than description, tags and stage changed "
        "(a change that sets `versioning: semver` may add `semver` to the model's versions)",
        True,
    ),
    Rule.VERSION_REMOVED: RuleInfo(
        ERROR, "a version or model was removed (`registry delete` leaves a tombstone instead)", True
    ),
    Rule.UNDELETED: RuleInfo(ERROR, "a deleted version's tombstone changed or was brought back", True),
    Rule.VERSION_APPENDED: RuleInfo(
        ERROR, "a new version fills an old gap instead of coming after the last", True
    ),
    Rule.STAGE_TRANSITION: RuleInfo(ERROR, "a stage change that the base's transitions do not allow", True),
    Rule.GATE: RuleInfo(ERROR, "a version enters a stage without passing its gate", True),
    Rule.POLICY_CHANGE: RuleInfo(
        WARNING, "the change edits stages, transitions, gates or a model's policy", True
    ),
    Rule.BASE_UNREADABLE: RuleInfo(
        WARNING, "the base's `registry.yaml` is invalid; its defaults were used", True
    ),
    Rule.CODEOWNERS: RuleInfo(
        ERROR, "CODEOWNERS does not match the owners the records name (`registry codeowners --check`)"
    ),
}


def markdown_table() -> str:
    """The catalogue as the README shows it."""
    lines = ["| rule | severity | when | what it means |", "|---|---|---|---|"]
    for rule, info in CATALOGUE.items():
        when = "`--base`" if info.against_base else "always"
        lines.append(f"| `{rule}` | {info.severity} | {when} | {info.help} |")
    return "\n".join(lines) + "\n"


def text_table() -> str:
    """The catalogue for ``registry check --rules``."""
    width = max(len(r) for r in CATALOGUE)
    out = []
    for rule, info in CATALOGUE.items():
        mark = " (--base)" if info.against_base else ""
        out.append(f"{rule:<{width}}  {info.severity:<7}  {info.help}{mark}")
    return "\n".join(out) + "\n"
