"""``rename``: move a model's folder, in one commit, keeping its old name.

The old name goes into ``former_names``, so ``models:/old@champion`` and the
lineage pointers of other versions (which are immutable) keep resolving,
with a warning that names the new name.
"""

from __future__ import annotations

from pathlib import Path

from registry import git, layout
from registry.errors import NotFound, UsageError
from registry.load import load
from registry.records import name_problem
from registry.write import txn
from registry.write.commit import Change, WriteRefused, apply, preflight
from registry.write.lock import locked
from registry.write.yamledit import Document


@locked
def rename(root: Path | str, old: str, new: str, *, reason: str | None = None) -> str:
    """Rename model ``old`` to ``new``; return the commit id."""
    root = Path(root)
    for name in (old, new):
        why = name_problem(name)
        if why is not None:
            raise UsageError(f"{name!r} is not a valid model name: it {why}")
    reg = load(root)
    if old not in reg.models:
        raise NotFound(f"no model named {old!r}")
    taken = reg.find_model(new)
    if taken is not None or (root / layout.model_dir(new)).exists():
        owner = f" (a former name of {taken.name})" if taken is not None and taken.name != new else ""
        raise WriteRefused(f"model name {new!r} is taken{owner}")
    rm = reg.models[old]
    old_dir, new_dir = layout.model_dir(old), layout.model_dir(new)
    if any(p.path.startswith(f"{old_dir}/") for p in reg.problems):
        raise WriteRefused(f"fix {old_dir}/ first; run `registry check`")
    preflight(root, [old_dir])
    tracked = git.ls_files(root, [old_dir])
    model_yaml = layout.model_file(new)
    doc = Document((root / layout.model_file(old)).read_text(encoding="utf-8"))
    former = list(rm.model.former_names)
    if old not in former:
        former.append(old)
    doc.set("former_names", former)
    kept = {new_dir + p[len(old_dir) :]: (e.mode, e.blob) for p, e in tracked.items()}
    kept.pop(model_yaml, None)
    # The untracked files (artifact bytes) move with the folder, once the commit is made.
    copies = tuple(
        txn.Copy(new_dir + "/" + f.relative_to(root / old_dir).as_posix(), str(f), move=True)
        for f in sorted((root / old_dir).rglob("*"))
        if (f.is_file() or f.is_symlink()) and f.relative_to(root).as_posix() not in tracked
    )
    trailers = [("Registry-Action", "rename"), ("Model", new), ("Former-Name", old)]
    if reason:
        trailers.append(("Reason", reason))
    change = Change(
        {model_yaml: doc.text()},
        f"rename model {old} to {new}",
        tuple(trailers),
        models=(new, old),
        removed=tuple(sorted(tracked)),
        kept=kept,
    )
    return apply(root, change, copies=copies)
