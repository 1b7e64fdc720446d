"""The folder-artifact promise, end to end: a real MLflow model (a trained
scikit-learn classifier, saved by `mlflow.sklearn.save_model`) registered
with `registry register --push`, pulled in a fresh clone with
`registry pull -o`, loads with `mlflow.pyfunc.load_model` and predicts what
the trained model predicts; with a folder remote and with S3."""

from __future__ import annotations

import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.builder import DVC, cli, dvc
from tests.s3 import Bucket

MLFLOW_QUIET = {
    "MLFLOW_DISABLE_TELEMETRY": "true",  # no usage reports to anywhere
    "DO_NOT_TRACK": "true",
}


@dataclass(frozen=True)
class Trained:
    folder: Path
    """What `mlflow.sklearn.save_model` wrote."""
    inputs: Any
    """A pandas DataFrame of the rows it was trained on."""
    labels: Any
    probabilities: Any
    """What the trained model itself predicts for ``inputs``."""


def _mlflow_environment(mp: pytest.MonkeyPatch, where: Path) -> None:
    for name, value in MLFLOW_QUIET.items():
        mp.setenv(name, value)
    mp.setenv("MLFLOW_TRACKING_URI", (where / "mlruns").as_uri())  # never ./mlruns or ./mlflow.db


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """A LogisticRegression fitted on 20 rows, saved once for the module (saving costs seconds)."""
    where = tmp_path_factory.mktemp("mlflow")
    with pytest.MonkeyPatch.context() as mp:
        _mlflow_environment(mp, where)
        mp.chdir(where)
        import mlflow.models
        import mlflow.sklearn
        import pandas
        from sklearn.linear_model import LogisticRegression

        inputs = pandas.DataFrame(
            {"amount": [float(i) for i in range(20)], "hour": [float(i * 7 % 24) for i in range(20)]}
        )
        target = [int(i >= 10) for i in range(20)]
        model = LogisticRegression().fit(inputs, target)
        folder = where / "clf-model"
        signature = mlflow.models.infer_signature(inputs, model.predict(inputs))
        mlflow.sklearn.save_model(model, str(folder), signature=signature)
        assert sorted(p.name for p in where.iterdir()) == ["clf-model"], "MLflow wrote only the model"
        return Trained(folder, inputs, model.predict(inputs), model.predict_proba(inputs))


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("remote", ["folder", "s3"])
def test_an_mlflow_model_registered_and_pulled_in_a_fresh_clone_predicts_the_same(
    remote: str,
    trained: Trained,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    import mlflow.pyfunc
    import mlflow.sklearn
    import numpy
    import sklearn

    _mlflow_environment(monkeypatch, tmp_path)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    assert len(set(trained.labels)) == 2, "both classes are predicted: equal predictions mean something"

    if remote == "s3":
        bucket: Bucket = request.getfixturevalue("s3_bucket")
        proc = cli(tmp_path, "init", "reg", "--remote", bucket.url("models"))
        assert proc.returncode == 0, proc.stderr
        root = tmp_path / "reg"
        dvc(root, "remote", "modify", "storage", "endpointurl", bucket.endpoint)
        git(root, "commit", "-qam", "DVC: the S3-compatible store's endpoint")
    else:
        proc = cli(tmp_path, "init", "reg")  # the default: a folder beside the registry
        assert proc.returncode == 0, proc.stderr
        root = tmp_path / "reg"

    proc = cli(root, "register", "clf", str(trained.folder), "--metric", "accuracy=1.0", "--push")
    assert proc.returncode == 0, proc.stderr
    if remote == "s3":
        uploaded = {k.removeprefix("models/files/md5/").replace("/", "") for k in bucket.objects()}
    else:
        storage = tmp_path / "reg-dvc-storage" / "files" / "md5"
        uploaded = {p.parent.name + p.name for p in storage.rglob("*") if p.is_file()}
    files = [p for p in trained.folder.rglob("*") if p.is_file()]
    record = yaml.safe_load((root / "models/clf/versions/1.yaml").read_text(encoding="utf-8"))
    assert record["artifact"]["nfiles"] == len(files)
    assert record["artifact"]["md5"] in uploaded, "the .dir manifest is on the remote"
    assert len(uploaded) == len(files) + 1, "and each file"
    # what MLflow's own MLmodel says, read without importing MLflow
    fmt = record["artifact"]["format"]
    assert fmt["kind"] == "mlflow" and fmt["mlflow_version"] == mlflow.__version__
    assert fmt["flavors"]["python_function"]["loader_module"] == "mlflow.sklearn"
    assert fmt["flavors"]["sklearn"]["version"] == sklearn.__version__
    assert fmt["python_version"] == platform.python_version()
    assert record["signature"] == {
        "inputs": [{"name": "amount", "type": "double"}, {"name": "hour", "type": "double"}],
        "outputs": [{"type": "int64", "shape": [-1]}],  # a tensor spec's dtype
    }
    shown = cli(root, "show", "clf/1").stdout
    assert "model = mlflow.pyfunc.load_model('models/clf/artifacts/1/clf-model')" in shown

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(root), str(clone))
    assert not (clone / ".dvc" / "cache").exists(), "the clone's DVC cache starts empty"
    dest = tmp_path / "served" / "clf"
    dest.parent.mkdir()
    proc = cli(clone, "pull", "clf/1", "-o", str(dest))
    assert proc.returncode == 0, proc.stderr
    assert _contents(dest) == _contents(trained.folder), "byte for byte, nothing more"

    loaded = mlflow.pyfunc.load_model(str(dest))
    numpy.testing.assert_array_equal(loaded.predict(trained.inputs), trained.labels)
    numpy.testing.assert_array_equal(
        mlflow.sklearn.load_model(str(dest)).predict_proba(trained.inputs), trained.probabilities
    )

    status = subprocess.run([DVC, "status"], cwd=clone, capture_output=True, text=True, timeout=300)
    assert status.returncode == 0 and "up to date" in status.stdout, status.stdout + status.stderr
    assert list(work.iterdir()) == [], "MLflow wrote nothing in the current folder"
