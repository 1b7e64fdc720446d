"""``registry traffic set|clear``: one commit each (:func:`registry.write.set_traffic`, ``clear_traffic``)."""

from __future__ import annotations

from pathlib import Path

from registry import write
from registry.commands.change import report, target_branch
from registry.errors import UsageError


def parse_shares(items: tuple[str, ...]) -> dict[str, int]:
    """``champion=90 challenger=10`` as {alias: percent}."""
    shares: dict[str, int] = {}
    for item in items:
        alias, sep, pct = item.partition("=")
        alias, pct = alias.strip().removeprefix("@"), pct.strip().removesuffix("%")
        if not sep or not alias or not pct.isdigit() or not pct.isascii():
            raise UsageError(f"{item!r}: give each share as ALIAS=PERCENT, e.g. champion=90")
        if alias in shares:
            raise UsageError(f"@{alias} is given twice")
        shares[alias] = int(pct)
    return shares


def run_set(
    root: Path,
    model: str,
    items: tuple[str, ...],
    reason: str | None,
    branch: str | None,
    push: bool,
    pr: bool = False,
) -> int:
    commit = write.set_traffic(
        root, model, parse_shares(items), reason=reason, branch=target_branch(branch, pr), push=push or pr
    )
    return report(root, commit, pr=pr, pushed=push or pr)


def run_clear(
    root: Path, model: str, reason: str | None, branch: str | None, push: bool, pr: bool = False
) -> int:
    commit = write.clear_traffic(
        root, model, reason=reason, branch=target_branch(branch, pr), push=push or pr
    )
    return report(root, commit, pr=pr, pushed=push or pr)
