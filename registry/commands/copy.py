"""``registry copy SOURCE MODEL [--to PATH]``: one commit in the target registry
(:func:`registry.write.copy`)."""

from __future__ import annotations

from pathlib import Path

from registry import write
from registry.commands.change import report, target_branch


def run(root: Path, source: str, model: str, to: str | None, branch: str | None, push: bool, pr: bool) -> int:
    target = Path(to) if to is not None else root
    commit, _ = write.copy(root, source, model, to=target, push=push or pr, branch=target_branch(branch, pr))
    return report(target, commit, pr=pr)
