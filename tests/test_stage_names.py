"""Stage names as MLflow users type them (`Production`), and an unknown stage
always an error that lists the stages: never an empty answer."""

from __future__ import annotations

import json

import pytest

from registry import Registry
from registry.errors import SearchError, UsageError
from tests.builder import RegistryBuilder, cli

STAGES = "none, staging, production, archived"


def test_a_stage_is_matched_in_any_letter_case(reg: RegistryBuilder) -> None:
    assert cli(reg.root, "show", "fraud-detector:Production").stdout.startswith("fraud-detector version 2")
    assert cli(reg.root, "show", "models:/fraud-detector/STAGING").stdout.startswith(
        "fraud-detector version 3"
    )
    proc = cli(reg.root, "search", "stage = 'Production'", "--json")
    assert proc.returncode == 0, proc.stderr
    assert sorted((h["model"], h["version"]) for h in json.loads(proc.stdout)) == [
        ("base-encoder", 1),
        ("fraud-detector", 2),
    ]
    found = Registry(reg.root).search("stage IN ('Staging', 'ARCHIVED')")
    assert sorted(v.number for v in found) == [1, 3]
    proc = cli(reg.root, "promote", "fraud-detector", "1", "Staging", "--reason", "a second look")
    assert proc.returncode == 0, proc.stderr
    assert "promote fraud-detector v1 to staging" in proc.stdout


def test_an_unknown_stage_is_an_error_that_lists_the_stages(reg: RegistryBuilder) -> None:
    shown = cli(reg.root, "show", "fraud-detector:prodution")
    assert (
        shown.returncode == 2
        and f"'prodution' is not a stage of this registry (its stages: {STAGES})" in shown.stderr
    )
    searched = cli(reg.root, "search", "stage = 'prod'")
    assert searched.returncode != 0 and "no stage 'prod'" in searched.stderr and STAGES in searched.stderr
    with pytest.raises(SearchError, match="no stage 'prod'"):
        Registry(reg.root).search("stage = 'prod'")
    with pytest.raises(UsageError, match="'Prod' is not a stage of this registry"):
        Registry(reg.root).promote("fraud-detector", 3, "Prod")
    with pytest.raises(UsageError, match="is not a stage"):
        Registry(reg.root).get("models:/fraud-detector/Shadow")
