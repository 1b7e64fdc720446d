"""The semantic version a new version gets: given (``--semver``), bumped as
asked (``--bump``), or bumped as its signature needs, compared with the
previous signature (:func:`registry.records.signature_change`, the rule the
checker applies too)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from registry.errors import UsageError
from registry.records import BUMPS, Bump, RegisteredModel, SemVer, SignatureChange, Version, signature_change
from registry.records.semver import FIRST, part_bumped
from registry.write.commit import WriteRefused


@dataclass(frozen=True)
class Chosen:
    semver: SemVer
    why: str
    """``major, input amount retyped double -> string``; ``the first version``."""

    def __str__(self) -> str:
        return f"{self.semver}: {self.why}" if self.why else str(self.semver)


def _previous_signed(rm: RegisteredModel) -> Version | None:
    return next((v for _, v in sorted(rm.versions.items(), reverse=True) if v.signature), None)


def choose(
    model: str,
    rm: RegisteredModel | None,
    signature: Mapping[str, Any] | None,
    bump: str | None,
    semver: str | None,
) -> Chosen | None:
    """The semver of the next version of ``model`` (``rm``: as it is now, None
    when new), or None for a model without ``versioning: semver``. A new
    model given ``semver`` becomes a semver model."""
    if bump is not None and semver is not None:
        raise UsageError("give --bump or --semver, not both")
    asked = _bump(bump)
    given = _parse(semver)
    if rm is None or not rm.uses_semver:
        if rm is None and given is not None:
            return Chosen(given, "")
        if given is None and bump is None:
            return None
        hint = (
            "a new model has no version to bump: give --semver 1.0.0 to start it with semantic versions"
            if rm is None
            else f"{model} numbers its versions only; to give them semantic versions, add "
            f"versioning: semver to models/{model}/model.yaml (and semver to its versions) first"
        )
        raise UsageError(f"--{'bump' if bump is not None else 'semver'}: {hint}")
    known = [v.semver for v in rm.versions.values() if v.semver is not None]
    if not known:
        return Chosen(given or FIRST, "the first version" if given is None else "given")
    latest = max(known)
    signed = _previous_signed(rm)
    change = signature_change(signed.signature if signed else None, signature)
    if given is not None:
        part = part_bumped(latest, given)
        if part is None:
            raise UsageError(f"--semver {given}: {model}'s versions go up to {latest}; give a higher one")
        _refuse_break(model, change, signed, part, f"--semver {given}", latest)
        return Chosen(given, f"{part}, given")
    if asked is not None:
        _refuse_break(model, change, signed, asked, f"--bump {asked}", latest)
        return Chosen(
            latest.bump(asked), f"{asked}, asked" + (f"; {change.summary()}" if change.changes else "")
        )
    part = change.bump
    why = change.summary() if change.changes else "signature unchanged" if signed and signature else ""
    return Chosen(latest.bump(part), f"{part}, {why}" if why else part)


def _bump(text: str | None) -> Bump | None:
    for part in BUMPS:
        if text == part:
            return part
    if text is not None:
        raise UsageError(f"--bump {text!r}: expected one of {', '.join(BUMPS)}")
    return None


def _parse(text: str | None) -> SemVer | None:
    if text is None:
        return None
    try:
        return SemVer.parse(text)
    except ValueError as exc:
        raise UsageError(f"--semver: {exc}") from None


def _refuse_break(
    model: str, change: SignatureChange, signed: Version | None, part: str, asked: str, latest: SemVer
) -> None:
    """Refuse a patch or minor bump whose signature breaks the previous one."""
    if change.breaking and part != "major" and signed is not None:
        raise WriteRefused(
            f"{asked} refused: the signature breaks version {signed.number}'s "
            f"({change.summary(limit=10)}), which needs a major bump to {latest.bump('major')}: "
            "use --bump major"
        )
