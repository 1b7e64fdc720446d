"""Load a registry from the work tree or from any git revision.

Loading never stops at a broken file: every file that cannot be read,
parsed or validated becomes a Problem, and everything else is loaded.
Paths are built only from names that matched ``NAME_RE`` and version file
names that matched ``VERSION_FILE_RE``; symlinks are refused.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry import git, schemas, yamlsafe
from registry.cache import Entry, ParseCache
from registry.errors import RegistryError
from registry.problems import ERROR, WARNING, Problem
from registry.records import (
    VERSION_FILE_RE,
    Config,
    Model,
    RegisteredModel,
    Version,
    valid_name,
)

REGISTRY_FILE = "registry.yaml"
MODELS_DIR = "models"
_ROOTS = [REGISTRY_FILE, MODELS_DIR]


@dataclass(frozen=True)
class DvcOut:
    """The first output of a ``.dvc`` file: what DVC says the artifact is."""

    md5: str | None
    size: int | None
    path: str | None


@dataclass
class Snapshot:
    """The registry's files at one point: the work tree or a commit."""

    root: Path
    commit: str | None
    entries: dict[str, git.TreeEntry]
    _read: Callable[[list[str]], dict[str, bytes]] = field(repr=False)

    def read(self, path: str) -> bytes:
        return self._read([path])[path]

    def read_many(self, paths: list[str]) -> dict[str, bytes]:
        return self._read(paths) if paths else {}


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


# -- snapshots ---------------------------------------------------------------


def _worktree_snapshot(root: Path) -> Snapshot:
    def read_disk(paths: list[str]) -> dict[str, bytes]:
        out = {}
        for p in paths:
            with open(root / p, "rb") as fh:
                out[p] = fh.read(yamlsafe.MAX_BYTES + 1)
        return out

    entries: dict[str, git.TreeEntry] = {}
    top = git.toplevel(root)
    if top is not None and top.resolve() == root.resolve():
        for e in git.ls_files(root, _ROOTS):
            entries[e.path] = e
        changed, deleted = git.changed_in_worktree(root, _ROOTS)
        for p in deleted:
            entries.pop(p, None)
        todo = changed - deleted
    else:
        todo = set()
        if (root / REGISTRY_FILE).exists() or (root / REGISTRY_FILE).is_symlink():
            todo.add(REGISTRY_FILE)
        for dirpath, dirnames, filenames in os.walk(root / MODELS_DIR):
            rel = Path(dirpath).relative_to(root).as_posix()
            for name in filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
                todo.add(f"{rel}/{name}")
    for p in todo:
        try:
            st = os.lstat(root / p)
        except FileNotFoundError:
            entries.pop(p, None)
            continue
        if stat.S_ISLNK(st.st_mode):
            entries[p] = git.TreeEntry(p, "120000", "")
        elif stat.S_ISREG(st.st_mode):
            if p.endswith((".yaml", ".yml", ".dvc")):
                entries[p] = git.TreeEntry(p, "100644", git.blob_id(read_disk([p])[p]))
            else:
                entries[p] = git.TreeEntry(p, "100644", "")
    return Snapshot(root, None, entries, read_disk)


def _revision_snapshot(root: Path, rev: str) -> Snapshot:
    commit = git.rev_parse(root, rev)
    entries = {e.path: e for e in git.ls_tree(root, commit, _ROOTS)}
    by_blob = {e.path: e.blob for e in entries.values()}

    def read_git(paths: list[str]) -> dict[str, bytes]:
        with git.CatFile(root) as cat:
            blobs = cat.read_many(sorted({by_blob[p] for p in paths}))
        return {p: blobs[by_blob[p]] for p in paths}

    return Snapshot(root, commit, entries, read_git)


def snapshot(root: Path, rev: str | None = None) -> Snapshot:
    if rev is None:
        return _worktree_snapshot(root)
    top = git.toplevel(root)
    if top is None:
        raise RegistryError(f"{root} is not a git repository, so --rev {rev} cannot be read")
    return _revision_snapshot(root, rev)


# -- parsing ---------------------------------------------------------------


