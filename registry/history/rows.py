"""What the parse cache keeps of a commit's events: plain rows (tuples of
strings, numbers and dicts, which ``marshal`` stores), and the events made
back from them.

A row is ``(kind, model, version, details, commit, author, committer, time,
pr, merge, merged_by, reason, subject)``, each person a tuple ``(name,
email, time, offset)``; what a commit's history keeps is ``(archive stage
after it or None, rows)``."""

from __future__ import annotations

from typing import Any

from registry import git
from registry.history.event import Event

_FORMAT = "h7"
"""Part of every cache key: bump when the events of a commit would come out differently."""


def _person(p: git.Person | None) -> tuple[str, str, int, str] | None:
    return None if p is None else (p.name, p.email, p.time, p.offset)


def _fits(saved: Any) -> bool:
    """Whether a commit's saved history has the shape :func:`_event` reads."""
    if type(saved) is not tuple or len(saved) != 2 or type(saved[1]) is not list:
        return False
    stage_after, rows = saved
    return (stage_after is None or type(stage_after) is str) and all(_row_fits(row) for row in rows)


def _row_fits(row: Any) -> bool:
    def person(p: Any) -> bool:
        return (
            type(p) is tuple
            and len(p) == 4
            and type(p[2]) is int
            and all(type(p[i]) is str for i in (0, 1, 3))
        )

    return (
        type(row) is tuple
        and len(row) == 13
        and type(row[0]) is str
        and (row[1] is None or type(row[1]) is str)
        and (row[2] is None or type(row[2]) is int)
        and type(row[3]) is dict
        and type(row[4]) is str
        and person(row[5])
        and person(row[6])
        and type(row[7]) is int
        and (row[10] is None or person(row[10]))
    )


def _event(row: tuple[Any, ...], people: dict[Any, git.Person]) -> Event:
    """The event of a row, made without the dataclass's ``__init__``, which
    sets each of the 13 frozen fields through ``object.__setattr__`` (0.2 s of
    a whole-registry history): the same value, filled in at once."""
    kind, model, version, details, commit, author, committer, time, pr, merge, merged_by, reason, subject = (
        row
    )
    event = _new(Event)
    event.__dict__.update(
        kind=kind,
        model=model,
        version=version,
        commit=commit,
        author=people.get(author) or people.setdefault(author, git.Person(*author)),
        committer=people.get(committer) or people.setdefault(committer, git.Person(*committer)),
        time=time,
        pr=pr,
        merge=merge,
        merged_by=(people.get(merged_by) or people.setdefault(merged_by, git.Person(*merged_by)))
        if merged_by
        else None,
        reason=reason,
        subject=subject,
        details=details,
    )
    return event


_new = object.__new__
