"""Questions asked of the history: where a shallow clone's history starts,
and what a rollback needs to know (the stages a version has held, the
version that last left a stage)."""

from __future__ import annotations

from pathlib import Path

from registry import git
from registry.history.event import stage_move
from registry.history.walk import events


def shallow_start(root: Path, rev: str = "HEAD") -> str | None:
    """In a shallow clone, the commit where the main line of ``rev`` starts
    because its parents were not fetched; None when its history is whole."""
    view = git.history_view(Path(root))
    if not view.shallow:
        return None
    return next((c for c in git.mainline_roots(Path(root), rev) if c in view.shallow), None)


def shallow_warning(root: Path, rev: str = "HEAD") -> str | None:
    """The warning a command that reads history gives in a shallow clone."""
    start = shallow_start(root, rev)
    if start is None:
        return None
    return (
        f"warning: this is a shallow clone: its history starts at commit {start[:10]}, "
        "whose state is taken as the starting state (earlier commits were not fetched; "
        "`git fetch --unshallow` fetches them)"
    )


def stages_held(root: Path, rev: str, names: list[str], version: int) -> set[str]:
    """The stages a version of the model called ``names`` (current and former
    names) has been in, on the main line of ``rev``."""
    held: set[str] = set()
    for e in events(root, rev, models=names):
        move = stage_move(e) if e.version == version else None
        if move is not None:
            held.update(s for s in move if s)
    return held


def previous_holder(root: Path, rev: str, names: list[str], stage: str, exclude: set[int]) -> int | None:
    """The version that most recently left ``stage``, other than ``exclude``."""
    for e in reversed(events(root, rev, models=names)):
        move = stage_move(e)
        if move is not None and move[0] == stage and e.version is not None and e.version not in exclude:
            return e.version
    return None
