"""create_model: a registered model with no versions, in one commit; a taken name is refused."""

from __future__ import annotations

import pytest

from registry import Registry
from registry.errors import UsageError, WriteRefused
from tests.builder import RegistryBuilder


def test_create_model_writes_its_model_yaml_in_one_commit(reg: RegistryBuilder) -> None:
    before = reg.git("rev-list", "--count", "HEAD")
    Registry(reg.root).create_model(
        "churn", description="Predicts churn.\n\nWeekly.", tags={"domain": "retention"}
    )
    assert int(reg.git("rev-list", "--count", "HEAD")) == int(before) + 1
    assert reg.git("log", "-1", "--format=%s%n%(trailers:key=Registry-Action,valueonly)").split() == [
        "create",
        "model",
        "churn",
        "create",
    ]
    rm = Registry(reg.root).model("churn")
    assert rm.versions == {} and rm.model.tags == {"domain": "retention"}
    assert rm.model.description == "Predicts churn.\n\nWeekly.\n"
    assert reg.check() == [] and reg.git("status", "--porcelain") == ""


def test_create_model_refuses_a_taken_name(reg: RegistryBuilder) -> None:
    with pytest.raises(WriteRefused, match="exists already"):
        Registry(reg.root).create_model("fraud-detector")
    Registry(reg.root).rename("fraud-detector", "card-fraud")
    with pytest.raises(WriteRefused, match="a former name of card-fraud"):
        Registry(reg.root).create_model("fraud-detector")
    with pytest.raises(UsageError, match="not a valid model name"):
        Registry(reg.root).create_model("Bad Name")


def test_create_model_refuses_a_deleted_models_name(reg: RegistryBuilder) -> None:
    registry = Registry(reg.root)
    registry.create_model("churn")
    registry.delete("churn", reason="replaced")
    with pytest.raises(WriteRefused, match=r"was deleted on .* `registry restore churn`"):
        registry.create_model("churn")
