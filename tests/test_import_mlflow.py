"""`registry import mlflow`: a real MLflow SQLite registry, filled as a guide
fills one, carried over with its bytes and its past."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import struct
import sys
import termios
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import mlflow
import numpy as np
import pytest
import sklearn.linear_model as sklearn_linear
from mlflow import MlflowClient

from registry import Registry
from tests.builder import RegistryBuilder, cli
from tests.servers import free_port, process

X = np.array([[0.0, 0.1], [0.2, 0.1], [0.9, 1.0], [1.0, 0.8], [0.1, 0.0], [0.8, 0.9]])
Y = np.array([0, 0, 1, 1, 0, 1])
REGISTRY_YAML = "policy:\n  aliases:\n    champion: {stage: production}\n"


class Source:
    def __init__(self, base: Path, uri: str | None = None) -> None:
        """An SQLite registry in ``base``, or the tracking server at ``uri`` (its own artifact store)."""
        self.uri = uri or f"sqlite:///{base / 'mlflow.db'}"
        self.client = MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)
        self.artifacts = None if uri else (base / "mlruns").as_uri()

    def log(self, name: str, c: float) -> str:
        """One training run that logs and registers a model: its version number."""
        mlflow.set_tracking_uri(self.uri)
        mlflow.set_registry_uri(self.uri)
        try:
            experiment = mlflow.get_experiment_by_name("train")
            eid = (
                experiment.experiment_id
                if experiment
                else mlflow.create_experiment("train", artifact_location=self.artifacts)
            )
            with mlflow.start_run(experiment_id=eid):
                mlflow.log_param("C", c)
                mlflow.log_metric("accuracy", 0.9 + c / 100)
                model = sklearn_linear.LogisticRegression(C=c).fit(X, Y)
                info = mlflow.sklearn.log_model(
                    model, name="model", registered_model_name=name, pip_requirements=["scikit-learn"]
                )
            return str(info.registered_model_version)
        finally:
            mlflow.set_registry_uri("")


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Source]:
    """A guide's flow: three versions, stages with archiving, champion and
    challenger, tags, descriptions, and a rename."""
    warnings.filterwarnings("ignore", category=FutureWarning)  # MLflow's stage calls warn
    s = Source(tmp_path)
    c = s.client
    for i in range(3):
        s.log("Fraud_Draft", 1.0 + i)
    c.rename_registered_model("Fraud_Draft", "Fraud Classifier")  # not a valid name here: mapped
    name = "Fraud Classifier"
    c.update_registered_model(name, "Flags fraudulent payments.")
    c.set_registered_model_tag(name, "team", "risk")
    c.update_model_version(name, "2", "Second try, more regularised.")
    c.set_model_version_tag(name, "2", "validated", "yes")
    c.transition_model_version_stage(name, "1", "Production")
    c.transition_model_version_stage(name, "2", "Production", archive_existing_versions=True)
    c.transition_model_version_stage(name, "3", "Staging")
    c.set_registered_model_alias(name, "champion", "2")
    c.set_registered_model_alias(name, "challenger", "3")
    yield s


@pytest.fixture
def target(tmp_path: Path) -> RegistryBuilder:
    repo = RegistryBuilder(tmp_path / "registry")
    repo.init_dvc(tmp_path / "remote")
    repo.write("registry.yaml", REGISTRY_YAML)
    repo.commit("a registry")
    return repo


def _files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.md5(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "registered_model_meta"
    }


def test_an_mlflow_registry_arrives_with_its_bytes_aliases_stages_and_past(
    source: Source, target: RegistryBuilder, tmp_path: Path
) -> None:
    before = int(target.git("rev-list", "--count", "HEAD"))
    proc = cli(target.root, "import", "mlflow", source.uri)
    assert proc.returncode == 0, proc.stderr
    assert "Fraud Classifier is model fraud-classifier here" in proc.stdout
    assert "imported 3 versions" in proc.stdout
    assert int(target.git("rev-list", "--count", "HEAD")) == before + 4  # 3 versions, then the state
    assert cli(target.root, "check").returncode == 0
    assert target.git("status", "--porcelain") == ""

    reg = Registry(target.root)
    name = "Fraud Classifier"
    for alias in ("champion", "challenger"):
        mine = reg.get(f"models:/fraud-classifier@{alias}").number
        assert mine == int(source.client.get_model_version_by_alias(name, alias).version)
    for stage in ("Production", "Staging"):
        (theirs,) = source.client.get_latest_versions(name, [stage])
        assert reg.get(f"models:/fraud-classifier/{stage.lower()}").number == int(theirs.version)
    assert reg.get("models:/fraud-classifier/1").stage == "archived"
    rm = reg.model("fraud-classifier")
    assert rm.model.description.strip() == "Flags fraudulent payments."
    assert rm.model.tags == {"team": "risk", "mlflow.name": name}
    v2 = reg.get("models:/fraud-classifier/2")
    assert v2.description.strip() == "Second try, more regularised." and v2.tags == {"validated": "yes"}
    assert v2.metrics == {"accuracy": 0.92} and v2.params == {"C": "2.0"}
    theirs2 = source.client.get_model_version(name, "2")
    assert v2.lineage.run is not None and v2.lineage.run.id == theirs2.run_id
    came = v2.lineage.imported_from
    assert came is not None and (came.system, came.model, came.version) == ("mlflow", name, "2")

    # the bytes: what MLflow downloads, file by file, pulled from the DVC remote
    for n in (1, 2, 3):
        out = tmp_path / f"pulled{n}"
        assert cli(target.root, "pull", f"fraud-classifier/{n}", "-o", str(out)).returncode == 0
        mlflow.set_registry_uri(source.uri)
        try:
            theirs = Path(
                mlflow.artifacts.download_artifacts(f"models:/{name}/{n}", dst_path=str(tmp_path / f"m{n}"))
            )
        finally:
            mlflow.set_registry_uri("")
        pulled = out if out.is_dir() else out.parent
        assert _files(pulled) == _files(theirs)

    # the past: each version's commit at its MLflow creation time, in that order
    log = target.git("log", "--reverse", "--format=%at %ct %s", "HEAD~4..HEAD").splitlines()
    for n, line in zip((1, 2, 3), log[:3], strict=True):
        created = source.client.get_model_version(name, str(n)).creation_timestamp // 1000
        assert line == f"{created} {created} import fraud-classifier v{n}" + (
            " (new model) from mlflow" if n == 1 else " from mlflow"
        ), line
    assert "MLflow keeps no history of stage transitions" in target.git("log", "-1", "--format=%B")
    history = cli(target.root, "history", "fraud-classifier").stdout
    assert all(f"registered v{n}" in history for n in (1, 2, 3)), history

    # run again: nothing is imported twice, and no commit is made
    again = cli(target.root, "import", "mlflow", source.uri, "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert (report["imported"], report["skipped"], report["state_commit"]) == ([], 3, None)
    assert int(target.git("rev-list", "--count", "HEAD")) == before + 4


def test_two_versions_in_a_stage_that_holds_one_stop_the_import_before_anything_is_written(
    source: Source, target: RegistryBuilder, tmp_path: Path
) -> None:
    source.client.transition_model_version_stage("Fraud Classifier", "3", "Production")  # v2 stays
    before = target.git("rev-parse", "HEAD")
    proc = cli(target.root, "import", "mlflow", source.uri)
    assert proc.returncode != 0
    assert "versions 2, 3 are all in production" in proc.stderr and "--archive-extra" in proc.stderr
    assert target.git("rev-parse", "HEAD") == before and target.git("status", "--porcelain") == ""
    proc = cli(
        target.root, "import", "mlflow", source.uri, "--archive-extra"
    )  # v2 archived: @champion's gate
    assert proc.returncode != 0
    assert "@champion points at v2, which would be in archived here" in proc.stderr
    assert target.git("rev-parse", "HEAD") == before and target.git("status", "--porcelain") == ""
    source.client.set_registered_model_alias("Fraud Classifier", "champion", "3")
    dry = cli(target.root, "import", "mlflow", source.uri, "--dry-run", "--archive-extra")
    assert dry.returncode == 0 and "would import 3 versions" in dry.stdout
    assert target.git("rev-parse", "HEAD") == before
    proc = cli(target.root, "import", "mlflow", source.uri, "--archive-extra")
    assert proc.returncode == 0, proc.stderr
    assert "archived fraud-classifier v2 (--archive-extra)" in proc.stdout
    reg = Registry(target.root)
    assert reg.get("models:/fraud-classifier/production").number == 3
    assert cli(target.root, "check").returncode == 0

    relaxed = RegistryBuilder(tmp_path / "relaxed")  # the other way: both stay in production
    relaxed.init_dvc(tmp_path / "relaxed-remote")
    relaxed.write("registry.yaml", REGISTRY_YAML)
    relaxed.commit("a registry")
    both = cli(relaxed.root, "import", "mlflow", source.uri, "--archive-extra", "--relax")
    assert both.returncode == 2 and "choose one" in both.stderr
    proc = cli(relaxed.root, "import", "mlflow", source.uri, "--relax")
    assert proc.returncode == 0, proc.stderr
    assert "warning: fraud-classifier: production holds v2, v3, as in MLflow (--relax)" in proc.stderr
    assert cli(relaxed.root, "check").returncode == 0
    model = (relaxed.root / "models/fraud-classifier/model.yaml").read_text()
    assert "policy: {single_holder: []}" in model, model
    assert "--relax" in relaxed.git("log", "-1", "--format=%B")
    reg = Registry(relaxed.root)
    assert [v.number for v in reg.model("fraud-classifier").in_stage("production")] == [2, 3]
    (theirs,) = source.client.get_latest_versions("Fraud Classifier", ["Production"])
    assert reg.get("models:/fraud-classifier/production").number == int(theirs.version) == 3
    relaxed.write("models/fraud-classifier/model.yaml", model.replace("policy: {single_holder: []}\n", ""))
    relaxed.commit("hold one again")  # the checker holds the registry's rule again
    proc = cli(relaxed.root, "check")
    assert proc.returncode != 0 and "single-holder" in proc.stdout, proc.stdout


def test_sync_brings_exactly_what_changed_deletions_too_and_a_second_sync_nothing(
    source: Source, target: RegistryBuilder
) -> None:
    assert cli(target.root, "import", "mlflow", source.uri).returncode == 0
    head = target.git("rev-parse", "HEAD").strip()
    assert source.log("Fraud Classifier", 4.0) == "4"
    source.client.set_registered_model_alias("Fraud Classifier", "challenger", "4")
    proc = cli(target.root, "sync", "mlflow", source.uri)
    assert proc.returncode == 0, proc.stderr
    assert "imported 1 version from" in proc.stdout and "synced aliases" in proc.stdout
    subjects = target.git("log", "--reverse", "--format=%s", f"{head}..HEAD").splitlines()
    assert subjects == ["import fraud-classifier v4 from mlflow", "sync aliases from mlflow"]
    reg = Registry(target.root)
    assert reg.get("models:/fraud-classifier@challenger").number == 4
    assert reg.get("models:/fraud-classifier@champion").number == 2
    assert cli(target.root, "check").returncode == 0
    again = cli(target.root, "sync", "mlflow", source.uri, "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["synced"] == [] and json.loads(again.stdout)["imported"] == []
    assert target.git("rev-list", "--count", f"{head}..HEAD").strip() == "2"

    # a version deleted in MLflow becomes a tombstone here at the next sync
    source.client.delete_model_version("Fraud Classifier", "1")  # the archived one
    head = target.git("rev-parse", "HEAD").strip()
    proc = cli(target.root, "sync", "mlflow", source.uri, "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["deleted"] == ["fraud-classifier v1"]
    assert target.git("log", "--format=%s", f"{head}..HEAD").splitlines() == ["delete fraud-classifier v1"]
    v1 = Registry(target.root).get("models:/fraud-classifier/1")
    assert v1.deleted is not None and "deleted in MLflow" in v1.deleted.reason
    assert cli(target.root, "check").returncode == 0
    again = cli(target.root, "sync", "mlflow", source.uri, "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["deleted"] == []
    assert target.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"

    # a model renamed in MLflow is renamed here; its versions are not brought again
    source.client.rename_registered_model("Fraud Classifier", "Fraud Detector")
    head = target.git("rev-parse", "HEAD").strip()
    proc = cli(target.root, "sync", "mlflow", source.uri, "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["renamed"], report["imported"], report["deleted"]) == (
        ["fraud-classifier -> fraud-detector"],
        [],
        [],
    )
    subjects = target.git("log", "--reverse", "--format=%s", f"{head}..HEAD").splitlines()
    assert subjects == ["rename model fraud-classifier to fraud-detector", "sync tags from mlflow"], subjects
    reg = Registry(target.root)
    assert reg.model("fraud-detector").model.tags["mlflow.name"] == "Fraud Detector"
    assert reg.get("models:/fraud-detector@champion").number == 2
    assert reg.get("models:/fraud-classifier@champion").number == 2  # the former name still resolves
    assert source.log("Fraud Detector", 5.0) == "5"  # and the next version lands beside them
    proc = cli(target.root, "sync", "mlflow", source.uri, "--json")
    assert json.loads(proc.stdout)["imported"] == ["fraud-detector v5"], proc.stdout

    # a registry with none of them is not taken as their deletion: a mistyped path makes an empty one
    head = target.git("rev-parse", "HEAD").strip()
    typo = cli(target.root, "sync", "mlflow", source.uri.replace("mlflow.db", "mlfow.db"))
    assert typo.returncode != 0 and "has none of the 1 models imported here" in typo.stderr, typo.stderr
    assert target.git("rev-parse", "HEAD").strip() == head

    # a model deleted in MLflow becomes a deleted model here
    source.log("Other", 1.0)  # the registry still has a model: deleting one is not deleting all
    source.client.delete_registered_model("Fraud Detector")
    head = target.git("rev-parse", "HEAD").strip()
    proc = cli(target.root, "sync", "mlflow", source.uri, "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["deleted"] == ["fraud-detector"]
    assert target.git("log", "--reverse", "--format=%s", f"{head}..HEAD").splitlines() == [
        "import other v1 (new model) from mlflow",
        "sync tags from mlflow",  # its MLflow name, Other
        "delete model fraud-detector (4 versions)",
    ]
    gone = Registry(target.root).model("fraud-detector")
    assert gone.model.deleted is not None and "deleted in MLflow" in gone.model.deleted.reason
    assert cli(target.root, "check").returncode == 0
    again = cli(target.root, "sync", "mlflow", source.uri, "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["deleted"] == []
    assert target.git("rev-list", "--count", f"{head}..HEAD").strip() == "3"


def test_an_import_cut_off_by_a_failed_download_carries_on_when_run_again(
    source: Source, target: RegistryBuilder
) -> None:
    v2 = source.client.get_model_version("Fraud Classifier", "2")
    logged = source.client.get_logged_model(v2.source.removeprefix("models:/"))
    where = Path(logged.artifact_location.removeprefix("file://"))
    hidden = where.with_name(where.name + ".away")
    where.rename(hidden)  # the artifact store loses v2's files: a download fails midway
    before = int(target.git("rev-list", "--count", "HEAD"))
    proc = cli(target.root, "import", "mlflow", source.uri)
    assert proc.returncode == 1, proc.stderr
    assert "cannot download models:/Fraud Classifier/2" in proc.stderr
    assert "1 versions were imported before it" in proc.stderr and "Traceback" not in proc.stderr
    assert int(target.git("rev-list", "--count", "HEAD")) == before + 1  # v1, whole
    assert target.git("status", "--porcelain") == ""
    hidden.rename(where)
    proc = cli(target.root, "import", "mlflow", source.uri)
    assert proc.returncode == 0, proc.stderr
    assert "imported 2 versions" in proc.stdout and "1 imported before" in proc.stdout
    assert sorted(Registry(target.root).model("fraud-classifier").versions) == [1, 2, 3]
    assert int(target.git("rev-list", "--count", "HEAD")) == before + 4
    assert cli(target.root, "check").returncode == 0


def test_the_source_is_recorded_without_its_credentials() -> None:
    from registry.importers.mlflow import safe_registry, target_name

    assert safe_registry("http://bob:s3cret@mlflow.internal:5000/?token=x") == "http://mlflow.internal:5000/"
    assert safe_registry("sqlite:///../mlflow.db") == "sqlite:///../mlflow.db"
    assert [target_name(n) for n in ("Fraud Classifier", "churn_v2", "--", "Ünïcode!")] == [
        "fraud-classifier",
        "churn_v2",
        "model",
        "unicode",
    ]


def test_on_a_terminal_two_bars_count_the_versions_and_models_and_the_bytes(
    source: Source, target: RegistryBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run in this process with a real pseudo-terminal as stderr, every
    transfer counted as slow, so that the bytes' line is drawn too."""
    from registry.cli import main, progress as bars

    monkeypatch.setattr(bars, "DELAY", 0.0)
    monkeypatch.delenv("CI", raising=False)
    reader, writer = os.openpty()
    fcntl.ioctl(writer, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 200, 0, 0))  # 200 columns
    drawn = bytearray()
    drain = threading.Thread(target=lambda: _read_all(reader, drawn), daemon=True)
    drain.start()
    with open(writer, "w", encoding="utf-8") as tty:
        monkeypatch.setattr(sys, "stderr", tty)
        assert main(["-C", str(target.root), "import", "mlflow", source.uri]) == 0
        tty.flush()
        monkeypatch.undo()
    drain.join(timeout=10)
    os.close(reader)
    text = drawn.decode()
    lines = text.replace("\r\x1b[K", "\n").replace("\r", "").split("\n")
    assert "[........................] 0/3 versions  0/1 models  fraud-classifier v1" in lines, text
    assert any(line.startswith("[########................] 1/3 versions  0/1 models  ") for line in lines)
    assert "[########################] 3/3 versions  1/1 models" in lines, text
    assert any(
        re.match(r"downloading Fraud Classifier v2  10.2 KB  [0-9.]+ [KM]B/s", line) for line in lines
    ), text
    assert text.count("\x1b[1A") >= 6  # each bytes line goes back up to the counts
    assert cli(target.root, "check").returncode == 0


