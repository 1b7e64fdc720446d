"""One model version and its parts: lineage, artifact, the facts the checker caches."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from registry.records.format import ArtifactFormat
from registry.records.semver import SemVer
from registry.records.times import parse_time

Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class CodeRef:
    repo: str | None = None
    commit: str | None = None
    path: str | None = None
    dirty: bool = False
    """The code ran with changes the commit does not hold."""
    diff: str | None = None
    """sha256 (hex, cut) of those changes."""


@dataclass(frozen=True)
class DataRef:
    name: str | None = None
    path: str | None = None
    """In this repository, or (with ``repo``) in that one."""
    md5: str | None = None
    version: str | None = None
    uri: str | None = None
    """Outside the repository: ``s3://``, ``gs://``, ``https://``, ``hf://datasets/...``, ``file:///...``."""
    repo: str | None = None
    """A git or DVC data registry holding ``path``, at ``rev``."""
    rev: str | None = None
    etag: str | None = None

    @property
    def where(self) -> str:
        """Where it is, in one string: ``repo:path@rev``, the URI, the path or the name."""
        if self.repo:
            return f"{self.repo}:{self.path or ''}" + (f"@{self.rev}" if self.rev else "")
        return self.uri or self.path or self.name or "?"


@dataclass(frozen=True)
class RunRef:
    id: str | None = None
    uri: str | None = None


@dataclass(frozen=True, order=True)
class ParentRef:
    model: str
    version: int


@dataclass(frozen=True)
class CopyRef:
    """The version a copy was made from (``registry copy``)."""

    model: str
    version: int
    commit: str
    registry: str | None = None
    """Where the source registry is, when it is another one."""


@dataclass(frozen=True)
class ImportRef:
    """Where an imported version came from (``registry import``)."""

    system: str
    """``mlflow`` or ``gto``."""
    registry: str
    model: str
    """The model's name in the source (before it was made a valid name here)."""
    version: str


@dataclass(frozen=True)
class Lineage:
    code: CodeRef | None = None
    data: tuple[DataRef, ...] = ()
    run: RunRef | None = None
    parents: tuple[ParentRef, ...] = ()
    copied_from: CopyRef | None = None
    imported_from: ImportRef | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> Lineage:
        if not raw:
            return cls()
        code = raw.get("code")
        run = raw.get("run")
        return cls(
            code=CodeRef(**code) if code else None,
            data=tuple(DataRef(**d) for d in raw.get("data") or ()),
            run=RunRef(**run) if run else None,
            parents=tuple(ParentRef(p["model"], p["version"]) for p in raw.get("parents") or ()),
            copied_from=CopyRef(**raw["copied_from"]) if raw.get("copied_from") else None,
            imported_from=ImportRef(**raw["imported_from"]) if raw.get("imported_from") else None,
        )


@dataclass(frozen=True)
class Deletion:
    """A tombstone's ``deleted:``: who deleted the version or model, when and why."""

    at: datetime
    by: str
    reason: str
    purged: bool = False
    """The artifact's bytes were removed from the DVC cache and remote."""
    redacted: bool = False
    """The description, tags, metrics, params, signature and lineage were removed."""

    def __str__(self) -> str:
        """``deleted on 2026-12-01 by alice@example.com (the reason)``, as messages say it."""
        return f"deleted on {self.at:%Y-%m-%d} by {self.by} ({self.reason})"

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> Deletion | None:
        if not raw:
            return None
        return cls(
            parse_time(raw["at"]),
            raw["by"],
            raw["reason"],
            bool(raw.get("purged", False)),
            bool(raw.get("redacted", False)),
        )


REDACTED_FIELDS = ("description", "tags", "metrics", "params", "signature", "lineage")
"""What ``delete --redact`` removes from a tombstone (and the base check lets go)."""


# -- versions --------------------------------------------------------------


@dataclass(frozen=True)
class Artifact:
    path: str
    md5: str
    size: int
    nfiles: int | None = None
    """A folder's number of files (its md5 ends in ``.dir``); None for a file."""


VersionFacts = tuple[
    str, str, str, int, tuple[tuple[str, int], ...], int | None, str | None, bool, str | None, str
]
"""What the cross-file rules need of a version, cached per blob: (stage,
artifact path, md5, size, ((parent model, parent version), ...), a folder's
nfiles, its semver's text, whether it is a tombstone, for a version with
a semver and a signature the signature's fingerprint, and ``created_at`` as
written (a listing of models shows their first and last times without
reading every record)."""


