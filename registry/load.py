"""Load a registry from the work tree or from any git revision.

Loading never stops at a broken file: every file that cannot be read,
parsed or validated becomes a Problem, and everything else is loaded.
Paths are built only from names that ``valid_name`` accepts and version file
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
from registry.cache import Entry, ParseCache, fits
from registry.errors import RegistryError
from registry.layout import VERSION_FILE_RE
from registry.parse import parse_all, parse_file
from registry.problems import ERROR, WARNING, Problem
from registry.records import (
    Config,
    Model,
    RegisteredModel,
    Version,
    name_problem,
    valid_name,
)
from registry.snapshot import MODELS_DIR, REGISTRY_FILE, ROOTS, Snapshot, snapshot

__all__ = ["MODELS_DIR", "REGISTRY_FILE", "DvcOut", "LoadedRegistry", "Snapshot", "load", "snapshot"]


class DvcOut(NamedTuple):
    """The one output of a well-formed ``.dvc`` pointer: what DVC says the
    artifact is. ``path`` is a plain file name, the file beside the pointer.
    A pointer with any other shape has no DvcOut, only its problems."""

    md5: str
    size: int
    path: str


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


Todo = list[tuple[str, str, str | None, int | None]]
_MEMO_SLACK = 200


def is_registry(folder: Path) -> bool:
    """Whether ``folder`` holds a registry: a registry.yaml or a models/ folder."""
    return (folder / REGISTRY_FILE).is_file() or (folder / MODELS_DIR).is_dir()


def _outcome(path: str, entry: git.TreeEntry) -> tuple[Any, ...]:
    """What one listed file is, as plain data the memo can keep:
    ("x",) ignored; ("n", folder) in a badly named model folder;
    ("p", problem fields) refused; ("t", kind, model, version) a record."""
    parts = path.split("/")
    if parts == [MODELS_DIR, ".gitkeep"]:  # what keeps an empty models/ in git (`registry init`)
        return ("x",)
    if len(parts) >= 2 and parts[0] == MODELS_DIR and not valid_name(parts[1]):
        return ("n", parts[1])
    if entry.is_link:
        msg = "symlinks are not allowed in the registry; commit the file itself"
        return ("p", (printable(path), "symlink", msg, (), None, ERROR, False))
    found = _classify(path, parts)
    if found is None:
        return ("x",)
    if isinstance(found, Problem):
        return (
            "p",
            (found.path, found.rule, found.message, found.where, found.line, found.severity, found.key),
        )
    return ("t", *found)


_KINDS = ("registry", "model", "version", "dvc")


def _fits(outcome: Any) -> bool:
    """Whether a remembered outcome (see :func:`_outcome`) has the shape this loader uses."""
    if type(outcome) is not tuple or not outcome:
        return False
    tag, n = outcome[0], len(outcome)
    if tag == "t":
        kind = outcome[1] if n in (4, 5) else None
        return (
            kind in _KINDS
            and (outcome[2] is None or type(outcome[2]) is str)
            and (outcome[3] is None or type(outcome[3]) is int)
            and (n == 4 or fits(kind, outcome[4]))
        )
    if tag == "x":
        return n == 1
    if tag == "n":
        return n == 2 and type(outcome[1]) is str
    return tag == "p" and n == 2 and type(outcome[1]) is tuple and len(outcome[1]) == 7


def _classify_and_parse(
    root: Path, snap: Snapshot, cache: ParseCache, memo_key: str | None
) -> tuple[list[Problem], Todo, dict[str, Entry]]:
    """Problems of names and paths, (path, kind, model, version) of every
    record file, and each record's (facts, problems).

    The outcome of every path is remembered with its blob id, per kind of
    listing; the next load reuses it for every file whose blob is the same,
    so a one-record change classifies and parses one file."""
    memo: dict[str, Any] = (cache.memo(memo_key) if memo_key else None) or {}
    misfit = False  # a remembered outcome the loader cannot use: the memo is rewritten
    new_memo: dict[str, Any] = {}
    todo: Todo = []
    parsed: dict[str, Entry] = {}
    need: dict[str, tuple[str, str, str | None, int | None]] = {}
    problems: list[Problem] = []
    bad_folders: set[str] = set()
    for path, entry in snap.entries.items():
        seen = memo.get(path)
        if seen is not None and not (type(seen) is tuple and len(seen) == 3 and _fits(seen[2])):
            misfit, seen = True, None
        if seen is not None and entry.blob and seen[0] == entry.blob and seen[1] == entry.mode:
            outcome = seen[2]
        else:
            outcome = _outcome(path, entry)
            if outcome[0] == "t":
                need[path] = (path, *outcome[1:])
        new_memo[path] = (entry.blob, entry.mode, outcome)
        tag = outcome[0]
        if tag == "t":
            if len(outcome) == 5:
                parsed[path] = outcome[4]
                todo.append((path, outcome[1], outcome[2], outcome[3]))
        elif tag == "n":
            bad_folders.add(outcome[1])
        elif tag == "p":
            problems.append(Problem(*outcome[1]))
    if need:
        keys = {path: f"{t[1]}:{snap.entries[path].blob}" for path, t in need.items()}
        hits = cache.get_many(keys.values())
        misses = [p for p, k in keys.items() if k not in hits]
        fresh = {p: hits[k] for p, k in keys.items() if k in hits}
        if misses:
            items = [(p, need[p][1], snap.entries[p].blob) for p in misses]
            for path, facts, record in parse_all(root, snap.commit, items):
                fresh[path] = cache.put_marshaled(keys[path], facts, record)
        for path, (_, kind, model, number) in need.items():
            parsed[path] = fresh[path]
            todo.append((path, kind, model, number))
            entry = snap.entries[path]
            new_memo[path] = (entry.blob, entry.mode, ("t", kind, model, number, fresh[path]))
    for name in sorted(bad_folders):
        problems.append(
            Problem(
                f"{MODELS_DIR}/{printable(name)}",
                "invalid-name",
                f"model folder name {printable(name)!r} {name_problem(name)}; its files were not loaded",
            )
        )
    if misfit and memo_key:
        cache.reject_memo(memo_key)
    # Rewriting the memo costs more than classifying a few files again next time.
    stale = len(need) > _MEMO_SLACK or len(new_memo) + _MEMO_SLACK < len(memo)
    if memo_key and (stale or not memo or misfit):
        cache.put_memo(memo_key, new_memo)
    todo.sort()
    return problems, todo, parsed


def _load(
    root: Path, rev: str | None, only: Sequence[str] | None, cache: ParseCache | None
) -> LoadedRegistry:
    paths = [REGISTRY_FILE, *(f"{MODELS_DIR}/{m}/" for m in only)] if only is not None else ROOTS
    snap = snapshot(root, rev, paths)
    cache = cache if cache is not None else cache_for(root)
    # One memo for the whole work tree, one for whole revisions (single models are small).
    memo_key = f"{'rev' if snap.commit else 'tree'}:whole" if snap.listing_id and only is None else None
    problems, todo, parsed = _classify_and_parse(root, snap, cache, memo_key)
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
            if probed is None:
                continue
            if probed.is_link:
                msg = "symlinks are not allowed in the registry; commit the file itself"
                problems.append(Problem(dvc_path, "symlink", msg, line=1))
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
