"""An MLflow registry as plain data, read through MLflow's public client only:
every model and version, a run's values, a version's files (without
MLflow's ``registered_model_meta``); and the names and URIs it gets here."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from registry import progress
from registry.errors import SourceError

META_FILE = "registered_model_meta"
ARTIFACT = "model"
"""The folder name an imported version's bytes get: ``artifacts/<N>/model``, as the plugin's."""


@dataclass(frozen=True)
class SourceVersion:
    number: int
    created_ms: int
    updated_ms: int
    user: str | None
    stage: str
    description: str
    tags: dict[str, str]
    run_id: str | None
    source: str | None


@dataclass(frozen=True)
class SourceModel:
    name: str
    description: str
    tags: dict[str, str]
    aliases: dict[str, int]
    updated_ms: int
    versions: tuple[SourceVersion, ...]


def target_name(name: str) -> str:
    """A valid model name for an MLflow name: accents dropped, lower case, runs of other characters as ``-``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9._-]+", "-", plain.strip().lower()).strip("-._")[:64].rstrip("-._")
    return out or "model"


def safe_registry(uri: str) -> str:
    """The source's URI without a password or token, as records and messages name it."""
    parsed = urllib.parse.urlsplit(uri)
    if not (parsed.password or parsed.username or parsed.query or parsed.fragment):
        return uri  # as given: urlunsplit would write sqlite:///x as sqlite:/x
    host = parsed.hostname or ""
    netloc = host + (f":{parsed.port}" if parsed.port else "")
    return f"{parsed.scheme}://{netloc}{parsed.path}"


# -- reading the source (MLflow's client) -------------------------------------


def read_source(uri: str, patterns: Sequence[str] = ()) -> list[SourceModel]:
    """Every registered model (matching ``patterns``, shell-style) and its versions, by name."""
    from mlflow.exceptions import MlflowException

    try:
        return _read_source(uri, patterns)
    except (MlflowException, OSError) as exc:
        raise SourceError(f"cannot read the MLflow registry at {safe_registry(uri)}: {short(exc)}") from None


def short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:500] + ("..." if len(text) > 500 else "")


def _read_source(uri: str, patterns: Sequence[str]) -> list[SourceModel]:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    out = []
    for rm in _pages(lambda token: client.search_registered_models(max_results=1000, page_token=token)):
        if patterns and not any(fnmatchcase(rm.name, p) for p in patterns):
            continue
        query = f"name='{_quoted(rm.name)}'"
        versions = _pages(
            lambda token, q=query: client.search_model_versions(q, max_results=10_000, page_token=token)  # type: ignore[misc]
        )
        out.append(
            SourceModel(
                name=rm.name,
                description=rm.description or "",
                tags=dict(rm.tags or {}),
                aliases={a: int(v) for a, v in (rm.aliases or {}).items()},
                updated_ms=int(rm.last_updated_timestamp or 0),
                versions=tuple(
                    sorted(
                        (
                            SourceVersion(
                                number=int(v.version),
                                created_ms=int(v.creation_timestamp or 0),
                                updated_ms=int(v.last_updated_timestamp or v.creation_timestamp or 0),
                                user=v.user_id or None,
                                stage=v.current_stage or "None",
                                description=v.description or "",
                                tags=dict(v.tags or {}),
                                run_id=v.run_id or None,
                                source=v.source or None,
                            )
                            for v in versions
                        ),
                        key=lambda v: v.number,
                    )
                ),
            )
        )
    return sorted(out, key=lambda m: m.name)


def _quoted(name: str) -> str:
    return name.replace("\\", "\\\\").replace("'", "\\'")


def _pages(call: Callable[[str | None], Any]) -> list[Any]:
    out: list[Any] = []
    token: str | None = None
    while True:
        page = call(token)
        out += list(page)
        token = page.token
        if not token:
            return out


def run_values(uri: str, run_id: str | None) -> tuple[dict[str, float], dict[str, Any]]:
    if not run_id:
        return {}, {}
    import math

    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    try:
        run = MlflowClient(tracking_uri=uri).get_run(run_id)
    except MlflowException:
        return {}, {}
    metrics = {k: float(v) for k, v in run.data.metrics.items() if math.isfinite(v)}
    return metrics, dict(run.data.params)


def download(uri: str, name: str, number: int, scratch: Path) -> Path:
    """The version's files, as ``scratch/model``, without MLflow's ``registered_model_meta``."""
    import mlflow
    import mlflow.artifacts

    before = mlflow.get_registry_uri()
    tracking = mlflow.get_tracking_uri() if mlflow.tracking.is_tracking_uri_set() else None  # type: ignore[no-untyped-call]
    mlflow.set_registry_uri(uri)
    mlflow.set_tracking_uri(uri)  # MLflow's models:/ resolver opens a client on the default tracking URI,
    # which is a new sqlite:///mlflow.db in the current folder when none is set
    bars = os.environ.get(_MLFLOW_BARS)
    os.environ[_MLFLOW_BARS] = "false"  # the registry's own bar counts the bytes, on its own lines
    try:
        with progress.task(f"downloading {name} v{number}", 0) as tick, _growth(scratch / "download", tick):
            got = Path(
                mlflow.artifacts.download_artifacts(
                    artifact_uri=f"models:/{name}/{number}",
                    dst_path=str(scratch / "download"),
                    tracking_uri=uri,
                )
            )
    finally:
        mlflow.set_registry_uri(before)
        mlflow.set_tracking_uri(tracking)  # type: ignore[arg-type]  # None: unset again, as it was
        if bars is None:
            os.environ.pop(_MLFLOW_BARS, None)
        else:
            os.environ[_MLFLOW_BARS] = bars
    target = scratch / ARTIFACT
    if got.is_dir() and not any(p.is_file() and p.name != META_FILE for p in got.rglob("*")):
        raise OSError(
            "MLflow found no files for it (it downloads nothing from an artifact store that lost them)"
        )
    if got.is_dir():
        shutil.copytree(got, target, ignore=shutil.ignore_patterns(META_FILE))
    else:
        target.mkdir()
        shutil.copy2(got, target / got.name)
    return target


_MLFLOW_BARS = "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"


@contextmanager
def _growth(folder: Path, tick: Callable[[int], None]) -> Iterator[None]:
    """Report the bytes arriving in ``folder`` while the block runs, by
    looking at its files five times a second from a thread: MLflow's
    downloads take no callback. Nobody watching, no thread."""
    if not progress.watched():
        yield
        return
    stop = threading.Event()

    def size() -> int:
        total = 0
        for top, _, files in os.walk(folder):
            for f in files:
                with contextlib.suppress(OSError):  # a file MLflow renames or removes meanwhile
                    total += os.lstat(os.path.join(top, f)).st_size
        return total

    def watch() -> None:
        seen, last = 0, False
        while not last:
            last = stop.wait(0.2)
            now = size()  # once more when the download is over: the bar ends at its size
            if now > seen:
                tick(now - seen)
                seen = now

    watcher = threading.Thread(target=watch, name="registry-download-bytes", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


# -- planning (pure) ----------------------------------------------------------------
