"""The MLflow guides' code, unchanged, against MLflow's own SQLite registry
and against a git registry: the scripts in examples/mlflow/ are plain MLflow
client code, and only the environment says which registry they talk to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from tests.builder import cli

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "examples" / "mlflow").glob("[0-9][0-9]_*.py"))
MODEL = "fraud-classifier"

GIT_REGISTRY_INSTALLED = any(
    ep.name == "git-registry" for ep in entry_points(group="mlflow.model_registry_store")
)


def run_guides(workdir: Path, registry_uri: str) -> list[str]:
    """Run every script in order, each in a new process, and return their output."""
    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": f"sqlite:///{workdir / 'mlflow.db'}",
        "MLFLOW_REGISTRY_URI": registry_uri,
        "MLFLOW_DISABLE_TELEMETRY": "true",
    }
    assert [s.name[:3] for s in SCRIPTS] == [f"{i:02d}_" for i in range(1, 9)], SCRIPTS
    outputs = []
    for script in SCRIPTS:
        proc = subprocess.run(
            [sys.executable, str(script)],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert proc.returncode == 0, f"{script.name} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
        outputs.append(proc.stdout)
    return outputs


def assert_registry_state(registry_uri: str, tracking_uri: str) -> None:
    """What the guides leave behind, read back through MLflow's client."""
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=registry_uri)
    assert [rm.name for rm in client.search_registered_models()] == [MODEL]
    model = client.get_registered_model(MODEL)
    assert model.description == "Flags card transactions that are likely fraudulent."
    assert model.tags == {"team": "risk"}
    assert {alias: int(v) for alias, v in model.aliases.items()} == {"champion": 2}
    stages = {int(mv.version): mv.current_stage for mv in client.search_model_versions(f"name='{MODEL}'")}
    assert stages == {2: "Production", 3: "Archived"}
    v3 = client.get_model_version(MODEL, 3)
    assert v3.tags == {"validated": "true"}
    assert v3.description.startswith("Logistic regression with C=10")
    assert client.get_run(v3.run_id).data.params["C"] == "10.0"


def make_git_registry(tmp_path: Path) -> str:
    registry = tmp_path / "model-registry"
    made = cli(tmp_path, "init", str(registry))
    assert made.returncode == 0, made.stderr
    return f"git-registry://{registry}"


def assert_git_registry_kept_its_rules(tmp_path: Path) -> None:
    """The registry's own view of what the guides did: checked, in history, in the catalog."""
    registry = tmp_path / "model-registry"
    checked = cli(registry, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    shown = cli(registry, "history", "--json")
    assert shown.returncode == 0, shown.stderr
    events = json.loads(shown.stdout)
    assert all(e["author"]["name"] for e in events)
    steps = {(e["kind"], e["model"], e["version"]) for e in events}
    assert {
        ("version_registered", MODEL, 1),  # 01: log_model(registered_model_name=...)
        ("version_registered", MODEL, 2),  # 02: register_model
        ("stage_changed", MODEL, 1),  # 04: Staging, then Production
        ("version_archived", MODEL, 1),  # 04: archive_existing_versions
        ("version_registered", MODEL, 3),  # 05: the challenger
        ("alias_set", MODEL, 2),  # 05: @champion
        ("alias_moved", MODEL, 3),  # 05: the challenger promoted
        ("alias_removed", MODEL, 3),  # 05: @challenger
        ("version_archived", MODEL, 2),
        ("tags_changed", MODEL, 3),  # 06: tag.validated
        ("tags_changed", MODEL, None),  # 06: tags.team
        ("description_changed", MODEL, None),  # 07
        ("description_changed", MODEL, 3),
        ("model_renamed", "fraud-classifier-sandbox", None),  # 07: the scratch model
        ("version_archived", "fraud-classifier-sandbox", 1),
        ("model_deleted", "fraud-classifier-sandbox", None),
        ("version_deleted", MODEL, 1),
        ("version_archived", MODEL, 3),  # 08: the rollback
        ("alias_moved", MODEL, 2),
    } <= steps, sorted(steps, key=str)

    built = cli(registry, "site", "build", "--strict", "--out", str(tmp_path / "site"))
    assert built.returncode == 0, built.stdout + built.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=registry, capture_output=True, text=True, check=True
    )
    assert status.stdout == "", status.stdout


def test_the_plugin_is_installed_as_mlflow_finds_plugins() -> None:
    assert GIT_REGISTRY_INSTALLED, "no git-registry entry point in group mlflow.model_registry_store"


def guides_run_unchanged(backend: str, tmp_path: Path) -> None:
    """The scripts, then what they left, against ``backend``: ``sqlite`` (MLflow's own
    registry, the reference) or ``git-registry`` (a registry made by ``registry init``)."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    tracking_uri = f"sqlite:///{workdir / 'mlflow.db'}"
    registry_uri = tracking_uri if backend == "sqlite" else make_git_registry(tmp_path)

    outputs = run_guides(workdir, registry_uri)
    assert "registered fraud-classifier version 1" in outputs[0]
    assert "as fraud-classifier version 2" in outputs[1]
    assert_registry_state(registry_uri, tracking_uri)
    if backend == "git-registry":
        assert_git_registry_kept_its_rules(tmp_path)


def test_guides_run_unchanged_against_the_git_registry(tmp_path: Path) -> None:
    guides_run_unchanged("git-registry", tmp_path)
