"""Times in records: RFC 3339, within the years every view can show."""

from __future__ import annotations

from datetime import UTC, datetime

from registry.limits import EARLIEST, LATEST


def parse_time(text: str) -> datetime:
    """Parse an RFC 3339 time as written in records (``Z`` or an offset)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


class TimeRangeError(ValueError):
    """A well-formed time outside the range a record's time may take."""


def record_time(text: str) -> datetime:
    """A time written in a record (``created_at``): ``parse_time``, refused
    outside the registry's range (``limits.EARLIEST`` <= t < ``limits.LATEST``)."""
    value = parse_time(text)
    if not EARLIEST <= value < LATEST:  # compared as instants: no conversion that could overflow
        raise TimeRangeError(
            f"{text} is outside the range of record times, years {EARLIEST.year} to {LATEST.year - 1} in UTC"
        )
    return value


# -- lineage ---------------------------------------------------------------
