"""Whole-tree rules: each has a failing case here; the baseline is the passing case."""

from __future__ import annotations

import os

import pytest

from registry.problems import ERROR
from tests.builder import RegistryBuilder, cli

V3 = "models/fraud-detector/versions/3.yaml"
V2 = "models/fraud-detector/versions/2.yaml"
MODEL = "models/fraud-detector/model.yaml"


def only(reg: RegistryBuilder) -> list[tuple[str, str, int | None]]:
    return [(p.rule, p.path, p.line) for p in reg.check() if p.severity == ERROR]


def test_baseline_registry_is_clean(reg: RegistryBuilder) -> None:
    assert reg.check() == []


# -- parsing: every hostile file names its rule, its file and its line -------


@pytest.mark.parametrize(
    ("text", "rule", "line"),
    [
        (b"created_at: [\n", "yaml-syntax", 2),
        (b"stage: staging\nstage: production\n", "duplicate-key", 2),
        (
            b"created_at: 2026-01-01T00:00:00Z\nx: !!python/object/apply:os.system ['echo pwned']\n",
            "yaml-tag",
            2,
        ),
        (b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n", "yaml-alias", 1),
        (b"stage: staging\ndescription: caf\xe9\n", "encoding", 2),
        (b"a: 1\n---\nb: 2\n", "yaml-syntax", 2),
    ],
    ids=["invalid-yaml", "duplicate-key", "python-tag", "alias-bomb", "not-utf8", "two-documents"],
)
def test_hostile_version_file_is_reported_with_rule_and_line(
    reg: RegistryBuilder, text: bytes, rule: str, line: int
) -> None:
    reg.write(V3, text)
    problems = only(reg)
    assert (rule, V3, line) in problems
    # Every other file is still loaded and checked; the alias to v3 is not
    # called dangling, since v3 exists: its own error is the one to fix.
    assert [p for p in problems if p[1] != V3] == []


def test_python_object_tag_is_never_constructed(reg: RegistryBuilder, tmp_path: object) -> None:
    marker = reg.root / "pwned"
    reg.write(V3, f"x: !!python/object/apply:os.system ['touch {marker}']\n")
    assert ("yaml-tag", V3) in reg.findings()
    assert not marker.exists()


def test_billion_laughs_is_refused_quickly(reg: RegistryBuilder) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 30):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    reg.write(V3, "\n".join(lines) + "\n")
    assert ("yaml-alias", V3) in reg.findings()


def test_file_over_one_megabyte_is_refused(reg: RegistryBuilder) -> None:
    reg.write(V3, b"description: '" + b"x" * 1_100_000 + b"'\n")
    assert ("file-too-large", V3) in reg.findings()


def test_a_file_too_large_is_reported_with_its_real_size(reg: RegistryBuilder) -> None:
    """Only the first megabyte is read; the size reported is the file's own, in the work tree and in a commit."""
    reg.write(V3, b"description: '" + b"x" * (1_004_311 - 16) + b"'\n")
    assert (reg.root / V3).stat().st_size == 1_004_311
    for rev in (None, "HEAD"):
        if rev:
            reg.commit("large")
        proc = cli(reg.root, "check", *(["--rev", rev] if rev else []))
        assert "file is 1,004,311 bytes; the limit is 1,000,000" in proc.stdout, proc.stdout


def test_wrong_type_is_a_schema_problem_at_its_line(reg: RegistryBuilder) -> None:
    reg.edit(V3, "f1: 0.95", "f1: high")
    assert ("schema", V3, 6) in only(reg)


def test_unknown_key_points_at_the_key(reg: RegistryBuilder) -> None:
    text = reg.read(V3)
    reg.write(V3, text + "colour: blue\n")
    problems = reg.check()
    assert [(p.rule, p.line) for p in problems if p.path == V3] == [("schema", len(text.splitlines()) + 1)]
    assert "unknown key 'colour'" in next(p.message for p in problems if p.path == V3)


