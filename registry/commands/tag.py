"""``registry tag set|rm MODEL[/N]``: one commit each (:func:`registry.write.set_tag`, ``delete_tag``)."""

from __future__ import annotations

from pathlib import Path

from registry import write
from registry.commands.change import report, target_branch
from registry.refs import parse_target


def run_set(
    root: Path, target: str, key: str, value: str, branch: str | None, push: bool, pr: bool = False
) -> int:
    model, version = parse_target(target)
    commit = write.set_tag(
        root, model, version, key, value, branch=target_branch(branch, pr), push=push or pr
    )
    return report(root, commit, pr=pr, pushed=push or pr)


def run_rm(root: Path, target: str, key: str, branch: str | None, push: bool, pr: bool = False) -> int:
    model, version = parse_target(target)
    commit = write.delete_tag(root, model, version, key, branch=target_branch(branch, pr), push=push or pr)
    return report(root, commit, pr=pr, pushed=push or pr)
