"""``rename``: move a model's folder with ``git mv``, in one commit, keeping its old name.

The old name goes into ``former_names``, so ``models:/old@champion`` and the
lineage pointers of other versions (which are immutable) keep resolving,
with a warning that names the new name.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from registry import git
from registry.errors import NotFound, RegistryError, UsageError
from registry.load import load
from registry.records import valid_name
from registry.write.commit import Change, WriteRefused, preflight, refuse_if_failing
from registry.write.yamledit import Document


def rename(root: Path | str, old: str, new: str, *, reason: str | None = None) -> str:
    """Rename model ``old`` to ``new``; return the commit id."""
    root = Path(root)
    for name in (old, new):
        if not valid_name(name):
            raise UsageError(f"{name!r} is not a valid model name (^[a-z0-9][a-z0-9._-]{{0,63}}$)")
    reg = load(root)
    if old not in reg.models:
        raise NotFound(f"no model named {old!r}")
    taken = reg.find_model(new)
    if taken is not None or (root / "models" / new).exists():
        owner = f" (a former name of {taken.name})" if taken is not None and taken.name != new else ""
        raise WriteRefused(f"model name {new!r} is taken{owner}")
    rm = reg.models[old]
    if any(p.path.startswith(f"models/{old}/") for p in reg.problems):
        raise WriteRefused(f"fix models/{old}/ first; run `registry check`")
    old_dir, new_dir = f"models/{old}", f"models/{new}"
    preflight(root, [old_dir])
    model_yaml = f"{new_dir}/model.yaml"
    trailers = [("Registry-Action", "rename"), ("Model", new), ("Former-Name", old)]
    if reason:
        trailers.append(("Reason", reason))
    change = Change({}, f"rename model {old} to {new}", tuple(trailers), models=(new, old))
    git.move(root, old_dir, new_dir)
    try:
        doc = Document((root / model_yaml).read_text(encoding="utf-8"))
        former = list(rm.model.former_names)
        if old not in former:
            former.append(old)
        doc.set("former_names", former)
        (root / model_yaml).write_text(doc.text(), encoding="utf-8")
        refuse_if_failing(root, change, base="HEAD" if git.head_commit(root) else None)
        git.run(["add", "--", model_yaml], root)
        return git.commit_paths(root, [old_dir, new_dir], change.message(), add=False)
    except BaseException:
        with contextlib.suppress(RegistryError, OSError):
            git.unstage(root, [old_dir, new_dir])
            (root / new_dir).rename(root / old_dir)
            git.run(["checkout", "--", f"{old_dir}/model.yaml"], root)
        raise