def test_missing_required_field_is_reported(reg: RegistryBuilder) -> None:
    reg.edit(V3, "created_by: alice@example.com\n", "")
    assert ("schema", V3) in reg.findings()


def test_invalid_time_is_reported(reg: RegistryBuilder) -> None:
    reg.edit(V3, "2026-01-03T10:00:00Z", "2026-13-45T10:00:00Z")
    assert ("schema", V3) in reg.findings()


# -- names and files ---------------------------------------------------------


@pytest.mark.parametrize("name", ["Fraud", "..x", "-x", "a b", "x" * 65])
def test_invalid_model_folder_name_is_reported_and_not_loaded(reg: RegistryBuilder, name: str) -> None:
    reg.write(f"models/{name}/model.yaml", "{}\n")
    assert ("invalid-name", f"models/{name}") in reg.findings()


WINDOWS_UNSAFE = [
    "con",
    "aux",
    "nul",
    "prn",
    "com1",
    "lpt1",
    "com9",
    "con.txt",
    "nul.tar.gz",
    "model.",
    "a..",
]


@pytest.mark.parametrize("name", WINDOWS_UNSAFE)
def test_a_model_name_windows_cannot_check_out_is_refused(reg: RegistryBuilder, name: str) -> None:
    reg.write(f"models/{name}/model.yaml", "{}\n")
    problems = [p for p in reg.check() if p.path == f"models/{name}"]
    assert [p.rule for p in problems] == ["invalid-name"]
    assert "Windows" in problems[0].message


@pytest.mark.parametrize("name", ["console", "com10", "lpt", "auxiliary", "nul-model", "x.con", "v1.2"])
def test_names_that_only_resemble_device_names_pass(reg: RegistryBuilder, name: str) -> None:
    reg.write(f"models/{name}/model.yaml", "{}\n")
    assert not [p for p in reg.check() if p.path.startswith(f"models/{name}")]


@pytest.mark.parametrize("name", ["con", "lpt1.bin", "model."])
def test_register_and_parents_refuse_a_windows_unsafe_name(reg: RegistryBuilder, name: str) -> None:
    (reg.root / "weights.bin").write_bytes(b"w")
    proc = cli(reg.root, "register", name, "weights.bin")
    assert proc.returncode == 2 and "not a valid model name" in proc.stderr, proc.stderr  # a usage error
    assert not (reg.root / "models" / name).exists()
    reg.edit(V3, "- model: base-encoder", f"- model: {name}")
    assert ("parent-missing", V3) in reg.findings()


def test_symlinked_model_folder_leaving_the_repo_is_refused(reg: RegistryBuilder, tmp_path: object) -> None:
    outside = reg.root.parent / "outside"
    (outside / "versions").mkdir(parents=True)
    (outside / "model.yaml").write_text("{}\n")
    os.symlink(outside, reg.root / "models" / "evil")
    assert ("symlink", "models/evil") in reg.findings()


def test_symlinked_record_is_refused_at_a_revision_too(reg: RegistryBuilder) -> None:
    os.symlink("/etc/passwd", reg.root / "models" / "fraud-detector" / "versions" / "4.yaml")
    reg.commit("symlink")
    assert ("symlink", "models/fraud-detector/versions/4.yaml") in reg.findings()
    from registry.check import check

    assert ("symlink", "models/fraud-detector/versions/4.yaml") in {
        (p.rule, p.path) for p in check(reg.root, rev="HEAD")
    }


@pytest.mark.parametrize("filename", ["03.yaml", "x.yaml", "0.yaml", "3.yml"])
def test_badly_named_version_file_is_reported(reg: RegistryBuilder, filename: str) -> None:
    reg.write(f"models/fraud-detector/versions/{filename}", reg.read(V3))
    assert ("invalid-version-file", f"models/fraud-detector/versions/{filename}") in reg.findings()


def test_version_gap_is_reported(reg: RegistryBuilder) -> None:
    reg.version("fraud-detector", 5, "none")
    assert ("version-gap", "models/fraud-detector/versions") in reg.findings()


