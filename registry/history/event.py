"""What history says happened: events, their kinds, their words and their effect.

Each kind of event is declared once, in :data:`KINDS`: how it is phrased,
what it does to the registry's state when the history is replayed, and
whether it moves a version from one stage to another. :func:`phrase`,
:func:`replay`, :func:`stage_move` and the rollback's questions read that
table; none of them lists kinds of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from registry import git
from registry.records import Config
from registry.traffic import shares_text


class EventKind(StrEnum):
    """What an event is. A member equals its value (``EventKind.STAGE_CHANGED
    == "stage_changed"``); events, their JSON and the cache hold the value."""

    VERSION_REGISTERED = "version_registered"
    VERSION_REMOVED = "version_removed"
    STAGE_CHANGED = "stage_changed"
    VERSION_ARCHIVED = "version_archived"
    """A stage change into the archive stage in force at the time."""
    VERSION_DELETED = "version_deleted"
    """A version became a tombstone (``registry delete``)."""
    VERSION_PURGED = "version_purged"
    """A tombstone's bytes were purged after its deletion."""
    ALIAS_SET = "alias_set"
    ALIAS_MOVED = "alias_moved"
    ALIAS_REMOVED = "alias_removed"
    TRAFFIC_SET = "traffic_set"
    """A model's traffic split set or changed (``details``: ``from``, ``to``: alias -> percent)."""
    TRAFFIC_CLEARED = "traffic_cleared"
    TAGS_CHANGED = "tags_changed"
    DESCRIPTION_CHANGED = "description_changed"
    MODEL_CREATED = "model_created"
    MODEL_RENAMED = "model_renamed"
    MODEL_REMOVED = "model_removed"
    MODEL_DELETED = "model_deleted"
    """A model's ``model.yaml`` became a tombstone."""
    MODEL_RESTORED = "model_restored"
    OWNERS_CHANGED = "owners_changed"
    POLICY_CHANGED = "policy_changed"


@dataclass(frozen=True)
class Event:
    kind: str
    """An :class:`EventKind`'s value."""
    model: str | None
    """None for registry-wide events (a change of registry.yaml's policy)."""
    version: int | None
    commit: str
    """The commit that made the change (on a merged branch, that branch's commit)."""
    author: git.Person
    committer: git.Person
    time: int
    """When the change reached the main line (the main-line commit's commit time)."""
    pr: int | None = None
    merge: str | None = None
    """The merge commit that brought the change to the main line, if any."""
    merged_by: git.Person | None = None
    reason: str | None = None
    subject: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        def person(p: git.Person | None) -> dict[str, Any] | None:
            return None if p is None else {"name": p.name, "email": p.email, "time": p.time}

        return {
            "kind": self.kind,
            "model": self.model,
            "version": self.version,
            **dict(self.details),
            "time": self.time,
            "commit": self.commit,
            "subject": self.subject,
            "author": person(self.author),
            "committer": person(self.committer),
            "pr": self.pr,
            "merge": self.merge,
            "merged_by": person(self.merged_by),
            "reason": self.reason,
        }


State = dict[str, dict[str, Any]]
"""The registry as replayed from events: model name -> description, tags,
aliases and versions (number -> stage, tags, description)."""

_Details = Mapping[str, Any]


@dataclass(frozen=True)
class KindRule:
    """Everything history says about one kind of event, besides where it comes from (``diff``)."""

    phrase: Callable[[str, _Details], str]
    """What happened, in words: from ``v3`` (empty for a model's own event) and the details."""
    replay: Callable[[State, Event], None]
    """What the event does to the replayed state of a model it names."""
    stages: Callable[[_Details], tuple[str | None, str | None]] | None = None
    """For an event that moves a version between stages: the stage it left
    and the one it entered (None where there is none)."""
    alias_target: bool = False
    """The event's ``version`` is the version an alias points at, not a version the event changed."""


_INITIAL_STAGE = Config().initial_stage
"""Where a version starts unless registry.yaml says otherwise; a registration
there is phrased without its stage."""


def _empty() -> dict[str, Any]:
    return {"description": "", "tags": {}, "aliases": {}, "versions": {}}


def _model(state: State, e: Event) -> dict[str, Any]:
    assert e.model is not None
    return state.setdefault(e.model, _empty())


def _target(state: State, e: Event) -> dict[str, Any] | None:
    """The version the event names (None if it is not known), or for a model's own event the model."""
    model = _model(state, e)
    return model["versions"].get(e.version) if e.version is not None else model


def _touch(state: State, e: Event) -> None:
    _model(state, e)


def _created(state: State, e: Event) -> None:
    d = e.details
    _model(state, e).update(description=d["description"], tags=dict(d["tags"]), aliases=dict(d["aliases"]))


def _renamed(state: State, e: Event) -> None:
    state[e.details["to"]] = state.pop(e.details["from"], _empty())


def _removed(state: State, e: Event) -> None:
    assert e.model is not None
    state.pop(e.model, None)


def _registered(state: State, e: Event) -> None:
    d = e.details
    _model(state, e)["versions"][e.version] = {
        "stage": d["stage"],
        "tags": dict(d["tags"]),
        "description": d["description"],
    }


def _deleted(state: State, e: Event) -> None:
    """A tombstone: in the archive stage, and redacted if it says so."""
    target = _target(state, e)
    if target is None:
        return
    if e.version is not None:
        target["stage"] = e.details["to"]
    if e.details.get("redacted"):
        target.update(tags={}, description="")


def _deleted_words(v: str, d: _Details) -> str:
    what = f"{v} deleted (was {d['from']})" if v else "model deleted"
    marks = [m for m in ("purged", "redacted") if d.get(m)]
    return what + (f", {' and '.join(marks)}" if marks else "")  # the reason is the event's own


