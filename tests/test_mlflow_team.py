"""Team mode, concurrent writers and one-commit transitions through MLflow's client.

``git-registry:///clone?branch=NAME&push=origin``: a training job's plain
MLflow calls become commits on branch NAME, in a work tree of the branch's
own, pushed after each write, for a person to approve as a pull request;
the clone's own work tree and branch never move. And an MLflow server's
request threads writing through one store at once: no lost update, no
duplicate version.
"""

from __future__ import annotations

import os
import subprocess
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import mlflow
import numpy as np
import pytest
import sklearn.linear_model as sklearn_linear
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from registry import Registry
from registry.check import check
from registry.problems import ERROR
from tests.builder import RegistryBuilder, dvc

X = np.array([[0.0, 0.1], [0.2, 0.1], [0.9, 1.0], [1.0, 0.8], [0.1, 0.0], [0.8, 0.9]])
Y = np.array([0, 0, 1, 1, 0, 1])
BRANCH = "ci/train-7"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real MLflow model folder (scikit-learn), as ``save_model`` writes it."""
    path = tmp_path_factory.mktemp("model") / "model"
    model = sklearn_linear.LogisticRegression().fit(X, Y)
    signature = mlflow.models.infer_signature(X, model.predict(X))
    mlflow.sklearn.save_model(model, path, signature=signature, pip_requirements=["scikit-learn"])
    return path


@pytest.fixture
def clone(tmp_path: Path) -> Iterator[RegistryBuilder]:
    """A registry clone with a bare ``origin`` and a DVC folder remote named relative to the clone."""
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    repo = RegistryBuilder(tmp_path / "registry")
    dvc(repo.root, "init", "-q")
    dvc(repo.root, "remote", "add", "-d", "store", "../remote")  # kept relative in .dvc/config
    repo.write("registry.yaml", "policy:\n  gates:\n    production:\n      require: [description]\n")
    repo.commit("a registry")
    repo.git("remote", "add", "origin", str(origin))
    repo.git("push", "-q", "origin", "main")
    warnings.filterwarnings("ignore", category=FutureWarning)  # MLflow's stage calls warn
    yield repo


def _at_origin(clone: RegistryBuilder) -> str:
    """Where origin's branch is."""
    return clone.git("ls-remote", "origin", f"refs/heads/{BRANCH}").split()[0]


def _objects(remote: Path) -> set[str]:
    return {p.relative_to(remote).as_posix() for p in remote.rglob("*") if p.is_file()}


def test_a_training_jobs_calls_become_one_pushed_branch_and_the_clone_stays(
    clone: RegistryBuilder, model_dir: Path, tmp_path: Path
) -> None:
    main_before = clone.git("rev-parse", "main").strip()
    uri = f"git-registry://{clone.root}?branch={BRANCH}&push=origin"
    c = MlflowClient(tracking_uri=f"sqlite:///{tmp_path / 'tracking.db'}", registry_uri=uri)
    c.create_registered_model("scorer", tags={"team": "ml"})
    v1 = c.create_model_version("scorer", str(model_dir), description="Logistic regression.")
    assert v1.version == "1"
    c.set_model_version_tag("scorer", "1", "data", "2026-11")
    c.transition_model_version_stage("scorer", 1, "Staging")
    c.set_registered_model_alias("scorer", "candidate", 1)
    c.create_model_version("scorer", str(model_dir))
    c.transition_model_version_stage("scorer", 2, "Staging")
    with pytest.raises(MlflowException, match="description") as refused:  # the gate, on the branch too
        c.transition_model_version_stage("scorer", 2, "Production")
    assert refused.value.error_code == "INVALID_PARAMETER_VALUE"

    # the clone: its branch, index and work tree are as they were
    assert clone.git("rev-parse", "main").strip() == main_before
    assert clone.git("status", "--porcelain") == ""
    assert not (clone.root / "models").exists()
    assert clone.git("symbolic-ref", "--short", "HEAD").strip() == "main"
    # the branch: one commit per write, each with the registry's trailers, pushed
    subjects = clone.git("log", "--format=%s", f"main..{BRANCH}").splitlines()
    assert subjects == [
        "promote scorer v2 to staging",
        "register scorer v2",
        "set scorer@candidate to v1",
        "promote scorer v1 to staging",
        "tag scorer v1: data=2026-11",
        "register scorer v1",
        "create model scorer",
    ], subjects
    actions = clone.git("log", "--format=%(trailers:key=Registry-Action,valueonly)", f"main..{BRANCH}")
    assert len([a for a in actions.split() if a]) == 7
    assert _at_origin(clone) == clone.git("rev-parse", BRANCH).strip()
    problems = check(clone.root, base="main", rev=BRANCH)
    assert [p for p in problems if p.severity == ERROR] == []
    # the bytes went to the clone's DVC remote (named relative to the clone, not to the branch's tree)
    assert any(p.endswith(".dir") for p in _objects(clone.root.parent / "remote"))

    # reads are the branch's; the clone's own URI does not see the proposal
    assert c.get_model_version_by_alias("scorer", "candidate").current_stage == "Staging"
    assert [v.version for v in c.search_model_versions("name='scorer'")] == ["2", "1"]
    plain = MlflowClient(registry_uri=f"git-registry://{clone.root}")
    with pytest.raises(MlflowException) as missing:
        plain.get_registered_model("scorer")
    assert missing.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    # MLflow loads the proposal's model by alias
    mlflow.set_registry_uri(uri)
    try:
        predicted = mlflow.pyfunc.load_model("models:/scorer@candidate").predict(X[:3])
    finally:
        mlflow.set_registry_uri("")
    assert [int(p) for p in predicted] == [0, 0, 1]

    # a second job (a new store) carries on from the branch, not from main
    again = MlflowClient(registry_uri=uri)
    assert again.create_model_version("scorer", str(model_dir)).version == "3"
    assert _at_origin(clone) == clone.git("rev-parse", BRANCH).strip()
    assert clone.git("rev-parse", "main").strip() == main_before