def test_missing_model_file_is_reported(reg: RegistryBuilder) -> None:
    reg.version("orphan", 1)
    assert ("missing-model-file", "models/orphan/model.yaml") in reg.findings()


def test_unknown_stage_is_reported(reg: RegistryBuilder) -> None:
    reg.edit(V3, "stage: staging", "stage: shadow")
    assert ("unknown-stage", V3, 3) in only(reg)


def test_registry_yaml_naming_unknown_stage_is_reported(reg: RegistryBuilder) -> None:
    reg.write("registry.yaml", reg.read("registry.yaml") + "single_holder: [production, canary]\n")
    assert ("unknown-stage", "registry.yaml") in reg.findings()


def test_a_model_may_let_its_versions_share_a_single_holder_stage(reg: RegistryBuilder) -> None:
    for path in (V2, V3):
        lines = reg.read(path).splitlines()
        reg.write(path, "\n".join("stage: production" if x.startswith("stage:") else x for x in lines) + "\n")
    assert ("single-holder", V3) in reg.findings()
    reg.write(MODEL, reg.read(MODEL) + "policy: {single_holder: []}\n")
    assert [p for p in reg.findings() if p[0] == "single-holder"] == []
    reg.write(MODEL, reg.read(MODEL).replace("single_holder: []", "single_holder: [prod]"))
    assert ("unknown-stage", MODEL) in reg.findings()
    assert ("single-holder", V3) not in reg.findings()  # it holds only "prod", which is no stage
    reg.write(
        "registry.yaml", reg.read("registry.yaml").replace("policy:\n", "policy:\n  single_holder: []\n", 1)
    )
    assert ("schema", "registry.yaml") in reg.findings()  # the registry's is the top-level key


# -- aliases -------------------------------------------------------------------


def test_alias_to_missing_version_is_reported(reg: RegistryBuilder) -> None:
    reg.edit(MODEL, "challenger: 3", "challenger: 9")
    problems = only(reg)
    assert ("alias-target", MODEL, 6) in problems


def test_alias_failing_its_gate_is_reported(reg: RegistryBuilder) -> None:
    reg.edit(MODEL, "champion: 2", "champion: 3")
    found = [p for p in reg.check() if p.rule == "alias-gate"]
    assert [(p.path, p.line) for p in found] == [(MODEL, 5)]
    assert "must be in stage 'production'" in found[0].message


def test_model_policy_overrides_the_alias_gate(reg: RegistryBuilder) -> None:
    reg.edit(MODEL, "champion: 2", "champion: 3")
    reg.write(MODEL, reg.read(MODEL) + "policy:\n  aliases:\n    champion: {stage: staging}\n")
    assert reg.check() == []


# -- traffic splits ------------------------------------------------------------


@pytest.mark.parametrize(
    ("traffic", "policy", "rule", "words"),
    [
        ("{champion: 90, challenger: 5}", "", "traffic-sum", "sum to 95, not 100"),
        ("{champion: 90, canary: 10}", "", "traffic-alias", "@canary, which fraud-detector does not have"),
        ("{champion: 90, old: 10}", "", "traffic-archived", "version 1, in archived"),
        (
            "{champion: 80, challenger: 20}",
            "policy:\n  traffic: {max_challenger: 10}\n",
            "traffic-cap",
            "at most 10%",
        ),
    ],
    ids=["sum", "alias", "archived", "cap"],
)
def test_traffic_split_rules(reg: RegistryBuilder, traffic: str, policy: str, rule: str, words: str) -> None:
    reg.edit(MODEL, "challenger: 3", "challenger: 3\n  old: 1")
    reg.write(MODEL, reg.read(MODEL) + f"traffic: {traffic}\n" + policy)
    found = [p for p in reg.check() if p.severity == ERROR]
    assert [(p.rule, p.path) for p in found] == [(rule, MODEL)], found
    assert words in found[0].message
    assert found[0].line == 8


