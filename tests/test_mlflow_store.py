"""MLflow's own client over the registry: the ``git-registry:`` store and its artifact repository.

Real MLflow code throughout: a SQLite tracking store in a temporary folder,
``log_model(registered_model_name=...)`` of a small scikit-learn model,
``MlflowClient`` calls, ``mlflow.pyfunc.load_model`` of ``models:/`` URIs.
The registry is a real one (git and DVC, a folder remote). The first tests
read what the module's fixture registered; the later ones write.
"""

from __future__ import annotations

import os
import shutil
import time
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
from registry.mlflow import memo
from registry.mlflow.store import GitRegistryStore
from registry.mlflow.uri import artifact_uri, parse_artifact_uri, parse_store_uri
from tests.builder import RegistryBuilder, cli

REGISTRY_YAML = """\
policy:
  gates:
    production:
      require: [description]
  aliases:
    champion: {stage: production}
"""

X = np.array([[0.0, 0.1], [0.2, 0.1], [0.9, 1.0], [1.0, 0.8], [0.1, 0.0], [0.8, 0.9]])
Y = np.array([0, 0, 1, 1, 0, 1])


class World:
    """A registry, a tracking store and the MLflow URIs that point at them."""

    def __init__(self, repo: RegistryBuilder, tracking: str) -> None:
        self.repo = repo
        self.root = repo.root
        self.uri = f"git-registry://{repo.root}"
        self.tracking = tracking
        self.client = MlflowClient(tracking_uri=tracking, registry_uri=self.uri)
        self.run_id = ""

    def status(self) -> str:
        return self.repo.git("status", "--porcelain")

    def commits(self) -> int:
        return int(self.repo.git("rev-list", "--count", "HEAD"))


def _error_code(info: pytest.ExceptionInfo[MlflowException]) -> str:
    return str(info.value.error_code)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("mlflow")
    repo = RegistryBuilder(base / "registry")
    repo.init_dvc(base / "remote")
    repo.write("registry.yaml", REGISTRY_YAML)
    repo.commit("a registry")
    tracking = f"sqlite:///{base / 'tracking.db'}"
    saved = {k: os.environ.get(k) for k in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")}
    os.environ["MLFLOW_TRACKING_URI"] = tracking
    os.environ.pop("MLFLOW_REGISTRY_URI", None)
    mlflow.set_tracking_uri(tracking)
    w = World(repo, tracking)
    mlflow.set_registry_uri(w.uri)
    warnings.filterwarnings("ignore", category=FutureWarning)  # MLflow's stage calls warn
    model = sklearn_linear.LogisticRegression().fit(X, Y)
    artifacts = (base / "artifacts").as_uri()  # not ./mlruns, the tracking store's default
    experiment = MlflowClient(tracking_uri=tracking).create_experiment("train", artifact_location=artifacts)
    with mlflow.start_run(experiment_id=experiment) as run:
        mlflow.log_param("C", 1.0)
        mlflow.log_metric("accuracy", 1.0)
        signature = mlflow.models.infer_signature(X, model.predict(X))
        info = mlflow.sklearn.log_model(
            model, name="model", signature=signature, registered_model_name="scorer"
        )
    w.run_id = run.info.run_id
    mlflow.register_model(info.model_uri, "scorer")  # after training: version 2
    yield w
    mlflow.set_registry_uri("")
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _predict(uri: str) -> list[int]:
    return [int(p) for p in mlflow.pyfunc.load_model(uri).predict(X[:3])]


# -- URIs -----------------------------------------------------------------------


def test_store_uris_are_absolute_or_relative_to_the_working_directory(tmp_path: Path) -> None:
    assert parse_store_uri("git-registry:///srv/reg").root == Path("/srv/reg")
    assert parse_store_uri("git-registry:rel/reg").root == Path.cwd() / "rel/reg"
    uri = artifact_uri(Path("/srv/my reg"), "scorer", 3)
    assert uri == "git-registry-artifact:///srv/my%20reg/?model=scorer&version=3"
    team = parse_store_uri("git-registry:///srv/reg?branch=ci/train-42&push=origin")
    assert (team.root, team.branch, team.push) == (Path("/srv/reg"), "ci/train-42", "origin")
    where = parse_artifact_uri(uri)
    assert (where.root, where.model, where.version) == (Path("/srv/my reg"), "scorer", 3)


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("git-registry://host/srv/reg", "names no host"),
        ("git-registry:///srv/reg?colour=red", "unknown query key 'colour'"),
        ("git-registry:///srv/reg?branch=../x", "not a branch name"),
        ("git-registry:///srv/reg?branch=ci&push=--upload-pack=x", "names a git remote"),
        ("git-registry:///srv/reg?branch=a&branch=b", "given twice"),
    ],
)
def test_a_store_uri_that_cannot_be_served_is_refused(uri: str, message: str) -> None:
    with pytest.raises(MlflowException, match=message) as info:
        GitRegistryStore(uri)
    assert _error_code(info) == "INVALID_PARAMETER_VALUE"


# -- what the fixture registered ---------------------------------------------------


