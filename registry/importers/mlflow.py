"""``registry import mlflow URI``: an MLflow Model Registry, with its past, as commits.

Read through MLflow's public client only (any registry URI it reads:
``sqlite:///mlflow.db``, ``http://host:5000``...). Then, in the source's
creation order, one commit per version, authored by the version's MLflow
user at its creation time: its bytes (``models:/name/N``, without MLflow's
``registered_model_meta``) as a DVC-tracked folder, its description, tags,
run id, source URI and the run's metrics and params, and
``lineage.imported_from`` naming it in the source. Then one commit for the
current stages, aliases, descriptions and tags: MLflow keeps no history of
stage transitions, and that commit says so.

Nothing is imported twice: a version whose ``imported_from`` is already in
the registry is skipped, so an interrupted import, run again, carries on
where it stopped. What the target's rules refuse (a gap in a model's
version numbers, two versions in a stage that holds one) is listed before
anything is written.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from registry import git, layout
from registry.errors import SourceError, UsageError, WriteRefused
from registry.importers.mlflow_source import (
    SourceModel,
    download,
    read_source,
    run_values,
    safe_registry,
    short,
    target_name,
)
from registry.load import LoadedRegistry, load
from registry.progress import Step
from registry.records import Config, Policy, RegisteredModel, Version
from registry.write.commit import Change, apply
from registry.write.edit import block_text, document
from registry.write.register import Origin, _register
from registry.write.rename import rename
from registry.write.yamledit import Document

SYSTEM = "mlflow"
NAME_TAG = "mlflow.name"
"""A model tag that keeps the MLflow name when it had to change to be valid here."""


@dataclass
class Report:
    """What an import did (or, with ``dry_run``, would do)."""

    registry: str
    names: dict[str, str] = field(default_factory=dict)
    """Source name -> name here, for every model imported."""
    imported: list[str] = field(default_factory=list)
    """``name vN`` of each version imported now."""
    skipped: int = 0
    """Versions imported before (found by ``imported_from``)."""
    state_commit: str | None = None
    """The last commit of the current state (None: nothing had changed)."""
    archived: list[str] = field(default_factory=list)
    synced: list[str] = field(default_factory=list)
    """A sync's kinds of change that made a commit (stages, aliases, tags, descriptions, deletions)."""
    deleted: list[str] = field(default_factory=list)
    """``name vN`` of each version a sync made a tombstone (MLflow deleted it)."""
    renamed: list[str] = field(default_factory=list)
    """``old -> new`` for each model renamed here because it was renamed in MLflow."""
    relaxed: list[str] = field(default_factory=list)
    """``name: stage holds v1, v2`` for each single-holder stage ``--relax`` lifted for a model."""

    def as_json(self) -> dict[str, Any]:
        return {
            "registry": self.registry,
            "names": self.names,
            "imported": self.imported,
            "skipped": self.skipped,
            "state_commit": self.state_commit,
            "archived": self.archived,
            "synced": self.synced,
            "deleted": self.deleted,
            "relaxed": self.relaxed,
            "renamed": self.renamed,
        }


@dataclass(frozen=True)
class Stages:
    """The stages one MLflow model's versions get here, and what it took."""

    wanted: Mapping[int, str]
    """Version number -> stage here."""
    archived: tuple[int, ...] = ()
    """Archived by ``--archive-extra``: all but the newest in a crowded single-holder stage."""
    relaxed: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    """Crowded single-holder stages that ``--relax`` lifts for the model, with their versions."""
    crowded: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    """Crowded single-holder stages that neither option resolves: the import stops."""

    def holds_one(self, config: Config, policy: Policy) -> tuple[str, ...]:
        """The model's single-holder stages once relaxed."""
        return tuple(s for s in config.holds_one(policy) if s not in self.relaxed)


