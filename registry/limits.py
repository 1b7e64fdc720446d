"""Bounds on what the registry reads from files that anyone can propose.

The value domains are defined here once; the loader enforces them as it
builds values (numbers in ``yamlsafe``, record times in
``records.record_time``), so everything ``registry check`` accepts can be
printed, compared, sorted and written as strict JSON by every view.
"""

from __future__ import annotations

from datetime import UTC, datetime

MAX_BYTES = 1_000_000  # one record file
MAX_NODES = 100_000  # YAML nodes in one document
MAX_DEPTH = 64  # nesting of YAML collections


class Oversized(bytes):
    """The first ``MAX_BYTES + 1`` bytes of a file that is larger, as read
    from the work tree; ``size`` is the file's real size, for the message."""

    size: int

    def __new__(cls, head: bytes, size: int) -> Oversized:
        value = super().__new__(cls, head)
        value.size = size
        return value


MAX_INT = 2**53 - 1
"""Integers lie in -MAX_INT..MAX_INT: exact as IEEE doubles, so a metric or
param compares and charts as a float without loss, and JSON readers that
use doubles (JavaScript's among them) read the number that was written."""

MAX_INT_DIGITS = len(str(MAX_INT))
"""Longer integer literals (leading zeros aside) are out of range without
being converted: Python refuses to convert over 4,300 digits at all."""

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
"""A record's time lies in EARLIEST <= t < LATEST (years 1970..9998 in UTC):
in that range every offset converts to UTC and every time has a POSIX
timestamp. Floats are finite IEEE doubles: no NaN or infinity."""
