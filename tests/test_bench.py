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
