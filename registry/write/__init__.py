"""Changes to the registry: each is one commit with a readable subject and trailers.

Each action computes the new records with the checker's own rules
(``registry.check.gates``), then hands them to ``commit.apply``, which
writes, checks the result against HEAD and commits, or changes nothing.

Rooms: ``stage`` (promote, archive, rollback), ``alias``, ``traffic``, ``tags`` (tags and
descriptions), ``create`` (a model with no versions), ``register``, ``copy``, ``delete`` (and restore), ``rename``; ``edit`` (what they share),
``commit`` and ``txn`` (the commit and its transaction), ``lock`` (the
write lock), ``yamledit`` (round-trip YAML edits).
"""

from __future__ import annotations

from registry.write.alias import delete_alias, set_alias
from registry.write.commit import WriteRefused
from registry.write.copy import copy
from registry.write.create import create_model
from registry.write.delete import Deleted, delete, restore
from registry.write.register import register
from registry.write.rename import rename
from registry.write.stage import archive, promote, rollback
from registry.write.tags import delete_tag, describe, set_tag
from registry.write.traffic import clear_traffic, set_traffic

__all__ = [
    "Deleted",
    "WriteRefused",
    "archive",
    "clear_traffic",
    "copy",
    "create_model",
    "delete",
    "delete_alias",
    "delete_tag",
    "describe",
    "promote",
    "register",
    "rename",
    "restore",
    "rollback",
    "set_alias",
    "set_tag",
    "set_traffic",
]
