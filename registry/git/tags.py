"""Tags as a tag-based registry (GTO) writes them, and what a commit holds at a path."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from registry.errors import GitError, SourceError
from registry.git import _split_z, run
from registry.git.log import Person

_FORMAT = "%(refname:strip=2)%00%(objecttype)%00%(*objectname)%00%(objectname)%00%(taggername)%00%(taggeremail:trim)%00%(taggerdate:raw)%00%(contents)%00"


class Tag(NamedTuple):
    name: str
    commit: str
    """The commit it points at (through the tag object for an annotated tag)."""
    tagger: Person | None
    """Who made it and when; None for a lightweight tag (no tagger)."""
    message: str


def tags(root: Path) -> list[Tag]:
    """Every tag of the repository, with its commit, tagger and message."""
    out = run(["for-each-ref", f"--format={_FORMAT}", "refs/tags"], root)
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    found = []
    for i in range(0, len(fields) - 7, 8):
        name, kind, peeled, obj, who, email, when, message = fields[i : i + 8]
        name = name.strip()
        tagger = None
        if kind == "tag" and who:
            stamp, _, offset = when.partition(" ")
            tagger = Person(who, email, int(stamp) if stamp.isdigit() else 0, offset or "+0000")
        found.append(Tag(name, peeled if kind == "tag" else obj, tagger, message.strip()))
    return found


def commit_person(root: Path, commit: str) -> Person:
    """The author of ``commit``, at its author time."""
    name, email, when = (
        run(["show", "-s", "--format=%an%x00%ae%x00%at %ad", "--date=format:%z", commit], root)
        .decode("utf-8", "surrogateescape")
        .strip()
        .split("\0")
    )
    stamp, _, offset = when.partition(" ")
    return Person(name, email, int(stamp), offset or "+0000")


def path_kind(root: Path, commit: str, path: str) -> str | None:
    """``blob`` or ``tree`` when ``commit`` holds ``path``, else None."""
    try:
        return run(["cat-file", "-t", f"{commit}:{path}"], root).decode().strip()
    except GitError:
        return None


def export(root: Path, commit: str, path: str, dest: Path) -> None:
    """Write ``path`` as ``commit`` holds it (a file, or a folder's files) to ``dest``,
    never through a symlink: a link in the tree is refused."""
    listing = run(["ls-tree", "-r", "-z", "--full-tree", commit, "--", path], root)
    entries = []
    for item in _split_z(listing):
        meta, _, name = item.partition("\t")
        mode, kind, blob = meta.split()
        if mode == "120000" or kind != "blob":
            raise SourceError(f"{name} is a symlink or a submodule in {commit[:10]}: not exported")
        entries.append((name, blob, mode))
    if not entries:
        raise SourceError(f"{commit[:10]} has no {path}")
    single = len(entries) == 1 and entries[0][0] == path
    for name, blob, mode in entries:
        rel = Path(name).name if single else Path(name).relative_to(path)
        target = dest / rel if not single else dest
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(run(["cat-file", "blob", blob], root))
        if mode == "100755":
            os.chmod(target, 0o755)  # noqa: S103 - the executable bit, as the commit holds it


def trailer_values(root: Path, key: str, rev: str = "HEAD") -> set[str]:
    """Every value of trailer ``key`` in the commits reachable from ``rev``."""
    try:
        out = run(["log", f"--format=%(trailers:key={key},valueonly,separator=%x00)%x00", rev, "--"], root)
    except GitError:
        return set()
    return {v.strip() for v in out.decode("utf-8", "surrogateescape").split("\0") if v.strip()}
