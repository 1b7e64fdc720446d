"""Load a registry from the work tree or from any git revision.

Loading never stops at a broken file: every file that cannot be read,
parsed or validated becomes a Problem, and everything else is loaded.
Paths are built only from names that matched ``NAME_RE`` and version file
names that matched ``VERSION_FILE_RE``; symlinks are refused.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from registry import git
from registry.cache import Entry, ParseCache
from registry.errors import RegistryError
from registry.parse import parse_all, parse_file
from registry.problems import ERROR, WARNING, Problem
from registry.records import VERSION_FILE_RE, Config, Model, RegisteredModel, Version, valid_name
from registry.snapshot import MODELS_DIR, REGISTRY_FILE, ROOTS, Snapshot, snapshot

__all__ = ["MODELS_DIR", "REGISTRY_FILE", "DvcOut", "LoadedRegistry", "Snapshot", "load", "snapshot"]


class DvcOut(NamedTuple):
    """The first output of a ``.dvc`` file: what DVC says the artifact is."""

    md5: str | None
    size: int | None
    path: str | None


@dataclass
class LoadedRegistry:
    """A registry as read from one snapshot, with the problems found on the way."""

    root: Path
    commit: str | None
    config: Config
    config_ok: bool
    models: dict[str, RegisteredModel]
    dvc: dict[str, DvcOut]
    problems: list[Problem]
    snapshot: Snapshot

    def blob(self, path: str) -> str | None:
        entry = self.snapshot.entries.get(path)
        return entry.blob if entry else None

    def find_model(self, name: str) -> RegisteredModel | None:
        """A model by its name or, after a rename, by a former name."""
        if name in self.models:
            return self.models[name]
        for rm in self.models.values():
            if name in rm.model.former_names:
                return rm
        return None


def printable(path: str) -> str:
    """A path safe to print: undecodable bytes and control characters escaped."""
    raw = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in raw)


def _classify(path: str, parts: list[str]) -> tuple[str, str | None, int | None] | Problem | None:
    """(kind, model, version) for a registry file; a Problem; or None to ignore."""
    if path == REGISTRY_FILE:
        return "registry", None, None
    n = len(parts)
    if n < 3 or parts[0] != MODELS_DIR:
        return None
    model, sub = parts[1], parts[2]
    if sub == "versions":
        if n == 4:
            match = VERSION_FILE_RE.match(parts[3])
            if match is not None:
                return "version", model, int(match.group(1))
            return Problem(
                printable(path),
                "invalid-version-file",
                f"version files are named <N>.yaml with N = 1, 2, 3 ... (no leading zeros); "
                f"rename or remove {printable(parts[3])!r}",
                line=1,
            )
        return Problem(printable(path), "unexpected-file", "versions/ holds only <N>.yaml files", line=1)
    if n == 3 and sub == "model.yaml":
        return "model", model, None
    if n == 5 and sub == "artifacts" and parts[4].endswith(".dvc"):
        return "dvc", model, None
    return None


def cache_for(root: Path) -> ParseCache:
    if os.environ.get("REGISTRY_NO_CACHE"):
        return ParseCache(None)
    try:
        where = git.common_dir(root) / "registry-cache"
    except RegistryError:
        return ParseCache(None)
    return ParseCache(where)


def load(
    root: Path | str,
    rev: str | None = None,
    *,
    only: Sequence[str] | None = None,
    cache: ParseCache | None = None,
) -> LoadedRegistry:
    """Load the registry at ``root`` (work tree) or at revision ``rev``.

    ``only`` restricts loading to these models (and registry.yaml), which is
    what single-model reads such as ``show name@alias`` use to stay fast.
    """
    enabled = gc.isenabled()
    gc.disable()  # loading creates many objects and no cycles; GC passes cost 3x
    try:
        return _load(Path(root), rev, only, cache)
    finally:
        # The loaded registry lives as long as the command: keep the collector
        # from walking it again and again afterwards.
        gc.freeze()
        if enabled:
            gc.enable()


def _classify_all(snap: Snapshot) -> tuple[list[Problem], list[tuple[str, str, str | None, int | None]]]:
    """Problems of names and paths, and (path, kind, model, version) of every record file."""
    problems: list[Problem] = []
    bad_folders: set[str] = set()

    todo: list[tuple[str, str, str | None, int | None]] = []
    name_ok: dict[str, bool] = {}
    for path in sorted(snap.entries):
        entry = snap.entries[path]
        parts = path.split("/")
        if (
            len(parts) >= 2
            and parts[0] == MODELS_DIR
            and not name_ok.setdefault(parts[1], valid_name(parts[1]))
        ):
            if parts[1] not in bad_folders:
                bad_folders.add(parts[1])
                problems.append(
                    Problem(
                        f"{MODELS_DIR}/{printable(parts[1])}",
                        "invalid-name",
                        f"model folder name {printable(parts[1])!r} must match ^[a-z0-9][a-z0-9._-]{{0,63}}$; "
                        "its files were not loaded",
                    )
                )
            continue
        if entry.is_link:
            problems.append(
                Problem(
                    printable(path),
                    "symlink",
                    "symlinks are not allowed in the registry; commit the file itself",
                )
            )
            continue
        found = _classify(path, parts)
        if found is None:
            continue
        if isinstance(found, Problem):
            problems.append(found)
            continue
        todo.append((path, *found))

    return problems, todo


def _parsed(
    root: Path, snap: Snapshot, todo: list[tuple[str, str, str | None, int | None]], cache: ParseCache
) -> dict[str, Entry]:
    """(facts, problems) of every record file: from the cache, else parsed."""
    keys = {path: f"{kind}:{snap.entries[path].blob}" for path, kind, _, _ in todo}
    hits = cache.get_many(keys.values())
    parsed: dict[str, Entry] = {p: hits[k] for p, k in keys.items() if k in hits}
    misses = [p for p in keys if p not in parsed]
    if misses:
        kinds = {p: k for p, k, _, _ in todo}
        items = [(p, kinds[p], snap.entries[p].blob) for p in misses]
        for path, facts, record in parse_all(root, snap.commit, items):
            parsed[path] = cache.put_marshaled(keys[path], facts, record)

    return parsed


def _load(
    root: Path, rev: str | None, only: Sequence[str] | None, cache: ParseCache | None
) -> LoadedRegistry:
    paths = [REGISTRY_FILE, *(f"{MODELS_DIR}/{m}/" for m in only)] if only is not None else ROOTS
    snap = snapshot(root, rev, paths)
    cache = cache if cache is not None else cache_for(root)
    memo_key = f"{'rev' if snap.commit else 'tree'}:{snap.listing_id}" if snap.listing_id else None
    memo = cache.memo(memo_key) if memo_key else None
    if memo is not None:  # the very same listing as a previous load: skip classifying it again
        problem_rows, todo, facts = memo
        problems = [Problem(*row) for row in problem_rows]
        parsed: dict[str, Entry] = {t[0]: f for t, f in zip(todo, facts, strict=True)}
    else:
        problems, todo = _classify_all(snap)
        parsed = _parsed(root, snap, todo, cache)
        if memo_key:
            rows = [(p.path, p.rule, p.message, p.where, p.line, p.severity, p.key) for p in problems]
            cache.put_memo(memo_key, (rows, todo, [parsed[t[0]] for t in todo]))
    keys = {path: f"{kind}:{snap.entries[path].blob}" for path, kind, _, _ in todo if kind == "version"}

    def fetcher(path: str) -> Callable[[], Any]:
        def fetch() -> Any:
            record = cache.record(keys[path])
            if record is None:  # evicted or unreadable cache: parse again
                _, record = parse_file("version", snap.read(path))
            return record if record is not None else {}

        return fetch

    config, config_ok = Config(), True
    model_recs: dict[str, Model] = {}
    versions: dict[str, dict[int, Version]] = {}
    dvc: dict[str, DvcOut] = {}
    for path, kind, model, number in todo:
        data, errs = parsed[path]
        for rule, msg, line, where, at_key in errs:
            problems.append(Problem(path, rule, msg, tuple(where), line, ERROR, at_key))
        if data is None:
            if kind == "registry":
                config_ok = False
            continue
        try:
            if kind == "registry":
                config = Config.from_dict(data)
            elif kind == "model":
                assert model is not None
                model_recs[model] = Model.from_dict(model, path, data)
            elif kind == "version":
                assert model is not None and number is not None
                versions.setdefault(model, {})[number] = Version(model, number, path, data, fetcher(path))
            elif kind == "dvc":
                dvc[path] = DvcOut._make(data)
        except (ValueError, KeyError, TypeError) as exc:
            if kind == "registry":
                config_ok = False
            problems.append(Problem(path, "schema", f"cannot read record: {exc}", line=1))

    # .dvc files of records whose pointer git does not track yet.
    for name, numbered in versions.items():
        for v in numbered.values():
            dvc_path = f"{MODELS_DIR}/{name}/{v.artifact.path}.dvc"
            if dvc_path in snap.entries or not v.artifact.path.startswith("artifacts/"):
                continue
            probed = snap.probe(dvc_path)
            if probed is None or probed.is_link:
                continue
            key = f"dvc:{probed.blob}"
            hit = cache.get(key)
            if hit is None:
                hit, _ = parse_file("dvc", snap.read(dvc_path))
                cache.put(key, hit)
            facts, errs = hit
            for rule, msg, line, where, at_key in errs:
                problems.append(Problem(dvc_path, rule, msg, tuple(where), line, ERROR, at_key))
            if facts is not None:
                dvc[dvc_path] = DvcOut(*facts)

    cache.save()
    models: dict[str, RegisteredModel] = {}
    folders = {p.split("/")[1] for p, _, m, _ in todo if m is not None}
    for name in sorted(folders):
        rec = model_recs.get(name)
        if rec is None:
            path = f"{MODELS_DIR}/{name}/model.yaml"
            if path not in snap.entries:
                problems.append(
                    Problem(
                        path,
                        "missing-model-file",
                        f"model {name!r} has no model.yaml; create one (it may be empty: {{}})",
                    )
                )
            rec = Model(name, path, "", (), {}, {}, (), None, {})
        models[name] = RegisteredModel(rec, dict(sorted(versions.get(name, {}).items())))

    if not snap.entries and rev is None and not (root / MODELS_DIR).is_dir():
        problems.append(
            Problem(
                MODELS_DIR,
                "no-registry",
                f"no {MODELS_DIR}/ folder or {REGISTRY_FILE} in {root}; run this from a registry repository",
                severity=WARNING,
            )
        )
    return LoadedRegistry(root, snap.commit, config, config_ok, models, dvc, problems, snap)