def _parse(kind: str, data: bytes) -> Entry:
    try:
        doc = yamlsafe.load(data)
    except yamlsafe.YamlError as exc:
        return None, [(exc.rule, exc.message, exc.line, (), False)]
    if kind == "dvc":
        return _parse_dvc(doc)
    if doc is None:
        doc = {}
    found = schemas.errors(kind, doc)
    if found:
        return None, [("schema", msg, None, where, at_key) for where, msg, at_key in found]
    return doc, []


def _parse_dvc(doc: Any) -> Entry:
    outs = doc.get("outs") if isinstance(doc, dict) else None
    if not isinstance(outs, list) or not outs or not isinstance(outs[0], dict):
        return None, [("artifact-dvc", "not a DVC file: no 'outs' entry", None, (), False)]
    out = outs[0]
    md5, size, path = out.get("md5"), out.get("size"), out.get("path")
    return {
        "md5": md5 if isinstance(md5, str) else None,
        "size": size if isinstance(size, int) and not isinstance(size, bool) else None,
        "path": path if isinstance(path, str) else None,
    }, []


def printable(path: str) -> str:
    """A path safe to print: undecodable bytes and control characters escaped."""
    raw = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in raw)


def _classify(path: str) -> tuple[str, str | None, int | None] | Problem | None:
    """(kind, model, version) for a registry file; a Problem; or None to ignore."""
    if path == REGISTRY_FILE:
        return "registry", None, None
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != MODELS_DIR:
        return None
    model = parts[1]
    rest = parts[2:]
    if rest == ["model.yaml"]:
        return "model", model, None
    if len(rest) == 2 and rest[0] == "versions":
        match = VERSION_FILE_RE.match(rest[1])
        if match is None:
            return Problem(
                printable(path),
                "invalid-version-file",
                f"version files are named <N>.yaml with N = 1, 2, 3 ... (no leading zeros); "
                f"rename or remove {printable(rest[1])!r}",
                line=1,
            )
        return "version", model, int(match.group(1))
    if rest[0] == "versions":
        return Problem(printable(path), "unexpected-file", "versions/ holds only <N>.yaml files", line=1)
    if len(rest) == 3 and rest[0] == "artifacts" and rest[2].endswith(".dvc"):
        return "dvc", model, None
    return None


def _cache_for(root: Path) -> ParseCache:
    if os.environ.get("REGISTRY_NO_CACHE"):
        return ParseCache(None)
    try:
        where = git.common_dir(root) / "registry-cache" / "parse.marshal"
    except RegistryError:
        return ParseCache(None)
    return ParseCache(where)


def load(root: Path | str, rev: str | None = None, *, cache: ParseCache | None = None) -> LoadedRegistry:
    """Load the registry at ``root`` (work tree) or at revision ``rev``."""
    root = Path(root)
    snap = snapshot(root, rev)
    cache = cache if cache is not None else _cache_for(root)
    problems: list[Problem] = []
    bad_folders: set[str] = set()

    # Classify every file; collect what must be parsed.
    todo: list[tuple[str, str, str | None, int | None]] = []
    for path in sorted(snap.entries):
        entry = snap.entries[path]
        parts = path.split("/")
        if len(parts) >= 2 and parts[0] == MODELS_DIR and not valid_name(parts[1]):
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
        found = _classify(path)
        if found is None:
            continue
        if isinstance(found, Problem):
            problems.append(found)
            continue
        todo.append((path, *found))

    parsed: dict[str, Entry] = {}
    misses = []
    for path, kind, _, _ in todo:
        hit = cache.get(f"{kind}:{snap.entries[path].blob}")
        if hit is None:
            misses.append(path)
        else:
            parsed[path] = hit
    if misses:
        kinds = {p: k for p, k, _, _ in todo}
        for path, data in snap.read_many(misses).items():
            value = _parse(kinds[path], data)
            cache.put(f"{kinds[path]}:{snap.entries[path].blob}", value)
            parsed[path] = value
        cache.save()

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
                versions.setdefault(model, {})[number] = Version.from_dict(model, number, path, data)
            elif kind == "dvc":
                dvc[path] = DvcOut(data["md5"], data["size"], data["path"])
        except (ValueError, KeyError, TypeError) as exc:
            if kind == "registry":
                config_ok = False
            problems.append(Problem(path, "schema", f"cannot read record: {exc}", line=1))

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
