"""``registry import gto [PATH]``: a GTO repository's tags, with their past, as commits.

Read with git alone (not the GTO package): ``artifacts.yaml`` at each
tagged commit, and GTO's tags (https://github.com/iterative/gto):

- ``name@v1.2.3``: a version registered (``name@v1.2.3!``: deregistered);
- ``name#stage#N`` (or ``name#stage``): a stage assigned (``name#stage!#N``: unassigned);
- ``name@deprecated``: the artifact deprecated.

Every tag event, in the taggers' time order, becomes one commit with the
tagger as author at the tag's time. A registration registers the next
version (N = 1, 2, ... in registration order) with the bytes the artifact's
path held at the tagged commit (git-tracked, or through DVC for a ``.dvc``
path), GTO's version kept as ``semver`` when the registrations' versions
increase (else as tag ``gto.version``). An assignment moves the version to
the mapped stage (archiving the stage's previous holder where a stage holds
one); an unassignment returns it to the first stage; a deregistration and
a deprecation archive. A commit's ``Gto-Tag`` trailer names its tag, so a
second run applies only the tags it has not.
"""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from registry import dvc, git, yamlsafe
from registry.errors import GitError, SourceError, UsageError
from registry.importers.mlflow_source import target_name
from registry.load import load
from registry.progress import Step
from registry.records import Config
from registry.write.commit import Change, apply
from registry.write.edit import document
from registry.write.register import Origin, _register

SYSTEM = "gto"
TRAILER = "Gto-Tag"
VERSION_TAG = "gto.version"

_REGISTER = re.compile(r"(?P<name>[^@#]+)@(?P<version>v?\d+\.\d+\.\d+)(?P<undo>!)?(?:#\d+)?")
_STAGE = re.compile(r"(?P<name>[^@#]+)#(?P<stage>[^#!]+)(?P<undo>!)?(?:#(?P<n>\d+))?")
_DEPRECATE = re.compile(r"(?P<name>[^@#]+)@deprecated(?:#\d+)?")
_LIVE = ("prod", "production", "prd", "live")
_STAGING = ("staging", "stage", "stg", "qa", "uat", "test", "testing", "dev", "development", "canary")
_DEFAULT_MESSAGE = re.compile(
    r"(Registering|Deregistering|Assigning|Unassigning|Deprecating) (stage |artifact )"
)
"""The messages GTO writes when the user gives none: not kept as descriptions."""
_ORDER = {"register": 0, "assign": 1, "unassign": 2, "deregister": 3, "deprecate": 4}


@dataclass(frozen=True)
class Event:
    kind: str
    """register, deregister, assign, unassign or deprecate."""
    artifact: str
    tag: git.Tag
    who: git.Person
    version: str | None = None
    stage: str | None = None
    counter: int = 0


@dataclass
class Report:
    repository: str
    stages: dict[str, str] = field(default_factory=dict)
    """GTO stage -> registry stage, as used."""
    applied: list[str] = field(default_factory=list)
    """The tags applied now, in order."""
    skipped: int = 0
    semver_as_tag: list[str] = field(default_factory=list)
    """Artifacts whose GTO versions do not increase in registration order: kept as a tag."""
    unchanged: list[str] = field(default_factory=list)
    """Tags that change nothing here (a version's second stage, below the one it has)."""
    pathless: list[str] = field(default_factory=list)
    """Artifacts that artifacts.yaml gives no path: no bytes to register, not imported."""

    def as_json(self) -> dict[str, Any]:
        return {
            "repository": self.repository,
            "stages": self.stages,
            "applied": self.applied,
            "skipped": self.skipped,
            "semver_as_tag": self.semver_as_tag,
            "pathless": self.pathless,
            "unchanged": self.unchanged,
        }


def events(repo: Path) -> list[Event]:
    """GTO's tag events, oldest first (at one second: registrations, then assignments by counter)."""
    found = []
    for tag in git.tags(repo):
        who = tag.tagger or git.commit_person(repo, tag.commit)
        if m := _DEPRECATE.fullmatch(tag.name):
            found.append(Event("deprecate", m["name"], tag, who))
        elif m := _REGISTER.fullmatch(tag.name):
            kind = "deregister" if m["undo"] else "register"
            found.append(Event(kind, m["name"], tag, who, version=m["version"]))
        elif m := _STAGE.fullmatch(tag.name):
            kind = "unassign" if m["undo"] else "assign"
            found.append(Event(kind, m["name"], tag, who, stage=m["stage"], counter=int(m["n"] or 0)))
    return sorted(found, key=lambda e: (e.who.time, _ORDER[e.kind], e.counter, e.tag.name))


