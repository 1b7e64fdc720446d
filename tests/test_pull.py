"""`registry pull`: artifact bytes through real DVC from a folder remote, md5-verified."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from registry import Registry
from registry.errors import UsageError
from registry.pull import ArtifactMismatch
from tests.builder import RegistryBuilder, cli, dvc


@pytest.fixture
def origin(empty_repo: RegistryBuilder, tmp_path: Path) -> RegistryBuilder:
    """A registry whose one version's artifact lives in a DVC folder remote."""
    reg = empty_repo
    reg.init_dvc(tmp_path / "remote")
    reg.model("scorer", aliases={"champion": 1})
    reg.write("registry.yaml", "policy: {aliases: {champion: {stage: production}}}\n")
    artifact = reg.write("models/scorer/artifacts/1/model.pkl", bytes(range(256)) * 40)
    dvc(reg.root, "add", "-q", str(artifact))
    dvc(reg.root, "push", "-q")
    md5 = hashlib.md5(artifact.read_bytes()).hexdigest()
    reg.write(
        "models/scorer/versions/1.yaml",
        f"""\
        created_at: 2026-11-20T10:15:00Z
        created_by: alice@example.com
        stage: production
        artifact: {{path: artifacts/1/model.pkl, md5: "{md5}", size: 10240}}
        """,
    )
    reg.commit("register scorer v1")
    assert reg.check() == []
    return reg


def test_pull_into_a_fresh_clone_gives_identical_bytes(origin: RegistryBuilder, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin.root), str(clone)], check=True)
    out = tmp_path / "out"
    out.mkdir()
    proc = cli(clone, "pull", "models:/scorer@champion", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()) == out / "model.pkl"
    assert (out / "model.pkl").read_bytes() == (
        origin.root / "models/scorer/artifacts/1/model.pkl"
    ).read_bytes()
    assert Registry(clone).pull("models:/scorer/production").read_bytes() == bytes(range(256)) * 40


def test_pull_o_with_a_trailing_slash_or_missing_folders_puts_the_artifact_in_them(
    origin: RegistryBuilder, tmp_path: Path
) -> None:
    weights = bytes(range(256)) * 40
    for given, landed in (
        ("out/", "out/model.pkl"),  # a folder to make, not a file named out
        ("new/sub/", "new/sub/model.pkl"),  # with its parents
        ("deep/er/weights.bin", "deep/er/weights.bin"),  # a file, in folders made for it
        ("out", "out/model.pkl"),  # a folder that exists
    ):
        proc = cli(origin.root, "pull", "scorer/1", "-o", f"{tmp_path}/{given}")  # as typed
        assert proc.returncode == 0, (given, proc.stderr)
        assert Path(proc.stdout.strip()) == tmp_path / landed
        assert (tmp_path / landed).read_bytes() == weights
    assert Registry(origin.root).pull("scorer/1", f"{tmp_path}/api/").read_bytes() == weights
    (tmp_path / "plain").write_text("a file")
    proc = cli(origin.root, "pull", "scorer/1", "-o", str(tmp_path / "plain/x.bin"))
    assert proc.returncode != 0 and "it is a file, not a folder" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_pull_that_leaves_the_work_tree_alone_writes_the_destination_only(
    origin: RegistryBuilder, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin.root), str(clone)], check=True)
    out = tmp_path / "out"
    out.mkdir()
    got = Registry(clone).pull("models:/scorer@champion", out, worktree=False)
    assert got == out / "model.pkl" and got.read_bytes() == bytes(range(256)) * 40
    assert not (clone / "models/scorer/artifacts/1/model.pkl").exists()
    with pytest.raises(UsageError, match="needs a destination"):
        Registry(clone).pull("models:/scorer@champion", worktree=False)


def test_corrupted_cache_is_caught_by_the_md5_check(origin: RegistryBuilder, tmp_path: Path) -> None:
    import os

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin.root), str(clone)], check=True)
    registry = Registry(clone)
    local = registry.pull("models:/scorer@champion")
    # Bit rot in the local DVC cache that DVC does not notice: same size, same mtime.
    md5 = registry.get("models:/scorer/1").artifact.md5
    cached = clone / ".dvc" / "cache" / "files" / "md5" / md5[:2] / md5[2:]
    stat = cached.stat()
    data = bytearray(cached.read_bytes())
    data[100] ^= 0xFF
    cached.chmod(0o644)
    cached.write_bytes(bytes(data))
    os.utime(cached, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    local.unlink()
    out = tmp_path / "out.pkl"
    with pytest.raises(ArtifactMismatch, match=f"says 10,240 bytes with md5 {md5}"):
        registry.pull("models:/scorer@champion", out)
    assert not out.exists() and not local.exists()
    assert not cached.exists(), "the corrupt object is deleted from the cache"
    proc = cli(clone, "pull", "scorer/1")  # so the next pull fetches good bytes from the remote
    assert proc.returncode == 0, proc.stderr
    assert local.read_bytes() == bytes(range(256)) * 40


def test_pull_without_a_version_is_a_usage_error(origin: RegistryBuilder) -> None:
    proc = cli(origin.root, "pull", "scorer")
    assert proc.returncode == 2 and "names a model, not a version" in proc.stderr
