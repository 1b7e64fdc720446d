"""Values, and the attributes a filter names (name, stage, tags.<key>...)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from registry.errors import SearchError as SearchError
from registry.records import RegisteredModel, Version

Literal = str | float | datetime
Actual = str | int | float | bool | datetime | tuple[str, ...] | None
Hit = tuple[RegisteredModel, Version]


def _where(text: str, pos: int) -> str:
    line, column = text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)
    return f"line {line}, column {column}" if "\n" in text else f"column {column}"


# -- attributes ---------------------------------------------------------------

Getter = Callable[[RegisteredModel, Version], Actual]
_BUILTINS: Mapping[str, tuple[str, Getter]] = {  # name -> (kind, value)
    "name": ("string", lambda rm, v: v.model),
    "stage": ("string", lambda rm, v: v.stage),
    "description": ("string", lambda rm, v: v.description),
    "created_by": ("string", lambda rm, v: v.created_by),
    "run_id": ("string", lambda rm, v: v.lineage.run.id if v.lineage.run else None),
    "alias": ("aliases", lambda rm, v: tuple(rm.aliases_of(v.number))),
    "version": ("number", lambda rm, v: v.number),
    "semver": ("semver", lambda rm, v: v.semver_text),
    "created_at": ("time", lambda rm, v: v.created_at),
}
_KEYED = {"tags": "string", "metrics": "number", "params": "param"}
_SYNONYMS = {"tag": "tags", "metric": "metrics", "param": "params", "version_number": "version"}
_NULLABLE = {"run_id", "alias", "semver", *_KEYED}
# Families of operators each kind of attribute accepts.
_FAMILIES = {
    "string": ("cmp", "like", "in", "null"),
    "number": ("cmp", "in", "null"),
    "time": ("cmp",),
    "aliases": ("eq", "like", "in", "null"),
    "semver": ("eq", "like", "in", "null"),  # as text: '1.10.0' < '1.9.0' would mislead
    "param": ("cmp", "like", "in", "null"),
}
_FAMILY_OPS = {
    "eq": "=, !=",
    "cmp": "=, !=, <, <=, >, >=",
    "like": "LIKE, ILIKE",
    "in": "IN",
    "null": "IS NULL",
}
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.:/-]+")
MODEL_ATTRIBUTES = ("name", "tags", "alias")
"""What a search of models (not versions) may name: the model's name, its own tags, its aliases."""
_MODEL_NAMES = "name, tags.<key> and alias"


@dataclass(frozen=True)
class Attribute:
    name: str
    key: str | None = None

    @property
    def kind(self) -> str:
        return _KEYED[self.name] if self.key is not None else _BUILTINS[self.name][0]

    def families(self) -> tuple[str, ...]:
        fams = _FAMILIES[self.kind]
        return fams if self.name in _NULLABLE else tuple(f for f in fams if f != "null")

    def get(self, rm: RegisteredModel, v: Version) -> Actual:
        key = self.key
        if key is None:
            return _BUILTINS[self.name][1](rm, v)
        if self.name == "tags":
            return v.tags[key] if key in v.tags else rm.model.tags.get(key)
        return (v.metrics if self.name == "metrics" else v.params).get(key)

    def of_model(self, rm: RegisteredModel) -> Actual:
        """The value for a search of models (:data:`MODEL_ATTRIBUTES` only): the
        model's name, its own tag, its aliases."""
        if self.name == "name":
            return rm.name
        if self.name == "tags" and self.key is not None:
            return rm.model.tags.get(self.key)
        if self.name == "alias":
            return tuple(sorted(rm.model.aliases))
        raise SearchError(f"{self} is an attribute of versions; a search of models takes {_MODEL_NAMES}")

    def __str__(self) -> str:
        if self.key is None:
            return self.name
        plain = _PLAIN_KEY.fullmatch(self.key)
        return f"{self.name}.{self.key}" if plain else f"{self.name}.`{self.key.replace('`', '``')}`"
