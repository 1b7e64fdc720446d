"""``registry alias set|rm``: one commit each (:func:`registry.write.set_alias`, ``delete_alias``)."""

from __future__ import annotations

from pathlib import Path

from registry import write
from registry.commands.change import report, target_branch


def run_set(
    root: Path, model: str, alias: str, version: int, branch: str | None, push: bool, pr: bool = False
) -> int:
    commit = write.set_alias(root, model, alias, version, branch=target_branch(branch, pr), push=push or pr)
    return report(root, commit, pr=pr, pushed=push or pr)


def run_rm(root: Path, model: str, alias: str, branch: str | None, push: bool, pr: bool = False) -> int:
    commit = write.delete_alias(root, model, alias, branch=target_branch(branch, pr), push=push or pr)
    return report(root, commit, pr=pr, pushed=push or pr)
