"""The lifecycle's rules over one model of a snapshot: tombstones
(``registry delete``), semantic versions (``versioning: semver``) and traffic
splits (``traffic:``). ``check/tree.py`` asks them for each model; only
models that use a feature pay for it."""

from __future__ import annotations

from collections.abc import Iterator

from registry import layout
from registry.check.rules import Rule
from registry.load import LoadedRegistry
from registry.problems import Problem
from registry.records import Config, Policy, RegisteredModel, Version, signature_change
from registry.traffic import shares_text


def check_tombstone(reg: LoadedRegistry, v: Version, archive_stage: str) -> Iterator[Problem]:
    """A deleted version: in the archive stage, its pointer gone (the record
    keeps the hash and size, saying which bytes were deleted)."""
    if v.stage != archive_stage:
        yield Problem(
            v.path,
            Rule.TOMBSTONE,
            f"version {v.number} was deleted, so its stage is {archive_stage!r}, not {v.stage!r}",
            ("stage",),
        )
    dvc_path = layout.pointer_file(v.model, v.artifact.path)
    if v.artifact.path.startswith(layout.artifact_prefix(v.number)) and dvc_path in reg.snapshot.entries:
        yield Problem(
            v.path,
            Rule.TOMBSTONE,
            f"version {v.number} was deleted, but {dvc_path} is still there: remove it",
            ("deleted",),
        )


def check_semver(rm: RegisteredModel) -> Iterator[Problem]:
    """A semver model's versions each carry a semver, higher than any before
    it, with a greater major when the signature breaks the previous one's;
    other models' versions carry none. Only semver models read signatures."""
    if not rm.uses_semver:
        for v in rm.versions.values():
            if v.semver_text is not None:
                yield Problem(
                    v.path,
                    Rule.SEMVER_UNEXPECTED,
                    f"semver {v.semver_text} on a version of {rm.name}, whose model.yaml does not say "
                    "versioning: semver: add that, or remove semver",
                    ("semver",),
                    key=True,
                )
        return
    highest: Version | None = None  # the highest semver among lower numbers
    signed: Version | None = None  # the last lower number with a signature
    for _, v in sorted(rm.versions.items()):
        now = v.semver
        if now is None and v.is_deleted:
            continue  # a tombstone deleted before the model took semver keeps none
        if now is None:
            yield Problem(
                v.path,
                Rule.SEMVER_MISSING,
                f"{rm.name} has versioning: semver, so every version carries one: add "
                f'semver: "MAJOR.MINOR.PATCH" to version {v.number}',
            )
        else:
            top = highest.semver if highest is not None else None
            if highest is not None and top is not None and now <= top:
                yield Problem(
                    v.path,
                    Rule.SEMVER_ORDER,
                    f"semver {now} repeats version {highest.number}'s"
                    if now == top
                    else f"semver {now} is not above {top} (version {highest.number}): "
                    "semver goes up with the version number",
                    ("semver",),
                )
            elif (
                highest is not None
                and top is not None
                and signed is not None
                and v.signature_key is not None
                and v.signature_key != signed.signature_key  # read the records only where it changed
            ):
                change = signature_change(signed.signature, v.signature)
                if change.breaking and now.major <= top.major:
                    yield Problem(
                        v.path,
                        Rule.SEMVER_BREAK,
                        f"breaking signature needs a major bump: {change.summary()} "
                        f"(against version {signed.number}), so semver must be {top.bump('major')} "
                        f"or above, not {now}",
                        ("semver",),
                    )
            if top is None or now > top:
                highest = v
        if v.signature_key is not None:
            signed = v


def check_traffic(rm: RegisteredModel, policy_config: Config, policy: Policy) -> Iterator[Problem]:
    """The rules of a model's traffic split: its shares sum to 100; each
    names an alias of the model, whose version is not archived; and a
    version outside the live stage holds at most the policy's
    ``traffic.max_challenger`` percent. (Each alias's own gate is the
    ``alias-gate`` rule, checked for every alias.)"""
    model = rm.model
    total = sum(model.traffic.values())
    if total != 100:
        yield Problem(
            model.path,
            Rule.TRAFFIC_SUM,
            f"traffic shares sum to {total}, not 100 ({shares_text(model.traffic)})",
            ("traffic",),
            key=True,
        )
    live, cap = policy_config.live_stage, policy.max_challenger
    for alias, share in sorted(model.traffic.items()):
        where = ("traffic", alias)
        number = model.aliases.get(alias)
        if number is None:
            have = ", ".join("@" + a for a in sorted(model.aliases)) or "none"
            yield Problem(
                model.path,
                Rule.TRAFFIC_ALIAS,
                f"traffic names @{alias}, which {rm.name} does not have (aliases: {have}); "
                "set the alias first, or take it out of the split",
                where,
                key=True,
            )
            continue
        target = rm.versions.get(number)
        if target is None:
            continue  # alias-target says the version does not exist
        if target.stage == policy_config.archive_stage:
            yield Problem(
                model.path,
                Rule.TRAFFIC_ARCHIVED,
                f"traffic sends {share}% to @{alias}, which points to version {number}, "
                f"in {target.stage}: move the alias or take it out of the split",
                where,
            )
        elif cap is not None and share > cap and target.stage != live:
            yield Problem(
                model.path,
                Rule.TRAFFIC_CAP,
                f"traffic sends {share}% to @{alias} (version {number}, in {target.stage}); "
                f"a version outside {live or 'the live stage'} may hold at most {cap}% "
                "(policy traffic.max_challenger)",
                where,
            )
