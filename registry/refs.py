"""References to models and versions, as people and deploy tools write them.

Shell form: ``MODEL``, ``MODEL/N``, ``MODEL@alias``, ``MODEL:stage``.
URI form, as MLflow: ``models:/MODEL/N``, ``models:/MODEL@alias``,
``models:/MODEL/<stage>`` (stage names match case-insensitively, so MLflow's
``models:/x/Production`` works), and ``models:/MODEL/latest``.

For a model with ``versioning: semver``, both forms also take a semantic
version, which always has a dot: ``MODEL/1.4.2``, ``MODEL/1.4`` (the newest
1.4.x) and ``MODEL/1.x`` (the newest 1.x). A bare integer is always the
version number N, so ``models:/x/3`` never changes meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from registry import git
from registry.errors import NotFound, UsageError
from registry.load import LoadedRegistry, load
from registry.records import RegisteredModel, SemVerSelector, Version, valid_name
from registry.when import EARLIEST, parse_when, utc

ALIAS_RE = re.compile(r"\A[a-z][a-z0-9_-]{0,63}\Z")
_STAGE_RE = re.compile(r"\A[A-Za-z][A-Za-z0-9_-]{0,31}\Z")


@dataclass(frozen=True)
class Ref:
    model: str
    version: int | None = None
    alias: str | None = None
    stage: str | None = None
    latest: bool = False
    semver: SemVerSelector | None = None

    def __str__(self) -> str:
        if self.version is not None:
            return f"{self.model}/{self.version}"
        if self.semver is not None:
            return f"{self.model}/{self.semver}"
        if self.alias is not None:
            return f"{self.model}@{self.alias}"
        if self.stage is not None:
            return f"{self.model}:{self.stage}"
        return f"{self.model}/latest" if self.latest else self.model

    @property
    def uri(self) -> str:
        if self.version is not None:
            return f"models:/{self.model}/{self.version}"
        if self.semver is not None:
            return f"models:/{self.model}/{self.semver}"
        if self.alias is not None:
            return f"models:/{self.model}@{self.alias}"
        if self.stage is not None:
            return f"models:/{self.model}/{self.stage}"
        return f"models:/{self.model}/latest" if self.latest else f"models:/{self.model}"


def version_number(text: str) -> int | None:
    """The version number ``text`` spells (1, 2, 3 ... without leading zeros), else None."""
    if text.isascii() and text.isdigit() and not text.startswith("0") and len(text) <= 9:
        return int(text)
    return None


def parse_target(text: str, *, need_version: bool = False) -> tuple[str, int | None]:
    """``MODEL`` or ``MODEL/N`` as commands take them: the model name and the number (or None)."""
    model, sep, tail = text.partition("/")
    number = version_number(tail) if sep else None
    if (sep and number is None) or (need_version and number is None) or not model:
        what = "MODEL/N" if need_version else "MODEL or MODEL/N"
        raise UsageError(f"{text!r}: expected {what} with N = 1, 2, 3 ...")
    return model, number


def _bad(text: str, why: str) -> UsageError:
    return UsageError(
        f"cannot read reference {text!r}: {why}. Use MODEL, MODEL/N, MODEL@alias, MODEL:stage "
        "or models:/MODEL/N, models:/MODEL@alias, models:/MODEL/<stage> "
        "(a semver model also MODEL/1.4.2, MODEL/1.4, MODEL/1.x)"
    )


def parse_ref(text: str) -> Ref:
    raw = text.strip()
    is_uri = raw.startswith("models:/")
    body = raw[len("models:/") :] if is_uri else raw
    if "@" in body:
        name, _, alias = body.partition("@")
        if not ALIAS_RE.match(alias):
            raise _bad(text, f"{alias!r} is not a valid alias")
        ref = Ref(name, alias=alias)
    elif "/" in body:
        name, _, tail = body.partition("/")
        number = version_number(tail)
        selector = SemVerSelector.parse(tail) if number is None else None
        if number is not None:
            ref = Ref(name, version=number)
        elif selector is not None:
            ref = Ref(name, semver=selector)
        elif is_uri and tail.lower() == "latest":
            ref = Ref(name, latest=True)
        elif is_uri and _STAGE_RE.match(tail):
            ref = Ref(name, stage=tail)
        else:
            raise _bad(text, f"{tail!r} is not a version number")
    elif ":" in body and not is_uri:
        name, _, stage = body.partition(":")
        if not _STAGE_RE.match(stage):
            raise _bad(text, f"{stage!r} is not a stage name")
        ref = Ref(name, stage=stage)
    else:
        ref = Ref(body)
    if not valid_name(ref.model):
        raise _bad(text, f"{ref.model!r} is not a valid model name")
    return ref


def find_model(reg: LoadedRegistry, name: str) -> RegisteredModel:
    rm = reg.find_model(name)
    if rm is None:
        known = sorted(reg.models)
        hint = f" (models: {', '.join(known[:8])}{' ...' if len(known) > 8 else ''})" if known else ""
        raise NotFound(f"no model named {name!r}{hint}")
    return rm


def _invalid(rm: RegisteredModel, number: int) -> str:
    return f"version {number} of {rm.name} is invalid (see its errors: `registry check`)"


def resolve(reg: LoadedRegistry, ref: Ref) -> tuple[RegisteredModel, Version | None]:
    """The model and version a reference names; the version is None for a bare MODEL.
    ``MODEL/N`` names a tombstone too (to show it); a stage or ``latest``
    never does, and on a deleted model only ``MODEL`` and ``MODEL/N`` resolve."""
    rm = find_model(reg, ref.model)
    gone = rm.model.deleted
    if gone is not None and ref.version is None and (ref.alias or ref.stage or ref.latest):
        raise NotFound(f"model {rm.name} was {gone}; `registry show {rm.name}` shows its tombstone")
    if ref.version is not None:
        version = rm.versions.get(ref.version)
        if version is None and ref.version in rm.invalid:
            raise NotFound(_invalid(rm, ref.version))
        if version is None:
            raise NotFound(f"{rm.name} has no version {ref.version} (it has {rm.numbers})")
        return rm, version
    if ref.semver is not None:
        return rm, _by_semver(rm, ref.semver)
    if ref.alias is not None:
        number = rm.model.aliases.get(ref.alias)
        if number is None:
            have = ", ".join(sorted(rm.model.aliases)) or "none"
            raise NotFound(f"{rm.name} has no alias {ref.alias!r} (aliases: {have})")
        version = rm.versions.get(number)
        if version is None and number in rm.invalid:
            raise NotFound(_invalid(rm, number))
        if version is None:
            raise NotFound(f"alias {rm.name}@{ref.alias} points to version {number}, which does not exist")
        return rm, version
    if ref.stage is not None:
        stage = reg.config.stage_named(ref.stage)  # an unknown stage is an error, not an empty one
        holders = [v for v in rm.versions.values() if v.stage == stage and not v.is_deleted]
        if not holders:
            raise NotFound(f"{rm.name} has no version in stage {stage}")
        return rm, max(holders, key=lambda v: v.number)
    if ref.latest:
        latest = rm.latest()
        if latest is None:
            raise NotFound(f"{rm.name} has no versions")
        return rm, latest
    return rm, None


def _by_semver(rm: RegisteredModel, selector: SemVerSelector) -> Version:
    """The version whose semver ``selector`` names (the newest, for 1.4 or 1.x)."""
    if not rm.uses_semver:
        raise UsageError(
            f"{rm.name}/{selector}: {rm.name} has no semantic versions (its model.yaml does not say "
            f"versioning: semver); name a version by its number, as {rm.name}/N"
        )
    by_semver = {  # a range never names a tombstone; 1.4.2 does, as MODEL/N does
        v.semver: v
        for v in rm.versions.values()
        if v.semver is not None and (selector.exact or not v.is_deleted)
    }
    found = selector.newest(by_semver)
    if found is None:
        have = max(by_semver, default=None)
        raise NotFound(
            f"{rm.name} has no version with semver {selector.describe()}"
            + (f" (its newest is {have}, version {by_semver[have].number})" if have else "")
        )
    return by_semver[found]


def load_for(root: Path, ref: Ref, rev: str | None = None) -> LoadedRegistry:
    """What a reference to one model needs: only that model's folder, unless
    the name is a former one (then the whole registry, to find who has it)."""
    reg = load(root, rev, only=[ref.model])
    if ref.model not in reg.models:
        reg = load(root, rev)
    return reg


def rev_at(root: Path, text: str | datetime, rev: str | None = None) -> str:
    """``--at``: the commit of the current branch (or ``rev``) that was current
    at ``text`` (any form :func:`registry.when.parse_when` reads)."""
    when = parse_when(text)
    commit = git.commit_at(root, when, rev or "HEAD")
    if commit is None:
        moment = utc(when).strftime("%Y-%m-%d %H:%M:%SZ") if when >= EARLIEST else text
        raise UsageError(f"--at {text}: {rev or 'this branch'} has no commit at or before {moment}")
    return commit
