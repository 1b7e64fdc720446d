"""MLflow's client over its own SQLite registry and over the git registry, side by side.

    python bench/mlflow_store.py [--models 1000 --versions 20 --commits 5000] [--runs 7]

Makes the reference registry with bench/generate.py, and the same models,
versions, tags, stages and aliases in MLflow's SQLite registry, written
through MLflow's own tables (the records' artifacts are not needed for
reads: each SQLite version's source is a dummy path). Then times, in one
process, the calls a deployment makes: `get_registered_model`,
`get_model_version_by_alias`, `search_model_versions("name='m0001'")`, a
tag search that returns about a third of all versions,
`search_registered_models()` of every model, and resolving
`models:/m0001@champion` to a download URI; each warm (the median of
``--runs``) and its first call (what a fresh process, or the first read
after a change, pays). Prints both columns and the ratio git / SQLite, then
times MLflow's `register_model` of a small logged scikit-learn model on
both (the git registry's default remote unset: into the DVC cache only).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import generate  # noqa: E402
from run import machine_info  # noqa: E402

STAGE = {"none": "None", "staging": "Staging", "production": "Production", "archived": "Archived"}


def fill_sqlite(db: str, repo: Path) -> int:
    """The git registry's models, versions, tags, stages and aliases in
    MLflow's SQLite registry, written in one transaction through MLflow's
    own tables (``SqlAlchemyStore``'s ORM classes): the client would take
    a quarter of an hour for 20,000 versions, one call each, and the reads
    timed do not depend on how the rows got there."""
    from mlflow.store.model_registry.dbmodels import models as orm
    from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore

    from registry import Registry

    store = SqlAlchemyStore(db)  # makes the tables, as `mlflow server` does
    reg = Registry(repo)
    count = 0
    rows: list[Any] = []
    for name, rm in sorted(reg.models.items()):
        times = [int(v.created_at.timestamp() * 1000) for v in rm.versions.values()]
        rows.append(
            orm.SqlRegisteredModel(
                name=name,
                creation_time=min(times, default=0),
                last_updated_time=max(times, default=0),
                description=rm.model.description,
            )
        )
        rows += [orm.SqlRegisteredModelTag(name=name, key=k, value=str(t)) for k, t in rm.model.tags.items()]
        for number, v in sorted(rm.versions.items()):
            created = int(v.created_at.timestamp() * 1000)
            rows.append(
                orm.SqlModelVersion(
                    name=name,
                    version=number,
                    creation_time=created,
                    last_updated_time=created,
                    description=v.description,
                    current_stage=STAGE[v.stage],
                    source=f"/dummy/{name}/{number}",
                    status="READY",
                )
            )
            rows += [
                orm.SqlModelVersionTag(name=name, version=number, key=k, value=str(t))
                for k, t in v.tags.items()
            ]
            count += 1
        rows += [
            orm.SqlRegisteredModelAlias(name=name, alias=a, version=n) for a, n in rm.model.aliases.items()
        ]
    with store.ManagedSessionMaker() as session:
        models = [r for r in rows if isinstance(r, orm.SqlRegisteredModel)]
        session.add_all(models)
        session.flush()
        session.add_all([r for r in rows if isinstance(r, orm.SqlModelVersion)])
        session.flush()
        session.add_all([r for r in rows if not isinstance(r, (orm.SqlRegisteredModel, orm.SqlModelVersion))])
    return count


def small_model(folder: Path, tracking: str) -> str:
    """A logged scikit-learn model (six rows), for the register rows: its ``runs:/`` URI."""
    import mlflow
    import numpy as np
    import sklearn.linear_model as sklearn_linear

    mlflow.set_tracking_uri(tracking)
    x = np.array([[0.0, 0.1], [0.2, 0.1], [0.9, 1.0], [1.0, 0.8], [0.1, 0.0], [0.8, 0.9]])
    model = sklearn_linear.LogisticRegression().fit(x, [0, 0, 1, 1, 0, 1])
    experiment = mlflow.create_experiment("bench", artifact_location=(folder / "artifacts").as_uri())
    with mlflow.start_run(experiment_id=experiment) as run:
        mlflow.sklearn.log_model(model, name="model", pip_requirements=["scikit-learn"])
    return f"runs:/{run.info.run_id}/model"


def timed(call: Callable[[], Any], runs: int) -> float:
    return first_and_median(call, runs)[1]


def first_and_median(call: Callable[[], Any], runs: int) -> tuple[float, float]:
    """The first call's time (what a fresh process, or the first read after a change, pays) and the warm median."""
    start = time.perf_counter()
    call()
    first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return first, statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", type=int, default=1000)
    ap.add_argument("--versions", type=int, default=20)
    ap.add_argument("--commits", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    import warnings

    warnings.simplefilter("ignore")  # the stage calls' FutureWarning, once per call
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    from mlflow import MlflowClient

    with tempfile.TemporaryDirectory(prefix="registry-mlflow-bench-") as tmp:
        repo = Path(tmp) / "registry"
        generate.generate(repo, args.models, args.versions, args.commits, 0)
        db = f"sqlite:///{Path(tmp) / 'mlflow.db'}"
        start = time.perf_counter()
        n = fill_sqlite(db, repo)
        filled = time.perf_counter() - start
        sqlite = MlflowClient(tracking_uri=db, registry_uri=db)
        git = MlflowClient(tracking_uri=db, registry_uri=f"git-registry://{repo}")
        time.sleep(2.1)  # past the memo's racy window for the files just written (registry/mlflow/memo.py)
        print("\n".join(machine_info()))
        print(
            f"- {args.models} models x {args.versions} versions ({n} in SQLite, filled in {filled:.0f} s "
            f"through MLflow's tables); median of {args.runs} warm calls in one process\n"
        )
        tag = "tags.framework = 'onnx'"
        calls: dict[str, Callable[[Any], Any]] = {
            "`get_registered_model('m0001')`": lambda c: c.get_registered_model("m0001"),
            "`get_model_version_by_alias('m0001', 'champion')`": lambda c: c.get_model_version_by_alias(
                "m0001", "champion"
            ),
            "`search_model_versions(\"name='m0001'\")`": lambda c: c.search_model_versions("name='m0001'"),
            f'`search_model_versions("{tag}")`, all pages': lambda c: _all_versions(c, tag),
            "`search_registered_models()`, all pages": lambda c: _all_models(c),
            "`models:/m0001@champion` to a download URI": lambda c: c.get_model_version_download_uri(
                "m0001", c.get_model_version_by_alias("m0001", "champion").version
            ),
        }
        print(
            "| call | SQLite median s | git registry median s | git / SQLite | first call: SQLite s | git s | rows |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        answers = {name: _rows(call(sqlite)) for name, call in calls.items()}  # SQLite warmed, git not
        for name, call in calls.items():
            fa, a = first_and_median(lambda call=call: call(sqlite), args.runs)
            fb, b = first_and_median(lambda call=call: call(git), args.runs)
            rows = _rows(call(git))
            assert rows == answers[name], f"{name}: the two registries answer differently"
            print(f"| {name} | {a:.4f} | {b:.4f} | {b / a:.2f} | {fa:.4f} | {fb:.4f} | {rows} |", flush=True)
        import mlflow

        model_uri = small_model(Path(tmp), db)
        # the generated registry names an S3 remote that is not there: register into the cache only
        subprocess.run([sys.executable, "-m", "dvc", "remote", "default", "--unset"], cwd=repo, check=True)
        for uri in (db, f"git-registry://{repo}"):
            mlflow.set_registry_uri(uri)
            mlflow.register_model(model_uri, "m0001")  # warm: imports, first commit
        a = timed(lambda: (mlflow.set_registry_uri(db), mlflow.register_model(model_uri, "m0001")), 3)
        uri = f"git-registry://{repo}"
        b = timed(lambda: (mlflow.set_registry_uri(uri), mlflow.register_model(model_uri, "m0001")), 3)
        print(
            f"| `register_model` of a small model (m0001) | {a:.4f} | {b:.4f} | {b / a:.2f} | | | 1 |",
            flush=True,
        )
    return 0


def _rows(result: Any) -> int:
    return len(result) if isinstance(result, list) else 1


def _all_versions(client: Any, query: str) -> list[Any]:
    out: list[Any] = []
    token = None
    while True:
        page = client.search_model_versions(query, max_results=10_000, page_token=token)
        out += list(page)
        token = page.token
        if not token:
            return out


def _all_models(client: Any) -> list[Any]:
    out: list[Any] = []
    token = None
    while True:
        page = client.search_registered_models(max_results=1000, page_token=token)
        out += list(page)
        token = page.token
        if not token:
            return out


if __name__ == "__main__":
    sys.exit(main())