def stage_map(config: Config, gto_stages: Sequence[str], given: Mapping[str, str]) -> dict[str, str]:
    """Each GTO stage's registry stage: as ``given``, else the stage of the same
    name, else prod-like names the live stage and test-like names staging."""
    out = {}
    unknown = []
    for s in sorted(set(gto_stages)):
        low = s.lower()
        if s in given:
            mapped = given[s]
        elif any(low == st.lower() for st in config.stages):
            mapped = next(st for st in config.stages if st.lower() == low)
        elif low in _LIVE and config.live_stage:
            mapped = config.live_stage
        elif low in _STAGING and "staging" in config.stages:
            mapped = "staging"
        else:
            unknown.append(s)
            continue
        if mapped not in config.stages:
            raise UsageError(
                f"--stage {s}={mapped}: {mapped!r} is not a stage here ({', '.join(config.stages)})"
            )
        out[s] = mapped
    if unknown:
        raise UsageError(
            f"GTO stages {', '.join(unknown)} have no stage here: map them with --stage GTO=STAGE "
            f"(stages here: {', '.join(config.stages)})"
        )
    return out


def _artifact_path(repo: Path, commit: str, name: str) -> str | None:
    """The artifact's ``path`` in ``artifacts.yaml`` at ``commit`` (GTO's annotations)."""
    return _paths_at(str(repo), commit).get(name)


@functools.lru_cache(maxsize=64)
def _paths_at(repo: str, commit: str) -> dict[str, str]:
    """Each artifact's ``path`` in ``artifacts.yaml`` at ``commit``, read once
    per commit: a repository's tags mostly name a few commits, and a commit
    never changes."""
    try:
        doc = yamlsafe.load(git.file_at(Path(repo), commit, "artifacts.yaml"))
    except (GitError, yamlsafe.YamlError):
        return {}
    if not isinstance(doc, dict):
        return {}
    found = {}
    for name, entry in doc.items():
        path = entry.get("path") if isinstance(entry, dict) else None
        if isinstance(path, str) and path:
            found[str(name)] = path
    return found


def _fetch(repo: Path, commit: str, path: str, scratch: Path) -> Path:
    """The artifact's bytes as the commit holds them: from git, or through DVC for a ``.dvc`` path."""
    clean = Path(path)
    if clean.is_absolute() or ".." in clean.parts:
        raise SourceError(f"artifacts.yaml names {path!r}: not a path inside the repository")
    target = scratch / (clean.name or "artifact")
    kind = git.path_kind(repo, commit, path)
    if kind in ("blob", "tree"):
        git.export(repo, commit, path, target)
        return target
    if git.path_kind(repo, commit, path + ".dvc") == "blob":
        dvc.get(repo, path, commit, target)
        return target
    raise SourceError(f"{commit[:10]} holds neither {path} nor {path}.dvc: no bytes to import")


@dataclass
class _State:
    """GTO's state as its tags replay: each version's assigned stages (a GTO
    stage is held by the version last assigned it), the deregistered ones."""

    stages: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    deregistered: set[tuple[str, str]] = field(default_factory=set)
    deprecated: set[str] = field(default_factory=set)

    def step(self, e: Event) -> list[str]:
        """Apply ``e``; the versions (of ``e.artifact``) whose stage here may have changed."""
        version = e.version or _assigned_version(e) or ""
        key = (e.artifact, version)
        if e.kind == "assign":
            touched = [
                v
                for (a, v), held in self.stages.items()
                if a == e.artifact and e.stage in held and v != version
            ]
            for v in touched:
                self.stages[(e.artifact, v)].discard(e.stage or "")
            self.stages.setdefault(key, set()).add(e.stage or "")
            return [version, *touched]
        if e.kind == "unassign":
            self.stages.get(key, set()).discard(e.stage or "")
            return [version]
        if e.kind == "deregister":
            self.deregistered.add(key)
            return [version]
        if e.kind == "deprecate":
            self.deprecated.add(e.artifact)
            return [v for (a, v) in self.stages if a == e.artifact]
        self.stages.setdefault(key, set())
        return []

    def stage_of(self, config: Config, mapping: Mapping[str, str], artifact: str, version: str) -> str:
        """The stage here: archived once deregistered or deprecated, else the
        furthest of its GTO stages in this registry's order, else the first."""
        if (artifact, version) in self.deregistered or artifact in self.deprecated:
            return config.archive_stage
        order = {s: i for i, s in enumerate(config.stages)}
        mine = [mapping[s] for s in self.stages.get((artifact, version), set())]
        return max(mine, key=lambda s: order.get(s, -1)) if mine else config.initial_stage