def signature_key(signature: Any) -> str:
    """A fingerprint of a signature: equal signatures, equal keys (so the
    semver rules read a record's signature only where it changed)."""
    text = json.dumps(signature, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def version_facts(raw: Mapping[str, Any]) -> VersionFacts:
    art = raw["artifact"]
    parents = (raw.get("lineage") or {}).get("parents") or ()
    signed = raw.get("signature") if "semver" in raw else None
    return (
        raw["stage"],
        art["path"],
        art["md5"],
        art["size"],
        tuple((p["model"], p["version"]) for p in parents),
        art.get("nfiles"),
        raw.get("semver"),
        "deleted" in raw,
        signature_key(signed) if signed else None,
        str(raw["created_at"]),
    )


class Version:
    """One model version: ``models/<model>/versions/<number>.yaml``.

    Immutable. The facts the checker needs for every version (stage,
    artifact, parents) are held directly; the rest of the record is read on
    first use from ``fetch`` (the parse cache), so checking 20,000 versions
    does not rebuild 20,000 full records.
    """

    __slots__ = (
        "_fetch",
        "_lazy",
        "artifact",
        "is_deleted",
        "model",
        "number",
        "parents",
        "path",
        "semver_text",
        "signature_key",
        "stage",
    )

    model: str
    number: int
    path: str
    stage: str
    artifact: Artifact
    parents: tuple[ParentRef, ...]
    is_deleted: bool
    """A tombstone (``registry delete``): its record stays, its pointer and bytes are gone."""
    semver_text: str | None
    """``semver`` as the record spells it (a semver model's versions carry one)."""
    signature_key: str | None
    """A version with a semver and a signature: the signature's fingerprint
    (:func:`signature_key`); None otherwise."""
    _fetch: Callable[[], Mapping[str, Any]]
    _lazy: dict[str, Any]

    def __init__(
        self,
        model: str,
        number: int,
        path: str,
        facts: VersionFacts,
        fetch: Callable[[], Mapping[str, Any]],
    ) -> None:
        stage, art_path, md5, size, parents, nfiles, semver, deleted, signed, created = facts
        init = object.__setattr__
        init(self, "model", model)
        init(self, "number", number)
        init(self, "path", path)
        init(self, "stage", stage)
        init(self, "artifact", Artifact(art_path, md5, size, nfiles))
        init(self, "parents", tuple(ParentRef(m, n) for m, n in parents))
        init(self, "is_deleted", deleted)
        init(self, "semver_text", semver)
        init(self, "signature_key", signed)
        init(self, "_fetch", fetch)
        init(self, "_lazy", {"created_text": created})

    @classmethod
    def from_dict(cls, model: str, number: int, path: str, raw: Mapping[str, Any]) -> Version:
        return cls(model, number, path, version_facts(raw), lambda: raw)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Version is immutable (tried to set {name!r})")

    def __repr__(self) -> str:
        return f"Version({self.model}/{self.number}, stage={self.stage!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and (self.model, self.number, self.raw) == (
            other.model,
            other.number,
            other.raw,
        )

    __hash__ = None  # type: ignore[assignment]

    def _get(self, key: str, make: Callable[[Mapping[str, Any]], Any]) -> Any:
        lazy = self._lazy
        if key not in lazy:
            lazy[key] = make(self.raw)
        return lazy[key]

    @property
    def raw(self) -> Mapping[str, Any]:
        lazy = self._lazy
        if "raw" not in lazy:
            lazy["raw"] = self._fetch()
        return lazy["raw"]  # type: ignore[no-any-return]

    @property
    def created_at(self) -> datetime:
        lazy = self._lazy
        if "created_at" not in lazy:
            lazy["created_at"] = parse_time(lazy["created_text"])
        return lazy["created_at"]  # type: ignore[no-any-return]

    @property
    def created_by(self) -> str:
        return self.raw["created_by"]  # type: ignore[no-any-return]

    @property
    def description(self) -> str:
        return self.raw.get("description") or ""

    @property
    def tags(self) -> Mapping[str, str]:
        return self.raw.get("tags") or {}

    @property
    def metrics(self) -> Mapping[str, float]:
        return self.raw.get("metrics") or {}

    @property
    def params(self) -> Mapping[str, Scalar]:
        return self.raw.get("params") or {}

    @property
    def semver(self) -> SemVer | None:
        """``semver: MAJOR.MINOR.PATCH`` of a model with ``versioning: semver``."""
        text = self.semver_text
        if text is None:
            return None
        lazy = self._lazy  # parsed from the facts: the record itself is not read
        if "semver" not in lazy:
            lazy["semver"] = SemVer.parse(text)
        parsed: SemVer = lazy["semver"]
        return parsed

    @property
    def signature(self) -> Mapping[str, Any] | None:
        return self.raw.get("signature")

    @property
    def format(self) -> ArtifactFormat | None:
        """What a folder artifact's own files say it is (``artifact.format``)."""
        return self._get("format", lambda r: ArtifactFormat.from_dict(r["artifact"].get("format")))  # type: ignore[no-any-return]

    @property
    def lineage(self) -> Lineage:
        return self._get("lineage", lambda r: Lineage.from_dict(r.get("lineage")))  # type: ignore[no-any-return]

    @property
    def deleted(self) -> Deletion | None:
        """Who deleted this version, when and why; None while it is not a tombstone."""
        if not self.is_deleted:
            return None
        return self._get("deleted", lambda r: Deletion.from_dict(r.get("deleted")))  # type: ignore[no-any-return]

    @property
    def ref(self) -> str:
        return f"{self.model}/{self.number}"

    def field_value(self, dotted: str) -> Any:
        """The raw value at a dotted path (``lineage.data``), or None."""
        node: Any = self.raw
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return None
            node = node[part]
        return node


# -- policy ----------------------------------------------------------------