def _read_all(fd: int, into: bytearray) -> None:
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the terminal's other end closed
            return
        if not chunk:
            return
        into += chunk


def test_an_mlflow_tracking_server_imports_over_http(
    target: RegistryBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``mlflow server`` with its SQLite store and its proxied artifact store
    (``mlflow-artifacts:``), read only over HTTP, as a team's server is."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [str(Path(sys.executable).parent / "mlflow"), "server", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--backend-store-uri", f"sqlite:///{tmp_path / 'server.db'}", "--workers", "1"]
    argv += ["--artifacts-destination", str(tmp_path / "server-artifacts")]
    env = {**os.environ, "HOME": str(tmp_path)}
    with process(argv, env, tmp_path / "server.log", f"{url}/health"):
        s = Source(tmp_path, url)
        for c in (1.0, 2.0):
            s.log("churn", c)
        s.client.set_registered_model_alias("churn", "champion", "1")
        s.client.transition_model_version_stage("churn", "1", "Production")
        monkeypatch.delenv(
            "MLFLOW_TRACKING_URI", raising=False
        )  # which mlflow.set_tracking_uri sets: not the user's case
        proc = cli(target.root, "import", "mlflow", url)
        assert proc.returncode == 0, proc.stderr
        assert "imported 2 versions from http://127.0.0.1:" in proc.stdout
        got = Path(
            mlflow.artifacts.download_artifacts(
                artifact_uri="models:/churn/1", tracking_uri=url, dst_path=str(tmp_path / "theirs")
            )
        )
        s.log("churn", 3.0)
        monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
        sync = cli(target.root, "sync", "mlflow", url, "--json")
        assert sync.returncode == 0 and json.loads(sync.stdout)["imported"] == ["churn v3"], sync.stderr
    assert target.git("status", "--porcelain") == ""  # no mlflow.db of MLflow's default tracking URI
    assert cli(target.root, "check").returncode == 0
    reg = Registry(target.root)
    assert reg.get("models:/churn@champion").number == reg.get("models:/churn/production").number == 1
    assert reg.get("models:/churn/2").metrics == {"accuracy": 0.92}
    mine = reg.pull("models:/churn/1", tmp_path / "mine")
    assert _files(Path(mine)) == _files(got)
