"""The ``git-registry-artifact:`` artifact repository: a version's model, pulled for MLflow.

``mlflow.pyfunc.load_model("models:/x@champion")`` asks the registry store
for a download URI and opens it here. Downloads are :meth:`Registry.pull`
with ``worktree=False``: the bytes come from DVC's cache or remote, are
md5-verified against the record, and go to MLflow's destination only, never
into the registry's work tree. The repository is read-only: versions are
made with ``register_model``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from mlflow.entities import FileInfo
from mlflow.store.artifact.artifact_repo import ArtifactRepository

from registry import Registry
from registry.errors import UsageError
from registry.mlflow.errors import INVALID_PARAMETER_VALUE, MlflowException, translated
from registry.mlflow.uri import parse_artifact_uri


class GitRegistryArtifactRepository(ArtifactRepository):
    """The files of one registry version (``git-registry-artifact:///root/?model=x&version=3``)."""

    def __init__(
        self, artifact_uri: str, tracking_uri: str | None = None, registry_uri: str | None = None
    ) -> None:
        super().__init__(artifact_uri, tracking_uri, registry_uri)
        with translated():
            self._where = parse_artifact_uri(artifact_uri)

    @property
    def _ref(self) -> str:
        return f"models:/{self._where.model}/{self._where.version}"

    def _pull_all(self, into: Path) -> Path:
        """The whole artifact at ``into`` (a path that does not exist yet)."""
        return Registry(self._where.root).pull(self._ref, into, worktree=False)

    def download_artifacts(self, artifact_path: str | None, dst_path: str | None = None) -> str:
        with translated():
            dst = Path(os.path.abspath(dst_path)) if dst_path else Path(tempfile.mkdtemp())
            if not dst.is_dir():
                raise UsageError(f"the destination {dst} is not an existing folder")
            rel = (artifact_path or "").strip("/")
            scratch = Path(tempfile.mkdtemp(prefix=".registry-mlflow-", dir=dst))
            try:
                got = self._pull_all(scratch / "artifact")
                source = got / rel if rel else got
                if rel and not (got.is_dir() and os.path.lexists(source)):
                    raise UsageError(f"{self._ref} has no file or folder {rel!r}")
                target = dst / rel if rel else dst
                if source.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    for entry in source.iterdir():
                        os.replace(entry, target / entry.name)
                    return str(target)
                target = target if rel else dst / source.name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
                return str(target)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)

    def _download_file(self, remote_file_path: str, local_path: str) -> None:
        with translated():
            Registry(self._where.root).pull(self._ref, local_path, file=remote_file_path, worktree=False)

    def list_artifacts(self, path: str | None = None) -> list[FileInfo]:
        with translated(), tempfile.TemporaryDirectory(prefix="registry-mlflow-") as scratch:
            got = self._pull_all(Path(scratch) / "artifact")
            rel = (path or "").strip("/")
            if not got.is_dir():
                return [FileInfo(got.name, False, got.stat().st_size)] if not rel else []
            here = got / rel if rel else got
            if not here.is_dir():
                return []
            return [
                FileInfo(
                    f"{rel}/{entry.name}" if rel else entry.name,
                    entry.is_dir(),
                    None if entry.is_dir() else entry.stat().st_size,
                )
                for entry in sorted(here.iterdir())
            ]

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise MlflowException(
            f"{self.artifact_uri} is a registered version, which does not change: register a new "
            "version with mlflow.register_model",
            error_code=INVALID_PARAMETER_VALUE,
        )

    log_artifact = _refuse
    log_artifacts = _refuse
    delete_artifacts = _refuse
