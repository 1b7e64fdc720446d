"""Semantic versions: a model with ``versioning: semver`` gives each version a
``semver: MAJOR.MINOR.PATCH`` beside its number N. N stays the identity (its
file name, what aliases and lineage name); the semver is what people read.

``SemVerSelector`` is what a reference with a dot names: ``1.4.2`` exactly,
``1.4`` (or ``1.4.x``) the newest 1.4.z, ``1.x`` the newest 1.y.z. A bare
integer is never a semver: ``models:/x/1`` is version number 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

_PART = r"(0|[1-9][0-9]{0,8})"
SEMVER_RE = re.compile(rf"\A{_PART}\.{_PART}\.{_PART}\Z")
_SELECTOR_RE = re.compile(rf"\A{_PART}\.(?:x|{_PART}(?:\.(?:x|{_PART}))?)\Z")

Bump = Literal["major", "minor", "patch"]
BUMPS: tuple[Bump, ...] = ("major", "minor", "patch")


class Versioning(StrEnum):
    """How a model names its versions (``versioning:`` in model.yaml)."""

    NUMBER = "number"
    """Numbers only: 1, 2, 3 ... (the default)."""
    SEMVER = "semver"
    """Each version also carries ``semver: MAJOR.MINOR.PATCH``."""


@dataclass(frozen=True, order=True)
class SemVer:
    """``MAJOR.MINOR.PATCH``, ordered as numbers (1.10.0 > 1.9.0)."""

    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> SemVer:
        """``"1.4.2"``; ValueError for anything else (no leading zeros, no pre-release)."""
        m = SEMVER_RE.match(text) if isinstance(text, str) else None
        if m is None:
            raise ValueError(f"{text!r} is not a semantic version MAJOR.MINOR.PATCH (such as 1.4.2)")
        return cls(int(m[1]), int(m[2]), int(m[3]))

    def bump(self, part: Bump) -> SemVer:
        """The next version: ``major`` 1.4.2 -> 2.0.0, ``minor`` -> 1.5.0, ``patch`` -> 1.4.3."""
        if part == "major":
            return SemVer(self.major + 1, 0, 0)
        if part == "minor":
            return SemVer(self.major, self.minor + 1, 0)
        if part == "patch":
            return SemVer(self.major, self.minor, self.patch + 1)
        raise ValueError(f"{part!r} is not one of {', '.join(BUMPS)}")

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


FIRST = SemVer(1, 0, 0)
"""The semver of a semver model's first version, unless one is given."""


def part_bumped(old: SemVer, new: SemVer) -> Bump | None:
    """Which part ``new`` raises over ``old`` (None: it does not go up)."""
    if new <= old:
        return None
    if new.major > old.major:
        return "major"
    return "minor" if new.minor > old.minor else "patch"


@dataclass(frozen=True)
class SemVerSelector:
    """A semver reference: ``1.4.2``, ``1.4`` / ``1.4.x`` or ``1.x``."""

    major: int
    minor: int | None = None
    patch: int | None = None

    @classmethod
    def parse(cls, text: str) -> SemVerSelector | None:
        """The selector ``text`` spells, else None (a bare ``1`` is not one)."""
        m = _SELECTOR_RE.match(text) if text.isascii() else None
        if m is None:
            return None
        minor, patch = m[2], m[3]
        return cls(int(m[1]), None if minor is None else int(minor), None if patch is None else int(patch))

    def matches(self, version: SemVer) -> bool:
        return (
            version.major == self.major
            and (self.minor is None or version.minor == self.minor)
            and (self.patch is None or version.patch == self.patch)
        )

    def newest(self, versions: Iterable[SemVer]) -> SemVer | None:
        """The highest of ``versions`` that this selector matches."""
        return max((v for v in versions if self.matches(v)), default=None)

    @property
    def exact(self) -> bool:
        return self.patch is not None

    def __str__(self) -> str:
        if self.minor is None:
            return f"{self.major}.x"
        return f"{self.major}.{self.minor}" + ("" if self.patch is None else f".{self.patch}")

    def describe(self) -> str:
        """The versions it matches, for a message: ``1.4.2``, ``1.4.x``, ``1.x``."""
        return str(self) if self.exact or self.minor is None else f"{self}.x"
