"""Parsing one file into what the loader keeps: facts, problems, the whole record.

Many files are read and parsed on every core (a cold cache of a large
registry); each result is marshalled, ready for the parse cache.
"""

from __future__ import annotations

import marshal
import os
import re
from pathlib import Path
from typing import Any

from registry.cache import Entry, ProblemTuple
from registry.records import Config, Model, TimeRangeError, record_time, version_facts
from registry.snapshot import read_files

_PARALLEL_FROM = 2_000
_DVC_FAST = re.compile(
    r"\Aouts:\n- md5: ([0-9a-f]{32})\n  size: ([0-9]{1,15})\n  hash: md5\n  path: ([A-Za-z0-9_][A-Za-z0-9._-]*)\n\Z"
)


def parse_file(kind: str, data: bytes) -> tuple[Entry, Any]:
    """(facts, problems) of one file, and the whole record (versions only)."""
    from registry import schemas, yamlsafe  # not needed when everything is cached

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
            record_time(doc["created_at"])
            return (version_facts(doc), []), doc
        Config.from_dict(doc) if kind == "registry" else Model.from_dict("x", "x", doc)
    except TimeRangeError as exc:
        return (None, [("time-range", f"created_at: {exc}", None, ("created_at",), False)]), None
    except ValueError as exc:
        where = ("created_at",) if kind == "version" else ()
        return (None, [("schema", f"cannot read record: {exc}", None, where, False)]), None
    return (doc, []), None


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


_POINTER_KEYS = ("md5", "size", "hash", "path")
_MD5 = re.compile(r"\A[0-9a-f]{32}(\.dir)?\Z")


def _parse_dvc(doc: Any) -> Entry:
    """(md5, size, path) of a ``.dvc`` pointer, or its problems: a registry
    pointer is what ``dvc add`` writes for one file or folder, nothing more,
    so a second output, a pipeline stage (``cmd``, ``deps``) or an output
    path that leaves its folder can never reach DVC."""
    found: list[ProblemTuple] = []

    def bad(message: str, where: tuple[str | int, ...] = (), key: bool = False) -> None:
        found.append(("artifact-dvc", message, None, where, key))

    if not isinstance(doc, dict) or "outs" not in doc:
        bad("not a DVC pointer: no 'outs' entry; track the artifact with `dvc add`")
        return None, found
    for key in doc:
        if key != "outs":
            bad(
                f"unexpected key {str(key)!r}: an artifact pointer holds only 'outs', as `dvc add` writes it "
                "(a pipeline stage cannot be an artifact)",
                (key,) if isinstance(key, str) else (),
                key=True,
            )
    outs = doc["outs"]
    if not isinstance(outs, list) or len(outs) != 1:
        count = f"{len(outs)} outputs" if isinstance(outs, list) else "no list of outputs"
        where: tuple[str | int, ...] = ("outs", 1) if isinstance(outs, list) and len(outs) > 1 else ("outs",)
        bad(
            f"'outs' has {count}; an artifact pointer has exactly one output, the file its record names",
            where,
        )
        return None, found
    out = outs[0]
    if not isinstance(out, dict):
        bad("the output is not a mapping of md5, size, hash and path", ("outs", 0))
        return None, found
    for key in out:
        if key not in _POINTER_KEYS:
            bad(
                f"unexpected key {str(key)!r} in the output; it holds only {', '.join(_POINTER_KEYS)}",
                ("outs", 0, key) if isinstance(key, str) else ("outs", 0),
                key=True,
            )
    md5, size, kind, path = (out.get(key) for key in _POINTER_KEYS)
    if not isinstance(md5, str) or not _MD5.match(md5):
        bad("md5 must be 32 lowercase hex digits", ("outs", 0, "md5"))
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        bad("size must be a whole number of bytes", ("outs", 0, "size"))
    if "hash" not in out:
        bad(
            "no 'hash: md5': written by DVC 2, whose md5 of a text file is not the file's md5; "
            "run `dvc cache migrate --dvc-files` with DVC 3",
            ("outs", 0),
        )
    elif kind != "md5":
        bad(f"hash is {kind!r}; a registry pointer is hashed with md5", ("outs", 0, "hash"))
    if not isinstance(path, str):
        bad("the output has no path; it names the artifact's file, beside the pointer", ("outs", 0))
    elif not path or "/" in path or "\\" in path or path in (".", "..") or not path.isprintable():
        bad(
            f"output path {path!r} is not a plain file name: it must be the file beside the pointer, "
            "with no '/' and no '..'",
            ("outs", 0, "path"),
        )
    if found:
        return None, found
    return (md5, size, path), []
