"""Aliases: set (or move) and remove, each gated by the alias's gate."""

from __future__ import annotations

from pathlib import Path

from registry.check.gates import alias_failures, holder_in
from registry.errors import NotFound, UsageError
from registry.refs import ALIAS_RE
from registry.write.commit import WriteRefused
from registry.write.edit import document, open_model, submit_edit, trailers, version_of
from registry.write.lock import locked


@locked
def set_alias(
    root: Path | str,
    model: str,
    alias: str,
    version: int,
    *,
    branch: str | bool | None = None,
    push: bool = False,
) -> str:
    """Point ``alias`` at a version (the alias's gate, if any, must hold)."""
    root = Path(root)
    reg, rm = open_model(root, model)
    if not ALIAS_RE.match(alias):
        raise UsageError(f"{alias!r} is not a valid alias (lowercase letters, digits, _ and -)")
    target = version_of(rm, version)
    old = rm.model.aliases.get(alias)
    if old == version:
        raise WriteRefused(f"@{alias} already points to {rm.name} v{version}")
    why = alias_failures(reg.config.policy_for(rm.model), alias, target, holder_in(rm, version))
    if why:
        raise WriteRefused(f"@{alias} cannot point to {rm.name} v{version}: " + "; ".join(why))
    doc = document(root, rm.model.path)
    doc.mapping("aliases")[alias] = version
    verb = "move" if old is not None else "set"
    subject = f"{verb} {rm.name}@{alias} to v{version}" + (f" (was v{old})" if old is not None else "")
    return submit_edit(
        root,
        rm.name,
        rm.model.path,
        doc,
        subject,
        trailers("alias-set", rm.name, version=version, alias=alias),
        branch,
        push,
    )


@locked
def delete_alias(
    root: Path | str, model: str, alias: str, *, branch: str | bool | None = None, push: bool = False
) -> str:
    root = Path(root)
    _, rm = open_model(root, model)
    if alias not in rm.model.aliases:
        have = ", ".join(sorted(rm.model.aliases)) or "none"
        raise NotFound(f"{rm.name} has no alias {alias!r} (aliases: {have})")
    doc = document(root, rm.model.path)
    doc.drop("aliases", alias)
    return submit_edit(
        root,
        rm.name,
        rm.model.path,
        doc,
        f"remove {rm.name}@{alias} (was v{rm.model.aliases[alias]})",
        trailers("alias-remove", rm.name, version=rm.model.aliases[alias], alias=alias),
        branch,
        push,
    )
