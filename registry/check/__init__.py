"""``registry check``: the only place where "is this registry valid" is decided."""

from __future__ import annotations

from pathlib import Path

from registry.check.base import check_against_base
from registry.check.tree import check_tree
from registry.load import LoadedRegistry, cache_for, load
from registry.problems import Problem, locate


def check_loaded(cur: LoadedRegistry, base: LoadedRegistry | None = None) -> list[Problem]:
    """All problems of ``cur`` (and of the change from ``base``), with lines, sorted."""
    problems = check_tree(cur, base.config if base is not None else None)
    if base is not None:
        problems.extend(check_against_base(cur, base))
    return locate(dict.fromkeys(problems), cur.snapshot.read)


def check(root: Path | str, *, base: str | None = None, rev: str | None = None) -> list[Problem]:
    cache = cache_for(Path(root))
    cur = load(root, rev, cache=cache)
    return check_loaded(cur, load(root, base, cache=cache) if base is not None else None)
