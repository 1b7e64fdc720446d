"""An invalid record reports its own errors; no other rule calls it missing."""

from __future__ import annotations

import pytest

from registry import Registry
from registry.errors import NotFound
from tests.builder import RegistryBuilder

V3 = "models/fraud-detector/versions/3.yaml"
V1 = "models/base-encoder/versions/1.yaml"


def _break(reg: RegistryBuilder, rel: str) -> None:
    """A bad md5: the record fails its schema, so the loader cannot keep it."""
    text = reg.read(rel)
    assert "md5: " in text
    reg.write(rel, text.replace("md5: ", "md5: nothex", 1))


def test_invalid_version_is_reported_once_not_as_missing(reg: RegistryBuilder) -> None:
    _break(reg, V3)  # @challenger points at it
    problems = reg.check()
    assert {p.rule for p in problems if p.path == V3} == {"schema"}
    assert [p for p in problems if p.path != V3] == []
    assert not any("does not exist" in p.message for p in problems)


def test_invalid_version_is_not_removed_against_base(reg: RegistryBuilder) -> None:
    _break(reg, V3)
    problems = reg.check(base="HEAD")
    assert {p.rule for p in problems} == {"schema"}
    assert {p.path for p in problems} == {V3}


def test_invalid_parent_is_not_called_missing(reg: RegistryBuilder) -> None:
    _break(reg, V1)  # fraud-detector v3's lineage parent, and base-encoder's @champion
    problems = reg.check()
    assert {(p.rule, p.path) for p in problems} == {("schema", V1)}


def test_a_gap_before_an_invalid_version_is_still_a_gap(reg: RegistryBuilder) -> None:
    """The invalid record fills its own number only: a real gap is still found."""
    _break(reg, V3)
    reg.write("models/fraud-detector/versions/5.yaml", reg.read(V3))
    rules = {(p.rule, p.path) for p in reg.check()}
    assert ("version-gap", "models/fraud-detector/versions") in rules


def test_show_names_the_version_invalid(reg: RegistryBuilder) -> None:
    _break(reg, V3)
    with pytest.raises(NotFound, match=r"version 3 of fraud-detector is invalid"):
        Registry(reg.root).get("models:/fraud-detector@challenger")
    with pytest.raises(NotFound, match=r"version 3 of fraud-detector is invalid"):
        Registry(reg.root).get("fraud-detector/3")
