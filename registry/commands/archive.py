"""``registry archive MODEL VERSION``: one commit (:func:`registry.write.archive`)."""

from __future__ import annotations

from pathlib import Path

from registry import write
from registry.commands.change import report, target_branch


def run(
    root: Path, model: str, version: int, reason: str | None, branch: str | None, push: bool, pr: bool = False
) -> int:
    commit = write.archive(
        root, model, version, reason=reason, branch=target_branch(branch, pr), push=push or pr
    )
    return report(root, commit, pr=pr, pushed=push or pr)