def test_a_fresh_clone_continues_the_branch_origin_has(clone: RegistryBuilder, model_dir: Path) -> None:
    uri = f"git-registry://{clone.root}?branch={BRANCH}&push=origin"
    MlflowClient(registry_uri=uri).create_model_version("scorer", str(model_dir))
    base = clone.root.parent
    subprocess.run(["git", "clone", "-q", str(base / "origin.git"), str(base / "second")], check=True)
    second = RegistryBuilder(base / "second")  # beside the first: its relative DVC remote is the same
    c = MlflowClient(registry_uri=f"git-registry://{second.root}?branch={BRANCH}&push=origin")
    assert c.get_model_version("scorer", 1).version == "1"  # the branch came from origin
    assert c.create_model_version("scorer", str(model_dir)).version == "2"
    subjects = second.git("log", "--format=%s", f"main..{BRANCH}").splitlines()
    assert subjects == ["register scorer v2", "register scorer v1 (new model)"]
    assert _at_origin(clone) == second.git("rev-parse", BRANCH).strip()


def test_request_threads_writing_at_once_lose_nothing(clone: RegistryBuilder, model_dir: Path) -> None:
    """Four threads through one store (as an MLflow server's request threads):
    each registers a version and tags the model; every write lands once."""
    uri = f"git-registry://{clone.root}"
    c = MlflowClient(registry_uri=uri)
    c.create_registered_model("racer")
    start = threading.Barrier(4)
    made: list[str] = []
    errors: list[BaseException] = []

    def writer(i: int) -> None:
        try:
            start.wait()
            version = c.create_model_version("racer", str(model_dir), tags={"writer": str(i)}).version
            made.append(version)
            c.set_registered_model_tag("racer", f"writer-{i}", "done")
            c.set_model_version_tag("racer", version, "by", str(i))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    assert sorted(made) == ["1", "2", "3", "4"]
    rm = Registry(clone.root).model("racer")
    assert sorted(rm.versions) == [1, 2, 3, 4]
    assert {v.tags["writer"] for v in rm.versions.values()} == {"0", "1", "2", "3"}
    assert all(v.tags["by"] == v.tags["writer"] for v in rm.versions.values())
    assert rm.model.tags == {f"writer-{i}": "done" for i in range(4)}
    assert int(clone.git("rev-list", "--count", "HEAD")) == 2 + 4 * 3
    assert clone.git("status", "--porcelain") == ""
    assert [p for p in clone.check() if p.severity == ERROR] == []
    assert os.listdir(clone.root / "models/racer/artifacts") and len(rm.versions) == 4


def test_archive_existing_versions_is_one_commit(clone: RegistryBuilder, model_dir: Path) -> None:
    c = MlflowClient(registry_uri=f"git-registry://{clone.root}")
    for _ in range(3):
        c.create_model_version("scorer", str(model_dir))
    c.transition_model_version_stage("scorer", 1, "Staging")
    c.transition_model_version_stage("scorer", 2, "Staging")  # staging holds several
    before = int(clone.git("rev-list", "--count", "HEAD"))
    moved = c.transition_model_version_stage("scorer", 3, "Staging", archive_existing_versions=True)
    assert moved.current_stage == "Staging"
    assert [c.get_model_version("scorer", n).current_stage for n in (1, 2)] == ["Archived", "Archived"]
    assert int(clone.git("rev-list", "--count", "HEAD")) == before + 1
    assert "Archives v1, v2 (was staging)." in clone.git("log", "-1", "--format=%B")
    assert clone.git("status", "--porcelain") == ""
