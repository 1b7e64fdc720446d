"""registry copy: a version registered again, in the same registry or in
another, with its bytes (verified), its record and where it came from."""

from __future__ import annotations

import subprocess
from pathlib import Path

from registry import Registry, write
from registry.check import check
from tests.builder import RegistryBuilder, cli
from tests.test_formats import mlflow_folder


def registry_at(path: Path, remote: Path) -> RegistryBuilder:
    repo = RegistryBuilder(path)
    repo.init_dvc(remote)
    repo.write("registry.yaml", "{}\n")
    repo.commit("a registry")
    return repo


def test_copy_within_a_registry(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    folder = mlflow_folder(tmp_path)
    write.register(dvc_repo.root, "clf", folder, metrics={"f1": 0.9}, tags={"team": "risk"}, description="v1")
    head = dvc_repo.git("rev-parse", "HEAD").strip()
    proc = cli(dvc_repo.root, "copy", "clf/1", "clf-eu")
    assert proc.returncode == 0, proc.stderr
    reg = Registry(dvc_repo.root)
    src, got = reg.get("clf/1"), reg.get("clf-eu/1")
    assert got.artifact == src.artifact
    assert (got.metrics, got.tags, got.description, got.signature) == (
        src.metrics,
        src.tags,
        src.description,
        src.signature,
    )
    assert src.description == "v1\n"
    assert got.raw["artifact"]["format"] == src.raw["artifact"]["format"]
    assert [(p.model, p.version) for p in got.parents] == [("clf", 1)]
    copied = got.lineage.copied_from
    assert copied is not None and (copied.model, copied.version, copied.commit, copied.registry) == (
        "clf",
        1,
        head,
        None,
    )
    assert got.lineage.run == src.lineage.run
    assert check(dvc_repo.root) == []
    log = dvc_repo.git("log", "-1", "--format=%s%n%(trailers:only,unfold)")
    assert log.splitlines()[0] == "copy clf v1 to clf-eu v1 (new model)"
    assert "Registry-Action: copy" in log and f"Source: models:/clf/1 at {head}" in log
    shown = cli(dvc_repo.root, "show", "clf-eu/1").stdout
    assert f"copied:  from models:/clf/1 at {head[:12]}" in shown
    # from Python, by alias
    write.set_alias(dvc_repo.root, "clf", "candidate", 1)
    again = Registry(dvc_repo.root).copy("models:/clf@candidate", "clf-eu")
    assert again.number == 2 and again.artifact.md5 == src.artifact.md5


def test_copy_into_another_registry_keeps_the_provenance(tmp_path: Path) -> None:
    dev = registry_at(tmp_path / "dev", tmp_path / "dev-remote")
    prod = registry_at(tmp_path / "prod", tmp_path / "prod-remote")
    folder = mlflow_folder(tmp_path)
    write.register(dev.root, "clf", folder, metrics={"f1": 0.9}, parents=())
    dev_head = dev.git("rev-parse", "HEAD").strip()
    proc = cli(dev.root, "copy", "clf/1", "fraud", "--to", str(prod.root), "--push")
    assert proc.returncode == 0, proc.stderr
    assert "copy clf v1 to fraud v1 (new model)" in proc.stdout
    got = Registry(prod.root).get("fraud/1")
    copied = got.lineage.copied_from
    assert copied is not None
    assert (copied.registry, copied.model, copied.version, copied.commit) == (
        str(dev.root),
        "clf",
        1,
        dev_head,
    )
    assert got.parents == ()
    assert (
        check(prod.root) == [] and dev.git("rev-parse", "HEAD").strip() == dev_head
    )  # the source is unchanged
    # the bytes went to prod's own remote: a fresh clone of prod pulls them
    clone = tmp_path / "prod-clone"
    subprocess.run(["git", "clone", "-q", str(prod.root), str(clone)], check=True)
    pulled = Registry(clone).pull("fraud/1")
    assert (pulled / "MLmodel").read_bytes() == (folder / "MLmodel").read_bytes()


def test_copy_of_a_model_not_a_version_is_refused(dvc_repo: RegistryBuilder, tmp_path: Path) -> None:
    write.register(dvc_repo.root, "clf", mlflow_folder(tmp_path))
    proc = cli(dvc_repo.root, "copy", "clf", "other")
    assert proc.returncode == 2 and "names a model, not a version" in proc.stderr
    assert "other" not in Registry(dvc_repo.root).models
