"""What the stages of a model's versions were, read from git's history of
their records: the facts a rollback needs ("which version was in production
before this one", "has this version been in production").

Only the commits that touch the model's ``versions/`` folder are read (under
its current and former names, so a renamed model keeps its past), newest
first, and only as far back as the question needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from registry import git, yamlsafe
from registry.load import MODELS_DIR

_VERSION_PATH = re.compile(r"^models/[^/]+/versions/([1-9][0-9]{0,8})\.yaml$")


class StageChange(NamedTuple):
    commit: str
    time: int
    version: int
    old: str | None
    """None when the record was created in this commit."""
    new: str | None
    """None when the record was removed in this commit."""


def _stage(data: bytes) -> str | None:
    try:
        doc = yamlsafe.load(data)
    except yamlsafe.YamlError:
        return None
    stage = doc.get("stage") if isinstance(doc, dict) else None
    return stage if isinstance(stage, str) else None


def stage_changes(root: Path, rev: str, names: list[str]) -> Iterator[StageChange]:
    """Every change of stage of the versions of the model called ``names``
    (its name and former names), newest first, on the first-parent line of
    ``rev``. A folder rename shows as removals and additions; those are left
    out, as the stages did not change."""
    dirs = [f"{MODELS_DIR}/{name}/versions" for name in names]
    with git.CatFile(root) as cat:
        for entry in git.log(root, rev, dirs):
            touched = [(c, int(m.group(1))) for c in entry.changes if (m := _VERSION_PATH.match(c.path))]
            blobs = [b for c, _ in touched for b in (c.old, c.new) if b]
            data = cat.read_many(list(dict.fromkeys(blobs)))
            removed = {n: c.old for c, n in touched if c.new is None and c.old}
            added = {n: c.new for c, n in touched if c.old is None and c.new}
            for change, number in touched:
                old = _stage(data[change.old]) if change.old else None
                new = _stage(data[change.new]) if change.new else None
                if change.old is None and number in removed:  # moved with its folder
                    old = _stage(data[removed[number]] if removed[number] else b"")
                    if old == new:
                        continue
                if change.new is None and number in added:
                    continue
                if old != new:
                    yield StageChange(entry.commit, entry.committer.time, number, old, new)


def stages_held(root: Path, rev: str, names: list[str], version: int) -> set[str]:
    """The stages version ``version`` has been in, in the history of ``rev``."""
    held: set[str] = set()
    for change in stage_changes(root, rev, names):
        if change.version == version:
            held.update(s for s in (change.old, change.new) if s)
    return held


def previous_holder(root: Path, rev: str, names: list[str], stage: str, exclude: set[int]) -> int | None:
    """The version that most recently left ``stage``, other than ``exclude``."""
    for change in stage_changes(root, rev, names):
        if change.old == stage and change.new not in (None, stage) and change.version not in exclude:
            return change.version
    return None
