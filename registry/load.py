"""Load a registry from the work tree or from any git revision.

Loading never stops at a broken file: every file that cannot be read or
parsed becomes a Problem (the checker's rules in ``check/records``,
``check/pointer`` and ``check/files`` word them), and everything else is
loaded. Paths come from :mod:`registry.layout`, built only from names that
``valid_name`` accepts; symlinks are not followed.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from registry import git, layout
from registry.cache import Entry, ParseCache, fits
from registry.check import files
from registry.check.files import printable
from registry.errors import RegistryError
from registry.layout import MODELS_DIR, REGISTRY_FILE
from registry.parse import parse_all, parse_file
from registry.problems import ERROR, Problem
from registry.records import Config, Model, RegisteredModel, Version, valid_name
from registry.snapshot import Snapshot, snapshot

__all__ = [
    "MODELS_DIR",
    "REGISTRY_FILE",
    "DvcOut",
    "LoadedRegistry",
    "Snapshot",
    "load",
    "printable",
    "snapshot",
]


class DvcOut(NamedTuple):
    """The one output of a well-formed ``.dvc`` pointer: what DVC says the
    artifact is. ``path`` is a plain file name, the file beside the pointer.
    A pointer with any other shape has no DvcOut, only its problems."""

    md5: str
    size: int
    path: str
    nfiles: int | None = None
    """For a folder (md5 ending in ``.dir``): how many files its manifest lists."""


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
    return (folder / layout.REGISTRY_FILE).is_file() or (folder / layout.MODELS_DIR).is_dir()


def _outcome(path: str, entry: git.TreeEntry) -> tuple[Any, ...]:
    """What one listed file is, as plain data the memo can keep:
    ("x",) ignored; ("n", folder) in a badly named model folder;
    ("s", kind) not loaded, a stray for the checker; ("t", kind, model, version) a record."""
    if path == layout.KEEP_FILE:
        return ("x",)
    folder = layout.model_folder_of(path)
    if folder is not None and not valid_name(folder):
        return ("n", folder)
    if entry.is_link:
        return ("s", files.SYMLINK)
    place = layout.classify(path)
    if place is None:
        return ("x",)
    if place.kind not in layout.RECORD_KINDS:
        return ("s", str(place.kind))
    return ("t", str(place.kind), place.model, place.version if place.kind == layout.Kind.VERSION else None)


_KINDS = tuple(str(k) for k in layout.RECORD_KINDS)
_STRAYS = (files.SYMLINK, str(layout.Kind.BAD_VERSION_FILE), str(layout.Kind.UNEXPECTED))


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
    return tag == "s" and n == 2 and outcome[1] in _STRAYS


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
        elif tag == "s":
            problems.append(files.stray(outcome[1], path))
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
    problems.extend(files.bad_folder(name) for name in sorted(bad_folders))
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
    paths = layout.model_roots(only) if only is not None else list(layout.ROOTS)
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
    invalid: dict[str, set[int]] = {}
    for path, kind, model, number in todo:
        data, errs = parsed[path]
        for rule, msg, line, where, at_key in errs:
            problems.append(Problem(path, rule, msg, tuple(where), line, ERROR, at_key))
        if data is None:
            if kind == "registry":
                config_ok = False
            elif kind == "version" and model is not None and number is not None:
                invalid.setdefault(model, set()).add(number)
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
                dvc[path] = DvcOut(*data)
        except (ValueError, KeyError, TypeError) as exc:
            if kind == "registry":
                config_ok = False
            elif kind == "version" and model is not None and number is not None:
                invalid.setdefault(model, set()).add(number)
            problems.append(Problem(path, "schema", f"cannot read record: {exc}", line=1))

    # .dvc files of records whose pointer git does not track yet.
    for name, numbered in versions.items():
        for v in numbered.values():
            dvc_path = layout.pointer_file(name, v.artifact.path)
            if (
                v.is_deleted
                or dvc_path in snap.entries
                or not v.artifact.path.startswith(layout.ARTIFACTS + "/")
            ):
                continue
            probed = snap.probe(dvc_path)
            if probed is None:
                continue
            if probed.is_link:
                problems.append(files.stray(files.SYMLINK, dvc_path))
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
    folders = {m for _, _, m, _ in todo if m is not None}
    for name in sorted(folders):
        rec = model_recs.get(name)
        if rec is None:
            path = layout.model_file(name)
            if path not in snap.entries:
                problems.append(files.missing_model_file(name))
            rec = Model(name, path, "", (), {}, {}, (), None, {})
        numbered = dict(sorted(versions.get(name, {}).items()))
        models[name] = RegisteredModel(rec, numbered, frozenset(invalid.get(name, ())))

    if not snap.entries and rev is None and not (root / layout.MODELS_DIR).is_dir():
        problems.append(files.no_registry(root))
    return LoadedRegistry(root, snap.commit, config, config_ok, models, dvc, problems, snap)
