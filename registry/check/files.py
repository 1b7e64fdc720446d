"""Rules of the tree's files and names: what the loader found but could not
load. The loader reports each such file as a fact (its kind, from
:mod:`registry.layout`); the rule, its wording and its severity are here."""

from __future__ import annotations

from pathlib import Path

from registry import layout
from registry.check.rules import WARNING, Rule
from registry.problems import Problem
from registry.records import name_problem

SYMLINK = "symlink"
"""A stray kind of its own: a symlink where a record or pointer would be."""


def printable(path: str) -> str:
    """A path safe to print: undecodable bytes and control characters escaped."""
    raw = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in raw)


def stray(kind: str, path: str) -> Problem:
    """The problem of a file the loader did not load: a symlink, or a file in
    versions/ that is not a version record."""
    shown = printable(path)
    if kind == SYMLINK:
        return Problem(
            shown, Rule.SYMLINK, "symlinks are not allowed in the registry; commit the file itself", line=1
        )
    if kind == layout.Kind.BAD_VERSION_FILE:
        name = printable(path.rsplit("/", 1)[-1])
        return Problem(
            shown,
            Rule.INVALID_VERSION_FILE,
            f"version files are named <N>.yaml with N = 1, 2, 3 ... (no leading zeros); rename or remove {name!r}",
            line=1,
        )
    assert kind == layout.Kind.UNEXPECTED, kind
    return Problem(shown, Rule.UNEXPECTED_FILE, f"{layout.VERSIONS}/ holds only <N>.yaml files", line=1)


def bad_folder(name: str) -> Problem:
    """A model folder whose name is not a model name: none of its files is loaded."""
    return Problem(
        f"{layout.MODELS_DIR}/{printable(name)}",
        Rule.INVALID_NAME,
        f"model folder name {printable(name)!r} {name_problem(name)}; its files were not loaded",
    )


def missing_model_file(model: str) -> Problem:
    return Problem(
        layout.model_file(model),
        Rule.MISSING_MODEL_FILE,
        f"model {model!r} has no {layout.MODEL_FILE}; create one (it may be empty: {{}})",
    )


def no_registry(root: Path) -> Problem:
    return Problem(
        layout.MODELS_DIR,
        Rule.NO_REGISTRY,
        f"no {layout.MODELS_DIR}/ folder or {layout.REGISTRY_FILE} in {root}; run this from a registry repository",
        severity=WARNING,
    )
