"""One model's records, kept between MLflow's calls while their files are unchanged.

MLflow calls ``get_registered_model`` before almost every write and the UI
polls it; loading a model's folder each time costs git processes and YAML
parsing. A model's entities come only from ``registry.yaml`` and its records
(``model.yaml``, ``versions/*.yaml``; not the artifacts' pointers), so a model loaded once is kept with the
stat of each of those files (inode, size, mtime, ctime, mode) and handed out
again while a fresh stat of the same files says the same: some thirty
``lstat`` calls instead of a load. A search over every model keeps the
whole loaded registry the same way (:func:`stamp_all`: every model folder's
records' stat, some 25,000 ``lstat`` calls for 20,000 versions, against a
load and a fetch of each record).

A file changed twice within the clock's tick keeps its mtime, so a stat
too close to now proves nothing (git's "racy" rule): a load whose files
were touched less than :data:`RACY_NS` before it is not kept.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections import OrderedDict
from pathlib import Path

from registry import layout
from registry.records import Config, RegisteredModel

RACY_NS = 2_000_000_000
"""A file younger than this (2 s: the coarsest clock of a common file system) is not trusted by its stat."""
KEPT = 4096
"""How many models are kept, the least recently used going first."""

Stamp = tuple[tuple[str, int, int, int, int, int], ...]


class _Racy(Exception):
    pass


def _entry(name: str, st: os.stat_result, now: int) -> tuple[str, int, int, int, int, int]:
    if now - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS:
        raise _Racy
    return (name, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode)


def _listing(folder: str, now: int, out: list[tuple[str, int, int, int, int, int]], depth: int) -> None:
    """Each entry of ``folder`` (and, ``depth`` levels down, of its folders), by lstat."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        out.append((folder, 0, 0, 0, 0, 0))
        return
    for e in entries:
        st = e.stat(follow_symlinks=False)
        out.append(_entry(e.path, st, now))
        if depth and stat.S_ISDIR(st.st_mode):
            _listing(e.path, now, out, depth - 1)


def _one(path: str, now: int, out: list[tuple[str, int, int, int, int, int]]) -> None:
    try:
        out.append(_entry(path, os.lstat(path), now))
    except FileNotFoundError:
        out.append((path, 0, 0, 0, 0, 0))


def _model(top: str, model: str, now: int, out: list[tuple[str, int, int, int, int, int]]) -> None:
    base = os.path.join(top, layout.model_dir(model))
    _one(base, now, out)
    _listing(base, now, out, 0)
    _listing(os.path.join(top, layout.versions_dir(model)), now, out, 0)


def stamp(root: Path, model: str) -> Stamp | None:
    """What the files of ``model``'s entities look like now; None when one is too new to vouch for."""
    now = time.time_ns()
    out: list[tuple[str, int, int, int, int, int]] = []
    top = str(root)
    try:
        _one(os.path.join(top, layout.REGISTRY_FILE), now, out)
        _model(top, model, now, out)
    except _Racy:
        return None
    return tuple(out)


def stamp_all(root: Path) -> Stamp | None:
    """:func:`stamp` of every model folder at once (and of ``models/`` itself)."""
    now = time.time_ns()
    out: list[tuple[str, int, int, int, int, int]] = []
    top = str(root)
    models = os.path.join(top, layout.MODELS_DIR)
    try:
        _one(os.path.join(top, layout.REGISTRY_FILE), now, out)
        _one(models, now, out)
        try:
            names = sorted(os.listdir(models))
        except (FileNotFoundError, NotADirectoryError):
            names = []
        for name in names:
            _model(top, name, now, out)
    except _Racy:
        return None
    return tuple(out)


class Memo:
    """Loaded models by name, each with the :func:`stamp` taken before it was loaded."""

    def __init__(self) -> None:
        self._kept: OrderedDict[str, tuple[Stamp, Config, RegisteredModel]] = OrderedDict()
        self._guard = threading.Lock()

    def get(self, name: str, now: Stamp | None) -> tuple[Config, RegisteredModel] | None:
        if now is None:
            return None
        with self._guard:
            found = self._kept.get(name)
            if found is None or found[0] != now:
                return None
            self._kept.move_to_end(name)
            return found[1], found[2]

    def keep(self, name: str, before: Stamp | None, config: Config, rm: RegisteredModel) -> None:
        """Keep a load of ``name`` whose files looked like ``before`` when it started."""
        if before is None:
            return
        with self._guard:
            self._kept[name] = (before, config, rm)
            self._kept.move_to_end(name)
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)
