"""Loading and serving through MLflow, and MLflow's UI, over the git registry.

One registry for the file: a training run registers ``scorer`` through
MLflow (its bytes pushed to the folder DVC remote), promotes it and points
``champion`` at it. Then, each in its own processes as a user runs them:
a fresh clone with an empty DVC cache loads ``models:/scorer@champion``,
``mlflow models serve`` answers predictions, and ``mlflow server``'s UI
(driven by Playwright and Debian's Chromium) shows the registry's models.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pytest
import sklearn.linear_model as sklearn_linear  # type: ignore[import-untyped]
from mlflow import MlflowClient
from playwright import sync_api

from tests.builder import RegistryBuilder
from tests.servers import free_port, process

BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
X = np.array([[0.0, 0.1], [0.2, 0.1], [0.9, 1.0], [1.0, 0.8], [0.1, 0.0], [0.8, 0.9]])
Y = np.array([0, 0, 1, 1, 0, 1])
EXPECTED = [0, 0, 1, 1, 0, 1]


@dataclass(frozen=True)
class World:
    """The registry, its DVC remote, the tracking store and a scratch folder for processes."""

    root: Path
    remote: Path
    tracking: str
    work: Path

    @property
    def uri(self) -> str:
        return f"git-registry://{self.root}"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a user's process: the venv's commands first, a HOME of its own."""
        home = self.work / "home"
        home.mkdir(exist_ok=True)
        return {
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            **extra,
        }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("serving")
    repo = RegistryBuilder(base / "registry")
    repo.init_dvc(base / "remote")
    repo.write("registry.yaml", "{}\n")
    repo.commit("a registry")
    tracking = f"sqlite:///{base / 'tracking.db'}"
    saved = {k: os.environ.get(k) for k in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")}
    os.environ.pop("MLFLOW_REGISTRY_URI", None)
    os.environ["MLFLOW_TRACKING_URI"] = tracking
    w = World(repo.root, base / "remote", tracking, base / "work")
    w.work.mkdir()
    mlflow.set_tracking_uri(tracking)
    mlflow.set_registry_uri(w.uri)
    try:
        warnings.filterwarnings("ignore", category=FutureWarning)  # MLflow's stage calls warn
        model = sklearn_linear.LogisticRegression().fit(X, Y)
        client = MlflowClient()
        experiment = client.create_experiment("train", artifact_location=(base / "artifacts").as_uri())
        with mlflow.start_run(experiment_id=experiment):
            mlflow.log_metric("accuracy", 1.0)
            signature = mlflow.models.infer_signature(X, model.predict(X))
            mlflow.sklearn.log_model(model, name="model", signature=signature, registered_model_name="scorer")
        client.update_registered_model("scorer", "Scores things.")
        client.set_registered_model_tag("scorer", "domain", "demo")
        client.set_model_version_tag("scorer", "1", "team", "ml")
        client.update_model_version("scorer", "1", "Logistic regression.")
        client.transition_model_version_stage("scorer", 1, "Staging")
        client.transition_model_version_stage("scorer", 1, "Production")
        client.set_registered_model_alias("scorer", "champion", "1")
        client.create_registered_model("ranker", description="No versions yet.")
        yield w
    finally:
        mlflow.set_registry_uri("")
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def test_a_fresh_clone_loads_the_champion_from_the_dvc_remote(world: World) -> None:
    clone = world.work / "clone"
    _git(world.work, "clone", "-q", str(world.root), str(clone))
    assert not (clone / ".dvc/cache").exists()  # the bytes can only come from the remote
    load = (
        "import json, sys, mlflow, numpy as np\n"
        "model = mlflow.pyfunc.load_model('models:/scorer@champion')\n"
        "print(json.dumps([int(p) for p in model.predict(np.array(json.loads(sys.argv[1])))]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", load, json.dumps(X.tolist())],
        cwd=world.work,
        env=world.env(MLFLOW_REGISTRY_URI=f"git-registry://{clone}"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == EXPECTED
    assert _git(clone, "status", "--porcelain") == ""
    assert not (clone / "models/scorer/artifacts/1/model").exists()  # pulled into MLflow's folder only


def test_mlflow_models_serve_answers_predictions(world: World) -> None:
    port = free_port()
    argv = [str(BIN / "mlflow"), "models", "serve", "-m", "models:/scorer@champion"]
    argv += ["--env-manager", "local", "--host", "127.0.0.1", "--port", str(port)]
    env = world.env(MLFLOW_REGISTRY_URI=world.uri)
    with process(argv, env, world.work / "serve.log", f"http://127.0.0.1:{port}/ping"):
        body = json.dumps({"inputs": X.tolist()}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/invocations", body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            got = json.loads(answer.read())
    assert [int(p) for p in got["predictions"]] == EXPECTED
    assert _git(world.root, "status", "--porcelain") == ""


@pytest.fixture(scope="module")
def browser(world: World) -> Iterator[Any]:
    assert Path(CHROMIUM).exists(), "chromium is not installed: run the README's test command"
    env: dict[str, str | float | bool] = {**world.env()}
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], env=env)
        yield b
        b.close()


def test_mlflow_servers_ui_shows_the_registrys_models(world: World, browser: Any) -> None:
    port = free_port()
    argv = [str(BIN / "mlflow"), "server", "--backend-store-uri", world.tracking]  # the team's tracking store
    argv += ["--registry-store-uri", world.uri, "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    url = f"http://127.0.0.1:{port}"
    log = world.work / "server.log"
    with process(argv, world.env(), log, f"{url}/health"):
        # a write through the server's REST API: the server delivers (no) webhooks after it
        MlflowClient(tracking_uri=url, registry_uri=url).set_model_version_tag("scorer", "1", "via", "server")
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        main = page.locator("main")
        try:
            # MLflow offers its new registry UI once, whenever the page is ready: dismiss it, keep the stages
            page.add_locator_handler(page.get_by_role("dialog"), lambda dialog: page.keyboard.press("Escape"))
            page.goto(f"{url}/#/models")
            scorer = page.get_by_role("link", name="scorer", exact=True)
            sync_api.expect(scorer).to_be_visible(timeout=30_000)
            sync_api.expect(page.get_by_role("link", name="ranker", exact=True)).to_be_visible(timeout=30_000)
            sync_api.expect(main).to_contain_text("domain: demo", timeout=30_000)
            scorer.click()
            page.wait_for_url("**/#/models/scorer")
            sync_api.expect(main).to_contain_text("Scores things.", timeout=30_000)
            for text in ("domain", "demo", "@ champion", "team: ml", "via: server"):
                sync_api.expect(main).to_contain_text(text, timeout=30_000)
            main.get_by_role("link", name="Version 1", exact=True).first.click()
            page.wait_for_url("**/#/models/scorer/versions/1")
            # the model page's table shows the description too: wait for a text only the version page has
            sync_api.expect(main).to_contain_text("Stage (deprecated)", timeout=30_000)
            for text in ("Logistic regression.", "@ champion", "Production", "team", "via", "server"):
                sync_api.expect(main).to_contain_text(text, timeout=30_000)
            assert errors == []
        finally:
            context.close()
    text = log.read_text(errors="replace")
    assert "Failed to deliver webhook" not in text
    assert "Traceback" not in text, text
    assert _git(world.root, "status", "--porcelain") == ""
