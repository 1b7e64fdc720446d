"""What each stage of a registry is for, and the colour the catalog gives it.

A stage is coloured by its role in registry.yaml, not by its name, so a
registry whose stages are called dev and prod is coloured as one whose
stages are called none and production: the live stage green, the archive
stage grey, the initial stage brown and any other stage blue. The badges and
board columns take the colours from the stylesheet (``stylesheet_rules``),
the drawings from ``stage_fills``.
"""

from __future__ import annotations

import re
from enum import Enum

from registry.records import Config


class Role(Enum):
    """A stage's role, with its colour. In this order a stage that has two
    roles takes the first (a registry whose first stage is also live)."""

    LIVE = "#2e7d32"
    ARCHIVE = "#757575"
    INITIAL = "#6d4c41"
    OTHER = "#1565c0"


UNKNOWN_FILL = "#455a64"
"""The colour of a stage the registry does not list (and of a badge without a rule)."""

_RULE_ORDER = (Role.LIVE, Role.OTHER, Role.ARCHIVE, Role.INITIAL)
_CSS_NAME = re.compile(
    r"[a-z][a-z0-9_-]*"
)  # what a stage name may be; no other text goes into the stylesheet


def role(config: Config, stage: str) -> Role:
    if stage == config.live_stage:
        return Role.LIVE
    if stage == config.archive_stage:
        return Role.ARCHIVE
    if stage == config.initial_stage:
        return Role.INITIAL
    return Role.OTHER


def stage_fills(config: Config) -> dict[str, str]:
    """The colour of each stage of the registry."""
    return {stage: role(config, stage).value for stage in config.stages}


def stylesheet_rules(config: Config) -> str:
    """The stylesheet's rules that colour stage badges and board columns, by
    role (the live stage's first, then the other stages', the archive
    stage's and the initial stage's), one line each."""
    roles = {stage: role(config, stage) for stage in config.stages if _CSS_NAME.fullmatch(stage)}
    ordered = sorted(roles, key=lambda stage: _RULE_ORDER.index(roles[stage]))  # stable: stages in order
    return "".join(
        f".registry-stage.stage-{s}, .registry-column.stage-{s} h4 {{ background: {roles[s].value}; }}\n"
        for s in ordered
    )
