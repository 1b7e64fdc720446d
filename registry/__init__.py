"""A git-native model registry: YAML records in git, artifacts in DVC.

>>> from registry import Registry
>>> reg = Registry(".")
>>> reg.get("models:/fraud-detector@champion").number
>>> version = reg.register("fraud-detector", "model.onnx", metrics={"f1": 0.91}, push=True)
>>> reg.promote("fraud-detector", version.number, "staging", reason="nightly candidate")
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from registry.records import Config, Model, RegisteredModel, Version

if TYPE_CHECKING:
    from registry.load import LoadedRegistry

__all__ = ["Config", "Model", "RegisteredModel", "Registry", "Version"]
__version__ = "0.1.0"


class Registry:
    """Read access to a registry at a path, optionally as of a git revision."""

    def __init__(self, path: str | Path = ".", rev: str | None = None) -> None:
        self._root = Path(path)
        self._rev = rev
        self._whole: LoadedRegistry | None = None

    @property
    def _loaded(self) -> LoadedRegistry:
        """The whole registry, loaded on first need (``get`` and ``pull`` need one model only)."""
        if self._whole is None:
            from registry.load import load

            self._whole = load(self._root, self._rev)
        return self._whole

    @property
    def models(self) -> dict[str, RegisteredModel]:
        return self._loaded.models

    @property
    def config(self) -> Config:
        return self._loaded.config

    def model(self, name: str) -> RegisteredModel:
        from registry.refs import find_model

        return find_model(self._loaded, name)

    def search(
        self, filter_text: str = "", order_by: list[str] | None = None, max_results: int | None = None
    ) -> list[Version]:
        """Versions matching an MLflow-style filter, e.g. ``"metrics.f1 > 0.9 AND stage = 'production'"``."""
        from registry.search import search

        return [v for _, v in search(self._loaded.models, filter_text, order_by or [], max_results)]

    def pull(self, ref: str, dest: str | Path | None = None) -> Path:
        """Fetch the artifact of ``ref`` through DVC, md5-verified; return its local path."""
        from registry.pull import pull

        return pull(self._root, ref, Path(dest) if dest is not None else None)

    def get(self, ref: str) -> Version:
        """The version a reference names: ``models:/name@alias``, ``name/3``, ``name:production``..."""
        from registry.errors import UsageError
        from registry.refs import load_for, parse_ref, resolve

        parsed = parse_ref(ref)
        loaded = self._whole or load_for(self._root, parsed, self._rev)
        _rm, version = resolve(loaded, parsed)
        if version is None:
            raise UsageError(f"{ref!r} names a model, not a version: add /N, @alias or :stage")
        return version

    # -- changes: each is one commit (see registry.write); they return its id --

    def _writable(self) -> Path:
        if self._rev is not None:
            from registry.errors import UsageError

            raise UsageError(f"this Registry reads revision {self._rev}; changes are made to the work tree")
        self._whole = None  # what was loaded is about to be out of date
        return self._root

    def register(self, model: str, artifact: str | Path, **options: Any) -> Version:
        """The next version of ``model`` (created on first use), its artifact
        tracked by DVC; options as :func:`registry.write.register`."""
        from registry import write

        commit, number = write.register(self._writable(), model, artifact, **options)
        return Registry(self._root, commit).get(f"models:/{model}/{number}")  # also when on a new branch

    def promote(self, model: str, version: int, stage: str, **options: Any) -> str:
        from registry import write

        return write.promote(self._writable(), model, version, stage, **options)

    def archive(self, model: str, version: int, **options: Any) -> str:
        from registry import write

        return write.archive(self._writable(), model, version, **options)

    def rollback(self, model: str, **options: Any) -> str:
        from registry import write

        return write.rollback(self._writable(), model, **options)

    def set_alias(self, model: str, alias: str, version: int, **options: Any) -> str:
        from registry import write

        return write.set_alias(self._writable(), model, alias, version, **options)

    def delete_alias(self, model: str, alias: str, **options: Any) -> str:
        from registry import write

        return write.delete_alias(self._writable(), model, alias, **options)

    def set_tag(self, model: str, version: int | None, key: str, value: str, **options: Any) -> str:
        from registry import write

        return write.set_tag(self._writable(), model, version, key, value, **options)

    def delete_tag(self, model: str, version: int | None, key: str, **options: Any) -> str:
        from registry import write

        return write.delete_tag(self._writable(), model, version, key, **options)

    def describe(self, model: str, version: int | None, text: str, **options: Any) -> str:
        from registry import write

        return write.describe(self._writable(), model, version, text, **options)
