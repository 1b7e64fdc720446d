"""Load a registry from the work tree or from any git revision.

Loading never stops at a broken file: every file that cannot be read,
parsed or validated becomes a Problem, and everything else is loaded.
Paths are built only from names that matched ``NAME_RE`` and version file
names that matched ``VERSION_FILE_RE``; symlinks are refused.
"""

from __future__ import annotations

import gc
import marshal
import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

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
    parse_time,
    valid_name,
    version_facts,
)

REGISTRY_FILE = "registry.yaml"
MODELS_DIR = "models"
_ROOTS = [REGISTRY_FILE, MODELS_DIR]


class DvcOut(NamedTuple):
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
    dirty: set[str] = field(default_factory=set)
    """Work tree only: paths that differ from the index (changed, new or deleted)."""

    def read(self, path: str) -> bytes:
        return self.read_many([path])[path]

    def read_many(self, paths: list[str]) -> dict[str, bytes]:
        missing = [p for p in paths if p not in self.entries]
        if missing:
            raise FileNotFoundError(missing[0])
        return read_files(self.root, self.commit, [(p, self.entries[p].blob) for p in paths])

    def probe(self, path: str) -> git.TreeEntry | None:
        """An untracked work-tree file the scan did not list (a new ``.dvc``)."""
        if self.commit is not None or path in self.entries:
            return self.entries.get(path)
        full = self.root / path
        if not _no_links_above(self.root, path, {}):
            return None
        if os.path.islink(full):
            entry = git.TreeEntry(path, "120000", "")
        elif os.path.isfile(full):
            entry = git.TreeEntry(
                path, "100644", git.blob_id(read_files(self.root, None, [(path, "")])[path])
            )
        else:
            return None
        self.entries[path] = entry
        self.dirty.add(path)
        return entry


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


def _no_links_above(root: Path, rel: str, known: dict[str, bool]) -> bool:
    """True when no folder between ``root`` and ``rel`` is a symlink, so
    reading ``rel`` cannot leave the repository. ``known`` memoises folders."""
    parts = rel.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        folder = "/".join(parts[:i])
        ok = known.get(folder)
        if ok is None:
            ok = known[folder] = not os.path.islink(root / folder)
        if not ok:
            return False
    return True


def read_files(root: Path, commit: str | None, files: list[tuple[str, str]]) -> dict[str, bytes]:
    """Bytes of (path, blob id) pairs: from git objects at a commit, else from
    the work tree, never through a symlink and never more than the size limit."""
    if not files:
        return {}
    if commit is not None:
        with git.CatFile(root) as cat:
            blobs = cat.read_many(sorted({blob for _, blob in files}))
        return {p: blobs[blob] for p, blob in files}
    out = {}
    checked: dict[str, bool] = {}
    for p, _ in files:
        if not _no_links_above(root, p, checked):
            raise RegistryError(f"{p}: a folder on its path is a symlink; refusing to read through it")
        fd = os.open(root / p, os.O_RDONLY | os.O_NOFOLLOW)
        try:
            chunks = []
            size = 0
            while size <= yamlsafe.MAX_BYTES:
                chunk = os.read(fd, yamlsafe.MAX_BYTES + 1 - size)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(fd)
        out[p] = b"".join(chunks)
    return out


def _worktree_snapshot(root: Path, paths: list[str]) -> Snapshot:
    checked: dict[str, bool] = {}

    entries: dict[str, git.TreeEntry] = {}
    top = git.toplevel(root)
    if top is not None and top.resolve() == root.resolve():
        entries, changed, deleted = git.worktree_index(root, paths, keep=_maybe_record)
        for p in deleted:
            entries.pop(p, None)
        todo = (changed - deleted) | _untracked(root, paths, entries)
        dirty = todo | deleted
    else:
        todo = set()
        dirty = set()
        if (root / REGISTRY_FILE).exists() or (root / REGISTRY_FILE).is_symlink():
            todo.add(REGISTRY_FILE)
        for folder in paths[1:]:
            for dirpath, dirnames, filenames in os.walk(root / folder):
                rel = Path(dirpath).relative_to(root).as_posix()
                for name in filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
                    todo.add(f"{rel}/{name}")
    for p in todo:
        try:
            if not _no_links_above(root, p, checked):
                raise FileNotFoundError(p)  # behind a symlinked folder: not part of the registry
            st = os.lstat(root / p)
        except FileNotFoundError:
            entries.pop(p, None)
            continue
        if stat.S_ISLNK(st.st_mode):
            entries[p] = git.TreeEntry(p, "120000", "")
        elif stat.S_ISREG(st.st_mode):
            if p.endswith((".yaml", ".yml", ".dvc")):
                data = read_files(root, None, [(p, "")])[p]
                entries[p] = git.TreeEntry(p, "100644", git.blob_id(data))
            else:
                entries[p] = git.TreeEntry(p, "100644", "")
    return Snapshot(root, None, entries, dirty)


