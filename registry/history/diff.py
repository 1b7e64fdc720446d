"""From a commit's changed records to its events: each record's old and new
contents compared as values, field by field, and what differs named as
events (:class:`~registry.history.event.EventKind`), in a fixed order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from registry import git, layout
from registry.history.blobs import _Records
from registry.history.event import EventKind
from registry.records import POLICY_KEYS, VERSION_MUTABLE_FIELDS, changes_policy

_Raw = tuple[str, str | None, int | None, dict[str, Any], str]
"""An event as a commit's diff gives it: kind, model, version, details and the path it comes from."""


def _is_record(path: str) -> bool:
    """Whether history reads ``path``: registry.yaml, a model.yaml or a version record."""
    return path == layout.REGISTRY_FILE or (path.endswith(".yaml") and _place(path) is not None)


@lru_cache(maxsize=1 << 16)
def _place(path: str) -> tuple[str, int | None] | None:
    """The model and version number (None for its model.yaml) of a record's path; None for other paths."""
    place = layout.record_place(path)
    return None if place is None or place.model is None else (place.model, place.version)


def _commit_events(changes: list[git.FileChange], records: _Records, archive_stage: str) -> Iterator[_Raw]:
    """The events of one main-line commit, from its changed records."""
    models: dict[str, git.FileChange] = {}
    versions: dict[str, dict[int, git.FileChange]] = {}
    for change in changes:
        if change.path == layout.REGISTRY_FILE:
            diff = records.changed(change.old, change.new, POLICY_KEYS, change.path) or {}
            edited = sorted(k for k, (a, b) in diff.items() if changes_policy(k, a, b))
            if edited:
                yield (EventKind.POLICY_CHANGED.value, None, None, {"keys": edited}, change.path)
            continue
        place = _place(change.path)
        assert place is not None  # the log holds records only (_is_record)
        name, number = place
        if number is None:
            models[name] = change
        else:
            versions.setdefault(name, {})[number] = change
    # Renames: a model folder removed and one added whose model.yaml names it as former.
    renamed: dict[str, str] = {}
    for name, change in models.items():
        if change.old is None and change.new is not None:
            former = records.get(change.new, "former_names") or []
            for old in former if isinstance(former, list) else []:
                if isinstance(old, str) and old in models and models[old].new is None:
                    renamed[old] = name
    gone = {n for n, c in models.items() if c.new is None and n not in renamed}
    born = {n for n, c in models.items() if c.old is None and n not in renamed.values()}
    for old in sorted(gone):
        old_blobs = {k: c.old for k, c in versions.get(old, {}).items() if c.new is None}
        for new in sorted(born):
            new_blobs = {k: c.new for k, c in versions.get(new, {}).items() if c.old is None}
            if old_blobs and old_blobs == new_blobs:  # moved by hand, without former_names
                renamed[old] = new
                born.discard(new)
                break
    for old, new in sorted(renamed.items()):
        yield (EventKind.MODEL_RENAMED.value, new, None, {"from": old, "to": new}, models[new].path)
    for name in sorted(models.keys() | versions.keys()):
        if name in renamed:
            continue  # its files moved: the events are the new name's
        mchange = models.get(name)
        renamed_from = next((o for o, n in renamed.items() if n == name), None) if renamed else None
        later: list[_Raw] = []  # the model's own changes come after its versions'
        if mchange is not None:
            if renamed_from is not None:
                old_blob = models[renamed_from].old
                later.extend(_model_change(name, old_blob, mchange.new, records, mchange.path))
            elif mchange.old is None:
                yield (
                    EventKind.MODEL_CREATED.value,
                    name,
                    None,
                    _model_fields(records, mchange.new),
                    mchange.path,
                )
                traffic = records.get(mchange.new, "traffic")
                if isinstance(traffic, dict) and traffic:  # a model that starts with a split
                    later.append(
                        (EventKind.TRAFFIC_SET.value, name, None, {"from": {}, "to": traffic}, mchange.path)
                    )
            elif mchange.new is None:
                later.append((EventKind.MODEL_REMOVED.value, name, None, {}, mchange.path))
            else:
                later.extend(_model_change(name, mchange.old, mchange.new, records, mchange.path))
        moved = versions.get(renamed_from, {}) if renamed_from else {}
        for number, vchange in sorted(versions.get(name, {}).items()):
            old_blob = vchange.old
            if old_blob is None and number in moved:
                old_blob = moved[number].old
            if old_blob is None:
                details = {
                    "stage": records.get(vchange.new, "stage"),
                    "description": records.get(vchange.new, "description") or "",
                    "tags": records.get(vchange.new, "tags") or {},
                }
                origin = _copied_from(records.get(vchange.new, "lineage"))
                if origin:
                    details["copied_from"] = origin
                yield (EventKind.VERSION_REGISTERED.value, name, number, details, vchange.path)
            elif vchange.new is None:
                yield (EventKind.VERSION_REMOVED.value, name, number, {}, vchange.path)
            else:
                yield from _version_change(
                    name, number, old_blob, vchange.new, records, vchange.path, archive_stage
                )
        yield from later