def stages_of(m: SourceModel, config: Config, policy: Policy, archive_extra: bool, relax: bool) -> Stages:
    """Where ``m``'s versions go here: MLflow's stage through the plugin's
    mapping, then, for a single-holder stage (under the model's ``policy``)
    that MLflow fills with several, ``archive_extra`` or ``relax``."""
    wanted = {v.number: _stage(config, v.stage) for v in m.versions}
    archived: list[int] = []
    relaxed: dict[str, tuple[int, ...]] = {}
    crowded: dict[str, tuple[int, ...]] = {}
    for stage in config.holds_one(policy):
        held = tuple(sorted(n for n, s in wanted.items() if s == stage))
        if len(held) < 2:
            continue
        if archive_extra:
            archived += held[:-1]
            wanted.update({n: config.archive_stage for n in held[:-1]})
        elif relax:
            relaxed[stage] = held
        else:
            crowded[stage] = held
    return Stages(wanted, tuple(archived), relaxed, crowded)


def conflicts(
    models: Iterable[SourceModel],
    config: Config,
    archive_extra: bool,
    done: frozenset[tuple[str, str]] = frozenset(),
    existing_models: Mapping[str, RegisteredModel] | None = None,
    relax: bool = False,
) -> list[str]:
    """What the source holds that this registry's rules refuse, before anything
    is written. A number missing from the source that was imported before is
    no gap: a sync makes that version a tombstone here."""
    found = []
    names: dict[str, str] = {}
    for m in models:
        here = target_name(m.name)
        if here in names:
            found.append(
                f"{m.name!r} and {names[here]!r} would both be model {here!r} here: rename one in MLflow"
            )
        names[here] = m.name
        numbers = {v.number for v in m.versions}
        missing = [
            n
            for n in range(1, max(numbers, default=0) + 1)
            if n not in numbers and (m.name, str(n)) not in done
        ]
        if missing:
            found.append(
                f"{m.name}: versions {', '.join(map(str, missing))} were deleted in MLflow; this registry "
                "numbers versions without gaps, so the numbers would not match (import the other models "
                "with --models, or register the gap's versions again in MLflow first)"
            )
        existing = (existing_models or {}).get(here)
        policy = config.policy_for(existing.model if existing else None)
        try:
            plan = stages_of(m, config, policy, archive_extra, relax)
        except UsageError as exc:
            found.append(f"{m.name}: {exc}")
            continue
        final = plan.wanted
        for stage, held in plan.crowded.items():
            found.append(
                f"{m.name}: versions {', '.join(map(str, held))} are all in {stage}, which holds one "
                f"version here: --archive-extra archives all but the newest (v{max(held)}), or --relax "
                f"lets {stage} hold them all for this model (policy.single_holder in its model.yaml)"
            )
        for alias, number in sorted(m.aliases.items()):
            gate = policy.aliases.get(alias)
            if gate is not None and gate.stage is not None and final.get(number) != gate.stage:
                found.append(
                    f"{m.name}: @{alias} points at v{number}, which would be in {final.get(number)} here, "
                    f"but this registry gives @{alias} only to a version in {gate.stage} (policy.aliases."
                    f"{alias}): move the alias in MLflow, or change the policy"
                )
    return found


def _stage(config: Config, mlflow_stage: str) -> str:
    from registry.mlflow.convert import from_mlflow_stage  # the plugin's mapping, both ways the same

    return from_mlflow_stage(config, mlflow_stage)


