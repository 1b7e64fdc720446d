"""``registry codeowners``: write (or ``--check``) the forge's CODEOWNERS from the models' owners."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import click

from registry import codeowners, layout
from registry.check.rules import Rule
from registry.errors import RegistryError
from registry.load import LoadedRegistry, load, printable
from registry.problems import ERROR, WARNING, Problem, locate
from registry.write.commit import write_atomically

_MAX_BYTES = 3 * 1024 * 1024  # GitHub ignores a CODEOWNERS file larger than this


def _forge_of(reg: LoadedRegistry, forge: str | None) -> str:
    if forge is not None:
        return forge
    from registry.forge import is_gitlab

    url = reg.config.forge
    return codeowners.GITLAB if url and is_gitlab(url) else codeowners.GITHUB


def _target(root: Path, forge: str, output: str | None) -> tuple[Path, str]:
    """The file to write and how to name it in messages (relative to the root when inside it)."""
    if output is not None:
        path = Path(os.path.abspath(output))  # relative to the current folder, like any other path
    else:
        known = {loc for locs in codeowners.LOCATIONS.values() for loc in locs}
        present = [loc for loc in known if (root / loc).is_file() or (root / loc).is_symlink()]
        path = root / codeowners.default_location(forge, present)
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        shown = str(path)
    return path, printable(shown)


def _read(path: Path, shown: str) -> str | None:
    if path.is_symlink():
        raise RegistryError(f"{shown} is a symlink; replace it with the file itself (or give --output)")
    try:
        with path.open("rb") as fh:
            data = fh.read(_MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise RegistryError(f"cannot read {shown}: {exc.strerror or exc}") from None
    if len(data) > _MAX_BYTES:
        raise RegistryError(f"{shown} is larger than 3 MB, which the forge does not read")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise RegistryError(f"{shown} is not UTF-8 text; fix or remove it and run again") from None


def _diff(old: str | None, new: str, shown: str) -> str:
    lines = difflib.unified_diff(
        (old or "").splitlines(),
        new.splitlines(),
        f"a/{shown}" if old is not None else "/dev/null",
        f"b/{shown}",
        lineterm="",
    )
    return "\n".join(lines)


def _unreadable(reg: LoadedRegistry) -> list[str]:
    """model.yaml files that exist but could not be read: their owners are unknown."""
    return sorted(
        {
            p.path
            for p in reg.problems
            if p.path.endswith("/" + layout.MODEL_FILE) and p.rule != Rule.MISSING_MODEL_FILE
        }
    )


def _skipped_folders(reg: LoadedRegistry) -> list[Problem]:
    return [
        Problem(
            p.path,
            Rule.CODEOWNERS,
            "not a valid model folder name; it got no CODEOWNERS line",
            severity=WARNING,
        )
        for p in reg.problems
        if p.rule == "invalid-name"
    ]


def run(root: Path, *, check: bool, forge: str | None, output: str | None) -> int:
    reg = load(root)
    forge = _forge_of(reg, forge)
    path, shown = _target(root, forge, output)
    unreadable = _unreadable(reg)
    if unreadable:
        raise RegistryError(
            f"{', '.join(unreadable[:5])}{' ...' if len(unreadable) > 5 else ''}: cannot be read, so "
            f"the owners are unknown; `registry check` says why. {shown} was "
            + ("not checked" if check else "not changed")
        )
    generated = codeowners.block((rm.model for rm in reg.models.values()), forge)
    problems = locate([*_skipped_folders(reg), *generated.problems], reg.snapshot.read_available)
    for problem in problems:
        click.echo(str(problem), err=True)
    refused = any(p.severity == ERROR for p in problems)
    existing = _read(path, shown)
    try:
        wanted = codeowners.splice(existing, generated.text)
    except codeowners.MarkerError as exc:
        raise RegistryError(f"{shown}: {exc}") from None
    what = f"{generated.lines} model(s) with owners, {forge}"
    if check:
        if wanted == existing:
            click.echo(f"{shown} is up to date ({what})", err=True)
            return 1 if refused else 0
        click.echo(_diff(existing, wanted, shown))
        state = "does not exist" if existing is None else "is out of date with the models' owners"
        click.echo(f"{shown} {state}: run `registry codeowners` to write it (diff above)", err=True)
        return 1
    if wanted == existing:
        click.echo(f"{shown} is up to date ({what})")
    else:
        write_atomically(path, wanted)
        click.echo(f"{'wrote' if existing is not None else 'created'} {shown} ({what})")
    return 1 if refused else 0