def _maybe_record(path: str) -> bool:
    """Cheap pre-filter of listings: drops what the loader would ignore anyway
    (artifact folders' .gitignore files, READMEs beside records...)."""
    return path.endswith((".yaml", ".yml", ".dvc")) or path.count("/") <= 1 or "/versions/" in path


def _untracked(root: Path, paths: list[str], tracked: dict[str, git.TreeEntry]) -> set[str]:
    """Files git does not track yet where records live: registry.yaml,
    models/<m>/*, models/<m>/versions/*, and every file of a model folder
    git does not know at all. A cheap scan of ~2 folders per model, instead
    of git's scan of every artifact folder; untracked ``.dvc`` files inside
    known models are found by ``probe`` when a record points at them."""
    found: set[str] = set()
    if REGISTRY_FILE not in tracked and os.path.lexists(root / REGISTRY_FILE):
        found.add(REGISTRY_FILE)
    known = {p.split("/", 2)[1] for p in tracked if p.startswith("models/")}
    folders = [p.strip("/").split("/")[1] for p in paths[1:] if "/" in p.strip("/")]
    if paths[1:] == [MODELS_DIR]:
        try:
            folders = [e.name for e in os.scandir(root / MODELS_DIR)]
        except (FileNotFoundError, NotADirectoryError):
            folders = []
    for name in folders:
        base = f"{MODELS_DIR}/{name}"
        if name not in known:
            if os.path.islink(root / base) or not os.path.isdir(root / base):
                if os.path.lexists(root / base):
                    found.add(base)
                continue
            for dirpath, dirnames, filenames in os.walk(root / base):
                rel = Path(dirpath).relative_to(root).as_posix()
                links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
                found.update(f"{rel}/{f}" for f in filenames + links)
            continue
        for sub in (base, f"{base}/versions"):
            if os.path.islink(root / sub):
                found.add(sub)  # reported as a symlink; never read through
                continue
            try:
                with os.scandir(root / sub) as it:
                    for e in it:
                        rel = f"{sub}/{e.name}"
                        if e.is_dir(follow_symlinks=False):
                            if sub.endswith("/versions"):  # nothing belongs here: report what is inside
                                for dirpath, _, filenames in os.walk(e.path):
                                    rel_dir = Path(dirpath).relative_to(root).as_posix()
                                    found.update(f"{rel_dir}/{f}" for f in filenames)
                        elif rel not in tracked:
                            found.add(rel)
            except (FileNotFoundError, NotADirectoryError):
                pass
    return found


def _revision_snapshot(root: Path, rev: str, paths: list[str]) -> Snapshot:
    commit = git.rev_parse(root, rev)
    return Snapshot(root, commit, git.ls_tree(root, commit, paths, keep=_maybe_record))


def snapshot(root: Path, rev: str | None = None, paths: list[str] | None = None) -> Snapshot:
    paths = paths if paths is not None else _ROOTS
    if rev is None:
        return _worktree_snapshot(root, paths)
    top = git.toplevel(root)
    if top is None:
        raise RegistryError(f"{root} is not a git repository, so --rev {rev} cannot be read")
    return _revision_snapshot(root, rev, paths)


# -- parsing ---------------------------------------------------------------


_PARALLEL_FROM = 2_000
_DVC_FAST = re.compile(
    r"\Aouts:\n- md5: ([0-9a-f]{32})\n  size: ([0-9]{1,15})\n  hash: md5\n  path: ([A-Za-z0-9_][A-Za-z0-9._-]*)\n\Z"
)


