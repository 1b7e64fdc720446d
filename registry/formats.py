"""Read what a folder artifact says it is, at register time: an MLflow
model's ``MLmodel`` (flavors, the MLflow and Python versions that wrote it,
its signature, its run) or a Hugging Face ``config.json`` (model type,
architectures). MLflow and transformers are never imported: the files are
read as bounded data (safe YAML, strict JSON), and only values of the shapes
the record's schema allows are kept. A file that cannot be read so is a
notice, not a refusal: the folder is still a valid artifact, registered
without its format.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry import yamlsafe
from registry.limits import MAX_BYTES
from registry.records.format import HUGGINGFACE, MLFLOW

log = logging.getLogger("registry")

MLMODEL = "MLmodel"
HF_CONFIG = "config.json"
MAX_FLAVORS = 32
MAX_ARCHITECTURES = 16
MAX_COLUMNS = 4096  # as the record's schema bounds a signature part

_IDENT = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]{0,63}\Z")
_MODULE = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,7}\Z")
_VERSION = re.compile(r"\A[0-9A-Za-z][0-9A-Za-z.+!_-]{0,63}\Z")
_NAME = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")
_RUN_ID = re.compile(r"\A[0-9a-f]{32}\Z")


@dataclass(frozen=True)
class Described:
    """What a folder's own files say: ``artifact.format``, a signature in the
    record's shape, and the run that logged it (MLflow's ``run_id``)."""

    format: dict[str, Any] | None = None
    signature: dict[str, Any] | None = None
    run_id: str | None = None


def describe(folder: Path) -> Described:
    """Read ``folder``'s ``MLmodel`` or ``config.json``; why a file could not
    be read is a warning on the ``registry`` logger."""
    for name, reader in ((MLMODEL, mlmodel), (HF_CONFIG, hf_config)):
        path = folder / name
        if not path.is_file() or path.is_symlink():
            continue
        try:
            with path.open("rb") as f:
                data = f.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise ValueError(f"larger than {MAX_BYTES:,} bytes")
            found = reader(data)
        except (OSError, ValueError) as exc:
            log.warning("%s: not read (%s); the version is registered without its format", path, exc)
            return Described()
        if found is not None:
            return found
    return Described()


def mlmodel(data: bytes) -> Described | None:
    """An ``MLmodel`` file's format, signature and run id; ValueError for a
    file that is not an MLmodel an MLflow could have written."""
    try:
        doc = yamlsafe.load(data)
    except yamlsafe.YamlError as exc:
        raise ValueError(f"not YAML: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("flavors"), dict) or not doc["flavors"]:
        raise ValueError("no flavors")
    flavors: dict[str, dict[str, str]] = {}
    python_version = None
    for name, body in list(doc["flavors"].items())[:MAX_FLAVORS]:
        if not _IDENT.match(name):
            raise ValueError(f"flavor name {name!r} is not an identifier")
        body = body if isinstance(body, dict) else {}
        entry: dict[str, str] = {}
        if name == "python_function":
            module = body.get("loader_module")
            if isinstance(module, str) and _MODULE.match(module):
                entry["loader_module"] = module
            python_version = _version(body.get("python_version"))
        else:
            keys = [f"{name}_version", *sorted(k for k in body if k.endswith("_version"))]
            version = next((v for v in (_version(body.get(k)) for k in keys) if v), None)
            if version:
                entry["version"] = version
        flavors[name] = entry
    fmt: dict[str, Any] = {"kind": MLFLOW}
    if mlflow_version := _version(doc.get("mlflow_version")):
        fmt["mlflow_version"] = mlflow_version
    if python_version:
        fmt["python_version"] = python_version
    fmt["flavors"] = flavors
    run_id = doc.get("run_id")
    return Described(
        format=fmt,
        signature=signature(doc.get("signature")),
        run_id=run_id if isinstance(run_id, str) and _RUN_ID.match(run_id) else None,
    )


def hf_config(data: bytes) -> Described | None:
    """A Hugging Face ``config.json``'s model type and architectures; None
    when it names neither (a ``config.json`` of something else)."""
    try:
        doc = json.loads(data, parse_constant=_no_constant)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(doc, dict):
        return None
    model_type = doc.get("model_type")
    architectures = doc.get("architectures")
    fmt: dict[str, Any] = {"kind": HUGGINGFACE}
    if isinstance(model_type, str) and _NAME.match(model_type):
        fmt["model_type"] = model_type
    if isinstance(architectures, list):
        kept = [a for a in architectures[:MAX_ARCHITECTURES] if isinstance(a, str) and _IDENT.match(a)]
        if kept:
            fmt["architectures"] = kept
    if len(fmt) == 1:
        return None
    if version := _version(doc.get("transformers_version")):
        fmt["transformers_version"] = version
    return Described(format=fmt)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _version(value: object) -> str | None:
    return value if isinstance(value, str) and _VERSION.match(value) else None


def signature(raw: object) -> dict[str, Any] | None:
    """MLflow's signature (each part a JSON string of column or tensor specs)
    in the record's shape: ``{inputs: [{name, type, shape?, optional?}], ...}``.
    A part that is not one MLflow writes drops the whole signature."""
    if not isinstance(raw, dict):
        return None
    out: dict[str, Any] = {}
    for part in ("inputs", "outputs", "params"):
        text = raw.get(part)
        if text is None:
            continue
        try:
            specs = json.loads(text, parse_constant=_no_constant) if isinstance(text, str) else None
        except (json.JSONDecodeError, ValueError, RecursionError):
            return None
        if not isinstance(specs, list) or len(specs) > MAX_COLUMNS:
            return None
        columns = [_column(s) for s in specs]
        if any(c is None for c in columns):
            return None
        if columns:
            out[part] = columns
    return out or None


def _column(spec: object) -> dict[str, Any] | None:
    if not isinstance(spec, dict) or not isinstance(spec.get("type"), str):
        return None
    col: dict[str, Any] = {}
    name = spec.get("name")
    if isinstance(name, str) and len(name) <= 256:
        col["name"] = name
    elif name is not None:
        return None
    kind = spec["type"]
    shape = spec.get("shape")
    tensor = spec.get("tensor-spec")
    if kind == "tensor" and isinstance(tensor, Mapping):
        kind, shape = tensor.get("dtype"), tensor.get("shape")
        if not isinstance(kind, str) or not _is_shape(shape):
            return None
    if len(kind) > 64:
        return None
    col["type"] = kind
    if _is_shape(shape):
        col["shape"] = shape
    if spec.get("required") is False:
        col["optional"] = True
    if "default" in spec and _plain(spec["default"]):
        col["default"] = spec["default"]
    return col


def _is_shape(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) <= 32
        and all(isinstance(n, int) and not isinstance(n, bool) and -1 <= n < 2**53 for n in value)
    )


def _plain(value: object) -> bool:
    """A default the record can hold: a short string, a bool, a number in the domain."""
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return abs(value) < 2**53
    if isinstance(value, float):
        return value == value and abs(value) != float("inf")
    return isinstance(value, str) and len(value) <= 1024
