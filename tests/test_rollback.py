"""Rollback: the previous production version returns, found in git's history."""

from __future__ import annotations

import pytest

from registry import Registry, write
from registry.write import WriteRefused
from tests.builder import RegistryBuilder
from tests.test_write import state, trailers

V1 = "models/fraud-detector/versions/1.yaml"
V2 = "models/fraud-detector/versions/2.yaml"


def test_rollback_restores_the_previous_production_version(reg: RegistryBuilder) -> None:
    write.promote(reg.root, "fraud-detector", 3, "production")
    commit = write.rollback(reg.root, "fraud-detector", reason="p99 latency doubled")
    assert reg.git("rev-parse", "HEAD").strip() == commit
    assert (
        reg.git("log", "-1", "--format=%s").strip() == "roll back fraud-detector production to v2 (from v3)"
    )
    assert trailers(reg) == {
        "Registry-Action": "rollback",
        "Model": "fraud-detector",
        "Version": "2",
        "Stage": "production",
        "Alias": "champion",
        "Reason": "p99 latency doubled",
    }
    registry = Registry(reg.root)
    assert registry.get("fraud-detector:production").number == 2
    assert registry.get("fraud-detector@champion").number == 2
    assert registry.get("fraud-detector/3").stage == "archived"
    # The commit is what a pull request would carry: the checker accepts it against its parent.
    assert reg.check(base="HEAD~1") == []
    assert reg.git("status", "--porcelain") == ""


def test_rollback_twice_goes_back_to_the_version_that_left_last(reg: RegistryBuilder) -> None:
    write.promote(reg.root, "fraud-detector", 3, "production")
    write.rollback(reg.root, "fraud-detector")
    write.rollback(reg.root, "fraud-detector")
    assert Registry(reg.root).get("fraud-detector:production").number == 3


def test_rollback_to_a_named_version_and_across_a_rename(reg: RegistryBuilder) -> None:
    write.promote(reg.root, "fraud-detector", 3, "production")
    write.rename(reg.root, "fraud-detector", "fraud-scorer")
    write.rollback(reg.root, "fraud-scorer", to=2)
    assert Registry(reg.root).get("fraud-scorer:production").number == 2
    assert reg.check(base="HEAD~1") == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "no earlier production version of fraud-detector in its history; name one with --to N"),
        ({"to": 1}, "v1 has never been in production, so it cannot return there"),
        ({"to": 2}, "v2 is the current production version"),
        ({"to": 9}, "fraud-detector has no version 9"),
        ({"stage": "prod"}, "'prod' is not a stage"),
    ],
)
def test_refused_rollback_changes_nothing(
    reg: RegistryBuilder, kwargs: dict[str, object], message: str
) -> None:
    before = state(reg)
    with pytest.raises(Exception, match=message.replace("(", r"\(")):
        write.rollback(reg.root, "fraud-detector", **kwargs)  # type: ignore[arg-type]
    assert state(reg) == before


def test_rollback_keeps_the_gate(reg: RegistryBuilder) -> None:
    write.promote(reg.root, "fraud-detector", 3, "production")
    # The bar was raised after v2 left production: it no longer passes.
    reg.edit("registry.yaml", 'f1: ">= 0.9"', 'f1: ">= 0.99"')
    reg.commit("raise the production bar")
    before = state(reg)
    with pytest.raises(
        WriteRefused, match=r"v2 cannot enter production: metric f1 = .* does not satisfy >= 0.99"
    ):
        write.rollback(reg.root, "fraud-detector")
    assert state(reg) == before


def test_checker_accepts_a_hand_written_rollback_only_for_a_former_holder(reg: RegistryBuilder) -> None:
    write.promote(reg.root, "fraud-detector", 3, "production")
    # By hand, as a pull request might: v2 (production before) comes back, v3 goes.
    reg.edit(V2, "stage: archived", "stage: production")
    reg.edit("models/fraud-detector/versions/3.yaml", "stage: production", "stage: archived")
    reg.edit("models/fraud-detector/model.yaml", "champion: 3", "champion: 2")
    assert reg.check(base="HEAD") == []
    # v1 was never in production: the same move is a transition the registry forbids.
    reg.edit(V2, "stage: production", "stage: archived")
    reg.edit(V1, "stage: archived", "stage: production")
    reg.edit("models/fraud-detector/model.yaml", "champion: 2", "champion: 1")
    problems = reg.check(base="HEAD")
    assert [(p.rule, p.path) for p in problems] == [("stage-transition", V1)]
    assert "only if it was there before, as a rollback" in problems[0].message


def test_rollback_can_be_switched_off(reg: RegistryBuilder) -> None:
    write.promote(reg.root, "fraud-detector", 3, "production")
    reg.write("registry.yaml", reg.read("registry.yaml") + "rollback: false\n")
    reg.commit("no rollbacks")
    with pytest.raises(WriteRefused, match="archived -> production is not an allowed transition"):
        write.rollback(reg.root, "fraud-detector")
