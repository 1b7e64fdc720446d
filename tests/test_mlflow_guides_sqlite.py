"""The MLflow guides' scripts against MLflow's own SQLite registry: the
reference that shows they are ordinary MLflow code (a file of its own, so
that the suite's workers run it beside the git-registry case)."""

from __future__ import annotations

from pathlib import Path

from tests.test_mlflow_guides import guides_run_unchanged


def test_guides_run_unchanged_against_mlflows_sqlite_registry(tmp_path: Path) -> None:
    guides_run_unchanged("sqlite", tmp_path)
