"""The one reader of ``.dvc`` files, and the rules of a registry's pointer:
what ``dvc add`` writes for one file, nothing more, so a second output, a
pipeline stage (``cmd``, ``deps``) or an output path that leaves its folder
can never reach DVC."""

from __future__ import annotations

import re
from typing import Any

from registry.cache import Entry, ProblemTuple
from registry.check.rules import Rule
from registry.errors import ArtifactMismatch, PointerRefused, RegistryError

_FAST = re.compile(
    r"\Aouts:\n- md5: ([0-9a-f]{32})\n  size: ([0-9]{1,15})\n  hash: md5\n  path: ([A-Za-z0-9_][A-Za-z0-9._-]*)\n\Z"
)


def read(data: bytes) -> Entry:
    """((md5, size, path), []) of an artifact pointer, or (None, its problems)."""
    fast = _FAST.match(data.decode("utf-8", "replace")) if len(data) < 512 else None
    if fast:  # the exact format DVC writes: skip the YAML parser
        return (fast.group(1), int(fast.group(2)), fast.group(3)), []
    from registry import yamlsafe

    try:
        doc = yamlsafe.load(data)
    except yamlsafe.YamlError as exc:
        return None, [(exc.rule, exc.message, exc.line, (), False)]
    return _shape(doc)


def first_output(data: bytes, shown: str) -> tuple[str, int]:
    """(md5, size) of the one output of any DVC pointer (a dataset's, say,
    which may be a folder and carry more keys than an artifact's); a clear
    error, naming ``shown``, for anything else."""
    from registry import yamlsafe

    try:
        doc = yamlsafe.load(data)
    except yamlsafe.YamlError as exc:
        raise RegistryError(f"{shown}: {exc.message}") from None
    outs = doc.get("outs") if isinstance(doc, dict) else None
    if not isinstance(outs, list) or len(outs) != 1 or not isinstance(outs[0], dict):
        raise RegistryError(f"{shown} is not a DVC pointer with one output")
    md5, size = outs[0].get("md5"), outs[0].get("size")
    if not isinstance(md5, str) or not _MD5.match(md5) or not isinstance(size, int) or isinstance(size, bool):
        raise RegistryError(f"{shown} does not record an md5 and a size for its output")
    return md5, size


_POINTER_KEYS = ("md5", "size", "hash", "path")
"""The keys of an artifact's output; a folder's has ``nfiles`` too."""
_MD5 = re.compile(r"\A[0-9a-f]{32}(\.dir)?\Z")


def _shape(doc: Any) -> Entry:
    """(md5, size, path) of a ``.dvc`` pointer, or its problems: a registry
    pointer is what ``dvc add`` writes for one file or folder, nothing more,
    so a second output, a pipeline stage (``cmd``, ``deps``) or an output
    path that leaves its folder can never reach DVC."""
    found: list[ProblemTuple] = []

    def bad(message: str, where: tuple[str | int, ...] = (), key: bool = False) -> None:
        found.append((Rule.ARTIFACT_DVC.value, message, None, where, key))

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
        if key not in _POINTER_KEYS and key != "nfiles":
            bad(
                f"unexpected key {str(key)!r} in the output; it holds only {', '.join(_POINTER_KEYS)}",
                ("outs", 0, key) if isinstance(key, str) else ("outs", 0),
                key=True,
            )
    md5, size, kind, path = (out.get(key) for key in _POINTER_KEYS)
    nfiles = out.get("nfiles")
    folder = isinstance(md5, str) and md5.endswith(".dir")
    if not isinstance(md5, str) or not _MD5.match(md5):
        bad("md5 must be 32 lowercase hex digits (and .dir for a folder)", ("outs", 0, "md5"))
    if folder and (not isinstance(nfiles, int) or isinstance(nfiles, bool) or nfiles < 1):
        bad("a folder's output has nfiles, its number of files, as `dvc add` writes it", ("outs", 0))
    elif not folder and "nfiles" in out:
        bad("nfiles belongs to a folder's output (an md5 ending in .dir)", ("outs", 0, "nfiles"), key=True)
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
    return ((md5, size, path, nfiles) if folder else (md5, size, path)), []


