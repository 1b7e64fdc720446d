"""The real program, run as a subprocess, as users and CI run it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.builder import RegistryBuilder, cli as run

V2 = "models/fraud-detector/versions/2.yaml"
V3 = "models/fraud-detector/versions/3.yaml"
MODEL = "models/fraud-detector/model.yaml"


def test_check_clean_exits_zero(reg: RegistryBuilder) -> None:
    proc = run(reg.root, "check")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


def test_check_base_reports_edited_metric_and_skipped_stage(reg: RegistryBuilder) -> None:
    reg.version("fraud-detector", 4, "none")
    reg.commit("register v4")
    reg.edit(V2, "f1: 0.95", "f1: 0.99")
    reg.edit("models/fraud-detector/versions/4.yaml", "stage: none", "stage: production")
    reg.commit("bad change")
    proc = run(reg.root, "check", "--base", "HEAD~1")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert f"{V2}:6: immutable-field: metrics.f1 of an existing version cannot change" in lines[0]
    assert any(
        line.startswith("models/fraud-detector/versions/4.yaml:3: stage-transition: none -> production")
        for line in lines
    )


def test_check_formats_github_annotations(reg: RegistryBuilder) -> None:
    reg.edit(MODEL, "challenger: 3", "challenger: 9")
    proc = run(reg.root, "check", "--format", "github")
    assert proc.returncode == 1
    assert proc.stdout.strip() == (
        f"::error file={MODEL},line=6,title=alias-target::alias-target: "
        "alias 'challenger' points to version 9, which does not exist"
    )


def test_check_formats_a_gitlab_code_quality_report(reg: RegistryBuilder) -> None:
    clean = run(reg.root, "check", "--format", "gitlab")
    assert (clean.returncode, json.loads(clean.stdout)) == (0, [])  # GitLab wants valid JSON either way
    reg.edit(MODEL, "challenger: 3", "challenger: 9")
    reg.write(V3, b"stage: staging\nstage: none\n")
    proc = run(reg.root, "check", "--format", "gitlab")
    assert proc.returncode == 1
    found = json.loads(proc.stdout)
    alias = [f for f in found if f["check_name"] == "alias-target"]
    assert len(alias) == 1
    assert (
        alias[0]["description"]
        == "alias-target: alias 'challenger' points to version 9, which does not exist"
    )
    assert (alias[0]["severity"], alias[0]["location"]) == ("major", {"path": MODEL, "lines": {"begin": 6}})
    for issue in found:  # the fields GitLab requires, each fingerprint its own
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert len({f["fingerprint"] for f in found}) == len(found) >= 2


def test_check_formats_json(reg: RegistryBuilder) -> None:
    reg.write(V3, b"stage: staging\nstage: none\n")
    proc = run(reg.root, "check", "--format", "json")
    assert proc.returncode == 1
    found = json.loads(proc.stdout)
    mine = [p for p in found if p["path"] == V3]
    assert len(mine) == 1
    assert {"path": V3, "line": 2, "rule": "duplicate-key", "severity": "error"}.items() <= mine[0].items()


def test_usage_errors_exit_two_without_traceback(reg: RegistryBuilder) -> None:
    for args in (["check", "--base", "no-such-branch"], ["check", "--format", "xml"], ["show", "Bad Name"]):
        proc = run(reg.root, *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert proc.stderr.strip()


def test_missing_things_exit_one_with_a_hint(reg: RegistryBuilder) -> None:
    proc = run(reg.root, "show", "fraud-detector@nope")
    assert proc.returncode == 1
    assert "fraud-detector has no alias 'nope' (aliases: challenger, champion)" in proc.stderr
    proc = run(reg.root, "show", "nothing-here")
    assert proc.returncode == 1 and "no model named 'nothing-here'" in proc.stderr


def test_list_shows_every_model(reg: RegistryBuilder) -> None:
    proc = run(reg.root, "list")
    assert proc.returncode == 0
    rows = [line.split() for line in proc.stdout.splitlines()[2:]]
    assert rows == [
        ["base-encoder", "1", "1", "1", "-", "champion=1"],
        ["fraud-detector", "3", "3", "2", "3", "challenger=3", "champion=2"],
    ]


def test_show_resolves_alias_stage_and_uri_forms(reg: RegistryBuilder) -> None:
    for ref in ("fraud-detector@champion", "fraud-detector:production", "models:/fraud-detector/Production"):
        proc = run(reg.root, "show", ref, "--json")
        assert proc.returncode == 0, proc.stderr
        data = json.loads(proc.stdout)
        assert (data["model"], data["version"], data["aliases"]) == ("fraud-detector", 2, ["champion"])
    proc = run(reg.root, "resolve", "models:/fraud-detector@challenger")
    assert proc.stdout.strip() == "models:/fraud-detector/3"


def test_show_at_revision(reg: RegistryBuilder) -> None:
    reg.edit(V3, "stage: staging", "stage: production")
    reg.edit(V2, "stage: production", "stage: archived")
    reg.edit(MODEL, "champion: 2", "champion: 3")
    reg.commit("promote v3")
    now = json.loads(run(reg.root, "show", "fraud-detector@champion", "--json").stdout)
    before = json.loads(run(reg.root, "show", "fraud-detector@champion", "--json", "--rev", "HEAD~1").stdout)
    assert (now["version"], before["version"]) == (3, 2)


def test_compare_marks_differences(reg: RegistryBuilder) -> None:
    reg.edit(V3, "f1: 0.95", "f1: 0.97")
    proc = run(reg.root, "compare", "fraud-detector", "2", "@challenger")
    assert proc.returncode == 0, proc.stderr
    assert "* stage" in proc.stdout.replace("  ", " ")
    metric_line = next(line for line in proc.stdout.splitlines() if " f1 " in f" {line} ")
    assert metric_line.startswith("*") and "+0.02" in metric_line
    data = json.loads(run(reg.root, "compare", "fraud-detector", "2", "3", "--json").stdout)
    assert data["metrics"] == [
        {"key": "f1", "a": 0.95, "b": 0.97, "differs": True, "delta": data["metrics"][0]["delta"]}
    ]
    assert abs(data["metrics"][0]["delta"] - 0.02) < 1e-9


def test_schema_prints_json_schema(reg: RegistryBuilder) -> None:
    proc = run(reg.root, "schema", "version")
    assert json.loads(proc.stdout)["title"].startswith("Model version record")


def test_python_api_resolves_uris(reg: RegistryBuilder) -> None:
    from registry import Registry

    registry = Registry(reg.root)
    assert registry.get("models:/fraud-detector@champion").number == 2
    assert registry.get("models:/fraud-detector/3").stage == "staging"
    assert registry.get("models:/fraud-detector/production").number == 2
    assert registry.get("models:/fraud-detector/latest").number == 3


def test_outside_a_registry_every_command_says_so(tmp_path: Path) -> None:
    for args in (["check"], ["list"], ["show", "x"], ["search", ""]):
        proc = run(tmp_path, *args)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        assert "no registry in" in proc.stderr
    proc = run(tmp_path, "-C", str(tmp_path / "missing"), "list")
    assert proc.returncode == 2 and "no such folder" in proc.stderr


def test_python_api_searches_like_mlflow(reg: RegistryBuilder) -> None:
    from registry import Registry

    found = Registry(reg.root).search("name LIKE 'fraud-%' AND stage != 'archived'", ["version DESC"])
    assert [(v.model, v.number) for v in found] == [("fraud-detector", 3), ("fraud-detector", 2)]


def test_check_of_one_revision_against_another(reg: RegistryBuilder) -> None:
    reg.edit(V2, "f1: 0.95", "f1: 0.99")
    reg.commit("edit a released metric")
    reg.edit(V2, "f1: 0.99", "f1: 0.95")  # the work tree is fine again; the commit is not
    assert reg.check() == []
    proc = run(reg.root, "check", "--rev", "HEAD", "--base", "HEAD~1")
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"{V2}:6: immutable-field:")
