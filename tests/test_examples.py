"""The bundled example registry: valid, reproducible, and pullable offline."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from registry import Registry
from registry.check import check
from tests.builder import cli, dvc

ROOT = Path(__file__).resolve().parent.parent


def dvc_pointers() -> list[Path]:
    return sorted([*ROOT.glob("models/*/artifacts/*/*.dvc"), *ROOT.glob("examples/data/*.dvc")])


def test_example_registry_passes_the_checker() -> None:
    assert check(ROOT) == []


def test_example_registry_is_what_the_readme_promises() -> None:
    reg = Registry(ROOT)
    versions = [v for rm in reg.models.values() for v in rm.versions.values()]
    assert len(reg.models) >= 4 and len(versions) >= 14
    assert {v.stage for v in versions} >= {"none", "staging", "production", "archived"}
    assert any(v.parents for v in versions), "one model is fine-tuned from another"
    assert all(v.lineage.data and v.lineage.code for v in versions)
    for rm in reg.models.values():
        assert reg.get(f"models:/{rm.name}@champion").stage == "production"


def test_make_artifacts_reproduces_every_tracked_file(tmp_path: Path) -> None:
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "make_artifacts.py", tmp_path / "examples")
    subprocess.run([sys.executable, "examples/make_artifacts.py"], cwd=tmp_path, check=True, timeout=120)
    folders = 0
    for pointer in dvc_pointers():
        out = yaml.safe_load(pointer.read_text())["outs"][0]
        made = tmp_path / pointer.relative_to(ROOT).parent / out["path"]
        if out["md5"].endswith(".dir"):  # each file as the manifest in the bundled remote lists it
            folders += 1
            md5 = out["md5"]
            listed = json.loads((ROOT / "examples/dvc-remote/files/md5" / md5[:2] / md5[2:]).read_bytes())
            got = {p.relative_to(made).as_posix(): p.read_bytes() for p in made.rglob("*") if p.is_file()}
            assert {e["relpath"]: e["md5"] for e in listed} == {
                rel: hashlib.md5(data).hexdigest() for rel, data in got.items()
            }, made
            assert len(got) == out["nfiles"] and sum(map(len, got.values())) == out["size"]
        else:
            assert hashlib.md5(made.read_bytes()).hexdigest() == out["md5"], made
    assert folders >= 2


def test_fresh_clone_pulls_an_artifact_from_the_bundled_remote(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    version = Registry(clone).get("models:/fraud-detector@champion")
    target = f"models/fraud-detector/{version.artifact.path}"
    dvc(clone, "pull", "-q", target)
    data = (clone / target).read_bytes()
    assert hashlib.md5(data).hexdigest() == version.artifact.md5
    assert len(data) == version.artifact.size


def test_fresh_clone_pulls_the_folder_models_and_says_how_to_load_them(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    reg = Registry(clone)
    kinds = {}
    for rm in reg.models.values():
        for v in rm.versions.values():
            if v.format is not None:
                kinds[v.format.kind] = v
                got = reg.pull(v.ref)
                assert got.is_dir() and len([p for p in got.rglob("*") if p.is_file()]) == v.artifact.nfiles
    assert set(kinds) == {"mlflow", "huggingface"}
    proc = cli(clone, "show", kinds["mlflow"].ref)
    assert "format:  MLflow model: " in proc.stdout and "mlflow.pyfunc.load_model(" in proc.stdout
    assert (clone / "models" / kinds["mlflow"].model / kinds["mlflow"].artifact.path / "MLmodel").is_file()


def test_every_action_on_the_example_is_one_commit_with_trailers(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    start = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True).stdout
    weights = tmp_path / "model.onnx"
    weights.write_bytes(b"fraud weights v6" * 1000)
    actions = [
        ["register", "fraud-detector", str(weights), "--metric", "f1=0.91", "--metric", "precision=0.93"],
        ["describe", "fraud-detector/6", "Retrained on Q3 transactions."],
        ["promote", "fraud-detector", "6", "staging"],
        ["alias", "set", "fraud-detector", "challenger", "6"],
        ["tag", "set", "fraud-detector/6", "reviewed-by", "risk-team"],
        ["promote", "fraud-detector", "4", "production", "--reason", "beats v3 in shadow traffic"],
        ["rollback", "fraud-detector", "--reason", "p99 latency regression"],
        ["archive", "fraud-detector", "5"],
        ["alias", "rm", "fraud-detector", "challenger"],
    ]
    for args in actions:
        proc = cli(clone, *args)
        assert proc.returncode == 0, (args, proc.stderr)
    log = subprocess.run(
        ["git", "log", "--format=%s%x00%(trailers:only,unfold)%x01", f"{start.strip()}..HEAD"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commits = [entry.strip("\n").split("\0") for entry in log.split("\x01") if entry.strip()]
    assert len(commits) == len(actions)  # one commit per action
    subjects = [subject for subject, _ in reversed(commits)]
    assert subjects == [
        "register fraud-detector v6",
        "describe fraud-detector v6",
        "promote fraud-detector v6 to staging",
        "move fraud-detector@challenger to v6 (was v4)",
        "tag fraud-detector v6: reviewed-by=risk-team",
        "promote fraud-detector v4 to production",
        "roll back fraud-detector production to v3 (from v4)",
        "archive fraud-detector v5",
        "remove fraud-detector@challenger (was v6)",
    ]
    for (_, trailers), args in zip(reversed(commits), actions, strict=True):
        keys = dict(line.split(": ", 1) for line in trailers.splitlines())
        assert keys["Model"] == "fraud-detector" and "Registry-Action" in keys, (args, trailers)
    rollback = dict(line.split(": ", 1) for line in commits[2][1].splitlines())
    assert rollback == {
        "Registry-Action": "rollback",
        "Model": "fraud-detector",
        "Version": "3",
        "Stage": "production",
        "Alias": "champion",
        "Reason": "p99 latency regression",
    }
    assert check(clone) == []