def test_a_traffic_split_within_the_rules_is_clean(reg: RegistryBuilder) -> None:
    policy = "policy:\n  traffic: {max_challenger: 10}\n"
    reg.write(MODEL, reg.read(MODEL) + "traffic: {champion: 90, challenger: 10}\n" + policy)
    assert reg.check() == []


# -- lineage -------------------------------------------------------------------


def test_parent_to_missing_version_is_reported(reg: RegistryBuilder) -> None:
    reg.edit(V3, "version: 1", "version: 7")
    assert ("parent-missing", V3) in reg.findings()


def test_parent_with_path_like_name_is_reported_not_followed(reg: RegistryBuilder) -> None:
    reg.edit(V3, "model: base-encoder", "model: ../../etc")
    problems = [p for p in reg.check() if p.rule == "parent-missing"]
    assert problems and "not a valid model name" in problems[0].message


def test_parent_to_archived_version_is_allowed(reg: RegistryBuilder) -> None:
    reg.edit(V3, "model: base-encoder", "model: fraud-detector")
    assert reg.check() == []


def test_parent_cycle_is_reported_once(reg: RegistryBuilder) -> None:
    reg.version("base-encoder", 2, lineage={"parents": [{"model": "fraud-detector", "version": 3}]})
    reg.edit(V3, "version: 1", "version: 2")
    cycles = [p for p in reg.check() if p.rule == "lineage-cycle"]
    assert len(cycles) == 1
    assert "base-encoder/2 -> fraud-detector/3 -> base-encoder/2" in cycles[0].message


def test_self_parent_is_a_cycle(reg: RegistryBuilder) -> None:
    reg.edit(V3, "model: base-encoder\n    version: 1", "model: fraud-detector\n    version: 3")
    assert ("lineage-cycle", V3) in reg.findings()


# -- artifacts -----------------------------------------------------------------


def test_missing_dvc_file_is_reported(reg: RegistryBuilder) -> None:
    (reg.root / "models/fraud-detector/artifacts/3/model.bin.dvc").unlink()
    assert ("artifact-missing", V3) in reg.findings()


def test_md5_disagreeing_with_dvc_file_is_reported(reg: RegistryBuilder) -> None:
    text = reg.read(V3)
    md5 = text.split("md5: ")[1].split()[0]
    reg.edit(V3, md5, "f" * 32)
    found = [p for p in reg.check() if p.rule == "artifact-mismatch"]
    assert [(p.path, p.line) for p in found] == [(V3, 9)]


def test_size_disagreeing_with_dvc_file_is_reported(reg: RegistryBuilder) -> None:
    reg.edit(V3, "size: ", "size: 1")
    assert ("artifact-mismatch", V3) in reg.findings()


def test_artifact_outside_its_version_folder_is_reported(reg: RegistryBuilder) -> None:
    reg.edit(V3, "path: artifacts/3/model.bin", "path: artifacts/2/model.bin")
    assert ("artifact-path", V3) in reg.findings()


def test_artifact_path_escaping_the_model_folder_is_a_schema_problem(reg: RegistryBuilder) -> None:
    reg.edit(V3, "path: artifacts/3/model.bin", "path: artifacts/3/../../../../etc/passwd")
    assert ("schema", V3) in reg.findings()


# -- stages --------------------------------------------------------------------


def test_second_production_version_breaks_single_holder(reg: RegistryBuilder) -> None:
    reg.edit(V3, "stage: staging", "stage: production")
    assert [(p.rule, p.path) for p in reg.check() if p.rule == "single-holder"] == [("single-holder", V3)]


def test_single_holder_stages_come_from_registry_yaml(reg: RegistryBuilder) -> None:
    reg.write("registry.yaml", reg.read("registry.yaml") + "single_holder: []\n")
    reg.edit(V3, "stage: staging", "stage: production")
    assert "single-holder" not in {p.rule for p in reg.check()}


