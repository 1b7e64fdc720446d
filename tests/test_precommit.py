"""pre-commit support: ``registry check PATHS`` and the hooks in .pre-commit-hooks.yaml, run by
the real pre-commit."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.builder import RegistryBuilder, cli as run

ROOT = Path(__file__).resolve().parent.parent
V1 = "models/fraud-detector/versions/1.yaml"
V3 = "models/fraud-detector/versions/3.yaml"
MODEL = "models/fraud-detector/model.yaml"
ELSEWHERE = "models/base-encoder/model.yaml"
PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent))


def _break_elsewhere(reg: RegistryBuilder) -> None:
    reg.edit(ELSEWHERE, "champion: 1", "champion: 7")


def test_check_with_paths_reports_only_the_problems_in_those_files(reg: RegistryBuilder) -> None:
    _break_elsewhere(reg)
    reg.edit(V1, "size: 16", "size: 17")
    proc = run(reg.root, "check", V1)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"{V1}:10: artifact-mismatch: artifact.size is 17 but "
        "models/fraud-detector/artifacts/1/model.bin.dvc says 16"
    ]
    assert "1 error(s), 0 warning(s) (1 path(s) given, whole tree; 1 problem(s) elsewhere not shown)" in (
        proc.stderr
    )


def test_check_exits_zero_when_the_given_files_are_clean_though_another_is_broken(
    reg: RegistryBuilder,
) -> None:
    """Meant for pre-commit, which passes the staged files; CI checks the whole tree."""
    _break_elsewhere(reg)
    proc = run(reg.root, "check", V1, V3)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    assert "ok (2 path(s) given, whole tree; 1 problem(s) elsewhere not shown)" in proc.stderr
    assert run(reg.root, "check").returncode == 1


def test_a_problem_the_given_files_cause_elsewhere_is_reported(reg: RegistryBuilder) -> None:
    """v2 holds production; moving v1 there breaks single-holder, a rule some
    checks report on v2, which pre-commit did not pass: it is shown, being
    new since HEAD in a file that is as HEAD has it."""
    _break_elsewhere(reg)  # new too, but in a changed file that was not given: not shown
    reg.edit(V1, "stage: archived", "stage: production")
    proc = run(reg.root, "check", V1)
    assert proc.returncode == 1
    reported = proc.stdout.splitlines()
    assert any("single-holder" in line for line in reported), proc.stdout
    assert not any(line.startswith(ELSEWHERE) for line in reported)
    # Problems already on HEAD elsewhere stay out of a pre-commit run.
    reg.commit("broken on main")
    reg.edit(V3, "Version 3 of fraud-detector.", "Version three.")
    proc = run(reg.root, "check", V3)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stdout


def test_check_paths_are_relative_to_the_current_folder(reg: RegistryBuilder) -> None:
    _break_elsewhere(reg)
    folder = reg.root / "models" / "base-encoder"
    proc = run(folder, "check", "model.yaml", "--format", "json")
    assert proc.returncode == 1
    assert proc.stdout.count('"path": "models/base-encoder/model.yaml"') == 1
    assert run(folder, "check", "../fraud-detector/versions/1.yaml").returncode == 0
    assert run(folder, "check", "../..").returncode == 1, "the registry's own folder is all of it"


def test_a_folder_path_reports_what_is_inside_and_a_gap_shows_for_its_versions(reg: RegistryBuilder) -> None:
    reg.version("fraud-detector", 5)
    proc = run(reg.root, "check", "models/fraud-detector/versions/5.yaml")
    assert proc.returncode == 1
    assert proc.stdout.startswith("models/fraud-detector/versions: version-gap:"), proc.stdout
    _break_elsewhere(reg)
    proc = run(reg.root, "check", "models/base-encoder")
    assert [line.split(":")[0] for line in proc.stdout.splitlines()] == [ELSEWHERE]


def test_a_path_outside_the_registry_is_a_usage_error(reg: RegistryBuilder, tmp_path: Path) -> None:
    proc = run(reg.root, "check", str(tmp_path / "elsewhere.yaml"))
    assert proc.returncode == 2
    assert "elsewhere.yaml: outside the registry" in proc.stderr


# -- the real pre-commit -----------------------------------------------------


def _pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    assert PRE_COMMIT is not None, "pre-commit is not installed: run the README's test command"
    return subprocess.run(
        [PRE_COMMIT, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PRE_COMMIT_HOME": str(home)},
    )


def test_the_hook_manifest_is_valid(tmp_path: Path) -> None:
    proc = _pre_commit("validate-manifest", ".pre-commit-hooks.yaml", cwd=ROOT, home=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _local_config() -> str:
    """The hooks of .pre-commit-hooks.yaml as a ``repo: local`` config that runs
    this checkout (``language: system``), so the test needs no network."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    registry = f"{shlex.quote(sys.executable)} -P -m registry"
    for hook in hooks:
        assert hook["language"] == "python" and hook["entry"].startswith("registry ")
        hook.update(language="system", entry=registry + hook["entry"].removeprefix("registry"))
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)


def _commit(reg: RegistryBuilder, home: Path, message: str) -> subprocess.CompletedProcess[str]:
    reg.git("add", "-A")
    return subprocess.run(
        ["git", "commit", "-q", "-m", message],
        cwd=reg.root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PRE_COMMIT_HOME": str(home)},
    )


def test_pre_commit_refuses_a_broken_record_and_stale_codeowners(
    reg: RegistryBuilder, tmp_path: Path
) -> None:
    home = tmp_path / "pre-commit-home"
    reg.write(".pre-commit-config.yaml", _local_config())
    assert run(reg.root, "codeowners").returncode == 0
    reg.commit("pre-commit hooks and CODEOWNERS")
    proc = _pre_commit("install", cwd=reg.root, home=home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    head = reg.git("rev-parse", "HEAD")

    reg.edit(MODEL, "challenger: 3", "challenger: 9")
    proc = _commit(reg, home, "point challenger nowhere")
    assert proc.returncode != 0
    assert f"{MODEL}:6: alias-target: alias 'challenger' points to version 9" in proc.stdout + proc.stderr
    assert reg.git("rev-parse", "HEAD") == head

    reg.edit(MODEL, "challenger: 9", "challenger: 3")
    reg.edit(MODEL, "- alice@example.com", "- bob@example.com")
    proc = _commit(reg, home, "new owner, CODEOWNERS not updated")
    assert proc.returncode != 0
    assert "+/models/fraud-detector/ bob@example.com" in proc.stdout + proc.stderr
    assert ".github/CODEOWNERS is out of date" in proc.stdout + proc.stderr
    assert reg.git("rev-parse", "HEAD") == head

    assert run(reg.root, "codeowners").returncode == 0
    reg.version("fraud-detector", 4)
    proc = _commit(reg, home, "new owner and v4")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert reg.git("rev-parse", "HEAD") != head
