"""``registry rename OLD NEW``: one commit (:func:`registry.write.rename`)."""

from __future__ import annotations

from pathlib import Path

from registry import write
from registry.commands.change import report


def run(root: Path, old: str, new: str, reason: str | None) -> int:
    return report(root, write.rename(root, old, new, reason=reason))