def _when(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def _person(user: str | None, ms: int, fallback: git.Person) -> git.Person:
    """The commit author of a change made in MLflow by ``user`` at ``ms``."""
    if not user:
        return fallback._replace(time=ms // 1000, offset="+0000")
    email = user if "@" in user else f"{user}@mlflow"
    return git.Person(user.split("@")[0], email, ms // 1000, "+0000")


# -- writing ------------------------------------------------------------------------


def run(
    root: Path,
    uri: str,
    *,
    patterns: Sequence[str] = (),
    dry_run: bool = False,
    push: bool = False,
    archive_extra: bool = False,
    relax: bool = False,
    sync: bool = False,
    progress: Callable[[Step], None] = lambda _: None,
) -> Report:
    """Import the MLflow registry at ``uri`` into the registry at ``root``;
    with ``sync``, the changes since an import: new versions (a commit each),
    then stages, aliases, tags and descriptions (a commit per kind that changed)."""
    from mlflow.exceptions import MlflowException

    if archive_extra and relax:
        raise UsageError(
            "--archive-extra and --relax: choose one way for a stage that MLflow fills with several"
        )
    where = safe_registry(uri)
    source = read_source(uri, patterns)
    reg = load(root)
    config = reg.config
    homes = _homes(reg)
    renames = _renames(reg, source, homes)
    homes |= {m.name: here for m, here in renames}
    done = frozenset(  # by the source's name and number, not its URI: a sync may spell the URI otherwise
        (name, str(v.number))
        for name, here in homes.items()
        for v in reg.models[here].versions.values()
        if _imported(v)
    )
    problems = conflicts(source, config, archive_extra, done, reg.models, relax)
    if problems:
        raise WriteRefused(
            f"{where} cannot be imported as it is; nothing was written:\n"
            + "\n".join(f"  {p}" for p in problems)
        )
    report = Report(where, {m.name: target_name(m.name) for m in source})
    report.renamed = [f"{here} -> {target_name(m.name)}" for m, here in renames]
    me = git.Person(*_identity(root), 0, "+0000")
    todo = sorted(
        ((m, v) for m in source for v in m.versions if (m.name, str(v.number)) not in done),
        key=lambda mv: (mv[1].created_ms, mv[0].name, mv[1].number),
    )
    report.skipped = sum(len(m.versions) for m in source) - len(todo)
    if dry_run:
        report.imported = [f"{target_name(m.name)} v{v.number}" for m, v in todo]
        return report
    for m, here in renames:  # first: new versions go to the model's new name
        if target_name(m.name) != here:
            rename(root, here, target_name(m.name), reason=f"renamed to {m.name!r} in MLflow ({where})")
    left = Counter(m.name for m, _ in todo)
    finished = 0
    for i, (m, v) in enumerate(todo):
        here = target_name(m.name)
        progress(Step(f"{here} v{v.number}", i, len(todo), "version", finished, len(left), "model"))
        metrics, params = run_values(uri, v.run_id)
        lineage: dict[str, Any] = {}
        if v.run_id:
            lineage["run"] = {"id": v.run_id, **({"uri": v.source} if v.source else {})}
        origin = Origin(
            created_at=_when(v.created_ms),
            created_by=v.user or me.email,
            author=_person(v.user, v.created_ms, me),
            number=v.number,
            imported_from={"system": SYSTEM, "registry": where, "model": m.name, "version": str(v.number)},
        )
        scratch = Path(tempfile.mkdtemp(prefix="registry-import-"))
        try:
            try:
                folder = download(uri, m.name, v.number, scratch)
            except (MlflowException, OSError) as exc:
                raise SourceError(
                    f"cannot download models:/{m.name}/{v.number} from {where}: {short(exc)}; "
                    f"{len(report.imported)} versions were imported before it, and running the import "
                    "again carries on from there"
                ) from None
            _register(
                root,
                here,
                folder,
                origin,
                metrics=metrics,
                params=params,
                tags=v.tags,
                description=v.description or None,
                lineage=lineage,
                upload=push,
            )
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        report.imported.append(f"{here} v{v.number}")
        left[m.name] -= 1
        finished += not left[m.name]
    if todo:
        progress(Step("", len(todo), len(todo), "version", finished, len(left), "model"))
    crowding = (archive_extra, relax)
    if not sync:
        report.state_commit, report.archived, report.relaxed = _state(root, where, source, crowding, me)
        return report
    for kind in KINDS:  # one commit per kind of change
        commit, archived, relaxed = _state(root, where, source, crowding, me, (kind,))
        report.archived += archived
        report.relaxed += relaxed
        if commit is not None:
            report.synced.append(kind)
            report.state_commit = commit
    report.deleted = _deletions(root, where, source, patterns)
    if report.deleted:
        report.synced.append("deletions")
    return report


def _imported(v: Version) -> bool:
    return v.lineage.imported_from is not None and v.lineage.imported_from.system == SYSTEM


def _came_from(rm: RegisteredModel) -> set[str]:
    """The MLflow names that the model's imported versions came from."""
    return {
        v.lineage.imported_from.model
        for v in rm.versions.values()
        if v.lineage.imported_from and _imported(v)
    }


def _homes(reg: LoadedRegistry) -> dict[str, str]:
    """MLflow model name -> the model here that its versions were imported
    into: the model's ``mlflow.name`` tag (its MLflow name now), else the
    names its versions came from."""
    homes: dict[str, str] = {}
    for rm in reg.models.values():
        came = _came_from(rm)
        if came:
            tagged = rm.model.tags.get(NAME_TAG)
            homes |= dict.fromkeys({tagged} if tagged else came, rm.name)
    return homes


def _renames(
    reg: LoadedRegistry, source: Sequence[SourceModel], homes: Mapping[str, str]
) -> list[tuple[SourceModel, str]]:
    """(MLflow model, model here) for each MLflow model renamed since it was
    imported: MLflow keeps a renamed model's versions, numbers and runs, but
    not its name, so an MLflow model that nothing here came from is the
    renamed one when each imported live version here has its number, run
    and source among its versions, and the name it came from is gone."""
    names = {m.name for m in source}
    orphans = set(homes.values()) - {homes[n] for n in names if n in homes}
    found = []
    for m in source:
        if m.name in homes or not orphans:
            continue
        prints = {(v.number, v.run_id, v.source) for v in m.versions}
        for here in sorted(orphans):
            mine = {
                (
                    v.number,
                    v.lineage.run.id if v.lineage.run else None,
                    v.lineage.run.uri if v.lineage.run else None,
                )
                for v in reg.models[here].versions.values()
                if _imported(v) and not v.is_deleted
            }
            if mine and mine <= prints:
                found.append((m, here))
                orphans.discard(here)
                break
    return found


def _deletions(root: Path, where: str, source: Sequence[SourceModel], patterns: Sequence[str]) -> list[str]:
    """Tombstones here for what MLflow no longer has (after the aliases' sync:
    MLflow drops a deleted version's aliases with it): each imported version
    whose number its model lacks, and each imported model that MLflow has
    under none of its names (among the models ``patterns`` asks for)."""
    from registry.write.delete import delete

    reason = f"deleted in MLflow ({where}); found by registry sync"
    reg = load(root)
    homes = _homes(reg)
    numbers = {homes[m.name]: {v.number for v in m.versions} for m in source if m.name in homes}
    if homes and not numbers:
        raise SourceError(
            f"{where} has none of the {len(set(homes.values()))} models imported here, so nothing was "
            "deleted: is it the registry they came from? (MLflow starts an empty registry at a mistyped "
            "sqlite path.) Delete them here with `registry delete MODEL --reason ...` if MLflow did"
        )
    gone = []
    for rm in reg.models.values():
        names = sorted(n for n, here in homes.items() if here == rm.name)
        if not names or rm.model.deleted is not None:
            continue
        if rm.name not in numbers:
            if not patterns or any(fnmatchcase(n, p) for n in names for p in patterns):
                delete(root, rm.name, reason=reason)
                gone.append(rm.name)
            continue
        for v in sorted(rm.versions.values(), key=lambda v: v.number):
            if _imported(v) and not v.is_deleted and v.number not in numbers[rm.name]:
                delete(root, rm.name, v.number, reason=reason)
                gone.append(f"{rm.name} v{v.number}")
    return gone


def _identity(root: Path) -> tuple[str, str]:
    email = git.identity_email(root) or "unknown@localhost"
    return email.split("@")[0], email


KINDS = ("stages", "aliases", "tags", "descriptions")
"""What the source's current state sets, in the order a sync commits it
(stages first: an alias's gate may need its version's new stage)."""


def _state(
    root: Path,
    where: str,
    source: Sequence[SourceModel],
    crowding: tuple[bool, bool],
    me: git.Person,
    kinds: Sequence[str] = KINDS,
) -> tuple[str | None, list[str], list[str]]:
    """One commit: the source's current ``kinds`` of state (stages, aliases,
    tags, descriptions). ``crowding`` is ``(archive_extra, relax)``. Returns
    the commit, the versions archived and the stages relaxed."""
    reg = load(root)
    config = reg.config
    files: dict[str, str] = {}
    archived: list[str] = []
    relaxed: list[str] = []
    newest = 0
    for m in source:
        here = target_name(m.name)
        rm = reg.models.get(here)
        if rm is None:
            continue
        newest = max(newest, m.updated_ms, *(v.updated_ms for v in m.versions))
        model_doc = document(root, rm.model.path)
        before = model_doc.text()
        if "descriptions" in kinds and (m.description or "") != rm.model.description:
            if m.description:
                model_doc.set("description", block_text(m.description))
            else:
                model_doc.remove("description")
        tags = dict(m.tags)
        came = _came_from(rm)
        if here != m.name or came - {m.name}:  # a name made valid here, or renamed in MLflow since
            tags[NAME_TAG] = m.name
        if "tags" in kinds and tags != dict(rm.model.tags):
            model_doc.remove("tags")
            if tags:
                model_doc.mapping("tags").update(tags)
        if "aliases" in kinds and m.aliases != dict(rm.model.aliases):
            model_doc.remove("aliases")
            if m.aliases:
                model_doc.mapping("aliases").update(m.aliases)
        policy = config.policy_for(rm.model)
        plan = stages_of(m, config, policy, *crowding)
        wanted = plan.wanted
        if "stages" in kinds:
            archived += [
                f"{here} v{n}"
                for n in plan.archived
                if n in rm.versions and rm.versions[n].stage != wanted[n]
            ]
            if plan.relaxed:
                model_doc.mapping("policy")["single_holder"] = list(plan.holds_one(config, policy))
                relaxed += [
                    f"{here}: {stage} holds v{', v'.join(map(str, held))}"
                    for stage, held in plan.relaxed.items()
                ]
        if model_doc.text() != before:
            files[rm.model.path] = model_doc.text()
        for v in m.versions:
            mine = rm.versions.get(v.number)
            if mine is None:
                continue
            doc: Document | None = None
            if "stages" in kinds and wanted[v.number] != mine.stage:
                doc = document(root, mine.path)
                doc.set("stage", wanted[v.number])
            if "descriptions" in kinds and (v.description or "") != mine.description:
                doc = doc or document(root, mine.path)
                if v.description:
                    doc.set("description", block_text(v.description))
                else:
                    doc.remove("description")
            if "tags" in kinds and v.tags != dict(mine.tags):
                doc = doc or document(root, mine.path)
                doc.remove("tags")
                if v.tags:
                    doc.mapping("tags").update(v.tags)
            if doc is not None:
                files[mine.path] = doc.text()
    if not files:
        return None, archived, relaxed
    if tuple(kinds) == KINDS:
        subject = f"import the current stages, aliases and tags from {SYSTEM}"
        body = [
            f"The stages, aliases, descriptions and tags that {where} holds now.",
            "MLflow keeps no history of stage transitions (mlflow/mlflow#2169), so each version's stage "
            "is set here, as it is now, not at the time it changed.",
        ]
    else:
        subject = f"sync {' and '.join(kinds)} from {SYSTEM}"
        body = [
            f"The {', '.join(kinds)} that {where} holds now (MLflow keeps no history of when they changed)."
        ]
    if archived:
        body.append(
            "Archived, as --archive-extra asked (a stage here holds one version): "
            + ", ".join(archived)
            + "."
        )
    if relaxed:
        body.append(
            "As MLflow has them, and as --relax asked, these stages hold several versions of a model, "
            "which its model.yaml's policy.single_holder now allows: " + "; ".join(relaxed) + "."
        )
    models = tuple(sorted({m for m in map(layout.model_folder_of, files) if m is not None}))
    change = Change(
        files,
        subject,
        (("Registry-Action", "import" if tuple(kinds) == KINDS else "sync"), ("Source", f"{SYSTEM} {where}")),
        body="\n\n".join(body),
        models=models,
        author=me._replace(time=max(newest // 1000, 0)) if newest else None,
        against_base=False,
    )
    return apply(root, change), archived, relaxed