MAX_MANIFEST_BYTES = 64 << 20
"""A folder's manifest larger than this is refused unread (100,000 entries take ~8 MB)."""


def read_manifest(data: bytes, md5: str, nfiles: int | None, max_files: int) -> list[tuple[str, str]]:
    """(relative path, md5) of every file a folder's ``.dir`` manifest lists,
    sorted; a clear error for a manifest that is not what ``dvc add`` writes
    or that could write outside its folder: the manifest's own md5, JSON of
    ``{"md5", "relpath"}`` entries, a count that agrees with ``nfiles`` and
    stays within ``max_files``, and relative paths with no ``..``, no
    absolute path, no duplicate, no two that differ only in case, and none
    that is another's folder."""
    import hashlib
    import json

    if len(data) > MAX_MANIFEST_BYTES:
        raise PointerRefused(
            f"the manifest {md5} is {len(data):,} bytes; at most {MAX_MANIFEST_BYTES:,} are read"
        )
    actual = hashlib.md5(data).hexdigest() + ".dir"  # noqa: S324 - DVC's content address
    if actual != md5:
        raise ArtifactMismatch(f"the manifest in the DVC cache hashes to {actual}, not {md5}: it is corrupt")
    try:
        entries = json.loads(data)
    except ValueError:
        raise PointerRefused(f"the manifest {md5} is not JSON") from None
    if not isinstance(entries, list):
        raise PointerRefused(f"the manifest {md5} is not a list of files")
    if len(entries) > max_files:
        raise PointerRefused(
            f"the manifest {md5} lists {len(entries):,} files; at most {max_files:,} are pulled"
        )
    if nfiles is not None and len(entries) != nfiles:
        raise PointerRefused(f"the manifest {md5} lists {len(entries)} files, but the record says {nfiles}")
    out: list[tuple[str, str]] = []
    for entry in entries:
        rel = entry.get("relpath") if isinstance(entry, dict) else None
        obj = entry.get("md5") if isinstance(entry, dict) else None
        if (
            not isinstance(rel, str)
            or not isinstance(obj, str)
            or not _MD5.match(obj)
            or obj.endswith(".dir")
        ):
            raise PointerRefused(
                f"the manifest {md5} has an entry that is not a file's md5 and relpath: {entry!r:.80}"
            )
        out.append((rel, obj))
    why = paths_problem([rel for rel, _ in out])
    if why is not None:
        raise PointerRefused(f"the manifest {md5} {why}")
    return sorted(out)


def paths_problem(paths: list[str]) -> str | None:
    """Why these relative paths cannot be one folder artifact's files, or
    None: the one rule for a folder being registered and a manifest being
    pulled. Each is a plain, printable path inside the folder (no ``..``, no
    absolute path, no backslash); none is there twice, or twice but for case
    (a checkout on macOS or Windows would lose one); none is another's folder."""
    seen: set[str] = set()
    for rel in paths:
        parts = rel.split("/")
        if (
            not rel
            or rel.startswith("/")
            or "\\" in rel
            or any(p in ("", ".", "..") for p in parts)
            or not rel.isprintable()
        ):
            return f"names {rel!r}, which is not a plain path inside the folder"
        folded = rel.casefold()
        if folded in seen:
            return f"names {rel!r} twice (or twice but for case)"
        seen.add(folded)
    folders = {"/".join(rel.split("/")[:i]) for rel in seen for i in range(1, rel.count("/") + 1)}
    clash = sorted(rel for rel in paths if rel.casefold() in folders)
    if clash:
        return f"names {clash[0]!r} both as a file and as a folder"
    return None