def test_broken_file_does_not_hide_problems_elsewhere(reg: RegistryBuilder) -> None:
    reg.write(V3, b"stage: [unclosed\n")
    reg.edit("models/base-encoder/model.yaml", "champion: 1", "champion: 4")
    rules = reg.findings()
    assert ("yaml-syntax", V3) in rules
    assert ("alias-target", "models/base-encoder/model.yaml") in rules


def test_undecodable_and_control_characters_in_names_are_printed_safely(reg: RegistryBuilder) -> None:

    weird = os.fsencode(reg.root / "models") + b"/caf\xe9\nx"
    os.makedirs(weird)
    with open(weird + b"/model.yaml", "wb") as fh:
        fh.write(b"{}\n")
    proc = cli(reg.root, "check")
    assert proc.returncode == 1
    assert "models/caf\\xe9\\nx: invalid-name:" in proc.stdout


def test_broken_dvc_pointer_is_reported(reg: RegistryBuilder) -> None:
    reg.write("models/fraud-detector/artifacts/3/model.bin.dvc", "md5: nothing here\n")
    assert ("artifact-dvc", "models/fraud-detector/artifacts/3/model.bin.dvc") in reg.findings()


def test_stray_file_in_versions_folder_is_reported(reg: RegistryBuilder) -> None:
    reg.write("models/fraud-detector/versions/notes/readme.md", "hello\n")
    assert ("unexpected-file", "models/fraud-detector/versions/notes/readme.md") in reg.findings()


def test_invalid_registry_yaml_is_reported_and_models_still_checked(reg: RegistryBuilder) -> None:
    reg.write("registry.yaml", "stages: production\n")
    reg.edit(MODEL, "challenger: 3", "challenger: 9")
    found = reg.findings()
    assert ("schema", "registry.yaml") in found
    assert ("alias-target", MODEL) in found


def test_folder_without_registry_is_a_warning_not_a_crash(tmp_path: object) -> None:
    from pathlib import Path

    from registry.check import check

    assert isinstance(tmp_path, Path)
    problems = check(tmp_path)
    assert [(p.rule, p.severity) for p in problems] == [("no-registry", "warning")]


def test_versions_folder_swapped_for_a_symlink_is_never_read_through(reg: RegistryBuilder) -> None:
    import shutil

    outside = reg.root.parent / "outside-versions"
    outside.mkdir()
    (outside / "1.yaml").write_text("secret: do-not-read\n")
    (outside / "9.yaml").write_text("secret: do-not-read\n")
    shutil.rmtree(reg.root / "models/fraud-detector/versions")
    os.symlink(outside, reg.root / "models/fraud-detector/versions")
    problems = reg.check()
    assert ("symlink", "models/fraud-detector/versions") in {(p.rule, p.path) for p in problems}
    assert not any("secret" in p.message for p in problems)


def test_hash_read_as_a_number_gets_a_quoting_hint(reg: RegistryBuilder) -> None:
    reg.edit(V3, "lineage:\n", "lineage:\n  code: {commit: 1234567}\n")
    problems = [p for p in reg.check() if p.path == V3]
    assert [(p.rule, p.line) for p in problems] == [("schema", 12)]
    assert "put it in quotes" in problems[0].message


def test_nan_metric_is_refused_so_json_output_stays_valid(reg: RegistryBuilder) -> None:
    reg.edit(V3, "f1: 0.95", "f1: .nan")
    problems = [p for p in reg.check() if p.path == V3]
    assert [(p.rule, p.line) for p in problems] == [("number-range", 6)]
    assert ".nan is not a finite number" in problems[0].message


def test_a_folder_name_with_a_trailing_newline_is_no_model_name(reg: RegistryBuilder) -> None:
    """Names match whole: 'x\\n' is not the name x, and no path is built from it."""
    reg.write("models/scorer\n/model.yaml", "{}\n")
    reg.write("models/scorer\n/versions/1.yaml", reg.read(V2))
    rules = {(p.rule, p.path) for p in reg.check()}
    assert ("invalid-name", "models/scorer\\n") in rules
    assert not any(p.startswith("models/scorer\n") for _, p in rules)
