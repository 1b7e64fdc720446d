"""What a folder artifact is, as its own files say: an MLflow model or a
Hugging Face checkpoint. ``artifact.format`` in a version's record; read at
register time by :mod:`registry.formats`, shown by ``show`` and the catalog
with the lines that load it, so a user knows how without pulling anything."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MLFLOW = "mlflow"
HUGGINGFACE = "huggingface"


@dataclass(frozen=True)
class Flavor:
    """One MLflow flavor: its name, the module that loads it, the version of
    its library that wrote it (``sklearn_version``, say)."""

    name: str
    loader_module: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class ArtifactFormat:
    kind: str
    """``mlflow`` or ``huggingface``."""
    flavors: tuple[Flavor, ...] = ()
    mlflow_version: str | None = None
    python_version: str | None = None
    model_type: str | None = None
    architectures: tuple[str, ...] = ()
    transformers_version: str | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> ArtifactFormat | None:
        if not raw:
            return None
        flavors = raw.get("flavors") or {}
        return cls(
            kind=raw["kind"],
            flavors=tuple(
                Flavor(name, (f or {}).get("loader_module"), (f or {}).get("version"))
                for name, f in flavors.items()
            ),
            mlflow_version=raw.get("mlflow_version"),
            python_version=raw.get("python_version"),
            model_type=raw.get("model_type"),
            architectures=tuple(raw.get("architectures") or ()),
            transformers_version=raw.get("transformers_version"),
        )

    def summary(self) -> str:
        """One line: ``MLflow model: python_function (mlflow.sklearn), sklearn
        1.5.2; MLflow 2.16.2, Python 3.11.9``."""
        if self.kind == MLFLOW:
            parts = [
                f.name
                + (f" ({f.loader_module})" if f.loader_module else "")
                + (f" {f.version}" if f.version else "")
                for f in sorted(self.flavors, key=lambda f: f.name != "python_function")  # pyfunc first
            ]
            written = [f"MLflow {self.mlflow_version}"] if self.mlflow_version else []
            written += [f"Python {self.python_version}"] if self.python_version else []
            return (
                "MLflow model: "
                + (", ".join(parts) or "no flavors")
                + ("; " + ", ".join(written) if written else "")
            )
        head = ", ".join(self.architectures) or "a checkpoint"
        more = [f"model type {self.model_type}"] if self.model_type else []
        more += [f"transformers {self.transformers_version}"] if self.transformers_version else []
        return f"Hugging Face: {head}" + (f" ({', '.join(more)})" if more else "")

    def load_code(self, path: str) -> str:
        """Python that loads the pulled folder at ``path``."""
        where = repr(path)
        if self.kind == MLFLOW:
            pyfunc = f"model = mlflow.pyfunc.load_model({where})"
            native = [
                f"model = mlflow.{f.name}.load_model({where})"
                for f in self.flavors
                if f.name != "python_function"
            ]
            if any(f.name == "python_function" for f in self.flavors):
                return "\n".join(["import mlflow", pyfunc, *(f"# or natively: {n}" for n in native[:1])])
            return "\n".join(["import mlflow", native[0] if native else pyfunc])
        cls = self.architectures[0] if self.architectures else "AutoModel"
        return f"from transformers import {cls}\nmodel = {cls}.from_pretrained({where})"
