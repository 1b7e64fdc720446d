"""``registry check``: the only place where "is this registry valid" is decided.

Rooms: ``rules`` (the catalogue of rule names), ``files`` (the tree's files
and names), ``records`` (a record's schema and values), ``pointer`` (a
``.dvc`` file), ``tree`` (one snapshot), ``gates`` (stage moves and gates),
``base`` (a change against its base). Reading a file (``registry.parse``)
calls ``records`` and ``pointer``, and loading calls ``files``: so this
package's ``__init__`` imports the loader only inside its functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from registry import git, layout

if TYPE_CHECKING:
    from registry.load import LoadedRegistry
    from registry.problems import Problem
    from registry.records import Model, Policy


def changed_models(root: Path, cur: LoadedRegistry, base: str) -> set[str]:
    """Names of the model folders whose files differ from revision ``base``."""
    base_commit = git.rev_parse(root, base)
    paths = set(cur.snapshot.dirty)
    paths |= git.changed_paths(root, base_commit, cur.commit, list(layout.ROOTS))
    return {name for p in paths if (name := layout.model_folder_of(p)) is not None}


def check_loaded(
    cur: LoadedRegistry, base: LoadedRegistry | None = None, changed: set[str] | None = None
) -> list[Problem]:
    """All problems of ``cur`` (and of the change from ``base``), with lines, sorted.

    With a base, every policy comes from the base: the registry's, and each
    changed model's own (a model new in the change gets the registry's)."""
    from registry.check.base import check_against_base
    from registry.check.tree import check_tree
    from registry.problems import locate

    if base is None:
        problems = check_tree(cur)
    else:
        changed = set(cur.models) | set(base.models) if changed is None else changed

        def policy_of(model: Model) -> Policy:
            if model.name not in changed:
                return base.config.policy_for(model)  # its files are the base's
            for name in (model.name, *model.former_names):
                if name in base.models:
                    return base.config.policy_for(base.models[name].model)
            return base.config.policy

        problems = check_tree(cur, base.config, policy_of)
        problems.extend(check_against_base(cur, base, changed))
    return locate(dict.fromkeys(problems), cur.snapshot.read_available)


def check(root: Path | str, *, base: str | None = None, rev: str | None = None) -> list[Problem]:
    """Check the registry at ``root`` (or at ``rev``), and the change from ``base``.

    The base is loaded only for the models the change touches, so checking
    a one-record pull request costs one load, not two."""
    from registry.load import cache_for, load

    root = Path(root)
    cache = cache_for(root)
    cur = load(root, rev, cache=cache)
    if base is None:
        return check_loaded(cur)
    changed = changed_models(root, cur, base)
    base_reg = load(root, base, only=sorted(changed), cache=cache)
    return check_loaded(cur, base_reg, changed)


def check_models(
    root: Path | str, names: list[str], *, base: str | None, rev: str | None = None
) -> list[Problem]:
    """Check only these models (and registry.yaml), as a change to them from
    ``base``: what a write needs, at the cost of a few folders, not the tree.

    Rules that look across models see only the models named here, so
    callers keep the problems of the files they changed."""
    from registry.load import cache_for, load
    from registry.records import valid_name

    root = Path(root)
    cache = cache_for(root)
    cur = load(root, rev, only=names, cache=cache)
    linked = {p.model for rm in cur.models.values() for v in rm.versions.values() for p in v.parents}
    extra = sorted(n for n in linked - set(cur.models) if valid_name(n))
    if extra:  # parents in other models: load those folders too, so parent rules see them
        cur = load(root, rev, only=[*names, *extra], cache=cache)
    if base is None:
        return check_loaded(cur)
    base_reg = load(root, base, only=names, cache=cache)
    return check_loaded(cur, base_reg, set(names))
