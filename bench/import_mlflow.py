"""`registry import mlflow` of an MLflow SQLite registry of small scikit-learn models.

    python bench/import_mlflow.py [--models 100] [--versions 10]

Fills an MLflow SQLite registry through MLflow's client: ten small
scikit-learn models saved once (`mlflow.sklearn.save_model`), each model's
versions made from them with `create_model_version` (so MLflow downloads
real model folders), the newest version of each model in Production, the
one before in Staging, aliases champion and challenger, a tag on every
version. Then times, in fresh processes as a user runs them: the import
into a new `registry init` registry, a `registry check` of the result, and
a `registry sync` with nothing to bring. Prints a table, with MLflow's own
time to read everything the import reads (the listing, each run, each
download) for comparison.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import machine_info  # noqa: E402

BIN = Path(sys.executable).parent


def fill(uri: str, folder: Path, models: int, versions: int) -> int:
    import numpy as np
    from mlflow import MlflowClient
    from mlflow.sklearn import save_model
    from sklearn.linear_model import LogisticRegression

    x = np.array([[0.0, 0.1], [0.2, 0.1], [0.9, 1.0], [1.0, 0.8]])
    saved = []
    for i in range(10):
        path = folder / f"saved{i}"
        save_model(
            LogisticRegression(C=1.0 + i).fit(x, [0, 0, 1, 1]), path, pip_requirements=["scikit-learn"]
        )
        saved.append(path)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    count = 0
    for m in range(models):
        name = f"Model {m:04d}"
        client.create_registered_model(name, tags={"team": f"t{m % 7}"})
        for v in range(1, versions + 1):
            client.create_model_version(name, str(saved[(m + v) % 10]), tags={"seed": str(v)})
            count += 1
        client.transition_model_version_stage(name, str(versions), "Production")
        if versions > 1:
            client.transition_model_version_stage(name, str(versions - 1), "Staging")
            client.set_registered_model_alias(name, "challenger", str(versions - 1))
        client.set_registered_model_alias(name, "champion", str(versions))
    return count


def read_all(uri: str, scratch: Path) -> float:
    """MLflow's own time to read what the import reads: every model and
    version, and a download of each version."""
    import mlflow
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    mlflow.set_registry_uri(uri)
    start = time.perf_counter()
    for rm in client.search_registered_models(max_results=1000):
        for v in client.search_model_versions(f"name='{rm.name}'"):
            mlflow.artifacts.download_artifacts(
                f"models:/{rm.name}/{v.version}", dst_path=str(scratch / rm.name / str(v.version))
            )
    return time.perf_counter() - start


def timed(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", type=int, default=100)
    ap.add_argument("--versions", type=int, default=10)
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory(prefix="registry-import-bench-") as tmp:
        base = Path(tmp)
        uri = f"sqlite:///{base / 'mlflow.db'}"
        start = time.perf_counter()
        n = fill(uri, base, args.models, args.versions)
        filled = time.perf_counter() - start
        reg = base / "registry"
        subprocess.run([str(BIN / "registry"), "init", str(reg)], check=True, capture_output=True)
        registry = [str(BIN / "registry")]
        rows = [
            ("`registry import mlflow`", timed([*registry, "import", "mlflow", uri], reg)),
            ("`registry check` of the result", timed([*registry, "check"], reg)),
            ("`registry sync mlflow`, nothing to bring", timed([*registry, "sync", "mlflow", uri], reg)),
            ("MLflow alone: list everything and download each version", read_all(uri, base / "read")),
        ]
        commits = subprocess.run(
            ["git", "rev-list", "--count", "HEAD"], cwd=reg, capture_output=True, text=True
        )
        print("\n".join(machine_info()))
        print(
            f"- {args.models} models x {args.versions} versions ({n} in MLflow's SQLite registry, filled in "
            f"{filled:.0f} s); the import made {commits.stdout.strip()} commits\n"
        )
        print("| step | seconds | per version, ms |")
        print("|---|---:|---:|")
        for name, seconds in rows:
            print(f"| {name} | {seconds:.1f} | {seconds / n * 1000:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
