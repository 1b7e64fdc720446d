"""``registry promote MODEL VERSION STAGE``: one commit (:func:`registry.write.promote`)."""

from __future__ import annotations

from pathlib import Path

from registry import write
from registry.commands.change import report, target_branch


def run(
    root: Path,
    model: str,
    version: int,
    stage: str,
    reason: str | None,
    branch: str | None,
    push: bool,
    pr: bool = False,
    archive_others: bool = False,
) -> int:
    commit = write.promote(
        root,
        model,
        version,
        stage,
        reason=reason,
        archive_others=archive_others,
        branch=target_branch(branch, pr),
        push=push or pr,
    )
    return report(root, commit, pr=pr, pushed=push or pr)
