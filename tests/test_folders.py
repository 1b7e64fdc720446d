"""Folder artifacts (an MLflow model, a Hugging Face checkpoint): one DVC
output, exactly what `dvc add` makes, checked and pushed like a file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from registry import Registry, write
from registry.errors import UsageError
from tests.builder import DVC, RegistryBuilder, cli, dvc

M = "models/clf"


@pytest.fixture
def repo(dvc_repo: RegistryBuilder) -> RegistryBuilder:
    return dvc_repo


def mlflow_like(where: Path) -> Path:
    """A folder laid out as `mlflow.sklearn.save_model` writes one."""
    folder = where / "model"
    (folder / "extra").mkdir(parents=True)
    (folder / "MLmodel").write_text("flavors:\n  sklearn: {pickled_model: model.pkl}\n", encoding="utf-8")
    (folder / "model.pkl").write_bytes(bytes(range(256)) * 40)
    (folder / "requirements.txt").write_text("scikit-learn==1.5.0\n", encoding="utf-8")
    (folder / "extra" / "empty").write_bytes(b"")
    return folder


def dvc_add_reference(folder: Path, where: Path) -> tuple[str, dict[str, bytes]]:
    """The pointer and cache objects that real `dvc add` makes of a copy of ``folder``."""
    ref = where / "dvc-add"
    ref.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=ref, check=True)
    dvc(ref, "init", "-q")
    shutil.copytree(folder, ref / folder.name)
    dvc(ref, "add", "-q", folder.name)
    objects = ref / ".dvc" / "cache" / "files" / "md5"
    return (ref / f"{folder.name}.dvc").read_text(encoding="utf-8"), {
        p.relative_to(objects).as_posix(): p.read_bytes() for p in objects.rglob("*") if p.is_file()
    }


def test_a_folder_is_what_dvc_add_makes_of_it(repo: RegistryBuilder, tmp_path: Path) -> None:
    folder = mlflow_like(tmp_path)
    pointer, objects = dvc_add_reference(folder, tmp_path)
    _, number = write.register(repo.root, "clf", folder, metrics={"acc": 0.9})
    assert number == 1
    assert repo.read(f"{M}/artifacts/1/model.dvc") == pointer
    cache = repo.root / ".dvc" / "cache" / "files" / "md5"
    ours = {p.relative_to(cache).as_posix(): p.read_bytes() for p in cache.rglob("*") if p.is_file()}
    assert ours == objects
    assert repo.read(f"{M}/artifacts/1/.gitignore") == "/model\n"
    record = repo.read(f"{M}/versions/1.yaml")
    md5 = pointer.split("md5: ", 1)[1].split("\n", 1)[0]
    assert f"md5: {md5}" in record and "nfiles: 4" in record and md5.endswith(".dir")
    # the work tree has the folder, as `dvc add` leaves it
    for rel in ("MLmodel", "model.pkl", "requirements.txt", "extra/empty"):
        assert (repo.root / M / "artifacts/1/model" / rel).read_bytes() == (folder / rel).read_bytes()
    assert repo.check() == []
    status = subprocess.run([DVC, "status"], cwd=repo.root, capture_output=True, text=True, check=True)
    assert "up to date" in status.stdout, status.stdout


def test_a_pushed_folder_pulls_with_dvc_in_a_fresh_clone(repo: RegistryBuilder, tmp_path: Path) -> None:
    folder = mlflow_like(tmp_path)
    write.register(repo.root, "clf", folder, push=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo.root), str(clone)], check=True)
    dvc(clone, "pull", "-q", f"{M}/artifacts/1/model.dvc")
    for path in folder.rglob("*"):
        if path.is_file():
            rel = path.relative_to(folder)
            assert (clone / M / "artifacts/1/model" / rel).read_bytes() == path.read_bytes()
    status = subprocess.run([DVC, "status"], cwd=clone, capture_output=True, text=True, check=True)
    assert "up to date" in status.stdout, status.stdout


def test_a_second_version_that_shares_files_reuses_their_objects(
    repo: RegistryBuilder, tmp_path: Path
) -> None:
    first = mlflow_like(tmp_path / "a")
    write.register(repo.root, "clf", first)
    second = mlflow_like(tmp_path / "b")
    (second / "model.pkl").write_bytes(b"retrained")
    write.register(repo.root, "clf", second)
    cache = repo.root / ".dvc" / "cache" / "files" / "md5"
    files = [p for p in cache.rglob("*") if p.is_file() and not p.name.endswith(".dir")]
    # MLmodel, requirements.txt, the empty file once each; two model.pkl
    assert len(files) == 5
    assert repo.check() == []


def test_a_second_version_pushes_only_the_files_that_changed(repo: RegistryBuilder, tmp_path: Path) -> None:
    remote = tmp_path / "remote"

    def pushed() -> set[str]:
        return {p.relative_to(remote).as_posix() for p in remote.rglob("*") if p.is_file()}

    first = mlflow_like(tmp_path / "a")
    write.register(repo.root, "clf", first, push=True)
    before = pushed()
    assert len(before) == 5  # four files and the manifest
    second = mlflow_like(tmp_path / "b")
    (second / "model.pkl").write_bytes(b"fine-tuned weights")
    write.register(repo.root, "clf", second, push=True)
    new = pushed() - before
    assert len(new) == 2 and sum(p.endswith(".dir") for p in new) == 1  # the new weights and manifest


def _state(repo: RegistryBuilder) -> tuple[str, str]:
    return repo.git("rev-parse", "HEAD").strip(), repo.git("status", "--porcelain", "--ignored")


def _nothing_written(repo: RegistryBuilder, before: tuple[str, str]) -> None:
    assert _state(repo) == before
    assert not (repo.root / M).exists()


@pytest.mark.parametrize("kind", ["empty", "symlink", "fifo", "dir-symlink", "case"])
def test_what_a_folder_artifact_cannot_hold_is_refused(
    repo: RegistryBuilder, tmp_path: Path, kind: str
) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    if kind != "empty":
        (folder / "weights.bin").write_bytes(b"w")
    if kind == "symlink":
        (folder / "link").symlink_to(folder / "weights.bin")
    elif kind == "dir-symlink":
        (folder / "sub").symlink_to(tmp_path, target_is_directory=True)
    elif kind == "fifo":
        os.mkfifo(folder / "pipe")
    elif kind == "case":  # one would be lost in a checkout on macOS or Windows
        (folder / "Weights.bin").write_bytes(b"W")
    head = _state(repo)
    expected = {
        "empty": "empty folder",
        "symlink": "is a symlink",
        "dir-symlink": "is a symlink",
        "fifo": "not a regular file",
        "case": "twice but for case",
    }[kind]
    with pytest.raises(UsageError, match=expected):
        write.register(repo.root, "clf", folder)
    _nothing_written(repo, head)
    proc = cli(repo.root, "register", "clf", str(folder))
    assert proc.returncode == 2 and expected in proc.stderr, proc.stderr
    _nothing_written(repo, head)


def test_the_checker_reads_a_folders_pointer(repo: RegistryBuilder, tmp_path: Path) -> None:
    write.register(repo.root, "clf", mlflow_like(tmp_path))
    pointer = f"{M}/artifacts/1/model.dvc"
    repo.edit(pointer, "nfiles: 4", "nfiles: 5")
    assert {(p.rule, p.path) for p in repo.check()} == {("artifact-mismatch", f"{M}/versions/1.yaml")}
    repo.edit(pointer, "  nfiles: 5\n", "")
    assert {(p.rule, p.path) for p in repo.check()} == {("artifact-dvc", pointer)}
    repo.edit(f"{M}/versions/1.yaml", "  nfiles: 4\n", "")
    rules = {p.rule for p in repo.check()}
    assert "schema" in rules


def test_show_and_the_catalog_say_it_is_a_folder(repo: RegistryBuilder, tmp_path: Path) -> None:
    write.register(repo.root, "clf", mlflow_like(tmp_path))
    proc = cli(repo.root, "show", "clf/1")
    assert proc.returncode == 0, proc.stderr
    assert "(a folder: 4 files, 10,307 bytes, md5 " in proc.stdout
    assert "pull:    registry pull models:/clf/1" in proc.stdout
    out = tmp_path / "site"
    proc = cli(repo.root, "site", "generate", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "a folder of 4 files, 10307 bytes" in (out / "models" / "clf" / "index.md").read_text(
        encoding="utf-8"
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_registry_pull_of_a_folder_in_a_fresh_clone(repo: RegistryBuilder, tmp_path: Path) -> None:
    folder = mlflow_like(tmp_path)
    write.register(repo.root, "clf", folder, push=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo.root), str(clone)], check=True)
    proc = cli(clone, "pull", "clf/1")
    assert proc.returncode == 0, proc.stderr
    assert _files(clone / M / "artifacts/1/model") == _files(folder)
    status = subprocess.run([DVC, "status"], cwd=clone, capture_output=True, text=True, check=True)
    assert "up to date" in status.stdout, status.stdout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    got = Registry(clone).pull("models:/clf/1", elsewhere)
    assert got == elsewhere / "model" and _files(got) == _files(folder)
    # a second pull replaces the folder whole: a stray file in it is gone
    (got / "stray").write_bytes(b"x")
    Registry(clone).pull("models:/clf/1", elsewhere)
    assert _files(got) == _files(folder)
    assert [p.name for p in elsewhere.iterdir()] == ["model"]


def _hostile(repo: RegistryBuilder, entries: object) -> None:
    """A version whose manifest lists ``entries``: the record and pointer agree with it."""
    import hashlib
    import json

    data = json.dumps(entries, sort_keys=True).encode()
    md5 = hashlib.md5(data).hexdigest() + ".dir"
    objects = repo.root / ".dvc" / "cache" / "files" / "md5"
    (objects / md5[:2]).mkdir(parents=True, exist_ok=True)
    (objects / md5[:2] / md5[2:]).write_bytes(data)
    n = len(entries) if isinstance(entries, list) else 1
    repo.write(f"{M}/model.yaml", "{}\n")
    repo.write(
        f"{M}/versions/1.yaml",
        "created_at: 2026-11-01T00:00:00Z\ncreated_by: a@example.com\nstage: none\n"
        f"artifact: {{path: artifacts/1/model, md5: {md5}, size: 1, nfiles: {n}}}\n",
    )
    repo.write(
        f"{M}/artifacts/1/model.dvc",
        f"outs:\n- md5: {md5}\n  size: 1\n  nfiles: {n}\n  hash: md5\n  path: model\n",
    )
    repo.commit("a hostile manifest")


ONE = "0cc175b9c0f1b6a831c399e269772661"  # md5 of b"a"


@pytest.mark.parametrize(
    ("entries", "why"),
    [
        ([{"md5": ONE, "relpath": "../evil"}], "not a plain path"),
        ([{"md5": ONE, "relpath": "/tmp/evil"}], "not a plain path"),
        ([{"md5": ONE, "relpath": "a/./b"}], "not a plain path"),
        ([{"md5": ONE, "relpath": "a\\\\..\\\\b"}], "not a plain path"),
        ([{"md5": ONE, "relpath": "x"}, {"md5": ONE, "relpath": "x"}], "twice"),
        ([{"md5": ONE, "relpath": "Model.bin"}, {"md5": ONE, "relpath": "model.bin"}], "twice"),
        ([{"md5": ONE, "relpath": "a"}, {"md5": ONE, "relpath": "a/b"}], "both as a file and as a folder"),
        ({"md5": ONE, "relpath": "x"}, "not a list"),
        ([{"md5": "nothex", "relpath": "x"}], "not a file's md5"),
    ],
    ids=[
        "dotdot",
        "absolute",
        "dot",
        "backslash",
        "duplicate",
        "case",
        "file-and-folder",
        "not-a-list",
        "bad-md5",
    ],
)
def test_a_hostile_manifest_writes_nothing(
    repo: RegistryBuilder, tmp_path: Path, entries: object, why: str
) -> None:
    _hostile(repo, entries)
    objects = repo.root / ".dvc" / "cache" / "files" / "md5"
    (objects / ONE[:2]).mkdir(exist_ok=True)
    (objects / ONE[:2] / ONE[2:]).write_bytes(b"a")
    dest = tmp_path / "dest"
    dest.mkdir()
    proc = cli(repo.root, "pull", "clf/1", "-o", str(dest))
    assert proc.returncode == 1 and why in proc.stderr, proc.stderr
    assert list(dest.iterdir()) == []
    assert not (repo.root / M / "artifacts/1/model").exists()
    assert [p.name for p in (repo.root / M / "artifacts/1").iterdir()] == ["model.dvc"]
    assert not (tmp_path / "evil").exists() and not Path("/tmp/evil").exists()


def test_a_killed_pull_leaves_no_half_folder(repo: RegistryBuilder, tmp_path: Path) -> None:
    import signal
    import sys
    import time

    big = tmp_path / "big"
    big.mkdir()
    for i in range(300):
        (big / f"shard-{i:03}.bin").write_bytes(os.urandom(1 << 18))
    write.register(repo.root, "clf", big, push=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo.root), str(clone)], check=True)
    dvc(clone, "fetch", "-q", f"{M}/artifacts/1/big.dvc")  # in the cache: the pull copies only
    parent = clone / M / "artifacts/1"
    child = subprocess.Popen([sys.executable, "-P", "-m", "registry", "pull", "clf/1"], cwd=clone)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        temps = [p for p in parent.iterdir() if ".registry-pull-" in p.name and p.is_dir()]
        if temps and any(temps[0].iterdir()):
            break
        time.sleep(0.005)
    assert child.poll() is None, "the pull ended before it could be killed"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert not (parent / "big").exists()  # no half folder
    proc = cli(clone, "pull", "clf/1")
    assert proc.returncode == 0, proc.stderr
    assert _files(parent / "big") == _files(big)
    assert sorted(p.name for p in parent.iterdir()) == [".gitignore", "big", "big.dvc"]


def test_a_checkpoint_cloned_with_git_is_registered_without_its_git(
    repo: RegistryBuilder, tmp_path: Path
) -> None:
    """As `dvc add` does: DVC never tracks .git or .hg inside a folder."""
    folder = mlflow_like(tmp_path)
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    (folder / "sub").mkdir()
    (folder / "sub" / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")
    pointer, _ = dvc_add_reference(folder, tmp_path)
    proc = cli(repo.root, "register", "clf", str(folder))
    assert proc.returncode == 0, proc.stderr
    assert "left out .git, sub/.git, as DVC never tracks .git or .hg" in proc.stderr
    assert repo.read(f"{M}/artifacts/1/model.dvc") == pointer
    status = subprocess.run([DVC, "status"], cwd=repo.root, capture_output=True, text=True, check=True)
    assert "up to date" in status.stdout, status.stdout


def test_a_folder_that_holds_a_dvc_repository_is_refused(repo: RegistryBuilder, tmp_path: Path) -> None:
    folder = mlflow_like(tmp_path)
    (folder / "extra" / ".dvc").mkdir()
    proc = cli(repo.root, "register", "clf", str(folder))
    assert proc.returncode == 2 and "holds a DVC repository" in proc.stderr, proc.stderr
    assert not (repo.root / M).exists()


def test_a_folder_registered_on_a_branch_leaves_the_work_tree_alone(
    repo: RegistryBuilder, tmp_path: Path
) -> None:
    folder = mlflow_like(tmp_path)
    head = repo.git("rev-parse", "HEAD")
    proc = cli(repo.root, "register", "clf", str(folder), "--branch", "new-clf")
    assert proc.returncode == 0, proc.stderr
    assert repo.git("rev-parse", "HEAD") == head and repo.git("status", "--porcelain") == ""
    assert not (repo.root / M).exists()  # the bytes went to DVC's cache only
    listed = repo.git("ls-tree", "-r", "--name-only", "new-clf", "--", M).split()
    assert listed == [
        f"{M}/artifacts/1/.gitignore",
        f"{M}/artifacts/1/model.dvc",
        f"{M}/model.yaml",
        f"{M}/versions/1.yaml",
    ]
    repo.git("checkout", "-q", "new-clf")
    assert cli(repo.root, "pull", "clf/1").returncode == 0  # the bytes are in the cache
    assert _files(repo.root / M / "artifacts/1/model") == _files(folder)
    assert repo.check() == []


def test_an_artifact_name_a_record_cannot_hold_is_refused_clearly(
    repo: RegistryBuilder, tmp_path: Path
) -> None:
    folder = tmp_path / "my model"
    folder.mkdir()
    (folder / "weights.bin").write_bytes(b"w")
    proc = cli(repo.root, "register", "clf", str(folder))
    assert proc.returncode == 2 and "'my model' cannot name an artifact" in proc.stderr, proc.stderr
    assert not (repo.root / M).exists()
    # `.` is the folder's own name
    named = mlflow_like(tmp_path)
    proc = subprocess.run(
        [
            sys.executable,
            "-P",
            "-m",
            "registry",
            "-C",
            str(repo.root),
            "register",
            "clf",
            ".",
            "--code",
            str(repo.root),
        ],
        cwd=named,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert repo.read(f"{M}/artifacts/1/.gitignore") == "/model\n"