def run(
    root: Path,
    repo: Path,
    *,
    stages: Mapping[str, str] | None = None,
    dry_run: bool = False,
    push: bool = False,
    progress: Callable[[Step], None] = lambda _: None,
) -> Report:
    """Import the GTO repository at ``repo`` into the registry at ``root``."""
    repo = repo.resolve()
    if git.toplevel(repo) is None:
        raise UsageError(f"{repo} is not a git repository")
    found = events(repo)
    reg = load(root)
    config = reg.config
    mapping = stage_map(config, [e.stage for e in found if e.stage], stages or {})
    report = Report(str(repo), mapping)
    pathless = sorted(
        {
            e.artifact
            for e in found
            if e.kind == "register" and _artifact_path(repo, e.tag.commit, e.artifact) is None
        }
    )
    report.pathless = pathless
    found = [e for e in found if e.artifact not in pathless]
    applied = git.trailer_values(root, TRAILER) if git.head_commit(root) else set()
    registered: dict[str, list[str]] = {}
    for e in found:
        if e.kind == "register":
            registered.setdefault(e.artifact, []).append(e.version or "")
    increasing = {
        a for a, vs in registered.items() if _keys(vs) == sorted(_keys(vs)) and len(set(vs)) == len(vs)
    }
    report.semver_as_tag = sorted(set(registered) - increasing)
    state = _State()
    left = Counter(e.artifact for e in found if f"{e.artifact} {e.tag.name}" not in applied)
    total, done, finished = sum(left.values()), 0, 0
    for e in found:
        touched = state.step(e)
        if f"{e.artifact} {e.tag.name}" in applied:
            report.skipped += 1
            continue
        if dry_run:
            report.applied.append(e.tag.name)
            continue
        progress(Step(e.tag.name, done, total, "tag", finished, len(left), "artifact"))
        done += 1
        left[e.artifact] -= 1
        finished += not left[e.artifact]
        if e.kind == "register":
            _register_version(root, repo, e, e.artifact in increasing, push)
        elif not _move(root, config, e, {v: state.stage_of(config, mapping, e.artifact, v) for v in touched}):
            report.unchanged.append(e.tag.name)
            continue
        report.applied.append(e.tag.name)
    if done:
        progress(Step("", done, total, "tag", finished, len(left), "artifact"))
    return report


def _keys(versions: Sequence[str]) -> list[tuple[int, ...]]:
    return [tuple(int(p) for p in v.lstrip("v").split(".")) for v in versions]


def _register_version(root: Path, repo: Path, e: Event, semver: bool, push: bool) -> None:
    here = target_name(e.artifact)
    path = _artifact_path(repo, e.tag.commit, e.artifact) or ""
    rm = load(root, only=[here]).models.get(here)
    number = max(rm.versions, default=0) + 1 if rm else 1
    scratch = Path(tempfile.mkdtemp(prefix="registry-import-"))
    try:
        folder = _fetch(repo, e.tag.commit, path, scratch)
        origin = Origin(
            created_at=_when(e.who),
            created_by=e.who.email or e.who.name,
            author=e.who,
            number=number,
            imported_from={
                "system": SYSTEM,
                "registry": str(repo),
                "model": e.artifact,
                "version": e.version or "",
            },
            trailers=((TRAILER, f"{e.artifact} {e.tag.name}"),),
        )
        _register(
            root,
            here,
            folder,
            origin,
            description=None if _DEFAULT_MESSAGE.match(e.tag.message) else e.tag.message or None,
            tags=None if semver else {VERSION_TAG: e.version or ""},
            semver=(e.version or "").lstrip("v") if semver else None,
            lineage={"code": {"commit": e.tag.commit, "path": path}},
            upload=push,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _move(root: Path, config: Config, e: Event, wanted: Mapping[str, str]) -> bool:
    """One commit: the stages here that the tag event changes (and the
    deprecation's tag); False when it changes nothing here."""
    here = target_name(e.artifact)
    rm = load(root, only=[here]).models.get(here)
    if rm is None:
        raise SourceError(f"{e.tag.name}: {e.artifact} has no version registered before it")
    by_version = {
        v.lineage.imported_from.version: v
        for v in rm.versions.values()
        if v.lineage.imported_from is not None and v.lineage.imported_from.system == SYSTEM
    }
    files: dict[str, str] = {}
    moves = []
    for version, stage in sorted(wanted.items()):
        target = by_version.get(version)
        if target is None:
            raise SourceError(f"{e.tag.name}: {e.artifact} {version} was not registered before it")
        if target.stage != stage and not target.is_deleted:
            files[target.path] = _staged(root, target.path, stage)
            moves.append(f"v{target.number} {target.stage} -> {stage}")
    if e.kind == "deprecate":
        doc = document(root, rm.model.path)
        doc.mapping("tags")["gto.deprecated"] = "true"
        files[rm.model.path] = doc.text()
        moves.append("deprecated")
    if not files:  # nothing changes here (a second stage below the one it has): no commit
        return False
    change = Change(
        files,
        f"import {e.tag.name} from gto: {here} {', '.join(moves)}",
        (("Registry-Action", "import"), ("Model", here), (TRAILER, f"{e.artifact} {e.tag.name}")),
        body=e.tag.message,
        models=(here,),
        author=e.who,
        against_base=False,
    )
    apply(root, change)
    return True


def _assigned_version(e: Event) -> str | None:
    """The version a stage tag names: its message says it (``... version v1.2.3``)."""
    m = re.search(r"version '?(v?\d+\.\d+\.\d+)'?", e.tag.message)
    return m[1] if m else None


def _staged(root: Path, path: str, stage: str) -> str:
    doc = document(root, path)
    doc.set("stage", stage)
    return doc.text()


def _when(who: git.Person) -> datetime:
    return datetime.fromtimestamp(who.time, UTC)
