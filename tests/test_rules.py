"""The rule catalogue is the one list of rules: the README, the checker's
reports and the code all agree with it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from registry.check.rules import CATALOGUE, Rule, markdown_table
from registry.problems import Problem
from tests.builder import RegistryBuilder, cli

ROOT = Path(__file__).resolve().parent.parent


def test_readme_table_is_the_catalogue() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- rules:begin[^\n]*\n(.*?)<!-- rules:end -->", text, re.S)
    assert block is not None, "README.md has no rules block"
    assert block.group(1) == markdown_table()


def test_every_rule_is_decided_somewhere() -> None:
    """No rule of the catalogue is dead: each is named where a problem is made."""
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "registry").rglob("*.py") if p.name != "rules.py"
    )
    unused = [r for r in Rule if f"Rule.{r.name}" not in source and f'"{r.value}"' not in source]
    assert unused == []


def test_a_problem_outside_the_catalogue_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="not a rule of the catalogue"):
        Problem("registry.yaml", "no-such-rule", "x")


def test_reports_use_catalogue_names(reg: RegistryBuilder) -> None:
    reg.edit("models/fraud-detector/model.yaml", "challenger: 3", "challenger: 9")
    reg.write("models/fraud-detector/versions/007.yaml", "stage: none\n")
    proc = cli(reg.root, "check", "--format", "gitlab")
    assert proc.returncode == 1, proc.stderr
    names = {item["check_name"] for item in json.loads(proc.stdout)}
    assert names == {"alias-target", "invalid-version-file"}
    assert names <= set(CATALOGUE)


def test_check_rules_lists_the_catalogue(tmp_path: Path) -> None:
    proc = cli(tmp_path, "check", "--rules", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert [row["rule"] for row in json.loads(proc.stdout)] == [str(r) for r in CATALOGUE]
    text = cli(tmp_path, "check", "--rules")
    assert text.returncode == 0 and text.stdout.splitlines()[0].startswith("yaml-syntax ")
