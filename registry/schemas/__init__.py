"""JSON Schemas of the three record kinds, and validation against them.

The schemas are the single definition of a well-formed record; editors use
the same files. A compiled validator (fastjsonschema, ~30 us a record)
answers "valid?"; only for an invalid record does jsonschema list every
error with its path, so the common case stays fast.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

NAMES = ("registry", "model", "version")
_BASE = "https://git-model-registry.dev/schemas/"


@cache
def schema_text(name: str) -> str:
    if name not in NAMES:
        raise KeyError(name)
    return resources.files(__name__).joinpath(f"{name}.schema.json").read_text("utf-8")


@cache
def schema(name: str) -> dict[str, Any]:
    """The schema as Python's validators use it: each ``pattern`` anchored at
    the very end (``\\Z``). In the files, ``$`` means the end of the text, as
    an editor's (ECMA) regex reads it; Python's ``$`` also matches before a
    final newline, which would let ``"sklearn\\n"`` pass as a name."""
    return _anchored(json.loads(schema_text(name)))  # type: ignore[no-any-return]


def _anchored(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: v[:-1] + "\\Z"
            if k == "pattern" and isinstance(v, str) and v.endswith("$") and not v.endswith("\\$")
            else _anchored(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_anchored(v) for v in node]
    return node


def _fetch(uri: str) -> dict[str, Any]:
    return schema(uri.rsplit("/", 1)[1].split(".", 1)[0])


@cache
def compiled(name: str) -> Any:
    """The fast validator of one schema (compiled on first use)."""
    import fastjsonschema

    return fastjsonschema.compile(schema(name), handlers={"https": _fetch}, use_default=False)


@cache
def _full(name: str) -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    reg: Registry[Any] = Registry().with_resources(
        (_BASE + f"{n}.schema.json", Resource.from_contents(schema(n))) for n in NAMES
    )
    return Draft202012Validator(schema(name), registry=reg)


def errors(name: str, data: Any) -> list[tuple[tuple[str | int, ...], str, bool]]:
    """Schema errors as (path in document, message, points-at-key); [] if valid."""
    import fastjsonschema

    try:
        compiled(name)(data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    found = []
    for err in sorted(_full(name).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = set(err.schema.get("properties", {}))
            extra = sorted(k for k in err.instance if k not in allowed)
            if extra:
                hint = ", ".join(sorted(allowed)) if allowed else "none"
                for key in extra:
                    found.append(((*path, key), f"unknown key {key!r} (allowed: {hint})", True))
                continue
        where = ".".join(map(str, path)) or "top level"
        msg = err.message
        wants_text = err.validator == "type" and "string" in str(err.validator_value)
        if wants_text and isinstance(err.instance, (int, float)) and not isinstance(err.instance, bool):
            msg += " (YAML reads an unquoted value like this as a number: put it in quotes)"
        if len(msg) > 300:
            msg = msg[:300] + "..."
        found.append((path, f"{where}: {msg}", False))
    return found
