"""Moments in time: as users write them (``2026-03-01`` or
``2026-03-01T09:00Z``), and as git records them (seconds since the epoch).

Commit times live in one domain, ``EARLIEST`` to ``LATEST`` (1970 to the
end of 9999, what ``datetime`` can show): git stores any unsigned number
there, and a hand-made commit may hold none at all, a negative one or
garbage. :func:`commit_time` reads what git printed into the domain, so
every view of history (the terminal, JSON, the catalog) is total.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from registry.errors import UsageError

EARLIEST = 0
"""1970-01-01T00:00:00Z: git's timestamps are unsigned."""
LATEST = 253_402_300_799
"""9999-12-31T23:59:59Z: the last second ``datetime`` can show."""


def clamp(t: int) -> int:
    """A time in seconds brought into [EARLIEST, LATEST]."""
    return EARLIEST if t < EARLIEST else LATEST if t > LATEST else t


def commit_time(text: str) -> int:
    """A commit time as git prints it (``%at``, ``%ct``, ``rev-list
    --timestamp``), in the domain: missing, negative or garbage is EARLIEST,
    beyond the domain is LATEST."""
    text = text.strip()
    if text.isascii() and text.isdigit():
        return clamp(int(text)) if len(text) <= 20 else LATEST
    return EARLIEST


def utc(t: int) -> datetime:
    """A time in seconds as an aware UTC datetime (clamped to the domain)."""
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=clamp(t))


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


_MINUTES: dict[int, str] = {}


def minute(t: int) -> str:
    """A commit time as ``registry history`` and the catalog show it, to the
    minute in UTC; each distinct time formatted once (a history has 100,000).
    Total: a time outside the domain shows as the domain's nearer end."""
    text = _MINUTES.get(t)
    if text is None:
        text = _MINUTES[t] = utc(t).strftime("%Y-%m-%d %H:%M")
    return text
