"""The bundled example registry: valid, reproducible, and pullable offline."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from registry import Registry
from registry.check import check
from tests.builder import dvc

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
    for pointer in dvc_pointers():
        out = yaml.safe_load(pointer.read_text())["outs"][0]
        made = tmp_path / pointer.relative_to(ROOT).parent / out["path"]
        assert hashlib.md5(made.read_bytes()).hexdigest() == out["md5"], made


def test_fresh_clone_pulls_an_artifact_from_the_bundled_remote(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    version = Registry(clone).get("models:/fraud-detector@champion")
    target = f"models/fraud-detector/{version.artifact.path}"
    dvc(clone, "pull", "-q", target)
    data = (clone / target).read_bytes()
    assert hashlib.md5(data).hexdigest() == version.artifact.md5
    assert len(data) == version.artifact.size