def _parse(kind: str, data: bytes) -> tuple[Entry, Any]:
    """(facts, problems) of one file, and the whole record (versions only)."""
    if kind == "dvc":
        fast = _DVC_FAST.match(data.decode("utf-8", "replace")) if len(data) < 512 else None
        if fast:  # the exact format DVC writes: skip the YAML parser
            return ((fast.group(1), int(fast.group(2)), fast.group(3)), []), None
    try:
        doc = yamlsafe.load(data)
    except yamlsafe.YamlError as exc:
        return (None, [(exc.rule, exc.message, exc.line, (), False)]), None
    if kind == "dvc":
        return _parse_dvc(doc), None
    if doc is None:
        doc = {}
    found = schemas.errors(kind, doc)
    if found:
        return (None, [("schema", msg, None, where, at_key) for where, msg, at_key in found]), None
    try:
        if kind == "version":
            parse_time(doc["created_at"])
            return (version_facts(doc), []), doc
        Config.from_dict(doc) if kind == "registry" else Model.from_dict("x", "x", doc)
    except ValueError as exc:
        return (None, [("schema", f"cannot read record: {exc}", None, ("created_at",), False)]), None
    return (doc, []), None


Job = tuple[Path, str | None, list[tuple[str, str, str]]]


def _parse_batch(job: Job) -> list[tuple[str, bytes, bytes | None]]:
    """Read and parse (path, kind, blob) files; results marshalled, ready for
    the cache and cheap to send between processes."""
    root, commit, batch = job
    contents = read_files(root, commit, [(path, blob) for path, _, blob in batch])
    out = []
    for path, kind, _ in batch:
        entry, record = _parse(kind, contents[path])
        out.append((path, marshal.dumps(entry), None if record is None else marshal.dumps(record)))
    return out


def _parse_all(
    root: Path, commit: str | None, items: list[tuple[str, str, str]]
) -> list[tuple[str, bytes, bytes | None]]:
    """Read and parse many files, on every core when there are enough to pay
    for the processes (a cold cache of a large registry: ~0.3 ms a record)."""
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(items) < _PARALLEL_FROM or os.environ.get("REGISTRY_NO_PARALLEL"):
        return _parse_batch((root, commit, items))
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    for kind in {kind for _, kind, _ in items} - {"dvc"}:
        schemas.compiled(kind)  # once here, not once in every worker
    size = max(200, len(items) // (workers * 4))
    jobs: list[Job] = [(root, commit, items[i : i + size]) for i in range(0, len(items), size)]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            return [row for rows in pool.map(_parse_batch, jobs) for row in rows]
    except (OSError, ValueError, RuntimeError):  # no fork, no semaphores...: one process
        return _parse_batch((root, commit, items))


def _parse_dvc(doc: Any) -> Entry:
    outs = doc.get("outs") if isinstance(doc, dict) else None
    if not isinstance(outs, list) or not outs or not isinstance(outs[0], dict):
        return None, [("artifact-dvc", "not a DVC file: no 'outs' entry", None, (), False)]
    out = outs[0]
    md5, size, path = out.get("md5"), out.get("size"), out.get("path")
    return (
        md5 if isinstance(md5, str) else None,
        size if isinstance(size, int) and not isinstance(size, bool) else None,
        path if isinstance(path, str) else None,
    ), []


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


def _load(
    root: Path, rev: str | None, only: Sequence[str] | None, cache: ParseCache | None
) -> LoadedRegistry:
    paths = [REGISTRY_FILE, *(f"{MODELS_DIR}/{m}/" for m in only)] if only is not None else _ROOTS
    snap = snapshot(root, rev, paths)
    cache = cache if cache is not None else cache_for(root)
    problems: list[Problem] = []
    bad_folders: set[str] = set()

    # Classify every file; collect what must be parsed.
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

    keys = {path: f"{kind}:{snap.entries[path].blob}" for path, kind, _, _ in todo}
    hits = cache.get_many(keys.values())
    parsed: dict[str, Entry] = {p: hits[k] for p, k in keys.items() if k in hits}
    misses = [p for p in keys if p not in parsed]
    if misses:
        kinds = {p: k for p, k, _, _ in todo}
        items = [(p, kinds[p], snap.entries[p].blob) for p in misses]
        for path, facts, record in _parse_all(root, snap.commit, items):
            parsed[path] = cache.put_marshaled(keys[path], facts, record)

    def fetcher(path: str) -> Callable[[], Any]:
        def fetch() -> Any:
            record = cache.record(keys[path])
            if record is None:  # evicted or unreadable cache: parse again
                _, record = _parse("version", snap.read(path))
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
                hit, _ = _parse("dvc", snap.read(dvc_path))
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
