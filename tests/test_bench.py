"""The benchmark's generator makes registries the checker accepts, commit by commit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from registry.check import check

ROOT = Path(__file__).resolve().parent.parent


def test_generated_registry_and_its_history_are_valid(tmp_path: Path) -> None:
    repo = tmp_path / "reg"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            str(repo),
            "--models",
            "4",
            "--versions",
            "3",
            "--commits",
            "30",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert check(repo) == []
    commits = subprocess.run(
        ["git", "rev-list", "--first-parent", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(commits) >= 20
    for commit in commits[:-1]:
        problems = [p for p in check(repo, rev=commit, base=f"{commit}^") if p.severity == "error"]
        assert problems == [], commit


def test_the_lifecycle_variant_is_a_change_the_checker_accepts(tmp_path: Path) -> None:
    repo = tmp_path / "reg"
    args = [str(repo), "--models", "20", "--versions", "3", "--commits", "60", "--lifecycle", "0.1"]
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "semver, traffic and a tombstone on 2 models" in done.stdout
    assert check(repo) == []
    assert check(repo, base="HEAD~1") == []
    from registry import Registry

    reg = Registry(repo)
    assert reg.get("m0000/1").deleted is not None
    assert reg.get("models:/m0010/1.2.0").number == 3
    assert dict(reg.model("m0000").model.traffic) == {"champion": 90, "challenger": 10}