def test_log_model_and_register_model_make_versions_with_the_runs_values(world: World) -> None:
    assert world.commits() == 4  # the registry, create scorer, v1, v2
    v1 = world.client.get_model_version("scorer", 1)
    assert (v1.version, v1.current_stage, v1.status, v1.run_id) == ("1", "None", "READY", world.run_id)
    assert isinstance(v1.creation_timestamp, int) and v1.creation_timestamp > 1_700_000_000_000
    record = Registry(world.root).get("models:/scorer/2")
    assert record.metrics == {"accuracy": 1.0} and record.params == {"C": "1.0"}
    assert record.lineage.run is not None and record.lineage.run.id == world.run_id
    assert record.lineage.run.uri is not None and record.lineage.run.uri.startswith("models:/m-")
    assert (
        record.signature is not None
        and record.format is not None
        and "sklearn" in {f.name for f in record.format.flavors}
    )
    assert world.client.get_model_version("scorer", "2").source == record.lineage.run.uri
    assert not (world.root / "models/scorer/artifacts/1/model/registered_model_meta").exists()
    assert world.status() == ""


def test_get_search_and_latest_read_the_registry(world: World) -> None:
    model = world.client.get_registered_model("scorer")
    assert model.name == "scorer" and [v.version for v in model.latest_versions] == ["2"]
    assert [m.name for m in world.client.search_registered_models()] == ["scorer"]
    assert [m.name for m in world.client.search_registered_models("name LIKE 'sc%'")] == ["scorer"]
    assert world.client.search_registered_models("name = 'other'") == []
    found = world.client.search_model_versions("name = 'scorer'", order_by=["version_number ASC"])
    assert [v.version for v in found] == ["1", "2"]
    assert [v.version for v in world.client.search_model_versions(f"run_id = '{world.run_id}'")] == ["2", "1"]
    page = world.client.search_model_versions("name = 'scorer'", max_results=1)
    assert [v.version for v in page] == ["2"] and page.token
    rest = world.client.search_model_versions("name = 'scorer'", max_results=1, page_token=page.token)
    assert [v.version for v in rest] == ["1"] and not rest.token
    assert [v.version for v in world.client.get_latest_versions("scorer", stages=["None"])] == ["2"]
    with pytest.raises(MlflowException) as info:
        world.client.get_registered_model("nothing")
    assert _error_code(info) == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(MlflowException, match=r"source in lineage\.run\.uri") as info:
        world.client.search_model_versions("source_path = 'x'")
    assert _error_code(info) == "INVALID_PARAMETER_VALUE"


def test_every_way_of_choosing_the_registry_selects_the_plugin(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert MlflowClient(tracking_uri=world.tracking).get_registered_model("scorer").name == "scorer"
    monkeypatch.setattr("mlflow.tracking._model_registry.utils._registry_uri", None)  # as if never set
    monkeypatch.setenv("MLFLOW_REGISTRY_URI", world.uri)
    assert MlflowClient(tracking_uri=world.tracking).get_registered_model("scorer").name == "scorer"
    monkeypatch.chdir(world.root.parent)
    relative = MlflowClient(tracking_uri=world.tracking, registry_uri=f"git-registry:{world.root.name}")
    assert relative.get_registered_model("scorer").name == "scorer"


def test_the_download_uri_loads_without_touching_the_work_tree(world: World, tmp_path: Path) -> None:
    shutil.rmtree(world.root / "models/scorer/artifacts/1/model")  # register put it there; git ignores it
    uri = world.client.get_model_version_download_uri("scorer", 1)
    assert uri == f"git-registry-artifact://{world.root}/?model=scorer&version=1"
    got = Path(mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=str(tmp_path)))
    assert (got / "MLmodel").is_file()
    assert _predict("models:/scorer/1") == [0, 0, 1]
    assert _predict("models:/scorer@latest") == [0, 0, 1]
    assert not (world.root / "models/scorer/artifacts/1/model").exists()  # pulled to MLflow's folder only
    assert world.status() == ""


def test_get_registered_model_is_cheap_warm(world: World) -> None:
    store = GitRegistryStore(world.uri)
    store.get_registered_model("scorer")
    runs = 20
    start = time.perf_counter()
    for _ in range(runs):
        store.get_registered_model("scorer")
    each = (time.perf_counter() - start) / runs
    assert each < 0.5, f"get_registered_model took {each * 1000:.1f} ms"  # a bound, not the benchmark


def test_a_kept_model_gives_way_to_an_edit_of_its_files(world: World) -> None:
    store = GitRegistryStore(world.uri)
    record = world.root / "models/scorer/versions/1.yaml"
    time.sleep(memo.RACY_NS / 1e9 + 0.1)  # older than the racy window: a stat can vouch for them
    assert store.get_model_version("scorer", 1).run_id == world.run_id
    assert store._memo.get("scorer", memo.stamp(world.root, "scorer")) is not None, "the read was not kept"
    other = world.run_id[::-1]  # the same size: only the stat's times can tell
    with record.open("r+") as fh:  # in place, at once
        text = fh.read()
        fh.seek(0)
        fh.write(text.replace(world.run_id, other))
    assert store.get_model_version("scorer", 1).run_id == other
    assert store.get_model_version_by_alias("scorer", "latest").run_id == world.run_id  # v2
    world.repo.git("checkout", "--", "models/scorer/versions/1.yaml")
    assert store.get_model_version("scorer", 1).run_id == world.run_id
    assert world.status() == ""


