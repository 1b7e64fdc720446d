"""Parsing one file into what the loader keeps: facts, problems, the whole record.

Many files are read and parsed on every core (a cold cache of a large
registry); each result is marshalled, ready for the parse cache.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any

from registry.cache import Entry
from registry.check import pointer, records
from registry.snapshot import read_files

_PARALLEL_FROM = 2_000


def parse_file(kind: str, data: bytes) -> tuple[Entry, Any]:
    """(facts, problems) of one file, and the whole record (versions only).
    What a file must hold is the checker's: ``check.pointer`` for ``.dvc``
    files, ``check.records`` for records."""
    if kind == "dvc":
        return pointer.read(data), None
    from registry import yamlsafe  # not needed when everything is cached

    try:
        doc = yamlsafe.load(data)
    except yamlsafe.YamlError as exc:
        return (None, [(exc.rule, exc.message, exc.line, (), False)]), None
    return records.read(kind, doc)


def out_of_domain(node: Any, path: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    """The path of the first number outside the registry's domain (NaN,
    infinity, an integer beyond ``limits.MAX_INT``) in a document built in
    Python, if any: the rule the loader applies to YAML (``yamlsafe.number_problem``)."""
    from registry.yamlsafe import number_problem

    if isinstance(node, (int, float)):
        return None if number_problem(node) is None else path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        found = out_of_domain(value, (*path, key))
        if found is not None:
            return found
    return None


non_finite = out_of_domain  # the name the write path uses


Job = tuple[Path, str | None, list[tuple[str, str, str]]]


def _parse_batch(job: Job) -> list[tuple[str, bytes, bytes | None]]:
    """Read and parse (path, kind, blob) files; results marshalled, ready for
    the cache and cheap to send between processes."""
    root, commit, batch = job
    contents = read_files(root, commit, [(path, blob) for path, _, blob in batch])
    out = []
    for path, kind, _ in batch:
        entry, record = parse_file(kind, contents[path])
        out.append((path, marshal.dumps(entry), None if record is None else marshal.dumps(record)))
    return out


def parse_all(
    root: Path, commit: str | None, items: list[tuple[str, str, str]]
) -> list[tuple[str, bytes, bytes | None]]:
    """Read and parse many files, on every core when there are enough to pay
    for the processes (a cold cache of a large registry: ~0.3 ms a record)."""
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(items) < _PARALLEL_FROM or os.environ.get("REGISTRY_NO_PARALLEL"):
        return _parse_batch((root, commit, items))
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from registry import schemas

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
