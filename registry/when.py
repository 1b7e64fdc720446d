"""Moments in time, as users write them: ``2026-03-01`` or ``2026-03-01T09:00Z``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from registry.errors import UsageError


def parse_when(text: str, *, end_of_day: bool = False) -> int:
    """Seconds since the epoch of an ISO 8601 date or date-time (UTC unless
    an offset is given); a bare date is its first second, or with
    ``end_of_day`` its last."""
    try:
        if len(text) == 10:
            day = datetime.fromisoformat(text).replace(tzinfo=UTC)
            return int(day.timestamp()) + (86_399 if end_of_day else 0)
        when = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise UsageError(f"{text!r} is not a date or date-time (2026-03-01 or 2026-03-01T09:00Z)") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp())


def rev_at(root: Path, text: str, rev: str | None = None) -> str:
    """The commit of the current branch (or ``rev``) that was current at ``text``."""
    from registry import git

    when = parse_when(text)
    commit = git.commit_at(root, when, rev or "HEAD")
    if commit is None:
        moment = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        raise UsageError(f"--at {text}: {rev or 'this branch'} has no commit at or before {moment}")
    return commit


_MINUTES: dict[int, str] = {}


def minute(t: int) -> str:
    """A commit time as ``registry history`` and the catalog show it, to the
    minute in UTC; each distinct time formatted once (a history has 100,000)."""
    text = _MINUTES.get(t)
    if text is None:
        text = _MINUTES[t] = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M")
    return text
