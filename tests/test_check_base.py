"""Rules for a change against a base revision, as CI checks a pull request."""

from __future__ import annotations

from registry.problems import WARNING
from tests.builder import RegistryBuilder

V1 = "models/fraud-detector/versions/1.yaml"
V2 = "models/fraud-detector/versions/2.yaml"
V3 = "models/fraud-detector/versions/3.yaml"
MODEL = "models/fraud-detector/model.yaml"


def promote_v3(reg: RegistryBuilder) -> None:
    """staging v3 -> production, previous holder v2 -> archived, champion follows."""
    reg.edit(V3, "stage: staging", "stage: production")
    reg.edit(V2, "stage: production", "stage: archived")
    reg.edit(MODEL, "champion: 2", "champion: 3")


def test_valid_promotion_passes(reg: RegistryBuilder) -> None:
    promote_v3(reg)
    assert reg.check(base="HEAD") == []


def test_edited_metric_of_existing_version_is_immutable(reg: RegistryBuilder) -> None:
    reg.edit(V2, "f1: 0.95", "f1: 0.99")
    problems = [(p.rule, p.path, p.line) for p in reg.check(base="HEAD")]
    assert problems == [("immutable-field", V2, 6)]


def test_edited_artifact_created_and_lineage_are_immutable(reg: RegistryBuilder) -> None:
    reg.edit(V3, "created_by: alice@example.com", "created_by: mallory@example.com")
    reg.edit(V3, "version: 1", "version: 1\n  - model: fraud-detector\n    version: 1")
    found = {(p.rule, p.line) for p in reg.check(base="HEAD")}
    assert found == {("immutable-field", 2), ("immutable-field", 15)}


def test_description_tags_and_stage_may_change(reg: RegistryBuilder) -> None:
    reg.edit(
        V1, "description: Version 1 of fraud-detector.", "description: Superseded.\ntags: {reason: drift}"
    )
    reg.edit(V3, "stage: staging", "stage: none")
    assert reg.check(base="HEAD") == []


def test_reformatted_record_is_not_a_change(reg: RegistryBuilder) -> None:
    text = reg.read(V2)
    reg.write(V2, "# reformatted\n" + text.replace("metrics:\n  f1: 0.95", "metrics: {f1: 0.950}"))
    assert reg.check(base="HEAD") == []


def test_skipped_stage_is_refused(reg: RegistryBuilder) -> None:
    reg.version("fraud-detector", 4, "none")
    reg.commit("register v4")
    reg.edit("models/fraud-detector/versions/4.yaml", "stage: none", "stage: production")
    reg.edit(V2, "stage: production", "stage: archived")
    reg.edit(MODEL, "champion: 2", "champion: 4")
    problems = [(p.rule, p.path, p.line) for p in reg.check(base="HEAD")]
    assert problems == [("stage-transition", "models/fraud-detector/versions/4.yaml", 3)]


def test_new_version_registered_straight_into_production_is_refused(reg: RegistryBuilder) -> None:
    reg.version("fraud-detector", 4, "production")
    reg.edit(V2, "stage: production", "stage: archived")
    assert ("stage-transition", "models/fraud-detector/versions/4.yaml") in reg.findings(base="HEAD")


def test_new_version_in_staging_is_allowed(reg: RegistryBuilder) -> None:
    reg.version("fraud-detector", 4, "staging")
    assert reg.check(base="HEAD") == []


def test_promotion_failing_metric_gate_is_refused(reg: RegistryBuilder) -> None:
    reg.commit("noop")
    reg.edit(V3, "f1: 0.95", "f1: 0.5")
    reg.commit("lower metric")  # history is rewritten here only to set up the base
    promote_v3(reg)
    problems = [p for p in reg.check(base="HEAD") if p.rule == "gate"]
    assert len(problems) == 1
    assert "metric f1 = 0.5 does not satisfy >= 0.9" in problems[0].message


def test_gate_requires_fields(reg: RegistryBuilder) -> None:
    reg.edit(V3, "description: Version 3 of fraud-detector.", "description: ''")
    promote_v3(reg)
    problems = [p for p in reg.check(base="HEAD") if p.rule == "gate"]
    assert "description is required" in problems[0].message


def test_gate_from_stage_is_enforced(reg: RegistryBuilder) -> None:
    reg.write("registry.yaml", reg.read("registry.yaml").replace("from: [staging]", "from: [none]"))
    reg.commit("only from none")
    promote_v3(reg)
    problems = [p for p in reg.check(base="HEAD") if p.rule == "gate"]
    assert "may only come from none (it comes from staging)" in problems[0].message


