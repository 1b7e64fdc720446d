"""Model names: the one rule for check, register, rename and every reference."""

from __future__ import annotations

import re

NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
"""A model name, matched whole (``fullmatch``: a trailing newline is no part of a name)."""

_DEVICES = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))]
)
"""Names Windows reserves for devices, with any extension (``con.txt``) and in any case."""


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a model (its folder), or None: the one rule,
    for check, register, rename and every reference."""
    if not NAME_RE.fullmatch(name):
        return f"must match ^{NAME_RE.pattern}$"
    if name.endswith("."):
        return "must not end with '.': Windows drops it, so the folder could not be checked out there"
    if name.split(".", 1)[0].lower() in _DEVICES:
        return (
            f"must not be {name.split('.', 1)[0]!r}, a device name on Windows, "
            "so the folder could not be checked out there"
        )
    return None


def valid_name(name: str) -> bool:
    return NAME_RE.fullmatch(name) is not None and name_problem(name) is None
