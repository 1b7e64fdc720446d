"""Rules of one record's content: its JSON schema and the values that the
schema cannot say (``created_at`` within the years the registry can show)."""

from __future__ import annotations

from typing import Any

from registry.cache import Entry
from registry.check.rules import Rule
from registry.records import Config, Model, TimeRangeError, record_time, version_facts


def read(kind: str, doc: Any) -> tuple[Entry, Any]:
    """(facts, problems) of a parsed record of ``kind`` (registry, model,
    version), and the whole record (versions only)."""
    from registry import schemas  # not needed when everything is cached

    if doc is None:
        doc = {}
    found = schemas.errors(kind, doc)
    if found:
        return (None, [(Rule.SCHEMA.value, msg, None, where, at_key) for where, msg, at_key in found]), None
    try:
        if kind == "version":
            record_time(doc["created_at"])
            return (version_facts(doc), []), doc
        Config.from_dict(doc) if kind == "registry" else Model.from_dict("x", "x", doc)
    except TimeRangeError as exc:
        return (None, [(Rule.TIME_RANGE.value, f"created_at: {exc}", None, ("created_at",), False)]), None
    except ValueError as exc:
        where = ("created_at",) if kind == "version" else ()
        return (None, [(Rule.SCHEMA.value, f"cannot read record: {exc}", None, where, False)]), None
    return (doc, []), None