def test_pull_request_cannot_lower_its_own_bar(reg: RegistryBuilder) -> None:
    reg.edit(V3, "f1: 0.95", "f1: 0.6")
    reg.commit("v3 is weak")
    reg.edit("registry.yaml", '">= 0.9"', '">= 0.5"')
    promote_v3(reg)
    found = {(p.rule, p.path, p.severity) for p in reg.check(base="HEAD")}
    assert ("gate", V3, "error") in found
    assert ("policy-change", "registry.yaml", WARNING) in found


def test_model_policy_change_is_reported_and_not_trusted(reg: RegistryBuilder) -> None:
    reg.write(MODEL, reg.read(MODEL) + "policy:\n  gates:\n    production: {}\n")
    reg.edit(V3, "description: Version 3 of fraud-detector.", "description: ''")
    promote_v3(reg)
    found = {(p.rule, p.path) for p in reg.check(base="HEAD")}
    assert ("policy-change", MODEL) in found
    assert ("gate", V3) in found


def test_removed_version_is_refused(reg: RegistryBuilder) -> None:
    (reg.root / V3).unlink()
    (reg.root / "models/fraud-detector/artifacts/3/model.bin.dvc").unlink()
    reg.edit(MODEL, "  challenger: 3\n", "")
    assert ("version-removed", V3) in reg.findings(base="HEAD")


def test_removed_model_is_refused(reg: RegistryBuilder) -> None:
    reg.git("rm", "-rq", "models/base-encoder")
    reg.edit(V3, "model: base-encoder\n    version: 1", "model: fraud-detector\n    version: 1")
    assert ("version-removed", "models/base-encoder") in reg.findings(base="HEAD")


def test_renamed_model_keeps_its_history(reg: RegistryBuilder) -> None:
    reg.git("mv", "models/base-encoder", "models/text-encoder")
    reg.write(
        "models/text-encoder/model.yaml",
        reg.read("models/text-encoder/model.yaml") + "former_names: [base-encoder]\n",
    )
    problems = reg.check(base="HEAD")
    assert [(p.rule, p.severity) for p in problems] == [("renamed-parent", WARNING)]
    assert "renamed to 'text-encoder'" in problems[0].message


def test_unknown_base_revision_is_a_usage_error(reg: RegistryBuilder) -> None:
    import pytest

    from registry.errors import UsageError

    with pytest.raises(UsageError, match="unknown revision 'nope'"):
        reg.check(base="nope")


def test_new_version_filling_an_old_gap_is_refused(reg: RegistryBuilder) -> None:
    reg.version("fraud-detector", 5, "none")
    reg.commit("v5 with a gap")
    reg.version("fraud-detector", 4, "none")
    assert ("version-appended", "models/fraud-detector/versions/4.yaml") in reg.findings(base="HEAD")


def test_unreadable_base_policy_falls_back_to_defaults_with_a_warning(reg: RegistryBuilder) -> None:
    reg.write("registry.yaml", "stages: [broken\n")
    reg.commit("break registry.yaml")
    reg.write("registry.yaml", "{}\n")
    found = {(p.rule, p.severity) for p in reg.check(base="HEAD")}
    assert ("base-unreadable", WARNING) in found


def test_pull_request_cannot_unprotect_an_alias_it_moves(reg: RegistryBuilder) -> None:
    reg.edit(MODEL, "champion: 2", "champion: 3")
    reg.write(MODEL, reg.read(MODEL) + "policy:\n  aliases:\n    champion: {}\n")
    whole_tree = {p.rule for p in reg.check()}
    assert "alias-gate" not in whole_tree  # the tree alone trusts its own policy
    found = {(p.rule, p.path) for p in reg.check(base="HEAD")}
    assert ("alias-gate", MODEL) in found
    assert ("policy-change", MODEL) in found


def test_pull_request_cannot_raise_its_own_traffic_cap(reg: RegistryBuilder) -> None:
    reg.write(MODEL, reg.read(MODEL) + "traffic: {champion: 90, challenger: 10}\n")
    reg.write(MODEL, reg.read(MODEL) + "policy:\n  traffic: {max_challenger: 10}\n")
    reg.commit("a split capped at 10%")
    reg.edit(MODEL, "challenger: 10}", "challenger: 30}")
    reg.edit(MODEL, "champion: 90,", "champion: 70,")
    reg.edit(MODEL, "max_challenger: 10", "max_challenger: 50")
    assert "traffic-cap" not in {p.rule for p in reg.check()}  # the tree alone trusts its own policy
    found = {(p.rule, p.path) for p in reg.check(base="HEAD")}
    assert ("traffic-cap", MODEL) in found
    assert ("policy-change", MODEL) in found


def test_change_to_one_model_leaves_the_others_unquestioned(reg: RegistryBuilder) -> None:
    reg.edit(V1, "description: Version 1 of fraud-detector.", "description: Old.")
    assert reg.check(base="HEAD") == []
    assert reg.check(base="HEAD~0") == []
