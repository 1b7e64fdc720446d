"""`registry register` with real DVC and a folder remote, then the lifecycle on top of it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from registry import Registry, write
from registry.errors import RegistryError
from tests.builder import DVC, RegistryBuilder, cli


@pytest.fixture
def repo(empty_repo: RegistryBuilder, tmp_path: Path) -> RegistryBuilder:
    reg = empty_repo
    reg.init_dvc(tmp_path / "remote")
    reg.write(
        "registry.yaml",
        """\
        policy:
          gates: {production: {from: [staging], metrics: {f1: ">= 0.8"}}}
          aliases: {champion: {stage: production}}
        """,
    )
    reg.commit("a registry")
    return reg


def weights(tmp_path: Path, n: int) -> Path:
    path = tmp_path / f"run{n}" / "model.onnx"
    path.parent.mkdir()
    path.write_bytes(f"weights of run {n}".encode() * 100)
    return path


def test_three_versions_through_staging_to_production_and_back_out(
    repo: RegistryBuilder, tmp_path: Path
) -> None:
    for n, f1 in ((1, 0.81), (2, 0.86), (3, 0.79)):
        _, number = write.register(
            repo.root, "scorer", weights(tmp_path, n), metrics={"f1": f1}, params={"lr": 0.01}, push=True
        )
        assert number == n
        assert repo.git("log", "-1", "--format=%s").strip().startswith(f"register scorer v{n}")
    write.promote(repo.root, "scorer", 1, "staging")
    write.promote(repo.root, "scorer", 1, "production")
    write.set_alias(repo.root, "scorer", "champion", 1)
    write.promote(repo.root, "scorer", 2, "staging")
    write.promote(repo.root, "scorer", 2, "production", reason="better f1")
    registry = Registry(repo.root)
    assert registry.get("models:/scorer/1").stage == "archived"
    assert registry.get("models:/scorer@champion").number == 2
    write.promote(repo.root, "scorer", 3, "staging")
    with pytest.raises(RegistryError, match=r"f1 = 0\.79 does not satisfy >= 0\.8"):
        write.promote(repo.root, "scorer", 3, "production")
    write.rollback(repo.root, "scorer", reason="v2 drifts on new merchants")
    assert Registry(repo.root).get("models:/scorer@champion").number == 1
    assert Registry(repo.root).get("models:/scorer/2").stage == "archived"
    assert repo.check() == []
    assert repo.git("status", "--porcelain") == ""
    # One commit per action, each with its trailers.
    actions = repo.git("log", "--format=%(trailers:key=Registry-Action,valueonly)", "-10").split()
    assert actions == [
        "rollback",
        "promote",
        "promote",
        "promote",
        "alias-set",
        "promote",
        "promote",
        "register",
        "register",
        "register",
    ]
    # DVC reads the pointers register wrote as its own: nothing to add or push.
    dvc = str(DVC)
    local = subprocess.run([dvc, "status"], cwd=repo.root, capture_output=True, text=True, check=True)
    assert "Data and pipelines are up to date." in local.stdout, local.stdout
    cloud = subprocess.run(
        [dvc, "status", "--cloud"], cwd=repo.root, capture_output=True, text=True, check=True
    )
    assert "in sync" in cloud.stdout, cloud.stdout

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo.root), str(clone)], check=True)
    pulled = Registry(clone).pull("models:/scorer@champion")
    assert pulled.read_bytes() == b"weights of run 1" * 100


def checkout(where: Path, script: str) -> Path:
    """A training code repository at ``where`` with ``script`` committed."""
    (where / script).parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(where)], check=True)
    (where / script).write_text("print('train')\n")
    subprocess.run(["git", "-C", str(where), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(where), "commit", "-qm", "train"], check=True)
    return where


def test_register_from_the_command_line_records_lineage(repo: RegistryBuilder, tmp_path: Path) -> None:
    train = checkout(tmp_path / "train", "train.py")
    head = subprocess.run(
        ["git", "-C", str(train), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    repo.write("data/train.csv", "a,b\n1,2\n")
    (tmp_path / "metrics.json").write_text('{"f1": 0.9, "eval": {"auc": 0.95}}')
    proc = cli(
        repo.root,
        "register",
        "scorer",
        str(weights(tmp_path, 1)),
        "--metrics-file",
        str(tmp_path / "metrics.json"),
        "--param",
        "depth=7",
        "--tag",
        "team=risk",
        "--data",
        "data/train.csv",
        "--code",
        str(train),
        "--code-path",
        "train.py",
        "--run-id",
        "r1",
        "--description",
        "First model.\n\n- baseline",
    )
    assert proc.returncode == 0, proc.stderr
    v = Registry(repo.root).get("models:/scorer/1")
    assert v.metrics == {"f1": 0.9, "eval.auc": 0.95}
    assert v.params == {"depth": 7}
    assert v.lineage.code is not None and v.lineage.code.commit == head and v.lineage.code.path == "train.py"
    assert (
        v.lineage.data[0].path == "data/train.csv" and v.lineage.run is not None and v.lineage.run.id == "r1"
    )
    assert v.description == "First model.\n\n- baseline\n"


def test_code_that_differs_from_its_commit_is_recorded_dirty_or_refused(
    repo: RegistryBuilder, tmp_path: Path
) -> None:
    train = checkout(tmp_path / "train", "src/train.py")

    def register(n: int, *extra: str) -> subprocess.CompletedProcess[str]:
        args = (
            "--code",
            str(train / "src"),
            "--code-path",
            "train.py",
            *extra,
        )  # the path from the script's folder
        return cli(repo.root, "register", "scorer", str(weights(tmp_path, n)), *args)

    clean = register(1)
    assert clean.returncode == 0 and "dirty" not in clean.stderr, clean.stderr
    code = Registry(repo.root).get("scorer/1").lineage.code
    assert code is not None and (code.path, code.dirty, code.diff) == ("src/train.py", False, None)
    (train / "src" / "train.py").write_text("print('train, tuned by hand')\n")  # edited after the commit
    refused = register(2, "--require-clean")
    assert refused.returncode != 0 and "differs from its commit (src/train.py)" in refused.stderr
    assert "scorer/2" not in {f"scorer/{n}" for n in Registry(repo.root).model("scorer").versions}
    dirty = register(3)
    assert dirty.returncode == 0, dirty.stderr
    assert "warning: the training code in" in dirty.stderr and "dirty: true" in dirty.stderr
    code = Registry(repo.root).get("scorer/2").lineage.code
    assert code is not None and code.dirty and code.diff is not None and len(code.diff) == 16
    shown = cli(repo.root, "show", "scorer/2").stdout
    assert f"src/train.py  (with uncommitted changes, digest {code.diff})" in shown
    (train / "src" / "new.py").write_text("print('untracked')\n")
    untracked = cli(
        repo.root,
        "register",
        "scorer",
        str(weights(tmp_path, 4)),
        "--code",
        str(train),
        "--code-path",
        "src/new.py",
    )
    assert untracked.returncode == 0 and "differs from its commit (src/new.py)" in untracked.stderr


def test_refused_registration_leaves_nothing_behind(repo: RegistryBuilder, tmp_path: Path) -> None:
    write.register(repo.root, "scorer", weights(tmp_path, 1))
    repo.write("models/scorer/versions/2.yaml", "stage: none\n")  # someone's leftover
    before = (repo.git("rev-parse", "HEAD"), repo.git("status", "--porcelain"))
    with pytest.raises(RegistryError, match="uncommitted changes"):
        write.register(repo.root, "scorer", weights(tmp_path, 2))
    assert (repo.git("rev-parse", "HEAD"), repo.git("status", "--porcelain")) == before
    assert not (repo.root / "models/scorer/artifacts/2").exists()


def test_registration_the_checker_refuses_is_undone(repo: RegistryBuilder, tmp_path: Path) -> None:
    before = (repo.git("rev-parse", "HEAD"), repo.git("status", "--porcelain"))
    with pytest.raises(RegistryError, match=r"not an allowed transition|would not pass"):
        write.register(repo.root, "scorer", weights(tmp_path, 1), stage="production")
    assert (repo.git("rev-parse", "HEAD"), repo.git("status", "--porcelain")) == before
    assert not (repo.root / "models" / "scorer").exists() or not any(
        (repo.root / "models" / "scorer").rglob("*.dvc")
    )


def test_register_on_a_branch_leaves_the_work_tree_alone(repo: RegistryBuilder, tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    repo.git("remote", "add", "origin", str(origin))
    repo.git("push", "-q", "origin", "HEAD:main")
    write.register(repo.root, "scorer", weights(tmp_path, 1))
    before = (repo.git("rev-parse", "HEAD"), repo.git("status", "--porcelain", "--ignored"))
    proc = cli(
        repo.root,
        "register",
        "scorer",
        str(weights(tmp_path, 2)),
        "--branch",
        "--push",
    )
    assert proc.returncode == 0, proc.stderr
    assert "register scorer v2 (branch registry/register-scorer-v2)\n" in proc.stdout
    assert proc.stdout.strip().endswith(
        "pushed registry/register-scorer-v2 to origin/registry/register-scorer-v2"
    )
    assert (repo.git("rev-parse", "HEAD"), repo.git("status", "--porcelain", "--ignored")) == before
    assert not (repo.root / "models/scorer/artifacts/2").exists()
    files = repo.git("show", "--name-only", "--format=", "registry/register-scorer-v2").split()
    assert sorted(files) == [
        "models/scorer/artifacts/2/.gitignore",
        "models/scorer/artifacts/2/model.onnx.dvc",
        "models/scorer/versions/2.yaml",
    ]
    # The branch is on origin and the bytes are in the DVC remote: a reviewer can pull them.
    clone = tmp_path / "reviewer"
    subprocess.run(
        ["git", "clone", "-q", "-b", "registry/register-scorer-v2", str(origin), str(clone)], check=True
    )
    assert Registry(clone).pull("models:/scorer/2").read_bytes() == b"weights of run 2" * 100


def test_register_push_publishes_the_bytes_and_the_commit_and_upload_only_the_bytes(
    repo: RegistryBuilder, tmp_path: Path
) -> None:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    repo.git("remote", "add", "origin", str(origin))
    repo.git("push", "-q", "-u", "origin", "HEAD:main")
    proc = cli(repo.root, "register", "scorer", str(weights(tmp_path, 1)), "--push")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[1] == f"uploaded the artifact to DVC remote 'store' ({tmp_path / 'remote'})", lines
    assert lines[2] == "pushed main to origin/main", lines
    assert "ahead" not in repo.git("status", "-sb").splitlines()[0]
    deploy = tmp_path / "deploy"  # another machine's clone loads what was published
    subprocess.run(["git", "clone", "-q", str(origin), str(deploy)], check=True)
    assert Registry(deploy).pull("models:/scorer/1").read_bytes() == b"weights of run 1" * 100

    version = Registry(repo.root).register("scorer", weights(tmp_path, 2), upload=True)
    assert "ahead 1" in repo.git("status", "-sb").splitlines()[0]  # the bytes only
    subprocess.run(["git", "-C", str(deploy), "fetch", "-q", str(repo.root), "HEAD:later"], check=True)
    subprocess.run(["git", "-C", str(deploy), "checkout", "-q", "later"], check=True)
    assert Registry(deploy).pull(f"models:/scorer/{version.number}").read_bytes() == b"weights of run 2" * 100


def test_promote_archive_others_empties_the_stage_in_the_same_commit(
    repo: RegistryBuilder, tmp_path: Path
) -> None:
    for n in (1, 2, 3):
        write.register(repo.root, "scorer", weights(tmp_path, n))
    write.promote(repo.root, "scorer", 1, "staging")
    write.promote(repo.root, "scorer", 2, "staging")
    proc = cli(repo.root, "promote", "scorer", "3", "staging", "--archive-others")
    assert proc.returncode == 0, proc.stderr
    stages = {n: Registry(repo.root).get(f"models:/scorer/{n}").stage for n in (1, 2, 3)}
    assert stages == {1: "archived", 2: "archived", 3: "staging"}
    assert repo.git("log", "-1", "--format=%s").strip() == "promote scorer v3 to staging"
    proc = cli(repo.root, "promote", "scorer", "1", "archived", "--archive-others")
    assert proc.returncode == 2 and "archived already" in proc.stderr
