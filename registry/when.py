"""Moments in time: as users write them (``2026-03-01``,
``2026-03-01T09:00Z``, ``yesterday``, ``2 hours ago``, ``-2h``), and as git
records them (seconds since the epoch).

Commit times live in one domain, ``EARLIEST`` to ``LATEST`` (1970 to the
end of 9999, what ``datetime`` can show): git stores any unsigned number
there, and a hand-made commit may hold none at all, a negative one or
garbage. :func:`commit_time` reads what git printed into the domain, so
every view of history (the terminal, JSON, the catalog) is total.
"""

from __future__ import annotations

import re
import time
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


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_WORDS = {"second": "s", "minute": "m", "min": "m", "hour": "h", "day": "d", "week": "w"}
_AGO = re.compile(r"(\d+|an?)\s*([a-z]+?)s?\s+ago")
_SHORT = re.compile(r"-(\d+)([smhdw])")
FORMS = "2026-03-01, 2026-03-01T09:00Z, now, today, yesterday, '2 hours ago' or -2h"


def parse_when(text: str | datetime, *, end_of_day: bool = False, now: float | None = None) -> int:
    """Seconds since the epoch of a moment as people write it: an ISO 8601
    date or date-time (UTC unless an offset is given; a bare date is its
    first second, or with ``end_of_day`` its last), ``today`` (the UTC day,
    likewise), ``now``, ``yesterday`` (this time yesterday, as git reads
    it), ``2 hours ago`` (``an hour ago``, ``3 days ago``, ``1 week ago``) or
    ``-2h`` (``-30m``, ``-7d``, ``-1w``), counted back from ``now``
    (default: the clock); or a ``datetime``."""
    if isinstance(text, datetime):
        return int((text if text.tzinfo else text.replace(tzinfo=UTC)).timestamp())
    clock = time.time() if now is None else now
    words = " ".join(text.strip().lower().split())
    back = _back(words)
    if back is not None:
        return int(clock) - back
    if words in ("now", "yesterday"):  # as git reads them: yesterday is this time yesterday
        return int(clock) - (86_400 if words == "yesterday" else 0)
    if words == "today":
        return int(clock) // 86_400 * 86_400 + (86_399 if end_of_day else 0)
    try:
        if len(text) == 10:
            day_start = datetime.fromisoformat(text).replace(tzinfo=UTC)
            return int(day_start.timestamp()) + (86_399 if end_of_day else 0)
        when = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise UsageError(f"{text!r} is not a moment: write {FORMS}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp())


def _back(words: str) -> int | None:
    """The seconds ``2 hours ago`` or ``-2h`` goes back; None for another form."""
    short = _SHORT.fullmatch(words)
    if short is not None:
        return int(short[1]) * _UNITS[short[2]]
    ago = _AGO.fullmatch(words)
    if ago is None:
        return None
    unit = _WORDS.get(ago[2]) or (ago[2] if ago[2] in _UNITS else None)
    if unit is None:
        raise UsageError(
            f"{words!r}: {ago[2]!r} is not a unit of time (seconds, minutes, hours, days, weeks)"
        )
    count = 1 if ago[1] in ("a", "an") else int(ago[1])
    return count * _UNITS[unit]


_MINUTES: dict[int, str] = {}


def minute(t: int) -> str:
    """A commit time as ``registry history`` and the catalog show it, to the
    minute in UTC; each distinct time formatted once (a history has 100,000).
    Total: a time outside the domain shows as the domain's nearer end."""
    text = _MINUTES.get(t)
    if text is None:
        text = _MINUTES[t] = utc(t).strftime("%Y-%m-%d %H:%M")
    return text