def _copied_from(lineage: Any) -> str | None:
    """``fraud-detector v1`` for a copy's lineage (``registry copy``), else None."""
    origin = lineage.get("copied_from") if isinstance(lineage, dict) else None
    if not isinstance(origin, dict) or not isinstance(origin.get("model"), str):
        return None
    where = origin.get("registry")
    return f"{origin['model']} v{origin.get('version')}" + (f" of {where}" if isinstance(where, str) else "")


def _deletion(mark: Any) -> dict[str, Any]:
    """An event's details from a tombstone's ``deleted:``."""
    if not isinstance(mark, dict):
        return {}
    return {k: mark[k] for k in ("reason", "by", "purged", "redacted") if k in mark}


def _model_fields(records: _Records, blob: str | None) -> dict[str, Any]:
    return {
        "description": records.get(blob, "description") or "",
        "owners": records.get(blob, "owners") or [],
        "tags": records.get(blob, "tags") or {},
        "aliases": records.get(blob, "aliases") or {},
    }


_MODEL_KEYS = ("aliases", "traffic", "tags", "description", "owners", "policy", "deleted")
_VERSION_EVENT_FIELDS = ("stage", "tags", "description")
"""The fields of a version whose changes are named as events, in the order the events come out."""
assert set(VERSION_MUTABLE_FIELDS) <= set(_VERSION_EVENT_FIELDS), (
    "each field a version may change needs its event"
)
_VERSION_KEYS = tuple(sorted(VERSION_MUTABLE_FIELDS, key=_VERSION_EVENT_FIELDS.index))
"""What a version's diff compares: the fields that may change (``VERSION_MUTABLE_FIELDS``), in event order."""


def _model_change(
    name: str, old: str | None, new: str | None, records: _Records, path: str
) -> Iterator[_Raw]:
    diff = records.changed(old, new, _MODEL_KEYS, path)
    if not diff:
        return
    deleted = diff.get("deleted")
    if deleted is not None and deleted[0] is None and deleted[1] is not None:
        details = _deletion(deleted[1])
        yield (EventKind.MODEL_DELETED.value, name, None, details, path)
        if details.get("redacted"):  # its description and tags went with it
            diff = {k: v for k, v in diff.items() if k not in ("tags", "description")}
    elif deleted is not None and deleted[1] is None:
        yield (EventKind.MODEL_RESTORED.value, name, None, {}, path)
    if "aliases" in diff:
        before, after = (v if isinstance(v, dict) else {} for v in diff["aliases"])
        for alias in sorted(before.keys() | after.keys()):
            a, b = before.get(alias), after.get(alias)
            if a == b:
                continue
            if a is None:
                yield (EventKind.ALIAS_SET.value, name, b, {"alias": alias, "to": b}, path)
            elif b is None:
                yield (EventKind.ALIAS_REMOVED.value, name, a, {"alias": alias, "from": a}, path)
            else:
                yield (EventKind.ALIAS_MOVED.value, name, b, {"alias": alias, "from": a, "to": b}, path)
    if "traffic" in diff:
        before, after = (v if isinstance(v, dict) else {} for v in diff["traffic"])
        if after:
            yield (EventKind.TRAFFIC_SET.value, name, None, {"from": before, "to": after}, path)
        elif before:
            yield (EventKind.TRAFFIC_CLEARED.value, name, None, {"from": before}, path)
    yield from _common(name, None, diff, path)
    if "owners" in diff:
        yield (
            EventKind.OWNERS_CHANGED.value,
            name,
            None,
            {"from": diff["owners"][0], "to": diff["owners"][1]},
            path,
        )
    if "policy" in diff:
        yield (EventKind.POLICY_CHANGED.value, name, None, {"keys": ["policy"]}, path)


def _version_change(
    name: str, number: int, old: str, new: str, records: _Records, path: str, archive_stage: str
) -> Iterator[_Raw]:
    diff = records.changed(old, new, (*_VERSION_KEYS, "deleted"), path)
    if not diff:
        return
    deleted = diff.get("deleted")
    if deleted is not None and deleted[1] is not None:
        if deleted[0] is None:  # became a tombstone: one event says it all
            before = diff["stage"][0] if "stage" in diff else records.get(new, "stage")
            after = records.get(new, "stage")
            details = {"from": before, "to": after, **_deletion(deleted[1])}
            yield (EventKind.VERSION_DELETED.value, name, number, details, path)
            return
        if isinstance(deleted[1], dict) and deleted[1].get("purged"):
            yield (EventKind.VERSION_PURGED.value, name, number, {}, path)
    if "stage" in diff:
        a, b = diff["stage"]
        kind = EventKind.VERSION_ARCHIVED if b == archive_stage else EventKind.STAGE_CHANGED
        yield (kind.value, name, number, {"from": a, "to": b}, path)
    yield from _common(name, number, diff, path)


def _common(name: str, number: int | None, diff: Mapping[str, tuple[Any, Any]], path: str) -> Iterator[_Raw]:
    if "tags" in diff:
        a, b = (v if isinstance(v, dict) else {} for v in diff["tags"])
        yield (EventKind.TAGS_CHANGED.value, name, number, {"from": a, "to": b}, path)
    if "description" in diff:
        yield (EventKind.DESCRIPTION_CHANGED.value, name, number, {"to": diff["description"][1] or ""}, path)
