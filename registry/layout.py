"""Where everything of a registry lives: every path and pattern, in one place.

    registry.yaml                              the registry's settings (Config)
    models/<model>/model.yaml                  one model (Model)
    models/<model>/versions/<N>.yaml           one version (Version)
    models/<model>/artifacts/<N>/<file>.dvc    its artifact's DVC pointer
    models/<model>/artifacts/<N>/.gitignore    keeps the bytes out of git

Every other module builds paths with the functions below and reads paths
with :func:`classify`. Paths are git-style: relative, ``/``-separated.
Names are checked before they become paths (:func:`records.valid_name`),
and :func:`classify` hands back only names it has taken apart, never
a path to build from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

REGISTRY_FILE = "registry.yaml"
MODELS_DIR = "models"
ROOTS = (REGISTRY_FILE, MODELS_DIR)
MODEL_FILE = "model.yaml"
VERSIONS = "versions"
ARTIFACTS = "artifacts"
POINTER_SUFFIX = ".dvc"
KEEP_FILE = f"{MODELS_DIR}/.gitkeep"
"""What keeps an empty models/ folder in git (``registry init``)."""

VERSION_FILE_RE = re.compile(r"\A([1-9][0-9]{0,8})\.yaml\Z")
"""A version file's name: N.yaml, N = 1, 2, 3 ... with no leading zeros."""

ARTIFACT_NAME_RE = re.compile(r"\A[A-Za-z0-9_][A-Za-z0-9._-]{0,127}\Z")
"""An artifact's file or folder name (as the version schema's ``artifact.path`` ends)."""


class Kind(StrEnum):
    """What a path of a registry is."""

    REGISTRY = "registry"
    MODEL = "model"
    VERSION = "version"
    POINTER = "dvc"
    BAD_VERSION_FILE = "bad-version-file"
    """A file in versions/ not named N.yaml."""
    UNEXPECTED = "unexpected"
    """Something other than a file N.yaml in versions/."""


RECORD_KINDS = frozenset({Kind.REGISTRY, Kind.MODEL, Kind.VERSION, Kind.POINTER})


@dataclass(frozen=True)
class Place:
    """A classified path: its kind, and the model and version number it belongs to."""

    kind: Kind
    model: str | None = None
    version: int | None = None


def classify(path: str) -> Place | None:
    """What ``path`` is in a registry; None for files the registry ignores
    (READMEs beside records, artifact bytes, .gitignore files)."""
    if path == REGISTRY_FILE:
        return Place(Kind.REGISTRY)
    parts = path.split("/")
    n = len(parts)
    if n < 3 or parts[0] != MODELS_DIR:
        return None
    model, sub = parts[1], parts[2]
    if sub == VERSIONS:
        if n == 4:
            match = VERSION_FILE_RE.match(parts[3])
            if match is not None:
                return Place(Kind.VERSION, model, int(match.group(1)))
            return Place(Kind.BAD_VERSION_FILE, model)
        return Place(Kind.UNEXPECTED, model)
    if n == 3 and sub == MODEL_FILE:
        return Place(Kind.MODEL, model)
    if n == 5 and sub == ARTIFACTS and parts[4].endswith(POINTER_SUFFIX):
        number = parts[3]
        return Place(Kind.POINTER, model, int(number) if _is_number(number) else None)
    return None


def record_place(path: str) -> Place | None:
    """The place of a model or version record (the files history reads), else None."""
    place = classify(path)
    return place if place is not None and place.kind in (Kind.MODEL, Kind.VERSION) else None


def _is_number(text: str) -> bool:
    return text.isdigit() and not text.startswith("0") and len(text) <= 9


def model_folder_of(path: str) -> str | None:
    """The model folder name a path lies in (unchecked: it may be invalid)."""
    parts = path.split("/")
    return parts[1] if len(parts) >= 2 and parts[0] == MODELS_DIR and parts[1] else None


def model_dir(model: str) -> str:
    return f"{MODELS_DIR}/{model}"


def model_file(model: str) -> str:
    return f"{MODELS_DIR}/{model}/{MODEL_FILE}"


def versions_dir(model: str) -> str:
    return f"{MODELS_DIR}/{model}/{VERSIONS}"


def version_file(model: str, number: int) -> str:
    return f"{MODELS_DIR}/{model}/{VERSIONS}/{number}.yaml"


def artifact_rel(number: int, name: str) -> str:
    """A version's artifact path as its record names it: relative to the model folder."""
    return f"{ARTIFACTS}/{number}/{name}"


def artifact_prefix(number: int) -> str:
    """What every artifact path of version ``number`` starts with (relative to the model folder)."""
    return f"{ARTIFACTS}/{number}/"


def artifact_dir(model: str, number: int) -> str:
    return f"{MODELS_DIR}/{model}/{ARTIFACTS}/{number}"


def artifact_file(model: str, rel: str) -> str:
    """The artifact's own path in the repository, from the record's ``artifact.path``."""
    return f"{MODELS_DIR}/{model}/{rel}"


def pointer_file(model: str, rel: str) -> str:
    """The DVC pointer of the artifact at ``rel`` (the record's ``artifact.path``)."""
    return f"{MODELS_DIR}/{model}/{rel}{POINTER_SUFFIX}"


def ignore_file(model: str, number: int) -> str:
    """The .gitignore that keeps a version's artifact bytes out of git."""
    return f"{MODELS_DIR}/{model}/{ARTIFACTS}/{number}/.gitignore"


def is_registry_path(path: str) -> bool:
    """Whether a changed path can change what the registry says."""
    return path == REGISTRY_FILE or path.startswith(MODELS_DIR + "/")


def maybe_record(path: str) -> bool:
    """Cheap pre-filter of listings: drops what the loader would ignore anyway
    (artifact folders' .gitignore files, READMEs beside records...)."""
    return path.endswith((".yaml", ".yml", POINTER_SUFFIX)) or path.count("/") <= 1 or f"/{VERSIONS}/" in path


def pathspecs(paths: list[str] | tuple[str, ...]) -> list[str]:
    """git pathspecs that list only what :func:`maybe_record` keeps, under ``paths``
    (``registry.yaml``, ``models`` or ``models/<m>/``)."""
    out = []
    for p in paths:
        if p == REGISTRY_FILE:
            out.append(p)
            continue
        base = p.rstrip("/") + ("/*" if p.rstrip("/") == MODELS_DIR else "")
        out += [
            f":(glob){base}",
            f":(glob){base}/*.yaml",
            f":(glob){base}/*.yml",
            f":(glob){base}/{VERSIONS}/**",
            f":(glob){base}/{ARTIFACTS}/*/*{POINTER_SUFFIX}",
        ]
    return out


def model_roots(models: Iterable[str]) -> list[str]:
    """What to list to load only these models: registry.yaml and their folders."""
    return [REGISTRY_FILE, *(f"{MODELS_DIR}/{m}/" for m in models)]