# -- writes ----------------------------------------------------------------------------


def test_a_gate_breaking_transition_is_refused_with_the_checkers_message(world: World) -> None:
    before = world.commits()
    with pytest.raises(MlflowException, match="transition") as info:
        world.client.transition_model_version_stage("scorer", 1, "Production")  # none -> production
    assert _error_code(info) == "INVALID_PARAMETER_VALUE"
    world.client.transition_model_version_stage("scorer", 1, "staging")
    with pytest.raises(MlflowException, match="description") as info:
        world.client.transition_model_version_stage("scorer", 1, "Production")  # the gate needs one
    assert _error_code(info) == "INVALID_PARAMETER_VALUE"
    assert world.commits() == before + 1 and world.status() == ""


def test_stages_aliases_tags_and_descriptions(world: World) -> None:
    c = world.client
    c.update_model_version("scorer", 1, "Logistic regression, first try.")
    c.update_model_version("scorer", 2, "Logistic regression, registered after training.")
    c.update_registered_model("scorer", "Scores things.")
    assert c.transition_model_version_stage("scorer", 1, "Production").current_stage == "Production"
    c.set_registered_model_alias("scorer", "champion", 1)
    c.transition_model_version_stage("scorer", "2", "Staging")
    moved = c.transition_model_version_stage("scorer", 2, "production", archive_existing_versions=True)
    assert moved.current_stage == "Production"
    assert c.get_model_version("scorer", 1).current_stage == "Archived"
    assert c.get_model_version_by_alias("scorer", "champion").version == "2"  # a protected alias follows
    c.set_registered_model_alias("scorer", "challenger", "1")
    c.delete_registered_model_alias("scorer", "challenger")
    c.set_registered_model_tag("scorer", "domain", "demo")
    c.set_model_version_tag("scorer", 2, "reviewed", "yes")
    c.delete_model_version_tag("scorer", 2, "reviewed")
    c.set_model_version_tag("scorer", 2, "team", "ml")
    model = c.get_registered_model("scorer")
    assert (model.description, model.tags, model.aliases) == (
        "Scores things.",
        {"domain": "demo"},
        {"champion": "2"},
    )
    assert c.get_model_version("scorer", 2).tags == {"team": "ml"}
    assert [v.version for v in c.search_model_versions("tags.team = 'ml'")] == ["2"]
    assert [m.name for m in c.search_registered_models("tags.domain = 'demo'")] == ["scorer"]
    assert _predict("models:/scorer/Production") == [0, 0, 1]
    assert _predict("models:/scorer@champion") == [0, 0, 1]
    with pytest.raises(MlflowException) as info:
        c.create_registered_model("scorer")
    assert _error_code(info) == "RESOURCE_ALREADY_EXISTS"
    assert world.status() == ""
    log = cli(world.root, "history", "scorer")
    assert log.returncode == 0 and "champion" in log.stdout


def test_copy_rename_and_delete(world: World) -> None:
    c = world.client
    copied = c.copy_model_version("models:/scorer/2", "scorer-prod")
    assert (copied.name, copied.version) == ("scorer-prod", "1")
    record = Registry(world.root).get("models:/scorer-prod/1")
    assert record.lineage.copied_from is not None and record.lineage.copied_from.model == "scorer"
    c.rename_registered_model("scorer-prod", "scorer-live")
    assert c.get_registered_model("scorer-live").name == "scorer-live"
    assert _predict("models:/scorer-live/1") == [0, 0, 1]
    c.create_registered_model("scratch", tags={"kind": "test"}, description="to delete")
    assert c.get_registered_model("scratch").tags == {"kind": "test"}
    c.set_registered_model_alias("scorer", "old", 1)
    c.delete_model_version("scorer", 1)  # its alias goes first
    with pytest.raises(MlflowException) as info:
        c.get_model_version("scorer", 1)
    assert _error_code(info) == "RESOURCE_DOES_NOT_EXIST"
    c.delete_registered_model("scratch")
    assert [m.name for m in c.search_registered_models()] == ["scorer", "scorer-live"]
    with pytest.raises(MlflowException, match="was deleted") as info:
        c.create_registered_model("scratch")
    assert _error_code(info) == "INVALID_PARAMETER_VALUE"
    assert world.status() == ""
    checked = cli(world.root, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_webhooks_are_none(world: World) -> None:
    store = GitRegistryStore(world.uri)
    assert list(store.list_webhooks_by_event(None)) == [] and list(store.list_webhooks()) == []
    with pytest.raises(MlflowException) as info:
        store.get_webhook("w1")
    assert _error_code(info) == "RESOURCE_DOES_NOT_EXIST"
