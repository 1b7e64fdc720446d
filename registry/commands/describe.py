"""``registry describe MODEL[/N] TEXT|@FILE``: one commit (:func:`registry.write.describe`)."""

from __future__ import annotations

from pathlib import Path

from registry import write
from registry.commands.change import read_text, report, target_branch
from registry.refs import parse_target


def run(root: Path, target: str, text: str, branch: str | None, push: bool, pr: bool = False) -> int:
    model, version = parse_target(target)
    commit = write.describe(
        root, model, version, read_text(text), branch=target_branch(branch, pr), push=push or pr
    )
    return report(root, commit, pr=pr, pushed=push or pr)