def _version_removed(state: State, e: Event) -> None:
    _model(state, e)["versions"].pop(e.version, None)


def _set(name: str, value: Callable[[_Details], Any]) -> Callable[[State, Event], None]:
    """The effect that sets ``name`` of the event's version (or model) to ``value`` of its details."""

    def effect(state: State, e: Event) -> None:
        target = _target(state, e)
        if target is not None:
            target[name] = value(e.details)

    return effect


def _alias_to(state: State, e: Event) -> None:
    _model(state, e)["aliases"][e.details["alias"]] = e.details["to"]


def _alias_removed(state: State, e: Event) -> None:
    _model(state, e)["aliases"].pop(e.details["alias"], None)


def _tag_words(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    parts = [f"+{k}={new[k]}" for k in sorted(new.keys() - old.keys())]
    parts += [f"{k}={old[k]}->{new[k]}" for k in sorted(new.keys() & old.keys()) if old[k] != new[k]]
    parts += [f"-{k}" for k in sorted(old.keys() - new.keys())]
    return " ".join(parts)


def _registered_words(v: str, d: _Details) -> str:
    words = f"registered {v}" + (f" in {d['stage']}" if d.get("stage") not in (None, _INITIAL_STAGE) else "")
    return words + (f" (copied from {d['copied_from']})" if d.get("copied_from") else "")


def _moved(d: _Details) -> tuple[str | None, str | None]:
    return d.get("from"), d.get("to")


KINDS: Mapping[str, KindRule] = {
    EventKind.VERSION_REGISTERED: KindRule(
        _registered_words, _registered, stages=lambda d: (None, d.get("stage"))
    ),
    EventKind.VERSION_REMOVED: KindRule(lambda v, d: f"{v} version_removed", _version_removed),
    EventKind.STAGE_CHANGED: KindRule(
        lambda v, d: f"{v} {d['from']} -> {d['to']}", _set("stage", lambda d: d["to"]), stages=_moved
    ),
    EventKind.VERSION_ARCHIVED: KindRule(
        lambda v, d: f"{v} archived (was {d['from']})", _set("stage", lambda d: d["to"]), stages=_moved
    ),
    EventKind.VERSION_DELETED: KindRule(_deleted_words, _deleted, stages=_moved),
    EventKind.VERSION_PURGED: KindRule(lambda v, d: f"{v} bytes purged", _touch),
    EventKind.ALIAS_SET: KindRule(lambda v, d: f"@{d['alias']} set to {v}", _alias_to, alias_target=True),
    EventKind.ALIAS_MOVED: KindRule(
        lambda v, d: f"@{d['alias']} moved v{d['from']} -> {v}", _alias_to, alias_target=True
    ),
    EventKind.ALIAS_REMOVED: KindRule(
        lambda v, d: f"@{d['alias']} removed (was v{d['from']})", _alias_removed, alias_target=True
    ),
    EventKind.TRAFFIC_SET: KindRule(lambda v, d: f"traffic set: {shares_text(d['to'], '@')}", _touch),
    EventKind.TRAFFIC_CLEARED: KindRule(
        lambda v, d: f"traffic cleared (was {shares_text(d['from'], '@')})", _touch
    ),
    EventKind.TAGS_CHANGED: KindRule(
        lambda v, d: f"{v + ' ' if v else ''}tags {_tag_words(d['from'], d['to'])}",
        _set("tags", lambda d: dict(d["to"])),
    ),
    EventKind.DESCRIPTION_CHANGED: KindRule(
        lambda v, d: f"{v + ' ' if v else ''}description edited", _set("description", lambda d: d["to"])
    ),
    EventKind.MODEL_CREATED: KindRule(lambda v, d: "model created", _created),
    EventKind.MODEL_RENAMED: KindRule(lambda v, d: f"renamed from {d['from']}", _renamed),
    EventKind.MODEL_REMOVED: KindRule(lambda v, d: "model removed", _removed),
    EventKind.MODEL_DELETED: KindRule(_deleted_words, _deleted),
    EventKind.MODEL_RESTORED: KindRule(lambda v, d: "model restored", _touch),
    EventKind.OWNERS_CHANGED: KindRule(lambda v, d: f"owners: {', '.join(d['to'] or [])}", _touch),
    EventKind.POLICY_CHANGED: KindRule(lambda v, d: f"policy edited ({', '.join(d['keys'])})", _touch),
}
"""Each kind's rule; every :class:`EventKind` has one."""
assert KINDS.keys() == set(EventKind), "every kind of event needs its rule"


def phrase(e: Event) -> str:
    """What happened, in words."""
    v = f"v{e.version}" if e.version is not None else ""
    rule = KINDS.get(e.kind)
    return rule.phrase(v, e.details) if rule is not None else f"{v} {e.kind}"


def replay(found: Iterable[Event]) -> State:
    """The registry's state rebuilt from events alone: model name ->
    description, tags, aliases and versions (number -> stage, tags,
    description). What the history claims must add up to what the files say."""
    state: State = {}
    for e in found:
        if e.model is not None:
            rule = KINDS.get(e.kind)
            (rule.replay if rule is not None else _touch)(state, e)
    return state


def stage_move(e: Event) -> tuple[str | None, str | None] | None:
    """The stage a version left and the one it entered by ``e`` (None where
    there is none); None for an event that moves no version."""
    rule = KINDS.get(e.kind)
    return None if rule is None or rule.stages is None else rule.stages(e.details)


def changes_version(e: Event) -> bool:
    """Whether ``e`` is about the version it names (an alias's events name
    the version the alias points at instead)."""
    rule = KINDS.get(e.kind)
    return e.version is not None and not (rule is not None and rule.alias_target)
