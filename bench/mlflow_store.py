"""MLflow's client over its own SQLite registry and over the git registry, side by side.

    python bench/mlflow_store.py [--models 1000 --versions 20 --commits 5000] [--runs 7]

Makes the reference registry with bench/generate.py, and the same models,
versions, tags, stages and aliases in MLflow's SQLite registry through
MLflow's own client (the records' artifacts are not needed for reads: each
SQLite version's source is a dummy path). Then times, in one process and
warm (one call first, then the median of ``--runs``), the calls a
deployment makes: `get_registered_model`, `get_model_version_by_alias`,
`search_model_versions("name='m0001'")`, a tag search that returns about a
quarter of all versions, `search_registered_models()` of every model, and
resolving `models:/m0001@champion` to a download URI. Prints both columns
and the ratio git / SQLite. Writes are timed by `bench/run.py`'s write rows
and MLflow's own `register_model`, which both need real artifacts; see the
README of `examples/mlflow/`.
"""

from __future__ import annotations

import argparse
import os
import statistics
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


def fill_sqlite(client: Any, repo: Path) -> int:
    """The git registry's models, versions, tags, stages and aliases in MLflow's registry."""
    from registry import Registry

    reg = Registry(repo)
    count = 0
    for name, rm in sorted(reg.models.items()):
        client.create_registered_model(name, tags=dict(rm.model.tags), description=rm.model.description)
        for number in sorted(rm.versions):
            v = rm.versions[number]
            mv = client.create_model_version(
                name,
                source=f"/dummy/{name}/{number}",
                tags={k: str(t) for k, t in v.tags.items()},
                description=v.description,
            )
            if v.stage != "none":
                client.transition_model_version_stage(name, mv.version, STAGE[v.stage])
            count += 1
        for alias, number in rm.model.aliases.items():
            client.set_registered_model_alias(name, alias, number)
    return count


def timed(call: Callable[[], Any], runs: int) -> float:
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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
        sqlite = MlflowClient(tracking_uri=db, registry_uri=db)
        start = time.perf_counter()
        n = fill_sqlite(sqlite, repo)
        filled = time.perf_counter() - start
        git = MlflowClient(tracking_uri=db, registry_uri=f"git-registry://{repo}")
        print("\n".join(machine_info()))
        print(
            f"- {args.models} models x {args.versions} versions ({n} in SQLite, filled in {filled:.0f} s "
            f"through MLflow's client); median of {args.runs} warm calls in one process\n"
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
        print("| call | SQLite median s | git registry median s | git / SQLite | rows |")
        print("|---|---:|---:|---:|---:|")
        for name, call in calls.items():
            rows = _rows(call(sqlite))
            assert rows == _rows(call(git)), f"{name}: the two registries answer differently"
            a = timed(lambda call=call: call(sqlite), args.runs)
            b = timed(lambda call=call: call(git), args.runs)
            print(f"| {name} | {a:.4f} | {b:.4f} | {b / a:.2f} | {rows} |", flush=True)
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
