"""Rules over one snapshot of the registry (no base revision needed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from registry import layout
from registry.check.gates import alias_failures, holder_in
from registry.check.lifecycle import check_semver, check_tombstone, check_traffic
from registry.check.rules import Rule
from registry.layout import REGISTRY_FILE
from registry.load import LoadedRegistry
from registry.problems import WARNING, Problem
from registry.records import (
    Config,
    Model,
    ParentRef,
    Policy,
    RegisteredModel,
    valid_name,
)


def check_config(config: Config, ok: bool) -> Iterator[Problem]:
    if not ok:
        return
    stages = set(config.stages)

    def unknown(where: tuple[str | int, ...], stage: str) -> Problem:
        return Problem(
            REGISTRY_FILE,
            Rule.UNKNOWN_STAGE,
            f"{stage!r} is not one of the stages ({', '.join(config.stages)})",
            where,
        )

    for src, targets in config.transitions.items():
        if src not in stages:
            yield unknown(("transitions", src), src)
        for i, dst in enumerate(targets):
            if dst not in stages:
                yield unknown(("transitions", src, i), dst)
    for i, stage in enumerate(config.single_holder):
        if stage not in stages:
            yield unknown(("single_holder", i), stage)
    if config.archive_stage not in stages:
        yield unknown(("archive_stage",), config.archive_stage)
    if config.live_stage_setting is not None and config.live_stage_setting not in stages:
        yield unknown(("live_stage",), config.live_stage_setting)
    for stage in config.policy.gates:
        if stage not in stages:
            yield unknown(("policy", "gates", stage), stage)
    if config.policy.single_holder is not None:
        yield Problem(
            REGISTRY_FILE,
            Rule.SCHEMA,
            "policy.single_holder is for a model's own policy (model.yaml); "
            "the registry's single-holder stages are the top-level single_holder",
            ("policy", "single_holder"),
        )
    for where, compared in _compared_elsewhere(config.policy, stages):
        yield unknown(where, compared)


def _compared_elsewhere(policy: Policy, stages: set[str]) -> Iterator[tuple[tuple[str, ...], str]]:
    """(where, stage) for each stage a gate compares with that is not one of ``stages``."""
    for kind, gates in (("gates", policy.gates), ("aliases", policy.aliases)):
        for name, gate in gates.items():
            for compared in sorted(gate.stages_compared - stages):
                yield ("policy", kind, name), compared


def check_model(
    rm: RegisteredModel, reg: LoadedRegistry, policy_config: Config, policy: Policy
) -> Iterator[Problem]:
    model = rm.model
    stages = policy_config.stages
    numbers = sorted({*rm.versions, *rm.invalid})  # an invalid record has its own errors, not a gap
    if numbers and numbers != list(range(1, numbers[-1] + 1)):
        missing = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
        shown = ", ".join(map(str, missing[:10])) + (" ..." if len(missing) > 10 else "")
        yield Problem(
            layout.versions_dir(model.name),
            Rule.VERSION_GAP,
            f"versions run 1..N with no gaps; missing: {shown}",
        )
    if model.policy is not None:  # (stage, what names it, where, whether the problem is the key)
        named: list[tuple[str, str, tuple[str | int, ...], bool]] = [
            (stage, f"gate for {stage!r}", ("policy", "gates", stage), True) for stage in model.policy.gates
        ]
        named += [
            (c, f"the gate compares with {c!r}", where, False)
            for where, c in _compared_elsewhere(model.policy, set(stages))
        ]
        named += [
            (stage, f"single_holder names {stage!r}", ("policy", "single_holder", i), False)
            for i, stage in enumerate(model.policy.single_holder or ())
        ]
        for stage, what, where, key in named:
            if stage not in stages:
                yield Problem(
                    model.path,
                    Rule.UNKNOWN_STAGE,
                    f"{what}, which is not one of the stages ({', '.join(stages)})",
                    where,
                    key=key,
                )

    if model.deleted is not None and model.aliases:
        yield Problem(
            model.path,
            Rule.TOMBSTONE,
            f"{model.name} was deleted, but it still has aliases ({', '.join(sorted(model.aliases))})",
            ("aliases",),
            key=True,
        )
    for alias, number in sorted(model.aliases.items()):
        target = rm.versions.get(number)
        if target is None and number in rm.invalid:
            continue  # the version exists; its record's own errors say what is wrong
        if target is None:
            yield Problem(
                model.path,
                Rule.ALIAS_TARGET,
                f"alias {alias!r} points to version {number}, which does not exist",
                ("aliases", alias),
            )
            continue
        if target.is_deleted:
            yield Problem(
                model.path,
                Rule.ALIAS_TARGET,
                f"alias {alias!r} points to version {number}, which was deleted",
                ("aliases", alias),
            )
            continue
        why = alias_failures(policy, alias, target, holder_in(rm, target.number))
        if why:
            yield Problem(
                model.path,
                Rule.ALIAS_GATE,
                f"alias {alias!r} cannot point to version {number}: " + "; ".join(why),
                ("aliases", alias),
            )

    if model.traffic:
        yield from check_traffic(rm, policy_config, policy)

    holders: dict[str, list[int]] = {}
    for number, v in rm.versions.items():
        if v.stage not in stages:
            yield Problem(
                v.path,
                Rule.UNKNOWN_STAGE,
                f"stage {v.stage!r} is not one of the registry's stages ({', '.join(stages)})",
                ("stage",),
            )
        if v.is_deleted:
            yield from check_tombstone(reg, v, policy_config.archive_stage)
        else:
            holders.setdefault(v.stage, []).append(number)
            yield from _check_artifact(
                reg, v.model, number, v.path, v.artifact.path, v.artifact.md5, v.artifact.size
            )
            if model.deleted is not None:
                yield Problem(
                    v.path,
                    Rule.TOMBSTONE,
                    f"{model.name} was deleted, but version {number} is not: "
                    "a deleted model's versions are tombstones (`registry delete`)",
                    (),
                )
        yield from _check_parents(reg, v.path, v.parents)
    yield from check_semver(rm)
    for stage in policy_config.holds_one(policy):
        held = sorted(holders.get(stage, []))
        for number in held[1:]:
            yield Problem(
                rm.versions[number].path,
                Rule.SINGLE_HOLDER,
                f"stage {stage!r} holds at most one version per model; versions "
                f"{', '.join(map(str, held))} are all in it (archive the older ones)",
                ("stage",),
            )


def _check_artifact(
    reg: LoadedRegistry, model: str, number: int, path: str, rel: str, md5: str, size: int
) -> Iterator[Problem]:
    """The record's artifact against its pointer. The pointer's own shape
    (one output, a plain file name, nothing that makes it a pipeline stage)
    is checked when it is parsed; a misshapen one has no entry in ``reg.dvc``
    and its problems are already in ``reg.problems``."""
    prefix = layout.artifact_prefix(number)
    if not rel.startswith(prefix):
        yield Problem(
            path,
            Rule.ARTIFACT_PATH,
            f"artifact.path must be under {prefix} (the version's own folder), not {rel!r}",
            ("artifact", "path"),
        )
        return
    dvc_path = layout.pointer_file(model, rel)
    out = reg.dvc.get(dvc_path)
    if out is None:
        if dvc_path not in reg.snapshot.entries:
            yield Problem(
                path,
                Rule.ARTIFACT_MISSING,
                f"{dvc_path} does not exist; track the artifact with `dvc add` and commit the .dvc file",
                ("artifact", "path"),
            )
        return
    name = rel.rsplit("/", 1)[1]
    if out.path != name:
        yield Problem(
            path,
            Rule.ARTIFACT_MISMATCH,
            f"{dvc_path} tracks {out.path!r}, not {name!r}",
            ("artifact", "path"),
        )
    if out.md5 != md5:
        yield Problem(
            path,
            Rule.ARTIFACT_MISMATCH,
            f"artifact.md5 is {md5} but {dvc_path} says {out.md5}",
            ("artifact", "md5"),
        )
    if out.size != size:
        yield Problem(
            path,
            Rule.ARTIFACT_MISMATCH,
            f"artifact.size is {size} but {dvc_path} says {out.size}",
            ("artifact", "size"),
        )
    if out.nfiles is not None or md5.endswith(".dir"):
        nfiles = reg.models[model].versions[number].artifact.nfiles
        if nfiles != out.nfiles:
            yield Problem(
                path,
                Rule.ARTIFACT_MISMATCH,
                f"artifact.nfiles is {nfiles} but {dvc_path} says {out.nfiles}",
                ("artifact", "nfiles") if nfiles is not None else ("artifact",),
            )


def artifact_problems(reg: LoadedRegistry, model: str, number: int) -> list[Problem]:
    """Every problem of one version's artifact: its pointer's shape and its
    agreement with the record, the rules ``pull`` obeys before DVC runs."""
    v = reg.models[model].versions[number]
    dvc_path = layout.pointer_file(v.model, v.artifact.path)
    own = [p for p in reg.problems if p.path == dvc_path and p.severity != WARNING]
    art = v.artifact
    return own + list(_check_artifact(reg, v.model, v.number, v.path, art.path, art.md5, art.size))


def _check_parents(reg: LoadedRegistry, path: str, parents: tuple[ParentRef, ...]) -> Iterator[Problem]:
    for i, parent in enumerate(parents):
        where = ("lineage", "parents", i)
        if not valid_name(parent.model):
            yield Problem(path, Rule.PARENT_MISSING, f"{parent.model!r} is not a valid model name", where)
            continue
        rm = reg.find_model(parent.model)
        if rm is None:
            yield Problem(path, Rule.PARENT_MISSING, f"parent model {parent.model!r} does not exist", where)
        elif parent.version in rm.invalid:
            continue  # the parent exists; its record's own errors say what is wrong
        elif parent.version not in rm.versions:
            yield Problem(
                path,
                Rule.PARENT_MISSING,
                f"parent {parent.model}/{parent.version} does not exist ({rm.name} has {rm.numbers})",
                where,
            )
        elif rm.name != parent.model:
            yield Problem(
                path,
                Rule.RENAMED_PARENT,
                f"parent model {parent.model!r} was renamed to {rm.name!r}",
                where,
                severity=WARNING,
            )


def check_cycles(reg: LoadedRegistry) -> Iterator[Problem]:
    """Report each cycle of ``lineage.parents`` once, at its smallest member."""
    graph: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for rm in reg.models.values():
        for number, v in rm.versions.items():
            edges = []
            for p in v.parents:
                target = reg.find_model(p.model) if valid_name(p.model) else None
                if target is not None and p.version in target.versions:
                    edges.append((target.name, p.version))
            if edges:
                graph[(rm.name, number)] = edges
    white, grey, black = 0, 1, 2
    color: dict[tuple[str, int], int] = {}
    reported: set[frozenset[tuple[str, int]]] = set()
    for start in sorted(graph):
        if color.get(start, white) != white:
            continue
        stack: list[tuple[tuple[str, int], int]] = [(start, 0)]
        trail: list[tuple[str, int]] = [start]
        color[start] = grey
        while stack:
            node, idx = stack[-1]
            edges = graph.get(node, [])
            if idx < len(edges):
                stack[-1] = (node, idx + 1)
                nxt = edges[idx]
                state = color.get(nxt, white)
                if state == white:
                    color[nxt] = grey
                    stack.append((nxt, 0))
                    trail.append(nxt)
                elif state == grey:
                    cycle = trail[trail.index(nxt) :]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        first = min(cycle)
                        chain = " -> ".join(f"{m}/{n}" for m, n in [*cycle, cycle[0]])
                        yield Problem(
                            reg.models[first[0]].versions[first[1]].path,
                            Rule.LINEAGE_CYCLE,
                            f"lineage.parents form a cycle: {chain}",
                            ("lineage", "parents"),
                        )
            else:
                color[node] = black
                stack.pop()
                trail.pop()


def check_tree(
    reg: LoadedRegistry,
    policy_config: Config | None = None,
    policy_of: Callable[[Model], Policy] | None = None,
) -> list[Problem]:
    """Every whole-tree rule. Stages come from ``policy_config`` and each
    model's policy from ``policy_of`` (the base revision's, when checking a
    change), or else from the tree itself."""
    config = policy_config or reg.config
    policy_of = policy_of or config.policy_for
    problems = list(reg.problems)
    problems.extend(check_config(reg.config, reg.config_ok))
    for name in sorted(reg.models):
        rm = reg.models[name]
        problems.extend(check_model(rm, reg, config, policy_of(rm.model)))
    problems.extend(check_cycles(reg))
    return problems
